//! `/__consent` (the prefix is configurable), answered by the proxy and never forwarded:
//!
//! - `GET  /__consent`        the visitor's state as JSON;
//! - `POST /__consent`        a decision, as a form (`303` to `return_to`) or JSON (`200` + state);
//! - `GET  /__consent/policy` the cookie-policy page generated from the catalog;
//! - `POST /__consent/classify` the client guard's questions about URLs (see [`super::classify`]).
//!
//! A decision is refused when it comes from another site (`403`), too often (`429`), too big
//! (`413`), malformed (`400`), or when its audit record cannot be written (`503`).

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::json;

use super::audit::record::{self, DecisionFacts};
use super::codec::{self, Decision};
use super::{now_unix, read_state, set_cookie, CategorySet, ConsentSettings, ConsentState, Lang, ServiceChoices};
use crate::body::{full, ProxyBody};
use crate::forward::{self, ClientConn};
use crate::state::{Runtime, Shared};

/// Largest decision body accepted.
const MAX_BODY: usize = 16 * 1024;

pub async fn handle(rt: &Runtime, shared: &Shared, conn: &ClientConn, req: Request<Incoming>) -> Response<ProxyBody> {
    let settings = &rt.config.consent;
    let sub = req.uri().path()[settings.prefix.len()..].to_string();
    let lang = Lang::negotiate(req.headers().get(header::ACCEPT_LANGUAGE), settings.default_language);
    let is_read = req.method() == Method::GET || req.method() == Method::HEAD;
    match (sub.as_str(), is_read, req.method() == Method::POST) {
        ("" | "/", true, _) => {
            let mut state = read_state(settings, req.headers());
            let https = forward::visitor_is_https(&rt.config.forwarding, conn, req.headers());
            let imported = super::import::adopt::adopt(rt, shared, &mut state, req.headers(), https).await;
            let mut resp = json_response(StatusCode::OK, &state_json(rt, &state, lang));
            resp.headers_mut().extend(imported.map(|c| (header::SET_COOKIE, c)));
            resp
        }
        ("" | "/", _, true) => decide(rt, shared, conn, req, lang).await.unwrap_or_else(Reject::into_response),
        ("/policy", true, _) => {
            let all = req.uri().query().is_some_and(|q| q.split('&').any(|p| p == "all=1"));
            let page = super::policy::render(settings, &rt.config.cookies, lang, all);
            let mut resp = text(StatusCode::OK, "text/html; charset=utf-8", page);
            resp.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
            resp
        }
        ("/classify", _, true) => super::classify::handle(rt, req).await,
        ("/services", true, _) => json_response(StatusCode::OK, &services_json(settings, lang)),
        (thumb, true, _) if thumb.starts_with("/thumbnail/") => {
            let query = req.uri().query();
            crate::thumbnails::serve(&rt.config.thumbnails, shared, &thumb["/thumbnail/".len()..], query).await
        }
        ("/banner.js", true, _) => {
            let accept = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
            let (body, coding) = rt.config.html.script.for_client(accept);
            let mut resp = Response::new(full(body));
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
            // Cache-busted by the content hash in the URL the page uses.
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
            if let Some(c) = coding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
            }
            resp
        }
        ("/banner.css", true, _) => {
            let mut resp = Response::new(full(rt.config.banner.css.clone()));
            *resp.status_mut() = StatusCode::OK;
            resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
            // Cache-busted by the content hash in the URL the banner uses.
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            resp.headers_mut().remove(header::VARY);
            resp
        }
        ("" | "/" | "/policy", _, _) => {
            let mut resp =
                text(StatusCode::METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "405 Method Not Allowed\n".into());
            resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
            resp
        }
        _ => text(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", "404 Not Found\n".into()),
    }
}

/// What the visitor can post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    AcceptAll,
    RejectAll,
    Save,
    /// Grant the posted services on top of the visitor's decision ("always allow YouTube" on a
    /// placeholder).
    Allow,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AcceptAll => "accept_all",
            Self::RejectAll => "reject_all",
            Self::Save => "save",
            Self::Allow => "allow",
        }
    }
}

/// A refused decision: status and a short explanation for the visitor or the developer.
struct Reject {
    status: StatusCode,
    message: String,
    retry_after: bool,
}

impl Reject {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), retry_after: false }
    }

    fn into_response(self) -> Response<ProxyBody> {
        let mut resp = plain(self.status, &self.message);
        if self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        resp
    }
}

struct Form {
    action: Action,
    categories: Vec<String>,
    /// Explicit choices per service (JSON `services`; a form's changed service checkboxes, and
    /// `service` items of an `allow`).
    services: Vec<(String, bool)>,
    return_to: Option<String>,
    is_json: bool,
}

async fn decide(
    rt: &Runtime,
    shared: &Shared,
    conn: &ClientConn,
    req: Request<Incoming>,
    lang: Lang,
) -> Result<Response<ProxyBody>, Reject> {
    let settings = &rt.config.consent;
    if let Some(why) = cross_site(settings, req.headers()) {
        return Err(Reject::new(StatusCode::FORBIDDEN, format!("403 Forbidden: {why}\n")));
    }
    let client = forward::client_ip(&rt.config.forwarding, conn, req.headers());
    if !rt.rate_limiter.allow(client) {
        let mut reject = Reject::new(StatusCode::TOO_MANY_REQUESTS, "429 Too Many Requests: try again in a minute\n");
        reject.retry_after = true;
        return Err(reject);
    }
    let https = forward::visitor_is_https(&rt.config.forwarding, conn, req.headers());
    let previous = read_state(settings, req.headers());
    let (parts, body) = req.into_parts();
    let form = read_form(&parts.headers, body).await?;
    let granted = granted_by(settings, &form, &previous)?;
    let services = services_by(settings, &form, &previous, granted)?;

    let decision = Decision {
        granted,
        services: services.clone(),
        decided_at: now_unix(),
        consent_id: previous.consent_id.clone().unwrap_or_else(codec::new_consent_id),
    };
    if codec::encode(settings, &decision).len() > codec::MAX_LEN {
        return Err(Reject::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "413 Payload Too Large: too many choices per service to keep in a cookie; choose by category\n",
        ));
    }
    let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).or(parts.uri.host()).unwrap_or("");
    let facts = DecisionFacts {
        decision: &decision,
        previous: previous.decided.then_some(previous.granted),
        action: form.action.as_str(),
        host,
        gpc: previous.gpc,
        lang,
        catalog_version: &rt.config.catalog_version,
    };
    let recorded = rt.audit.record(record::fields(settings, &facts)).await.is_ok();
    shared.metrics.audit_records_total.with_label_values(&[if recorded { "ok" } else { "error" }]).inc();
    if !recorded {
        return Err(Reject::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Unavailable: your choice could not be recorded, so it was not saved. Please try again.\n",
        ));
    }
    shared.metrics.consent_decisions_total.with_label_values(&[form.action.as_str()]).inc();

    let new_state = ConsentState {
        decided: true,
        granted,
        services,
        gpc: previous.gpc,
        consent_id: Some(decision.consent_id.clone()),
        decided_at: Some(decision.decided_at),
    };
    let (deleted, deletions) = set_cookie::withdrawals(settings, &rt.config.cookies, &parts.headers, &new_state, https);
    let mut resp = if form.is_json {
        let mut answer = state_json(rt, &new_state, lang);
        // So the page can delete them on the domains a script may have used too.
        answer["deleted_cookies"] = json!(deleted);
        json_response(StatusCode::OK, &answer)
    } else {
        let target = safe_return_to(form.return_to.as_deref().unwrap_or("/"));
        let mut r = text(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", format!("See {target}\n"));
        r.headers_mut().insert(header::LOCATION, HeaderValue::from_str(target).expect("validated path"));
        r
    };
    let headers = resp.headers_mut();
    headers.append(header::SET_COOKIE, set_cookie::consent_cookie(settings, &decision, https));
    for deletion in deletions {
        headers.append(header::SET_COOKIE, deletion);
    }
    Ok(resp)
}

/// Why a post looks cross-site, if it does. Browsers send `Sec-Fetch-Site` and `Origin` on
/// posts; clients that send neither (curl, very old browsers) are not a CSRF vector.
fn cross_site(settings: &ConsentSettings, headers: &HeaderMap) -> Option<&'static str> {
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.as_bytes(), b"same-origin" | b"same-site" | b"none") {
            return Some("cross-site request");
        }
    }
    let origin = headers.get(header::ORIGIN)?;
    if origin.as_bytes() == b"null" {
        return Some("opaque origin");
    }
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.parse::<http::Uri>().ok())
        .and_then(|u| u.authority().map(|a| a.as_str().to_ascii_lowercase()));
    let Some(origin_host) = origin_host else { return Some("opaque origin") };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    if host.as_deref() == Some(origin_host.as_str()) {
        return None;
    }
    // With a shared cookie domain, sibling sites under it may post too.
    let origin_name = origin_host.split(':').next().unwrap_or("");
    if let Some(domain) = &settings.domain {
        let d = domain.trim_start_matches('.');
        if origin_name == d || origin_name.ends_with(&format!(".{d}")) {
            return None;
        }
    }
    Some("cross-origin request")
}

async fn read_form(headers: &HeaderMap, body: Incoming) -> Result<Form, Reject> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let is_json = mime == "application/json";
    if !is_json && !mime.is_empty() && mime != "application/x-www-form-urlencoded" {
        return Err(Reject::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "415: send a form (application/x-www-form-urlencoded) or JSON\n",
        ));
    }
    let bytes: Bytes = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(Reject::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "413 Payload Too Large: a decision is at most 16 KiB\n",
            ))
        }
        Err(_) => return Err(Reject::new(StatusCode::BAD_REQUEST, "400 Bad Request: the body could not be read\n")),
    };
    let (action, categories, services, return_to) = if is_json {
        #[derive(serde::Deserialize)]
        struct JsonForm {
            action: String,
            #[serde(default)]
            categories: Vec<String>,
            /// `{"youtube": true, "meta-pixel": false}`.
            #[serde(default)]
            services: std::collections::BTreeMap<String, bool>,
        }
        let f: JsonForm = serde_json::from_slice(&bytes)
            .map_err(|e| Reject::new(StatusCode::BAD_REQUEST, format!("400 Bad Request: invalid JSON: {e}\n")))?;
        (f.action, f.categories, f.services.into_iter().collect(), None)
    } else {
        let (mut action, mut categories, mut return_to) = (String::new(), Vec::new(), None);
        // Checked service boxes, and every service box the form showed (`shown=youtube`): each
        // box shown is the visitor's choice for that service, as they saw it.
        let (mut checked, mut shown) = (Vec::new(), Vec::new());
        for (k, v) in form_urlencoded::parse(&bytes) {
            let list = || v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            match k.as_ref() {
                "action" => action = v.to_string(),
                "categories" | "categories[]" | "category" => categories.extend(list()),
                "services" | "services[]" | "service" => checked.extend(list()),
                "shown" => shown.extend(list()),
                "return_to" => return_to = Some(v.into_owned()),
                _ => {}
            }
        }
        let mut services: Vec<(String, bool)> = Vec::new();
        for id in &shown {
            services.push((id.clone(), checked.contains(id)));
        }
        // An `allow` names its services; a service box the form did not announce counts as checked.
        services.extend(checked.iter().filter(|c| !shown.contains(c)).map(|c| (c.clone(), true)));
        (action, categories, services, return_to)
    };
    let action = match action.as_str() {
        "accept_all" => Action::AcceptAll,
        "reject_all" => Action::RejectAll,
        "save" => Action::Save,
        "allow" => Action::Allow,
        other => {
            let shown: String = other.chars().take(40).filter(|c| !c.is_control()).collect();
            return Err(Reject::new(
                StatusCode::BAD_REQUEST,
                format!("400 Bad Request: unknown action `{shown}`; use accept_all, reject_all, save or allow\n"),
            ));
        }
    };
    Ok(Form { action, categories, services, return_to, is_json })
}

fn granted_by(settings: &ConsentSettings, form: &Form, previous: &ConsentState) -> Result<CategorySet, Reject> {
    Ok(match form.action {
        Action::AcceptAll => settings.all(),
        Action::RejectAll => settings.necessary_only(),
        Action::Allow => previous.granted,
        Action::Save => {
            let mut set = settings.necessary_only();
            for id in &form.categories {
                match settings.category_index(id) {
                    Some(i) => set = set.with(i),
                    None => {
                        let shown: String = id.chars().take(40).filter(|c| c.is_ascii_graphic()).collect();
                        return Err(Reject::new(
                            StatusCode::BAD_REQUEST,
                            format!("400 Bad Request: unknown category `{shown}`\n"),
                        ));
                    }
                }
            }
            set
        }
    })
}

/// The visitor's choices per service after this decision: none after accept/reject all; else the
/// earlier ones with the posted ones on top, kept only where they differ from their category.
fn services_by(
    settings: &ConsentSettings,
    form: &Form,
    previous: &ConsentState,
    granted: CategorySet,
) -> Result<ServiceChoices, Reject> {
    if matches!(form.action, Action::AcceptAll | Action::RejectAll) {
        return Ok(ServiceChoices::default());
    }
    if form.action == Action::Allow && form.services.is_empty() {
        return Err(Reject::new(StatusCode::BAD_REQUEST, "400 Bad Request: `allow` names the services to allow\n"));
    }
    let mut choices = previous.services.clone();
    for (id, on) in &form.services {
        let Some(i) = settings.services.index(id) else {
            let shown: String = id.chars().take(40).filter(|c| c.is_ascii_graphic()).collect();
            return Err(Reject::new(StatusCode::BAD_REQUEST, format!("400 Bad Request: unknown service `{shown}`\n")));
        };
        choices.set(i, *on);
    }
    Ok(choices.exceptions(&settings.services, granted))
}

/// `return_to` if it is a same-site relative path, else `/`.
pub fn safe_return_to(s: &str) -> &str {
    let ok = s.starts_with('/')
        && !s.starts_with("//")
        && s.len() <= 2048
        && !s.bytes().any(|b| b == b'\\' || b.is_ascii_control() || b == b' ' || !b.is_ascii())
        && s.parse::<http::uri::PathAndQuery>().is_ok();
    if ok {
        s
    } else {
        "/"
    }
}

fn category_ids(settings: &ConsentSettings, set: CategorySet) -> Vec<&str> {
    set.iter().filter_map(|i| settings.categories.get(i)).map(|c| c.id.as_str()).collect()
}

pub fn state_json(rt: &Runtime, state: &ConsentState, lang: Lang) -> serde_json::Value {
    let s = &rt.config.consent;
    let refused = s.all().minus(state.granted);
    json!({
        "decided": state.decided,
        "granted": category_ids(s, state.granted),
        "refused": category_ids(s, refused),
        "gpc": state.gpc,
        "revision": s.revision,
        "consent_id": state.consent_id,
        "decided_at": state.decided_at,
        "expires_at": state.decided_at.map(|t| t + s.lifetime(state.granted, &state.services).as_secs()),
        "services": {
            "granted": service_ids(s, state.services.granted()),
            "refused": service_ids(s, state.services.refused()),
            // The category of each, so a page can tell what the choice changes.
            "categories": state.services.granted().iter().chain(state.services.refused())
                .filter_map(|&i| s.services.get(i))
                .map(|x| (x.id.clone(), serde_json::Value::from(s.categories[x.category].id.clone())))
                .collect::<serde_json::Map<_, _>>(),
        },
        "mode": if rt.config.mode == crate::settings::Mode::Report { "report" } else { "enforce" },
        "cookie_domain": s.domain,
        "language": lang.code(),
        "categories": s.categories.iter().map(|c| json!({
            "id": c.id,
            "label": c.label(lang),
            "description": c.description(lang),
            "necessary": c.necessary,
        })).collect::<Vec<_>>(),
    })
}

fn service_ids<'a>(settings: &'a ConsentSettings, list: &[u16]) -> Vec<&'a str> {
    list.iter().filter_map(|&i| settings.services.get(i)).map(|s| s.id.as_str()).collect()
}

/// `GET /__consent/services`: every service a visitor can choose, with its category.
fn services_json(settings: &ConsentSettings, lang: Lang) -> serde_json::Value {
    let list: Vec<serde_json::Value> = settings
        .services
        .iter()
        .map(|(_, s)| {
            json!({
                "id": s.id,
                "name": s.name,
                "category": settings.categories[s.category].id,
                "hidden": s.hidden,
                "description": s.description(lang),
            })
        })
        .collect();
    json!({ "services": list })
}

fn json_response(status: StatusCode, v: &serde_json::Value) -> Response<ProxyBody> {
    text(status, "application/json", v.to_string())
}

fn plain(status: StatusCode, body: &str) -> Response<ProxyBody> {
    text(status, "text/plain; charset=utf-8", body.to_string())
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<ProxyBody> {
    let mut resp = Response::new(full(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_is_limited_to_same_site_paths() {
        for ok in ["/", "/shop?x=1", "/a/b#section", "/%2F%2Fevil.example"] {
            assert_eq!(safe_return_to(ok), ok, "{ok}");
        }
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "shop",
            "/ä",
            "/a b",
        ] {
            assert_eq!(safe_return_to(bad), "/", "{bad}");
        }
    }
}
