//! Services: the providers a visitor can grant or refuse one by one inside their category
//! ("YouTube yes, Meta no").
//!
//! A service is a provider the proxy knows: each built-in catalog provider (trackers and embed
//! presets), each provider named by an operator's `[[trackers.rules]]`, and each `[services.<id>]`
//! table. It belongs to one category. Trackers matched only by a filter list, and cookies of no
//! known provider, have no service: their category alone decides for them ("other").
//!
//! The visitor's choice per service is kept as *exceptions* to the category ([`ServiceChoices`]):
//! a service granted while its category is refused, or refused while its category is granted.
//! A category grant stays the common case and costs nothing per request.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

use super::settings::{valid_id, Category, Lang};
use crate::settings::SettingsError;

/// Most services a table holds (ids are `u16` in a visitor's state).
const MAX_SERVICES: usize = 4096;

#[derive(Debug, Clone)]
pub struct Service {
    /// Stable id, written in the consent cookie and the API (`youtube`, `meta-pixel`).
    pub id: String,
    /// Shown to visitors.
    pub name: String,
    /// Category index.
    pub category: usize,
    /// Not listed on its own in the settings layer (its category decides for it).
    pub hidden: bool,
    /// `[en, sv]`; empty when none is known.
    pub description: [String; 2],
    /// Its category was set by `[services]`: the provider's tracker and cookie rules follow it.
    pub regrouped: bool,
    /// Named in `[services]`: listed in the settings layer on every page (others are listed
    /// where their trackers are found).
    pub configured: bool,
}

impl Service {
    pub fn description(&self, lang: Lang) -> &str {
        &self.description[lang as usize]
    }
}

/// `[services.<id>]` in the config.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawService {
    /// Rename: the name visitors see.
    pub name: Option<String>,
    /// Regroup: the category the service (its trackers and cookies) belongs to.
    pub category: Option<String>,
    /// Hide: not offered on its own; its category decides.
    pub hidden: bool,
    pub description: Option<String>,
    pub description_sv: Option<String>,
    /// Provider names (as the catalog, `[[trackers.rules]]` or the Open Cookie Database write
    /// them) that make up this service: grouping several providers into one service.
    pub providers: Vec<String>,
}

/// The compiled services of the running config.
#[derive(Debug, Clone, Default)]
pub struct ServiceTable {
    list: Vec<Service>,
    by_id: HashMap<String, u16>,
    /// [`provider_key`] of each provider name → service.
    by_provider: HashMap<String, u16>,
    /// Each provider name exactly as the catalog and config write it → service: the lookup the
    /// rewriter makes per held element, without building a key.
    by_name: HashMap<String, u16>,
    /// The services `[services]` names, in id order.
    configured: Vec<u16>,
    /// Some service's category was set by `[services]`.
    any_regrouped: bool,
}

/// A provider name as a lookup key: lowercase letters and digits only, so "YouTube", "Youtube"
/// and "You Tube" are one provider.
pub fn provider_key(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The id a provider name gets: lowercase ASCII letters and digits, other runs turned into `-`
/// ("Microsoft Advertising (Bing UET)" → `microsoft-advertising-bing-uet`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    out.truncate(48);
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "service".into()
    } else {
        out
    }
}

/// Provider names used by the Open Cookie Database for a provider the catalog names otherwise
/// (its `_fbp` is "Facebook", the catalog's provider is "Meta Pixel"). Keys as [`provider_key`].
const ALIASES: &[(&str, &str)] = &[
    ("facebook", "Meta Pixel"),
    ("bingmicrosoft", "Microsoft Advertising (Bing UET)"),
    ("doubleclickgooglemarketing", "Google Marketing Platform (DoubleClick)"),
    ("googleadsense", "Google AdSense"),
    ("x", "X (Twitter) Ads"),
    ("twitter", "X (Twitter) Ads"),
    ("hubspot", "HubSpot"),
    ("linkedin", "LinkedIn Insight Tag"),
    ("tiktok", "TikTok Pixel"),
    // Klaro's service names in its examples and common setups.
    ("facebookpixel", "Meta Pixel"),
    ("googleads", "Google Ads"),
    ("adsense", "Google AdSense"),
    ("linkedininsight", "LinkedIn Insight Tag"),
    ("tiktokpixel", "TikTok Pixel"),
    ("twitterpixel", "X (Twitter) Ads"),
    ("clarity", "Microsoft Clarity"),
];

impl ServiceTable {
    /// `providers`: (provider name, category id) of every catalog rule, built-in first; a
    /// provider whose category is not declared (or `none`) is no service. `raw`: the operator's
    /// `[services]`.
    pub fn compile<'a>(
        providers: impl IntoIterator<Item = (&'a str, &'a str)>,
        raw: &BTreeMap<String, RawService>,
        categories: &[Category],
    ) -> Result<Self, SettingsError> {
        let err = |key: String, message: String| SettingsError { key, message };
        let refusable = |id: &str| categories.iter().position(|c| c.id == id && !c.necessary);
        // Services in order, with the provider keys that map to each.
        let mut list: Vec<(Service, Vec<String>, bool)> = Vec::new();
        let mut owner: HashMap<String, usize> = HashMap::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut provider_names: Vec<String> = Vec::new();
        for (name, category) in providers {
            if provider_names.last().is_none_or(|last| last != name) {
                provider_names.push(name.to_string());
            }
            let key = provider_key(name);
            let Some(category) = refusable(category) else { continue };
            if key.is_empty() || owner.contains_key(&key) {
                continue;
            }
            let mut id = slug(name);
            let mut n = 2;
            while ids.contains_key(&id) {
                id = format!("{}-{n}", slug(name));
                n += 1;
            }
            ids.insert(id.clone(), list.len());
            owner.insert(key.clone(), list.len());
            let service = Service {
                id,
                name: name.to_string(),
                category,
                hidden: false,
                description: Default::default(),
                regrouped: false,
                configured: false,
            };
            list.push((service, vec![key], false));
        }
        for (id, r) in raw {
            let key = |field: &str| format!("services.{id}.{field}");
            if !valid_id(id) {
                return Err(err(format!("services.{id}"), "a service id is a-z, 0-9, _ and - (at most 64)".into()));
            }
            let category = match &r.category {
                Some(c) => Some(refusable(c).ok_or_else(|| {
                    err(key("category"), format!("`{c}` is not a declared category that can be refused"))
                })?),
                None => None,
            };
            let index = match ids.get(id) {
                Some(&i) => i,
                None => {
                    // A new service: its category is given, or that of the first provider it takes.
                    let first =
                        r.providers.iter().find_map(|p| owner.get(&provider_key(p)).map(|&i| list[i].0.category));
                    let Some(category) = category.or(first) else {
                        return Err(err(
                            key("category"),
                            "a new service needs a category (or a provider the catalog knows)".into(),
                        ));
                    };
                    let name = r.name.clone().unwrap_or_else(|| id.clone());
                    let service = Service {
                        id: id.clone(),
                        name,
                        category,
                        hidden: false,
                        description: Default::default(),
                        regrouped: false,
                        configured: false,
                    };
                    ids.insert(id.clone(), list.len());
                    list.push((service, Vec::new(), true));
                    list.len() - 1
                }
            };
            for p in &r.providers {
                provider_names.push(p.clone());
                let k = provider_key(p);
                if k.is_empty() {
                    return Err(err(key("providers"), format!("`{p}` is not a provider name")));
                }
                if let Some(&old) = owner.get(&k) {
                    list[old].1.retain(|x| *x != k);
                }
                owner.insert(k.clone(), index);
                list[index].1.push(k);
            }
            let (s, _, from_config) = &mut list[index];
            *from_config = true;
            s.configured = true;
            if let Some(n) = &r.name {
                s.name = n.clone();
            }
            if let Some(c) = category {
                s.category = c;
                s.regrouped = true;
            }
            s.hidden = r.hidden;
            if let Some(d) = &r.description {
                s.description = [d.clone(), r.description_sv.clone().unwrap_or_else(|| d.clone())];
            } else if let Some(d) = &r.description_sv {
                s.description[1] = d.clone();
            }
        }
        // A built-in service whose providers all went to a configured one is gone.
        list.retain(|(_, keys, from_config)| *from_config || !keys.is_empty());
        if list.len() > MAX_SERVICES {
            return Err(err("services".into(), format!("at most {MAX_SERVICES} services")));
        }
        let mut table = ServiceTable::default();
        let mut names: Vec<String> = Vec::new();
        for (i, (service, keys, _)) in list.into_iter().enumerate() {
            table.by_id.insert(service.id.clone(), i as u16);
            for k in keys {
                table.by_provider.insert(k, i as u16);
            }
            names.push(service.name.clone());
            if service.configured {
                table.configured.push(i as u16);
            }
            table.any_regrouped |= service.regrouped;
            table.list.push(service);
        }
        // Exact names: every provider given (catalog, rules, `providers`), where it maps.
        for name in provider_names.iter().chain(&names) {
            if let Some(&i) = table.by_provider.get(&provider_key(name)) {
                table.by_name.entry(name.clone()).or_insert(i);
            }
        }
        for (alias, provider) in ALIASES {
            if let Some(&i) = table.by_provider.get(&provider_key(provider)) {
                table.by_provider.entry((*alias).to_string()).or_insert(i);
            }
        }
        Ok(table)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, index: u16) -> Option<&Service> {
        self.list.get(usize::from(index))
    }

    pub fn iter(&self) -> impl Iterator<Item = (u16, &Service)> {
        self.list.iter().enumerate().map(|(i, s)| (i as u16, s))
    }

    /// The services `[services]` names.
    pub fn configured(&self) -> &[u16] {
        &self.configured
    }

    pub fn index(&self, id: &str) -> Option<u16> {
        self.by_id.get(id).copied()
    }

    /// The service a provider name (catalog, config rule or Open Cookie Database) belongs to.
    pub fn of_provider(&self, provider: &str) -> Option<u16> {
        if self.list.is_empty() {
            return None;
        }
        if let Some(&i) = self.by_name.get(provider) {
            return Some(i);
        }
        self.by_provider.get(&provider_key(provider)).copied()
    }

    /// The category a provider's rules move to when a `[services]` table regrouped it.
    pub fn regrouped(&self, provider: &str) -> Option<usize> {
        if !self.any_regrouped {
            return None;
        }
        self.of_provider(provider).and_then(|i| self.get(i)).filter(|s| s.regrouped).map(|s| s.category)
    }
}

/// A visitor's choices per service, kept as exceptions to their category: `granted` while the
/// category is refused, `refused` while it is granted. Both sorted, disjoint; empty for nearly
/// every visitor (no allocation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceChoices {
    granted: Vec<u16>,
    refused: Vec<u16>,
}

impl ServiceChoices {
    pub fn is_empty(&self) -> bool {
        self.granted.is_empty() && self.refused.is_empty()
    }

    /// `Some(true)` granted on its own, `Some(false)` refused on its own, `None`: as its category.
    pub fn choice(&self, service: u16) -> Option<bool> {
        if self.granted.binary_search(&service).is_ok() {
            Some(true)
        } else if self.refused.binary_search(&service).is_ok() {
            Some(false)
        } else {
            None
        }
    }

    /// Sets a service's own choice (the latest wins).
    pub fn set(&mut self, service: u16, allowed: bool) {
        let (add, remove) =
            if allowed { (&mut self.granted, &mut self.refused) } else { (&mut self.refused, &mut self.granted) };
        if let Ok(i) = remove.binary_search(&service) {
            remove.remove(i);
        }
        if let Err(i) = add.binary_search(&service) {
            add.insert(i, service);
        }
    }

    /// Back to "as its category".
    pub fn clear(&mut self, service: u16) {
        for v in [&mut self.granted, &mut self.refused] {
            if let Ok(i) = v.binary_search(&service) {
                v.remove(i);
            }
        }
    }

    pub fn granted(&self) -> &[u16] {
        &self.granted
    }

    pub fn refused(&self) -> &[u16] {
        &self.refused
    }

    /// Only the choices that differ from their category in `granted` (a category grant covers
    /// its services; an exception that agrees with it says nothing).
    pub fn exceptions(mut self, table: &ServiceTable, granted: super::CategorySet) -> Self {
        let differs = |s: &u16, allowed: bool| table.get(*s).is_some_and(|x| granted.contains(x.category) != allowed);
        self.granted.retain(|s| differs(s, true));
        self.refused.retain(|s| differs(s, false));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<Category> {
        ["necessary", "analytics", "marketing", "preferences"]
            .iter()
            .map(|id| Category {
                id: id.to_string(),
                necessary: *id == "necessary",
                label: [id.to_string(), id.to_string()],
                description: Default::default(),
            })
            .collect()
    }

    #[test]
    fn providers_become_services_with_stable_ids() {
        let raw = BTreeMap::new();
        let t = ServiceTable::compile(
            [("YouTube", "marketing"), ("Google Analytics", "analytics"), ("Youtube", "analytics"), ("x", "none")],
            &raw,
            &categories(),
        )
        .unwrap();
        assert_eq!(t.len(), 2, "one service per provider; `none` is no service");
        let yt = t.index("youtube").unwrap();
        assert_eq!(t.get(yt).unwrap().category, 2);
        assert_eq!(t.of_provider("YOUTUBE"), Some(yt), "provider names compare loosely");
        assert_eq!(t.index("google-analytics"), t.of_provider("Google Analytics"));
        assert_eq!(slug("Microsoft Advertising (Bing UET)"), "microsoft-advertising-bing-uet");
    }

    #[test]
    fn config_renames_regroups_hides_and_groups_providers() {
        let mut raw = BTreeMap::new();
        raw.insert(
            "youtube".to_string(),
            RawService {
                name: Some("Videos".into()),
                category: Some("preferences".into()),
                hidden: false,
                ..Default::default()
            },
        );
        raw.insert("meta-pixel".to_string(), RawService { hidden: true, ..Default::default() });
        raw.insert(
            "chat".to_string(),
            RawService { providers: vec!["Intercom".into(), "Drift".into()], ..Default::default() },
        );
        let t = ServiceTable::compile(
            [("YouTube", "marketing"), ("Meta Pixel", "marketing"), ("Intercom", "marketing"), ("Drift", "marketing")],
            &raw,
            &categories(),
        )
        .unwrap();
        let yt = t.get(t.index("youtube").unwrap()).unwrap();
        assert_eq!((yt.name.as_str(), yt.category), ("Videos", 3));
        assert!(t.get(t.index("meta-pixel").unwrap()).unwrap().hidden);
        let chat = t.index("chat").unwrap();
        assert_eq!((t.of_provider("Intercom"), t.of_provider("drift")), (Some(chat), Some(chat)));
        assert_eq!(t.index("intercom"), None, "a provider taken into another service is no service of its own");
        assert_eq!(t.of_provider("facebook"), t.index("meta-pixel"), "Open Cookie Database name");

        for (id, r, key) in [
            ("Bad Id", RawService::default(), "services.Bad Id"),
            ("x", RawService { category: Some("necessary".into()), ..Default::default() }, "services.x.category"),
            ("new", RawService::default(), "services.new.category"),
        ] {
            let raw = BTreeMap::from([(id.to_string(), r)]);
            let e = ServiceTable::compile([], &raw, &categories()).unwrap_err();
            assert_eq!(e.key, key);
        }
    }

    #[test]
    fn choices_keep_only_exceptions() {
        let t =
            ServiceTable::compile([("A", "analytics"), ("B", "marketing")], &BTreeMap::new(), &categories()).unwrap();
        let (a, b) = (t.index("a").unwrap(), t.index("b").unwrap());
        let mut c = ServiceChoices::default();
        c.set(a, true);
        c.set(b, true);
        c.set(b, false);
        assert_eq!((c.choice(a), c.choice(b)), (Some(true), Some(false)));
        let analytics = super::super::CategorySet::EMPTY.with(1);
        let e = c.clone().exceptions(&t, analytics);
        assert_eq!((e.choice(a), e.choice(b)), (None, None), "A agrees with analytics; B with refused marketing");
        let e = c.exceptions(&t, super::super::CategorySet::EMPTY);
        assert_eq!(e.granted(), [a]);
        assert!(e.refused().is_empty());
    }
}
