//! Elements other than scripts that load a URL: images, frames (and `srcdoc`), media, embeds,
//! resource hints, `<a ping>`, and `<base href>`, which moves every relative URL.

use super::*;

/// `<iframe srcdoc>`: the inline document is markup the browser loads like a page. Its resources
/// are rewritten with the same rules; if one of its inline scripts names a tracker vendor, the
/// whole iframe waits for consent like a tracker iframe: the client guard does not run in that
/// document, so what such code inserts could not be stopped there.
fn iframe_srcdoc<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef, doc: &str) {
    let refused = {
        let mut p = lock(page);
        let trackers = p.rt.config.trackers.clone();
        let rule = srcdoc_scripts(doc).iter().find_map(|text| trackers.inline_vendor(text).cloned());
        rule.and_then(|r| p.refused_rule(&r))
    };
    let p = lock(page);
    if let Some((category, provider)) = refused {
        p.count("iframe", category);
        if !p.report {
            stash(el, "srcdoc");
            mark(el, &p, category, &provider);
            mark_service(el, &p, &provider);
            show_placeholder(el, &p, category, &provider);
        }
        return;
    }
    if p.report {
        return;
    }
    drop(p);
    match super::html::rewrite_fragment(doc, page) {
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
        if let Some(doc) = attr_value(el, "srcdoc").map(Cow::into_owned) {
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
            if let Some(joined) = crate::catalog::trackers::parse_url(&href, p.base.as_ref()) {
                p.set_base(joined);
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
    if kind == Res::Link && !is_loading_link(el.get_attribute_cow("rel").as_deref()) {
        return;
    }
    // Each attribute is judged on its own, each candidate of a srcset too: a tracker `src` beside
    // a harmless `srcset` (which the browser prefers) loses only the `src`; a srcset keeps its
    // harmless candidates. The first refusal names the element's category.
    let attrs = kind.url_attrs();
    let mut first = None;
    let mut refused: Vec<(&str, Option<String>)> = Vec::new();
    for attr in attrs {
        let Some(value) = attr_value(el, attr) else { continue };
        let rk = kind.request_kind(attr, el);
        match *attr {
            "srcset" | "imagesrcset" => {
                // The harmless candidates are copied only when one is refused (rare).
                let mut kept: Option<String> = None;
                for (n, c) in srcset_candidates(&value).enumerate() {
                    match p.refused_url(c.url, rk) {
                        Some(r) => {
                            first.get_or_insert(r);
                            if kept.is_none() {
                                let before = srcset_candidates(&value).take(n).map(|c| c.text);
                                kept = Some(before.collect::<Vec<_>>().join(", "));
                            }
                        }
                        None => {
                            if let Some(kept) = kept.as_mut() {
                                if !kept.is_empty() {
                                    kept.push_str(", ");
                                }
                                kept.push_str(c.text);
                            }
                        }
                    }
                }
                if let Some(kept) = kept {
                    refused.push((attr, (!kept.is_empty()).then_some(kept)));
                }
            }
            "ping" => {
                if let Some(r) = value.split_ascii_whitespace().find_map(|url| p.refused_url(url, rk)) {
                    first.get_or_insert(r);
                    refused.push((attr, None));
                }
            }
            _ => {
                if let Some(r) = p.refused_url(&value, rk) {
                    first.get_or_insert(r);
                    refused.push((attr, None));
                }
            }
        }
    }
    if p.rt.config.thumbnails.enabled {
        thumbnails(el, &p, kind, &refused);
    }
    let Some((category, provider)) = first else { return };
    p.count(kind.metric_kind(), category);
    if p.report {
        return;
    }
    for (attr, kept) in &refused {
        stash(el, attr);
        if let Some(kept) = kept {
            set_decoded(el, attr, kept);
        }
    }
    if kind == Res::Link {
        stash(el, "rel");
    }
    mark(el, &p, category, &provider);
    if kind == Res::Frame {
        show_placeholder(el, &p, category, &provider);
    }
}

/// `banner.thumbnails`: a held provider's thumbnail in an attribute the browser loads as an
/// image (`img`, `poster`, `srcset`, an image preload) is fetched from this site instead — the
/// endpoint serves images only. The attributes refused above are left alone.
fn thumbnails<H: HandlerTypes>(el: &mut Element<'_, '_, H>, p: &Page, kind: Res, refused: &[(&str, Option<String>)]) {
    for attr in kind.url_attrs() {
        if refused.iter().any(|(r, _)| r == attr) || kind.request_kind(attr, el) != RequestKind::Image {
            continue;
        }
        let new = {
            let Some(value) = attr_value(el, attr) else { continue };
            if matches!(*attr, "srcset" | "imagesrcset") {
                let mut changed = false;
                let swapped: Vec<String> = srcset_candidates(&value)
                    .map(|c| match p.thumbnail_url(c.url) {
                        Some(local) => {
                            changed = true;
                            c.text.replacen(c.url, &local, 1)
                        }
                        None => c.text.to_owned(),
                    })
                    .collect();
                changed.then(|| swapped.join(", "))
            } else {
                p.thumbnail_url(&value)
            }
        };
        if let Some(new) = new {
            set_decoded(el, attr, &new);
        }
    }
}

/// The click-to-load placeholder as the refused frame's document. The frame's `sandbox` waits
/// with its `src` (banner.js restores it first): a sandbox without `allow-forms` or top
/// navigation (Discord's widget code has neither) would make the placeholder's button dead.
fn show_placeholder<H: HandlerTypes>(el: &mut Element<'_, '_, H>, p: &Page, category: usize, provider: &str) {
    stash(el, "sandbox");
    // "Load once" opens the frame's own address in the frame (no consent saved): only a web URL.
    let url = attr_value(el, "data-consent-src").filter(|u| {
        let u = u.trim_start().to_ascii_lowercase();
        u.starts_with("https://") || u.starts_with("http://") || u.starts_with("//")
    });
    let _ = el.set_attribute("srcdoc", &p.placeholder(category, provider, url.as_deref()));
}

/// A `<link>`'s request: a stylesheet, a preload by its `as`, an icon; hints are `other`.
fn link_request_kind<H: HandlerTypes>(el: &Element<'_, '_, H>) -> RequestKind {
    let rel = el.get_attribute_cow("rel").unwrap_or_default();
    let has = |r: &str| rel.split_ascii_whitespace().any(|x| x.eq_ignore_ascii_case(r));
    if has("stylesheet") {
        return RequestKind::Stylesheet;
    }
    if has("modulepreload") {
        return RequestKind::Script;
    }
    if has("icon") {
        return RequestKind::Image;
    }
    let as_ = el.get_attribute_cow("as").unwrap_or_default();
    let is = |v: &str| as_.eq_ignore_ascii_case(v);
    match () {
        _ if is("script") => RequestKind::Script,
        _ if is("image") => RequestKind::Image,
        _ if is("style") => RequestKind::Stylesheet,
        _ if is("font") => RequestKind::Font,
        _ if is("document") => RequestKind::Subdocument,
        _ if is("fetch") => RequestKind::Xhr,
        _ if is("audio") || is("video") || is("track") => RequestKind::Media,
        _ => RequestKind::Other,
    }
}

/// `<link rel>` values that make the browser connect or fetch.
fn is_loading_link(rel: Option<&str>) -> bool {
    const LOADING: [&str; 8] =
        ["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload", "prerender", "stylesheet", "icon"];
    rel.is_some_and(|rel| rel.split_ascii_whitespace().any(|r| LOADING.iter().any(|l| l.eq_ignore_ascii_case(r))))
}

/// One image candidate of a `srcset`: its URL, and its whole text (URL and descriptors).
pub(super) struct Candidate<'a> {
    pub url: &'a str,
    pub text: &'a str,
}

/// The candidates of a `srcset`-style list, split as the HTML standard's "parse a srcset
/// attribute" splits them: a URL runs to the next whitespace (commas inside it belong to it,
/// trailing ones end the candidate), descriptors run to the next comma outside parentheses.
/// An iterator: judging a srcset allocates nothing.
pub(super) fn srcset_candidates(value: &str) -> impl Iterator<Item = Candidate<'_>> {
    let b = value.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && (ws(b[i]) || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while i < b.len() && !ws(b[i]) {
            i += 1;
        }
        let url = value[start..i].trim_end_matches(',');
        if url.len() < i - start {
            // Trailing commas: the candidate ends with its URL.
            return Some(Candidate { url, text: url });
        }
        let mut depth = 0usize;
        while i < b.len() {
            match b[i] {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        Some(Candidate { url, text: value[start..i].trim_end() })
    })
}

/// The texts of the scripts that run in an `srcdoc` document (at most [`INLINE_PREFIX`] each).
/// Unparsable markup yields what was read before the error: the rewrite that follows fails
/// closed on it anyway.
fn srcdoc_scripts(doc: &str) -> Vec<String> {
    use std::cell::RefCell;
    let texts: RefCell<Vec<Option<String>>> = RefCell::default();
    let settings = lol_html::RewriteStrSettings::new()
        .append_element_content_handler(lol_html::element!("script", |el| {
            let runs = !el.has_attribute("src") && is_js_type(el.get_attribute_cow("type").as_deref());
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

#[cfg(test)]
mod tests {
    use super::srcset_candidates;

    fn urls(v: &str) -> Vec<&str> {
        srcset_candidates(v).map(|c| c.url).collect()
    }

    #[test]
    fn srcset_is_split_as_the_standard_splits_it() {
        assert_eq!(urls("a.png 1x, b.png 2x"), ["a.png", "b.png"]);
        // A comma inside a URL belongs to it; trailing commas end the candidate.
        assert_eq!(urls("a.png,b.png"), ["a.png,b.png"]);
        assert_eq!(urls("a.png,, b.png"), ["a.png", "b.png"]);
        assert_eq!(urls(" ,a.png 100w,b.png 200w"), ["a.png", "b.png"]);
        // Descriptors run to a comma outside parentheses.
        assert_eq!(urls("a.png (x, y) 1x, b.png"), ["a.png", "b.png"]);
        assert_eq!(urls("\t\n"), Vec::<&str>::new());
        let c: Vec<_> = srcset_candidates("a.png 1x , b.png\t2x").collect();
        assert_eq!((c[0].text, c[1].text), ("a.png 1x", "b.png\t2x"));
    }
}
