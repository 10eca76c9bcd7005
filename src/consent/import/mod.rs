//! Taking over the decisions of the site's previous consent manager (`consent.import`, off by
//! default), so a site that switches does not ask every returning visitor again.
//!
//! A visitor with no consent cookie of ours (none at all: an old-revision cookie means "ask
//! again", not "import") but a decision in the cookie of a listed manager is treated as decided:
//! the manager's groups, categories or services are mapped to our categories
//! (`consent.import_map`), the decision is audited as `"action": "imported"` with its `source`,
//! and our cookie is set with the response, so the import happens once. A malformed, partial or
//! undecided foreign cookie is ignored (the visitor stays undecided), never an error.
//!
//! A category is granted when at least one foreign key mapped to it was granted and none was
//! refused; keys the manager did not record are ignored. Where the manager records answers per
//! service (Klaro; cookieconsent v3 lists the accepted services of each category), the answers
//! for services of ours it names are kept as the visitor's choices per service.

mod formats;

pub mod adopt;
pub use formats::Foreign;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::HeaderMap;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use super::{Category, CategorySet, ServiceChoices, ServiceTable};
use crate::settings::SettingsError;

/// A consent manager whose cookie can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    OneTrust,
    Cookiebot,
    CookieConsent,
    Klaro,
}

impl Source {
    pub const ALL: [Source; 4] = [Self::OneTrust, Self::Cookiebot, Self::CookieConsent, Self::Klaro];

    pub fn id(self) -> &'static str {
        match self {
            Self::OneTrust => "onetrust",
            Self::Cookiebot => "cookiebot",
            Self::CookieConsent => "cookieconsent",
            Self::Klaro => "klaro",
        }
    }

    /// The cookie the manager keeps its decision in (its default name).
    pub fn cookie(self) -> &'static str {
        match self {
            Self::OneTrust => "OptanonConsent",
            Self::Cookiebot => "CookieConsent",
            Self::CookieConsent => "cc_cookie",
            Self::Klaro => "klaro",
        }
    }

    /// Foreign key → our category id, unless `consent.import_map.<source>` replaces it.
    fn default_map(self) -> &'static [(&'static str, &'static str)] {
        match self {
            // C0001 strictly necessary, C0002 performance, C0003 functional, C0004 targeting,
            // C0005 social media.
            Self::OneTrust => &[("C0002", "analytics"), ("C0004", "marketing"), ("C0005", "marketing")],
            Self::Cookiebot => &[("statistics", "analytics"), ("marketing", "marketing")],
            Self::CookieConsent => &[
                ("analytics", "analytics"),
                ("performance", "analytics"),
                ("statistics", "analytics"),
                ("marketing", "marketing"),
                ("ads", "marketing"),
                ("advertising", "marketing"),
                ("targeting", "marketing"),
            ],
            // Klaro's cookie names services; these are the names its examples and common setups use.
            Self::Klaro => &[
                ("google-analytics", "analytics"),
                ("googleAnalytics", "analytics"),
                ("matomo", "analytics"),
                ("piwik", "analytics"),
                ("plausible", "analytics"),
                ("hotjar", "analytics"),
                ("clarity", "analytics"),
                ("facebook-pixel", "marketing"),
                ("facebookPixel", "marketing"),
                ("meta-pixel", "marketing"),
                ("google-ads", "marketing"),
                ("googleAds", "marketing"),
                ("adsense", "marketing"),
                ("linkedin-insight", "marketing"),
                ("tiktok-pixel", "marketing"),
                ("twitter-pixel", "marketing"),
                ("hubspot", "marketing"),
                ("criteo", "marketing"),
            ],
        }
    }

    fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// The compiled `consent.import` and `consent.import_map`.
#[derive(Debug, Clone, Default)]
pub struct Importer {
    /// In the configured order: the first source with a decision wins.
    sources: Vec<(Source, Vec<(String, usize)>)>,
}

/// What an import found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub source: Source,
    pub granted: CategorySet,
    pub foreign: Foreign,
    /// Derived from the foreign cookie, so requests racing with the first import agree on it.
    pub consent_id: String,
}

impl Importer {
    pub fn compile(
        import: &[String],
        maps: &BTreeMap<String, BTreeMap<String, String>>,
        categories: &[Category],
    ) -> Result<Self, SettingsError> {
        let err = |key: &str, m: String| SettingsError { key: format!("consent.{key}"), message: m };
        let names = || Source::ALL.map(Source::id).join(", ");
        if let Some(bad) = maps.keys().find(|k| Source::parse(k).is_none()) {
            return Err(err("import_map", format!("`{bad}` is not a consent manager we read ({})", names())));
        }
        let mut sources = Vec::new();
        for id in import {
            let source =
                Source::parse(id.trim()).ok_or_else(|| err("import", format!("`{id}` is not one of {}", names())))?;
            if sources.iter().any(|(s, _)| *s == source) {
                continue;
            }
            let pairs: Vec<(String, String)> = match maps.get(source.id()) {
                Some(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                None => source.default_map().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            };
            let mut map = Vec::new();
            for (key, category) in pairs {
                let index = categories.iter().position(|c| c.id == category && !c.necessary).ok_or_else(|| {
                    err(
                        &format!("import_map.{}", source.id()),
                        format!("`{key}` maps to `{category}`, which is not a declared, refusable category"),
                    )
                })?;
                map.push((key, index));
            }
            sources.push((source, map));
        }
        Ok(Self { sources })
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn sources(&self) -> impl Iterator<Item = Source> + '_ {
        self.sources.iter().map(|(s, _)| *s)
    }

    /// The first listed manager whose cookie holds a decision, mapped onto `necessary`.
    pub fn find(&self, headers: &HeaderMap, necessary: CategorySet, now: u64) -> Option<Found> {
        let cookie = |name: &str| super::cookie_pairs(headers).find(|(n, _)| *n == name).map(|(_, v)| v);
        self.sources.iter().find_map(|(source, map)| {
            let value = cookie(source.cookie())?;
            let foreign = match source {
                Source::OneTrust => formats::onetrust(value, cookie("OptanonAlertBoxClosed")),
                Source::Cookiebot => formats::cookiebot(value),
                Source::CookieConsent => formats::cookieconsent(value, now),
                Source::Klaro => formats::klaro(value),
            }?;
            let granted = grant(map, &foreign, necessary);
            let digest = Sha256::new()
                .chain_update(b"consent-proxy import\0")
                .chain_update(source.id())
                .chain_update([0])
                .chain_update(value)
                .finalize();
            let consent_id = URL_SAFE_NO_PAD.encode(&digest[..16]);
            Some(Found { source: *source, granted, foreign, consent_id })
        })
    }
}

/// The foreign manager's answers per service, for the services of ours they name (by id or by
/// provider name: Klaro's `youtube`, `googleAnalytics`, `facebook-pixel`), as exceptions to
/// `granted`.
pub fn service_choices(foreign: &Foreign, table: &ServiceTable, granted: CategorySet) -> ServiceChoices {
    let mut choices = ServiceChoices::default();
    for (name, on) in &foreign.services {
        if let Some(i) = table.index(name).or_else(|| table.of_provider(name)) {
            choices.set(i, *on);
        }
    }
    choices.exceptions(table, granted)
}

fn grant(map: &[(String, usize)], foreign: &Foreign, mut granted: CategorySet) -> CategorySet {
    let categories: HashSet<usize> = map.iter().map(|(_, c)| *c).collect();
    for category in categories {
        let answers: Vec<bool> = map
            .iter()
            .filter(|(_, c)| *c == category)
            .filter_map(|(key, _)| foreign.choices.iter().find(|(k, _)| k == key).map(|(_, on)| *on))
            .collect();
        if answers.contains(&true) && !answers.contains(&false) {
            granted = granted.with(category);
        }
    }
    granted
}

/// Consent ids imported since start, so a visitor's import is audited once even when several
/// requests arrive before the browser stores our cookie. Bounded: cleared when it grows large
/// (the cookie set with the first response makes repeats rare anyway).
#[derive(Default)]
pub struct Recent(Mutex<HashSet<String>>);

impl Recent {
    pub fn contains(&self, id: &str) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).contains(id)
    }

    pub fn insert(&self, id: &str) {
        let mut set = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if set.len() > 100_000 {
            set.clear();
        }
        set.insert(id.to_string());
    }
}

#[cfg(test)]
mod tests;
