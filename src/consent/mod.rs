//! Consent: the categories a visitor can grant, the visitor's state as read from the consent
//! cookie (plus Global Privacy Control), and the compiled consent settings.
//!
//! - [`codec`]: the consent cookie value (versioned, HMAC-signed with a key ring).
//! - [`endpoint`]: `/__consent` (decisions, state JSON, policy page).
//! - [`audit`]: proof of consent, one JSON line per decision.
//! - [`policy`]: the cookie-policy page generated from the catalog.

pub mod audit;
pub mod classify;
pub mod codec;
pub mod endpoint;
pub mod gpc;
pub mod import;
pub mod policy;
pub mod rate_limit;
pub mod services;
pub mod set_cookie;
pub mod settings;

pub use services::{ServiceChoices, ServiceTable};
pub use settings::{Category, ConsentSettings, Lang, TrackingEndpoint};

use http::HeaderMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// A set of category indexes (bit i = category i of [`ConsentSettings::categories`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CategorySet(u64);

impl CategorySet {
    pub const EMPTY: Self = Self(0);

    pub fn with(self, index: usize) -> Self {
        Self(self.0 | (1 << index))
    }

    pub fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1 << index) != 0
    }

    /// Indexes in `self` and not in `other`.
    pub fn minus(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// The indexes, lowest first; one step per member (not 64 tests: this runs per request).
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let index = (rest != 0).then(|| rest.trailing_zeros() as usize)?;
            rest &= rest - 1;
            Some(index)
        })
    }

    /// Bit i set for category i.
    pub fn bits(self) -> u64 {
        self.0
    }
}

/// What the visitor agreed to, for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentState {
    /// A valid decision cookie of the current revision was present.
    pub decided: bool,
    pub granted: CategorySet,
    /// Services granted or refused apart from their category (empty for most visitors).
    pub services: ServiceChoices,
    /// The browser sent `Sec-GPC: 1`.
    pub gpc: bool,
    pub consent_id: Option<String>,
    /// Unix seconds.
    pub decided_at: Option<u64>,
}

impl ConsentState {
    /// Whether `category` is granted as a whole: what decides for trackers and cookies of no
    /// known service. For a provider's, ask [`Self::allows_provider`].
    pub fn allows(&self, category: usize) -> bool {
        self.granted.contains(category)
    }

    /// Whether a tracker or cookie of `provider` in `category` may run: the visitor's choice for
    /// the provider's service if they made one, else the category's. Costs nothing more than
    /// [`Self::allows`] for a visitor who chose by category only.
    pub fn allows_provider(&self, settings: &ConsentSettings, category: usize, provider: &str) -> bool {
        if self.services.is_empty() {
            return self.allows(category);
        }
        self.allows_service(settings.services.of_provider(provider), category)
    }

    /// [`Self::allows_provider`] for a service already looked up.
    pub fn allows_service(&self, service: Option<u16>, category: usize) -> bool {
        service.and_then(|s| self.services.choice(s)).unwrap_or_else(|| self.allows(category))
    }

    /// Everything granted: every category, and no service refused.
    pub fn grants_everything(&self, settings: &ConsentSettings) -> bool {
        self.granted == settings.all() && self.services.refused().is_empty()
    }
}

pub fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Reads the visitor's consent from every `Cookie` header (HTTP/2 sends several). A missing,
/// malformed, tampered, expired or older-revision cookie means undecided: only necessary.
pub fn read_state(settings: &ConsentSettings, headers: &HeaderMap) -> ConsentState {
    static SEC_GPC: http::HeaderName = http::HeaderName::from_static("sec-gpc");
    let gpc = headers.get(&SEC_GPC).is_some_and(|v| v.as_bytes().trim_ascii() == b"1");
    // The clock is read only when there is a consent cookie to check against it.
    let mut now = None;
    let best = cookie_values(headers, &settings.cookie_name)
        .filter_map(|value| codec::decode(settings, value, *now.get_or_insert_with(now_unix)))
        .max_by_key(|d| d.decided_at);
    match best {
        Some(d) => ConsentState {
            decided: true,
            granted: d.granted,
            services: d.services,
            gpc,
            consent_id: Some(d.consent_id),
            decided_at: Some(d.decided_at),
        },
        None => ConsentState {
            decided: false,
            granted: settings.necessary_only(),
            services: ServiceChoices::default(),
            gpc,
            consent_id: None,
            decided_at: None,
        },
    }
}

/// Values of every cookie called `name` across all `Cookie` headers.
fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    cookie_pairs(headers).filter(move |(n, _)| *n == name).map(|(_, v)| v)
}

/// `(name, value)` of every well-formed cookie across all `Cookie` headers; names and values
/// trimmed. A piece that is not UTF-8 is skipped here (see [`cookie_pieces`]).
pub fn cookie_pairs(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    cookie_pieces(headers).filter_map(Result::ok)
}

/// Every `;`-separated piece of every `Cookie` header: `Ok((name, value))`, or `Err(())` for a
/// piece that is not UTF-8 (which enforcement drops rather than passes through unread).
pub fn cookie_pieces(headers: &HeaderMap) -> impl Iterator<Item = Result<(&str, &str), ()>> {
    headers.get_all(http::header::COOKIE).iter().flat_map(|v| v.as_bytes().split(|b| *b == b';')).filter_map(|piece| {
        let Ok(pair) = std::str::from_utf8(piece) else { return Some(Err(())) };
        let pair = pair.trim();
        if pair.is_empty() {
            return None;
        }
        Some(Ok(match pair.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => ("", pair),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::CategorySet;

    #[test]
    fn a_category_set_lists_its_members_lowest_first() {
        let set = CategorySet::EMPTY.with(63).with(0).with(5);
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 5, 63]);
        assert_eq!(set.bits(), 1 | 1 << 5 | 1 << 63);
        assert_eq!(CategorySet::EMPTY.iter().count(), 0);
        assert!(set.contains(63) && !set.contains(64) && !set.contains(1));
    }
}
