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
use std::sync::{Arc, Mutex, MutexGuard};
use url::Url;

use super::inject;
use crate::catalog::trackers::{BaseMemo, TrackerRule};
use crate::consent::{ConsentState, Lang};
use crate::state::{Runtime, Shared};

/// Inline scripts are classified on at most this prefix; larger ones pass after it.
const INLINE_PREFIX: usize = 64 * 1024;
/// An inert copy of an inline tracker keeps at most this much text.
const INLINE_MAX: usize = 512 * 1024;
/// `<noscript>` content rewritten as HTML, at most; beyond, it is dropped (fail closed).
const NOSCRIPT_MAX: usize = 64 * 1024;
const SVG_NS: &str = "http://www.w3.org/2000/svg";
const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Everything the handlers of one response share.
pub struct Page {
    pub rt: Arc<Runtime>,
    pub shared: Arc<Shared>,
    pub state: ConsentState,
    pub lang: Lang,
    pub report: bool,
    pub base: Option<Url>,
    /// The tracker lookup of `base`'s host, shared by the page's path-relative URLs.
    base_memo: BaseMemo,
    /// A `<base href>` has been applied: browsers use only the first one.
    base_from_element: bool,
    /// The page's own origin (`scheme://host[:port]`), from its URL.
    page_origin: Option<String>,
    /// The `<noscript>` being read is in SVG or MathML, where its content is live markup.
    noscript_foreign: bool,
    /// Bytes appended at the very end of the document (no `</body>`), see [`super::body`].
    pub appended_at_end: usize,
    pub return_to: String,
    /// The Consent Mode snippet with its `<script>` tag, until injected.
    pub head_snippet: Option<String>,
    /// Whether the banner/shield has been injected.
    pub banner_done: bool,
    /// Tracker providers seen on the page, for the banner.
    pub providers: Vec<String>,
    /// Inline scripts being examined, innermost last: in SVG a script can contain another.
    inline: Vec<Inline>,
}

/// An inline script being examined.
struct Inline {
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
        let report = rt.config.mode == crate::config::Mode::Report;
        let page_origin = base.as_ref().map(|u| u.origin().ascii_serialization()).filter(|o| o != "null");
        Self {
            rt,
            shared,
            state,
            lang,
            report,
            base,
            base_memo: BaseMemo::default(),
            base_from_element: false,
            page_origin,
            noscript_foreign: false,
            appended_at_end: 0,
            return_to,
            head_snippet,
            banner_done: false,
            providers: Vec::new(),
            inline: Vec::new(),
        }
    }

    /// The refused tracker behind `url`, as (category index, provider); records the provider.
    /// A third-party host in no rule is listed for discovery and, with
    /// `unknown_third_party = "block"`, refused as marketing.
    fn refused_url(&mut self, url: &str) -> Option<(usize, String)> {
        let trackers = self.rt.config.trackers.clone();
        match trackers.classify_url_rule_memo(url, self.base.as_ref(), &mut self.base_memo) {
            Some(rule) if rule.category == crate::catalog::trackers::NOT_A_TRACKER => None,
            Some(rule) => self.refused_rule(rule),
            None => self.unknown_third_party(url),
        }
    }

    fn unknown_third_party(&mut self, url: &str) -> Option<(usize, String)> {
        let u = url.trim_start();
        // Relative URLs stay on the page's own host: the common case costs no parsing.
        let maybe_other_host = u.starts_with("//") || u.starts_with("\\") || u.starts_with("/\\") || u.contains(':');
        if !maybe_other_host {
            return None;
        }
        let parsed = match &self.base {
            Some(b) => b.join(u).ok()?,
            None => Url::parse(u).ok()?,
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            return None;
        }
        let host = parsed.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        let own = self.base.as_ref().and_then(|b| b.host_str()).map(|h| h.to_ascii_lowercase());
        if own.as_deref().is_some_and(|own| same_site(own, &host)) {
            return None;
        }
        if self.shared.inventory.record_host(&host) {
            tracing::info!(host, "unknown third-party host: classify it in trackers.rules");
        }
        if self.rt.config.html.unknown_third_party == crate::config::UnknownThirdParty::Block {
            let marketing = self.rt.config.consent.category_index("marketing")?;
            return (!self.state.allows(marketing)).then_some((marketing, host));
        }
        None
    }

    fn refused_rule(&mut self, rule: &TrackerRule) -> Option<(usize, String)> {
        let category = self.rt.config.consent.category_index(&rule.category);
        if !self.providers.contains(&rule.provider) {
            self.providers.push(rule.provider.clone());
        }
        match category {
            Some(c) if self.state.allows(c) => None,
            // An undeclared category cannot be granted: treat as the strictest refusal.
            Some(c) => Some((c, rule.provider.clone())),
            None => self.rt.config.consent.category_index("marketing").map(|c| (c, rule.provider.clone())),
        }
    }

    fn count(&self, kind: &str, category: usize) {
        let id = &self.rt.config.consent.categories[category].id;
        let m = &self.shared.metrics;
        if self.report {
            m.report_only_total.with_label_values(&[&format!("element_{kind}"), id]).inc();
        } else {
            m.elements_neutralized_total.with_label_values(&[kind, id]).inc();
        }
    }

    fn take_head_snippet(&mut self) -> Option<String> {
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
    fn own_origin(&self) -> &str {
        match (&self.page_origin, &self.base) {
            (Some(own), Some(base)) if self.base_from_element && base.origin().ascii_serialization() != *own => own,
            _ => "",
        }
    }

    fn placeholder(&self, category: usize, provider: &str) -> String {
        let s = &self.rt.config.consent;
        inject::iframe_placeholder(s, &self.state, category, provider, self.lang, &self.return_to, self.own_origin())
    }
}

fn lock(page: &PageRef) -> MutexGuard<'_, Page> {
    page.lock().unwrap_or_else(|e| e.into_inner())
}

/// Types a script may have and still run as JavaScript.
/// Whether a `<script type>` runs: empty, `module`, or one of the HTML spec's JavaScript MIME
/// types. Parameters are ignored (`text/javascript; charset=utf-8` runs in browsers), so the
/// essence is compared; judging too much as JavaScript only means judging it.
fn is_js_type(ty: Option<&str>) -> bool {
    let Some(ty) = ty else { return true };
    let essence = ty.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "" | "module"
            | "application/ecmascript"
            | "application/javascript"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

/// Moves `attr` to `data-consent-<attr>`.
fn stash<H: HandlerTypes>(el: &mut Element<'_, '_, H>, attr: &str) {
    if let Some(v) = el.get_attribute(attr) {
        // SVG's legacy xlink:href comes back as plain href (SVG 2), which banner.js restores.
        let kept = if attr == "xlink:href" { "href" } else { attr };
        let _ = el.set_attribute(&format!("data-consent-{kept}"), &v);
        el.remove_attribute(attr);
    }
}

fn mark<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &Page, category: usize, provider: &str) {
    let _ = el.set_attribute("data-consent-category", &page.rt.config.consent.categories[category].id);
    let _ = el.set_attribute("data-consent-provider", provider);
}

/// The category a site-marked (consent-manager) element asks for, if it is marked.
fn marked_category<H: HandlerTypes>(el: &Element<'_, '_, H>, page: &Page) -> Option<Option<usize>> {
    let settings = &page.rt.config.consent;
    let plain = el.get_attribute("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"));
    let ids: Vec<String> = if let Some(c) = el.get_attribute("data-consent-category") {
        vec![c]
    } else if let Some(c) = el.get_attribute("data-cookieconsent") {
        c.split(',').map(|s| cookiebot_category(s.trim()).to_string()).collect()
    } else if let (true, Some(c)) = (plain, el.get_attribute("data-category")) {
        c.split(',').map(|s| s.trim().to_string()).collect()
    } else if let Some(class) = el.get_attribute("class").filter(|c| c.contains("optanon-category-")) {
        onetrust_categories(&class)
    } else if let (Some(name), true) =
        (el.get_attribute("data-name"), el.has_attribute("data-type") || el.has_attribute("data-src"))
    {
        // Klaro: services are named by the site; classify by URL, else by name.
        let url = el.get_attribute("data-src").or_else(|| el.get_attribute("src"));
        let by_url =
            url.and_then(|u| page.rt.config.trackers.classify_url(&u, page.base.as_ref()).map(|r| r.category.clone()));
        vec![by_url.unwrap_or_else(|| {
            if name.to_ascii_lowercase().contains("analytic") {
                "analytics".into()
            } else {
                "marketing".into()
            }
        })]
    } else {
        return None;
    };
    let mut found = None;
    for id in ids {
        match settings.category_index(&id) {
            // Every category named must be granted: keep the first refused one.
            Some(i) if !page.state.allows(i) => return Some(Some(i)),
            Some(i) => found = Some(i),
            None => return Some(None),
        }
    }
    Some(found)
}

fn cookiebot_category(c: &str) -> &str {
    match c {
        "statistics" => "analytics",
        "necessary" => "necessary",
        "preferences" => "preferences",
        _ => "marketing",
    }
}

fn onetrust_categories(class: &str) -> Vec<String> {
    class
        .split_whitespace()
        .filter_map(|c| c.strip_prefix("optanon-category-"))
        .flat_map(|c| c.split('-'))
        .map(|code| match code {
            "C0001" => "necessary",
            "C0002" => "analytics",
            "C0003" => "preferences",
            _ => "marketing",
        })
        .map(String::from)
        .collect()
}

/// Site-marked element: activate when granted, else make sure it carries our category marker
/// so the banner can activate it later. Returns whether it was marked at all.
fn handle_marked<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &mut Page, tag: &str) -> bool {
    let Some(category) = marked_category(el, page) else { return false };
    let granted = category.is_some_and(|c| page.state.allows(c));
    if !granted {
        if let Some(c) = category {
            let _ = el.set_attribute("data-consent-category", &page.rt.config.consent.categories[c].id);
        }
        // Marked media keep their real URL in data-src; a live src/srcset beside it (a
        // placeholder, or the tracker itself) loads now: a refused one is stashed too.
        if tag != "script" && !page.report {
            for attr in ["src", "srcset"] {
                let Some(v) = el.get_attribute(attr) else { continue };
                let refused = match attr {
                    "srcset" => srcset_urls(&v).find_map(|u| page.refused_url(u)),
                    _ => page.refused_url(&v),
                };
                if let Some((c, _)) = refused {
                    page.count(tag, c);
                    stash(el, attr);
                }
            }
        }
        return true;
    }
    if page.report {
        return true;
    }
    if tag == "script" {
        match el.get_attribute("data-consent-type").or_else(|| el.get_attribute("data-type")) {
            Some(t) if is_js_type(Some(&t)) => {
                let _ = el.set_attribute("type", &t);
            }
            _ => el.remove_attribute("type"),
        }
    }
    for (data, attr) in
        [("data-consent-src", "src"), ("data-src", "src"), ("data-consent-srcset", "srcset"), ("data-srcset", "srcset")]
    {
        if let Some(v) = el.get_attribute(data) {
            let _ = el.set_attribute(attr, &v);
            el.remove_attribute(data);
        }
    }
    page.shared.metrics.elements_activated_total.with_label_values(&[tag]).inc();
    true
}

/// `<script>` start tag.
pub fn script(el: &mut SendElement<'_, '_>, page: &PageRef) {
    let mut p = lock(page);
    if let Some(snippet) = p.take_head_snippet() {
        el.before(&snippet, ContentType::Html);
    }
    let ty = el.get_attribute("type");
    // Every consent-manager convention keeps scripts inert as type="text/plain".
    let plain = ty.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"));
    if plain && handle_marked(el, &mut p, "script") {
        return;
    }
    let speculation = ty.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case("speculationrules"));
    if !speculation && !is_js_type(ty.as_deref()) {
        return;
    }
    // An SVG script loads `href` / `xlink:href` and ignores `src`; its text runs unless the
    // URL is refused (then it is made inert whole), so its text is always judged too.
    let svg = el.namespace_uri() == SVG_NS;
    let url_attr = if svg { ["href", "xlink:href"].into_iter().find(|a| el.has_attribute(a)) } else { Some("src") };
    if let Some(src) = url_attr.and_then(|a| el.get_attribute(a)) {
        if let Some((category, provider)) = p.refused_url(&src) {
            p.count("script", category);
            if !p.report {
                stash(el, "type");
                stash(el, url_attr.unwrap_or("src"));
                let _ = el.set_attribute("type", "text/plain");
                mark(el, &p, category, &provider);
            }
            return;
        }
        if !svg {
            return;
        }
    }
    let attrs = el.attributes().iter().map(|a| (a.name(), a.value())).collect();
    let svg = svg.then(String::new);
    p.inline.push(Inline { speculation, attrs, text: String::new(), verdict: None, truncated: false, svg });
    drop(p);
    let page = page.clone();
    let _ = el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
        inline_script_end(end, &page);
        Ok(())
    }));
}

/// Inline script text: held back until decided (bounded), then passed on or made inert.
pub fn script_text(chunk: &mut TextChunk<'_>, page: &PageRef) {
    let mut p = lock(page);
    let report = p.report;
    let Some(inline) = p.inline.last_mut() else { return };
    match &inline.verdict {
        Some(None) => return,
        Some(Some(_)) => {
            if inline.text.len() + chunk.as_str().len() <= INLINE_MAX {
                inline.text.push_str(chunk.as_str());
            } else {
                inline.truncated = true;
            }
            chunk.remove();
            return;
        }
        None => {}
    }
    inline.text.push_str(chunk.as_str());
    if !report {
        chunk.remove();
    }
    if inline.text.len() < INLINE_PREFIX && !chunk.last_in_text_node() {
        return;
    }
    let text = std::mem::take(&mut inline.text);
    let judged = match &inline.svg {
        Some(before) => format!("{before}{text}"),
        None => text.clone(),
    };
    let refused = if inline.speculation {
        json_urls(&judged).into_iter().find_map(|u| p.refused_url(&u))
    } else {
        let rule = p.rt.config.trackers.classify_inline(&judged).cloned();
        rule.and_then(|r| p.refused_rule(&r))
    };
    let inline = p.inline.last_mut().expect("checked above");
    match refused {
        Some(found) if !report => {
            inline.text = text;
            inline.verdict = Some(Some(found));
        }
        Some((category, _)) => {
            inline.verdict = Some(None);
            p.count("inline_script", category);
        }
        None => {
            match inline.svg.as_mut() {
                // More text may follow a child element: keep judging.
                Some(before) if before.len() + text.len() <= INLINE_PREFIX => before.push_str(&text),
                _ => inline.verdict = Some(None),
            }
            if !report {
                chunk.replace(&text, ContentType::Html);
            }
        }
    }
}

fn inline_script_end(end: &mut EndTag<'_>, page: &PageRef) {
    let mut p = lock(page);
    let Some(inline) = p.inline.pop() else { return };
    let Some(Some((category, provider))) = inline.verdict else { return };
    p.count("inline_script", category);
    let settings = &p.rt.config.consent;
    let mut tag = String::from("<script type=\"text/plain\"");
    for (name, value) in &inline.attrs {
        let name = if name == "type" { "data-consent-type" } else { name.as_str() };
        tag.push_str(&format!(" {}=\"{}\"", name, crate::consent::policy::escape(value)));
    }
    tag.push_str(&format!(
        " data-consent-category=\"{}\" data-consent-provider=\"{}\"{}>",
        settings.categories[category].id,
        crate::consent::policy::escape(&provider),
        if inline.truncated { " data-consent-truncated=\"true\"" } else { "" }
    ));
    end.after(&format!("{tag}{}</script>", inline.text), ContentType::Html);
}

/// Every string in a JSON document (speculation rules list URLs in `urls` arrays).
fn json_urls(text: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    // Unparsable rules do nothing in a browser either.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        walk(&v, &mut out);
    }
    out
}

/// `<iframe srcdoc>`: the inline document is markup the browser loads like a page. Its resources
/// are rewritten with the same rules; if it carries inline tracker code, the whole iframe waits
/// for consent like a tracker iframe.
fn iframe_srcdoc<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef, doc: &str) {
    let refused = {
        let mut p = lock(page);
        let rule = p.rt.config.trackers.classify_inline(doc).cloned();
        rule.and_then(|r| p.refused_rule(&r))
    };
    let p = lock(page);
    if let Some((category, provider)) = refused {
        p.count("iframe", category);
        if !p.report {
            stash(el, "srcdoc");
            mark(el, &p, category, &provider);
            let placeholder = p.placeholder(category, &provider);
            let _ = el.set_attribute("srcdoc", &placeholder);
        }
        return;
    }
    if p.report {
        return;
    }
    drop(p);
    match super::html::rewrite_fragment(doc, page) {
        Ok(out) if out != doc => {
            let _ = el.set_attribute("srcdoc", &out);
        }
        Ok(_) => {}
        Err(_) => {
            // Cannot be checked: keep it from loading at all (fail closed).
            el.remove_attribute("srcdoc");
            lock(page).shared.metrics.html_rewrite_errors_total.with_label_values(&["srcdoc"]).inc();
        }
    }
}

/// The elements that can load a URL, other than scripts. The selector decides the kind, so the
/// hot path never allocates a tag name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Res {
    Img,
    Source,
    Frame,
    Embed,
    Object,
    Video,
    Audio,
    Input,
    Link,
    Ping,
    Base,
}

impl Res {
    pub fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "img" | "image" => Res::Img,
            "source" => Res::Source,
            "iframe" | "frame" => Res::Frame,
            "embed" => Res::Embed,
            "object" => Res::Object,
            "video" => Res::Video,
            "audio" => Res::Audio,
            "input" => Res::Input,
            "link" => Res::Link,
            "a" | "area" => Res::Ping,
            "base" => Res::Base,
            _ => return None,
        })
    }

    /// Attributes holding URLs the browser loads.
    fn url_attrs(self) -> &'static [&'static str] {
        match self {
            // `<image>` is `<img>` in HTML; in SVG it loads `href` / `xlink:href`.
            Res::Img => &["src", "srcset", "href", "xlink:href"],
            Res::Source => &["src", "srcset"],
            Res::Frame | Res::Embed | Res::Input | Res::Audio => &["src"],
            Res::Object => &["data"],
            Res::Video => &["src", "poster"],
            Res::Link => &["href", "imagesrcset"],
            Res::Ping => &["ping"],
            Res::Base => &[],
        }
    }

    /// The `kind` label of `elements_neutralized_total`.
    fn metric_kind(self) -> &'static str {
        match self {
            Res::Img | Res::Input => "img",
            Res::Frame => "iframe",
            Res::Link => "link",
            Res::Ping => "ping",
            _ => "media",
        }
    }
}

/// Any element that can load a URL, by tag name (the `<noscript>`/`srcdoc` fragment rewriter).
pub fn resource<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    if let Some(kind) = Res::from_tag(&el.tag_name()) {
        resource_as(el, page, kind);
    }
}

/// An element of a known kind.
pub fn resource_as<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef, kind: Res) {
    if kind == Res::Frame && !el.has_attribute("data-consent-src") {
        if let Some(doc) = el.get_attribute("srcdoc") {
            iframe_srcdoc(el, page, &doc);
        }
    }
    let mut p = lock(page);
    if kind == Res::Base {
        // Only the first <base href> counts (HTML: "the first base element with an href").
        if p.base_from_element {
            return;
        }
        p.base_from_element = true;
        if let Some(href) = el.get_attribute("href") {
            let joined = match &p.base {
                Some(b) => b.join(&href).ok(),
                None => Url::parse(&href).ok(),
            };
            if joined.is_some() {
                p.base = joined;
                p.base_memo = BaseMemo::default();
            }
        }
        return;
    }
    // Consent-manager markup on media keeps its URL in data-src: cheap to rule out first.
    let maybe_marked = matches!(kind, Res::Img | Res::Frame)
        && (el.has_attribute("data-src")
            || el.has_attribute("data-consent-src")
            || el.has_attribute("data-consent-srcset"));
    if maybe_marked && handle_marked(el, &mut p, if kind == Res::Img { "img" } else { "iframe" }) {
        return;
    }
    if kind == Res::Link && !is_loading_link(el.get_attribute("rel").as_deref()) {
        return;
    }
    let attrs = kind.url_attrs();
    let mut refused = None;
    for attr in attrs {
        let Some(value) = el.get_attribute(attr) else { continue };
        refused = match *attr {
            "srcset" | "imagesrcset" => srcset_urls(&value).find_map(|url| p.refused_url(url)),
            "ping" => value.split_ascii_whitespace().find_map(|url| p.refused_url(url)),
            _ => p.refused_url(&value),
        };
        if refused.is_some() {
            break;
        }
    }
    let Some((category, provider)) = refused else { return };
    p.count(kind.metric_kind(), category);
    if p.report {
        return;
    }
    for attr in attrs {
        stash(el, attr);
    }
    if kind == Res::Link {
        stash(el, "rel");
    }
    mark(el, &p, category, &provider);
    if kind == Res::Frame {
        let placeholder = p.placeholder(category, &provider);
        let _ = el.set_attribute("srcdoc", &placeholder);
    }
}

/// `<link rel>` values that make the browser connect or fetch.
fn is_loading_link(rel: Option<&str>) -> bool {
    rel.is_some_and(|rel| {
        rel.split_ascii_whitespace().any(|r| {
            matches!(
                r.to_ascii_lowercase().as_str(),
                "preconnect"
                    | "dns-prefetch"
                    | "preload"
                    | "prefetch"
                    | "modulepreload"
                    | "prerender"
                    | "stylesheet"
                    | "icon"
            )
        })
    })
}

/// The URLs of a `srcset`-style list (`url descriptor, url descriptor`).
fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').filter_map(|c| c.split_ascii_whitespace().next())
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
        origin: p.own_origin(),
    }))
}

/// `<noscript>` content is raw text to lol_html but markup to a browser without JavaScript: it is
/// collected (bounded) and rewritten as HTML with the same rules.
/// `<noscript>` start: in SVG or MathML it is an ordinary element whose content the browser
/// parses as markup (an `<i>` there even breaks out into HTML), while lol_html reads it as raw
/// text: that content is dropped (fail closed).
pub fn noscript<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    lock(page).noscript_foreign = el.namespace_uri() != HTML_NS;
}

pub fn noscript_text(chunk: &mut TextChunk<'_>, page: &PageRef, buffer: &mut String) {
    let p = lock(page);
    if p.noscript_foreign && !p.report {
        drop(p);
        chunk.remove();
        return;
    }
    if p.report {
        return;
    }
    drop(p);
    if buffer.len() <= NOSCRIPT_MAX {
        buffer.push_str(chunk.as_str());
    }
    chunk.remove();
    if !chunk.last_in_text_node() {
        return;
    }
    let html = std::mem::take(buffer);
    if html.len() > NOSCRIPT_MAX {
        lock(page).shared.metrics.html_rewrite_errors_total.with_label_values(&["noscript_too_large"]).inc();
        return;
    }
    match super::html::rewrite_fragment(&html, page) {
        Ok(out) => chunk.replace(&out, ContentType::Html),
        Err(_) => lock(page).shared.metrics.html_rewrite_errors_total.with_label_values(&["noscript"]).inc(),
    }
}

/// A `<script src>` inside `<noscript>` (odd, but markup there is parsed without JavaScript
/// only, so it never runs): disarmed like any tracker script.
pub fn noscript_script<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    let mut p = lock(page);
    let Some(src) = el.get_attribute("src") else { return };
    if let Some((category, provider)) = p.refused_url(&src) {
        p.count("script", category);
        stash(el, "src");
        let _ = el.set_attribute("type", "text/plain");
        mark(el, &p, category, &provider);
    }
}

/// Same registrable domain, approximately: equal, or one is a subdomain of the other's last two
/// labels (`www.shop.example` and `cdn.shop.example`).
fn same_site(a: &str, b: &str) -> bool {
    a == b || registrable_domain(a) == registrable_domain(b)
}

/// The registrable domain ("site") of a lowercase host, by the Public Suffix List: `shop.co.uk`
/// for `www.shop.co.uk`, so `ads.co.uk` is another site. A host that is itself a public suffix,
/// or an IP address, is its own site.
pub fn registrable_domain(host: &str) -> &str {
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host;
    }
    psl::domain_str(host).unwrap_or(host)
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
