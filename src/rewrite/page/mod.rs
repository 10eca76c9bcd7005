//! The per-page rewriting rules, as lol_html handlers sharing one [`Page`]:
//!
//! - **neutralise** trackers of refused categories: external and inline scripts become
//!   `type="text/plain"` with `data-consent-category` (original `src`/`type` kept in
//!   `data-consent-*`), pixels and media lose their URLs, tracker iframes get a click-to-load
//!   placeholder, resource hints and `<a ping>` to trackers are disarmed, `<noscript>` content is
//!   rewritten as HTML too (a browser without JavaScript parses it);
//! - **activate** site-marked scripts and iframes whose category is granted (ours, Cookiebot,
//!   vanilla-cookieconsent, Klaro, OneTrust markup);
//! - **inject** Consent Mode defaults first in `<head>` and the banner or shield before `</body>`.
//!
//! In report-only mode the handlers count what they would do and change nothing.

use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::send::Element as SendElement;
use lol_html::HandlerTypes;
use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard};
use url::Url;

use super::inject;

mod css;
mod hints;
pub mod html;
mod inline;
mod marked;
mod noscript;
mod resources;

use crate::catalog::lists::RequestKind;
use crate::catalog::trackers::{BaseMemo, TrackerRule};
use crate::consent::{ConsentState, Lang};
use crate::state::{Runtime, Shared};
pub use css::{style, style_attr, style_text};
use inline::is_js_type;
pub use inline::{script, script_text};
use marked::handle_marked;
pub use noscript::{noscript, noscript_script, noscript_text};
use resources::srcset_candidates;
pub use resources::{resource, resource_as, Res};

/// Inline scripts are classified on at most this prefix; larger ones pass after it.
pub(super) const INLINE_PREFIX: usize = 64 * 1024;
/// An inert copy of an inline tracker keeps at most this much text.
pub(super) const INLINE_MAX: usize = 512 * 1024;
/// `<noscript>` content rewritten as HTML, at most; beyond, it is dropped (fail closed).
pub(super) const NOSCRIPT_MAX: usize = 64 * 1024;
pub(super) const SVG_NS: &str = "http://www.w3.org/2000/svg";
pub(super) const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Everything the handlers of one response share.
pub struct Page {
    pub rt: Arc<Runtime>,
    pub shared: Arc<Shared>,
    pub state: ConsentState,
    pub lang: Lang,
    pub report: bool,
    pub base: Option<Url>,
    /// The tracker lookup of `base`'s host, shared by the page's path-relative URLs.
    pub(super) base_memo: BaseMemo,
    /// A `<base href>` has been applied: browsers use only the first one.
    pub(super) base_from_element: bool,
    /// The page's own host (from its URL, not `<base href>`): the context filter lists see.
    pub(super) page_host: Option<String>,
    /// The page's own origin (`scheme://host[:port]`), from its URL.
    pub(super) page_origin: Option<String>,
    /// `base`'s host, lowercase, without a trailing dot: URLs on its site are not third parties.
    base_host: Option<String>,
    /// Unknown third-party hosts this page already put in the discovery inventory (its count is
    /// of pages, and the inventory's lock is taken once per host per page).
    recorded: Vec<String>,
    /// The `<noscript>` being read is in SVG or MathML, where its content is live markup.
    pub(super) noscript_foreign: bool,
    /// Bytes appended at the very end of the document (no `</body>`), see [`super::body`].
    pub appended_at_end: usize,
    pub return_to: String,
    /// The Consent Mode snippet with its `<script>` tag, until injected.
    pub head_snippet: Option<String>,
    /// Whether the banner/shield has been injected.
    pub banner_done: bool,
    /// Tracker providers seen on the page, for the banner.
    pub providers: Vec<String>,
    /// The request's trace (traces on): counts what is made inert.
    pub tally: Option<Arc<crate::traces::Tally>>,
    /// Inline scripts being examined, innermost last: in SVG a script can contain another.
    pub(super) inline: Vec<Inline>,
    /// The open `<script>`s and `<style>`s whose text is being read, innermost last. In SVG their
    /// content is markup, so one can hold the other, and lol_html hands a text chunk to the
    /// handlers of every open one: the chunk is the innermost one's.
    pub(super) readers: Vec<Reader>,
    /// Verdicts on hosts named in inline scripts, for the client guard ([`hints`]).
    hints: hints::Hints,
}

/// Whose text a chunk is (see [`Page::readers`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Reader {
    Script,
    Style,
}

impl Page {
    /// Whether the text being read now belongs to the innermost open `reader`.
    pub(super) fn text_is(&self, reader: Reader) -> bool {
        self.readers.last().is_none_or(|r| *r == reader)
    }

    /// `reader`'s end tag: its innermost entry goes.
    pub(super) fn close_reader(&mut self, reader: Reader) {
        if let Some(i) = self.readers.iter().rposition(|r| *r == reader) {
            self.readers.remove(i);
        }
    }
}

/// An inline script being examined.
pub(super) struct Inline {
    /// `<script type="speculationrules">`: judged by the URLs in its JSON.
    speculation: bool,
    attrs: Vec<(String, String)>,
    text: String,
    /// `None` until decided; then the refused tracker's (category, provider), if any.
    verdict: Option<Option<(usize, String)>>,
    truncated: bool,
    /// An SVG script: its content is markup, so text can follow a child element. Each text node
    /// is judged together with the text before it (kept here, bounded) until the end tag.
    svg: Option<String>,
}

pub type PageRef = Arc<Mutex<Page>>;

impl Page {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rt: Arc<Runtime>,
        shared: Arc<Shared>,
        state: ConsentState,
        lang: Lang,
        base: Option<Url>,
        return_to: String,
        head_snippet: Option<String>,
    ) -> Self {
        let report = rt.config.mode == crate::settings::Mode::Report;
        let page_host = base.as_ref().and_then(|u| u.host_str()).map(|h| h.trim_end_matches('.').to_ascii_lowercase());
        let page_origin = base.as_ref().map(|u| u.origin().ascii_serialization()).filter(|o| o != "null");
        let base_host = page_host.clone();
        Self {
            rt,
            shared,
            state,
            lang,
            report,
            base,
            base_memo: BaseMemo::default(),
            base_from_element: false,
            page_host,
            page_origin,
            base_host,
            recorded: Vec::new(),
            noscript_foreign: false,
            appended_at_end: 0,
            return_to,
            head_snippet,
            banner_done: false,
            providers: Vec::new(),
            tally: None,
            inline: Vec::new(),
            readers: Vec::new(),
            hints: hints::Hints::default(),
        }
    }

    /// The refused tracker behind `url`, as (category index, provider); records the provider.
    /// A third-party host in no rule is listed for discovery and, with
    /// `unknown_third_party = "block"`, refused as marketing.
    /// `kind` is how the browser would load it (filter-list options such as `$script` depend on
    /// it); lists are asked only for third-party URLs in no rule.
    pub(super) fn refused_url(&mut self, url: &str, kind: RequestKind) -> Option<(usize, String)> {
        let trackers = self.rt.config.trackers.clone();
        match trackers.classify_url_rule_memo(url, self.base.as_ref(), &mut self.base_memo) {
            Some(rule) if rule.category == crate::catalog::trackers::NOT_A_TRACKER => None,
            Some(rule) => self.refused_rule(rule),
            None => self.unknown_third_party(url, kind),
        }
    }

    /// `banner.thumbnails`: the same-origin URL that serves `url` when it is the thumbnail of a
    /// held embed provider (`crate::thumbnails`); `None` for anything else, and in report-only.
    pub(super) fn thumbnail_url(&self, url: &str) -> Option<String> {
        let thumbnails = &self.rt.config.thumbnails;
        if !thumbnails.enabled || self.report || !url.contains("//") {
            return None;
        }
        let parsed = crate::catalog::trackers::parse_url(url.trim(), self.base.as_ref())?;
        thumbnails.local_url(&parsed, &self.state, &self.rt.config.consent.prefix)
    }

    /// Moves relative URLs to `base` (the page's URL, then the first `<base href>`).
    pub(super) fn set_base(&mut self, base: Url) {
        self.base_host = base.host_str().map(|h| h.trim_end_matches('.').to_ascii_lowercase());
        self.base = Some(base);
        self.base_memo = BaseMemo::default();
    }

    pub(super) fn unknown_third_party(&mut self, url: &str, kind: RequestKind) -> Option<(usize, String)> {
        let u = url.trim_start();
        // Relative URLs stay on the page's own host: the common case costs no parsing.
        let maybe_other_host = u.starts_with("//") || u.starts_with("\\") || u.starts_with("/\\") || u.contains(':');
        if !maybe_other_host {
            return None;
        }
        // An absolute URL on the page's own site, in the canonical form the parser would not
        // change: no parse (rules were asked first, so a first-party tracking path is caught).
        let special = self.base.as_ref().is_some_and(|b| matches!(b.scheme(), "http" | "https"));
        let own = self.base_host.as_deref();
        if let (Some(own), Some(host)) = (own, crate::catalog::trackers::quick_host(u, special)) {
            if same_site(own, host) {
                return None;
            }
        }
        let parsed = crate::catalog::trackers::parse_url(u, self.base.as_ref())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return None;
        }
        let host = parsed.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        if own.is_some_and(|own| same_site(own, &host)) {
            return None;
        }
        let trackers = self.rt.config.trackers.clone();
        if let Some(hit) = trackers.lists().check(parsed.as_str(), &host, self.page_host.as_deref(), kind) {
            let provider = crate::catalog::site(&host).to_owned();
            return self.refused_category(hit.category, provider);
        }
        if !self.recorded.contains(&host) {
            if self.shared.inventory.record_host(&host) {
                tracing::info!(host, "unknown third-party host: classify it in trackers.rules");
            }
            if self.recorded.len() < 256 {
                self.recorded.push(host.clone());
            }
        }
        if self.rt.config.html.unknown_third_party == crate::catalog::settings::UnknownThirdParty::Block {
            let marketing = self.rt.config.consent.category_index("marketing")?;
            return (!self.state.allows(marketing)).then_some((marketing, host));
        }
        None
    }

    pub(super) fn refused_rule(&mut self, rule: &TrackerRule) -> Option<(usize, String)> {
        self.refused_category(&rule.category, rule.provider.clone())
    }

    /// Records `provider` for the banner; the refused (category index, provider), if refused.
    fn refused_category(&mut self, category: &str, provider: String) -> Option<(usize, String)> {
        let index = self.rt.config.consent.category_index(category);
        if !self.providers.contains(&provider) {
            self.providers.push(provider.clone());
        }
        match index {
            Some(c) if self.state.allows_provider(&self.rt.config.consent, c, &provider) => None,
            // An undeclared category cannot be granted: treat as the strictest refusal.
            Some(c) => Some((c, provider)),
            None => self.rt.config.consent.category_index("marketing").map(|c| (c, provider)),
        }
    }

    pub(super) fn count(&self, kind: &str, category: usize) {
        let id = &self.rt.config.consent.categories[category].id;
        let m = &self.shared.metrics;
        if self.report {
            m.report_only_total.with_label_values(&[&format!("element_{kind}"), id]).inc();
        } else {
            m.elements_neutralized_total.with_label_values(&[kind, id]).inc();
            if let Some(tally) = &self.tally {
                tally.neutralised(kind, id);
            }
        }
    }

    /// The document ended inside an HTML `<script>` the rewriter was reading (its end tag never
    /// came). An SVG script there is popped by the next HTML tag without running.
    pub fn in_unterminated_script(&self) -> bool {
        self.inline.iter().any(|i| i.svg.is_none())
    }

    pub(super) fn take_head_snippet(&mut self) -> Option<String> {
        if self.report {
            return None;
        }
        let snippet = self.head_snippet.take()?;
        // Injected after a <base href> to another site (no <head> tag before it): banner.js must
        // still come from this site.
        let origin = self.own_origin();
        if origin.is_empty() {
            return Some(snippet);
        }
        let prefix = &self.rt.config.consent.prefix;
        Some(snippet.replace(&format!(" src=\"{prefix}/"), &format!(" src=\"{origin}{prefix}/")))
    }

    /// The page's own `scheme://host` when a `<base href>` has moved relative URLs to another
    /// origin, so the proxy's own URLs (banner.js, banner.css, the form) still reach this site;
    /// else empty.
    pub(super) fn own_origin(&self) -> &str {
        match (&self.page_origin, &self.base) {
            (Some(own), Some(base)) if self.base_from_element && base.origin().ascii_serialization() != *own => own,
            _ => "",
        }
    }

    pub(super) fn placeholder(&self, category: usize, provider: &str, url: Option<&str>) -> String {
        let s = &self.rt.config.consent;
        let held = inject::Held { category, provider, service: s.services.of_provider(provider), url };
        inject::iframe_placeholder(s, &self.state, &held, self.lang, &self.return_to, self.own_origin())
    }
}

pub(super) fn lock(page: &PageRef) -> MutexGuard<'_, Page> {
    page.lock().unwrap_or_else(|e| e.into_inner())
}

/// An attribute's value as the browser reads it. lol_html hands values over as written, with
/// character references undecoded: `style="background:url(&quot;https://t.example/x&quot;)"`,
/// `src="https://t.example/p?a=1&amp;b=2"` or a `srcdoc` of `&lt;script src=&quot;…&quot;&gt;`
/// would otherwise be judged on text the browser never sees.
/// Borrowed from the page's bytes when nothing needs decoding (the usual case: no copy).
pub(super) fn attr_value<'a, H: HandlerTypes>(el: &'a Element<'_, '_, H>, name: &str) -> Option<Cow<'a, str>> {
    el.get_attribute_cow(name).map(decoded)
}

/// `raw` (an attribute value as written) with its character references decoded exactly as the
/// HTML tokenizer decodes them in an attribute value (`htmlize`, WHATWG rules): numeric ones
/// without `;` (`&#46`, `&#x2F`, leading zeros), zero, surrogates and out-of-range → U+FFFD,
/// 0x80–0x9F through windows-1252, legacy named ones without `;` except before `=` or an
/// alphanumeric. A raw NUL becomes U+FFFD, as the tokenizer makes it. No copy when it has none.
pub(super) fn decoded(raw: Cow<'_, str>) -> Cow<'_, str> {
    let raw = if raw.contains('\0') { Cow::Owned(raw.replace('\0', "\u{fffd}")) } else { raw };
    if !raw.contains('&') {
        return raw;
    }
    htmlize::unescape_attribute(raw)
}

/// A decoded value written back with `set_attribute`, which escapes `"` only: `&` is escaped
/// here, so the browser decodes exactly `value` again.
pub(super) fn set_decoded<H: HandlerTypes>(el: &mut Element<'_, '_, H>, name: &str, value: &str) {
    let _ = if value.contains('&') {
        el.set_attribute(name, &value.replace('&', "&amp;"))
    } else {
        el.set_attribute(name, value)
    };
}

/// Moves `attr` to `data-consent-<attr>`.
pub(super) fn stash<H: HandlerTypes>(el: &mut Element<'_, '_, H>, attr: &str) {
    if let Some(v) = el.get_attribute(attr) {
        // SVG's legacy xlink:href comes back as plain href (SVG 2), which banner.js restores.
        let kept = if attr == "xlink:href" { "href" } else { attr };
        let _ = el.set_attribute(&format!("data-consent-{kept}"), &v);
        el.remove_attribute(attr);
    }
}

/// Marks a held element with its category and provider. Its service is not written: banner.js
/// finds it from the held URL with the same rules (an attribute per element cost ~1.5 % of a
/// tracker-heavy page's rewrite). An element that holds no URL gets [`mark_service`].
pub(super) fn mark<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &Page, category: usize, provider: &str) {
    let _ = el.set_attribute("data-consent-category", &page.rt.config.consent.categories[category].id);
    let _ = el.set_attribute("data-consent-provider", provider);
}

/// The service of a held element banner.js cannot find from a URL (a frame's `srcdoc`).
pub(super) fn mark_service<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &Page, provider: &str) {
    let services = &page.rt.config.consent.services;
    if let Some(s) = services.of_provider(provider).and_then(|s| services.get(s)) {
        let _ = el.set_attribute("data-consent-service", &s.id);
    }
}

/// `<head>`: Consent Mode defaults go first.
pub fn head<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    if let Some(snippet) = lock(page).take_head_snippet() {
        el.prepend(&snippet, ContentType::Html);
    }
}

/// `<body>`: no `<head>` script slot was found before it, so the snippet goes here; the banner
/// goes before `</body>`.
pub fn body(el: &mut SendElement<'_, '_>, page: &PageRef) {
    if let Some(snippet) = lock(page).take_head_snippet() {
        el.prepend(&snippet, ContentType::Html);
    }
    let page = page.clone();
    let _ = el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
        if let Some(html) = banner_html(&mut lock(&page)) {
            end.before(&html, ContentType::Html);
        }
        Ok(())
    }));
}

/// The banner or shield, once per page (never in report-only mode).
pub fn banner_html(p: &mut Page) -> Option<String> {
    if p.banner_done || p.report {
        return None;
    }
    p.banner_done = true;
    let kind = if p.state.decided { "shield" } else { "banner" };
    p.shared.metrics.banners_injected_total.with_label_values(&[kind]).inc();
    Some(inject::banner(&inject::BannerInput {
        settings: &p.rt.config.consent,
        banner: &p.rt.config.banner,
        state: &p.state,
        lang: p.lang,
        return_to: &p.return_to,
        providers: &p.providers,
        service_items: &p.rt.config.html.service_items,
        origin: p.own_origin(),
    }))
}

/// Same registrable domain, approximately: equal, or one is a subdomain of the other's last two
/// labels (`www.shop.example` and `cdn.shop.example`).
fn same_site(a: &str, b: &str) -> bool {
    a == b || registrable_domain(a) == registrable_domain(b)
}

/// The registrable domain of a lowercase host (see [`crate::catalog::site`]).
pub fn registrable_domain(host: &str) -> &str {
    crate::catalog::site(host)
}

/// `<consent-policy-table>` on the site's own cookie-policy page: filled with the cookie
/// declaration generated from the catalog (as on `/__consent/policy`). A custom element, not a
/// `div` with an attribute: an attribute selector on `div` would make lol_html read the
/// attributes of every `div` of every page (+55% rewrite time on a div-heavy page).
pub fn policy_table(el: &mut SendElement<'_, '_>, page: &PageRef) {
    let p = lock(page);
    if p.report {
        return;
    }
    let all = el.get_attribute("scope").is_some_and(|v| v.eq_ignore_ascii_case("all"));
    let html = crate::consent::policy::tables(&p.rt.config.consent, &p.rt.config.cookies, p.lang, all);
    el.set_inner_content(&inject::ascii_html_keep_tags(&html), ContentType::Html);
}

#[cfg(test)]
mod site_tests {
    use super::*;

    #[test]
    fn registrable_domains_follow_the_public_suffix_list() {
        for (host, site) in [
            ("www.shop.co.uk", "shop.co.uk"),
            ("shop.co.uk", "shop.co.uk"),
            ("co.uk", "co.uk"),
            ("a.b.example.com", "example.com"),
            ("user.github.io", "user.github.io"),
            ("news.example", "news.example"),
            ("localhost", "localhost"),
            ("127.0.0.1", "127.0.0.1"),
            ("[::1]", "[::1]"),
        ] {
            assert_eq!(registrable_domain(host), site, "{host}");
        }
        assert!(same_site("www.shop.co.uk", "img.shop.co.uk"));
        assert!(!same_site("www.shop.co.uk", "ads.co.uk"));
        assert!(!same_site("a.github.io", "b.github.io"));
        assert!(!same_site("10.0.0.1", "10.0.0.2"));
    }
}
