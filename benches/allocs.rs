//! Heap allocations per rewrite and per start tag (issue 20, E5), counted by a global allocator
//! that wraps the system one: lol_html alone with each handler set of `support/mod.rs`, and the
//! proxy's rewriter for an undecided and an accepting visitor.
//!
//!   cargo bench --bench allocs
//!
//! Counts are exact and repeatable (no timing): each variant runs once to warm up, then once
//! counted. "Per tag" divides by the page's start tags, counted by a `*` selector.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size(), Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn counted(f: impl Fn() -> usize) -> (usize, usize) {
    f();
    let (a, b) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    std::hint::black_box(f());
    (ALLOCS.load(Relaxed) - a, BYTES.load(Relaxed) - b)
}

fn start_tags(page: &[u8]) -> usize {
    let mut n = 0;
    let settings = lol_html::Settings::new().append_element_content_handler(lol_html::element!("*", |_el| {
        n += 1;
        Ok(())
    }));
    let mut r = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
    r.write(page).unwrap();
    r.end().unwrap();
    n
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument picks pages by name.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let s = support::setup();
    for (name, page) in support::pages() {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let tags = start_tags(&page);
        println!("\n{name}: {} bytes, {tags} start tags", page.len());
        println!("{:<32} {:>8} {:>9} {:>10}", "variant", "allocs", "per tag", "KiB");
        let row = |label: &str, (a, b): (usize, usize)| {
            println!("{label:<32} {a:>8} {:>9.2} {:>10.1}", a as f64 / tags as f64, b as f64 / 1024.0);
        };
        for (variant, run) in support::LOL_HTML_VARIANTS {
            row(variant, counted(|| run(&page)));
        }
        row("consent_proxy_undecided", counted(|| support::rewrite_once(&s, &s.undecided, &page)));
        row("consent_proxy_accept_all", counted(|| support::rewrite_once(&s, &s.accepted, &page)));
    }
}
