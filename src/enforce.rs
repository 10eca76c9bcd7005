//! The enforcement phases of the pipeline, with their metrics, logs and discovery records:
//! first-party tracking endpoints, request cookies and the consent header for the origin, and
//! response `Set-Cookie`s. In `mode = "report"` nothing is changed; what would have been is
//! counted and logged.

use http::{HeaderMap, HeaderValue};

use crate::config::Mode;
use crate::consent::{ConsentSettings, ConsentState};
use crate::cookies::Refusal;
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
        note_unknown(shared, why, name, "request");
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

/// Removes refused `Set-Cookie` headers from the origin's response.
pub fn response(rt: &Runtime, shared: &Shared, state: &ConsentState, headers: &mut HeaderMap) {
    let settings = &rt.config.consent;
    let apply = rt.config.mode == Mode::Enforce;
    rt.config.cookies.filter_response(headers, state, apply, |name, why| {
        let category = label(settings, why);
        note_unknown(shared, why, name, "response");
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

fn note_unknown(shared: &Shared, why: Refusal, name: &str, place: &'static str) {
    if why != Refusal::Unknown {
        return;
    }
    shared.metrics.unknown_cookies_total.with_label_values(&[place]).inc();
    if shared.inventory.record_cookie(name) {
        tracing::info!(cookie = name, seen_in = place, "unknown cookie: classify it in cookies.rules");
    }
}

/// The visitor's state for the origin's own code, as an RFC 8941 dictionary:
/// `granted=(necessary analytics), decided=?1, gpc=?0, revision=1`.
pub fn origin_header_value(settings: &ConsentSettings, state: &ConsentState) -> HeaderValue {
    let granted: Vec<&str> =
        state.granted.iter().filter_map(|i| settings.categories.get(i)).map(|c| c.id.as_str()).collect();
    let v = format!(
        "granted=({}), decided=?{}, gpc=?{}, revision={}",
        granted.join(" "),
        u8::from(state.decided),
        u8::from(state.gpc),
        settings.revision
    );
    HeaderValue::from_str(&v).expect("category ids are tokens")
}
