//! The compiled `banner.thumbnails` settings: which thumbnail sources are detoured, and where
//! from. Built at load; the fetching is [`super`]'s.

use url::Url;

use crate::catalog::embeds::{EMBEDS, THUMBNAIL_SOURCES};
use crate::catalog::trackers::{TrackerCatalog, NOT_A_TRACKER};
use crate::consent::{ConsentSettings, ConsentState};
use crate::settings::SettingsError;

/// The compiled `banner.thumbnails` settings.
#[derive(Debug, Clone, Default)]
pub struct Thumbnails {
    pub enabled: bool,
    /// `banner.thumbnails_origin`: fetch from this origin (laid out as `/HOST/PATH`) instead of
    /// the providers — an internal image cache, or a test's stand-in. Trusted: not checked.
    pub(super) origin: Option<Url>,
    /// (host, path prefix, category index, service) of each source whose provider the catalog
    /// holds.
    sources: Vec<(&'static str, &'static str, usize, Option<u16>)>,
}

impl Thumbnails {
    /// `origin` is `banner.thumbnails_origin`; the categories come from the catalog as
    /// configured (a provider allowed with `none` needs no detour).
    pub fn compile(
        enabled: bool,
        origin: Option<&str>,
        trackers: &TrackerCatalog,
        consent: &ConsentSettings,
    ) -> Result<Self, SettingsError> {
        let origin = match origin.map(str::trim).filter(|o| !o.is_empty()) {
            None => None,
            Some(o) => {
                let url = Url::parse(o)
                    .map_err(|e| SettingsError { key: "banner.thumbnails_origin".into(), message: e.to_string() })?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(SettingsError {
                        key: "banner.thumbnails_origin".into(),
                        message: format!("`{o}`: an http(s) origin"),
                    });
                }
                Some(url)
            }
        };
        let mut sources = Vec::new();
        for &(host, prefix, provider) in THUMBNAIL_SOURCES {
            let Some(embed) = EMBEDS.iter().find(|e| e.provider == provider) else { continue };
            let Some(rule) = trackers.classify_url(embed.example, None) else { continue };
            if rule.category == NOT_A_TRACKER {
                continue;
            }
            let category = consent.category_index(&rule.category).or_else(|| consent.category_index("marketing"));
            if let Some(c) = category {
                sources.push((host, prefix, c, consent.services.of_provider(&rule.provider)));
            }
        }
        Ok(Self { enabled, origin, sources })
    }

    /// The same-origin URL for `url` (absolute), when it is a thumbnail of a provider `state`
    /// refuses: `{prefix}/thumbnail/HOST/PATH?QUERY`.
    pub fn local_url(&self, url: &Url, state: &ConsentState, prefix: &str) -> Option<String> {
        if !self.enabled || !matches!(url.scheme(), "https" | "http") {
            return None;
        }
        let (host, category, service) = self.source(url)?;
        if state.allows_service(service, category) {
            return None;
        }
        let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        Some(format!("{prefix}/thumbnail/{host}{}{query}", url.path()))
    }

    /// The allow-listed source `url` belongs to: (its host, its category).
    pub(super) fn source(&self, url: &Url) -> Option<(&'static str, usize, Option<u16>)> {
        let host = url.host_str()?;
        if url.port().is_some() || !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        self.sources
            .iter()
            .find(|(h, p, _, _)| *h == host && url.path().starts_with(p))
            .map(|(h, _, c, s)| (*h, *c, *s))
    }
}
