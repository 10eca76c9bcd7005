//! Built-in catalogs: cookie rules (the embedded Open Cookie Database plus our own framework
//! cookies), compiled once at config load into fast matchers.

mod cookie_rule;
pub mod cookies;
pub mod embeds;
pub mod lists;
mod ocd;
mod provider;
pub mod settings;
pub mod snippets;
mod tracker_rule;
pub mod trackers;
mod trackers_data;
mod url_shape;

/// FNV-1a: cheap for short names and hosts. The tables hold trusted rule patterns only, so
/// attacker-chosen lookup keys cannot lengthen probe chains (no HashDoS concern).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The registrable domain ("site") of a lowercase host, by the Public Suffix List: `shop.co.uk`
/// for `www.shop.co.uk`, so `ads.co.uk` is another site. A host that is itself a public suffix,
/// or an IP address, is its own site.
pub fn site(host: &str) -> &str {
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host;
    }
    psl::domain_str(host).unwrap_or(host)
}
