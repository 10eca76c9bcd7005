//! What every section's settings share, and nothing else: the error that names the key at fault,
//! the list syntax of flags and environment variables, the check for durations that must not be
//! zero, and the proxy-wide `mode`. A leaf: it imports no module of ours, so each domain module can
//! own its `[section]` (the serde type, its defaults and `compile`) without importing `config`,
//! which only reads the sources and hands each section to its owner.

use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// A configuration error, naming the key at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// Dotted key (`server.listen`), or the file path for unreadable files.
    pub key: String,
    pub message: String,
}

impl SettingsError {
    pub fn new(key: impl Into<String>, message: impl fmt::Display) -> Self {
        Self { key: key.into(), message: message.to_string() }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config key `{}`: {}", self.key, self.message)
    }
}

impl std::error::Error for SettingsError {}

/// A duration that must be more than zero (timeouts, intervals).
pub fn positive(key: &str, d: Duration) -> Result<Duration, SettingsError> {
    if d.is_zero() {
        return Err(SettingsError::new(key, "must be greater than zero"));
    }
    Ok(d)
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
