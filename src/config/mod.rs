//! Configuration: loaded once from built-in defaults < TOML file < environment < CLI flags,
//! validated into typed structs, and re-loaded the same way on `SIGHUP` or a file change.
//!
//! The assembler above the domain modules: it reads the sources, hands each `[section]` to the
//! module that owns it (its serde type, defaults and `compile` live there) and puts the results
//! together as [`Config`]. No module it hands a section to imports it. Every error names the key
//! that is wrong, so `consent-proxy check` and a failed start tell the operator what to fix.

pub(crate) mod raw;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::access::settings::LogConfig;
use crate::catalog::trackers::TrackerCatalog;
use crate::click_ids::ClickIds;
use crate::consent::audit::AuditConfig;
use crate::consent::settings::ConsentSettings;
use crate::cookies::CookiePolicy;
use crate::forward::ForwardingConfig;
use crate::rewrite::banner_config::Banner;
use crate::rewrite::settings::HtmlConfig;
use crate::server::settings::{ServerConfig, ShutdownConfig};
use crate::settings::{positive, Mode, SettingsError};
use crate::thumbnails::settings::Thumbnails;
use crate::traces::settings::TracesSettings;
use crate::upstream::settings::UpstreamConfig;
use raw::RawConfig;

/// Prefix of the long-form environment variables: `CONSENT_PROXY__SECTION__KEY`.
pub const ENV_PREFIX: &str = "CONSENT_PROXY";

/// A configuration error, naming the key at fault (the type every section's `compile` returns).
pub type ConfigError = SettingsError;

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
                .map_err(|e| SettingsError::new(path.display().to_string(), format!("cannot read config file: {e}")))?;
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
            builder = builder.set_override(key.as_str(), value.as_str()).map_err(|e| SettingsError::new(key, e))?;
        }
        let merged = builder.build().map_err(|e| SettingsError::new(self.file_label(), e))?;
        let mut raw: RawConfig = serde_path_to_error::deserialize(merged).map_err(path_error)?;
        raw.otel_env = match &self.env {
            Some(env) => {
                env.iter().filter(|(k, _)| k.starts_with("OTEL_")).map(|(k, v)| (k.clone(), v.clone())).collect()
            }
            None => std::env::vars().filter(|(k, _)| k.starts_with("OTEL_")).collect(),
        };
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
    SettingsError::new(key, message)
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `enforce`, or `report`: nothing removed, everything that would be is logged and counted.
    pub mode: Mode,
    pub consent: ConsentSettings,
    /// Ad click identifiers removed from URLs while their category is refused.
    pub click_ids: ClickIds,
    /// The compiled cookie catalog and enforcement switches.
    pub cookies: Arc<CookiePolicy>,
    pub audit: AuditConfig,
    /// Crate version and rule count, recorded with each decision.
    pub catalog_version: String,
    /// The compiled tracker catalog (built-in + `[trackers]`).
    pub trackers: Arc<TrackerCatalog>,
    /// `banner.thumbnails`: held embeds' thumbnails served from this site.
    pub thumbnails: Arc<Thumbnails>,
    pub html: HtmlConfig,
    /// Banner texts, theme and position.
    pub banner: Arc<Banner>,
    pub server: ServerConfig,
    pub upstream: UpstreamConfig,
    pub forwarding: ForwardingConfig,
    pub log: LogConfig,
    pub shutdown: ShutdownConfig,
    pub reload: ReloadConfig,
    /// `[traces]` and the `OTEL_*` variables: OpenTelemetry export, off by default.
    pub traces: TracesSettings,
}

#[derive(Debug, Clone)]
pub struct ReloadConfig {
    /// Re-load when the config file (or a TLS/CA file) changes: a mounted ConfigMap cannot signal.
    pub watch: bool,
    pub interval: Duration,
}

impl TryFrom<RawConfig> for Config {
    type Error = SettingsError;

    /// Each section to its owner, in an order that keeps the first error the one `check` has
    /// always reported for a file with several mistakes.
    fn try_from(raw: RawConfig) -> Result<Self, SettingsError> {
        let server = crate::server::settings::compile(raw.server)?;
        let upstream = crate::upstream::settings::compile(raw.upstream)?;
        let forwarding = crate::forward::compile(raw.forwarding)?;
        let log = crate::access::settings::compile(raw.log)?;
        let shutdown = crate::server::settings::compile_shutdown(raw.shutdown);
        let reload =
            ReloadConfig { watch: raw.reload.watch, interval: positive("reload.interval", raw.reload.interval)? };
        let mut consent = ConsentSettings::compile(raw.consent)?;
        // Built once: the services are named after the same rules the catalog compiles.
        let builtin = TrackerCatalog::builtin_rules();
        consent.services =
            Arc::new(crate::catalog::settings::services(&builtin, &raw.trackers, &raw.services, &consent)?);
        let cookies = CookiePolicy::compile(raw.cookies, &consent)?;
        let click_ids = ClickIds::compile(raw.click_ids, &consent)?;
        let unknown_third_party = raw.trackers.unknown_third_party;
        let trackers = crate::catalog::settings::compile(raw.trackers, builtin, &consent)?;
        let catalog_version = format!("{}+{}+{}", env!("CARGO_PKG_VERSION"), cookies.rule_count(), trackers.len());
        let audit = crate::consent::audit::compile(raw.audit)?;
        let html = crate::rewrite::settings::compile(raw.html, &trackers, &cookies, &consent, unknown_third_party)?;
        let thumbnails =
            Thumbnails::compile(raw.banner.thumbnails, raw.banner.thumbnails_origin.as_deref(), &trackers, &consent)?;
        let banner = Arc::new(Banner::compile(raw.banner)?);
        let traces = crate::traces::settings::compile(raw.traces, &raw.otel_env)?;
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
            traces,
        })
    }
}

#[cfg(test)]
mod tests;
