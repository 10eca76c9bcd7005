//! What changes on a request on its way to the origin, and on a response on its way back:
//! hop-by-hop headers (RFC 9110 §7.6.1), `X-Forwarded-*`, `Host`, the request id, the URI.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::uri::{PathAndQuery, Scheme};
use http::{Method, Request, Uri, Version};
use std::net::{IpAddr, SocketAddr};

use crate::settings::SettingsError;
use crate::upstream::settings::{HostMode, UpstreamConfig};
use ipnet::IpNet;
use serde::Deserialize;

/// Connection-scoped headers that must not be forwarded (RFC 9110 §7.6.1, plus the obsolete
/// `Proxy-Connection` and `Keep-Alive` still sent by old clients).
static HOP_BY_HOP: [HeaderName; 7] = [
    header::CONNECTION,
    HeaderName::from_static("proxy-connection"),
    HeaderName::from_static("keep-alive"),
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// Facts about the client connection a request came in on.
#[derive(Debug, Clone)]
pub struct ClientConn {
    pub peer: SocketAddr,
    pub tls: bool,
    /// The peer's address as `X-Forwarded-For` text, made once per connection.
    peer_text: HeaderValue,
}

impl ClientConn {
    pub fn new(peer: SocketAddr, tls: bool) -> Self {
        Self { peer, tls, peer_text: text_header(peer.ip().to_canonical().to_string()) }
    }
}

/// Removes hop-by-hop headers, including any named in `Connection`. Returns the `Upgrade` value
/// when the message asks for a protocol upgrade, so the caller can keep it.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) -> Option<HeaderValue> {
    // One pass over the names finds which are there (most messages carry none, or only
    // `Connection: keep-alive`); only those are removed.
    let mut present = 0u8;
    for name in headers.keys() {
        if let Some(i) = hop_by_hop_index(name) {
            present |= 1 << i;
        }
    }
    if present == 0 {
        return None;
    }
    let mut upgrade = None;
    let mut named: Vec<HeaderName> = Vec::new();
    if present & 1 != 0 {
        // HOP_BY_HOP[0] is `Connection`.
        upgrade = headers
            .get_all(header::CONNECTION)
            .iter()
            .any(|v| connection_tokens(v).any(|t| t.eq_ignore_ascii_case("upgrade")))
            .then(|| headers.get(header::UPGRADE).cloned())
            .flatten();
        named = headers
            .get_all(header::CONNECTION)
            .iter()
            .flat_map(connection_tokens)
            // `close`, `keep-alive`, `upgrade`…: removed below anyway, no header name to build.
            .filter(|t| {
                !t.eq_ignore_ascii_case("close") && !HOP_BY_HOP.iter().any(|h| h.as_str().eq_ignore_ascii_case(t))
            })
            .filter_map(|t| HeaderName::from_bytes(t.as_bytes()).ok())
            .collect();
    }
    for (i, name) in HOP_BY_HOP.iter().enumerate() {
        if present & (1 << i) != 0 {
            headers.remove(name);
        }
    }
    for name in &named {
        headers.remove(name);
    }
    upgrade
}

/// The name's place in [`HOP_BY_HOP`]. Matched as text: the compiler tests the length first, so
/// the usual header is rejected in a comparison or two (comparing `HeaderName`s one by one cost
/// about 80 instructions per header, issue 23).
fn hop_by_hop_index(name: &HeaderName) -> Option<usize> {
    let i = match name.as_str() {
        "connection" => 0,
        "proxy-connection" => 1,
        "keep-alive" => 2,
        "te" => 3,
        "trailer" => 4,
        "transfer-encoding" => 5,
        "upgrade" => 6,
        _ => return None,
    };
    debug_assert_eq!(HOP_BY_HOP[i], name);
    Some(i)
}

fn connection_tokens(v: &HeaderValue) -> impl Iterator<Item = &str> {
    v.to_str().unwrap_or("").split(',').map(str::trim).filter(|t| !t.is_empty())
}

/// Whether `X-Forwarded-*` from this peer are believed.
pub fn trusted(config: &ForwardingConfig, peer: IpAddr) -> bool {
    config.trusted_hops.iter().any(|net| net.contains(&peer))
}

/// The visitor's address: the peer, or — behind trusted hops — the right-most untrusted
/// `X-Forwarded-For` entry (entries further left could be forged by the client).
pub fn client_ip(config: &ForwardingConfig, conn: &ClientConn, headers: &HeaderMap) -> IpAddr {
    let peer = conn.peer.ip().to_canonical();
    if !trusted(config, peer) {
        return peer;
    }
    let chain: Vec<IpAddr> = headers
        .get_all(&X_FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect();
    chain.into_iter().rev().find(|ip| !trusted(config, *ip)).unwrap_or(peer)
}

/// Whether the visitor's own connection is HTTPS: TLS here, or a trusted hop says so.
pub fn visitor_is_https(config: &ForwardingConfig, conn: &ClientConn, headers: &HeaderMap) -> bool {
    conn.tls
        || (trusted(config, conn.peer.ip())
            && headers.get(&X_FORWARDED_PROTO).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")))
}

/// The host the visitor asked for: `Host`, or the authority of an absolute-form or HTTP/2 URI.
pub fn visitor_host<B>(req: &Request<B>) -> Option<HeaderValue> {
    req.headers()
        .get(header::HOST)
        .cloned()
        .or_else(|| req.uri().authority().and_then(|a| HeaderValue::from_str(a.as_str()).ok()))
}

/// Rewrites a client request into the request for the origin, in place.
/// `https` is [`visitor_is_https`], `original_host` [`visitor_host`]: the caller has them.
pub fn prepare_upstream_request<B>(
    config: &ForwardingConfig,
    upstream: &UpstreamConfig,
    conn: &ClientConn,
    https: bool,
    original_host: Option<HeaderValue>,
    request_id: &HeaderValue,
    req: &mut Request<B>,
) {
    let trust = trusted(config, conn.peer.ip());
    let headers = req.headers_mut();
    let upgrade = strip_hop_by_hop(headers);
    // Up to five headers are added below: one growth of the table at most, not one per insert.
    headers.reserve(5);
    if let Some(proto) = upgrade {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, proto);
    }

    let prior = headers.get(&X_FORWARDED_FOR).and_then(|v| v.to_str().ok()).filter(|_| trust);
    let xff = match prior {
        None => conn.peer_text.clone(),
        Some(prior) => {
            let peer = conn.peer_text.to_str().unwrap_or_default();
            let mut xff = String::with_capacity(prior.len() + 2 + peer.len());
            xff.push_str(prior);
            xff.push_str(", ");
            xff.push_str(peer);
            text_header(xff)
        }
    };
    headers.insert(X_FORWARDED_FOR.clone(), xff);
    if !(trust && headers.contains_key(&X_FORWARDED_PROTO)) {
        headers.insert(X_FORWARDED_PROTO.clone(), HeaderValue::from_static(if https { "https" } else { "http" }));
    }
    if !(trust && headers.contains_key(&X_FORWARDED_HOST)) {
        match &original_host {
            Some(h) => headers.insert(X_FORWARDED_HOST.clone(), h.clone()),
            None => headers.remove(&X_FORWARDED_HOST),
        };
    }
    headers.insert(config.request_id_header.clone(), request_id.clone());

    let upstream_host = match &upstream.host {
        HostMode::Preserve => original_host,
        HostMode::Upstream => HeaderValue::from_str(upstream.authority.as_str()).ok(),
        HostMode::Fixed(v) => Some(v.clone()),
    };
    // HTTP/1.1 needs a Host: a visitor's HTTP/1.0 request may have none, and then it names the
    // origin (its port only when not the scheme's default).
    let host = upstream_host.unwrap_or_else(|| origin_host(upstream));
    headers.insert(header::HOST, host);

    // Origin-form (`/path?query`) as the origin expects it from a proxy; a visitor's absolute-form
    // or HTTP/2 URI loses its scheme and authority. CONNECT keeps authority-form, naming the origin.
    if req.method() == Method::CONNECT {
        *req.uri_mut() = Uri::from(upstream.authority.clone());
    } else if req.uri().scheme().is_some() || req.uri().path_and_query().is_none() {
        let path = req.uri().path_and_query().cloned().unwrap_or_else(|| PathAndQuery::from_static("/"));
        *req.uri_mut() = Uri::from(path);
    }
    *req.version_mut() = Version::HTTP_11;
}

/// The origin's `host[:port]` (the port only when not the scheme's default).
fn origin_host(upstream: &UpstreamConfig) -> HeaderValue {
    let default_port = if upstream.scheme == Scheme::HTTPS { 443 } else { 80 };
    match upstream.authority.port_u16() {
        Some(port) if port != default_port => HeaderValue::from_str(upstream.authority.as_str()),
        _ => HeaderValue::from_str(upstream.authority.host()),
    }
    .expect("an authority is valid header text")
}

/// Keeps the client's request id if it is short printable ASCII, else makes one.
pub fn request_id(config: &ForwardingConfig, headers: &HeaderMap) -> HeaderValue {
    headers
        .get(&config.request_id_header)
        .filter(|v| (1..=128).contains(&v.len()) && v.as_bytes().iter().all(|b| b.is_ascii_graphic()))
        .cloned()
        .unwrap_or_else(new_request_id)
}

fn new_request_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let id: u128 = rand::random();
    let hex: Vec<u8> = (0..32).rev().map(|i| HEX[(id >> (i * 4)) as usize & 0xf]).collect();
    HeaderValue::from_maybe_shared(bytes::Bytes::from(hex)).expect("hex digits are header text")
}

/// A header value from text the proxy built: one allocation (the string's), no copy.
pub fn text_header(s: String) -> HeaderValue {
    HeaderValue::from_maybe_shared(bytes::Bytes::from(s)).expect("built from valid header text")
}

// `[forwarding]`: whose `X-Forwarded-*` headers are believed, and the request id's header.

#[derive(Debug, Clone)]
pub struct ForwardingConfig {
    /// Peers whose `X-Forwarded-*` headers are believed; everyone else's are replaced.
    pub trusted_hops: Vec<IpNet>,
    pub request_id_header: HeaderName,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawForwarding {
    #[serde(deserialize_with = "crate::settings::string_or_list")]
    pub trusted_hops: Vec<String>,
    pub request_id_header: String,
}

impl Default for RawForwarding {
    fn default() -> Self {
        Self { trusted_hops: Vec::new(), request_id_header: "x-request-id".into() }
    }
}

pub fn compile(raw: RawForwarding) -> Result<ForwardingConfig, SettingsError> {
    let trusted_hops = raw
        .trusted_hops
        .iter()
        .map(|s| {
            let s = s.trim();
            s.parse::<IpNet>().or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from)).map_err(|_| {
                SettingsError::new("forwarding.trusted_hops", format!("`{s}` is not an IP address or CIDR"))
            })
        })
        .collect::<Result<_, _>>()?;
    let request_id_header = HeaderName::from_bytes(raw.request_id_header.as_bytes())
        .map_err(|_| SettingsError::new("forwarding.request_id_header", "not a valid header name"))?;
    Ok(ForwardingConfig { trusted_hops, request_id_header })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_and_connection_named_headers_are_removed() {
        let mut h = HeaderMap::new();
        h.insert(header::CONNECTION, HeaderValue::from_static("keep-alive, X-Secret"));
        h.insert("x-secret", HeaderValue::from_static("1"));
        h.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        h.insert(header::TE, HeaderValue::from_static("trailers"));
        h.insert(header::TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        h.insert("proxy-connection", HeaderValue::from_static("keep-alive"));
        h.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert_eq!(strip_hop_by_hop(&mut h), None);
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h.contains_key(header::ACCEPT));
    }

    #[test]
    fn each_hop_by_hop_header_is_found_and_removed() {
        for (i, name) in HOP_BY_HOP.iter().enumerate() {
            assert_eq!(hop_by_hop_index(name), Some(i), "{name}");
            let mut h = HeaderMap::new();
            h.insert(name.clone(), HeaderValue::from_static("x"));
            h.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
            strip_hop_by_hop(&mut h);
            assert_eq!(h.keys().collect::<Vec<_>>(), [header::ACCEPT], "{name}");
        }
        assert_eq!(hop_by_hop_index(&HeaderName::from_static("x-upgrade")), None);
    }

    #[test]
    fn request_ids_are_32_lowercase_hex_digits_and_differ() {
        let (a, b) = (new_request_id(), new_request_id());
        for id in [&a, &b] {
            assert_eq!(id.len(), 32);
            assert!(id.as_bytes().iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')), "{id:?}");
        }
        assert_ne!(a, b);
    }

    #[test]
    fn only_connection_keep_alive_is_removed_and_nothing_else() {
        let mut h = HeaderMap::new();
        h.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        h.insert(header::SERVER, HeaderValue::from_static("nginx"));
        assert_eq!(strip_hop_by_hop(&mut h), None);
        assert_eq!(h.len(), 2, "{h:?}");
        assert!(!h.contains_key(header::CONNECTION));
    }

    #[test]
    fn upgrade_is_reported() {
        let mut h = HeaderMap::new();
        h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        assert_eq!(strip_hop_by_hop(&mut h), Some(HeaderValue::from_static("websocket")));
        assert!(h.is_empty());
    }
}
