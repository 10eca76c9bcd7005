//! The config file as written: one serde section per owner. Each section's type, defaults and
//! `compile` live with the module that uses it; this file only lays them side by side, as the
//! TOML has them, plus `[reload]`, which is about reading the configuration itself.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

use crate::access::settings::RawLog;
use crate::catalog::settings::RawTrackers;
use crate::click_ids::RawClickIds;
use crate::consent::audit::RawAudit;
use crate::consent::settings::RawConsent;
use crate::cookies::RawCookies;
use crate::forward::RawForwarding;
use crate::rewrite::banner_config::RawBanner;
use crate::rewrite::settings::RawHtml;
use crate::server::settings::{RawServer, RawShutdown};
use crate::settings::Mode;
use crate::traces::settings::RawTraces;
use crate::upstream::settings::RawUpstream;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub mode: Mode,
    pub consent: RawConsent,
    pub click_ids: RawClickIds,
    pub cookies: RawCookies,
    pub audit: RawAudit,
    pub html: RawHtml,
    pub banner: RawBanner,
    pub trackers: RawTrackers,
    pub server: RawServer,
    pub upstream: RawUpstream,
    pub forwarding: RawForwarding,
    pub log: RawLog,
    pub shutdown: RawShutdown,
    pub reload: RawReload,
    pub traces: RawTraces,
    /// `[services.<id>]`: rename, regroup, hide or define the services visitors choose one by one.
    pub services: BTreeMap<String, crate::consent::services::RawService>,
    /// The `OTEL_*` environment variables, read with the other sources (not a file section).
    #[serde(skip)]
    pub otel_env: BTreeMap<String, String>,
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
