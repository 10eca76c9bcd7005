//! One tracker rule as config and the built-in data write it, and its canonical form: hosts
//! lowercase punycode without a trailing dot, URL prefixes as the WHATWG parser serialises them.

use url::{Host, Position, Url};

/// The category that turns a rule into an allow-list entry.
pub const NOT_A_TRACKER: &str = "none";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackerMatch {
    Host,
    HostSuffix,
    UrlPrefix,
    InlineSignature,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct TrackerRule {
    pub kind: TrackerMatch,
    /// Host: "www.googletagmanager.com"; HostSuffix: "doubleclick.net" (itself and any subdomain);
    /// UrlPrefix: scheme-less "www.youtube.com/embed/" (a scheme, if given, is ignored), compared
    /// to the host and the path+query of the parsed URL; InlineSignature: a case-sensitive
    /// substring of inline script text. Normalised by [`TrackerCatalog::new`].
    pub pattern: String,
    /// "analytics" | "marketing" | any config category id | "none" (not a tracker).
    pub category: String,
    pub provider: String,
    /// Builtin or from config (config overrides builtin with the same kind+pattern).
    #[serde(default)]
    pub from_config: bool,
}

impl TrackerRule {
    /// Checks a (config) rule; [`TrackerCatalog::new`] silently skips rules that fail this, so a
    /// config loader should call it first to report the mistake.
    pub fn validate(&self) -> Result<(), String> {
        self.normalized_pattern().map(|_| ())
    }

    /// The canonical pattern (lowercase punycode hosts, normalised paths), after checking the rule.
    pub(super) fn normalized_pattern(&self) -> Result<String, String> {
        let c = &self.category;
        if c.is_empty() || !c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-') {
            return Err(format!("tracker rule {:?}: category {c:?} must match [a-z0-9_-]+", self.pattern));
        }
        normalize_pattern(self.kind, &self.pattern)
    }
}

/// Canonical form of a pattern, or why it cannot match anything.
pub(super) fn normalize_pattern(kind: TrackerMatch, pattern: &str) -> Result<String, String> {
    let p = pattern.trim();
    let err = |why: &str| Err(format!("tracker {kind:?} pattern {pattern:?}: {why}"));
    match kind {
        TrackerMatch::InlineSignature if p.is_empty() => err("is empty"),
        TrackerMatch::InlineSignature => Ok(pattern.to_owned()),
        TrackerMatch::Host | TrackerMatch::HostSuffix => {
            let p =
                if kind == TrackerMatch::HostSuffix { p.trim_start_matches("*.").trim_start_matches('.') } else { p };
            if p.contains('*') {
                return err("wildcards are not supported (use host_suffix for a domain and its subdomains)");
            }
            match normalize_host(p) {
                Some((_, true)) if kind == TrackerMatch::HostSuffix => err("an IP address has no subdomains"),
                Some((h, _)) => Ok(h),
                None => err("is not a valid host name (no scheme, port or path here)"),
            }
        }
        TrackerMatch::UrlPrefix => {
            let rest = match p.find("://") {
                Some(i) => &p[i + 3..],
                None => p.trim_start_matches('/'),
            };
            let Ok(url) = Url::parse(&format!("https://{rest}")) else { return err("is not a valid URL prefix") };
            let (Some(host), false) = (url.host_str(), rest.is_empty() || rest.contains('*')) else {
                return err("needs a host and a path, without wildcards");
            };
            let host = host.strip_suffix('.').unwrap_or(host);
            Ok(format!("{host}{}", &url[Position::BeforePath..Position::AfterQuery]))
        }
    }
}

/// Lowercase/punycode/IP-canonical host without a trailing dot, and whether it is an IP address.
fn normalize_host(p: &str) -> Option<(String, bool)> {
    if p.is_empty() || p.ends_with("..") {
        return None;
    }
    match Host::parse(p).ok()? {
        Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(&d);
            (!d.is_empty()).then(|| (d.to_owned(), false))
        }
        Host::Ipv4(a) => Some((a.to_string(), true)),
        Host::Ipv6(a) => Some((format!("[{a}]"), true)),
    }
}
