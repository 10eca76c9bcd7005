//! `[log]`: the format and level of log lines, and what the access log keeps of personal data.

use serde::Deserialize;
use std::net::IpAddr;

use crate::settings::SettingsError;

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
    pub access_log: bool,
    pub client_ip: ClientIpLog,
    pub query: QueryLog,
}

pub fn compile(raw: RawLog) -> Result<LogConfig, SettingsError> {
    let log = LogConfig {
        format: raw.format,
        level: raw.level,
        access_log: raw.access_log,
        client_ip: raw.client_ip,
        query: raw.query,
    };
    tracing_subscriber::EnvFilter::try_new(&log.level).map_err(|e| SettingsError::new("log.level", e))?;
    Ok(log)
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

/// The client address for the log: IPv4 to /24, IPv6 to /48 by default.
pub fn loggable_ip(ip: IpAddr, mode: ClientIpLog) -> Option<String> {
    match (mode, ip.to_canonical()) {
        (ClientIpLog::None, _) => None,
        (ClientIpLog::Full, ip) => Some(ip.to_string()),
        (ClientIpLog::Truncated, IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0"))
        }
        (ClientIpLog::Truncated, IpAddr::V6(v6)) => {
            let s = v6.segments();
            Some(std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0).to_string())
        }
    }
}
