//! lol_html settings for one page: which selectors get which rules of [`super::page`], the
//! charset, and the memory limit (exceeding it is an error, never a raw pass-through).

use lol_html::html_content::{DocumentEnd, Element, TextChunk};
use lol_html::send::{ElementContentHandlers, HtmlRewriter, Settings};
use lol_html::{AsciiCompatibleEncoding, CompiledSelectors, MemorySettings, OutputSink, Selector};
use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

use super as page;
use super::PageRef;

/// Most memory lol_html may hold for one page (buffered tags and text); beyond, the page fails.
pub const MEMORY_LIMIT: usize = 8 * 1024 * 1024;

/// Rewritten bytes, drained by the body after each input chunk.
#[derive(Clone, Default)]
pub struct Sink(pub Arc<Mutex<Vec<u8>>>);

impl OutputSink for Sink {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(chunk);
    }
}

impl Sink {
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Room for about `bytes` of output, so lol_html's many small writes do not regrow the buffer.
    pub fn reserve(&self, bytes: usize) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).reserve(bytes);
    }
}

struct Selectors {
    script: Selector,
    /// Any element that can load a URL (the fragment rewriter dispatches by tag name).
    resource: Selector,
    /// The same, one selector per kind, for the page rewriter.
    by_kind: Vec<(Selector, page::Res)>,
    head: Selector,
    body: Selector,
    policy_table: Selector,
    noscript: Selector,
    /// Elements with inline CSS, and `<style>` blocks: `url(…)` loads too.
    style_attr: Selector,
    style: Selector,
}

/// Parsed once per process: no selector parsing per response.
fn selectors() -> &'static Selectors {
    static S: OnceLock<Selectors> = OnceLock::new();
    S.get_or_init(|| Selectors {
        script: "script".parse().expect("static selector"),
        resource:
            "img, image, iframe, frame, link, a[ping], area[ping], source, embed, object, video, audio, input[src], base[href]"
                .parse()
                .expect("static selector"),
        by_kind: BY_KIND.into_iter().map(|(sel, kind)| (sel.parse().expect("static selector"), kind)).collect(),
        head: "head".parse().expect("static selector"),
        body: "body".parse().expect("static selector"),
        policy_table: "consent-policy-table".parse().expect("static selector"),
        noscript: "noscript".parse().expect("static selector"),
        style_attr: "[style]".parse().expect("static selector"),
        style: "style".parse().expect("static selector"),
    })
}

const BY_KIND: [(&str, page::Res); 11] = [
    ("img, image", page::Res::Img),
    ("source", page::Res::Source),
    ("iframe, frame", page::Res::Frame),
    ("embed", page::Res::Embed),
    ("object", page::Res::Object),
    ("video", page::Res::Video),
    ("audio", page::Res::Audio),
    ("input[src]", page::Res::Input),
    ("link", page::Res::Link),
    ("a[ping], area[ping]", page::Res::Ping),
    ("base[href]", page::Res::Base),
];

/// Every selector the page rewriter registers (element handlers; `script` and `noscript` also
/// get text handlers), for the benchmark that measures lol_html's own cost of them.
pub fn page_selectors() -> impl Iterator<Item = &'static str> {
    BY_KIND.into_iter().map(|(s, _)| s).chain([
        "script",
        "head",
        "body",
        "consent-policy-table",
        "noscript",
        "[style]",
        "style",
    ])
}

/// The selectors of one page rewriter, in the order their handlers are appended (see
/// [`page_rewriter`]): the same list is compiled once ([`compiled`]) for every response.
fn page_selector_list(everything_granted: bool, css: bool) -> Vec<&'static Selector> {
    let s = selectors();
    let mut list = Vec::with_capacity(22);
    if !everything_granted && css {
        list.extend([&s.style_attr, &s.style]);
    }
    for (selector, kind) in &s.by_kind {
        if everything_granted && !matches!(kind, page::Res::Img | page::Res::Frame | page::Res::Base) {
            continue;
        }
        list.push(selector);
    }
    list.extend([&s.script, &s.head, &s.body, &s.policy_table, &s.noscript]);
    list
}

/// The selector program for `selectors` in `encoding` (with the charset watcher or not),
/// compiled at its first use and shared by every rewriter after it (lol_html patch 6): compiling
/// it cost ~9 k instructions per rewriter, each response's and each `<noscript>` fragment's. A
/// rewriter whose handlers are not appended in exactly this order does not use it (lol_html
/// checks the selectors by address), so a mismatch costs time, never a wrong match.
fn compiled(
    selectors: Vec<&'static Selector>,
    encoding: AsciiCompatibleEncoding,
    meta: bool,
) -> Arc<CompiledSelectors> {
    type Key = (Vec<usize>, &'static str, bool);
    // At most 2 × 2 × 2 page lists × the ~40 ASCII-compatible encodings, and one fragment list.
    static PROGRAMS: Mutex<Vec<(Key, Arc<CompiledSelectors>)>> = Mutex::new(Vec::new());
    let key: Key = (selectors.iter().map(|s| std::ptr::from_ref(*s) as usize).collect(), encoding_name(encoding), meta);
    let mut programs = PROGRAMS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, c)) = programs.iter().find(|(k, _)| *k == key) {
        return c.clone();
    }
    let c = Arc::new(CompiledSelectors::new(&selectors, encoding, meta));
    programs.push((key, c.clone()));
    c
}

fn encoding_name(encoding: AsciiCompatibleEncoding) -> &'static str {
    let e: &'static encoding_rs::Encoding = encoding.into();
    e.name()
}

/// A streaming rewriter for one page in `encoding`.
///
/// Every selector costs time on every start tag (lol_html runs them all; one with an attribute
/// makes it read the attributes of every element with that name). A visitor who granted every
/// category has nothing to neutralise, so only the selectors that can still change the page run:
/// head/body (injection), scripts (activation of site-marked scripts), `img`/`iframe`
/// (consent-manager markup), `<base href>` (where the proxy's own URLs resolve) and `<noscript>`. Unknown third-party hosts are then not inventoried;
/// undecided visitors' pages are.
///
/// `declared`: the encoding came from `Content-Type` or a BOM, which win over `<meta charset>`
/// in browsers (WHATWG encoding sniffing); only an undeclared page is watched for one.
pub fn page_rewriter(
    page: PageRef,
    encoding: AsciiCompatibleEncoding,
    declared: bool,
    sink: Sink,
) -> HtmlRewriter<'static, Sink> {
    let s = selectors();
    let (everything_granted, css) = {
        let p = page.lock().unwrap_or_else(|e| e.into_inner());
        (!p.report && p.state.grants_everything(&p.rt.config.consent), p.rt.config.html.css)
    };
    let (p1, p2, p4, p5, p6, p7, p8, p9) = (
        page.clone(),
        page.clone(),
        page.clone(),
        page.clone(),
        page.clone(),
        page.clone(),
        page.clone(),
        page.clone(),
    );
    let mut noscript_buffer = String::new();
    let mut settings = Settings::new_send();
    if !everything_granted && css {
        let (pa, ps, pst, mut style_buffer) = (page.clone(), page.clone(), page.clone(), String::new());
        settings = settings
            .append_element_content_handler((
                Cow::Borrowed(&s.style_attr),
                ElementContentHandlers::default().element(move |el: &mut Element<'_, '_, _>| {
                    page::style_attr(el, &pa);
                    Ok(())
                }),
            ))
            .append_element_content_handler((
                Cow::Borrowed(&s.style),
                ElementContentHandlers::default()
                    .element(move |el: &mut Element<'_, '_, _>| {
                        page::style(el, &pst);
                        Ok(())
                    })
                    .text(move |t: &mut TextChunk<'_>| {
                        page::style_text(t, &ps, &mut style_buffer);
                        Ok(())
                    }),
            ));
    }
    for (selector, kind) in &s.by_kind {
        if everything_granted && !matches!(kind, page::Res::Img | page::Res::Frame | page::Res::Base) {
            continue;
        }
        let (page, kind) = (page.clone(), *kind);
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_, _>| {
                page::resource_as(el, &page, kind);
                Ok(())
            }),
        ));
    }
    let settings = settings
        .append_element_content_handler((
            Cow::Borrowed(&s.script),
            ElementContentHandlers::default()
                .element(move |el: &mut Element<'_, '_, _>| {
                    page::script(el, &p1);
                    Ok(())
                })
                .text(move |t: &mut TextChunk<'_>| {
                    page::script_text(t, &p2);
                    Ok(())
                }),
        ))
        .append_element_content_handler((
            Cow::Borrowed(&s.head),
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_, _>| {
                page::head(el, &p4);
                Ok(())
            }),
        ))
        .append_element_content_handler((
            Cow::Borrowed(&s.body),
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_, _>| {
                page::body(el, &p5);
                Ok(())
            }),
        ))
        .append_element_content_handler((
            Cow::Borrowed(&s.policy_table),
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_, _>| {
                page::policy_table(el, &p8);
                Ok(())
            }),
        ))
        .append_element_content_handler((
            Cow::Borrowed(&s.noscript),
            ElementContentHandlers::default()
                .element(move |el: &mut Element<'_, '_, _>| {
                    page::noscript(el, &p9);
                    Ok(())
                })
                .text(move |t: &mut TextChunk<'_>| {
                    page::noscript_text(t, &p6, &mut noscript_buffer);
                    Ok(())
                }),
        ))
        .append_document_content_handler(lol_html::send::DocumentContentHandlers::default().end(
            move |end: &mut DocumentEnd<'_>| {
                // No </body>: the banner goes at the very end.
                // Counted, so an unfinished tag at the end can be cut before it (body.rs).
                let mut p = p7.lock().unwrap_or_else(|e| e.into_inner());
                if p.in_unterminated_script() {
                    // A page cut inside an inline `<script>`: a browser never runs it. Anything
                    // appended would become its text, and the `</script>` in it would make it
                    // run (a truncated vendor snippet completed by our own markup): nothing is.
                    return Ok(());
                }
                if let Some(snippet) = p.head_snippet.take().filter(|_| !p.report) {
                    end.append(&snippet, lol_html::html_content::ContentType::Html);
                    p.appended_at_end += snippet.len();
                }
                if let Some(html) = page::banner_html(&mut p) {
                    end.append(&html, lol_html::html_content::ContentType::Html);
                    p.appended_at_end += html.len();
                }
                Ok(())
            },
        ))
        .with_compiled_selectors(compiled(page_selector_list(everything_granted, css), encoding, !declared))
        .with_encoding(encoding)
        .with_adjust_charset_on_meta_tag(!declared)
        .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(MEMORY_LIMIT));
    HtmlRewriter::new(settings, sink)
}

/// Rewrites a fragment (the content of a `<noscript>`) with the resource rules.
pub fn rewrite_fragment(html: &str, page: &PageRef) -> Result<String, lol_html::errors::RewritingError> {
    let (p1, p2) = (page.clone(), page.clone());
    let s = selectors();
    let list = vec![&s.resource, &s.script, &s.noscript];
    let settings = lol_html::RewriteStrSettings::new()
        .with_compiled_selectors(compiled(list, AsciiCompatibleEncoding::utf_8(), false))
        .append_element_content_handler((
            Cow::Borrowed(&s.resource),
            lol_html::ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                page::resource(el, &p1);
                Ok(())
            }),
        ))
        .append_element_content_handler((
            Cow::Borrowed(&s.script),
            lol_html::ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                page::noscript_script(el, &p2);
                Ok(())
            }),
        ))
        // A <noscript> inside <noscript> is markup to a browser without JavaScript but raw text
        // here: it is dropped rather than left unjudged.
        .append_element_content_handler((
            Cow::Borrowed(&s.noscript),
            lol_html::ElementContentHandlers::default().element(|el: &mut Element<'_, '_>| {
                el.remove();
                Ok(())
            }),
        ));
    lol_html::rewrite_str(html, settings)
}
