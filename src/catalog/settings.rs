//! `[trackers]`: the built-in tracker catalog plus the operator's rules and the standard filter
//! lists (`[[trackers.lists]]`), compiled into one [`TrackerCatalog`].

use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

use super::lists::{FilterLists, ListFormat, ListSource, ListSpec};
use super::trackers::{TrackerCatalog, TrackerMatch, TrackerRule};
use crate::consent::services::{RawService, ServiceTable};
use crate::consent::ConsentSettings;
use crate::settings::SettingsError;

/// The services visitors choose one by one: the catalog's providers (built-in, then those the
/// operator's rules name), shaped by `[services]`.
pub fn services(
    builtin: &[TrackerRule],
    raw: &RawTrackers,
    services: &std::collections::BTreeMap<String, RawService>,
    consent: &ConsentSettings,
) -> Result<ServiceTable, SettingsError> {
    let providers =
        builtin.iter().map(|r| (r.provider.as_str(), r.category.as_str())).chain(raw.rules.iter().map(|r| {
            // As `compile` names a rule without a provider: after its pattern (the key ignores
            // case, dots and `*`).
            let pattern = r.pattern.trim().trim_start_matches("https://").trim_start_matches("http://");
            (if r.provider.is_empty() { pattern } else { r.provider.as_str() }, r.category.as_str())
        }));
    ServiceTable::compile(providers, services, &consent.categories)
}

/// `builtin`: [`TrackerCatalog::builtin_rules`], made once by the caller.
pub fn compile(
    raw: RawTrackers,
    builtin: Vec<TrackerRule>,
    consent: &ConsentSettings,
) -> Result<TrackerCatalog, SettingsError> {
    let err = |key: &str, m: String| SettingsError { key: format!("trackers.{key}"), message: m };
    let mut rules = builtin;
    let mut specs = Vec::new();
    if let Some(path) = &raw.list_file {
        let category = raw.list_category.clone().unwrap_or_else(|| "marketing".into());
        if consent.category_index(&category).is_none() {
            return Err(err("list_category", format!("`{category}` is not a declared category")));
        }
        tracing::warn!("trackers.list_file is deprecated: use [[trackers.lists]] (path, category, format)");
        specs.push(ListSpec::file(path.clone(), category, ListFormat::Adblock));
    }
    for (i, l) in raw.lists.iter().enumerate() {
        if consent.category_index(&l.category).is_none() || l.category == "necessary" {
            return Err(err(
                &format!("lists[{i}].category"),
                format!("`{}` is not a declared, refusable category", l.category),
            ));
        }
        let source = list_source(l).map_err(|(key, m)| err(&format!("lists[{i}].{key}"), m))?;
        specs.push(ListSpec { path: l.path.clone(), category: l.category.clone(), format: l.format, source });
    }
    let lists = FilterLists::load(&specs).map_err(|m| err("lists", m))?;
    for r in raw.rules {
        if r.category != "none" && consent.category_index(&r.category).is_none() {
            return Err(err(
                "rules",
                format!("`{}`: category `{}` is not declared (or `none`)", r.pattern, r.category),
            ));
        }
        let p = r.pattern.trim();
        if p.is_empty() {
            return Err(err("rules", "an empty pattern".into()));
        }
        let (kind, pattern) = if r.inline {
            (TrackerMatch::InlineSignature, p.to_string())
        } else {
            let p = p.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("//");
            if let Some(host) = p.strip_prefix("*.").or_else(|| p.strip_prefix('.')) {
                (TrackerMatch::HostSuffix, host.to_ascii_lowercase())
            } else if p.contains('/') {
                (TrackerMatch::UrlPrefix, p.to_string())
            } else {
                (TrackerMatch::HostSuffix, p.to_ascii_lowercase())
            }
        };
        let provider = if r.provider.is_empty() { pattern.clone() } else { r.provider };
        let rule = TrackerRule { kind, pattern, category: r.category, provider, from_config: true };
        rule.validate().map_err(|m| err("rules", format!("`{}`: {m}", r.pattern)))?;
        rules.push(rule);
    }
    // A provider regrouped by `[services]` takes its tracker rules along.
    for r in rules.iter_mut().filter(|r| r.category != "none") {
        if let Some(c) = consent.services.regrouped(&r.provider) {
            r.category = consent.categories[c].id.clone();
        }
    }
    Ok(TrackerCatalog::new(rules).with_lists(lists))
}

/// `url`, `refresh`, `timeout` and `seed` of one list; the error names the key.
fn list_source(l: &RawTrackerList) -> Result<Option<ListSource>, (&'static str, String)> {
    let Some(url) = &l.url else {
        for (key, set) in
            [("refresh", l.refresh.is_some()), ("timeout", l.timeout.is_some()), ("seed", l.seed.is_some())]
        {
            if set {
                return Err((key, "only means something with `url`".into()));
            }
        }
        return Ok(None);
    };
    let url = url::Url::parse(url.trim()).map_err(|e| ("url", format!("`{url}`: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(("url", format!("`{url}`: an http(s) URL with a host")));
    }
    if url.scheme() == "http" {
        tracing::warn!(%url, "a filter list over plain http can be altered on the way; prefer https");
    }
    let refresh = l.refresh.unwrap_or(Duration::from_secs(86_400));
    if refresh < Duration::from_secs(1) {
        return Err(("refresh", "at least 1s (ad blockers refresh every few days)".into()));
    }
    let timeout = l.timeout.unwrap_or(Duration::from_secs(60));
    if timeout.is_zero() {
        return Err(("timeout", "must be more than 0s".into()));
    }
    if l.path.file_name().is_none() {
        return Err(("url", format!("`path` {} must name a file to download into", l.path.display())));
    }
    Ok(Some(ListSource { url, refresh, timeout, seed: l.seed.clone() }))
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawTrackers {
    pub rules: Vec<RawTrackerRule>,
    /// Standard filter lists (`[[trackers.lists]]`), asked after the rules and the catalog.
    pub lists: Vec<RawTrackerList>,
    /// Deprecated: one Adblock-syntax list; kept working as a `[[trackers.lists]]` entry.
    pub list_file: Option<PathBuf>,
    /// Deprecated: the category of `list_file` (default `marketing`).
    pub list_category: Option<String>,
    /// Third-party hosts in no rule: `allow` (listed in discovery) or `block` (made inert as
    /// marketing).
    pub unknown_third_party: UnknownThirdParty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackerList {
    pub path: PathBuf,
    /// A declared category id: EasyPrivacy → `analytics`, EasyList → `marketing`.
    pub category: String,
    /// `adblock` (Adblock Plus / uBlock Origin syntax) or `hosts`.
    #[serde(default)]
    pub format: ListFormat,
    /// Download newer copies from here (`http`/`https`) into `path`.
    pub url: Option<String>,
    /// With `url`: how long a copy is used before asking again (default `1d`).
    #[serde(default, with = "humantime_serde")]
    pub refresh: Option<std::time::Duration>,
    /// With `url`: the limit on one download (default `60s`).
    #[serde(default, with = "humantime_serde")]
    pub timeout: Option<std::time::Duration>,
    /// With `url`: a copy to start from while `path` does not exist yet.
    pub seed: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnknownThirdParty {
    #[default]
    Allow,
    Block,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackerRule {
    /// `www.example.com` (exactly that host), `.example.com` / `*.example.com` (and subdomains),
    /// `example.com/path/` (URL prefix), or, with `inline = true`, a substring of inline scripts.
    pub pattern: String,
    #[serde(default)]
    pub inline: bool,
    /// A declared category, or `none`: not a tracker (overrides a built-in rule).
    pub category: String,
    #[serde(default)]
    pub provider: String,
}
