//! Filter lists: load time, one URL decision, and (with `LISTS_RSS=1`) the resident memory the
//! two standard lists add. Uses Debian's copies of EasyPrivacy and EasyList
//! (`apt-get install webext-ublock-origin-chromium`); without them it says so and does nothing.
//!
//!   cargo bench --bench lists

use consent_proxy::catalog::lists::{FilterLists, ListFormat, ListSpec, RequestKind};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Instant;

const DIR: &str = "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist";

fn specs() -> Option<Vec<ListSpec>> {
    let spec =
        |file: &str, category: &str| ListSpec::file(PathBuf::from(DIR).join(file), category, ListFormat::Adblock);
    let specs = vec![spec("easyprivacy.txt", "analytics"), spec("easylist.txt", "marketing")];
    specs.iter().all(|s| s.path.exists()).then_some(specs)
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn lists(c: &mut Criterion) {
    let Some(specs) = specs() else {
        eprintln!("lists bench skipped: {DIR} missing (apt-get install webext-ublock-origin-chromium)");
        return;
    };
    let before = rss_kib();
    let start = Instant::now();
    let lists = FilterLists::load(&specs).unwrap();
    let load = start.elapsed();
    let after = rss_kib();
    println!(
        "lists: {} rules loaded in {:.0} ms; resident memory +{:.1} MiB",
        lists.rule_count(),
        load.as_secs_f64() * 1000.0,
        (after.saturating_sub(before)) as f64 / 1024.0
    );
    // A mix a news page makes: a blocked ad script, a blocked pixel, an allowed CDN, a first
    // party-looking path on a third party, an exception-prone host.
    let urls = [
        ("https://securepubads.g.doubleclick.net/tag/js/gpt.js", "securepubads.g.doubleclick.net", RequestKind::Script),
        ("https://tags.creativecdn.com/abc.js", "tags.creativecdn.com", RequestKind::Script),
        ("https://pixel.example-adtech.com/p.gif?id=1", "pixel.example-adtech.com", RequestKind::Image),
        ("https://cdn.jsdelivr.net/npm/jquery@3/dist/jquery.min.js", "cdn.jsdelivr.net", RequestKind::Script),
        ("https://fonts.googleapis.com/css2?family=Inter", "fonts.googleapis.com", RequestKind::Stylesheet),
        ("https://images.ctfassets.net/x/y/hero.jpg", "images.ctfassets.net", RequestKind::Image),
    ];
    let mut g = c.benchmark_group("lists");
    g.bench_function("decide 6 URLs (EasyPrivacy + EasyList)", |b| {
        b.iter(|| {
            for (url, host, kind) in urls {
                black_box(lists.check(url, host, Some("www.news.example"), kind));
            }
        })
    });
    // One decision each: the budget is on the median URL.
    for (url, host, kind) in urls {
        g.bench_function(format!("decide one: {host}"), |b| {
            b.iter(|| black_box(lists.check(url, host, Some("www.news.example"), kind)))
        });
    }
    g.bench_function("reload unchanged (read + hash)", |b| b.iter(|| black_box(FilterLists::load(&specs).unwrap())));
    g.finish();
}

criterion_group!(benches, lists);
criterion_main!(benches);
