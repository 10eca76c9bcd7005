//! The config file as written: serde structs that mirror the TOML, with defaults.
//!
//! Nothing outside `config` sees these types: [`super::Config`] is built from them with
//! `TryFrom`, so every value the proxy uses has been validated once, at load.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub mode: Mode,
    pub consent: RawConsent,
    pub click_ids: RawClickIds,
    pub cookies: RawCookies,
    pub audit: RawAudit,
    pub html: RawHtml,
    pub banner: crate::rewrite::banner_config::RawBanner,
    pub trackers: RawTrackers,
    pub server: RawServer,
    pub upstream: RawUpstream,
    pub forwarding: RawForwarding,
    pub log: RawLog,
    pub shutdown: RawShutdown,
    pub reload: RawReload,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawServer {
    pub listen: SocketAddr,
    pub admin: SocketAddr,
    pub tls: Option<RawTls>,
    pub workers: usize,
    pub backlog: u32,
    pub max_connections: usize,
    pub max_header_bytes: usize,
    #[serde(with = "humantime_serde")]
    pub header_read_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub idle_timeout: Duration,
}

impl Default for RawServer {
    fn default() -> Self {
        Self {
            listen: ([0, 0, 0, 0], 8080).into(),
            admin: ([127, 0, 0, 1], 9090).into(),
            tls: None,
            workers: 0,
            backlog: 4096,
            max_connections: 25_000,
            max_header_bytes: 32 * 1024,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub cert: PathBuf,
    pub key: PathBuf,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawForwarding {
    #[serde(deserialize_with = "string_or_list")]
    pub trusted_hops: Vec<String>,
    pub request_id_header: String,
}

impl Default for RawForwarding {
    fn default() -> Self {
        Self { trusted_hops: Vec::new(), request_id_header: "x-request-id".into() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLog {
    pub format: LogFormat,
    pub level: String,
    pub access_log: bool,
    pub client_ip: ClientIpLog,
    pub query: QueryLog,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

/// How much of the client address the access log keeps (it is personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientIpLog {
    /// IPv4 /24, IPv6 /48.
    Truncated,
    Full,
    None,
}

/// Whether query strings reach the log (they carry emails, tokens and click ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryLog {
    /// Parameter names kept, values replaced by `*`.
    Redacted,
    Full,
}

impl Default for RawLog {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            level: "info".into(),
            access_log: true,
            client_ip: ClientIpLog::Truncated,
            query: QueryLog::Redacted,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawShutdown {
    #[serde(with = "humantime_serde")]
    pub delay: Duration,
    #[serde(with = "humantime_serde")]
    pub drain_timeout: Duration,
}

impl Default for RawShutdown {
    fn default() -> Self {
        Self { delay: Duration::from_secs(5), drain_timeout: Duration::from_secs(30) }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawReload {
    pub watch: bool,
    #[serde(with = "humantime_serde")]
    pub interval: Duration,
}

impl Default for RawReload {
    fn default() -> Self {
        Self { watch: true, interval: Duration::from_secs(2) }
    }
}

/// A list written as a TOML array or as one comma-separated string (flags, env variables).
pub fn string_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        OneOrMany::Many(v) => v,
    })
}

/// `enforce` removes what the visitor refused; `report` only logs and counts what it would remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Enforce,
    Report,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConsent {
    pub cookie_name: String,
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
    #[serde(with = "humantime_serde")]
    pub refusal_max_age: Option<Duration>,
    pub revision: u32,
    pub domain: Option<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub delete_domains: Vec<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub secrets: Vec<String>,
    pub secret_file: Option<PathBuf>,
    pub prefix: String,
    pub origin_header: String,
    pub rate_limit_per_minute: u32,
    pub categories: Vec<RawCategory>,
    pub tracking_endpoints: Vec<RawEndpoint>,
    pub default_language: String,
    /// Consent managers whose decisions are taken over: onetrust, cookiebot, cookieconsent, klaro.
    #[serde(deserialize_with = "string_or_list")]
    pub import: Vec<String>,
    /// Per manager: its group/category/service → our category (replaces the default table).
    pub import_map: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Serve `/.well-known/gpc.json`.
    pub gpc_json: bool,
    /// Its `lastUpdate` (YYYY-MM-DD).
    pub gpc_last_update: String,
}

impl Default for RawConsent {
    fn default() -> Self {
        Self {
            cookie_name: "consent".into(),
            max_age: Duration::from_secs(365 * 24 * 3600),
            refusal_max_age: None,
            revision: 1,
            domain: None,
            delete_domains: Vec::new(),
            secrets: Vec::new(),
            secret_file: None,
            prefix: "/__consent".into(),
            origin_header: "x-consent".into(),
            rate_limit_per_minute: 60,
            categories: Vec::new(),
            tracking_endpoints: Vec::new(),
            default_language: "en".into(),
            import: Vec::new(),
            import_map: Default::default(),
            gpc_json: true,
            gpc_last_update: crate::consent::gpc::SINCE.into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: String,
    pub label: Option<String>,
    pub label_sv: Option<String>,
    pub description: Option<String>,
    pub description_sv: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndpoint {
    pub path: String,
    pub category: String,
}

/// `[click_ids]`: ad click identifiers removed from URLs without consent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawClickIds {
    pub strip: bool,
    #[serde(deserialize_with = "string_or_list")]
    pub params: Vec<String>,
    pub category: String,
}

impl Default for RawClickIds {
    fn default() -> Self {
        Self {
            strip: true,
            params: crate::click_ids::DEFAULT_PARAMS.map(String::from).to_vec(),
            category: "marketing".into(),
        }
    }
}

/// What happens to cookies the catalog does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnknownCookies {
    #[default]
    Block,
    Allow,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCookies {
    pub unknown_cookies: UnknownCookies,
    pub strip_request: bool,
    pub rules: Vec<RawCookieRule>,
}

impl Default for RawCookies {
    fn default() -> Self {
        Self { unknown_cookies: UnknownCookies::Block, strip_request: true, rules: Vec::new() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCookieRule {
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub duration: String,
    #[serde(default = "first_party")]
    pub party: crate::catalog::cookies::Party,
}

fn first_party() -> crate::catalog::cookies::Party {
    crate::catalog::cookies::Party::First
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAudit {
    /// `stdout`, or a file path (appended).
    pub sink: String,
    pub queue: usize,
}

impl Default for RawAudit {
    fn default() -> Self {
        Self { sink: "stdout".into(), queue: 1024 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawHtml {
    /// Rewrite HTML responses (neutralise, activate, inject).
    pub rewrite: bool,
    /// Inject Google Consent Mode v2 defaults first in `<head>`.
    pub consent_mode: bool,
    /// Replace the built-in banner.js (the catalog's rules are still prepended).
    pub banner_script_file: Option<PathBuf>,
    /// `private`: pages rewritten per visitor (`Cache-Control: private`, `Vary: Cookie`);
    /// `shared`: one consent-independent page any cache may keep, activated in the browser.
    pub cache_mode: CacheMode,
    /// Neutralise tracker `url()`s in `style` attributes and `<style>` blocks (costs 19–26% of
    /// rewrite throughput: lol_html then reads every element's attributes).
    pub css: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CacheMode {
    #[default]
    Private,
    Shared,
}

impl Default for RawHtml {
    fn default() -> Self {
        Self { rewrite: true, consent_mode: true, banner_script_file: None, cache_mode: CacheMode::Private, css: true }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawTrackers {
    pub rules: Vec<RawTrackerRule>,
    /// Standard filter lists (`[[trackers.lists]]`), asked after the rules and the catalog.
    pub lists: Vec<RawTrackerList>,
    /// Deprecated: one Adblock-syntax list; kept working as a `[[trackers.lists]]` entry.
    pub list_file: Option<PathBuf>,
    /// Deprecated: the category of `list_file` (default `marketing`).
    pub list_category: Option<String>,
    /// Third-party hosts in no rule: `allow` (listed in discovery) or `block` (made inert as
    /// marketing).
    pub unknown_third_party: UnknownThirdParty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackerList {
    pub path: PathBuf,
    /// A declared category id: EasyPrivacy → `analytics`, EasyList → `marketing`.
    pub category: String,
    /// `adblock` (Adblock Plus / uBlock Origin syntax) or `hosts`.
    #[serde(default)]
    pub format: crate::catalog::lists::ListFormat,
    /// Download newer copies from here (`http`/`https`) into `path`.
    pub url: Option<String>,
    /// With `url`: how long a copy is used before asking again (default `1d`).
    #[serde(default, with = "humantime_serde")]
    pub refresh: Option<std::time::Duration>,
    /// With `url`: the limit on one download (default `60s`).
    #[serde(default, with = "humantime_serde")]
    pub timeout: Option<std::time::Duration>,
    /// With `url`: a copy to start from while `path` does not exist yet.
    pub seed: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnknownThirdParty {
    #[default]
    Allow,
    Block,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackerRule {
    /// `www.example.com` (exactly that host), `.example.com` / `*.example.com` (and subdomains),
    /// `example.com/path/` (URL prefix), or, with `inline = true`, a substring of inline scripts.
    pub pattern: String,
    #[serde(default)]
    pub inline: bool,
    /// A declared category, or `none`: not a tracker (overrides a built-in rule).
    pub category: String,
    #[serde(default)]
    pub provider: String,
}
