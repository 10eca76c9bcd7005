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
}

/// One bounded list.
#[derive(Default)]
struct Sightings {
    names: Mutex<BTreeMap<String, Seen>>,
    not_listed: AtomicU64,
}

impl Sightings {
    fn record(&self, name: &str) -> bool {
        let name: String = name.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
        let now = now_unix();
        let mut map = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(seen) = map.get_mut(&name) {
            seen.count += 1;
            seen.last_seen = now;
            return false;
        }
        if map.len() >= MAX_ENTRIES {
            self.not_listed.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        map.insert(name, Seen { count: 1, first_seen: now, last_seen: now });
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
        self.cookies.record(name)
    }

    /// Records one unknown third-party host; `true` the first time.
    pub fn record_host(&self, host: &str) -> bool {
        self.hosts.record(host)
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
            out.push_str(&format!(
                "\n[[cookies.rules]]  # seen {} times\nname = \"{}\"\ncategory = \"marketing\"\nprovider = \"\"\npurpose = \"\"\nduration = \"\"\n",
                seen.count,
                q(&name)
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
}
