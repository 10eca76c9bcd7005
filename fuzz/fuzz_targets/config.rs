//! `cargo fuzz run config`: see `checks.rs` (`config`) for the input format and the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consent_proxy_fuzz::config(data));
