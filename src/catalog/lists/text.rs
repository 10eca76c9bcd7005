//! Reading a list's text without compiling it: how many network rules it holds, whether it is
//! really a hosts file, when it was last modified (its header), its `! Checksum:`, and whether a
//! download is a list at all — the checks that decide if a copy may replace the last good one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use md5::{Digest, Md5};

use super::ListFormat;

/// Why a text cannot be used as a list: a short reason (a metric label) and the detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub reason: &'static str,
    pub message: String,
}

impl Rejected {
    fn new(reason: &'static str, message: String) -> Self {
        Self { reason, message }
    }
}

/// The checks every copy passes before it is compiled: rules in it, and of the declared format.
/// Returns the number of network rules.
pub fn check(text: &str, format: ListFormat) -> Result<usize, Rejected> {
    if format == ListFormat::Adblock && looks_like_hosts(text) {
        return Err(Rejected::new("parse", "looks like a hosts file: set format = \"hosts\"".into()));
    }
    match count_network_rules(text, format) {
        0 => Err(Rejected::new("parse", format!("no {} rules in it (is `format` right?)", format.as_str()))),
        n => Ok(n),
    }
}

/// The further checks a download passes before it replaces the last good copy on disk: not a web
/// page (a captive portal or an error page served with 200), an Adblock list starts as one, its
/// `! Checksum:` (when it has one) holds, and it did not suddenly lose most of its rules (a
/// truncated or half-published file) compared with the copy in use.
pub fn check_download(text: &str, format: ListFormat, previous_rules: Option<usize>) -> Result<usize, Rejected> {
    let head: String = text.trim_start_matches('\u{feff}').trim_start().chars().take(512).collect();
    let lower = head.to_ascii_lowercase();
    if lower.starts_with("<!doctype") || lower.starts_with("<html") || lower.starts_with("<?xml") {
        return Err(Rejected::new("parse", "a web page, not a list".into()));
    }
    if format == ListFormat::Adblock && !(head.starts_with('[') || head.starts_with('!')) {
        return Err(Rejected::new(
            "parse",
            "does not start as an Adblock list (`[Adblock Plus …]` or a `!` comment)".into(),
        ));
    }
    if let Some(Err(m)) = verify_checksum(text) {
        return Err(Rejected::new("checksum", m));
    }
    let rules = check(text, format)?;
    if let Some(before) = previous_rules {
        if rules * 2 < before {
            return Err(Rejected::new(
                "shrunk",
                format!("{rules} rules where the copy in use has {before}: truncated? kept the copy in use"),
            ));
        }
    }
    Ok(rules)
}

/// The list's `! Checksum:` line checked as Adblock Plus defines it (base64 MD5, without
/// padding, of the text with `\r` removed, runs of newlines collapsed and every line matching
/// the checksum pattern removed — the pattern of ABP's own tool, applied as a regex so its
/// edge cases match too). `None` when the list has no checksum (most lists today do not).
pub fn verify_checksum(text: &str) -> Option<Result<(), String>> {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern = PATTERN
        .get_or_init(|| regex::Regex::new(r"(?mi)^\s*!\s*checksum[\s\-:]+([\w+/=]+).*\n").expect("static pattern"));
    let mut normalized = String::with_capacity(text.len());
    for c in text.chars().filter(|c| *c != '\r') {
        if !(c == '\n' && normalized.ends_with('\n')) {
            normalized.push(c);
        }
    }
    let expected = pattern.captures(&normalized)?.get(1)?.as_str().to_owned();
    let data = pattern.replace_all(&normalized, "");
    let actual = base64::engine::general_purpose::STANDARD_NO_PAD.encode(Md5::digest(data.as_bytes()));
    Some(if actual == expected {
        Ok(())
    } else {
        Err(format!("`! Checksum: {expected}` does not match the content ({actual}): changed or cut in transit"))
    })
}

/// Network rules in a list, counted by line shape (comments, headers and cosmetic rules are not).
pub fn count_network_rules(text: &str, format: ListFormat) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|l| match format {
            ListFormat::Adblock => {
                !l.is_empty()
                    && !l.starts_with(['!', '#', '['])
                    && !["##", "#@#", "#?#", "#$#", "#%#", "#+js", "#@?#", "#@$#"].iter().any(|c| l.contains(c))
            }
            ListFormat::Hosts => {
                let l = l.split('#').next().unwrap_or("").trim();
                !l.is_empty() && !l.starts_with('!') && l.split_whitespace().last().is_some_and(|h| h.contains('.'))
            }
        })
        .count()
}

/// Most rule lines are `0.0.0.0 host`: a hosts file, whose lines mean nothing as Adblock rules.
fn looks_like_hosts(text: &str) -> bool {
    let (mut hosts, mut other) = (0, 0);
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with(['!', '#', '['])) {
        let ip = l.split_whitespace().next().unwrap_or("");
        if matches!(ip, "0.0.0.0" | "127.0.0.1" | "::" | "::1") && l.split_whitespace().count() >= 2 {
            hosts += 1;
        } else {
            other += 1;
        }
    }
    hosts > 0 && hosts >= other
}

/// `! Last modified: 30 Nov 2026 12:00 UTC` (EasyList's header), as a time.
pub fn last_modified_header(text: &str) -> Option<SystemTime> {
    let line = text.lines().take(40).find_map(|l| l.strip_prefix("! Last modified:"))?;
    let mut parts = line.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|m| month.starts_with(m))? as u32
        + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let (hh, mm) = parts.next()?.split_once(':')?;
    let (hh, mm): (u64, u64) = (hh.parse().ok()?, mm.parse().ok()?);
    if !(1..=31).contains(&day) || hh > 23 || mm > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + hh * 3600 + mm * 60;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed independently with Adblock Plus's own Python tool's algorithm (hashlib).
    const SIGNED: &str = "[Adblock Plus 2.0]\n! Checksum: Xk4UOmkTxiyDcp5lYeUj6Q\n! Title: Refresh test\n\n||first.example^\r\n||second.example^\n||third.example^\n";

    #[test]
    fn the_checksum_is_checked_as_adblock_plus_defines_it() {
        assert_eq!(verify_checksum(SIGNED), Some(Ok(())));
        // Blank lines and CRLF do not count; a changed rule does.
        assert_eq!(verify_checksum(&SIGNED.replace("\r\n", "\n\n\n")), Some(Ok(())));
        let err = verify_checksum(&SIGNED.replace("second", "other")).unwrap().unwrap_err();
        assert!(err.contains("does not match"), "{err}");
        // Spelled other ways the standard's pattern allows.
        assert_eq!(verify_checksum(&SIGNED.replace("! Checksum: ", "!checksum-")), Some(Ok(())));
        assert_eq!(verify_checksum("[Adblock Plus 2.0]\n||a.example^\n"), None, "no checksum: nothing to check");
        assert_eq!(verify_checksum("! Checksums are nice\n||a.example^\n"), None);
        // ABP's pattern starts with `^\s*`, which also takes a blank-looking line before the
        // checksum line away (vector from ABP's Python tool).
        let edge = "[Adblock Plus 2.0]\n  \n! Checksum: e7UQaK4SL+B5GatSOBjbcA\n! Title: Edge\n||a.example^\n";
        assert_eq!(verify_checksum(edge), Some(Ok(())));
    }

    #[test]
    fn a_download_must_be_a_list_of_the_declared_format() {
        let list = "[Adblock Plus 2.0]\n||a.example^\n||b.example^\n";
        assert_eq!(check_download(list, ListFormat::Adblock, None), Ok(2));
        assert_eq!(check_download(SIGNED, ListFormat::Adblock, Some(3)), Ok(3));
        let reason = |text: &str, format, before| check_download(text, format, before).unwrap_err().reason;
        assert_eq!(reason("<!DOCTYPE html><p>Sign in</p>\n", ListFormat::Adblock, None), "parse");
        assert_eq!(reason("  <html>\n||a.example^\n", ListFormat::Hosts, None), "parse");
        assert_eq!(reason("||a.example^\n", ListFormat::Adblock, None), "parse", "no header: not a list");
        assert_eq!(reason("[Adblock Plus 2.0]\n! only comments\n", ListFormat::Adblock, None), "parse");
        assert_eq!(reason("! hosts\n0.0.0.0 a.example\n", ListFormat::Adblock, None), "parse");
        assert_eq!(reason(&SIGNED.replace("third", "fourth"), ListFormat::Adblock, None), "checksum");
        // Fewer than half the rules of the copy in use: refused; a little shrink is normal.
        assert_eq!(reason(list, ListFormat::Adblock, Some(5)), "shrunk");
        assert_eq!(check_download(list, ListFormat::Adblock, Some(3)), Ok(2));
        assert_eq!(check_download("0.0.0.0 a.example\n", ListFormat::Hosts, None), Ok(1));
    }
}
