//! `[trackers]`: the built-in tracker catalog plus the operator's rules and the standard filter
//! lists (`[[trackers.lists]]`), compiled into one [`TrackerCatalog`].

use super::raw::RawTrackers;
use super::ConfigError;
use crate::catalog::lists::{FilterLists, ListFormat, ListSpec};
use crate::catalog::trackers::{TrackerCatalog, TrackerMatch, TrackerRule};
use crate::consent::ConsentSettings;

pub fn compile(raw: RawTrackers, consent: &ConsentSettings) -> Result<TrackerCatalog, ConfigError> {
    let err = |key: &str, m: String| ConfigError { key: format!("trackers.{key}"), message: m };
    let mut rules = TrackerCatalog::builtin_rules();
    let mut specs = Vec::new();
    if let Some(path) = &raw.list_file {
        let category = raw.list_category.clone().unwrap_or_else(|| "marketing".into());
        if consent.category_index(&category).is_none() {
            return Err(err("list_category", format!("`{category}` is not a declared category")));
        }
        tracing::warn!("trackers.list_file is deprecated: use [[trackers.lists]] (path, category, format)");
        specs.push(ListSpec { path: path.clone(), category, format: ListFormat::Adblock });
    }
    for (i, l) in raw.lists.iter().enumerate() {
        if consent.category_index(&l.category).is_none() || l.category == "necessary" {
            return Err(err(
                &format!("lists[{i}].category"),
                format!("`{}` is not a declared, refusable category", l.category),
            ));
        }
        specs.push(ListSpec { path: l.path.clone(), category: l.category.clone(), format: l.format });
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
    Ok(TrackerCatalog::new(rules).with_lists(lists))
}
