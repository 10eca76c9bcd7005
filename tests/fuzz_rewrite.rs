//! Property tests (proptest; a bounded fuzz run in CI): hostile and messy HTML, split at random
//! points, never makes the rewriter panic, and whatever it outputs before consent lets no fixture
//! tracker load. Cookie and consent-cookie parsing never panic on arbitrary bytes.

mod support;

use consent_proxy::config::ConfigSource;
use consent_proxy::consent::{read_state, Lang};
use consent_proxy::rewrite::body::Pipeline;
use consent_proxy::rewrite::compression::{Coding, Decoder, Encoder};
use consent_proxy::rewrite::page::Page;
use consent_proxy::state::{Runtime, Shared};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use std::sync::{Arc, Mutex, OnceLock};

struct Env {
    rt: Arc<Runtime>,
    shared: Arc<Shared>,
    _tokio: tokio::runtime::Runtime,
}

fn env() -> &'static Env {
    static E: OnceLock<Env> = OnceLock::new();
    E.get_or_init(|| {
        let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let _g = tokio.enter();
        let source = ConfigSource {
            overrides: vec![
                ("upstream.url".into(), "http://127.0.0.1:9".into()),
                ("audit.sink".into(), "/dev/null".into()),
            ],
            env: Some(Default::default()),
            ..Default::default()
        };
        let rt = Arc::new(Runtime::build(source.load().unwrap()).unwrap());
        let shared = Shared::new(Runtime::build(source.load().unwrap()).unwrap(), source);
        drop(_g);
        Env { rt, shared, _tokio: tokio }
    })
}

/// Rewrites `page` in the given chunks as for an undecided visitor; `None` if the rewrite failed
/// (then the proxy aborts the response: nothing to check).
fn rewrite(page: &[u8], cuts: &[usize]) -> Option<Vec<u8>> {
    let e = env();
    let state = read_state(&e.rt.config.consent, &HeaderMap::new());
    let base = url::Url::parse("https://shop.example/p").ok();
    let p = Page::new(e.rt.clone(), e.shared.clone(), state, Lang::En, base, "/".into(), None);
    let mut pipeline = Pipeline::new(
        Decoder::new(Coding::Identity).unwrap(),
        Encoder::new(Coding::Identity).unwrap(),
        None,
        Arc::new(Mutex::new(p)),
    );
    let mut out = Vec::new();
    let mut last = 0;
    for &cut in cuts.iter().chain(std::iter::once(&page.len())) {
        let cut = cut.clamp(last, page.len());
        out.extend(pipeline.push(&page[last..cut]).ok()?);
        last = cut;
    }
    out.extend(pipeline.finish().ok()?);
    Some(out)
}

const FRAGMENTS: &[&str] = &[
    "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>",
    "<script>fbq('init', '1'); fbq('track', 'PageView');</script>",
    concat!("<script>", include_str!("fixtures/snippets/hotjar.js"), "</script>"),
    concat!("<script>", include_str!("fixtures/snippets/gtm.js"), "\nwindow.siteReady = true;</script>"),
    "<script>var s = \"</scr\" + \"ipt>\"; gtag('config', 'G-2');</script>",
    "<SCRIPT SRC=//connect.facebook.net/en_US/fbevents.js></SCRIPT>",
    "<img src=\"https://www.facebook.com/tr?id=1&amp;ev=x\" width=1 height=1>",
    "<IMG SRC='HTTPS://WWW.FACEBOOK.COM./tr?id=2'>",
    "<noscript><img src=\"https://www.facebook.com/tr?id=3\"></noscript>",
    "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
    "<link rel=preconnect href=https://www.google-analytics.com>",
    "<a href=/x ping=\"https://www.google-analytics.com/collect\">x</a>",
    "<img srcset=\"/a.png 1x, https://www.facebook.com/tr?id=4 2x\">",
    "<base href=\"https://www.google-analytics.com/\"><script src=\"analytics.js\"></script>",
    "<p>text &amp; entities &lt;script&gt;</p>",
    "<div><span>unclosed",
    "</div></div></p>",
    "<!-- <script src=\"https://www.googletagmanager.com/gtm.js\"></script> -->",
    "<![CDATA[ <script> ]]>",
    "<svg><script>gtag('config','G-3')</script></svg>",
    "<textarea><script src=\"https://connect.facebook.net/x.js\"></script></textarea>",
    "<title><img src=\"https://www.facebook.com/tr?id=5\"></title>",
    "<script type=\"application/ld+json\">{\"a\":\"fbq('init')\"}</script>",
    "<head>",
    "<body>",
    "</body></html>",
    "<script src=\"/own.js\"></script>",
    "\u{0}\u{ff}é漢字",
    "<",
    ">",
    "\"",
    "<script>",
    "</script>",
];

proptest! {
    // 160 cases in CI; a longer run: PROPTEST_CASES=20000 cargo test --release --test fuzz_rewrite
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_html_never_panics_and_never_leaks(
        picks in proptest::collection::vec(0..FRAGMENTS.len(), 1..40),
        cuts in proptest::collection::vec(0usize..4000, 0..12),
        noise in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        // Noise goes between fragments: inside one it would change what the fragment means
        // (and a broken tracker snippet is not a tracker any more).
        let at = noise.len() % (picks.len() + 1);
        let mut page: Vec<u8> = Vec::new();
        for (n, &i) in picks.iter().enumerate() {
            if n == at {
                page.extend(noise.iter().copied().filter(|b| *b != b'<'));
            }
            page.extend(FRAGMENTS[i].bytes());
        }
        let mut cuts = cuts;
        cuts.sort_unstable();
        if let Some(out) = rewrite(&page, &cuts) {
            let text = String::from_utf8_lossy(&out);
            let leaks = support::html::leaks(&text);
            prop_assert!(leaks.is_empty(), "leaks {:?}\\ninput: {}\\noutput: {}", leaks, String::from_utf8_lossy(&page), text);
        }
    }

    #[test]
    fn cookie_headers_and_consent_cookies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let e = env();
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_bytes(&bytes) {
            h.insert(http::header::COOKIE, v.clone());
            h.append(http::header::COOKIE, HeaderValue::from_static("consent=1.1.1.x.y; _ga=1"));
            let state = read_state(&e.rt.config.consent, &h);
            prop_assert!(state.allows(0), "necessary is always granted");
            let mut stripped = h.clone();
            e.rt.config.cookies.filter_request(&mut stripped, &state, true, |_, _| {});
            let after = stripped.get(http::header::COOKIE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).unwrap_or_default();
            prop_assert!(!after.split(';').any(|p| p.trim().starts_with("_ga=")), "a refused cookie reached the origin: {after}");
            let mut resp = HeaderMap::new();
            resp.insert(http::header::SET_COOKIE, v);
            e.rt.config.cookies.filter_response(&mut resp, &state, true, |_, _, _| {});
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = consent_proxy::consent::codec::decode(&e.rt.config.consent, &text, 1_800_000_000);
    }
}
