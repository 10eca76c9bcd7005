//! Tracker catalog: is a URL (script/img/iframe/link) or an inline script a third-party tracker,
//! of which consent category and provider?
//!
//! The built-in data ([`super::trackers_data`]) is curated by hand from what each vendor documents
//! about where its tags load from; no third-party block list is copied or compiled in.
//!
//! # Matching
//! * URLs are parsed the WHATWG way (the `url` crate: what a browser would request), then the host
//!   (lowercase, punycode, trailing dot removed) is looked up. The **most specific rule wins**:
//!   the longest [`TrackerMatch::UrlPrefix`] of that host, else the [`TrackerMatch::Host`] rule,
//!   else the longest [`TrackerMatch::HostSuffix`] (walking parent domains label by label).
//! * Config rules: a config rule with the same kind and pattern as a built-in one replaces it, and
//!   every built-in URL rule that a config URL rule fully covers (same or narrower host/path) is
//!   dropped, so config always beats built-ins it overlaps — including `category = "none"`, which
//!   means "not a tracker" (allow-list). [`TrackerCatalog::host_rules`] therefore stays consistent
//!   with "exact host first, then the longest suffix" on the client side; a rule whose category is
//!   `"none"` is listed too and means "allow".
//! * Inline scripts: one leftmost-first Aho-Corasick automaton over all signatures (case-sensitive)
//!   names candidates; a built-in one counts only when the whole script is that vendor's snippet
//!   ([`super::snippets`]). A config signature with category `"none"` replaces a built-in one of
//!   the same text; a `"none"` signature of its own is an allow marker: a script containing it
//!   anywhere is not a tracker.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::lists::{FilterLists, RequestKind};
use super::Fnv;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use url::{Host, Position, Url};

use super::embeds::EMBED_PROVIDERS;
use super::trackers_data::{GOOGLE_DOMAINS, NOT_TRACKERS, PROVIDERS};
pub use super::url_shape::parse_url;
pub use super::url_shape::quick_host;
use super::url_shape::{url_shape, UrlShape};

pub use super::tracker_rule::{TrackerMatch, TrackerRule, NOT_A_TRACKER};

const NO_RULE: u32 = u32::MAX;

/// Everything known about one host name: its exact rule, its suffix rule, its URL prefixes.
struct HostEntry {
    exact: u32,
    suffix: u32,
    /// (path+query prefix, rule), longest first.
    prefixes: Vec<(Box<str>, u32)>,
}

type HostMap = HashMap<Box<str>, HostEntry, BuildHasherDefault<Fnv>>;

/// What the caller knows of the URL's path when looking a host up.
#[derive(Clone, Copy)]
enum PathInfo<'a> {
    /// The serialised path+query: prefix rules apply.
    Known(&'a str),
    /// A bare host name (a preconnect hint): prefix rules never match.
    HostOnly,
    /// Not parsed yet: ask for a full parse if the host has prefix rules.
    Unknown,
}

pub struct TrackerCatalog {
    rules: Vec<TrackerRule>,
    hosts: HostMap,
    /// Most labels in any suffix pattern: longer parent domains need no probing.
    max_suffix_labels: usize,
    inline: Option<AhoCorasick>,
    /// Automaton pattern id → rule index.
    inline_rules: Vec<u32>,
    /// "none" signatures: a script containing one is never a tracker.
    inline_allow: Option<AhoCorasick>,
    /// Standard filter lists, asked for third-party URLs no rule classifies.
    lists: FilterLists,
    /// Which scripts were whole vendor snippets, by text.
    snippets: super::snippets::SnippetMemo,
}

impl std::fmt::Debug for TrackerCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackerCatalog").field("rules", &self.rules.len()).finish_non_exhaustive()
    }
}

impl TrackerCatalog {
    /// The curated built-in rules (see `trackers_data.rs`), in table order.
    pub fn builtin_rules() -> Vec<TrackerRule> {
        let rule = |kind, pattern: String, category: &str, provider: &str| TrackerRule {
            kind,
            pattern,
            category: category.to_owned(),
            provider: provider.to_owned(),
            from_config: false,
        };
        let mut out = Vec::with_capacity(1200);
        for p in PROVIDERS.iter().chain(EMBED_PROVIDERS) {
            let lists: [(TrackerMatch, &[&str]); 4] = [
                (TrackerMatch::Host, p.hosts),
                (TrackerMatch::HostSuffix, p.suffixes),
                (TrackerMatch::UrlPrefix, p.prefixes),
                (TrackerMatch::InlineSignature, p.inline),
            ];
            for (kind, patterns) in lists {
                out.extend(patterns.iter().map(|s| rule(kind, (*s).to_owned(), p.category, p.name)));
            }
        }
        // Google serves ads conversion pings and Maps embeds from every country domain.
        for d in GOOGLE_DOMAINS {
            out.push(rule(TrackerMatch::Host, format!("adservice.google.{d}"), "marketing", "Google Ads"));
            out.push(rule(TrackerMatch::Host, format!("maps.google.{d}"), "marketing", "Google Maps"));
            for www in ["www.", ""] {
                out.push(rule(TrackerMatch::UrlPrefix, format!("{www}google.{d}/pagead/"), "marketing", "Google Ads"));
                out.push(rule(TrackerMatch::UrlPrefix, format!("{www}google.{d}/maps"), "marketing", "Google Maps"));
            }
        }
        for (name, suffixes, prefixes) in NOT_TRACKERS {
            out.extend(suffixes.iter().map(|s| rule(TrackerMatch::HostSuffix, (*s).to_owned(), NOT_A_TRACKER, name)));
            out.extend(prefixes.iter().map(|p| rule(TrackerMatch::UrlPrefix, (*p).to_owned(), NOT_A_TRACKER, name)));
        }
        out
    }

    /// Later rules with the same (kind, pattern) override earlier ones (built-ins first, then
    /// config). Invalid rules (see [`TrackerRule::validate`]) are skipped.
    pub fn new(rules: Vec<TrackerRule>) -> Self {
        let mut resolved: Vec<TrackerRule> = Vec::with_capacity(rules.len());
        let mut seen: HashMap<(TrackerMatch, String), usize> = HashMap::with_capacity(rules.len());
        for mut r in rules {
            let Ok(pattern) = r.normalized_pattern() else { continue };
            r.pattern = pattern;
            match seen.get(&(r.kind, r.pattern.clone())) {
                Some(&i) => resolved[i] = r,
                None => {
                    seen.insert((r.kind, r.pattern.clone()), resolved.len());
                    resolved.push(r);
                }
            }
        }
        let shadowed = shadowed_builtins(&resolved);
        let rules: Vec<TrackerRule> =
            resolved.into_iter().zip(shadowed).filter_map(|(r, gone)| (!gone).then_some(r)).collect();

        let mut hosts = HostMap::default();
        fn entry<'m>(hosts: &'m mut HostMap, h: &str) -> &'m mut HostEntry {
            hosts.entry(h.into()).or_insert_with(|| HostEntry { exact: NO_RULE, suffix: NO_RULE, prefixes: Vec::new() })
        }
        let (mut max_suffix_labels, mut inline_pats, mut inline_rules, mut allow_pats) = (0, vec![], vec![], vec![]);
        for (i, r) in rules.iter().enumerate() {
            let i = i as u32;
            match r.kind {
                TrackerMatch::Host => entry(&mut hosts, &r.pattern).exact = i,
                TrackerMatch::HostSuffix => {
                    entry(&mut hosts, &r.pattern).suffix = i;
                    max_suffix_labels = max_suffix_labels.max(r.pattern.split('.').count());
                }
                TrackerMatch::UrlPrefix => {
                    let (host, path) = split_prefix(&r.pattern);
                    entry(&mut hosts, host).prefixes.push((path.into(), i));
                }
                TrackerMatch::InlineSignature if r.category == NOT_A_TRACKER => allow_pats.push(r.pattern.as_str()),
                TrackerMatch::InlineSignature => {
                    inline_pats.push(r.pattern.as_str());
                    inline_rules.push(i);
                }
            }
        }
        for e in hosts.values_mut() {
            e.prefixes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        }
        // A DFA: every inline script of an undecided page is scanned (~20 instructions per byte
        // with the default NFA, measured in benches/instructions.sh); the built-in signatures'
        // DFA takes ~1.5 MB once per process instead of ~75 KB.
        let automaton = |pats: &[&str]| {
            if pats.is_empty() {
                return None;
            }
            let builder = || AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).clone();
            builder().kind(Some(AhoCorasickKind::DFA)).build(pats).or_else(|_| builder().build(pats)).ok()
        };
        let (inline, inline_allow) = (automaton(&inline_pats), automaton(&allow_pats));
        Self {
            rules,
            hosts,
            max_suffix_labels,
            inline,
            inline_rules,
            inline_allow,
            lists: FilterLists::default(),
            snippets: Default::default(),
        }
    }

    /// Adds the filter lists, asked after every rule.
    pub fn with_lists(mut self, lists: FilterLists) -> Self {
        self.lists = lists;
        self
    }

    pub fn lists(&self) -> &FilterLists {
        &self.lists
    }

    /// The whole decision for a URL a page at `page` loads as `kind`: config rules, then the
    /// built-in catalog (both through [`Self::classify_url_rule`]; an allow rule ends it), then
    /// the filter lists for third-party URLs (provider: the registrable domain). Returns
    /// (category, provider) of a tracker.
    pub fn classify_request(
        &self,
        url: &str,
        base: Option<&Url>,
        page_host: Option<&str>,
        kind: RequestKind,
    ) -> Option<(String, String)> {
        if let Some(rule) = self.classify_url_rule(url, base) {
            return (rule.category != NOT_A_TRACKER).then(|| (rule.category.clone(), rule.provider.clone()));
        }
        let (parsed, host) = third_party_url(url, base, page_host)?;
        let hit = self.lists.check(parsed.as_str(), &host, page_host, kind)?;
        Some((hit.category.to_owned(), super::site(&host).to_owned()))
    }

    /// Classifies a URL as written in an attribute, resolved against `base` (the page URL or its
    /// `<base href>`) exactly as a browser would. Only http(s)/ws(s) URLs with a host can match.
    pub fn classify_url(&self, url: &str, base: Option<&Url>) -> Option<&TrackerRule> {
        self.classify_url_rule(url, base).filter(|r| r.category != NOT_A_TRACKER)
    }

    /// Like [`Self::classify_url`], but also returns allow entries (category `none`), so a caller
    /// can tell "explicitly not a tracker" from "in no rule".
    pub fn classify_url_rule(&self, url: &str, base: Option<&Url>) -> Option<&TrackerRule> {
        self.classify_url_rule_memo(url, base, &mut BaseMemo::default())
    }

    /// Like [`Self::classify_url_rule`], remembering the lookup of `base`'s own host in `memo`
    /// (path-relative URLs, most of a page's, all resolve to it). `memo` belongs to this `base`.
    pub fn classify_url_rule_memo(&self, url: &str, base: Option<&Url>, memo: &mut BaseMemo) -> Option<&TrackerRule> {
        let base_special = base.is_some_and(|b| matches!(b.scheme(), "http" | "https"));
        if let Some(host) = quick_host(url, base_special) {
            if let Some(hit) = self.lookup(host, false, PathInfo::Unknown) {
                return self.any_rule(hit);
            }
        } else {
            match (url_shape(url), base.filter(|_| base_special)) {
                // data:, javascript:, blob:, about:, mailto:, … never match (and are never parsed).
                (UrlShape::Absolute { web: false }, _) => return None,
                // Resolves to the page's own host: only that host's rules can match.
                (UrlShape::PathRelative, Some(base)) => {
                    let hit = *memo.0.get_or_insert_with(|| {
                        let ip = !matches!(base.host(), Some(Host::Domain(_)));
                        let host = base.host_str().unwrap_or_default();
                        self.lookup(host.strip_suffix('.').unwrap_or(host), ip, PathInfo::Unknown)
                    });
                    if let Some(hit) = hit {
                        return self.any_rule(hit);
                    }
                }
                _ => {}
            }
        }
        self.classify_parsed(url, base)
    }

    /// The full WHATWG parse (also the reference the fast paths must agree with).
    fn classify_parsed(&self, url: &str, base: Option<&Url>) -> Option<&TrackerRule> {
        let url = parse_url(url, base)?;
        if !matches!(url.scheme(), "http" | "https" | "ws" | "wss") {
            return None;
        }
        let ip = !matches!(url.host()?, Host::Domain(_));
        let host = url.host_str()?;
        let host = host.strip_suffix('.').unwrap_or(host);
        let path = &url[Position::BeforePath..Position::AfterQuery];
        self.any_rule(self.lookup(host, ip, PathInfo::Known(path))?)
    }

    /// Same for an already-parsed host (lowercase ASCII, no trailing dot; both are tolerated) —
    /// for hints like preconnect. URL-prefix rules need a path, so they never match here.
    pub fn classify_host(&self, host: &str) -> Option<&TrackerRule> {
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.classify_host(&host.to_ascii_lowercase());
        }
        let ip = host.starts_with('[')
            || host.rsplit('.').next().is_some_and(|l| l.starts_with(|c: char| c.is_ascii_digit()));
        self.rule(self.lookup(host, ip, PathInfo::HostOnly)?)
    }

    /// Inline script text: is it a vendor's loader snippet to neutralise? Built-in signatures
    /// only name candidates: the script is a tracker when its **whole** text is that vendor's
    /// published snippet ([`super::snippets`]); with anything else in it, it runs, and what it
    /// inserts goes through the client guard. Config signatures are the operator's word and
    /// apply to any script containing them; a config allow signature (`none`) anywhere in the
    /// script ends it. The leftmost qualifying signature's rule is returned.
    pub fn classify_inline(&self, text: &str) -> Option<&TrackerRule> {
        self.classify_inline_where(text, |_| true)
    }

    /// [`Self::classify_inline`] for the rules `judged` says matter (a page passes "its category
    /// is refused"): a snippet of a granted vendor is never read as JavaScript.
    pub fn classify_inline_where(&self, text: &str, judged: impl Fn(&TrackerRule) -> bool) -> Option<&TrackerRule> {
        let automaton = self.inline.as_ref()?;
        let mut matches =
            automaton.find_iter(text).map(|m| &self.rules[self.inline_rules[m.pattern().as_usize()] as usize]);
        let first = matches.next()?;
        if self.inline_allow.as_ref().is_some_and(|a| a.is_match(text)) {
            return None;
        }
        let all: Vec<&TrackerRule> = std::iter::once(first).chain(matches).collect();
        let named: Vec<&TrackerRule> = all.iter().copied().filter(|r| judged(r)).collect();
        // Read as JavaScript only when a built-in signature names a judged vendor; compared with
        // every vendor the text names, so the remembered answer depends on the text alone.
        let vendor = if named.iter().any(|r| !r.from_config) {
            self.snippets.whole(text, |p| all.iter().any(|r| !r.from_config && r.provider == p))
        } else {
            None
        };
        named.into_iter().find(|r| r.from_config || vendor == Some(r.provider.as_str()))
    }

    /// The vendor a script names (its leftmost signature's rule), whole snippet or not, unless an
    /// allow marker is in it. For documents the client guard does not run in (an `srcdoc`
    /// iframe): there, code that names a vendor cannot be left to the guard.
    pub fn inline_vendor(&self, text: &str) -> Option<&TrackerRule> {
        let m = self.inline.as_ref()?.find(text)?;
        if self.inline_allow.as_ref().is_some_and(|a| a.is_match(text)) {
            return None;
        }
        Some(&self.rules[self.inline_rules[m.pattern().as_usize()] as usize])
    }

    /// Host and suffix rules as (pattern, is_suffix, category), for the client-side guard: the
    /// exact host wins, else the longest suffix; category "none" means "allowed".
    pub fn host_rules(&self) -> impl Iterator<Item = (&str, bool, &str)> {
        self.rules.iter().filter_map(|r| match r.kind {
            TrackerMatch::Host => Some((r.pattern.as_str(), false, r.category.as_str())),
            TrackerMatch::HostSuffix => Some((r.pattern.as_str(), true, r.category.as_str())),
            _ => None,
        })
    }

    /// Number of effective rules (after overrides; allow entries included).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// All effective rules, in input order.
    pub fn rules(&self) -> &[TrackerRule] {
        &self.rules
    }

    fn any_rule(&self, hit: Option<u32>) -> Option<&TrackerRule> {
        Some(&self.rules[hit? as usize])
    }

    fn rule(&self, hit: Option<u32>) -> Option<&TrackerRule> {
        let r = &self.rules[hit? as usize];
        (r.category != NOT_A_TRACKER).then_some(r)
    }

    /// The most specific rule for `host`: `None` = a full parse is needed (prefix rules exist and
    /// the path is unknown); `Some(None)` = no rule.
    fn lookup(&self, host: &str, ip: bool, path: PathInfo<'_>) -> Option<Option<u32>> {
        if let Some(e) = self.hosts.get(host) {
            match path {
                PathInfo::Unknown if !e.prefixes.is_empty() => return None,
                PathInfo::Known(p) => {
                    if let Some((_, i)) = e.prefixes.iter().find(|(pre, _)| p.starts_with(&**pre)) {
                        return Some(Some(*i));
                    }
                }
                _ => {}
            }
            if e.exact != NO_RULE {
                return Some(Some(e.exact));
            }
            if e.suffix != NO_RULE {
                return Some(Some(e.suffix));
            }
        }
        if ip || self.max_suffix_labels == 0 {
            return Some(None);
        }
        // Parent domains, longest first, but none with more labels than any suffix pattern.
        let mut start = suffix_start(host, self.max_suffix_labels);
        if start == 0 {
            start = host.find('.').map_or(host.len(), |i| i + 1);
        }
        while start < host.len() {
            let parent = &host[start..];
            if let Some(e) = self.hosts.get(parent) {
                if e.suffix != NO_RULE {
                    return Some(Some(e.suffix));
                }
            }
            start += parent.find('.').map_or(parent.len(), |i| i + 1);
        }
        Some(None)
    }
}

/// `url` resolved against `base` when it is an http(s)/ws(s) URL on another site than
/// `page_host`: the parsed URL and its lowercase host without a trailing dot.
pub fn third_party_url(url: &str, base: Option<&Url>, page_host: Option<&str>) -> Option<(Url, String)> {
    let parsed = parse_url(url, base)?;
    if !matches!(parsed.scheme(), "http" | "https" | "ws" | "wss") {
        return None;
    }
    let host = parsed.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    if page_host.is_some_and(|own| own == host || super::site(own) == super::site(&host)) {
        return None;
    }
    Some((parsed, host))
}

/// The lookup of one base URL's host, done once: see [`TrackerCatalog::classify_url_rule_memo`].
#[derive(Debug, Default, Clone)]
pub struct BaseMemo(Option<Option<Option<u32>>>);

/// Byte offset where the suffix of `host` made of its last `labels` labels starts (0 = whole).
fn suffix_start(host: &str, labels: usize) -> usize {
    let mut dots = 0;
    for (i, b) in host.bytes().enumerate().rev() {
        if b == b'.' {
            dots += 1;
            if dots == labels {
                return i + 1;
            }
        }
    }
    0
}

/// "host/path?query" → ("host", "/path?query").
fn split_prefix(pattern: &str) -> (&str, &str) {
    pattern.split_at(pattern.find('/').unwrap_or(pattern.len()))
}

/// Built-ins made redundant by a config URL rule that matches everything they match (so that
/// config beats built-ins under "most specific wins").
fn shadowed_builtins(rules: &[TrackerRule]) -> Vec<bool> {
    let (mut hosts, mut suffixes, mut prefixes) = (vec![], vec![], vec![]);
    for r in rules.iter().filter(|r| r.from_config) {
        match r.kind {
            TrackerMatch::Host => hosts.push(r.pattern.as_str()),
            TrackerMatch::HostSuffix => suffixes.push(r.pattern.as_str()),
            TrackerMatch::UrlPrefix => prefixes.push(split_prefix(&r.pattern)),
            TrackerMatch::InlineSignature => {}
        }
    }
    let under_suffix =
        |h: &str| suffixes.iter().any(|s| h == *s || h.strip_suffix(s).is_some_and(|x| x.ends_with('.')));
    rules
        .iter()
        .map(|r| {
            !r.from_config
                && match r.kind {
                    TrackerMatch::Host => under_suffix(&r.pattern),
                    TrackerMatch::HostSuffix => under_suffix(&r.pattern),
                    TrackerMatch::UrlPrefix => {
                        let (h, p) = split_prefix(&r.pattern);
                        hosts.contains(&h)
                            || under_suffix(h)
                            || prefixes.iter().any(|(ch, cp)| *ch == h && p.starts_with(cp))
                    }
                    TrackerMatch::InlineSignature => false,
                }
        })
        .collect()
}

#[cfg(test)]
#[path = "trackers_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "trackers_inline_tests.rs"]
mod inline_tests;
