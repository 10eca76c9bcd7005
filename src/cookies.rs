//! Cookie enforcement: every request `Cookie` and response `Set-Cookie` is classified by the
//! compiled catalog and kept only when its category is granted.
//!
//! - request: refused cookies are stripped before the origin sees them; several `Cookie` headers
//!   (HTTP/2) are merged into one for the HTTP/1.1 origin;
//! - response: refused `Set-Cookie`s are removed, on every status (3xx, 304, HEAD, errors);
//!   the origin can never set the proxy's own consent cookie; malformed ones are dropped unless
//!   their name is clearly necessary.
//!
//! Unknown names follow `cookies.unknown_cookies`. Nothing here allocates when nothing changes.

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::catalog::cookies::{CookieCatalog, CookiePattern, CookieRule, Party, RuleSource};
use crate::consent::{ConsentSettings, ConsentState};
use crate::settings::SettingsError;
use serde::Deserialize;

/// How a cookie name classifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A catalog rule; `category` is `None` when the rule's category is not declared (then it is
    /// never granted: nobody could consent to it).
    Known {
        rule: usize,
        category: Option<usize>,
        /// The rule's provider as a service a visitor can choose on its own.
        service: Option<u16>,
    },
    Unknown,
}

/// Why a cookie was (or would be) removed; bounded label values for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Category(usize),
    Undeclared,
    Unknown,
    /// The origin tried to set the proxy's consent cookie.
    Forged,
    Malformed,
}

pub struct CookiePolicy {
    catalog: CookieCatalog,
    rule_category: Vec<Option<usize>>,
    rule_service: Vec<Option<u16>>,
    /// The exact cookie names (and `prefix*` patterns) of each service, for the settings layer.
    service_cookies: HashMap<u16, Vec<String>>,
    /// Rules seen in traffic since start: the policy page lists these.
    seen: Vec<AtomicBool>,
    pub unknown: UnknownCookies,
    pub strip_request: bool,
    consent_cookie: String,
    /// The consent cookie's own rule: always on the policy page.
    own_rule: Option<usize>,
}

impl std::fmt::Debug for CookiePolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CookiePolicy {{ rules: {}, unknown: {:?} }}", self.catalog.len(), self.unknown)
    }
}

impl CookiePolicy {
    /// Built-in rules, then the consent cookie (necessary), then `cookies.rules` (which override).
    pub fn compile(raw: RawCookies, consent: &ConsentSettings) -> Result<Self, SettingsError> {
        let mut rules = CookieCatalog::builtin_rules();
        rules.push(CookieRule {
            pattern: CookiePattern::Exact(consent.cookie_name.clone()),
            category: "necessary".into(),
            provider: "This website (consent-proxy)".into(),
            platform: String::new(),
            purpose: "Remembers your cookie choices and when you made them".into(),
            duration: human_duration(consent.max_age),
            party: Party::First,
            source: RuleSource::Builtin,
        });
        for r in raw.rules {
            let err = |m: String| SettingsError { key: "cookies.rules".into(), message: m };
            let pattern = CookiePattern::parse(&r.name).map_err(|e| err(format!("`{}`: {e}", r.name)))?;
            if consent.category_index(&r.category).is_none() {
                return Err(err(format!(
                    "`{}`: category `{}` is not declared in consent.categories",
                    r.name, r.category
                )));
            }
            rules.push(CookieRule {
                pattern,
                category: r.category,
                platform: r.provider.clone(),
                provider: r.provider,
                purpose: r.purpose,
                duration: r.duration,
                party: r.party,
                source: RuleSource::Config,
            });
        }
        let catalog = CookieCatalog::new(rules);
        // A provider regrouped by `[services]` takes its cookies along.
        let rule_category = catalog
            .rules()
            .map(|r| {
                let own = consent.category_index(&r.category);
                own.filter(|&c| consent.categories[c].necessary)
                    .or_else(|| consent.services.regrouped(&r.platform))
                    .or_else(|| consent.services.regrouped(&r.provider))
                    .or(own)
            })
            .collect();
        // The product first ("Youtube"), then the company ("Google"); a few hundred distinct
        // names among thousands of rules, so each is looked up once.
        let mut seen: HashMap<&str, Option<u16>> = HashMap::new();
        let mut rule_service: Vec<Option<u16>> = Vec::with_capacity(catalog.len());
        for r in catalog.rules() {
            let mut lookup = |name| *seen.entry(name).or_insert_with(|| consent.services.of_provider(name));
            let service = lookup(r.platform.as_str()).or_else(|| lookup(r.provider.as_str()));
            rule_service.push(service);
        }
        let mut service_cookies: HashMap<u16, Vec<String>> = Default::default();
        for (r, s) in catalog.rules().zip(&rule_service) {
            let Some(s) = s else { continue };
            let names = service_cookies.entry(*s).or_default();
            let name = r.pattern.as_string();
            if names.len() < 8 && !names.contains(&name) {
                names.push(name);
            }
        }
        let seen = catalog.rules().map(|_| AtomicBool::new(false)).collect();
        let own_rule = catalog.classify_index(&consent.cookie_name);
        Ok(Self {
            own_rule,
            catalog,
            rule_category,
            rule_service,
            service_cookies,
            seen,
            unknown: raw.unknown_cookies,
            strip_request: raw.strip_request,
            consent_cookie: consent.cookie_name.clone(),
        })
    }

    pub fn classify(&self, name: &str) -> Class {
        match self.catalog.classify_index(name) {
            Some(rule) => {
                self.seen[rule].store(true, Ordering::Relaxed);
                Class::Known { rule, category: self.rule_category[rule], service: self.rule_service[rule] }
            }
            None => Class::Unknown,
        }
    }

    /// Up to 8 cookie names (or `prefix*` patterns) the catalog knows for a service.
    pub fn cookies_of(&self, service: u16) -> &[String] {
        self.service_cookies.get(&service).map_or(&[], Vec::as_slice)
    }

    pub fn rule_count(&self) -> usize {
        self.catalog.len()
    }

    pub fn rule(&self, index: usize) -> &CookieRule {
        self.catalog.rule(index)
    }

    /// Rules for the policy page: those seen in traffic and those from config, or all of them;
    /// each with its category and service.
    pub fn policy_rules(&self, all: bool) -> impl Iterator<Item = (&CookieRule, Option<usize>, Option<u16>)> {
        self.catalog
            .rules()
            .enumerate()
            .filter(move |(i, r)| {
                all || r.source == RuleSource::Config
                    || self.own_rule == Some(*i)
                    || self.seen[*i].load(Ordering::Relaxed)
            })
            .map(|(i, r)| (r, self.rule_category[i], self.rule_service[i]))
    }

    /// `None` when the cookie may pass, else why not.
    pub fn verdict(&self, name: &str, state: &ConsentState) -> Option<Refusal> {
        match self.classify(name) {
            Class::Known { category: Some(c), service, .. } if state.allows_service(service, c) => None,
            Class::Known { category: Some(c), .. } => Some(Refusal::Category(c)),
            Class::Known { category: None, .. } => Some(Refusal::Undeclared),
            Class::Unknown if self.unknown == UnknownCookies::Allow => None,
            Class::Unknown => Some(Refusal::Unknown),
        }
    }

    /// Strips refused cookies from the request (when `apply`), calling `on_refused` for each.
    /// Several `Cookie` headers (HTTP/2) are merged into one for the HTTP/1.1 origin.
    pub fn filter_request(
        &self,
        headers: &mut HeaderMap,
        state: &ConsentState,
        apply: bool,
        mut on_refused: impl FnMut(&str, Refusal),
    ) {
        let count = headers.get_all(COOKIE).iter().count();
        if count == 0 {
            return;
        }
        let mut out = String::new();
        let mut changed = count > 1;
        for piece in crate::consent::cookie_pieces(headers) {
            let Ok((name, value)) = piece else {
                on_refused("", Refusal::Malformed);
                changed |= apply;
                continue;
            };
            if let Some(why) = self.verdict(name, state) {
                on_refused(name, why);
                if apply {
                    changed = true;
                    continue;
                }
            }
            if !out.is_empty() {
                out.push_str("; ");
            }
            if !name.is_empty() {
                out.push_str(name);
                out.push('=');
            }
            out.push_str(value);
        }
        if !changed {
            return;
        }
        headers.remove(COOKIE);
        if !out.is_empty() {
            let merged = HeaderValue::from_bytes(out.as_bytes()).expect("built from valid header values");
            headers.insert(COOKIE, merged);
        }
    }

    /// Removes refused `Set-Cookie` headers (when `apply`), calling `on_refused` with each one's
    /// name, why, and the whole header (for discovery, which reads its attributes).
    ///
    /// Only the name is read here, by a hand-written scan that allocates nothing; the `cookie`
    /// crate would parse every attribute of every `Set-Cookie` on the hot path. The comparison
    /// is `cargo bench --bench rewrite -- cookies/` (`filter_8_set_cookies` against
    /// `parse_8_set_cookies_with_cookie_crate`); its figures are not in the README yet.
    pub fn filter_response(
        &self,
        headers: &mut HeaderMap,
        state: &ConsentState,
        apply: bool,
        mut on_refused: impl FnMut(&str, Refusal, &str),
    ) {
        let http::header::Entry::Occupied(entry) = headers.entry(SET_COOKIE) else { return };
        let values: Vec<HeaderValue> = entry.remove_entry_mult().1.collect();
        for value in values {
            let (name, refusal) = self.set_cookie_verdict(&value, state);
            if let Some(why) = refusal {
                on_refused(name, why, value.to_str().unwrap_or(""));
                if apply {
                    continue;
                }
            }
            headers.append(SET_COOKIE, value);
        }
    }

    fn set_cookie_verdict<'v>(&self, value: &'v HeaderValue, state: &ConsentState) -> (&'v str, Option<Refusal>) {
        let Ok(text) = value.to_str() else { return ("", Some(Refusal::Malformed)) };
        let first = text.split(';').next().unwrap_or("");
        let Some((name, _)) = first.split_once('=') else { return ("", Some(Refusal::Malformed)) };
        let name = name.trim();
        if name == self.consent_cookie {
            return (name, Some(Refusal::Forged));
        }
        if name.is_empty() || !is_token(name) {
            // Only a name the catalog calls necessary survives a malformed header.
            let necessary = matches!(self.classify(name), Class::Known { category: Some(0), .. });
            return (name, (!necessary).then_some(Refusal::Malformed));
        }
        (name, self.verdict(name, state))
    }
}

/// "1 year", "180 days", "12 hours": how cookie tables state durations.
pub fn human_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = match secs {
        s if s >= 365 * 86400 && s % (365 * 86400) == 0 => (s / (365 * 86400), "year"),
        s if s >= 86400 => (s.div_ceil(86400), "day"),
        s if s >= 3600 => (s.div_ceil(3600), "hour"),
        s => (s.div_ceil(60).max(1), "minute"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// RFC 6265 cookie-name (an RFC 9110 token).
fn is_token(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// What happens to cookies the catalog does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnknownCookies {
    #[default]
    Block,
    Allow,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCookies {
    pub unknown_cookies: UnknownCookies,
    pub strip_request: bool,
    pub rules: Vec<RawCookieRule>,
}

impl Default for RawCookies {
    fn default() -> Self {
        Self { unknown_cookies: UnknownCookies::Block, strip_request: true, rules: Vec::new() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCookieRule {
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub duration: String,
    #[serde(default = "first_party")]
    pub party: Party,
}

fn first_party() -> Party {
    Party::First
}

#[cfg(test)]
mod tests;
