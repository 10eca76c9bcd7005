//! Loading the Open Cookie Database (jkwakman/Open-Cookie-Database, Apache-2.0) into rules.
//!
//! Mapping, row by row:
//! - **Category**: Functional, Security, Necessary → `necessary`; Analytics → `analytics`;
//!   Marketing → `marketing`; Personalization → `preferences`. Anything else is dropped.
//! - **Name**: trimmed, invisible formatting characters (soft hyphen, zero-width spaces, BOM)
//!   removed. A name containing `*` is parsed as a pattern; `Wildcard match` = 1 appends `*`;
//!   a trailing `NNN` placeholder (`pm_sess_NNN`) becomes `*`. Names that are not valid cookie
//!   tokens (`Site History`, `pvc_visits[0]`, `a0_users:sess`, …) are dropped.
//! - **Short wildcard prefixes**: a prefix glob is kept only if its prefix is at least
//!   [`MIN_GLOB_PREFIX`] (4) bytes long, or exactly 3 bytes ending in a delimiter `_`, `-` or `.`
//!   (`mp_`, `sb-`, `lc_`). Shorter or undelimited prefixes (`_s`, `SR`, `CT`, `tp`, `P_`, `cap`,
//!   `MSO`, `NPA`, `_ut`, `_lv`, `SCM`) would swallow unrelated first-party names (`_session_id`,
//!   `SRV_ID`, `captcha`), so they become exact names instead.
//! - **Provider** = `Data Controller`, else `Platform`, else "Unknown"; **purpose** = `Description`;
//!   **duration** = `Retention period` ("unknown" if empty; any spelling of "session" → "session").
//! - **Party**: `Third` when `Domain` carries the database's explicit "(3rd party)" marker or is a
//!   leading-dot vendor domain (`.linkedin.com`, `.adnxs.com`: a Domain attribute scoping the
//!   cookie to the vendor). Otherwise `First`: an empty Domain means the visited site, and a bare
//!   host is used inconsistently (Shopify, HubSpot, WooCommerce, Wix and Stripe list their own
//!   domain for cookies their scripts set on the merchant's site).
//! - **Duplicates** (same pattern on several rows): the stricter category wins, marketing >
//!   analytics > preferences > necessary, so a name is never let through on the strength of a
//!   laxer row; equal categories keep the first row in file order. Exact-vs-glob overlaps
//!   (`euconsent` exact vs `euconsent*`) are not duplicates: classification prefers the exact rule.

use super::cookie_rule::{CookiePattern, CookieRule, Party, RuleSource};
use std::collections::HashMap;

/// The embedded Open Cookie Database (path relative to this file).
pub(super) const OCD_CSV: &str = include_str!("../../data/open-cookie-database/open-cookie-database.csv");

/// Minimum prefix length (bytes) for an OCD wildcard row to stay a glob (3 if delimiter-terminated).
pub(crate) const MIN_GLOB_PREFIX: usize = 4;

#[derive(serde::Deserialize)]
struct Row {
    #[serde(rename = "Platform")]
    platform: String,
    #[serde(rename = "Category")]
    category: String,
    #[serde(rename = "Cookie / Data Key name")]
    name: String,
    #[serde(rename = "Domain")]
    domain: String,
    #[serde(rename = "Description")]
    description: String,
    #[serde(rename = "Retention period")]
    retention: String,
    #[serde(rename = "Data Controller")]
    controller: String,
    #[serde(rename = "Wildcard match")]
    wildcard: String,
}

/// Result of loading, with bookkeeping for tests and reports.
#[derive(Debug, Default)]
pub(crate) struct OcdLoad {
    pub rules: Vec<CookieRule>,
    pub rows: usize,
    /// (name, reason) of rows that produced no rule.
    pub dropped: Vec<(String, String)>,
    /// Wildcard prefixes turned into exact names by the short-prefix rule.
    pub short_prefix_exact: Vec<String>,
    /// Patterns seen on several rows with different categories: (pattern, winner, loser).
    pub conflicts: Vec<(String, String, String)>,
    /// Rows merged into an earlier row with the same pattern and category.
    pub same_category_dups: usize,
}

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Vendors whose whole reason to be on a page is analytics or advertising. The database files some
/// of their cookies as "Functional" (Hotjar's `_hjSession_*`, Application Insights' `ai_user`):
/// functional *for the vendor's script*, which only runs with consent. Treating those as
/// necessary would let a tracker's first-party cookies through before consent, so such rows take
/// the vendor's category instead. Site infrastructure (shops, CMSs, chat, CDNs) is not listed.
const TRACKING_VENDORS: &[(&str, &str)] = &[
    ("Adcalls", "marketing"),
    ("Adobe Analytics", "analytics"),
    ("Adobe Audience Manager", "marketing"),
    ("betweendigital.com", "marketing"),
    ("Bing / Microsoft", "marketing"),
    ("Blueconic.com", "marketing"),
    ("Braze", "analytics"),
    ("Command Act", "marketing"),
    ("Crazy Egg", "analytics"),
    ("CreativeCDN", "marketing"),
    ("DoubleClick/Google Marketing", "marketing"),
    ("Dynatrace", "analytics"),
    ("Ezoic", "marketing"),
    ("Facebook", "marketing"),
    ("Fastclick", "marketing"),
    ("Google Ads", "marketing"),
    ("Google AdSense", "marketing"),
    ("Google Analytics", "analytics"),
    ("Google Optimize", "analytics"),
    ("Hotjar", "analytics"),
    ("ID5", "marketing"),
    ("Instagram", "marketing"),
    ("LinkedIn", "marketing"),
    ("Lucky Orange", "analytics"),
    ("Microsoft Azure App Insights", "analytics"),
    ("Piano", "analytics"),
    ("Pinterest", "marketing"),
    ("PubMatic", "marketing"),
    ("Qualtrics", "analytics"),
    ("RD Station", "marketing"),
    ("ShareThis", "marketing"),
    ("Sleeknote", "marketing"),
    ("Smartadserver", "marketing"),
    ("Snapchat", "marketing"),
    ("Squeezely", "marketing"),
    ("Taboola", "marketing"),
    ("Tailtarget", "marketing"),
    ("Tripadvisor", "marketing"),
    ("Visual Website Optimizer", "analytics"),
    ("Vimeo", "analytics"),
    ("Xandr", "marketing"),
    ("Yandex.Metrica", "analytics"),
    ("Youtube", "marketing"),
];

/// The row's category, with a tracking vendor's "Functional" rows given the vendor's category.
fn row_category(platform: &str, category: &str) -> Option<&'static str> {
    let mapped = map_category(category)?;
    if category.trim() == "Functional" {
        if let Some((_, c)) = TRACKING_VENDORS.iter().find(|(p, _)| *p == platform.trim()) {
            return Some(c);
        }
    }
    Some(mapped)
}

fn map_category(c: &str) -> Option<&'static str> {
    Some(match c.trim() {
        "Functional" | "Security" | "Necessary" => "necessary",
        "Analytics" => "analytics",
        "Marketing" => "marketing",
        "Personalization" => "preferences",
        _ => return None,
    })
}

fn severity(category: &str) -> u8 {
    match category {
        "marketing" => 3,
        "analytics" => 2,
        "preferences" => 1,
        _ => 0,
    }
}

fn party(domain: &str) -> Party {
    let d = clean(domain);
    if d.to_ascii_lowercase().contains("3rd party") || d.starts_with('.') {
        Party::Third
    } else {
        Party::First
    }
}

/// Builds the pattern for a row; `Ok(None)`-like conversions are reported through `short`.
fn pattern(name: &str, wildcard: bool, short: &mut Vec<String>) -> Result<CookiePattern, String> {
    let mut text = name.to_owned();
    if let Some(stem) = text.strip_suffix("NNN") {
        text = format!("{stem}*");
    } else if wildcard && !text.contains('*') {
        text.push('*');
    }
    let pat = CookiePattern::parse(&text)?;
    if let CookiePattern::Glob { prefix, suffix } = &pat {
        let delimited = prefix.len() == 3 && prefix.ends_with(['_', '-', '.']);
        if suffix.is_empty() && prefix.len() < MIN_GLOB_PREFIX && !delimited {
            short.push(prefix.clone());
            return CookiePattern::parse(prefix);
        }
    }
    Ok(pat)
}

pub(crate) fn load(csv_text: &str) -> OcdLoad {
    let mut out = OcdLoad::default();
    let mut slot: HashMap<CookiePattern, usize> = HashMap::new();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for row in reader.deserialize::<Row>() {
        out.rows += 1;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.dropped.push((String::new(), format!("unreadable row: {e}")));
                continue;
            }
        };
        let name = clean(&row.name);
        let Some(category) = row_category(&row.platform, &row.category) else {
            out.dropped.push((name, format!("unknown category {:?}", row.category)));
            continue;
        };
        let pat = match pattern(&name, row.wildcard.trim() == "1", &mut out.short_prefix_exact) {
            Ok(p) => p,
            Err(e) => {
                out.dropped.push((name, e));
                continue;
            }
        };
        let duration = clean(&row.retention);
        let duration = match duration.to_ascii_lowercase().as_str() {
            "" => "unknown".to_owned(),
            "session" | "end of session (browser)" => "session".to_owned(),
            _ => duration,
        };
        let provider = [&row.controller, &row.platform]
            .into_iter()
            .map(|s| clean(s))
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| "Unknown".to_owned());
        let rule = CookieRule {
            pattern: pat,
            category: category.to_owned(),
            provider,
            platform: clean(&row.platform),
            purpose: clean(&row.description),
            duration,
            party: party(&row.domain),
            source: RuleSource::OpenCookieDatabase,
        };
        match slot.get(&rule.pattern) {
            None => {
                slot.insert(rule.pattern.clone(), out.rules.len());
                out.rules.push(rule);
            }
            Some(&i) => {
                let old = &out.rules[i];
                if old.category == rule.category {
                    out.same_category_dups += 1;
                    continue;
                }
                let stricter = severity(&rule.category) > severity(&old.category);
                let (w, l) = if stricter { (&rule, old) } else { (old, &rule) };
                out.conflicts.push((
                    w.pattern.as_string(),
                    format!("{} ({})", w.category, w.provider),
                    format!("{} ({})", l.category, l.provider),
                ));
                if stricter {
                    out.rules[i] = rule;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_report() {
        let l = load(OCD_CSV);
        println!("rows {} rules {} same-category dups {}", l.rows, l.rules.len(), l.same_category_dups);
        println!("short prefixes made exact: {:?}", l.short_prefix_exact);
        println!("dropped: {:?}", l.dropped);
        println!("conflicts: {:?}", l.conflicts);
        let globs = l.rules.iter().filter(|r| matches!(r.pattern, CookiePattern::Glob { .. }));
        let third = l.rules.iter().filter(|r| r.party == Party::Third).count();
        println!("globs {} third-party {third}", globs.count());
        assert_eq!(l.rows, 2264);
        assert!(l.dropped.len() < 12, "{:?}", l.dropped);
        // `token`, `chk`, `dc` conflicted (marketing vs functional) until tracking vendors'
        // functional rows took the vendor's category; whichever way, the stricter one is kept.
        for n in ["token", "chk", "dc"] {
            let rule = l.rules.iter().find(|r| r.pattern.as_string() == n).unwrap();
            assert_eq!(rule.category, "marketing", "{n}");
        }
        assert!(l.rules.iter().all(|r| !r.provider.is_empty() && !r.duration.is_empty()));
        let pm = CookiePattern::parse("pm_sess_*").unwrap();
        assert!(l.rules.iter().any(|r| r.pattern == pm));
        let soft = CookiePattern::Exact("logglytrackingsession".into());
        assert!(l.rules.iter().any(|r| r.pattern == soft));
    }
}
