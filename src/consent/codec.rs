//! The consent cookie's value:
//!
//! ```text
//! 1.<revision>.<decided_at>.<consent_id>.<category~category~+service~-service…>[.<key id>.<HMAC-SHA256>]
//! ```
//!
//! Version `1`; unix seconds; a random 128-bit id (base64url); granted category ids joined by `~`,
//! then the visitor's choices per service that differ from their category: `+id` granted while
//! its category is refused, `-id` refused while it is granted (all cookie-octets, no quoting
//! needed). A cookie written before services existed has no `+`/`-` items and reads the same;
//! an unknown category or service id (removed from the config since) is skipped. When secrets are configured the value is signed with
//! the first key of the ring and verified against any key of the ring, so keys rotate without
//! re-asking everyone: add the new secret first, keep the old one until old cookies expire.
//! Anything that does not decode, verify, match the revision or is past its lifetime is `None`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;

use super::{CategorySet, ConsentSettings, ServiceChoices};
use crate::settings::SettingsError;

type HmacSha256 = Hmac<Sha256>;

/// Longest value we try to decode (and write: a decision that would not fit is refused); anything
/// longer is garbage. Browsers keep a cookie of up to 4096 bytes, name included.
pub const MAX_LEN: usize = 3072;
/// Clock skew tolerated for a decision time in the future.
const SKEW_SECS: u64 = 300;

/// Signing keys; the first signs, all verify. Secrets are never printed.
#[derive(Clone, Default)]
pub struct KeyRing {
    keys: Vec<(String, Vec<u8>)>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "KeyRing {{ key_ids: {ids:?}, secrets: <redacted> }}")
    }
}

impl KeyRing {
    /// Secrets from config/env, then from the file (one per line, `#` comments). Each key's id is
    /// derived from the secret, so reordering or adding keys keeps old cookies verifiable.
    pub fn load(secrets: &[String], file: Option<&Path>) -> Result<Self, SettingsError> {
        let mut all: Vec<String> = secrets.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| SettingsError {
                key: "consent.secret_file".into(),
                message: format!("cannot read {}: {e}", path.display()),
            })?;
            all.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from));
        }
        if all.iter().any(|s| s.len() < 32) {
            return Err(SettingsError {
                key: "consent.secrets".into(),
                message: "each secret must be at least 32 characters (e.g. `openssl rand -base64 32`)".into(),
            });
        }
        let keys = all
            .into_iter()
            .map(|s| {
                let id = URL_SAFE_NO_PAD.encode(&Sha256::digest(s.as_bytes())[..6]);
                (id, s.into_bytes())
            })
            .collect();
        Ok(Self { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn sign(&self, key: &[u8], payload: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    fn verify(&self, key_id: &str, payload: &str, signature: &str) -> bool {
        let Some((_, key)) = self.keys.iter().find(|(id, _)| id == key_id) else { return false };
        let Ok(sig) = URL_SAFE_NO_PAD.decode(signature) else { return false };
        let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        mac.verify_slice(&sig).is_ok()
    }
}

/// A decoded, valid decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub granted: CategorySet,
    /// Exceptions to the categories, per service.
    pub services: ServiceChoices,
    pub decided_at: u64,
    pub consent_id: String,
}

pub fn new_consent_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

pub fn encode(settings: &ConsentSettings, d: &Decision) -> String {
    let mut items: Vec<String> =
        d.granted.iter().filter_map(|i| settings.categories.get(i)).map(|c| c.id.clone()).collect();
    let table = &settings.services;
    let services = d.services.clone().exceptions(table, d.granted);
    for (sign, list) in [('+', services.granted()), ('-', services.refused())] {
        items.extend(list.iter().filter_map(|&i| table.get(i)).map(|s| format!("{sign}{}", s.id)));
    }
    let payload = format!("1.{}.{}.{}.{}", settings.revision, d.decided_at, d.consent_id, items.join("~"));
    match settings.keys.keys.first() {
        Some((id, key)) => {
            let sig = settings.keys.sign(key, &payload);
            format!("{payload}.{id}.{sig}")
        }
        None => payload,
    }
}

pub fn decode(settings: &ConsentSettings, value: &str, now: u64) -> Option<Decision> {
    if value.len() > MAX_LEN || !value.is_ascii() {
        return None;
    }
    let value = value.trim_matches('"');
    let parts: Vec<&str> = value.split('.').collect();
    let payload_parts = match (parts.len(), settings.keys.is_empty()) {
        (5, true) => 5,
        (7, false) => {
            let payload_len = value.len() - parts[5].len() - parts[6].len() - 2;
            if !settings.keys.verify(parts[5], &value[..payload_len], parts[6]) {
                return None;
            }
            5
        }
        _ => return None,
    };
    let p = &parts[..payload_parts];
    if p[0] != "1" || p[1].parse::<u32>().ok()? != settings.revision {
        return None;
    }
    let decided_at: u64 = p[2].parse().ok()?;
    let consent_id = p[3];
    if consent_id.len() != 22 || URL_SAFE_NO_PAD.decode(consent_id).is_err() {
        return None;
    }
    let mut granted = settings.necessary_only();
    let mut services = ServiceChoices::default();
    for item in p[4].split('~').filter(|s| !s.is_empty()) {
        // A category or service removed from the config since is simply not granted any more.
        if let Some(i) = settings.category_index(item) {
            granted = granted.with(i);
            continue;
        }
        let (sign, id) = item.split_at(1);
        if let (true, Some(i)) = (sign == "+" || sign == "-", settings.services.index(id)) {
            services.set(i, sign == "+");
        }
    }
    let services = services.exceptions(&settings.services, granted);
    let lifetime = settings.lifetime(granted, &services).as_secs();
    if decided_at > now + SKEW_SECS || decided_at.saturating_add(lifetime) < now {
        return None;
    }
    Some(Decision { granted, services, decided_at, consent_id: consent_id.to_string() })
}

#[cfg(test)]
mod tests;
