//! The consent settings compiled from `[consent]`: categories with their texts, the consent
//! cookie's attributes, signing keys, the endpoint prefix and first-party tracking endpoints.

use http::{HeaderName, HeaderValue};
use std::time::Duration;

use super::codec::KeyRing;
use super::CategorySet;
use crate::settings::{string_or_list, SettingsError};
use serde::Deserialize;
use std::path::PathBuf;

/// Languages with built-in texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Sv,
}

impl Lang {
    /// The first supported language in `Accept-Language` order (q-values respected), else the
    /// fallback (`consent.default_language`).
    pub fn negotiate(accept_language: Option<&HeaderValue>, fallback: Lang) -> Lang {
        let Some(text) = accept_language.and_then(|v| v.to_str().ok()) else { return fallback };
        let mut best: Option<(f32, Lang)> = None;
        for item in text.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("sv") => Lang::Sv,
                Some("en") => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(fallback, |(_, l)| l)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    /// Always granted, cannot be refused.
    pub necessary: bool,
    /// `[en, sv]`.
    pub label: [String; 2],
    pub description: [String; 2],
}

impl Category {
    pub fn label(&self, lang: Lang) -> &str {
        &self.label[lang as usize]
    }
    pub fn description(&self, lang: Lang) -> &str {
        &self.description[lang as usize]
    }
}

/// A first-party path that only tracks (server-side tag manager, Matomo, proxied vendor paths):
/// answered `204` without forwarding when its category is refused.
#[derive(Debug, Clone)]
pub struct TrackingEndpoint {
    pub path: String,
    /// The configured path ended in `*`.
    pub prefix: bool,
    pub category: usize,
}

impl TrackingEndpoint {
    pub fn matches(&self, path: &str) -> bool {
        if self.prefix {
            path.starts_with(&self.path)
        } else {
            path == self.path
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConsentSettings {
    /// Index 0 is always `necessary`.
    pub categories: Vec<Category>,
    pub cookie_name: String,
    pub max_age: Duration,
    /// Lifetime of a decision that grants nothing beyond necessary.
    pub refusal_max_age: Duration,
    /// Bumping it re-asks everyone.
    pub revision: u32,
    /// `Domain` of the consent cookie, so consent on www covers shop.example.com.
    pub domain: Option<String>,
    /// Domains on which withdrawn cookies are also deleted (e.g. `.example.com` for `_ga`).
    pub delete_domains: Vec<String>,
    pub keys: KeyRing,
    /// Reserved path prefix, `/__consent` by default; never forwarded.
    pub prefix: String,
    /// Header carrying the state to the origin (stripped from clients); `None` disables it.
    pub origin_header: Option<HeaderName>,
    pub rate_limit_per_minute: u32,
    pub tracking_endpoints: Vec<TrackingEndpoint>,
    /// Language when `Accept-Language` names none we have (and for shared-cache pages).
    pub default_language: Lang,
    /// Other consent managers whose decisions are taken over (`consent.import`).
    pub import: super::import::Importer,
    /// `/.well-known/gpc.json`, when served.
    pub gpc_json: Option<super::gpc::GpcJson>,
    /// The services visitors can choose one by one (`[services]` and the catalog's providers);
    /// filled in by the config assembly once the catalog is known.
    pub services: std::sync::Arc<super::services::ServiceTable>,
}

const DEFAULTS: [(&str, [&str; 2], [&str; 2]); 3] = [
    (
        "necessary",
        ["Necessary", "Nödvändiga"],
        [
            "Required for the website to work: sessions, security, load balancing and remembering your cookie choice. They cannot be turned off.",
            "Krävs för att webbplatsen ska fungera: sessioner, säkerhet, lastbalansering och att komma ihåg ditt cookieval. De kan inte stängas av.",
        ],
    ),
    (
        "analytics",
        ["Analytics", "Analys"],
        [
            "Help us understand how the website is used so that we can improve content, navigation and structure, for example Google Analytics.",
            "Hjälper oss att förstå hur webbplatsen används så att vi kan förbättra innehåll, navigering och struktur, till exempel Google Analytics.",
        ],
    ),
    (
        "marketing",
        ["Marketing", "Marknadsföring"],
        [
            "Used by us and third parties such as Google, Meta, HubSpot and YouTube to follow your visits across websites and show you relevant ads.",
            "Används av oss och tredje parter som Google, Meta, HubSpot och YouTube för att följa dina besök mellan webbplatser och visa relevanta annonser.",
        ],
    ),
];

pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn valid_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

fn valid_domain(s: &str) -> bool {
    let d = s.strip_prefix('.').unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

impl ConsentSettings {
    pub fn compile(raw: RawConsent) -> Result<Self, SettingsError> {
        let err = |key: &str, msg: String| SettingsError { key: format!("consent.{key}"), message: msg };
        let mut categories: Vec<Category> = DEFAULTS
            .iter()
            .map(|(id, label, desc)| Category {
                id: id.to_string(),
                necessary: *id == "necessary",
                label: label.map(String::from),
                description: desc.map(String::from),
            })
            .collect();
        for c in raw.categories {
            if !valid_id(&c.id) {
                return Err(err("categories", format!("`{}` is not a valid id (a-z, 0-9, _ and -)", c.id)));
            }
            let index = match categories.iter().position(|k| k.id == c.id) {
                Some(i) => i,
                None => {
                    let label = c.id.replace(['_', '-'], " ");
                    categories.push(Category {
                        id: c.id.clone(),
                        necessary: false,
                        label: [label.clone(), label],
                        description: [String::new(), String::new()],
                    });
                    categories.len() - 1
                }
            };
            let cat = &mut categories[index];
            if let Some(l) = c.label {
                cat.label = [l.clone(), c.label_sv.clone().unwrap_or(l)];
            } else if let Some(l) = c.label_sv {
                cat.label[1] = l;
            }
            if let Some(d) = c.description {
                cat.description = [d.clone(), c.description_sv.clone().unwrap_or(d)];
            } else if let Some(d) = c.description_sv {
                cat.description[1] = d;
            }
        }
        if categories.len() > 64 {
            return Err(err("categories", "at most 64 categories".into()));
        }
        if !valid_token(&raw.cookie_name) {
            return Err(err("cookie_name", format!("`{}` is not a valid cookie name", raw.cookie_name)));
        }
        if raw.max_age.is_zero() {
            return Err(err("max_age", "must be greater than zero".into()));
        }
        let refusal_max_age = raw.refusal_max_age.unwrap_or(raw.max_age);
        if refusal_max_age.is_zero() {
            return Err(err("refusal_max_age", "must be greater than zero".into()));
        }
        if let Some(d) = &raw.domain {
            if !valid_domain(d) {
                return Err(err("domain", format!("`{d}` is not a domain")));
            }
        }
        let mut delete_domains = raw.delete_domains;
        if let Some(bad) = delete_domains.iter().find(|d| !valid_domain(d)) {
            return Err(err("delete_domains", format!("`{bad}` is not a domain")));
        }
        if let Some(d) = &raw.domain {
            if !delete_domains.contains(d) {
                delete_domains.push(d.clone());
            }
        }
        let keys = KeyRing::load(&raw.secrets, raw.secret_file.as_deref())?;
        let prefix = raw.prefix.trim_end_matches('/').to_string();
        if !prefix.starts_with('/') || prefix.len() < 2 || prefix.contains(['?', '#']) {
            return Err(err("prefix", format!("`{}` must be a path such as /__consent", raw.prefix)));
        }
        let origin_header = match raw.origin_header.as_str() {
            "" => None,
            h => Some(
                HeaderName::from_bytes(h.as_bytes())
                    .map_err(|_| err("origin_header", format!("`{h}` is not a header name")))?,
            ),
        };
        let mut tracking_endpoints = Vec::new();
        for e in raw.tracking_endpoints {
            let (path, prefix) = match e.path.strip_suffix('*') {
                Some(p) => (p.to_string(), true),
                None => (e.path.clone(), false),
            };
            if !path.starts_with('/') {
                return Err(err("tracking_endpoints", format!("path `{}` must start with /", e.path)));
            }
            let category = categories.iter().position(|c| c.id == e.category && !c.necessary).ok_or_else(|| {
                err("tracking_endpoints", format!("`{}` is not a declared, refusable category", e.category))
            })?;
            tracking_endpoints.push(TrackingEndpoint { path, prefix, category });
        }
        let default_language = match raw.default_language.as_str() {
            "en" => Lang::En,
            "sv" => Lang::Sv,
            other => return Err(err("default_language", format!("`{other}`: built-in languages are en and sv"))),
        };
        let import = super::import::Importer::compile(&raw.import, &raw.import_map, &categories)?;
        let gpc_json = raw.gpc_json.then(|| super::gpc::GpcJson::new(&raw.gpc_last_update)).transpose()?;
        Ok(Self {
            import,
            gpc_json,
            services: Default::default(),
            default_language,
            categories,
            cookie_name: raw.cookie_name,
            max_age: raw.max_age,
            refusal_max_age,
            revision: raw.revision,
            domain: raw.domain,
            delete_domains,
            keys,
            prefix,
            origin_header,
            rate_limit_per_minute: raw.rate_limit_per_minute,
            tracking_endpoints,
        })
    }

    pub fn category_index(&self, id: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.id == id)
    }

    pub fn necessary_only(&self) -> CategorySet {
        self.categories.iter().enumerate().filter(|(_, c)| c.necessary).fold(CategorySet::EMPTY, |s, (i, _)| s.with(i))
    }

    pub fn all(&self) -> CategorySet {
        (0..self.categories.len()).fold(CategorySet::EMPTY, |s, i| s.with(i))
    }

    /// Whether `path` is under the reserved prefix.
    pub fn is_reserved(&self, path: &str) -> bool {
        path.strip_prefix(self.prefix.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// A hash of the category texts shown in `lang`, for the audit record (which texts the
    /// visitor saw when deciding).
    pub fn texts_hash(&self, lang: Lang) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for c in &self.categories {
            h.update(c.id.as_bytes());
            h.update([0]);
            h.update(c.label(lang).as_bytes());
            h.update([0]);
            h.update(c.description(lang).as_bytes());
            h.update([0]);
        }
        h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// Max-Age of a decision granting `granted` (and `services` apart from their categories): a
    /// refusal of everything may be asked again sooner.
    pub fn lifetime(&self, granted: CategorySet, services: &super::ServiceChoices) -> Duration {
        if granted == self.necessary_only() && services.granted().is_empty() {
            self.refusal_max_age
        } else {
            self.max_age
        }
    }
}

// The `[consent]` section as written.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConsent {
    pub cookie_name: String,
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
    #[serde(with = "humantime_serde")]
    pub refusal_max_age: Option<Duration>,
    pub revision: u32,
    pub domain: Option<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub delete_domains: Vec<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub secrets: Vec<String>,
    pub secret_file: Option<PathBuf>,
    pub prefix: String,
    pub origin_header: String,
    pub rate_limit_per_minute: u32,
    pub categories: Vec<RawCategory>,
    pub tracking_endpoints: Vec<RawEndpoint>,
    pub default_language: String,
    /// Consent managers whose decisions are taken over: onetrust, cookiebot, cookieconsent, klaro.
    #[serde(deserialize_with = "string_or_list")]
    pub import: Vec<String>,
    /// Per manager: its group/category/service → our category (replaces the default table).
    pub import_map: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Serve `/.well-known/gpc.json`.
    pub gpc_json: bool,
    /// Its `lastUpdate` (YYYY-MM-DD).
    pub gpc_last_update: String,
}

impl Default for RawConsent {
    fn default() -> Self {
        Self {
            cookie_name: "consent".into(),
            max_age: Duration::from_secs(365 * 24 * 3600),
            refusal_max_age: None,
            revision: 1,
            domain: None,
            delete_domains: Vec::new(),
            secrets: Vec::new(),
            secret_file: None,
            prefix: "/__consent".into(),
            origin_header: "x-consent".into(),
            rate_limit_per_minute: 60,
            categories: Vec::new(),
            tracking_endpoints: Vec::new(),
            default_language: "en".into(),
            import: Vec::new(),
            import_map: Default::default(),
            gpc_json: true,
            gpc_last_update: super::gpc::SINCE.into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: String,
    pub label: Option<String>,
    pub label_sv: Option<String>,
    pub description: Option<String>,
    pub description_sv: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndpoint {
    pub path: String,
    pub category: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_negotiation() {
        let h = |s: &'static str| Some(HeaderValue::from_static(s));
        assert_eq!(Lang::negotiate(None, Lang::En), Lang::En);
        assert_eq!(Lang::negotiate(h("sv-SE,sv;q=0.9,en;q=0.8").as_ref(), Lang::En), Lang::Sv);
        assert_eq!(Lang::negotiate(h("de-DE,en;q=0.5,sv;q=0.7").as_ref(), Lang::En), Lang::Sv);
        assert_eq!(Lang::negotiate(h("fr, de").as_ref(), Lang::En), Lang::En);
        assert_eq!(Lang::negotiate(h("sv;q=0, en").as_ref(), Lang::En), Lang::En);
    }
}
