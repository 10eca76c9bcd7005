//! Recognising a vendor snippet: an inline script that names a vendor is tokenised and compared
//! with that vendor's published snippets (`src/catalog/snippets`). Per script, for a short
//! (GTM), a middle (Meta) and a long (Mixpanel) snippet, alone and followed by site code.
//!
//!   cargo bench --bench snippets

use consent_proxy::catalog::snippets::whole_snippet;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/snippets/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn snippets(c: &mut Criterion) {
    for (file, vendor) in
        [("gtm.js", "Google Tag Manager"), ("meta-pixel.js", "Meta Pixel"), ("mixpanel-2021.js", "Mixpanel")]
    {
        let text = fixture(file);
        let mixed = format!("{text}\nwindow.siteReady = true;");
        let wanted = |p: &str| p == vendor;
        assert!(whole_snippet(&text, wanted).is_some() && whole_snippet(&mixed, wanted).is_none());
        c.bench_function(&format!("snippet {file} ({} B) alone", text.len()), |b| {
            b.iter(|| whole_snippet(black_box(&text), wanted))
        });
        c.bench_function(&format!("snippet {file} + site code"), |b| {
            b.iter(|| whole_snippet(black_box(&mixed), wanted))
        });
    }
}

criterion_group!(benches, snippets);
criterion_main!(benches);
