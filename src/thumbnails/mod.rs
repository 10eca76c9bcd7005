//! `banner.thumbnails`: the thumbnails of held embeds, served from this site. A placeholder or
//! the site's own CSS often shows a video's thumbnail (`i.ytimg.com/vi/ID/hqdefault.jpg`);
//! loading it from the provider tells the provider who visits before they decided. With this on,
//! the rewriter points such URLs at `{consent.prefix}/thumbnail/HOST/PATH` while the provider's
//! category is refused, and the proxy fetches the image itself — without the visitor's cookies,
//! address, referrer or user agent — caches it (bounded) and serves it.
//!
//! An open fetcher is an SSRF hole, so this one is narrow: only the hosts and path prefixes of
//! [`THUMBNAIL_SOURCES`](crate::catalog::embeds::THUMBNAIL_SOURCES), only over HTTPS to an address that is public (checked after the DNS
//! lookup, on the address actually connected to), redirects only to those same sources, only
//! JPEG, PNG, WebP, GIF and AVIF (by `Content-Type` *and* by their first bytes; never SVG), at
//! most [`MAX_BYTES`], within [`TIMEOUT`]. Off by default.

pub mod cache;
pub mod settings;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use url::Url;

use crate::body::{full, ProxyBody};
use crate::state::Shared;
use settings::Thumbnails;

/// The largest image served.
pub const MAX_BYTES: usize = 2 << 20;
/// One fetch, redirects included, connect to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(5);
const MAX_REDIRECTS: usize = 3;
/// Thumbnail URLs carry short queries if any; a longer one is not a thumbnail.
const MAX_QUERY: usize = 256;

/// Why a thumbnail was not served: the answer's status and a short reason (also the metric).
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    reason: &'static str,
    detail: String,
}

fn fail(status: StatusCode, reason: &'static str, detail: impl Into<String>) -> Failure {
    Failure { status, reason, detail: detail.into() }
}

/// `GET {prefix}/thumbnail/HOST/PATH`: the image, from the cache or fetched.
pub async fn serve(settings: &Thumbnails, shared: &Shared, sub: &str, query: Option<&str>) -> Response<ProxyBody> {
    let count = |result: &str| shared.metrics.thumbnails_total.with_label_values(&[result]).inc();
    let target = settings.enabled.then(|| target_url(settings, sub, query)).flatten();
    let Some(target) = target else {
        count("refused");
        return plain(StatusCode::NOT_FOUND, "404 Not Found: not a thumbnail this proxy serves\n");
    };
    if let Some((body, content_type)) = shared.thumbnails.get(target.as_str()) {
        count("cached");
        return image(body, content_type);
    }
    let Ok(_slot) = shared.thumbnails.fetches.try_acquire() else {
        count("busy");
        return plain(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable: busy\n");
    };
    match tokio::time::timeout(TIMEOUT, fetch(settings, target.clone())).await {
        Ok(Ok((body, content_type))) => {
            count("fetched");
            shared.thumbnails.put(target.to_string(), body.clone(), content_type);
            image(body, content_type)
        }
        Ok(Err(f)) => {
            count(f.reason);
            tracing::warn!(url = %target, reason = f.reason, detail = %f.detail, "thumbnail not served");
            plain(
                f.status,
                &format!("{} {}: {}\n", f.status.as_u16(), f.status.canonical_reason().unwrap_or(""), f.reason),
            )
        }
        Err(_) => {
            count("timeout");
            tracing::warn!(url = %target, "thumbnail not served: the provider took too long");
            plain(StatusCode::GATEWAY_TIMEOUT, "504 Gateway Timeout: timeout\n")
        }
    }
}

/// `HOST/PATH` (after `/thumbnail/`) and the query, as the provider's URL — when allow-listed.
fn target_url(settings: &Thumbnails, sub: &str, query: Option<&str>) -> Option<Url> {
    if query.is_some_and(|q| q.len() > MAX_QUERY) {
        return None;
    }
    let (host, path) = sub.split_once('/')?;
    let mut url = Url::parse(&format!("https://{host}/{path}")).ok()?;
    url.set_query(query);
    (url.host_str() == Some(host) && settings.source(&url).is_some()).then_some(url)
}

/// Fetches `url` (an allow-listed source), following redirects to allow-listed sources only.
async fn fetch(settings: &Thumbnails, mut url: Url) -> Result<(Bytes, &'static str), Failure> {
    for _ in 0..=MAX_REDIRECTS {
        let resp = request(settings, &url).await?;
        let status = resp.status();
        if status.is_redirection() {
            let next = crate::upstream::redirect_target(&resp, &url)
                .ok_or_else(|| fail(StatusCode::BAD_GATEWAY, "redirect", "a redirect without a usable Location"))?;
            if next.scheme() != "https" || settings.source(&next).is_none() {
                return Err(fail(
                    StatusCode::BAD_GATEWAY,
                    "redirect",
                    format!("a redirect off the allow-list: {next}"),
                ));
            }
            url = next;
            continue;
        }
        if status != StatusCode::OK {
            return Err(fail(StatusCode::BAD_GATEWAY, "status", format!("the provider answered {status}")));
        }
        let declared = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let Some(content_type) = image_type(declared) else {
            return Err(fail(StatusCode::BAD_GATEWAY, "not_an_image", format!("Content-Type `{declared}`")));
        };
        let too_long = resp
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            .is_some_and(|n| n > MAX_BYTES as u64);
        if too_long {
            return Err(fail(StatusCode::BAD_GATEWAY, "too_large", format!("over {} KiB", MAX_BYTES >> 10)));
        }
        let body = Limited::new(resp.into_body(), MAX_BYTES).collect().await.map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                fail(StatusCode::BAD_GATEWAY, "too_large", format!("over {} KiB", MAX_BYTES >> 10))
            } else {
                fail(StatusCode::BAD_GATEWAY, "network", format!("the body broke off: {e}"))
            }
        })?;
        let body = body.to_bytes();
        if !magic_matches(content_type, &body) {
            return Err(fail(StatusCode::BAD_GATEWAY, "not_an_image", format!("the bytes are not {content_type}")));
        }
        return Ok((body, content_type));
    }
    Err(fail(StatusCode::BAD_GATEWAY, "redirect", format!("more than {MAX_REDIRECTS} redirects")))
}

/// One GET of `url`: to the provider over HTTPS at a public address, or to the configured origin.
async fn request(settings: &Thumbnails, url: &Url) -> Result<Response<hyper::body::Incoming>, Failure> {
    let host = url.host_str().unwrap_or_default();
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let (connect_host, port, tls, path) = match &settings.origin {
        Some(o) => (
            o.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned(),
            o.port_or_known_default().unwrap_or(80),
            o.scheme() == "https",
            format!("{}/{host}{}{query}", o.path().trim_end_matches('/'), url.path()),
        ),
        None => (host.to_owned(), 443, true, format!("{}{query}", url.path())),
    };
    let network = |e: String| fail(StatusCode::BAD_GATEWAY, "network", e);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((connect_host.as_str(), port))
        .await
        .map_err(|e| network(format!("{connect_host}: {e}")))?
        .collect();
    // The providers' hosts must resolve to public addresses only (DNS pointing a listed name at
    // an internal service is the SSRF this refuses). The configured origin is trusted.
    if settings.origin.is_none() {
        if let Some(a) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(fail(
                StatusCode::BAD_GATEWAY,
                "private_address",
                format!("{connect_host} resolves to {}", a.ip()),
            ));
        }
    }
    let addr = *addrs.first().ok_or_else(|| network(format!("{connect_host}: no address")))?;
    let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| network(format!("{addr}: {e}")))?;
    let _ = tcp.set_nodelay(true);
    let host_header = match &settings.origin {
        Some(o) => o[url::Position::BeforeHost..url::Position::AfterPort].to_owned(),
        None => host.to_owned(),
    };
    let req = Request::get(path)
        .header(header::HOST, host_header)
        .header(header::USER_AGENT, concat!("consent-proxy/", env!("CARGO_PKG_VERSION"), " (thumbnail)"))
        .header(header::ACCEPT, "image/avif,image/webp,image/png,image/jpeg,image/gif")
        .body(Empty::<Bytes>::new())
        .map_err(|e| network(e.to_string()))?;
    if tls {
        let name = rustls_pki_types::ServerName::try_from(connect_host.clone()).map_err(|e| network(e.to_string()))?;
        let stream = tokio_rustls::TlsConnector::from(tls_config())
            .connect(name, tcp)
            .await
            .map_err(|e| network(format!("TLS: {e}")))?;
        send(TokioIo::new(stream), req).await
    } else {
        send(TokioIo::new(tcp), req).await
    }
}

async fn send<T>(io: T, req: Request<Empty<Bytes>>) -> Result<Response<hyper::body::Incoming>, Failure>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let network = |e: hyper::Error| fail(StatusCode::BAD_GATEWAY, "network", crate::upstream::error_chain(&e));
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.map_err(network)?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    sender.send_request(req).await.map_err(network)
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            Arc::new(rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth())
        })
        .clone()
}

/// The image types served (never SVG: it can carry script).
fn image_type(content_type: &str) -> Option<&'static str> {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"].into_iter().find(|t| *t == essence)
}

/// The body starts as its declared type does.
fn magic_matches(content_type: &str, b: &[u8]) -> bool {
    match content_type {
        "image/jpeg" => b.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => b.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/gif" => b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a"),
        "image/webp" => b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP",
        "image/avif" => b.len() >= 12 && &b[4..8] == b"ftyp" && (&b[8..12] == b"avif" || &b[8..12] == b"avis"),
        _ => false,
    }
}

/// An address anyone on the internet could reach: not loopback, private, link-local, shared
/// (CGNAT), documentation, benchmarking, multicast, reserved or unspecified — in IPv4, IPv6, and
/// IPv4 written in IPv6 (mapped, NAT64).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            if s[0] == 0x2002 {
                // 6to4: the IPv4 address it tunnels to.
                let [a, b] = s[1].to_be_bytes();
                let [c, d] = s[2].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x2001 && s[1] == 0)
                || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
                || s[0..6] == [0, 0, 0, 0, 0, 0])
        }
    }
}

fn image(body: Bytes, content_type: &'static str) -> Response<ProxyBody> {
    let mut resp = Response::new(full(body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("content-security-policy", HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    resp
}

fn plain(status: StatusCode, text: &str) -> Response<ProxyBody> {
    let mut resp = Response::new(full(Bytes::from(text.to_owned())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses() {
        for ip in [
            "8.8.8.8",
            "142.250.74.110",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "192.0.0.8",
            "198.18.0.1",
            "192.0.2.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "::127.0.0.1",
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b:1::a00:1",
            "fec0::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn images_by_type_and_first_bytes() {
        assert_eq!(image_type("image/jpeg"), Some("image/jpeg"));
        assert_eq!(image_type("Image/PNG; charset=binary"), Some("image/png"));
        assert_eq!(image_type("image/svg+xml"), None);
        assert_eq!(image_type("text/html"), None);
        assert!(magic_matches("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!magic_matches("image/jpeg", b"<html>"));
        assert!(magic_matches("image/gif", b"GIF89a..."));
        assert!(magic_matches("image/webp", b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!magic_matches("image/png", b"GIF89a"));
    }
}
