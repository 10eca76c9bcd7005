//! `cargo fuzz run consent_cookie`: see `checks.rs` (`consent_cookie`) for the input format and the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consent_proxy_fuzz::consent_cookie(data));
