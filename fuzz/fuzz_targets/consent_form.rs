//! `cargo fuzz run consent_form`: see `checks.rs` (`consent_form`) for the input format and the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consent_proxy_fuzz::consent_form(data));
