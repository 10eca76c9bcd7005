//! `cargo fuzz run cookies`: see `checks.rs` (`cookies`) for the input format and the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consent_proxy_fuzz::cookies(data));
