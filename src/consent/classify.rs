//! `POST /__consent/classify`: the client guard asks about third-party URLs it does not know
//! (its built-in host rules are small; the filter lists stay on the server). One batch per call:
//!
//! ```json
//! {"page": "https://shop.example/p", "requests": [{"url": "https://cdn.x.example/t.js", "type": "script"}]}
//! → {"verdicts": [{"category": "marketing", "provider": "x.example"}]}   (null: not a tracker)
//! ```
//!
//! The answer is the same decision the rewriter makes for static markup (rules, catalog, then
//! lists). It says what a URL *is*, never what the visitor granted: the guard applies the consent.

use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::body::{full, ProxyBody};
use crate::catalog::lists::RequestKind;
use crate::state::Runtime;

/// URLs per call, and the body size that holds them.
pub const MAX_REQUESTS: usize = 64;
const MAX_BODY: usize = 64 * 1024;

#[derive(Deserialize)]
struct Ask {
    page: String,
    requests: Vec<AskedUrl>,
}

#[derive(Deserialize)]
struct AskedUrl {
    url: String,
    #[serde(rename = "type", default)]
    kind: String,
}

pub async fn handle(rt: &Runtime, req: Request<Incoming>) -> Response<ProxyBody> {
    let json_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
    if !json_type {
        return answer(StatusCode::UNSUPPORTED_MEDIA_TYPE, json!({"error": "send application/json"}));
    }
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return answer(StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "body over 64 KiB"})),
    };
    let ask: Ask = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return answer(StatusCode::BAD_REQUEST, json!({"error": format!("bad request body: {e}")})),
    };
    if ask.requests.len() > MAX_REQUESTS {
        return answer(StatusCode::BAD_REQUEST, json!({"error": format!("at most {MAX_REQUESTS} requests per call")}));
    }
    let Ok(page) = Url::parse(&ask.page) else {
        return answer(StatusCode::BAD_REQUEST, json!({"error": "`page` must be an absolute URL"}));
    };
    answer(StatusCode::OK, json!({"verdicts": verdicts(rt, &page, &ask.requests)}))
}

fn verdicts(rt: &Runtime, page: &Url, asked: &[AskedUrl]) -> Vec<serde_json::Value> {
    let page_host = page.host_str().map(|h| h.trim_end_matches('.').to_ascii_lowercase());
    asked
        .iter()
        .map(|a| {
            let kind = RequestKind::parse(&a.kind).unwrap_or(RequestKind::Other);
            match rt.config.trackers.classify_request(&a.url, Some(page), page_host.as_deref(), kind) {
                Some((category, provider)) => json!({"category": category, "provider": provider}),
                None => serde_json::Value::Null,
            }
        })
        .collect()
}

fn answer(status: StatusCode, v: serde_json::Value) -> Response<ProxyBody> {
    let mut resp = Response::new(full(v.to_string()));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
