//! HTML rewriting: decides which responses are rewritten, adjusts their headers, and wraps their
//! body in the streaming rewriter.
//!
//! - [`compression`]: decode the origin's coding, re-encode for the client.
//! - [`html`]: lol_html settings; [`page`]: the neutralise/activate/inject rules.
//! - [`inject`]: Consent Mode defaults, the banner and shield markup, the iframe placeholder.
//! - [`body`]: the streaming pipeline, failing closed.

pub mod ascii;
pub mod assets;
pub mod banner_config;
pub mod body;
pub mod compression;
pub mod inject;
pub mod page;
pub mod settings;
pub mod validators;

use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, Either};
use std::sync::{Arc, Mutex};

use crate::body::ProxyBody;
use crate::consent::{ConsentState, Lang};
use crate::error::ProxyError;
use crate::state::{Runtime, Shared};
use compression::{Coding, Decoder, Encoder};
use settings::CacheMode;

/// What the rewriter needs to know about the request, captured before it is forwarded. Kept
/// as the request's own values: the strings only a rewritten page needs (state key, language,
/// page URL) are made when a page is rewritten, not for every request.
pub struct PageRequest {
    method: Method,
    /// What a rewritten body depends on (see [`validators`]): its parts.
    granted_bits: u64,
    decided: bool,
    revision: u32,
    /// `html.cache_mode = "shared"`: one page for every visitor.
    shared_cache: bool,
    /// A keyed `If-None-Match` was unwrapped: a `304` answer gets its tag re-keyed.
    unwrapped_etag: bool,
    accept_encoding: Option<HeaderValue>,
    accept_language: Option<HeaderValue>,
    default_lang: Lang,
    /// Path and query, for `return_to`.
    path: Option<http::uri::PathAndQuery>,
    /// The page's host and scheme, to resolve relative URLs; parsed only for a page that is
    /// rewritten (or has a `Link` header), not for every response.
    host: Option<HeaderValue>,
    https: bool,
    /// The request's trace, when traces are on: told what the rewriter makes inert.
    pub tally: Option<Arc<crate::traces::Tally>>,
}

impl PageRequest {
    /// Captures what the rewriter needs and makes the request safe for it: only decodable
    /// codings, consent-keyed validators, whole documents.
    pub fn prepare(
        rt: &Runtime,
        https: bool,
        host: Option<HeaderValue>,
        state: &ConsentState,
        req: &mut http::Request<hyper::body::Incoming>,
    ) -> Self {
        let settings = &rt.config.consent;
        let headers = req.headers();
        let mut page = Self {
            method: req.method().clone(),
            granted_bits: validators::granted_bits(state),
            decided: state.decided,
            revision: settings.revision,
            shared_cache: rt.config.html.cache_mode == CacheMode::Shared,
            unwrapped_etag: false,
            accept_encoding: headers.get(header::ACCEPT_ENCODING).cloned(),
            accept_language: headers.get(header::ACCEPT_LANGUAGE).cloned(),
            default_lang: settings.default_language,
            path: req.uri().path_and_query().cloned(),
            host,
            https,
            tally: None,
        };
        page.unwrapped_etag = validators::prepare_request(req.headers_mut(), || page.state_key());
        limit_accept_encoding(req.headers_mut(), page.accept_encoding.as_ref());
        page
    }

    /// The banner's language: the visitor's, or the default one for a shared page.
    fn lang(&self) -> Lang {
        match self.shared_cache {
            true => self.default_lang,
            false => Lang::negotiate(self.accept_language.as_ref(), self.default_lang),
        }
    }

    /// What a rewritten body depends on (see [`validators`]).
    fn state_key(&self) -> String {
        match self.shared_cache {
            true => format!("shared.{}.{}", self.revision, self.lang().code()),
            false => validators::key_text(self.granted_bits, self.decided, self.revision, self.lang()),
        }
    }

    fn path(&self) -> &str {
        self.path.as_ref().map_or("/", |p| p.as_str())
    }

    /// The page's registrable domain, for the client guard.
    fn site(&self) -> Option<String> {
        let host = self.url()?.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        Some(page::registrable_domain(&host).to_string())
    }

    /// The page's own URL.
    fn url(&self) -> Option<url::Url> {
        let host = self.host.as_ref()?.to_str().ok()?;
        url::Url::parse(&format!("{}://{host}{}", if self.https { "https" } else { "http" }, self.path())).ok()
    }
}

/// Asks the origin only for codings the proxy can decode, so every HTML page can be rewritten.
/// `client` is the visitor's `Accept-Encoding` (its first value), already read.
fn limit_accept_encoding(headers: &mut HeaderMap, client: Option<&HeaderValue>) {
    let Some(client) = client else { return };
    let client = client.to_str().ok();
    if client.is_some_and(compression::all_decodable) {
        return;
    }
    let ours = compression::upstream_accept_encoding(client);
    match ours.and_then(|v| HeaderValue::from_str(&v).ok()) {
        Some(v) => headers.insert(header::ACCEPT_ENCODING, v),
        None => headers.remove(header::ACCEPT_ENCODING),
    };
}

/// `text/html` or `application/xhtml+xml`, with its declared charset.
fn html_charset(headers: &HeaderMap) -> Option<Option<&'static encoding_rs::Encoding>> {
    let value = headers.get(header::CONTENT_TYPE)?;
    // Every response asks this: the media type is compared as bytes first, and only HTML's
    // parameters are parsed.
    let bytes = value.as_bytes();
    let mime = bytes[..bytes.iter().position(|&b| b == b';').unwrap_or(bytes.len())].trim_ascii();
    if !(mime.eq_ignore_ascii_case(b"text/html") || mime.eq_ignore_ascii_case(b"application/xhtml+xml")) {
        return None;
    }
    let mut parts = value.to_str().ok()?.split(';');
    parts.next();
    let charset = parts
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .and_then(|(_, v)| encoding_rs::Encoding::for_label(v.trim().trim_matches('"').as_bytes()));
    Some(charset)
}

/// Wraps an HTML response in the rewriter (`Right`); anything else is returned as it is (`Left`).
pub fn rewrite_response<B>(
    rt: &Arc<Runtime>,
    shared: &Arc<Shared>,
    state: ConsentState,
    req: &PageRequest,
    resp: Response<B>,
) -> Result<Response<Either<B, ProxyBody>>, ProxyError>
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<crate::body::BoxError>,
{
    let mut resp = resp;
    if resp.headers().contains_key(header::LINK) {
        filter_link_header(rt, shared, &state, req, resp.headers_mut());
    }
    let status = resp.status();
    if status == StatusCode::NOT_MODIFIED && req.unwrapped_etag {
        validators::key_etag(resp.headers_mut(), &req.state_key());
    }
    if status == StatusCode::PARTIAL_CONTENT && html_charset(resp.headers()).is_some() {
        return Err(ProxyError::UpstreamProtocol("a partial HTML response cannot be rewritten".into()));
    }
    if status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || !rt.config.html.rewrite
    {
        return Ok(resp.map(Either::Left));
    }
    let Some(declared) = html_charset(resp.headers()) else { return Ok(resp.map(Either::Left)) };
    let content_encoding = resp.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok());
    let Some(coding) = Coding::from_header(content_encoding) else {
        shared.metrics.html_rewrite_errors_total.with_label_values(&["unknown_coding"]).inc();
        return Err(ProxyError::UpstreamProtocol(format!(
            "HTML in an unknown content coding {content_encoding:?}: refusing to pass it unrewritten"
        )));
    };
    let out_coding = Coding::negotiate(req.accept_encoding.as_ref().and_then(|v| v.to_str().ok()));
    let settings = &rt.config.consent;
    let report = rt.config.mode == crate::settings::Mode::Report;
    let shared_cache = rt.config.html.cache_mode == CacheMode::Shared;
    if req.method == Method::HEAD {
        // No body, but the headers a GET would get: no origin length, the coding and validators
        // of the rewritten page, the same Vary and Cache-Control.
        let transcode = declared.is_some_and(body::Pipeline::needs_transcoding);
        adjust_headers(resp.headers_mut(), out_coding, transcode, report || shared_cache, shared_cache);
        if !report {
            validators::key_etag(resp.headers_mut(), &req.state_key());
        }
        return Ok(resp.map(Either::Left));
    }
    // A shared page must not depend on the visitor: rewritten as for someone who has not decided
    // (everything inert); banner.js reads the real state and activates in the browser.
    let state = if shared_cache {
        ConsentState {
            decided: false,
            granted: settings.necessary_only(),
            services: Default::default(),
            gpc: false,
            consent_id: None,
            decided_at: None,
        }
    } else {
        state
    };

    let (mut parts, body) = resp.into_parts();
    let csp_nonce = csp::prepare(
        &mut parts.headers,
        rt.config.html.consent_mode.then(|| inject::consent_mode_script(settings, &state)).as_deref(),
        report,
    );
    let head_snippet = (!report).then(|| {
        let consent_mode = match rt.config.html.consent_mode {
            true => inject::script_tag(&inject::consent_mode_script(settings, &state), csp_nonce.as_deref()),
            false => String::new(),
        };
        let script = &rt.config.html.script.version;
        consent_mode
            + &inject::banner_script_tag(
                settings,
                &state,
                req.lang(),
                script,
                csp_nonce.as_deref(),
                shared_cache,
                req.site().as_deref(),
            )
    });
    let transcode = declared.is_some_and(body::Pipeline::needs_transcoding);
    adjust_headers(&mut parts.headers, out_coding, transcode, report || shared_cache, shared_cache);
    if !report {
        validators::key_etag(&mut parts.headers, &req.state_key());
    }

    let mut page =
        page::Page::new(rt.clone(), shared.clone(), state, req.lang(), req.url(), req.path().to_string(), head_snippet);
    if let Some(tally) = &req.tally {
        tally.rewritten();
        page.tally = Some(tally.clone());
    }
    let decoder = Decoder::new(coding).map_err(|e| ProxyError::Internal(e.to_string()))?;
    let encoder = Encoder::new(out_coding).map_err(|e| ProxyError::Internal(e.to_string()))?;
    let pipeline = body::Pipeline::new(decoder, encoder, declared, Arc::new(Mutex::new(page)));
    let body = body::RewriteBody::new(body.map_err(Into::into).boxed_unsync(), pipeline);
    Ok(Response::from_parts(parts, Either::Right(body.boxed_unsync())))
}

/// `Link: <https://tracker>; rel=preconnect` makes the browser connect before any markup is
/// seen: link-values pointing at refused trackers are removed (any response, any status).
fn filter_link_header(rt: &Runtime, shared: &Shared, state: &ConsentState, req: &PageRequest, headers: &mut HeaderMap) {
    let settings = &rt.config.consent;
    let report = rt.config.mode == crate::settings::Mode::Report;
    let values: Vec<HeaderValue> = headers.get_all(header::LINK).iter().cloned().collect();
    if values.is_empty() {
        return;
    }
    let page_url = req.url();
    let mut kept_values = Vec::new();
    for value in values {
        // Unreadable values are dropped: they cannot be checked.
        let Ok(text) = value.to_str() else { continue };
        let kept: Vec<&str> = link_values(text)
            .filter(|lv| {
                let url = lv.trim_start().strip_prefix('<').and_then(|r| r.split_once('>')).map(|(u, _)| u);
                let kind = crate::catalog::lists::RequestKind::Other;
                let page_host = page_url.as_ref().and_then(|u| u.host_str());
                let Some((category, provider)) =
                    url.and_then(|u| rt.config.trackers.classify_request(u, page_url.as_ref(), page_host, kind))
                else {
                    return true;
                };
                let category = settings.category_index(&category).or_else(|| settings.category_index("marketing"));
                let Some(c) = category.filter(|c| !state.allows_provider(settings, *c, &provider)) else { return true };
                let id = settings.categories[c].id.as_str();
                if report {
                    shared.metrics.report_only_total.with_label_values(&["element_link_header", id]).inc();
                    return true;
                }
                shared.metrics.elements_neutralized_total.with_label_values(&["link_header", id]).inc();
                false
            })
            .collect();
        if !kept.is_empty() {
            if let Ok(v) = HeaderValue::from_str(&kept.join(", ")) {
                kept_values.push(v);
            }
        }
    }
    headers.remove(header::LINK);
    for v in kept_values {
        headers.append(header::LINK, v);
    }
}

/// Splits a `Link` header into link-values: at commas that start a new `<…>` (URLs may contain
/// commas; a quoted parameter may too).
fn link_values(text: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut start, mut in_url, mut in_quote) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            '<' if !in_quote => in_url = true,
            '>' if !in_quote => in_url = false,
            '"' if !in_url => in_quote = !in_quote,
            ',' if !in_url && !in_quote => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.into_iter().filter(|p| !p.is_empty())
}

/// A rewritten response is personal to the visitor's consent state: no length (it changes), no
/// strong validator, no ranges, private caching, `Vary` on what it depends on.
fn adjust_headers(h: &mut HeaderMap, coding: Coding, transcoded: bool, keep_caching: bool, shared: bool) {
    h.remove(header::CONTENT_LENGTH);
    h.remove(header::ACCEPT_RANGES);
    match coding.header_value() {
        Some(c) => h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c)),
        None => h.remove(header::CONTENT_ENCODING),
    };
    if transcoded {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    }
    let vary = h.get_all(header::VARY).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(", ");
    let mut vary_items: Vec<String> = vary.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let varies: &[&str] = if shared { &["Accept-Encoding"] } else { &["Cookie", "Accept-Encoding", "Accept-Language"] };
    for &add in varies {
        if !vary_items.iter().any(|v| v.eq_ignore_ascii_case(add) || v == "*") {
            vary_items.push(add.into());
        }
    }
    h.insert(header::VARY, HeaderValue::from_str(&vary_items.join(", ")).expect("header tokens"));
    if !keep_caching {
        let cc = h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if !cc.contains("no-store") && !cc.contains("private") {
            let kept: Vec<&str> = cc
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty() && *d != "public" && !d.starts_with("s-maxage"))
                .collect();
            let value = std::iter::once("private").chain(kept).collect::<Vec<_>>().join(", ");
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("private")),
            );
        }
    }
}

/// Content-Security-Policy: the injected Consent Mode script must be allowed without weakening
/// the page's policy — by the page's own nonce, or by adding the script's hash.
mod csp {
    use base64::Engine;
    use http::header::{HeaderMap, HeaderValue, CONTENT_SECURITY_POLICY};
    use sha2::{Digest, Sha256};

    /// Returns the nonce to put on the injected script, after adding its hash to the policy when
    /// the policy has no nonce.
    pub fn prepare(headers: &mut HeaderMap, script: Option<&str>, report: bool) -> Option<String> {
        let script = script.filter(|_| !report)?;
        let policy = headers.get(CONTENT_SECURITY_POLICY)?.to_str().ok()?.to_string();
        let directives: Vec<&str> = policy.split(';').map(str::trim).filter(|d| !d.is_empty()).collect();
        let find = |name: &str| {
            directives.iter().position(|d| d.split_whitespace().next().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        };
        let index = find("script-src-elem").or_else(|| find("script-src")).or_else(|| find("default-src"))?;
        let sources: Vec<&str> = directives[index].split_whitespace().skip(1).collect();
        if let Some(nonce) = sources.iter().find_map(|s| s.strip_prefix("'nonce-").and_then(|n| n.strip_suffix('\''))) {
            return Some(nonce.to_string());
        }
        let has_hashes = sources.iter().any(|s| s.starts_with("'sha"));
        if sources.contains(&"'unsafe-inline'") && !has_hashes {
            return None; // inline scripts are allowed; a hash would switch that off
        }
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
        let mut new: Vec<String> = directives.iter().map(|d| d.to_string()).collect();
        let name = directives[index].split_whitespace().next().unwrap_or("");
        if name.eq_ignore_ascii_case("default-src") {
            new.push(format!("script-src {} 'sha256-{hash}'", sources.join(" ")));
        } else {
            new[index] = format!("{} 'sha256-{hash}'", directives[index]);
        }
        if let Ok(v) = HeaderValue::from_str(&new.join("; ")) {
            headers.insert(CONTENT_SECURITY_POLICY, v);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_told_by_its_media_type_and_its_charset_read() {
        let of = |ct: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            html_charset(&h)
        };
        assert_eq!(of("text/html; charset=utf-8"), Some(Some(encoding_rs::UTF_8)));
        assert_eq!(of(" TEXT/HTML ;Charset=\"iso-8859-1\""), Some(Some(encoding_rs::WINDOWS_1252)));
        assert_eq!(of("application/xhtml+xml"), Some(None));
        assert_eq!(of("text/html; charset=nonsense"), Some(None));
        assert_eq!(of("text/plain; charset=utf-8"), None);
        assert_eq!(of("text/htmlx"), None);
        assert_eq!(of("text/html-ish; x=text/html"), None);
        assert_eq!(html_charset(&HeaderMap::new()), None);
    }
}
