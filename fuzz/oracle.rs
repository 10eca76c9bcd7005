//! The leak oracle of the `rewrite_html` target: every place in a rewritten page where a browser
//! would still contact a tracker the visitor refused. A port of `tests/support/html.rs` (the
//! proptest oracle), made stricter where browsers are:
//!
//! - URLs are resolved the way a browser does (WHATWG parsing with the `url` crate: backslashes,
//!   tabs/newlines, percent-encoded and trailing-dot hosts, IP forms) against the document base:
//!   the page URL, or the **first** `<base href>` seen so far (later ones are ignored by browsers);
//! - a URL is a tracker when the catalog classifies the *resolved* URL as a category the state
//!   refuses (so the rewriter's fast paths on raw attribute text are checked against the full
//!   parse);
//! - scripts run when their `type` (or `language`) is a JavaScript MIME type essence, `module`, or
//!   empty/absent (HTML spec "prepare the script element"); SVG `<script>` loads `href` and
//!   `xlink:href`; HTML's tree builder turns `<image>` into `<img>`;
//! - `srcset` is split by the spec's candidate algorithm (URLs may contain commas);
//! - `<noscript>` content (a browser without JavaScript parses it) and `<iframe srcdoc>` documents
//!   are checked recursively; speculation rules' `urls` lists are checked.
//!
//! Both the rewriter and this oracle tokenize with lol_html, so a lol_html/browser tokenizer
//! difference is a blind spot of both; CSS `url()` is not checked (the client guard's documented
//! gap too).

use consent_proxy::consent::ConsentState;
use consent_proxy::state::Runtime;
use lol_html::html_content::{Element, TextChunk};
use lol_html::{element, text, RewriteStrSettings};
use std::cell::RefCell;
use std::rc::Rc;
use url::Url;

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Inline scripts are classified on this prefix by the rewriter (`page::INLINE_PREFIX`, a
/// documented limit): larger ones pass after it, so the oracle judges the same prefix.
const INLINE_PREFIX: usize = 64 * 1024;

/// JavaScript MIME type essences (HTML spec), plus the other executable script types.
const JS_TYPES: [&str; 17] = [
    "application/ecmascript",
    "application/javascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
    "module",
];

/// The types `rewrite::page` treats as JavaScript (only used to tag the `js-mime` known issue).
const REWRITER_JS_TYPES: [&str; 11] = [
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "text/ecmascript",
    "application/ecmascript",
    "text/jscript",
    "text/livescript",
    "text/x-javascript",
    "speculationrules",
];

/// `<link rel>` tokens that make a browser contact the `href` while loading the page.
const LOADING_RELS: [&str; 8] =
    ["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload", "prerender", "stylesheet", "icon"];

/// The proxy's own Consent Mode defaults define `gtag()` but load nothing.
const CONSENT_MODE: &str =
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default'";

/// What the script element being read is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScriptKind {
    /// JavaScript, with the leak kind its leaks get: `leak`, or a known issue (`js-mime` when the
    /// rewriter's type list misses the type, `svg-href` for SVG scripts).
    Js(&'static str),
    Speculation,
    Inert,
}

/// A `<script>` being read by the oracle.
struct Reading {
    id: u64,
    /// SVG: its content is markup (child elements, direct text children).
    svg: bool,
    kind: ScriptKind,
    /// Child elements opened in it and not closed yet (SVG).
    open: usize,
    /// Its direct text (SVG).
    text: String,
}

/// One way the page reaches a refused tracker. `kind` names a known open issue (see
/// `KNOWN_OPEN` in checks.rs) or is `"leak"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub kind: &'static str,
    pub what: String,
}

/// The document base as a browser keeps it (the first `<base href>`) and as a rewriter that
/// follows every `<base>` would (to tag the `first-base` issue).
struct Base {
    /// A `<noscript>` inside `<svg>` was seen (known issue `svg-noscript`).
    svg_noscript: bool,
    doc: Url,
    seen: bool,
    first: Url,
    latest: Url,
}

/// HTML "prepare the script element": the script block's type string decides.
fn script_kind(el: &Element<'_, '_>) -> ScriptKind {
    let ty = match (el.get_attribute("type"), el.get_attribute("language")) {
        (Some(t), _) => t,
        (None, Some(l)) if !l.is_empty() => format!("text/{l}"),
        (None, _) => return ScriptKind::Js("leak"),
    };
    let known =
        el.get_attribute("type").is_none_or(|t| REWRITER_JS_TYPES.contains(&t.trim().to_ascii_lowercase().as_str()));
    let ty = ty.trim_matches(|c: char| c.is_ascii_whitespace()).to_ascii_lowercase();
    if ty.is_empty() || JS_TYPES.contains(&ty.as_str()) {
        ScriptKind::Js(if known { "leak" } else { "js-mime" })
    } else if ty == "speculationrules" {
        ScriptKind::Speculation
    } else {
        ScriptKind::Inert
    }
}

/// URLs in a `srcset`/`imagesrcset` value (HTML "parse a srcset attribute", without descriptors).
pub fn srcset_urls(v: &str) -> Vec<&str> {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
    let mut out = Vec::new();
    let mut rest = v;
    loop {
        rest = rest.trim_start_matches(|c: char| ws(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(ws).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        rest = after;
        if url.ends_with(',') {
            out.push(url.trim_end_matches(','));
            continue;
        }
        out.push(url);
        // Descriptors up to the next comma outside parentheses.
        let mut depth = 0usize;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    cut = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[cut..];
    }
}

/// The judge: the runtime's catalog and the visitor's state.
pub struct Judge<'a> {
    pub rt: &'a Runtime,
    pub state: &'a ConsentState,
}

impl Judge<'_> {
    fn refused_category(&self, category: &str) -> bool {
        match self.rt.config.consent.category_index(category) {
            Some(c) => !self.state.allows(c),
            // Undeclared categories can never be granted.
            None => true,
        }
    }

    /// The resolved URL, if the browser would contact a refused tracker there.
    pub fn tracker_url(&self, raw: &str, base: &Url) -> Option<String> {
        // An empty URL fetches nothing (img/script/link); an empty frame src is about:blank.
        if raw.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty() {
            return None;
        }
        let url = base.join(raw).ok()?;
        if !matches!(url.scheme(), "http" | "https" | "ws" | "wss") {
            return None;
        }
        // The canonical serialization: the catalog sees what the browser will request.
        let rule = self.rt.config.trackers.classify_url(url.as_str(), None)?;
        self.refused_category(&rule.category).then(|| url.to_string())
    }

    /// Judges one URL attribute; `kind` tags the element-level known issue, if any.
    fn url(&self, raw: &str, base: &Base, kind: &'static str, what: &str, found: &RefCell<Vec<Leak>>) {
        let Some(url) = self.tracker_url(raw, &base.first) else { return };
        let prefix = &self.rt.config.consent.prefix;
        let kind = if self.tracker_url(raw, &base.doc).is_none()
            && Url::parse(&url).is_ok_and(|u| u.path().starts_with(prefix.as_str()))
        {
            // The proxy's own assets, written relative, resolved against the page's <base>.
            "injected-under-base"
        } else if self.tracker_url(raw, &base.latest).is_none() {
            "first-base"
        } else {
            kind
        };
        found.borrow_mut().push(Leak { kind, what: format!("{what}={url}") });
    }

    fn tracker_inline(&self, text: &str) -> Option<String> {
        if text.starts_with(CONSENT_MODE) {
            return None;
        }
        let mut end = text.len().min(INLINE_PREFIX);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let rule = self.rt.config.trackers.classify_inline(&text[..end])?;
        self.refused_category(&rule.category).then(|| rule.provider.clone())
    }

    /// Every way `html` (a document whose base is `doc_url`) could still reach a refused tracker.
    pub fn leaks(&self, html: &str, doc_url: &Url) -> Vec<Leak> {
        self.leaks_with(html, doc_url, true)
    }

    /// `scripting: false` for `<noscript>` markup: a browser parses it only with JavaScript off,
    /// so its scripts never run (its images, frames and links still load).
    fn leaks_with(&self, html: &str, doc_url: &Url, scripting: bool) -> Vec<Leak> {
        let found: Rc<RefCell<Vec<Leak>>> = Rc::default();
        let base = Rc::new(RefCell::new(Base {
            svg_noscript: false,
            doc: doc_url.clone(),
            seen: false,
            first: doc_url.clone(),
            latest: doc_url.clone(),
        }));
        let script: Rc<RefCell<ScriptKind>> = Rc::new(RefCell::new(ScriptKind::Inert));
        let inline: Rc<RefCell<String>> = Rc::default();
        let noscript: Rc<RefCell<String>> = Rc::default();
        // An HTML script's text is one raw text node, judged when complete. A script (HTML or
        // SVG) runs only when the parser reaches its end tag; one still open at the end of the
        // input, or popped by an HTML tag breaking out of SVG, never runs: what it would do is
        // kept in `pending` until then.
        let pending: Rc<RefCell<Vec<Leak>>> = Rc::default();
        // An SVG script's content is markup. Checked in Chromium (2026-12-04): it runs only if its
        // end tag arrives while it is the current node (every child element closed), and then
        // runs its direct text children, concatenated (`<svg><script>a=1;<x>b=1;</script>` runs
        // nothing, `c=1;<x></x>d=1;` runs `c=1;d=1;`, `e=1;<x>f=1;</x>` runs `e=1;`). In SVG a
        // script can hold another: `scripts` are the ones open, innermost last; what an SVG
        // script would run is judged after the parse.
        let scripts: Rc<RefCell<Vec<Reading>>> = Rc::default();
        let serial: Rc<std::cell::Cell<u64>> = Rc::default();
        let svg_ran: Rc<RefCell<Vec<(ScriptKind, String)>>> = Rc::default();
        let (f1, f2, f3) = (found.clone(), pending.clone(), found.clone());
        let (p_start, f_end) = (pending.clone(), found.clone());
        let (b1, b2, b3) = (base.clone(), base.clone(), base.clone());
        let noscript_raw: Rc<std::cell::Cell<bool>> = Rc::default();
        let noscript_raw_text = noscript_raw.clone();
        let s1 = script.clone();
        let (sc_child, sc_start, sc_text) = (scripts.clone(), scripts.clone(), scripts.clone());
        let svg_ran_end = svg_ran.clone();
        let settings = RewriteStrSettings::new()
            .append_element_content_handler(element!("*", move |el| {
                self.element(el, &b1, &f1, &s1, scripting);
                Ok(())
            }))
            // Inside <svg>/<math> a script's content is markup, and an HTML "breakout" tag (<i>,
            // <p>, <div>, …) pops the foreign elements: those scripts are closed without running.
            // Any other element opened in an SVG script is a child it must see closed.
            .append_element_content_handler(element!("*", move |el| {
                let tag = el.tag_name();
                let font_breaks = tag == "font" && ["color", "face", "size"].iter().any(|a| el.has_attribute(a));
                if font_breaks || BREAKOUT.contains(&tag.as_str()) {
                    sc_child.borrow_mut().clear();
                    return Ok(());
                }
                let id = match sc_child.borrow_mut().last_mut() {
                    Some(top) if top.svg && !el.is_self_closing() && el.can_have_content() => {
                        top.open += 1;
                        top.id
                    }
                    _ => return Ok(()),
                };
                let open = sc_child.clone();
                let tag = tag.to_string();
                let _ = el.on_end_tag(lol_html::end_tag!(move |end| {
                    // lol_html also calls it on the end tag of an ancestor that pops the element
                    // (`</script>` closing an open `<x>`): then it was still open at that end tag.
                    if !end.name().eq_ignore_ascii_case(&tag) {
                        return Ok(());
                    }
                    if let Some(r) = open.borrow_mut().iter_mut().rev().find(|r| r.id == id) {
                        r.open = r.open.saturating_sub(1);
                    }
                    Ok(())
                }));
                Ok(())
            }))
            .append_element_content_handler(element!("script", move |el| {
                let svg = el.namespace_uri() == SVG_NS;
                if !svg {
                    p_start.borrow_mut().clear();
                }
                serial.set(serial.get() + 1);
                let id = serial.get();
                sc_start.borrow_mut().push(Reading { id, svg, kind: *script.borrow(), open: 0, text: String::new() });
                let (pending, found, open, ran) =
                    (p_start.clone(), f_end.clone(), sc_start.clone(), svg_ran_end.clone());
                // No end tag handler can be set on a self-closing or void element: then nothing runs.
                // (lol_html calls none for an element a start tag or the end of input closes.)
                let _ = el.on_end_tag(lol_html::end_tag!(move |end| {
                    let mut open = open.borrow_mut();
                    // Gone when a breakout popped it: it never runs.
                    let Some(i) = open.iter().rposition(|r| r.id == id) else { return Ok(()) };
                    let r = open.remove(i);
                    // Popped by an ancestor's end tag (`</svg>`), not its own: it never runs.
                    if !end.name().eq_ignore_ascii_case("script") {
                        return Ok(());
                    }
                    if !r.svg {
                        found.borrow_mut().append(&mut pending.borrow_mut());
                    } else if r.open == 0 {
                        // An SVG script runs its own text if nothing it opened is still open.
                        ran.borrow_mut().push((r.kind, r.text));
                    }
                    Ok(())
                }));
                Ok(())
            }))
            .append_element_content_handler(text!("script", move |t: &mut TextChunk| {
                let kind = match sc_text.borrow_mut().last_mut() {
                    Some(r) if r.svg => {
                        // Text of a child element of an SVG script is not the script's.
                        if r.open == 0 {
                            r.text.push_str(t.as_str());
                        }
                        return Ok(());
                    }
                    Some(r) => r.kind,
                    // A script a breakout popped: its text is no script's.
                    None => return Ok(()),
                };
                inline.borrow_mut().push_str(t.as_str());
                if t.last_in_text_node() {
                    let text = std::mem::take(&mut *inline.borrow_mut());
                    self.judge_script_text(kind, &text, &b2.borrow(), &f2);
                }
                Ok(())
            }))
            // Only an HTML `<noscript>` is raw text to lol_html, to be read again as the markup a
            // browser without JavaScript sees. In SVG or MathML it is an ordinary element whose
            // content lol_html already reads as markup: its text chunks are text.
            .append_element_content_handler(element!("noscript", move |el| {
                noscript_raw.set(el.namespace_uri() == HTML_NS);
                Ok(())
            }))
            .append_element_content_handler(text!("noscript", move |t: &mut TextChunk| {
                if !noscript_raw_text.get() {
                    return Ok(());
                }
                noscript.borrow_mut().push_str(t.as_str());
                if t.last_in_text_node() {
                    let inner = std::mem::take(&mut *noscript.borrow_mut());
                    let base = b3.borrow().first.clone();
                    for mut leak in self.leaks_with(&inner, &base, false) {
                        // A <noscript> in <noscript>: with JavaScript off its content is markup too.
                        if !scripting && leak.kind == "leak" {
                            leak.kind = "nested-noscript";
                        }
                        f3.borrow_mut().push(Leak { kind: leak.kind, what: format!("in <noscript>: {}", leak.what) });
                    }
                }
                Ok(())
            }))
            .with_strict(false);
        if let Err(e) = lol_html::rewrite_str(html, settings) {
            // The rewriter's own output: lol_html must be able to read it back.
            found.borrow_mut().push(Leak { kind: "leak", what: format!("oracle cannot parse the output: {e}") });
        }
        for (kind, text) in svg_ran.borrow().iter() {
            self.judge_script_text(*kind, text, &base.borrow(), &found);
        }
        let mut out = found.borrow().clone();
        if base.borrow().svg_noscript {
            // The rewriter mishandles <noscript> in <svg> (the tree builder keeps it SVG, then an
            // HTML tag like <i> breaks out): what follows is tagged as that issue.
            for l in out.iter_mut().filter(|l| l.kind == "leak") {
                l.kind = "svg-noscript";
            }
        }
        out
    }

    /// What the text of a script of `kind` would load, if it ran.
    fn judge_script_text(&self, kind: ScriptKind, text: &str, base: &Base, found: &RefCell<Vec<Leak>>) {
        match kind {
            ScriptKind::Js(kind) => {
                if let Some(p) = self.tracker_inline(text) {
                    found.borrow_mut().push(Leak { kind, what: format!("inline script of {p}") });
                }
            }
            ScriptKind::Speculation => {
                for u in speculation_urls(text) {
                    self.url(&u, base, "leak", "speculation rules url", found);
                }
            }
            ScriptKind::Inert => {}
        }
    }

    fn element(
        &self,
        el: &mut Element<'_, '_>,
        base: &RefCell<Base>,
        found: &RefCell<Vec<Leak>>,
        script: &RefCell<ScriptKind>,
        scripting: bool,
    ) {
        let tag = el.tag_name().to_ascii_lowercase();
        let ns = el.namespace_uri();
        let check = |attr: &str, v: &str, kind: &'static str| {
            self.url(v, &base.borrow(), kind, &format!("<{tag} {attr}"), found);
        };
        // An attribute value as the browser's tokenizer hands it over: U+0000 becomes U+FFFD,
        // which the URL parser does not trim (it trims C0 controls: `ping="\0//host/"` is a path,
        // not a host), and character references are decoded with the attribute-value rules
        // (`srcdoc="<script src=&quot;…"` is a quoted value in the framed document).
        let attr = |name: &str| {
            el.get_attribute(name).map(|v| htmlize::unescape_attribute(v.replace('\0', "\u{FFFD}")).into_owned())
        };
        if ns == SVG_NS {
            match tag.as_str() {
                "noscript" => base.borrow_mut().svg_noscript = true,
                "script" => {
                    // SVG scripts load href/xlink:href; `src` means nothing there (the text runs).
                    let kind = match script_kind(el) {
                        _ if !scripting => ScriptKind::Inert,
                        ScriptKind::Js(_) => ScriptKind::Js("svg-href"),
                        other => other,
                    };
                    *script.borrow_mut() = kind;
                    if matches!(kind, ScriptKind::Js(_)) {
                        for a in ["href", "xlink:href"] {
                            if let Some(v) = attr(a) {
                                check(a, &v, "svg-href");
                            }
                        }
                    }
                    if el.has_attribute("href") || el.has_attribute("xlink:href") {
                        *script.borrow_mut() = ScriptKind::Inert;
                    }
                }
                "image" | "feimage" => {
                    for a in ["href", "xlink:href"] {
                        if let Some(v) = attr(a) {
                            check(a, &v, "svg-href");
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        if ns != HTML_NS {
            return;
        }
        match tag.as_str() {
            "base" => {
                let mut b = base.borrow_mut();
                if let Some(href) = attr("href") {
                    if let Ok(u) = b.latest.join(&href) {
                        b.latest = u;
                    }
                    if !b.seen {
                        // Only the first <base href> counts; an unparsable one leaves the page URL.
                        b.seen = true;
                        if let Ok(u) = b.doc.join(&href) {
                            b.first = u;
                        }
                    }
                }
            }
            "script" => {
                let kind = if scripting { script_kind(el) } else { ScriptKind::Inert };
                *script.borrow_mut() = kind;
                if let (ScriptKind::Js(k), Some(src)) = (kind, attr("src")) {
                    check("src", &src, k);
                }
                if el.has_attribute("src") {
                    // With a src (even an empty or broken one) the inline text never runs.
                    *script.borrow_mut() = ScriptKind::Inert;
                }
            }
            // The tree builder turns <image> into <img>.
            "img" | "image" | "source" => {
                let kind = match tag.as_str() {
                    "image" => "image-tag",
                    "img" if marked(el) => "marked-live-src",
                    _ => "leak",
                };
                if let Some(v) = attr("src") {
                    check("src", &v, kind);
                }
                if let Some(v) = attr("srcset") {
                    for u in srcset_urls(&v) {
                        check("srcset", u, kind);
                    }
                }
            }
            "iframe" | "frame" | "embed" | "audio" | "input" => {
                if let Some(v) = attr("src") {
                    check("src", &v, if marked(el) { "marked-live-src" } else { "leak" });
                }
                if let (true, Some(doc)) = (tag == "iframe", attr("srcdoc")) {
                    let b = base.borrow().first.clone();
                    for leak in self.leaks_with(&doc, &b, scripting) {
                        found
                            .borrow_mut()
                            .push(Leak { kind: leak.kind, what: format!("in <iframe srcdoc>: {}", leak.what) });
                    }
                }
            }
            "video" => {
                for a in ["src", "poster"] {
                    if let Some(v) = attr(a) {
                        check(a, &v, "leak");
                    }
                }
            }
            "object" => {
                if let Some(v) = attr("data") {
                    check("data", &v, "leak");
                }
            }
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_ascii_whitespace().any(|r| LOADING_RELS.contains(&r)) {
                    if let Some(v) = attr("href") {
                        check("href", &v, "leak");
                    }
                    if let Some(v) = attr("imagesrcset") {
                        for u in srcset_urls(&v) {
                            check("imagesrcset", u, "leak");
                        }
                    }
                }
            }
            "a" | "area" => {
                if let Some(v) = attr("ping") {
                    for u in v.split_ascii_whitespace() {
                        check("ping", u, "leak");
                    }
                }
            }
            _ => {}
        }
    }
}

/// Consent-manager markup the rewriter trusts (`page::marked_category`) on an `<img>`/`<iframe>`
/// (known issue `marked-live-src`: a live `src` next to the marking is left in place).
fn marked(el: &Element<'_, '_>) -> bool {
    let stashed = ["data-src", "data-consent-src", "data-consent-srcset"].iter().any(|a| el.has_attribute(a));
    stashed
        && (el.has_attribute("data-consent-category")
            || el.has_attribute("data-cookieconsent")
            || el.has_attribute("data-category")
            || el.get_attribute("class").is_some_and(|c| c.contains("optanon-category-"))
            || el.has_attribute("data-name"))
}

/// Every string in a `urls` list of speculation rules JSON.
fn speculation_urls(text: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    if let (true, Some(list)) = (k == "urls", v.as_array()) {
                        out.extend(list.iter().filter_map(|u| u.as_str().map(String::from)));
                    }
                    walk(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        walk(&v, &mut out);
    }
    out
}

/// Start tags that break out of foreign content (HTML "in foreign content" insertion mode).
const BREAKOUT: [&str; 44] = [
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];
