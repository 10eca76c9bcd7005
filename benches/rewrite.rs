//! Rewriter throughput next to lol_html with no handlers on the same bytes, cookie
//! classification and `Set-Cookie` filtering, consent-cookie decoding.
//!
//!   cargo bench --bench rewrite
//!
//! Pages: a ~50 KB tracker-heavy news page (the test fixture's trackers among article filler), a
//! ~1 MB clean page, and a ~50 KB windows-1252 page.

use consent_proxy::config::ConfigSource;
use consent_proxy::consent::{codec, read_state, ConsentState, Lang};
use consent_proxy::rewrite::body::Pipeline;
use consent_proxy::rewrite::compression::{Coding, Decoder, Encoder};
use consent_proxy::rewrite::page::Page;
use consent_proxy::state::{Runtime, Shared};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use std::sync::{Arc, Mutex};

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

fn pages() -> Vec<(&'static str, Vec<u8>)> {
    let fixture =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trackers.html")).unwrap();
    let (head, body) = fixture.split_at(fixture.find("<body>").unwrap());
    let tracker_heavy = format!("{head}<body>{}{}", filler(85), &body[6..]);
    let clean = format!(
        "<!DOCTYPE html><html><head><title>Clean</title><script src=\"/app.js\"></script></head><body>{}</body></html>",
        filler(1800)
    );
    let mut legacy = b"<!DOCTYPE html><html><head><meta charset=\"windows-1252\"><title>R\xe4ksm\xf6rg\xe5s</title>\
<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></head><body>"
        .to_vec();
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

struct Setup {
    rt: Arc<Runtime>,
    shared: Arc<Shared>,
    undecided: ConsentState,
    accepted: ConsentState,
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

fn setup() -> Setup {
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

fn rewrite_once(s: &Setup, state: &ConsentState, page: &[u8]) -> usize {
    let base = url::Url::parse("https://news.example/world/article").ok();
    let p = Page::new(s.rt.clone(), s.shared.clone(), state.clone(), Lang::En, base, "/".into(), None);
    let mut pipeline = Pipeline::new(
        Decoder::new(Coding::Identity).unwrap(),
        Encoder::new(Coding::Identity).unwrap(),
        None,
        Arc::new(Mutex::new(p)),
    );
    let mut n = 0;
    for chunk in page.chunks(16 * 1024) {
        n += pipeline.push(chunk).unwrap().len();
    }
    n + pipeline.finish().unwrap().len()
}

/// Bytes out of lol_html with `settings`, the page fed in 16 KiB chunks.
fn run_lol_html(settings: lol_html::Settings<'_, '_>, page: &[u8]) -> usize {
    let mut n = 0;
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |c: &[u8]| n += c.len());
    for chunk in page.chunks(16 * 1024) {
        rewriter.write(chunk).unwrap();
    }
    rewriter.end().unwrap();
    n
}

fn lol_html_plain(page: &[u8]) -> usize {
    run_lol_html(lol_html::Settings::new(), page)
}

/// lol_html with the rewriter's selectors and handlers that do nothing: what the selector
/// machinery itself costs, apart from the rules.
fn lol_html_same_selectors(page: &[u8]) -> usize {
    let mut settings = lol_html::Settings::new();
    for s in consent_proxy::rewrite::html::page_selectors() {
        settings = settings.append_element_content_handler(lol_html::element!(s, |_el| Ok(())));
    }
    settings = settings
        .append_element_content_handler(lol_html::text!("script", |_t| Ok(())))
        .append_element_content_handler(lol_html::text!("noscript", |_t| Ok(())));
    run_lol_html(settings, page)
}

/// The cheap alternative to patching lol_html's selector matching (issue 13): one `*` element
/// handler that dispatches on the tag name in our code (and reads the attributes for `style`, as
/// the `[style]` selector makes lol_html do), handlers that do nothing.
fn lol_html_star_dispatch(page: &[u8]) -> usize {
    const TAGS: [&str; 19] = [
        "img", "image", "source", "iframe", "frame", "embed", "object", "video", "audio", "input", "link", "a", "area",
        "base", "script", "head", "body", "noscript", "style",
    ];
    let mut hits = 0usize;
    let settings = lol_html::Settings::new()
        .append_element_content_handler(lol_html::element!("*", |el| {
            let name = el.tag_name();
            if TAGS.contains(&name.as_str()) || el.has_attribute("style") {
                hits += 1;
            }
            Ok(())
        }))
        .append_element_content_handler(lol_html::text!("script", |_t| Ok(())))
        .append_element_content_handler(lol_html::text!("noscript", |_t| Ok(())));
    let n = run_lol_html(settings, page);
    n + hits.min(1)
}

/// Where lol_html's ceiling is: a single tag-name selector and nothing else (any element handler
/// makes lol_html lex every tag in full), and the `<script>`/`<noscript>` text handlers alone.
fn lol_html_one_selector(page: &[u8], text_only: bool) -> usize {
    let settings = if text_only {
        lol_html::Settings::new()
            .append_element_content_handler(lol_html::text!("script", |_t| Ok(())))
            .append_element_content_handler(lol_html::text!("noscript", |_t| Ok(())))
    } else {
        lol_html::Settings::new().append_element_content_handler(lol_html::element!("img", |_el| Ok(())))
    };
    run_lol_html(settings, page)
}

fn rewriting(c: &mut Criterion) {
    let s = setup();
    for (name, page) in pages() {
        let mut g = c.benchmark_group(format!("rewrite/{name}"));
        g.throughput(Throughput::Bytes(page.len() as u64));
        g.bench_function(BenchmarkId::new("lol_html_no_handlers", page.len()), |b| {
            b.iter(|| lol_html_plain(black_box(&page)))
        });
        g.bench_function(BenchmarkId::new("lol_html_same_selectors_noop", page.len()), |b| {
            b.iter(|| lol_html_same_selectors(black_box(&page)))
        });
        g.bench_function(BenchmarkId::new("lol_html_one_tag_selector_noop", page.len()), |b| {
            b.iter(|| lol_html_one_selector(black_box(&page), false))
        });
        g.bench_function(BenchmarkId::new("lol_html_script_text_only_noop", page.len()), |b| {
            b.iter(|| lol_html_one_selector(black_box(&page), true))
        });
        g.bench_function(BenchmarkId::new("lol_html_star_dispatch_noop", page.len()), |b| {
            b.iter(|| lol_html_star_dispatch(black_box(&page)))
        });
        g.bench_function(BenchmarkId::new("consent_proxy_undecided", page.len()), |b| {
            b.iter(|| rewrite_once(&s, &s.undecided, black_box(&page)))
        });
        g.bench_function(BenchmarkId::new("consent_proxy_accept_all", page.len()), |b| {
            b.iter(|| rewrite_once(&s, &s.accepted, black_box(&page)))
        });
        g.finish();
    }
}

fn cookies(c: &mut Criterion) {
    let s = setup();
    let policy = &s.rt.config.cookies;
    let names =
        ["_ga", "_ga_ABC123", "sessionid", "_fbp", "hubspotutk", "PHPSESSID", "unknown_thing", "_hjSessionUser_1"];
    c.bench_function("cookies/classify_8_names", |b| {
        b.iter(|| names.iter().filter(|n| policy.verdict(black_box(n), &s.undecided).is_some()).count())
    });
    let set_cookies: Vec<HeaderValue> =
        names.iter().map(|n| HeaderValue::from_str(&format!("{n}=value; Path=/; Max-Age=3600")).unwrap()).collect();
    c.bench_function("cookies/filter_8_set_cookies", |b| {
        b.iter(|| {
            let mut h = HeaderMap::new();
            for v in &set_cookies {
                h.append(SET_COOKIE, v.clone());
            }
            policy.filter_response(&mut h, &s.undecided, true, |_, _, _| {});
            h.len()
        })
    });
    // The alternative the hot path does not take: reading each Set-Cookie with the cookie crate
    // (the filter needs only the name).
    c.bench_function("cookies/parse_8_set_cookies_with_cookie_crate", |b| {
        b.iter(|| {
            set_cookies
                .iter()
                .filter_map(|v| cookie::Cookie::parse(black_box(v.to_str().unwrap())).ok())
                .map(|c| c.name().len())
                .sum::<usize>()
        })
    });
    c.bench_function("cookies/filter_request_cookie_header", |b| {
        let header = HeaderValue::from_static("sessionid=abc; _ga=GA1.1.1.1; _fbp=fb.1.2.3; hubspotutk=x; theme=dark");
        b.iter(|| {
            let mut h = HeaderMap::new();
            h.insert(COOKIE, header.clone());
            policy.filter_request(&mut h, &s.undecided, true, |_, _| {});
            h.len()
        })
    });
    let decision = codec::Decision {
        granted: s.accepted.granted,
        decided_at: consent_proxy::consent::now_unix(),
        consent_id: codec::new_consent_id(),
    };
    let value = codec::encode(&s.rt.config.consent, &decision);
    c.bench_function("consent/decode_cookie", |b| {
        b.iter(|| codec::decode(&s.rt.config.consent, black_box(&value), consent_proxy::consent::now_unix()).is_some())
    });
}

criterion_group!(benches, rewriting, cookies);
criterion_main!(benches);
