//! Verdict hints for the client guard. A site's inline code that runs may insert third-party
//! scripts, frames, beacons or connections at run time; for a host that no built-in rule names
//! the guard holds the request and asks the proxy (`/__consent/classify`). The hosts an inline
//! script names are judged here instead, against the filter lists, and handed to the page right
//! after that script as
//!
//! ```html
//! <script type="application/json" data-consent-verdicts>{"hosts":{"ads.example":{"category":"marketing","provider":"ads.example"}}}</script>
//! ```
//!
//! which banner.js reads before asking (ask.js): the request is decided locally, and the APIs
//! that cannot wait for an answer (`WebSocket`, `EventSource`, a beacon sent while the page
//! unloads) are stopped before they connect. Hints are positive only (a host not listed is still
//! asked) and whole-host only: a host is hinted when the lists block a script from its root, so
//! a rule for one path (`/ads/` on a public CDN) never condemns the rest of the host.

use super::*;

/// Distinct hosts judged per page at most (each costs one list lookup, a few µs).
const MAX_HOSTS: usize = 128;

impl Page {
    /// Judges the third-party hosts `text` names (once per page each) and keeps those the lists
    /// block for the next hint element.
    pub(super) fn note_script_hosts(&mut self, text: &str) {
        if self.report
            || self.state.grants_everything(&self.rt.config.consent)
            || self.rt.config.trackers.lists().is_empty()
        {
            return;
        }
        for host in hosts_in(text) {
            if self.hints.seen.len() >= MAX_HOSTS {
                return;
            }
            if self.hints.seen.contains(&host) {
                continue;
            }
            self.hints.seen.push(host.clone());
            if self.page_host.as_deref().is_some_and(|own| same_site(own, &host)) {
                continue;
            }
            let root = format!("https://{host}/");
            let trackers = self.rt.config.trackers.clone();
            // The guard knows the built-in rules itself.
            if trackers.classify_url_rule(&root, None).is_some() {
                continue;
            }
            if let Some(hit) = trackers.lists().check(&root, &host, self.page_host.as_deref(), RequestKind::Script) {
                let provider = crate::catalog::site(&host).to_owned();
                self.hints.pending.push((host, hit.category.to_owned(), provider));
            }
        }
    }

    /// The hint element for the hosts judged since the last one, if any.
    pub(super) fn take_hint_element(&mut self) -> Option<String> {
        if self.hints.pending.is_empty() {
            return None;
        }
        let hosts: serde_json::Map<String, serde_json::Value> = self
            .hints
            .pending
            .drain(..)
            .map(|(host, category, provider)| (host, serde_json::json!({ "category": category, "provider": provider })))
            .collect();
        let json = serde_json::json!({ "hosts": hosts }).to_string().replace('<', "\\u003c");
        Some(format!("<script type=\"application/json\" data-consent-verdicts>{json}</script>"))
    }
}

/// The page's hint state.
#[derive(Debug, Default)]
pub(super) struct Hints {
    /// Hosts already judged on this page.
    seen: Vec<String>,
    /// (host, category id, provider) not yet handed to the page.
    pending: Vec<(String, String, String)>,
}

/// The hosts of the absolute and protocol-relative URLs in script text, lowercase, in order:
/// `https://host`, `//host`, and the JSON-escaped `https:\/\/host`. Hosts need a dot and a
/// letter in their last label (`//2.5` in a comment is not one).
pub(super) fn hosts_in(text: &str) -> impl Iterator<Item = String> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 2 < b.len() {
            let (start, skip) = if b[i] == b'/' && b[i + 1] == b'/' {
                (i + 2, 2)
            } else if b[i..].starts_with(b"\\/\\/") {
                (i + 4, 4)
            } else {
                i += 1;
                continue;
            };
            let end = b[start..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-'))
                .map_or(b.len(), |n| start + n);
            i += skip.max(end - i);
            let host = text[start..end].trim_end_matches('.');
            let tld = host.rsplit('.').next().unwrap_or("");
            if host.contains('.') && host.len() <= 253 && tld.bytes().any(|c| c.is_ascii_alphabetic()) {
                return Some(host.to_ascii_lowercase());
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::hosts_in;

    #[test]
    fn hosts_named_in_code() {
        let js = r#"var s=document.createElement('script');s.src='https://cdn.Ads.example/t.js';
            // see //docs.example.org/x and 2.5//3
            fetch("\/\/api.example.net\/v1"); x = "//1.2"; y = 'http://localhost:8080/'; z = "//a.b-c.example."#;
        let hosts: Vec<String> = hosts_in(js).collect();
        assert_eq!(hosts, ["cdn.ads.example", "docs.example.org", "api.example.net", "a.b-c.example"]);
        assert_eq!(hosts_in("").count(), 0);
        assert_eq!(hosts_in("//").count(), 0);
        assert_eq!(hosts_in("a // b").count(), 0);
    }
}
