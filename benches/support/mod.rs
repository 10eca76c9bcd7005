//! What the rewrite benchmarks share: the pages, a runtime, one rewrite through the proxy's
//! pipeline, and lol_html on its own with handler sets that isolate its cost model (issue 20):
//!
//! | variant | what it isolates |
//! | --- | --- |
//! | `no_handlers` | lol_html's tag scanner alone: the ceiling |
//! | `e1_selector_matching_nothing` | the selector engine with one selector no tag matches |
//! | `e2_img_noop` | one tag-name selector; minus E1, the cost of the tags it matches |
//! | `e3_ours_without_style_noop` | the proxy's selectors without `[style]`, parsed once |
//! | `ours_noop` | the proxy's selectors, `[style]` included, parsed once, no-op handlers |
//! | `e4_star_noop` | `*` with an empty handler: every start tag lexed and handed over |
//! | `meta_charset_only` | `with_adjust_charset_on_meta_tag(true)` and nothing else |
//! | `script_text_only` | text handlers on `script`/`noscript` only |

#![allow(dead_code)]

use consent_proxy::config::ConfigSource;
use consent_proxy::consent::{read_state, ConsentState, Lang};
use consent_proxy::rewrite::body::Pipeline;
use consent_proxy::rewrite::compression::{Coding, Decoder, Encoder};
use consent_proxy::rewrite::page::Page;
use consent_proxy::state::{Runtime, Shared};
use http::header::HeaderMap;
use lol_html::{ElementContentHandlers, Selector, Settings};
use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

fn filler(paragraphs: usize) -> String {
    (0..paragraphs)
        .map(|i| {
            format!(
                "<article class=\"teaser\" id=\"a{i}\"><h2><a href=\"/news/{i}\">Headline number {i} about the day's events</a></h2>\
<img src=\"/img/{i}.jpg\" srcset=\"/img/{i}@2x.jpg 2x\" alt=\"\" width=\"320\" height=\"180\">\
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. \
Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p></article>\n"
            )
        })
        .collect()
}

/// How the windows-1252 page starts (and how [`rewrite_each`] knows it without a scan).
const LEGACY_HEAD: &[u8] = b"<!DOCTYPE html><html><head><meta charset=\"windows-1252\">";

/// The pages: a ~41 KB tracker-heavy news page (the test fixture's trackers among article
/// filler), a ~1 MB clean page, a ~50 KB windows-1252 page and a tiny one (setup cost).
pub fn pages() -> Vec<(&'static str, Vec<u8>)> {
    let fixture =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trackers.html")).unwrap();
    let (head, body) = fixture.split_at(fixture.find("<body>").unwrap());
    let tracker_heavy = format!("{head}<body>{}{}", filler(85), &body[6..]);
    let clean = format!(
        "<!DOCTYPE html><html><head><title>Clean</title><script src=\"/app.js\"></script></head><body>{}</body></html>",
        filler(1800)
    );
    let mut legacy = LEGACY_HEAD.to_vec();
    legacy.extend_from_slice(
        b"<title>R\xe4ksm\xf6rg\xe5s</title>\
<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></head><body>",
    );
    for i in 0..90 {
        legacy.extend_from_slice(format!("<p id=\"p{i}\">Caf").as_bytes());
        legacy.extend_from_slice(b"\xe9 \x96 G\xf6teborg \xe5\xe4\xf6 ");
        legacy.extend_from_slice(filler(1).as_bytes());
        legacy.extend_from_slice(b"</p>");
    }
    legacy.extend_from_slice(b"</body></html>");
    let tiny = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>hello</p></body></html>".to_vec();
    vec![
        ("tracker_heavy", tracker_heavy.into_bytes()),
        ("clean_1mb", clean.into_bytes()),
        ("legacy_1252", legacy),
        ("tiny_page_setup_cost", tiny),
    ]
}

pub struct Setup {
    pub rt: Arc<Runtime>,
    pub shared: Arc<Shared>,
    pub undecided: ConsentState,
    pub accepted: ConsentState,
    _tokio: tokio::runtime::Runtime,
}

/// `REWRITE_BENCH_LISTS=1`: the rewriter with EasyPrivacy and EasyList loaded (Debian's copies),
/// for the lists' budget on rewritten pages (no more than 10% slower).
fn lists_config() -> Option<std::path::PathBuf> {
    std::env::var_os("REWRITE_BENCH_LISTS")?;
    let dir = "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist";
    let path = std::env::temp_dir().join(format!("rewrite-bench-lists-{}.toml", std::process::id()));
    let toml = format!(
        "[[trackers.lists]]\npath = \"{dir}/easyprivacy.txt\"\ncategory = \"analytics\"\n\n\
         [[trackers.lists]]\npath = \"{dir}/easylist.txt\"\ncategory = \"marketing\"\n"
    );
    std::fs::write(&path, toml).unwrap();
    eprintln!("rewrite bench: with EasyPrivacy and EasyList ({dir})");
    Some(path)
}

pub fn setup() -> Setup {
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _guard = tokio.enter();
    let source = ConfigSource {
        overrides: vec![
            ("upstream.url".into(), "http://127.0.0.1:9".into()),
            ("audit.sink".into(), "/dev/null".into()),
        ],
        env: Some(Default::default()),
        file: lists_config(),
    };
    let config = source.load().unwrap();
    let rt = Arc::new(Runtime::build(config).unwrap());
    let shared = Shared::new(Runtime::build(source.load().unwrap()).unwrap(), source);
    let undecided = read_state(&rt.config.consent, &HeaderMap::new());
    let mut accepted = undecided.clone();
    accepted.decided = true;
    accepted.granted = rt.config.consent.all();
    drop(_guard);
    Setup { rt, shared, undecided, accepted, _tokio: tokio }
}

/// One response's rewrite through the proxy's pipeline (identity coding), 16 KiB chunks; the
/// bytes out. Each output chunk is handed on and dropped, as the proxy hands it to hyper.
pub fn rewrite_once(s: &Setup, state: &ConsentState, page: &[u8]) -> usize {
    let mut n = 0;
    rewrite_each(s, state, page, |chunk| n += chunk.len());
    n
}

/// As served: the windows-1252 page without a charset in `Content-Type` (its `<meta charset>`
/// decides), the others with `charset=utf-8` (so the meta-charset watcher is off, as for most
/// sites).
fn rewrite_each(s: &Setup, state: &ConsentState, page: &[u8], mut each: impl FnMut(Vec<u8>)) {
    // A prefix test, not a search of the page: a search cost 10 instructions per byte of the
    // page inside the measured region (~415 k of a 41 KB rewrite until 2026-12-04).
    let legacy = page.starts_with(LEGACY_HEAD);
    let declared = (!legacy).then_some(encoding_rs::UTF_8);
    let base = url::Url::parse("https://news.example/world/article").ok();
    let p = Page::new(s.rt.clone(), s.shared.clone(), state.clone(), Lang::En, base, "/".into(), None);
    let mut pipeline = Pipeline::new(
        Decoder::new(Coding::Identity).unwrap(),
        Encoder::new(Coding::Identity).unwrap(),
        declared,
        Arc::new(Mutex::new(p)),
    );
    for chunk in page.chunks(16 * 1024) {
        each(pipeline.push(chunk).unwrap());
    }
    each(pipeline.finish().unwrap());
}

/// Bytes out of lol_html with `settings`, the page fed in 16 KiB chunks.
fn run_lol_html(settings: Settings<'_, '_>, page: &[u8]) -> usize {
    let mut n = 0;
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |c: &[u8]| n += c.len());
    for chunk in page.chunks(16 * 1024) {
        rewriter.write(chunk).unwrap();
    }
    rewriter.end().unwrap();
    n
}

/// Selectors parsed once per process, as production does (parsing is not what is measured).
fn parsed(list: &'static [&'static str]) -> &'static [Selector] {
    type Parsed = Vec<(usize, &'static [Selector])>;
    static CACHE: OnceLock<Mutex<Parsed>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    let key = list.as_ptr() as usize;
    if let Some((_, s)) = cache.iter().find(|(k, _)| *k == key) {
        return s;
    }
    let s: &'static [Selector] = Vec::leak(list.iter().map(|s| s.parse().unwrap()).collect());
    cache.push((key, s));
    s
}

fn noop_elements(
    mut settings: Settings<'static, 'static>,
    list: &'static [&'static str],
) -> Settings<'static, 'static> {
    for sel in parsed(list) {
        settings = settings.append_element_content_handler((
            Cow::Borrowed(sel),
            ElementContentHandlers::default().element(|_el: &mut lol_html::html_content::Element<'_, '_>| Ok(())),
        ));
    }
    settings
}

fn noop_texts(mut settings: Settings<'static, 'static>, list: &'static [&'static str]) -> Settings<'static, 'static> {
    for sel in parsed(list) {
        settings = settings.append_element_content_handler((
            Cow::Borrowed(sel),
            ElementContentHandlers::default().text(|_t: &mut lol_html::html_content::TextChunk<'_>| Ok(())),
        ));
    }
    settings
}

/// The proxy's element selectors (`consent_proxy::rewrite::page::html::page_selectors`), which also
/// puts text handlers on `script` and `noscript`.
fn ours() -> &'static [&'static str] {
    static S: OnceLock<Vec<&'static str>> = OnceLock::new();
    S.get_or_init(|| consent_proxy::rewrite::page::html::page_selectors().collect())
}

fn ours_without_style() -> &'static [&'static str] {
    static S: OnceLock<Vec<&'static str>> = OnceLock::new();
    S.get_or_init(|| consent_proxy::rewrite::page::html::page_selectors().filter(|s| *s != "[style]").collect())
}

const TEXTS: &[&str] = &["script", "noscript"];

/// A named lol_html run over a page, returning its output's length.
pub type Variant = (&'static str, fn(&[u8]) -> usize);

/// lol_html on its own, one handler set per variant (see the module doc).
pub const LOL_HTML_VARIANTS: &[Variant] = &[
    ("lol_html_no_handlers", |p| run_lol_html(Settings::new(), p)),
    ("e1_selector_matching_nothing", |p| run_lol_html(noop_elements(Settings::new(), &["consent-nothing"]), p)),
    ("e2_img_noop", |p| run_lol_html(noop_elements(Settings::new(), &["img"]), p)),
    ("e3_ours_without_style_noop", |p| {
        run_lol_html(noop_texts(noop_elements(Settings::new(), ours_without_style()), TEXTS), p)
    }),
    ("ours_noop", |p| run_lol_html(noop_texts(noop_elements(Settings::new(), ours()), TEXTS), p)),
    ("e4_star_noop", |p| run_lol_html(noop_elements(Settings::new(), &["*"]), p)),
    ("meta_charset_only", |p| run_lol_html(Settings::new().with_adjust_charset_on_meta_tag(true), p)),
    ("script_text_only", |p| run_lol_html(noop_texts(Settings::new(), TEXTS), p)),
];
