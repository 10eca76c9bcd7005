//! `[upstream]`: the origin's URL, what `Host` it sees, its CA, timeouts and the connection pool.

use http::uri::{Authority, Scheme};
use http::{HeaderValue, Uri};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

use crate::settings::{positive, SettingsError};

/// What `Host` the origin sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostMode {
    /// The client's `Host` (Envoy's and Caddy's default: virtual hosts keep working).
    Preserve,
    /// The upstream URL's authority (nginx's `proxy_pass` default).
    Upstream,
    /// A fixed value.
    Fixed(HeaderValue),
}

#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// As configured, for logs and messages.
    pub url: String,
    pub scheme: Scheme,
    pub authority: Authority,
    pub host: HostMode,
    /// Extra trusted CA (PEM) for `https://` origins, besides the system roots.
    pub ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    /// From sending the request to receiving the response head.
    pub response_timeout: Duration,
    /// Longest wait for the next piece of the response body (nginx's `proxy_read_timeout`).
    pub read_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
}

impl UpstreamConfig {
    /// `host:port` for a reachability probe.
    pub fn socket_target(&self) -> String {
        let port = self.authority.port_u16().unwrap_or(if self.scheme == Scheme::HTTPS { 443 } else { 80 });
        format!("{}:{port}", self.authority.host())
    }
}

pub fn compile(raw: RawUpstream) -> Result<UpstreamConfig, SettingsError> {
    const KEY: &str = "upstream.url";
    let url = raw.url.ok_or_else(|| {
        SettingsError::new(KEY, "missing: set it in the file, with --upstream or CONSENT_PROXY_UPSTREAM")
    })?;
    let uri: Uri = url.parse().map_err(|e| SettingsError::new(KEY, format!("`{url}` is not a URL: {e}")))?;
    let scheme = match uri.scheme() {
        Some(s) if *s == Scheme::HTTP || *s == Scheme::HTTPS => s.clone(),
        _ => return Err(SettingsError::new(KEY, format!("`{url}` must start with http:// or https://"))),
    };
    let authority = uri.authority().cloned().ok_or_else(|| SettingsError::new(KEY, format!("`{url}` has no host")))?;
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(SettingsError::new(KEY, format!("`{url}` must not have a path or query: requests keep theirs")));
    }
    let host = match raw.host.as_str() {
        "preserve" => HostMode::Preserve,
        "upstream" => HostMode::Upstream,
        other => HostMode::Fixed(
            HeaderValue::from_str(other)
                .map_err(|_| SettingsError::new("upstream.host", "must be `preserve`, `upstream` or a valid host"))?,
        ),
    };
    Ok(UpstreamConfig {
        url,
        scheme,
        authority,
        host,
        ca_file: raw.ca_file,
        connect_timeout: positive("upstream.connect_timeout", raw.connect_timeout)?,
        response_timeout: positive("upstream.response_timeout", raw.response_timeout)?,
        read_timeout: positive("upstream.read_timeout", raw.read_timeout)?,
        pool_idle_timeout: raw.pool_idle_timeout,
        pool_max_idle_per_host: raw.pool_max_idle_per_host,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawUpstream {
    pub url: Option<String>,
    pub host: String,
    pub ca_file: Option<PathBuf>,
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub response_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub read_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
}

impl Default for RawUpstream {
    fn default() -> Self {
        Self {
            url: None,
            host: "preserve".into(),
            ca_file: None,
            connect_timeout: Duration::from_secs(5),
            response_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(60),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 256,
        }
    }
}
