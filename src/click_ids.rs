//! Click identifiers (`gclid`, `fbclid`, `msclkid`, …): ad platforms append them to the landing
//! URL so the site's tags can tie the visit to the ad click. They identify the visitor to the ad
//! platform (personal data used for ad attribution), so while their category (`marketing`) is
//! refused they are removed from the request URL before the origin sees it, and from same-site
//! `Location` redirects. Everything else in the query is kept byte for byte.

use crate::consent::ConsentSettings;
use crate::settings::{string_or_list, SettingsError};
use serde::Deserialize;

/// The defaults of `click_ids.params`.
pub const DEFAULT_PARAMS: [&str; 13] = [
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "fbclid",
    "msclkid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "yclid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
];

/// The catalog provider each default parameter identifies a visitor to: while that provider's
/// service is granted on its own, its click id stays (and while it is refused on its own, it goes
/// even with the category granted).
const PROVIDERS: &[(&str, &str)] = &[
    ("gclid", "Google Ads"),
    ("gbraid", "Google Ads"),
    ("wbraid", "Google Ads"),
    ("dclid", "Google Marketing Platform (DoubleClick)"),
    ("fbclid", "Meta Pixel"),
    ("msclkid", "Microsoft Advertising (Bing UET)"),
    ("ttclid", "TikTok Pixel"),
    ("twclid", "X (Twitter) Ads"),
    ("li_fat_id", "LinkedIn Insight Tag"),
    ("yclid", "Yandex Advertising"),
    ("mc_eid", "Mailchimp"),
    ("_hsenc", "HubSpot"),
    ("_hsmi", "HubSpot"),
];

/// The compiled `[click_ids]`.
#[derive(Debug, Clone)]
pub struct ClickIds {
    /// Parameter names, compared ASCII-case-insensitively; empty when stripping is off.
    params: Vec<String>,
    /// The service of each parameter, where the catalog knows its provider.
    services: Vec<Option<u16>>,
    /// Kept only when this category is granted.
    pub category: usize,
}

impl ClickIds {
    pub fn compile(raw: RawClickIds, consent: &ConsentSettings) -> Result<Self, SettingsError> {
        let category =
            consent.categories.iter().position(|c| c.id == raw.category && !c.necessary).ok_or_else(|| {
                SettingsError {
                    key: "click_ids.category".into(),
                    message: format!("`{}` is not a declared, refusable category", raw.category),
                }
            })?;
        if let Some(bad) = raw.params.iter().find(|p| p.is_empty() || p.bytes().any(|b| b"&=#?% ".contains(&b))) {
            return Err(SettingsError {
                key: "click_ids.params".into(),
                message: format!("`{bad}` is not a query parameter name"),
            });
        }
        let params = if raw.strip { raw.params } else { Vec::new() };
        let services = params
            .iter()
            .map(|p| {
                let provider = PROVIDERS.iter().find(|(n, _)| n.eq_ignore_ascii_case(p)).map(|(_, v)| *v)?;
                consent.services.of_provider(provider)
            })
            .collect();
        Ok(Self { params, services, category })
    }

    pub fn params(&self) -> &[String] {
        &self.params
    }

    fn is_click_id(&self, name: &str) -> Option<(&str, Option<u16>)> {
        let i = self.params.iter().position(|p| p.eq_ignore_ascii_case(name))?;
        Some((&self.params[i], self.services.get(i).copied().flatten()))
    }

    /// The query without the click ids `remove` says to remove (it is called with the configured
    /// name and the service of each one found), or `None` when none went.
    pub fn strip_query(&self, query: &str, mut remove: impl FnMut(&str, Option<u16>) -> bool) -> Option<String> {
        if self.params.is_empty() {
            return None;
        }
        let mut kept: Vec<&str> = Vec::new();
        let mut any = false;
        for piece in query.split('&') {
            let name = piece.split('=').next().unwrap_or("");
            match self.is_click_id(name) {
                Some((param, service)) if remove(param, service) => any = true,
                _ => kept.push(piece),
            }
        }
        any.then(|| kept.join("&"))
    }

    /// `path?query#fragment` (or a whole URL) with click ids removed from its query, or `None`
    /// when there were none. A query left empty loses its `?`.
    pub fn strip_target(&self, target: &str, remove: impl FnMut(&str, Option<u16>) -> bool) -> Option<String> {
        let (before_fragment, fragment) = match target.find('#') {
            Some(i) => target.split_at(i),
            None => (target, ""),
        };
        let (base, query) = before_fragment.split_once('?')?;
        let query = self.strip_query(query, remove)?;
        let sep = if query.is_empty() { "" } else { "?" };
        Some(format!("{base}{sep}{query}{fragment}"))
    }
}

/// `[click_ids]`: ad click identifiers removed from URLs without consent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawClickIds {
    pub strip: bool,
    #[serde(deserialize_with = "string_or_list")]
    pub params: Vec<String>,
    pub category: String,
}

impl Default for RawClickIds {
    fn default() -> Self {
        Self {
            strip: true,
            params: crate::click_ids::DEFAULT_PARAMS.map(String::from).to_vec(),
            category: "marketing".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> ClickIds {
        ClickIds { params: DEFAULT_PARAMS.map(String::from).to_vec(), services: Vec::new(), category: 2 }
    }

    #[test]
    fn removes_only_click_ids_and_keeps_the_rest_byte_for_byte() {
        let mut seen = Vec::new();
        let out = ids().strip_target("/landing?utm_source=g%20x&gclid=Cj0KCQ&a=1&&b&FBCLID=x#top", |p, _| {
            seen.push(p.to_string());
            true
        });
        assert_eq!(out.as_deref(), Some("/landing?utm_source=g%20x&a=1&&b#top"));
        assert_eq!(seen, ["gclid", "fbclid"]);
        assert_eq!(ids().strip_target("/?gclid=1", |_, _| true).as_deref(), Some("/"));
        assert_eq!(
            ids().strip_target("https://shop.example/p?msclkid=1#x", |_, _| true).as_deref(),
            Some("https://shop.example/p#x")
        );
        assert_eq!(ids().strip_target("/p?q=gclid&gclidx=1", |_, _| true), None, "values and longer names stay");
        assert_eq!(ids().strip_target("/p", |_, _| true), None);
        assert_eq!(ids().strip_target("/p#?gclid=1", |_, _| true), None, "a fragment is not a query");
    }

    #[test]
    fn off_strips_nothing() {
        let off = ClickIds { params: Vec::new(), services: Vec::new(), category: 2 };
        assert_eq!(off.strip_target("/?gclid=1", |_, _| true), None);
    }
}
