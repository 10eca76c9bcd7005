//! The enforcement phases of the pipeline, with their metrics, logs and discovery records:
//! first-party tracking endpoints, request cookies and the consent header for the origin, and
//! response `Set-Cookie`s. In `mode = "report"` nothing is changed; what would have been is
//! counted and logged.

use http::{HeaderMap, HeaderValue};

use crate::consent::{ConsentSettings, ConsentState};
use crate::cookies::Refusal;
use crate::settings::Mode;
use crate::state::{Runtime, Shared};

/// Metric label for a refusal: the category id, or why the cookie has none.
fn label(settings: &ConsentSettings, why: Refusal) -> &str {
    match why {
        Refusal::Category(i) => settings.categories.get(i).map_or("unknown", |c| c.id.as_str()),
        Refusal::Undeclared => "undeclared",
        Refusal::Unknown => "unknown",
        Refusal::Forged => "forged",
        Refusal::Malformed => "malformed",
    }
}

/// Whether the request is for a first-party tracking endpoint whose category is refused; in
/// report mode it is counted and forwarded.
pub fn blocks_tracking_endpoint(rt: &Runtime, shared: &Shared, state: &ConsentState, path: &str) -> bool {
    let settings = &rt.config.consent;
    let Some(ep) = settings.tracking_endpoints.iter().find(|e| e.matches(path) && !state.allows(e.category)) else {
        return false;
    };
    let category = settings.categories[ep.category].id.as_str();
    if rt.config.mode == Mode::Report {
        shared.metrics.report_only_total.with_label_values(&["tracking_endpoint", category]).inc();
        return false;
    }
    shared.metrics.tracking_requests_blocked_total.with_label_values(&[category]).inc();
    true
}

/// Strips refused request cookies and sets the consent header for the origin.
pub fn request(rt: &Runtime, shared: &Shared, state: &ConsentState, headers: &mut HeaderMap) {
    let settings = &rt.config.consent;
    let apply = rt.config.mode == Mode::Enforce && rt.config.cookies.strip_request;
    rt.config.cookies.filter_request(headers, state, apply, |name, why| {
        let category = label(settings, why);
        note_unknown(shared, why, name, None);
        if apply {
            shared.metrics.request_cookies_stripped_total.with_label_values(&[category]).inc();
        } else {
            shared.metrics.report_only_total.with_label_values(&["request_cookie", category]).inc();
            tracing::debug!(cookie = name, category, "report-only: request cookie would be stripped");
        }
    });
    if let Some(name) = &settings.origin_header {
        headers.insert(name.clone(), origin_header_value(settings, state));
    }
}

/// Removes ad click identifiers from the request URL while their category is refused.
pub fn click_ids_request<B>(rt: &Runtime, shared: &Shared, state: &ConsentState, req: &mut http::Request<B>) {
    let ids = &rt.config.click_ids;
    if ids.params().is_empty() || (state.allows(ids.category) && state.services.is_empty()) {
        return;
    }
    let Some(pq) = req.uri().path_and_query() else { return };
    let report = rt.config.mode == Mode::Report;
    let stripped = ids.strip_target(pq.as_str(), |param, service| {
        let refused = !state.allows_service(service, ids.category);
        if refused {
            count_click_id(rt, shared, param, report);
        }
        refused
    });
    let Some(stripped) = stripped.filter(|_| !report) else { return };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = stripped.parse().ok();
    if let Ok(uri) = http::Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
}

/// Removes click identifiers from a same-site `Location` (relative, or on the visitor's site)
/// while their category is refused; redirects to other sites are theirs to handle.
pub fn click_ids_location(
    rt: &Runtime,
    shared: &Shared,
    state: &ConsentState,
    visitor_host: Option<&str>,
    headers: &mut HeaderMap,
) {
    let ids = &rt.config.click_ids;
    if ids.params().is_empty() || (state.allows(ids.category) && state.services.is_empty()) {
        return;
    }
    let Some(location) = headers.get(http::header::LOCATION).and_then(|v| v.to_str().ok()) else { return };
    if !same_site(location, visitor_host) {
        return;
    }
    let report = rt.config.mode == Mode::Report;
    let stripped = ids.strip_target(location, |param, service| {
        let refused = !state.allows_service(service, ids.category);
        if refused {
            count_click_id(rt, shared, param, report);
        }
        refused
    });
    if let Some(value) = stripped.filter(|_| !report).and_then(|s| HeaderValue::from_str(&s).ok()) {
        headers.insert(http::header::LOCATION, value);
    }
}

fn count_click_id(rt: &Runtime, shared: &Shared, param: &str, report: bool) {
    if report {
        let category = rt.config.consent.categories[rt.config.click_ids.category].id.as_str();
        shared.metrics.report_only_total.with_label_values(&["click_id", category]).inc();
    } else {
        shared.metrics.click_ids_removed_total.with_label_values(&[param]).inc();
    }
}

/// A relative reference, or an absolute URL whose registrable domain is the visitor's.
fn same_site(location: &str, visitor_host: Option<&str>) -> bool {
    let lower = location.trim_start().to_ascii_lowercase();
    let absolute = lower.starts_with("//")
        || lower.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        });
    if !absolute {
        return true;
    }
    let Some(visitor) = visitor_host else { return false };
    let full = if lower.starts_with("//") { format!("http:{}", location.trim_start()) } else { location.to_string() };
    let Ok(url) = url::Url::parse(&full) else { return false };
    let visitor =
        visitor.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())).map_or(visitor, |(h, _)| h);
    url.host_str().is_some_and(|h| {
        h.eq_ignore_ascii_case(visitor)
            || crate::catalog::site(h) == crate::catalog::site(&visitor.to_ascii_lowercase())
    })
}

/// Removes refused `Set-Cookie` headers from the origin's response.
pub fn response(rt: &Runtime, shared: &Shared, state: &ConsentState, headers: &mut HeaderMap) {
    let settings = &rt.config.consent;
    let apply = rt.config.mode == Mode::Enforce;
    rt.config.cookies.filter_response(headers, state, apply, |name, why, header| {
        let category = label(settings, why);
        note_unknown(shared, why, name, Some(header));
        if matches!(why, Refusal::Malformed | Refusal::Forged) {
            tracing::warn!(cookie = name, reason = category, "origin sent a Set-Cookie the proxy drops");
        }
        if apply {
            shared.metrics.set_cookies_removed_total.with_label_values(&[category]).inc();
        } else {
            shared.metrics.report_only_total.with_label_values(&["set_cookie", category]).inc();
            tracing::info!(cookie = name, category, "report-only: Set-Cookie would be removed");
        }
    });
}

/// Counts an unknown cookie and lists it for discovery, with its `Set-Cookie` when the origin
/// set it (discovery reads its lifetime and domain).
fn note_unknown(shared: &Shared, why: Refusal, name: &str, set_cookie: Option<&str>) {
    if why != Refusal::Unknown {
        return;
    }
    let place = if set_cookie.is_some() { "response" } else { "request" };
    shared.metrics.unknown_cookies_total.with_label_values(&[place]).inc();
    let first = match set_cookie {
        Some(header) => shared.inventory.record_set_cookie(name, header),
        None => shared.inventory.record_cookie(name),
    };
    if first {
        tracing::info!(cookie = name, seen_in = place, "unknown cookie: classify it in cookies.rules");
    }
}

/// The visitor's state for the origin's own code, as an RFC 8941 dictionary:
/// `granted=(necessary analytics), decided=?1, gpc=?0, revision=1`.
pub fn origin_header_value(settings: &ConsentSettings, state: &ConsentState) -> HeaderValue {
    // Built by hand: this runs for every request, and `write!` costs more than the rest.
    let mut v = String::with_capacity(64);
    v.push_str("granted=(");
    for (n, c) in state.granted.iter().filter_map(|i| settings.categories.get(i)).enumerate() {
        if n > 0 {
            v.push(' ');
        }
        v.push_str(&c.id);
    }
    v.push_str("), decided=?");
    v.push(if state.decided { '1' } else { '0' });
    v.push_str(", gpc=?");
    v.push(if state.gpc { '1' } else { '0' });
    v.push_str(", revision=");
    push_decimal(&mut v, settings.revision);
    // Choices per service, only when there are any: `services-granted=("youtube")`.
    for (key, list) in [("services-granted", state.services.granted()), ("services-refused", state.services.refused())]
    {
        if list.is_empty() {
            continue;
        }
        v.push_str(", ");
        v.push_str(key);
        v.push_str("=(");
        for (n, s) in list.iter().filter_map(|&i| settings.services.get(i)).enumerate() {
            if n > 0 {
                v.push(' ');
            }
            v.push('"');
            v.push_str(&s.id);
            v.push('"');
        }
        v.push(')');
    }
    crate::forward::text_header(v)
}

/// Appends `n` in decimal, without the formatting machinery.
fn push_decimal(out: &mut String, n: u32) {
    let (mut digits, mut rest, mut at) = ([0u8; 10], n, 10);
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_are_written_as_format_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295] {
            let mut s = String::from("r=");
            super::push_decimal(&mut s, n);
            assert_eq!(s, format!("r={n}"));
        }
    }
}
