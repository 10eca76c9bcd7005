//! `[html]`: whether and how HTML pages are rewritten, and the banner script built for them.

use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

use super::assets::{ScriptAsset, BANNER_JS};
use crate::catalog::settings::UnknownThirdParty;
use crate::catalog::trackers::TrackerCatalog;
use crate::consent::ConsentSettings;
use crate::cookies::CookiePolicy;
use crate::settings::SettingsError;

#[derive(Debug, Clone)]
pub struct HtmlConfig {
    /// Rewrite HTML responses at all.
    pub rewrite: bool,
    /// Inject Google Consent Mode v2 defaults.
    pub consent_mode: bool,
    /// What to do with third-party hosts in no tracker rule.
    pub unknown_third_party: UnknownThirdParty,
    /// Per-visitor pages, or one shared page for caches that ignore `Vary`.
    pub cache_mode: CacheMode,
    /// Tracker `url()`s in `style` attributes and `<style>` blocks are neutralised.
    pub css: bool,
    /// `/__consent/banner.js`, with the catalog's rules, built once.
    pub script: Arc<ScriptAsset>,
    /// Each service's line in the settings layer, built once (the banner adds `checked`).
    pub service_items: Arc<Vec<super::inject::ServiceItem>>,
}

/// Builds `/__consent/banner.js` (the built-in script or `html.banner_script_file`, with the
/// catalog's rules) once, at load.
pub fn compile(
    raw: RawHtml,
    trackers: &TrackerCatalog,
    cookies: &CookiePolicy,
    consent: &ConsentSettings,
    unknown_third_party: UnknownThirdParty,
) -> Result<HtmlConfig, SettingsError> {
    let script_source = match &raw.banner_script_file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| {
            SettingsError::new("html.banner_script_file", format!("cannot read {}: {e}", path.display()))
        })?,
        None => BANNER_JS.to_string(),
    };
    let script = ScriptAsset::build(&script_source, trackers, cookies, consent, unknown_third_party);
    let service_items = Arc::new(super::inject::service_items(consent, cookies));
    Ok(HtmlConfig {
        service_items,
        rewrite: raw.rewrite,
        consent_mode: raw.consent_mode,
        unknown_third_party,
        cache_mode: raw.cache_mode,
        css: raw.css,
        script: Arc::new(script),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawHtml {
    /// Rewrite HTML responses (neutralise, activate, inject).
    pub rewrite: bool,
    /// Inject Google Consent Mode v2 defaults first in `<head>`.
    pub consent_mode: bool,
    /// Replace the built-in banner.js (the catalog's rules are still prepended).
    pub banner_script_file: Option<PathBuf>,
    /// `private`: pages rewritten per visitor (`Cache-Control: private`, `Vary: Cookie`);
    /// `shared`: one consent-independent page any cache may keep, activated in the browser.
    pub cache_mode: CacheMode,
    /// Neutralise tracker `url()`s in `style` attributes and `<style>` blocks (costs 19–26% of
    /// rewrite throughput: lol_html then reads every element's attributes).
    pub css: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CacheMode {
    #[default]
    Private,
    Shared,
}

impl Default for RawHtml {
    fn default() -> Self {
        Self { rewrite: true, consent_mode: true, banner_script_file: None, cache_mode: CacheMode::Private, css: true }
    }
}
