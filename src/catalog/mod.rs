//! Built-in catalogs: cookie rules (the embedded Open Cookie Database plus our own framework
//! cookies), compiled once at config load into fast matchers.

pub mod cookies;
mod ocd;
pub mod trackers;
mod trackers_data;
