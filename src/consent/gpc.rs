//! `/.well-known/gpc.json`: the site's statement, under the Global Privacy Control
//! specification, that it honours the `Sec-GPC: 1` signal. Answered by the proxy (never
//! forwarded) unless `consent.gpc_json = false`.
//!
//! What honouring means here: a visitor who sent the signal and has not decided gets only
//! necessary cookies and no trackers (as every undecided visitor does) and a banner that says the
//! signal was received; an explicit choice made afterwards is the visitor's.

use bytes::Bytes;
use http::{header, HeaderValue, Method, Response, StatusCode};

use crate::body::{full, ProxyBody};
use crate::settings::SettingsError;

/// The path the specification reserves.
pub const PATH: &str = "/.well-known/gpc.json";

/// Default `lastUpdate`: when this version's GPC handling last changed.
pub const SINCE: &str = "2026-11-30";

#[derive(Debug, Clone)]
pub struct GpcJson {
    body: Bytes,
}

impl GpcJson {
    pub fn new(last_update: &str) -> Result<Self, SettingsError> {
        let d = last_update.trim();
        let b = d.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        let date_ok = shaped && humantime::parse_rfc3339_weak(&format!("{d}T00:00:00Z")).is_ok();
        if !date_ok {
            return Err(SettingsError {
                key: "consent.gpc_last_update".into(),
                message: format!("`{last_update}` is not a date (YYYY-MM-DD)"),
            });
        }
        let body = serde_json::json!({ "gpc": true, "lastUpdate": d }).to_string();
        Ok(Self { body: Bytes::from(body) })
    }

    /// The answer to a request for [`PATH`].
    pub fn respond(&self, method: &Method) -> Response<ProxyBody> {
        if method != Method::GET && method != Method::HEAD {
            let mut resp = Response::new(full("405 Method Not Allowed\n"));
            *resp.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return resp;
        }
        let mut resp = Response::new(full(if method == Method::HEAD { Bytes::new() } else { self.body.clone() }));
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        resp
    }
}
