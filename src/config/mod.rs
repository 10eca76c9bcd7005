//! Configuration: loaded once from built-in defaults < TOML file < environment < CLI flags,
//! validated into typed structs, and re-loaded the same way on `SIGHUP` or a file change.
//!
//! `raw` mirrors the file; [`Config`] is what the rest of the proxy sees. Every error names the
//! key that is wrong, so `consent-proxy check` and a failed start tell the operator what to fix.

pub(crate) mod raw;
mod trackers;

pub use raw::{CacheMode, ClientIpLog, LogFormat, Mode, QueryLog, UnknownCookies, UnknownThirdParty};

use crate::consent::audit::AuditTarget;
use crate::consent::ConsentSettings;
use crate::cookies::CookiePolicy;
use std::sync::Arc;

use http::uri::{Authority, Scheme};
use http::{HeaderName, HeaderValue, Uri};
use ipnet::IpNet;
use raw::RawConfig;
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Prefix of the long-form environment variables: `CONSENT_PROXY__SECTION__KEY`.
pub const ENV_PREFIX: &str = "CONSENT_PROXY";

/// A configuration error, naming the key at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted key (`server.listen`), or the file path for unreadable files.
    pub key: String,
    pub message: String,
}

impl ConfigError {
    fn new(key: impl Into<String>, message: impl fmt::Display) -> Self {
        Self { key: key.into(), message: message.to_string() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config key `{}`: {}", self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Where a configuration comes from; kept so a reload reads the same sources again.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    /// The TOML file, if any.
    pub file: Option<PathBuf>,
    /// Values from CLI flags, as dotted keys; they beat everything else.
    pub overrides: Vec<(String, String)>,
    /// The environment to read; `None` reads the process environment. Tests pass their own.
    pub env: Option<HashMap<String, String>>,
}

impl ConfigSource {
    /// Reads and validates all sources.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut builder = ::config::Config::builder();
        if let Some(path) = &self.file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::new(path.display().to_string(), format!("cannot read config file: {e}")))?;
            builder = builder.add_source(::config::File::from_str(&text, ::config::FileFormat::Toml));
        }
        let env = ::config::Environment::with_prefix(ENV_PREFIX)
            .prefix_separator("__")
            .separator("__")
            .try_parsing(true)
            .list_separator(",")
            .with_list_parse_key("forwarding.trusted_hops")
            .source(self.env.clone());
        builder = builder.add_source(env);
        for (key, value) in &self.overrides {
            builder = builder.set_override(key.as_str(), value.as_str()).map_err(|e| ConfigError::new(key, e))?;
        }
        let merged = builder.build().map_err(|e| ConfigError::new(self.file_label(), e))?;
        let raw: RawConfig = serde_path_to_error::deserialize(merged).map_err(path_error)?;
        Config::try_from(raw)
    }

    fn file_label(&self) -> String {
        self.file.as_ref().map_or_else(|| "(environment)".into(), |p| p.display().to_string())
    }
}

/// Turns a serde error into one naming the full key, `server.bogus` rather than `server`.
fn path_error(err: serde_path_to_error::Error<::config::ConfigError>) -> ConfigError {
    let path = err.path().to_string();
    let message = err.inner().to_string();
    let unknown = message.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next());
    let key = match (unknown, path.as_str()) {
        (Some(field), "." | "") => field.to_string(),
        (Some(field), p) if p != field && !p.ends_with(&format!(".{field}")) => {
            format!("{p}.{field}")
        }
        _ => path,
    };
    ConfigError::new(key, message)
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `enforce`, or `report`: nothing removed, everything that would be is logged and counted.
    pub mode: Mode,
    pub consent: ConsentSettings,
    /// Ad click identifiers removed from URLs while their category is refused.
    pub click_ids: crate::click_ids::ClickIds,
    /// The compiled cookie catalog and enforcement switches.
    pub cookies: Arc<CookiePolicy>,
    pub audit: AuditConfig,
    /// Crate version and rule count, recorded with each decision.
    pub catalog_version: String,
    /// The compiled tracker catalog (built-in + `[trackers]`).
    pub trackers: Arc<crate::catalog::trackers::TrackerCatalog>,
    /// `banner.thumbnails`: held embeds' thumbnails served from this site.
    pub thumbnails: Arc<crate::thumbnails::Thumbnails>,
    pub html: HtmlConfig,
    /// Banner texts, theme and position.
    pub banner: Arc<crate::rewrite::banner_config::Banner>,
    pub server: ServerConfig,
    pub upstream: UpstreamConfig,
    pub forwarding: ForwardingConfig,
    pub log: LogConfig,
    pub shutdown: ShutdownConfig,
    pub reload: ReloadConfig,
}

#[derive(Debug, Clone)]
pub struct HtmlConfig {
    /// Rewrite HTML responses at all.
    pub rewrite: bool,
    /// Inject Google Consent Mode v2 defaults.
    pub consent_mode: bool,
    /// What to do with third-party hosts in no tracker rule.
    pub unknown_third_party: UnknownThirdParty,
    /// Per-visitor pages, or one shared page for caches that ignore `Vary`.
    pub cache_mode: CacheMode,
    /// Tracker `url()`s in `style` attributes and `<style>` blocks are neutralised.
    pub css: bool,
    /// `/__consent/banner.js`, with the catalog's rules, built once.
    pub script: Arc<crate::rewrite::assets::ScriptAsset>,
}

#[derive(Debug, Clone)]
pub struct AuditConfig {
    pub target: AuditTarget,
    /// Records waiting to be written; when full, decisions are refused with 503.
    pub queue: usize,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub admin: SocketAddr,
    /// PEM files for TLS termination; plain HTTP when absent.
    pub tls: Option<TlsFiles>,
    /// Runtime worker threads (0 = one per CPU available to the process); with one, the proxy
    /// runs a single-threaded runtime, like one nginx worker.
    pub workers: usize,
    /// Connections the kernel queues before the proxy accepts them (capped by `somaxconn`).
    pub backlog: u32,
    /// Connections beyond this wait in the kernel backlog instead of exhausting memory.
    pub max_connections: usize,
    /// Request line plus headers; more is answered `431`.
    pub max_header_bytes: usize,
    /// A client must send a whole request head within this (slowloris).
    pub header_read_timeout: Duration,
    /// A keep-alive connection with no request in flight is closed after this.
    pub idle_timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

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

#[derive(Debug, Clone)]
pub struct ForwardingConfig {
    /// Peers whose `X-Forwarded-*` headers are believed; everyone else's are replaced.
    pub trusted_hops: Vec<IpNet>,
    pub request_id_header: HeaderName,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
    pub access_log: bool,
    pub client_ip: ClientIpLog,
    pub query: QueryLog,
}

#[derive(Debug, Clone)]
pub struct ShutdownConfig {
    /// After a stop signal: `/readyz` fails at once, traffic is still served this long so load
    /// balancers can drop the endpoint.
    pub delay: Duration,
    /// Then in-flight requests get this long to finish.
    pub drain_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct ReloadConfig {
    /// Re-load when the config file (or a TLS/CA file) changes: a mounted ConfigMap cannot signal.
    pub watch: bool,
    pub interval: Duration,
}

impl TryFrom<RawConfig> for Config {
    type Error = ConfigError;

    fn try_from(raw: RawConfig) -> Result<Self, ConfigError> {
        let s = raw.server;
        if s.max_header_bytes < 8192 {
            return Err(ConfigError::new("server.max_header_bytes", "must be at least 8192"));
        }
        if s.max_connections == 0 {
            return Err(ConfigError::new("server.max_connections", "must be at least 1"));
        }
        let server = ServerConfig {
            listen: s.listen,
            admin: s.admin,
            tls: s.tls.map(|t| TlsFiles { cert: t.cert, key: t.key }),
            workers: s.workers,
            backlog: s.backlog.max(1),
            max_connections: s.max_connections,
            max_header_bytes: s.max_header_bytes,
            header_read_timeout: positive("server.header_read_timeout", s.header_read_timeout)?,
            idle_timeout: positive("server.idle_timeout", s.idle_timeout)?,
        };
        let upstream = upstream(raw.upstream)?;
        let forwarding = forwarding(raw.forwarding)?;
        let log = LogConfig {
            format: raw.log.format,
            level: raw.log.level,
            access_log: raw.log.access_log,
            client_ip: raw.log.client_ip,
            query: raw.log.query,
        };
        tracing_subscriber::EnvFilter::try_new(&log.level).map_err(|e| ConfigError::new("log.level", e))?;
        let shutdown = ShutdownConfig { delay: raw.shutdown.delay, drain_timeout: raw.shutdown.drain_timeout };
        let reload =
            ReloadConfig { watch: raw.reload.watch, interval: positive("reload.interval", raw.reload.interval)? };
        let consent = ConsentSettings::compile(raw.consent)?;
        let cookies = CookiePolicy::compile(raw.cookies, &consent)?;
        let click_ids = crate::click_ids::ClickIds::compile(raw.click_ids, &consent)?;
        let unknown_third_party = raw.trackers.unknown_third_party;
        let trackers = trackers::compile(raw.trackers, &consent)?;
        let catalog_version = format!("{}+{}+{}", env!("CARGO_PKG_VERSION"), cookies.rule_count(), trackers.len());
        if raw.audit.sink.trim().is_empty() {
            return Err(ConfigError::new("audit.sink", "must be `stdout` or a file path"));
        }
        let script_source = match &raw.html.banner_script_file {
            Some(path) => std::fs::read_to_string(path).map_err(|e| {
                ConfigError::new("html.banner_script_file", format!("cannot read {}: {e}", path.display()))
            })?,
            None => crate::rewrite::assets::BANNER_JS.to_string(),
        };
        let script = crate::rewrite::assets::ScriptAsset::build(
            &script_source,
            &trackers,
            &cookies,
            &consent,
            unknown_third_party,
        );
        let html = HtmlConfig {
            rewrite: raw.html.rewrite,
            consent_mode: raw.html.consent_mode,
            unknown_third_party,
            cache_mode: raw.html.cache_mode,
            css: raw.html.css,
            script: Arc::new(script),
        };
        let thumbnails = crate::thumbnails::Thumbnails::compile(
            raw.banner.thumbnails,
            raw.banner.thumbnails_origin.as_deref(),
            &trackers,
            &consent,
        )?;
        let banner = Arc::new(crate::rewrite::banner_config::Banner::compile(raw.banner)?);
        let audit = AuditConfig { target: AuditTarget::parse(raw.audit.sink.trim()), queue: raw.audit.queue.max(1) };
        Ok(Config {
            mode: raw.mode,
            consent,
            click_ids,
            cookies: Arc::new(cookies),
            audit,
            catalog_version,
            trackers: Arc::new(trackers),
            thumbnails: Arc::new(thumbnails),
            html,
            banner,
            server,
            upstream,
            forwarding,
            log,
            shutdown,
            reload,
        })
    }
}

fn positive(key: &str, d: Duration) -> Result<Duration, ConfigError> {
    if d.is_zero() {
        return Err(ConfigError::new(key, "must be greater than zero"));
    }
    Ok(d)
}

fn upstream(raw: raw::RawUpstream) -> Result<UpstreamConfig, ConfigError> {
    const KEY: &str = "upstream.url";
    let url = raw.url.ok_or_else(|| {
        ConfigError::new(KEY, "missing: set it in the file, with --upstream or CONSENT_PROXY_UPSTREAM")
    })?;
    let uri: Uri = url.parse().map_err(|e| ConfigError::new(KEY, format!("`{url}` is not a URL: {e}")))?;
    let scheme = match uri.scheme() {
        Some(s) if *s == Scheme::HTTP || *s == Scheme::HTTPS => s.clone(),
        _ => return Err(ConfigError::new(KEY, format!("`{url}` must start with http:// or https://"))),
    };
    let authority = uri.authority().cloned().ok_or_else(|| ConfigError::new(KEY, format!("`{url}` has no host")))?;
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(ConfigError::new(KEY, format!("`{url}` must not have a path or query: requests keep theirs")));
    }
    let host = match raw.host.as_str() {
        "preserve" => HostMode::Preserve,
        "upstream" => HostMode::Upstream,
        other => HostMode::Fixed(
            HeaderValue::from_str(other)
                .map_err(|_| ConfigError::new("upstream.host", "must be `preserve`, `upstream` or a valid host"))?,
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

fn forwarding(raw: raw::RawForwarding) -> Result<ForwardingConfig, ConfigError> {
    let trusted_hops = raw
        .trusted_hops
        .iter()
        .map(|s| {
            let s = s.trim();
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| ConfigError::new("forwarding.trusted_hops", format!("`{s}` is not an IP address or CIDR")))
        })
        .collect::<Result<_, _>>()?;
    let request_id_header = HeaderName::from_bytes(raw.request_id_header.as_bytes())
        .map_err(|_| ConfigError::new("forwarding.request_id_header", "not a valid header name"))?;
    Ok(ForwardingConfig { trusted_hops, request_id_header })
}

#[cfg(test)]
mod tests;
