//! How a browser reads a URL written in an attribute: [`parse_url`] (the `url` crate, with the
//! one place it parts from the WHATWG parser mended), and the cheap fast paths of
//! [`super::trackers::TrackerCatalog::classify_url_rule`], which must agree with the full parse
//! they stand in for (tested against it in `trackers_tests.rs`).

use std::borrow::Cow;
use url::Url;

/// `input` resolved against `base` as a browser resolves it. The WHATWG parser skips every `/`
/// and `\` after a special scheme's `:` (and at the start of a relative URL on a special base):
/// Chromium loads `///host/x` and `https:////host/x` from `host`. The `url` crate stops there
/// with an empty host, so such a run is first cut to `//`.
pub fn parse_url(input: &str, base: Option<&Url>) -> Option<Url> {
    Url::options().base_url(base).parse(&collapse_slashes(input, base)).ok()
}

fn collapse_slashes<'a>(input: &'a str, base: Option<&Url>) -> Cow<'a, str> {
    // The common case, checked without allocating: no run of three slashes is possible.
    let b = input.as_bytes();
    if !b.contains(&b'\\') && !input.contains("///") && !b.iter().any(|c| matches!(c, b'\t' | b'\n' | b'\r')) {
        return Cow::Borrowed(input);
    }
    let special = |scheme: &str| ["http", "https", "ws", "wss", "ftp"].iter().any(|s| s.eq_ignore_ascii_case(scheme));
    let trimmed = input.trim_matches(|c: char| c <= ' ');
    let clean: Cow<'_, str> = if trimmed.contains(['\t', '\n', '\r']) {
        Cow::Owned(trimmed.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(trimmed)
    };
    // Where the run of slashes starts: after a special scheme's `:`, or at the start on a special base.
    let scheme_end = clean.find(':').filter(|&i| {
        let scheme = &clean[..i];
        !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let start = match scheme_end {
        Some(i) if special(&clean[..i]) => i + 1,
        Some(_) => return Cow::Borrowed(input),
        None if base.is_some_and(|b| special(b.scheme())) => 0,
        None => return Cow::Borrowed(input),
    };
    let run = clean[start..].bytes().take_while(|b| matches!(b, b'/' | b'\\')).count();
    if run <= 2 {
        return Cow::Borrowed(input);
    }
    Cow::Owned(format!("{}//{}", &clean[..start], &clean[start + run..]))
}

/// The host of a plain absolute (or, on an http(s) page, protocol-relative `//`) URL, when it
/// is already in canonical form so that the WHATWG parser would return it unchanged: lowercase
/// `[a-z0-9.-]` labels, not IPv4-like, no IDN, userinfo, backslash, whitespace or odd port.
/// Anything else returns `None` and takes the full parse.
pub fn quick_host(input: &str, base_special: bool) -> Option<&str> {
    let rest = match input.strip_prefix("https://").or_else(|| input.strip_prefix("http://")) {
        Some(r) => r,
        None if base_special => input.strip_prefix("//")?,
        None => return None,
    };
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    if rest.as_bytes().get(end) == Some(&b'\\') {
        return None;
    }
    let (host, port) = rest[..end].split_once(':').unwrap_or((&rest[..end], ""));
    if port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u32>().is_ok_and(|p| p > 65535) {
        return None;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let canonical = host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    let last = host.rsplit('.').next().unwrap_or("");
    if !canonical || last.is_empty() || last.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if host.starts_with('.') || host.contains("..") || host.contains("xn--") {
        return None;
    }
    Some(host)
}

/// How a browser reads the start of a URL (WHATWG: leading C0/space trimmed, tab/CR/LF ignored).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum UrlShape {
    /// No scheme and not two leading slashes: on an http(s) page it keeps the page's host.
    PathRelative,
    /// `//x`, `\\x`, `/\x`, `\/x`: takes a new host on an http(s) page.
    ProtocolRelative,
    /// Has a scheme; `web` = http, https, ws or wss (any case).
    Absolute { web: bool },
}

pub(super) fn url_shape(input: &str) -> UrlShape {
    let mut it = input.trim_start_matches(|c: char| c <= ' ').bytes().filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'));
    match it.next() {
        Some(b'/' | b'\\') if matches!(it.next(), Some(b'/' | b'\\')) => UrlShape::ProtocolRelative,
        Some(first) if first.is_ascii_alphabetic() => {
            // Keep the first 6 scheme bytes, lowercased: enough to tell "https" from "httpss".
            let (mut scheme, mut len) = ([first.to_ascii_lowercase(), 0, 0, 0, 0, 0], 1);
            for b in it {
                if b == b':' {
                    let web = matches!(&scheme[..len.min(6)], b"http" | b"https" | b"ws" | b"wss");
                    return UrlShape::Absolute { web };
                }
                if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
                    break;
                }
                if len < 6 {
                    scheme[len] = b.to_ascii_lowercase();
                }
                len += 1;
            }
            UrlShape::PathRelative
        }
        _ => UrlShape::PathRelative,
    }
}
