//! Cache validators for rewritten HTML. A `304` from the origin must never revive a body that was
//! rewritten for another consent state, so the `ETag` of a rewritten page is keyed to the state
//! (`W/"<origin tag>~cp.<s|w>.<key>"`) and `Last-Modified` is dropped; on the way in, a keyed
//! `If-None-Match` is unwrapped only when the key is the visitor's current one, and dropped
//! otherwise. Navigations lose `If-Modified-Since`, `Range` and `If-Range`: HTML is served whole.

use http::header::{self, HeaderMap, HeaderValue};

use crate::consent::{ConsentState, Lang};

const MARK: &str = "~cp.";

/// Everything a rewritten body depends on besides the URL: the grants, the decision, the policy
/// revision and the language of the banner, as `bits.decided.revision.lang`, e.g. `3.1.2.en`.
pub fn key_text(granted_bits: u64, decided: bool, revision: u32, lang: Lang) -> String {
    format!("{granted_bits:x}.{}.{revision}.{}", u8::from(decided), lang.code())
}

/// The granted categories as bits (the first part of a state key), mixed with the visitor's
/// choices per service when there are any (pages differ by them too).
pub fn granted_bits(state: &ConsentState) -> u64 {
    if state.services.is_empty() {
        return state.granted.bits();
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (state.granted.bits(), state.services.granted(), state.services.refused()).hash(&mut h);
    // Never equal to a plain category set's bits for the same categories.
    h.finish() | 1 << 63
}

/// Whether the request is for a document (a navigation or a frame), where HTML is expected.
pub fn wants_html(headers: &HeaderMap) -> bool {
    static SEC_FETCH_DEST: header::HeaderName = header::HeaderName::from_static("sec-fetch-dest");
    let dest = headers.get(&SEC_FETCH_DEST).map(|v| v.as_bytes());
    if matches!(dest, Some(b"document" | b"iframe" | b"frame")) {
        return true;
    }
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html") || a.contains("application/xhtml+xml"))
}

/// Request side. Returns whether a keyed tag was unwrapped (so a `304` must be re-keyed).
/// `key` makes the state key, only for a request that carries `If-None-Match`.
pub fn prepare_request(headers: &mut HeaderMap, key: impl FnOnce() -> String) -> bool {
    let mut unwrapped = false;
    let mut keyed_seen = false;
    if let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let key = key();
        let kept: Vec<String> = inm
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter_map(|tag| match unkey(tag) {
                None => Some(tag.to_string()),
                Some((original, k)) => {
                    keyed_seen = true;
                    (k == key.as_str()).then(|| {
                        unwrapped = true;
                        original
                    })
                }
            })
            .collect();
        if keyed_seen {
            match HeaderValue::from_str(&kept.join(", ")) {
                Ok(v) if !kept.is_empty() => headers.insert(header::IF_NONE_MATCH, v),
                _ => headers.remove(header::IF_NONE_MATCH),
            };
        }
    }
    if keyed_seen || wants_html(headers) {
        headers.remove(header::IF_MODIFIED_SINCE);
        headers.remove(header::RANGE);
        headers.remove(header::IF_RANGE);
        if !keyed_seen {
            // A navigation revalidating with a tag the proxy did not issue (cached before the
            // proxy, or by another route): it cannot prove which consent state it was for.
            headers.remove(header::IF_NONE_MATCH);
        }
    }
    unwrapped
}

/// Response side: the origin's `ETag`, keyed to `key` (always weak: the body is ours).
pub fn key_etag(headers: &mut HeaderMap, key: &str) {
    headers.remove(header::LAST_MODIFIED);
    let Some(tag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string) else { return };
    let (weak, opaque) = match tag.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, tag.as_str()),
    };
    let inner = opaque.trim_matches('"');
    let keyed = format!("W/\"{inner}{MARK}{}.{key}\"", if weak { 'w' } else { 's' });
    match HeaderValue::from_str(&keyed) {
        Ok(v) => headers.insert(header::ETAG, v),
        Err(_) => headers.remove(header::ETAG),
    };
}

/// `W/"abc~cp.s.KEY"` → (`"abc"`, `KEY`); `None` for tags the proxy did not issue.
fn unkey(tag: &str) -> Option<(String, &str)> {
    let body = tag.strip_prefix("W/")?.strip_prefix('"')?.strip_suffix('"')?;
    let (inner, rest) = body.rsplit_once(MARK)?;
    let (strength, key) = rest.split_once('.')?;
    let original = match strength {
        "s" => format!("\"{inner}\""),
        "w" => format!("W/\"{inner}\""),
        _ => return None,
    };
    Some((original, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_tags_round_trip_only_for_the_same_state() {
        let mut resp = HeaderMap::new();
        resp.insert(header::ETAG, HeaderValue::from_static("\"v1\""));
        resp.insert(header::LAST_MODIFIED, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        key_etag(&mut resp, "1.0.1.en");
        assert_eq!(resp[header::ETAG], "W/\"v1~cp.s.1.0.1.en\"");
        assert!(!resp.contains_key(header::LAST_MODIFIED));

        let mut same = HeaderMap::new();
        same.insert(header::IF_NONE_MATCH, resp[header::ETAG].clone());
        assert!(prepare_request(&mut same, || "1.0.1.en".into()));
        assert_eq!(same[header::IF_NONE_MATCH], "\"v1\"");

        let mut other = HeaderMap::new();
        other.insert(header::IF_NONE_MATCH, resp[header::ETAG].clone());
        other.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert!(!prepare_request(&mut other, || "7.1.1.en".into()));
        assert!(other.is_empty(), "another consent state cannot revalidate: {other:?}");
    }

    #[test]
    fn navigations_are_served_whole_and_fresh() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"));
        h.insert(header::RANGE, HeaderValue::from_static("bytes=0-99"));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"raw\""));
        h.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        prepare_request(&mut h, || "1.0.1.en".into());
        assert_eq!(h.len(), 1, "{h:?}");

        let mut img = HeaderMap::new();
        img.insert(header::ACCEPT, HeaderValue::from_static("image/avif,image/webp,*/*"));
        img.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"raw\""));
        img.insert(header::RANGE, HeaderValue::from_static("bytes=0-99"));
        prepare_request(&mut img, || "1.0.1.en".into());
        assert_eq!(img.len(), 3, "other resources keep their validators and ranges");
    }
}
