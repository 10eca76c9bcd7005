//! Standard filter lists — EasyPrivacy, EasyList, a site's own Adblock-Plus-syntax list, or a
//! hosts file — matched by Brave's `adblock` engine (the one a browser ships), so `$third-party`,
//! `$script`, `$domain=`, `@@` exceptions and `$important` behave as they do in an ad blocker.
//!
//! Each list has a consent category (EasyPrivacy → analytics, EasyList → marketing). Lists are
//! asked in config order; the first list that blocks a request names its category, unless an
//! exception (`@@`) in *any* list allows it (as when an ad blocker merges its lists). The
//! provider shown to visitors is the request's registrable domain.
//!
//! Loading keeps the last good copy of each list for the life of the process: when a reload
//! finds a list unreadable or empty, the previous engine stays in use and the error is reported
//! (never an outage, never a silently empty list). An unchanged file is not parsed again.
//!
//! A list with a `url` is kept fresh by [`refresh`]: downloaded, checked ([`text`]) and written
//! over its file, which the next load reads like any other. Until its first copy exists it is
//! *pending*: not an error, but the proxy is not ready.

pub mod refresh;
pub mod text;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use adblock::lists::{FilterFormat, FilterSet, ParseOptions, RuleTypes};
use adblock::request::Request;
use adblock::Engine;

/// How a list file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    /// Adblock Plus / uBlock Origin syntax (EasyList, EasyPrivacy).
    #[default]
    Adblock,
    /// `0.0.0.0 host` or bare `host` lines: each host and its subdomains.
    Hosts,
}

impl ListFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ListFormat::Adblock => "adblock",
            ListFormat::Hosts => "hosts",
        }
    }
}

/// One configured list: `[[trackers.lists]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSpec {
    /// The copy in use (with a `url`: where the downloads are written).
    pub path: PathBuf,
    /// A declared consent category id.
    pub category: String,
    pub format: ListFormat,
    /// Where to download newer copies from, and how often.
    pub source: Option<ListSource>,
}

impl ListSpec {
    /// A list read from a file only.
    pub fn file(path: PathBuf, category: impl Into<String>, format: ListFormat) -> Self {
        Self { path, category: category.into(), format, source: None }
    }

    /// The file name, used as the `list` metric label.
    pub fn name(&self) -> String {
        file_name(&self.path)
    }
}

/// `url` and `refresh` of a `[[trackers.lists]]` entry: the list keeps itself up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSource {
    /// `http` or `https`.
    pub url: url::Url,
    /// How long a downloaded copy is used before asking again (a conditional GET).
    pub refresh: Duration,
    /// The limit on one download, connection to last byte.
    pub timeout: Duration,
    /// A copy to start from while `path` does not exist yet (e.g. one shipped in the image).
    pub seed: Option<PathBuf>,
}

/// What kind of request a URL is loaded as: filter options like `$script` or `$image` depend on
/// it. Named as the browser's `webRequest` resource types, which the lists' options follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Script,
    Image,
    Subdocument,
    Stylesheet,
    Media,
    Font,
    Object,
    Xhr,
    Ping,
    Websocket,
    Other,
}

impl RequestKind {
    /// The names the client guard sends (`/__consent/classify`).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "script" => Self::Script,
            "image" => Self::Image,
            "subdocument" => Self::Subdocument,
            "stylesheet" => Self::Stylesheet,
            "media" => Self::Media,
            "font" => Self::Font,
            "object" => Self::Object,
            "xmlhttprequest" | "fetch" => Self::Xhr,
            "ping" | "beacon" => Self::Ping,
            "websocket" => Self::Websocket,
            "other" => Self::Other,
            _ => return None,
        })
    }

    fn adblock_type(self) -> &'static str {
        match self {
            Self::Script => "script",
            Self::Image => "image",
            Self::Subdocument => "sub_frame",
            Self::Stylesheet => "stylesheet",
            Self::Media => "media",
            Self::Font => "font",
            Self::Object => "object",
            Self::Xhr => "xmlhttprequest",
            Self::Ping => "ping",
            Self::Websocket => "websocket",
            Self::Other => "other",
        }
    }
}

/// A loaded list: its engine and what an operator needs to know about it.
pub struct FilterList {
    pub path: PathBuf,
    /// The file name, used as the `list` metric label.
    pub name: String,
    pub category: String,
    pub format: ListFormat,
    /// Network rules loaded (cosmetic `##` rules are not used and not counted).
    pub rules: usize,
    /// When the list was last updated: its `! Last modified:` header, else the file's mtime.
    pub updated: Option<SystemTime>,
    fingerprint: u64,
    engine: Engine,
}

impl std::fmt::Debug for FilterList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterList")
            .field("path", &self.path)
            .field("category", &self.category)
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl FilterList {
    /// Seconds since the list was last updated.
    pub fn age(&self) -> Option<Duration> {
        self.updated.and_then(|t| SystemTime::now().duration_since(t).ok())
    }
}

/// The loaded lists, in config order, plus the errors of the last load (a list whose reload
/// failed is still here, in its previous version).
#[derive(Debug, Clone, Default)]
pub struct FilterLists {
    lists: Vec<Arc<FilterList>>,
    /// Per list: why this load kept the previous copy.
    errors: Vec<Option<String>>,
    /// Every configured list, loaded or pending, in config order.
    specs: Vec<ListSpec>,
    /// Lists with a `url` whose first copy has not been downloaded yet (file names).
    pending: Vec<String>,
}

/// A request a list blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListHit<'a> {
    pub category: &'a str,
    /// The list's file name.
    pub list: &'a str,
}

/// The last good copy of every list loaded in this process, by (path, format).
type LastGood = Mutex<HashMap<(PathBuf, ListFormat), Arc<FilterList>>>;

fn last_good() -> &'static LastGood {
    static CACHE: OnceLock<LastGood> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

impl FilterLists {
    /// Loads every list. A list that cannot be read or holds no rule is an error at first load;
    /// on a later load (a reload) its previous copy is kept and the error recorded.
    pub fn load(specs: &[ListSpec]) -> Result<Self, String> {
        let mut out = FilterLists { specs: specs.to_vec(), ..FilterLists::default() };
        for spec in specs {
            if let Some(seed) = spec.source.as_ref().and_then(|s| s.seed.as_ref()) {
                if !spec.path.exists() {
                    plant_seed(seed, &spec.path).map_err(|e| format!("{}: {e}", spec.path.display()))?;
                }
            }
            let key = (spec.path.clone(), spec.format);
            let previous = last_good().lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
            match load_one(spec, previous.as_deref()) {
                Ok(Some(list)) => {
                    let list = Arc::new(list);
                    last_good().lock().unwrap_or_else(|e| e.into_inner()).insert(key, list.clone());
                    tracing::info!(
                        path = %spec.path.display(), category = %spec.category, rules = list.rules,
                        "tracker list loaded"
                    );
                    out.lists.push(list);
                    out.errors.push(None);
                }
                // Unchanged since the last load: the same engine.
                Ok(None) => {
                    let prev = previous.expect("unchanged implies a previous copy");
                    out.lists.push(retag(prev, &spec.category));
                    out.errors.push(None);
                }
                Err(e) => match previous {
                    // To be downloaded: not an error (the refresher fetches it now), not ready.
                    None if spec.source.is_some() && !spec.path.exists() => {
                        tracing::warn!(
                            path = %spec.path.display(), "tracker list not downloaded yet; not ready until it is"
                        );
                        out.pending.push(spec.name());
                    }
                    Some(prev) => {
                        tracing::error!(
                            path = %spec.path.display(), error = %e,
                            "tracker list not reloaded; its previous copy stays in use"
                        );
                        out.lists.push(retag(prev, &spec.category));
                        out.errors.push(Some(e));
                    }
                    None => return Err(format!("{}: {e}", spec.path.display())),
                },
            }
        }
        Ok(out)
    }

    /// No list is in use (pending ones included: none of them blocks anything yet).
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Every configured list (loaded or pending), in config order.
    pub fn specs(&self) -> &[ListSpec] {
        &self.specs
    }

    /// Lists to be downloaded before they can be used (their file names).
    pub fn pending(&self) -> &[String] {
        &self.pending
    }

    /// The list in use from this file.
    pub fn get(&self, path: &Path) -> Option<&FilterList> {
        self.lists.iter().map(|l| &**l).find(|l| l.path == path)
    }

    pub fn lists(&self) -> impl Iterator<Item = (&FilterList, Option<&str>)> {
        self.lists.iter().map(|l| &**l).zip(self.errors.iter().map(|e| e.as_deref()))
    }

    /// Total rules over all lists.
    pub fn rule_count(&self) -> usize {
        self.lists.iter().map(|l| l.rules).sum()
    }

    /// Does a list block this request? `url` is absolute (http, https, ws, wss) with `host`
    /// its lowercase host; `page_host` is the host of the page that makes the request (`None`:
    /// treated as third-party, with no `$domain=` context).
    pub fn check(&self, url: &str, host: &str, page_host: Option<&str>, kind: RequestKind) -> Option<ListHit<'_>> {
        if self.lists.is_empty() {
            return None;
        }
        let third_party = page_host.is_none_or(|p| super::site(p) != super::site(host));
        let request = Request::preparsed(url, host, page_host.unwrap_or(""), kind.adblock_type(), third_party, "GET");
        for (i, list) in self.lists.iter().enumerate() {
            let r = list.engine.check_network_request(&request);
            if r.filter.is_none() || (r.exception.is_some() && !r.important) {
                continue;
            }
            // An exception in any other list also allows it (`$important` wins over exceptions).
            let excepted = !r.important
                && self.lists.iter().enumerate().any(|(j, other)| {
                    j != i && other.engine.check_network_request_subset(&request, true, true).exception.is_some()
                });
            if excepted {
                return None;
            }
            return Some(ListHit { category: &list.category, list: &list.name });
        }
        None
    }
}

/// The same engine under (possibly) another category: categories are config, not list content.
fn retag(list: Arc<FilterList>, category: &str) -> Arc<FilterList> {
    if list.category == category {
        return list;
    }
    // Rebuilding is the only way to own a second engine; a category change is rare.
    let spec = ListSpec::file(list.path.clone(), category, list.format);
    match load_one(&spec, None) {
        Ok(Some(l)) => Arc::new(l),
        _ => list,
    }
}

/// Reads and compiles one list; `Ok(None)` when its content equals `previous`'s.
fn load_one(spec: &ListSpec, previous: Option<&FilterList>) -> Result<Option<FilterList>, String> {
    let text = std::fs::read_to_string(&spec.path).map_err(|e| format!("cannot read: {e}"))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    let fingerprint = h.finish();
    if previous.is_some_and(|p| p.fingerprint == fingerprint) {
        return Ok(None);
    }
    let rules = text::check(&text, spec.format).map_err(|r| r.message)?;
    let updated =
        text::last_modified_header(&text).or_else(|| std::fs::metadata(&spec.path).and_then(|m| m.modified()).ok());
    let format = match spec.format {
        ListFormat::Adblock => FilterFormat::Standard,
        ListFormat::Hosts => FilterFormat::Hosts,
    };
    let mut set = FilterSet::new(false);
    set.add_filter_list(text, ParseOptions { format, rule_types: RuleTypes::NetworkOnly, ..ParseOptions::default() });
    let engine = Engine::new_with_filter_set(set);
    Ok(Some(FilterList {
        path: spec.path.clone(),
        name: file_name(&spec.path),
        category: spec.category.clone(),
        format: spec.format,
        rules,
        updated,
        fingerprint,
        engine,
    }))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Copies the seed to `path` (a temporary file renamed over it: never a half-written list).
fn plant_seed(seed: &Path, path: &Path) -> Result<(), String> {
    let text = std::fs::read(seed).map_err(|e| format!("cannot read the seed {}: {e}", seed.display()))?;
    refresh::write_atomically(path, &text).map_err(|e| format!("cannot copy the seed there: {e}"))?;
    // A meta left from an earlier download describes another copy.
    let _ = std::fs::remove_file(refresh::meta_path(path));
    // The seed's age is the list's age (a list without a `! Last modified:` header is dated by
    // its file): a copy made now must not look fresh.
    if let Ok(modified) = std::fs::metadata(seed).and_then(|m| m.modified()) {
        let _ = std::fs::File::options().write(true).open(path).and_then(|f| f.set_modified(modified));
    }
    tracing::info!(seed = %seed.display(), path = %path.display(), "tracker list started from its seed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(texts: &[(&str, &str, ListFormat)]) -> (tempfile::TempDir, FilterLists) {
        let dir = tempfile::tempdir().unwrap();
        let specs: Vec<ListSpec> = texts
            .iter()
            .enumerate()
            .map(|(i, (text, category, format))| {
                let path = dir.path().join(format!("list{i}.txt"));
                std::fs::write(&path, text).unwrap();
                ListSpec::file(path, *category, *format)
            })
            .collect();
        let loaded = FilterLists::load(&specs).unwrap();
        (dir, loaded)
    }

    fn cat<'a>(l: &'a FilterLists, url: &str, page: &str, kind: RequestKind) -> Option<&'a str> {
        let host = url::Url::parse(url).unwrap().host_str().unwrap().to_owned();
        l.check(url, &host, Some(page), kind).map(|h| h.category)
    }

    #[test]
    fn options_follow_the_browser_request() {
        let list = "! Title: test\n\
                    ||tracker.example^\n\
                    ||cdn.example/ads/$script,third-party\n\
                    ||pixel.example^$image\n\
                    ||widget.example^$domain=news.example\n\
                    ||tracker.example/ok.js$important\n\
                    @@||tracker.example/allowed.js\n\
                    /banner-ad.\n\
                    example.com##.ad\n";
        let (_d, l) = lists(&[(list, "marketing", ListFormat::Adblock)]);
        let (s, i) = (RequestKind::Script, RequestKind::Image);
        assert_eq!(cat(&l, "https://tracker.example/t.js", "shop.example", s), Some("marketing"));
        assert_eq!(cat(&l, "https://sub.tracker.example/t.gif", "shop.example", i), Some("marketing"));
        assert_eq!(cat(&l, "https://tracker.example/allowed.js", "shop.example", s), None, "@@ exception");
        assert_eq!(cat(&l, "https://tracker.example/ok.js", "shop.example", s), Some("marketing"), "$important");
        // $script,third-party: an image, or the site's own CDN, is not blocked.
        assert_eq!(cat(&l, "https://cdn.example/ads/x.js", "shop.example", s), Some("marketing"));
        assert_eq!(cat(&l, "https://cdn.example/ads/x.png", "shop.example", i), None);
        assert_eq!(cat(&l, "https://cdn.example/ads/x.js", "www.cdn.example", s), None);
        // $image only.
        assert_eq!(cat(&l, "https://pixel.example/p", "shop.example", i), Some("marketing"));
        assert_eq!(cat(&l, "https://pixel.example/p", "shop.example", RequestKind::Subdocument), None);
        // $domain= restricts to pages on that site.
        assert_eq!(cat(&l, "https://widget.example/w.js", "www.news.example", s), Some("marketing"));
        assert_eq!(cat(&l, "https://widget.example/w.js", "shop.example", s), None);
        // A generic path rule.
        assert_eq!(cat(&l, "https://any.example/img/banner-ad.png", "shop.example", i), Some("marketing"));
        assert_eq!(cat(&l, "https://fonts.example/a.woff2", "shop.example", RequestKind::Font), None);
        assert_eq!(l.rule_count(), 7, "cosmetic rules and comments are not counted");
    }

    #[test]
    fn first_list_names_the_category_and_any_exception_allows() {
        let privacy = "||stats.example^\n||both.example^\n";
        let ads = "||ads.example^\n||both.example^\n@@||stats.example/consented.js\n";
        let (_d, l) = lists(&[(privacy, "analytics", ListFormat::Adblock), (ads, "marketing", ListFormat::Adblock)]);
        let s = RequestKind::Script;
        assert_eq!(cat(&l, "https://stats.example/s.js", "shop.example", s), Some("analytics"));
        assert_eq!(cat(&l, "https://ads.example/a.js", "shop.example", s), Some("marketing"));
        assert_eq!(cat(&l, "https://both.example/a.js", "shop.example", s), Some("analytics"));
        assert_eq!(cat(&l, "https://stats.example/consented.js", "shop.example", s), None);
        let hit = l.check("https://ads.example/a.js", "ads.example", None, s).unwrap();
        assert_eq!(hit.list, "list1.txt");
    }

    #[test]
    fn hosts_files() {
        let hosts = "# comment\n0.0.0.0 tracker.example\n127.0.0.1 ads.example # trailing\nbare.example\nlocalhost\n";
        let (_d, l) = lists(&[(hosts, "marketing", ListFormat::Hosts)]);
        let s = RequestKind::Script;
        assert_eq!(cat(&l, "https://tracker.example/x.js", "shop.example", s), Some("marketing"));
        assert_eq!(cat(&l, "https://cdn.ads.example/x.js", "shop.example", s), Some("marketing"));
        assert_eq!(cat(&l, "https://bare.example/", "shop.example", RequestKind::Image), Some("marketing"));
        assert_eq!(cat(&l, "https://other.example/", "shop.example", s), None);
        assert_eq!(l.rule_count(), 3);
    }

    #[test]
    fn a_failed_reload_keeps_the_previous_copy_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keep.txt");
        std::fs::write(&path, "||kept.example^\n").unwrap();
        let spec = vec![ListSpec::file(path.clone(), "marketing", ListFormat::Adblock)];
        let first = FilterLists::load(&spec).unwrap();
        assert!(first.lists().all(|(_, e)| e.is_none()));
        // Emptied (a truncated download): the old rules stay, with the reason.
        std::fs::write(&path, "! nothing left\n").unwrap();
        let second = FilterLists::load(&spec).unwrap();
        let (list, err) = second.lists().next().unwrap();
        assert!(err.unwrap().contains("no adblock rules"), "{err:?}");
        assert!(second.check("https://kept.example/x", "kept.example", None, RequestKind::Script).is_some());
        assert_eq!(list.rules, 1);
        // Gone: same.
        std::fs::remove_file(&path).unwrap();
        let third = FilterLists::load(&spec).unwrap();
        assert!(third.lists().next().unwrap().1.unwrap().contains("cannot read"));
        // A list never loaded before is an error.
        let missing = vec![ListSpec::file(dir.path().join("never.txt"), "marketing", ListFormat::Adblock)];
        let err = FilterLists::load(&missing).unwrap_err();
        assert!(err.contains("never.txt") && err.contains("cannot read"), "{err}");
    }

    #[test]
    fn age_comes_from_the_header_else_the_file() {
        let t = text::last_modified_header("[Adblock Plus 2.0]\n! Last modified: 01 Mar 2026 10:30 UTC\n").unwrap();
        assert_eq!(t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs(), 1_772_361_000);
        assert!(text::last_modified_header("! Last modified: %timestamp%\n").is_none());
        let (_d, l) = lists(&[("||a.example^\n", "marketing", ListFormat::Adblock)]);
        let age = l.lists().next().unwrap().0.age().unwrap();
        assert!(age < Duration::from_secs(3600));
    }
}
