//! `cargo fuzz run rewrite_html`: see `checks.rs` (`rewrite_html`) for the input format and the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consent_proxy_fuzz::rewrite_html(data));
