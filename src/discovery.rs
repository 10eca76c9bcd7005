//! Discovery for rollout: bounded, deduplicated inventories of cookie names the catalog does not
//! know and of third-party hosts pages load from that the tracker catalog does not know, with
//! counts and first/last seen, served on the admin port with a ready-to-paste config snippet so
//! an operator can classify them before switching from `mode = "report"` to enforcement.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::consent::now_unix;

/// Most names kept per list; beyond it new names are counted but not listed.
const MAX_ENTRIES: usize = 1000;
/// Longest name kept (longer ones are cut).
const MAX_NAME: usize = 128;

#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub count: u64,
    pub first_seen: u64,
    pub last_seen: u64,
    /// For a cookie the origin set: how long it lives (`session`, `1 year`…), from its last
    /// `Set-Cookie`'s `Max-Age` or `Expires`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<String>,
    /// For a cookie the origin set with a `Domain`: that domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// Lifetime and domain of a `Set-Cookie`, read with the `cookie` crate.
fn attributes(set_cookie: &str) -> (Option<String>, Option<String>) {
    let Ok(c) = cookie::Cookie::parse(set_cookie) else { return (None, None) };
    let now = cookie::time::OffsetDateTime::now_utc();
    let secs = match (c.max_age(), c.expires_datetime()) {
        (Some(age), _) => Some(age.whole_seconds()),
        (None, Some(at)) => Some((at - now).whole_seconds()),
        (None, None) => None,
    };
    let lifetime = match secs {
        None => "session".to_string(),
        Some(s) if s <= 0 => "deleted".to_string(),
        Some(s) => crate::cookies::human_duration(std::time::Duration::from_secs(s.unsigned_abs())),
    };
    (Some(lifetime), c.domain().map(|d| d.chars().take(MAX_NAME).collect()))
}

/// One bounded list.
#[derive(Default)]
struct Sightings {
    names: Mutex<BTreeMap<String, Seen>>,
    not_listed: AtomicU64,
}

impl Sightings {
    fn record(&self, name: &str, set_cookie: Option<&str>) -> bool {
        let name: String = name.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
        let now = now_unix();
        let (lifetime, domain) = set_cookie.map_or((None, None), attributes);
        let mut map = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(seen) = map.get_mut(&name) {
            seen.count += 1;
            seen.last_seen = now;
            if lifetime.is_some() {
                (seen.lifetime, seen.domain) = (lifetime, domain);
            }
            return false;
        }
        if map.len() >= MAX_ENTRIES {
            self.not_listed.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        map.insert(name, Seen { count: 1, first_seen: now, last_seen: now, lifetime, domain });
        true
    }

    fn snapshot(&self) -> BTreeMap<String, Seen> {
        self.names.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[derive(Default)]
pub struct Inventory {
    cookies: Sightings,
    hosts: Sightings,
}

impl Inventory {
    /// Records one unknown cookie; `true` the first time a name is seen (so it is logged once).
    pub fn record_cookie(&self, name: &str) -> bool {
        self.cookies.record(name, None)
    }

    /// Records one unknown cookie the origin set, with its lifetime and domain.
    pub fn record_set_cookie(&self, name: &str, set_cookie: &str) -> bool {
        self.cookies.record(name, Some(set_cookie))
    }

    /// Records one unknown third-party host; `true` the first time.
    pub fn record_host(&self, host: &str) -> bool {
        self.hosts.record(host, None)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "unknown_cookies": self.cookies.snapshot(),
            "unknown_cookies_not_listed": self.cookies.not_listed.load(Ordering::Relaxed),
            "unknown_third_party_hosts": self.hosts.snapshot(),
            "unknown_third_party_hosts_not_listed": self.hosts.not_listed.load(Ordering::Relaxed),
        })
    }

    /// TOML to paste into the config: one rule per unknown cookie and host, category to choose.
    pub fn snippet(&self) -> String {
        let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out = String::from(
            "# Seen by consent-proxy and not in its catalogs. For each, choose the category\n\
             # (necessary, analytics, marketing or another declared id; \"none\" for hosts that do not\n\
             # track), fill in the details, and add to your config.\n",
        );
        for (name, seen) in self.cookies.snapshot() {
            let domain = seen.domain.as_deref().map_or(String::new(), |d| format!(", Domain={}", q(d)));
            out.push_str(&format!(
                "\n[[cookies.rules]]  # seen {} times{domain}\nname = \"{}\"\ncategory = \"marketing\"\nprovider = \"\"\npurpose = \"\"\nduration = \"{}\"\n",
                seen.count,
                q(&name),
                q(seen.lifetime.as_deref().unwrap_or(""))
            ));
        }
        for (host, seen) in self.hosts.snapshot() {
            out.push_str(&format!(
                "\n[[trackers.rules]]  # loaded {} times\npattern = \"{}\"\ncategory = \"none\"\nprovider = \"\"\n",
                seen.count,
                q(&host)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_deduplicated() {
        let inv = Inventory::default();
        assert!(inv.record_cookie("a"));
        assert!(!inv.record_cookie("a"));
        for i in 0..2000 {
            inv.record_cookie(&format!("n{i}"));
        }
        let j = inv.json();
        assert_eq!(j["unknown_cookies"].as_object().unwrap().len(), MAX_ENTRIES);
        assert_eq!(j["unknown_cookies"]["a"]["count"], 2);
        assert!(j["unknown_cookies_not_listed"].as_u64().unwrap() > 0);
        inv.record_cookie(&"x".repeat(1000));
        assert!(inv.record_host("cdn.example.net"));
        let snippet = inv.snippet();
        assert!(snippet.contains("name = \"a\""));
        assert!(snippet.contains("pattern = \"cdn.example.net\""));
    }

    #[test]
    fn set_cookie_attributes_fill_in_the_duration() {
        let inv = Inventory::default();
        assert!(inv.record_set_cookie("_vis", "_vis=1; Max-Age=31536000; Domain=.shop.example; Path=/"));
        assert!(inv.record_set_cookie("sess", "sess=1; Path=/; HttpOnly"));
        let expires = "gone=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
        assert!(inv.record_set_cookie("gone", expires));
        assert!(inv.record_set_cookie("broken", "no equals sign"));
        let j = inv.json();
        assert_eq!(j["unknown_cookies"]["_vis"]["lifetime"], "1 year");
        assert_eq!(j["unknown_cookies"]["_vis"]["domain"], "shop.example");
        assert_eq!(j["unknown_cookies"]["sess"]["lifetime"], "session");
        assert_eq!(j["unknown_cookies"]["gone"]["lifetime"], "deleted");
        assert!(j["unknown_cookies"]["broken"].get("lifetime").is_none());
        let snippet = inv.snippet();
        assert!(snippet.contains("# seen 1 times, Domain=shop.example\nname = \"_vis\""), "{snippet}");
        assert!(snippet.contains("duration = \"1 year\""), "{snippet}");
    }
}
