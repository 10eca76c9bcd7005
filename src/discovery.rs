//! Discovery for rollout: a bounded, deduplicated inventory of cookie names the catalog does not
//! know (and, later, third-party hosts), with counts and first/last seen, served on the admin
//! port with a ready-to-paste config snippet so an operator can classify them before switching
//! from `mode = "report"` to enforcement.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::consent::now_unix;

/// Most names kept; beyond it new names are counted but not listed.
const MAX_ENTRIES: usize = 1000;
/// Longest name kept (longer ones are cut).
const MAX_NAME: usize = 128;

#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub count: u64,
    pub first_seen: u64,
    pub last_seen: u64,
}

#[derive(Default)]
pub struct Inventory {
    cookies: Mutex<BTreeMap<String, Seen>>,
    overflow: std::sync::atomic::AtomicU64,
}

impl Inventory {
    /// Records one sighting; `true` the first time a name is seen (so it is logged once).
    pub fn record_cookie(&self, name: &str) -> bool {
        let name: String = name.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
        let now = now_unix();
        let mut map = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(seen) = map.get_mut(&name) {
            seen.count += 1;
            seen.last_seen = now;
            return false;
        }
        if map.len() >= MAX_ENTRIES {
            self.overflow.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return false;
        }
        map.insert(name, Seen { count: 1, first_seen: now, last_seen: now });
        true
    }

    pub fn json(&self) -> serde_json::Value {
        let map = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        serde_json::json!({
            "unknown_cookies": *map,
            "unknown_cookies_not_listed": self.overflow.load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// TOML to paste into the config, one rule per unknown cookie, category to be chosen.
    pub fn snippet(&self) -> String {
        let map = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::from("# Unknown cookies seen by consent-proxy. Set each category to necessary, analytics,\n# marketing (or another declared id), fill in provider/purpose/duration, and add to your config.\n");
        for (name, seen) in map.iter() {
            let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!(
                "\n[[cookies.rules]]  # seen {} times\nname = \"{escaped}\"\ncategory = \"marketing\"\nprovider = \"\"\npurpose = \"\"\nduration = \"\"\n",
                seen.count
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
        assert!(inv.snippet().contains("name = \"a\""));
    }
}
