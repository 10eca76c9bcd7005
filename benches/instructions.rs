//! Instructions per rewrite, counted by Valgrind (callgrind): exact and repeatable where wall-clock
//! benches on a shared 2-core VM move by ±40% between runs. Used to judge each lol_html patch
//! (vendor/lol_html/PATCHES.md) and our own handlers; time is still shown by `--bench rewrite`.
//!
//!   benches/instructions.sh            # builds, runs under callgrind, prints the table
//!
//! Every variant of `support::LOL_HTML_VARIANTS` and the proxy's rewriter (undecided, accepted)
//! runs once outside the measured region (warm-up, lazy statics), then `ITERS` times inside
//! `measured::<N>`, a distinct symbol per variant; the script reads each one's inclusive count.
//! Run natively (without Valgrind) it only checks that everything runs.

mod support;

const ITERS: usize = 5;

/// One function per variant, so callgrind sees a distinct symbol for each (`measured_3`, …).
macro_rules! measured_fns {
    ($($name:ident)*) => {
        $(
            #[inline(never)]
            fn $name(run: &dyn Fn() -> usize) -> usize {
                // NOTE: a distinct constant per function, so identical bodies are not merged.
                let mut n = std::hint::black_box(stringify!($name)).as_ptr() as usize & 0;
                for _ in 0..ITERS {
                    n += std::hint::black_box(run());
                }
                n
            }
        )*
        const MEASURED: &[(&str, fn(&dyn Fn() -> usize) -> usize)] = &[$((stringify!($name), $name)),*];
    };
}
measured_fns!(measured_0 measured_1 measured_2 measured_3 measured_4 measured_5 measured_6 measured_7 measured_8 measured_9 measured_10 measured_11);

fn main() {
    // `cargo bench` passes `--bench`; a filter argument picks pages by name.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| "tracker".into());
    let s = support::setup();
    for (name, page) in support::pages() {
        if !name.contains(&filter) {
            continue;
        }
        println!("page {name} {}", page.len());
        let page: &'static [u8] = page.leak();
        let undecided = || support::rewrite_once(&s, &s.undecided, page);
        let accepted = || support::rewrite_once(&s, &s.accepted, page);
        let runs: Vec<(&str, &dyn Fn() -> usize)> = support::LOL_HTML_VARIANTS
            .iter()
            .map(|(v, run)| (*v, Box::leak(Box::new(move || run(page))) as &dyn Fn() -> usize))
            .chain([
                ("consent_proxy_undecided", &undecided as &dyn Fn() -> usize),
                ("consent_proxy_accept_all", &accepted),
            ])
            .collect();
        assert!(runs.len() <= MEASURED.len(), "add names to measured_fns!");
        for ((label, run), (symbol, measure)) in runs.iter().zip(MEASURED) {
            run();
            measure(*run);
            println!("variant {label} {symbol} iters {ITERS}");
        }
    }
}
