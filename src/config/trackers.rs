//! `[trackers]`: the built-in tracker catalog plus the operator's rules and an optional
//! EasyPrivacy-style host list, compiled into one [`TrackerCatalog`].

use super::raw::RawTrackers;
use super::ConfigError;
use crate::catalog::trackers::{TrackerCatalog, TrackerMatch, TrackerRule};
use crate::consent::ConsentSettings;

pub fn compile(raw: RawTrackers, consent: &ConsentSettings) -> Result<TrackerCatalog, ConfigError> {
    let err = |key: &str, m: String| ConfigError { key: format!("trackers.{key}"), message: m };
    let mut rules = TrackerCatalog::builtin_rules();
    if let Some(path) = &raw.list_file {
        let category = raw.list_category.clone().unwrap_or_else(|| "marketing".into());
        if consent.category_index(&category).is_none() {
            return Err(err("list_category", format!("`{category}` is not a declared category")));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| err("list_file", format!("cannot read {}: {e}", path.display())))?;
        let before = rules.len();
        rules.extend(list_hosts(&text).map(|host| TrackerRule {
            kind: TrackerMatch::HostSuffix,
            pattern: host.to_string(),
            category: category.clone(),
            provider: host.to_string(),
            from_config: true,
        }));
        tracing::info!(path = %path.display(), hosts = rules.len() - before, "tracker list loaded");
    }
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
    Ok(TrackerCatalog::new(rules))
}

/// Hosts of `||host^` rules (the network-filter subset every blocker list shares); other lines —
/// comments, cosmetic filters, paths, exceptions — are skipped.
fn list_hosts(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let rest = line.trim().strip_prefix("||")?;
        let end = rest.find(['^', '$', '/']).unwrap_or(rest.len());
        let host = &rest[..end];
        let tail = &rest[end..];
        let plain = tail.is_empty() || tail.starts_with('^') && !tail[1..].starts_with('/');
        (plain && !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
            .then_some(host)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_hosts_takes_plain_host_rules_only() {
        let list = "! comment\n||tracker.example^\n||pixel.example^$third-party\n||cdn.example/ads/x.js\n##.ad\n@@||ok.example^\n||UPPER_bad^\n";
        let hosts: Vec<&str> = super::list_hosts(list).collect();
        assert_eq!(hosts, ["tracker.example", "pixel.example"]);
    }
}
