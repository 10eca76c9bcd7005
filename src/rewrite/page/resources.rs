//! Elements other than scripts that load a URL: images, frames (and `srcdoc`), media, embeds,
//! resource hints, `<a ping>`, and `<base href>`, which moves every relative URL.

use super::*;

/// `<iframe srcdoc>`: the inline document is markup the browser loads like a page. Its resources
/// are rewritten with the same rules; if one of its inline scripts is a tracker (judged as a
/// page's are), the whole iframe waits for consent like a tracker iframe.
fn iframe_srcdoc<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef, doc: &str) {
    let refused = {
        let mut p = lock(page);
        let trackers = p.rt.config.trackers.clone();
        let rule = srcdoc_scripts(doc).iter().find_map(|text| trackers.classify_inline(text).cloned());
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
    match crate::rewrite::html::rewrite_fragment(doc, page) {
        Ok(out) if out != doc => {
            set_decoded(el, "srcdoc", &out);
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

    /// How the browser loads `attr` of this element (filter-list options depend on it).
    fn request_kind<H: HandlerTypes>(self, attr: &str, el: &Element<'_, '_, H>) -> RequestKind {
        match (self, attr) {
            (Res::Video, "poster") | (Res::Img | Res::Input, _) => RequestKind::Image,
            (Res::Source, "srcset") => RequestKind::Image,
            (Res::Source | Res::Video | Res::Audio, _) => RequestKind::Media,
            (Res::Frame, _) => RequestKind::Subdocument,
            (Res::Embed | Res::Object, _) => RequestKind::Object,
            (Res::Ping, _) => RequestKind::Ping,
            (Res::Link, "imagesrcset") => RequestKind::Image,
            (Res::Link, _) => link_request_kind(el),
            (Res::Base, _) => RequestKind::Other,
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
        if let Some(doc) = attr_value(el, "srcdoc") {
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
        if let Some(href) = attr_value(el, "href") {
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
        let Some(value) = attr_value(el, attr) else { continue };
        let rk = kind.request_kind(attr, el);
        refused = match *attr {
            "srcset" | "imagesrcset" => srcset_urls(&value).find_map(|url| p.refused_url(url, rk)),
            "ping" => value.split_ascii_whitespace().find_map(|url| p.refused_url(url, rk)),
            _ => p.refused_url(&value, rk),
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

/// A `<link>`'s request: a stylesheet, a preload by its `as`, an icon; hints are `other`.
fn link_request_kind<H: HandlerTypes>(el: &Element<'_, '_, H>) -> RequestKind {
    let rel = el.get_attribute("rel").unwrap_or_default().to_ascii_lowercase();
    let has = |r: &str| rel.split_ascii_whitespace().any(|x| x == r);
    if has("stylesheet") {
        return RequestKind::Stylesheet;
    }
    if has("modulepreload") {
        return RequestKind::Script;
    }
    if has("icon") {
        return RequestKind::Image;
    }
    match el.get_attribute("as").map(|a| a.to_ascii_lowercase()).as_deref() {
        Some("script") => RequestKind::Script,
        Some("image") => RequestKind::Image,
        Some("style") => RequestKind::Stylesheet,
        Some("font") => RequestKind::Font,
        Some("document") => RequestKind::Subdocument,
        Some("fetch") => RequestKind::Xhr,
        Some("audio" | "video" | "track") => RequestKind::Media,
        _ => RequestKind::Other,
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
pub(super) fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').filter_map(|c| c.split_ascii_whitespace().next())
}

/// The texts of the scripts that run in an `srcdoc` document (at most [`INLINE_PREFIX`] each).
/// Unparsable markup yields what was read before the error: the rewrite that follows fails
/// closed on it anyway.
fn srcdoc_scripts(doc: &str) -> Vec<String> {
    use std::cell::RefCell;
    let texts: RefCell<Vec<Option<String>>> = RefCell::default();
    let settings = lol_html::RewriteStrSettings::new()
        .append_element_content_handler(lol_html::element!("script", |el| {
            let runs = !el.has_attribute("src") && is_js_type(el.get_attribute("type").as_deref());
            texts.borrow_mut().push(runs.then(String::new));
            Ok(())
        }))
        .append_element_content_handler(lol_html::text!("script", |t| {
            if let Some(Some(text)) = texts.borrow_mut().last_mut() {
                if text.len() < INLINE_PREFIX {
                    text.push_str(t.as_str());
                }
            }
            Ok(())
        }));
    let _ = lol_html::rewrite_str(doc, settings);
    texts.into_inner().into_iter().flatten().collect()
}
