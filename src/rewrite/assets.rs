//! `/__consent/banner.js`: the browser side of the proxy (activation without reload, the client
//! guard, queueing stubs). Built once per config: the catalog's rules as JSON, then the script,
//! named by a content hash so it can be cached for ever and loaded first, synchronously, in
//! `<head>` — before any of the page's own scripts can insert a tracker.

use serde_json::json;
use std::sync::OnceLock;

use super::inject::placeholder_words;
use crate::catalog::cookies::CookiePattern;
use crate::catalog::embeds::EMBEDS;
use crate::catalog::settings::UnknownThirdParty;
use crate::catalog::trackers::{TrackerCatalog, TrackerMatch, NOT_A_TRACKER};
use crate::consent::{ConsentSettings, Lang};
use crate::cookies::CookiePolicy;

/// The script shipped in the binary; `html.banner_script_file` replaces it. One function in
/// several files, each one idea (listed in `banner/prelude.js`), concatenated in this order.
/// tests/browser/run.mjs reads this list to build the same script from the checkout.
pub const BANNER_JS: &str = concat!(
    include_str!("banner/prelude.js"),
    include_str!("banner/state.js"),
    include_str!("banner/classify.js"),
    include_str!("banner/ask.js"),
    include_str!("banner/cookies.js"),
    include_str!("banner/elements.js"),
    include_str!("banner/hold.js"),
    include_str!("banner/guard-dom.js"),
    include_str!("banner/guard-net.js"),
    include_str!("banner/guard-css.js"),
    include_str!("banner/stubs.js"),
    include_str!("banner/activation.js"),
    include_str!("banner/decisions.js"),
    include_str!("banner/ui.js"),
    include_str!("banner/embeds.js"),
    include_str!("banner/start.js"),
);

/// The served script, compressed once, and its cache-busting version.
///
/// Compressed on the first request that asks for each coding, not at load: brotli at quality 11
/// takes a noticeable part of a second on this script, and every configuration load (start,
/// reload, `check`, each test's proxy, each input of the config fuzz target) paid it for a
/// response that may never be asked for in that coding.
#[derive(Debug)]
pub struct ScriptAsset {
    pub body: bytes::Bytes,
    gzip: OnceLock<bytes::Bytes>,
    brotli: OnceLock<bytes::Bytes>,
    pub version: String,
}

impl ScriptAsset {
    pub fn build(
        script: &str,
        trackers: &TrackerCatalog,
        cookies: &CookiePolicy,
        consent: &ConsentSettings,
        unknown_third_party: UnknownThirdParty,
    ) -> Self {
        let rules = guard_rules(trackers, cookies, consent, unknown_third_party);
        let body = format!("window.__consentProxyRules={rules};\n{script}");
        use sha2::{Digest, Sha256};
        let version = Sha256::digest(body.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect();
        Self { body: bytes::Bytes::from(body), gzip: OnceLock::new(), brotli: OnceLock::new(), version }
    }

    fn gzip(&self) -> &bytes::Bytes {
        self.gzip.get_or_init(|| {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(&self.body).and_then(|_| e.finish()).unwrap_or_default().into()
        })
    }

    fn brotli(&self) -> &bytes::Bytes {
        self.brotli.get_or_init(|| {
            let body = &self.body;
            let mut brotli = Vec::new();
            // A window just big enough for the asset: the default (4 MiB) makes the encoder
            // allocate ~40 MB, which the allocator may keep for the life of the process.
            let lgwin = (usize::BITS - body.len().max(1 << 10).leading_zeros()).clamp(10, 24) as i32;
            let params =
                brotli::enc::BrotliEncoderParams { quality: 11, lgwin, size_hint: body.len(), ..Default::default() };
            let _ = brotli::BrotliCompress(&mut body.as_ref(), &mut brotli, &params);
            brotli.into()
        })
    }

    /// The best representation for `Accept-Encoding`: (bytes, `Content-Encoding`).
    pub fn for_client(&self, accept_encoding: Option<&str>) -> (bytes::Bytes, Option<&'static str>) {
        match super::compression::Coding::negotiate(accept_encoding) {
            super::compression::Coding::Brotli if !self.brotli().is_empty() => (self.brotli().clone(), Some("br")),
            super::compression::Coding::Gzip | super::compression::Coding::Zstd
                if accept_encoding.is_some_and(|a| a.contains("gzip")) && !self.gzip().is_empty() =>
            {
                (self.gzip().clone(), Some("gzip"))
            }
            _ => (self.body.clone(), None),
        }
    }
}

/// The same catalog as the server's, in the shape the guard needs: tracker hosts, suffixes and
/// URL prefixes; cookie names (exact, prefix, suffix) of non-necessary categories.
fn guard_rules(
    trackers: &TrackerCatalog,
    cookies: &CookiePolicy,
    consent: &ConsentSettings,
    unknown_third_party: UnknownThirdParty,
) -> String {
    let mut hosts = Vec::new();
    let mut prefixes = Vec::new();
    // Each rule with its provider's service id (a visitor may choose it on its own), if any.
    let service = |provider: &str| {
        consent.services.of_provider(provider).and_then(|i| consent.services.get(i)).map(|s| s.id.as_str())
    };
    for r in trackers.rules() {
        let s = if r.category == NOT_A_TRACKER { None } else { service(&r.provider) };
        match (r.kind, s) {
            (TrackerMatch::Host, None) => hosts.push(json!([r.pattern, 0, r.category])),
            (TrackerMatch::Host, Some(s)) => hosts.push(json!([r.pattern, 0, r.category, s])),
            (TrackerMatch::HostSuffix, None) => hosts.push(json!([r.pattern, 1, r.category])),
            (TrackerMatch::HostSuffix, Some(s)) => hosts.push(json!([r.pattern, 1, r.category, s])),
            (TrackerMatch::UrlPrefix, None) => prefixes.push(json!([r.pattern, r.category])),
            (TrackerMatch::UrlPrefix, Some(s)) => prefixes.push(json!([r.pattern, r.category, s])),
            (TrackerMatch::InlineSignature, _) => {}
        }
    }
    let (mut exact, mut prefix, mut suffix) = (serde_json::Map::new(), Vec::new(), Vec::new());
    for (rule, category, _) in cookies.policy_rules(true) {
        let id = match category {
            Some(c) if consent.categories[c].necessary => "necessary".to_string(),
            Some(c) => consent.categories[c].id.clone(),
            None => "undeclared".into(),
        };
        match &rule.pattern {
            CookiePattern::Exact(name) => {
                exact.insert(name.clone(), json!(id));
            }
            CookiePattern::Glob { prefix: p, suffix: s } if s.is_empty() => prefix.push(json!([p, id])),
            CookiePattern::Glob { prefix: p, suffix: s } if p.is_empty() => suffix.push(json!([s, id])),
            CookiePattern::Glob { prefix: p, suffix: s } => prefix.push(json!([p, id, s])),
        }
    }
    json!({
        "hosts": hosts,
        "prefixes": prefixes,
        "cookies": {"exact": exact, "prefix": prefix, "suffix": suffix},
        "unknownCookies": if cookies.unknown == crate::cookies::UnknownCookies::Allow { "allow" } else { "block" },
        "consentCookie": consent.cookie_name,
        "revision": consent.revision,
        "unknownThirdParty": if unknown_third_party == UnknownThirdParty::Block { "block" } else { "allow" },
        "prefix": consent.prefix,
        "categories": consent.categories.iter().map(|c| json!({
            "id": c.id,
            "necessary": c.necessary,
            "label": {"en": c.label(Lang::En), "sv": c.label(Lang::Sv)},
        })).collect::<Vec<_>>(),
        "embeds": embed_markup(trackers, consent),
        "placeholder": {"en": placeholder_words(Lang::En), "sv": placeholder_words(Lang::Sv)},
    })
    .to_string()
}

/// The embeds written as markup plus a loader script (a tweet's `<blockquote>` and `widgets.js`):
/// `[selectors, provider, category, service]` for banner.js, which shows a click-to-load placeholder after
/// such markup while the category is refused. Provider and category are the catalog's as
/// configured, judged on the preset's example URL (an embed an operator allowed with `none`
/// gets no placeholder).
fn embed_markup(trackers: &TrackerCatalog, consent: &ConsentSettings) -> Vec<serde_json::Value> {
    EMBEDS
        .iter()
        .filter(|e| !e.containers.is_empty())
        .filter_map(|e| {
            let rule = trackers.classify_url(e.example, None)?;
            if rule.category == NOT_A_TRACKER {
                return None;
            }
            // With its service: [selectors, name, category, service id].
            let service = consent.services.of_provider(&rule.provider).and_then(|i| consent.services.get(i));
            Some(match service {
                Some(s) => json!([e.containers.join(", "), s.name, rule.category, s.id]),
                None => json!([e.containers.join(", "), rule.provider, rule.category]),
            })
        })
        .collect()
}
