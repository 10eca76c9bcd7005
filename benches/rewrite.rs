//! Rewriter throughput next to lol_html on the same bytes with handler sets that isolate its cost
//! (`support/mod.rs` names them: E1–E4 of issue 20), cookie classification and `Set-Cookie`
//! filtering, consent-cookie decoding. Allocations per tag (E5) are `benches/allocs.rs`.
//!
//!   cargo bench --bench rewrite -- 'rewrite/tracker_heavy' --warm-up-time 1 --measurement-time 3
//!
//! Pages: a ~41 KB tracker-heavy news page (the test fixture's trackers among article filler), a
//! ~1 MB clean page, a ~50 KB windows-1252 page and a tiny one.

mod support;

use consent_proxy::consent::codec;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use support::{pages, rewrite_once, setup, LOL_HTML_VARIANTS};

fn rewriting(c: &mut Criterion) {
    let s = setup();
    for (name, page) in pages() {
        let mut g = c.benchmark_group(format!("rewrite/{name}"));
        g.throughput(Throughput::Bytes(page.len() as u64));
        for (variant, run) in LOL_HTML_VARIANTS {
            g.bench_function(BenchmarkId::new(*variant, page.len()), |b| b.iter(|| run(black_box(&page))));
        }
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
        services: Default::default(),
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
