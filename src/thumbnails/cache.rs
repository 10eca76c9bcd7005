//! The thumbnails fetched, kept across config reloads: bounded in entries and bytes.

use bytes::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const CACHE_ENTRIES: usize = 512;
const CACHE_BYTES: usize = 32 << 20;
const CACHE_TTL: Duration = Duration::from_secs(86_400);
/// Fetches under way at once; more are answered 503 (the endpoint takes no credentials: it must
/// not become a way to make the proxy fetch without bound).
const MAX_FETCHES: usize = 16;

/// The images fetched, by URL: bounded in entries and bytes, oldest out first, each kept a day.
/// Survives config reloads (it lives in [`crate::state::Shared`]).
pub struct Cache {
    inner: Mutex<CacheInner>,
    pub(super) fetches: tokio::sync::Semaphore,
}

impl Default for Cache {
    fn default() -> Self {
        Self { inner: Mutex::default(), fetches: tokio::sync::Semaphore::new(MAX_FETCHES) }
    }
}

#[derive(Default)]
struct CacheInner {
    map: HashMap<String, (Bytes, &'static str, Instant)>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Cache {
    pub(super) fn get(&self, key: &str) -> Option<(Bytes, &'static str)> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.map.get(key).filter(|(_, _, at)| at.elapsed() < CACHE_TTL).map(|(b, t, _)| (b.clone(), *t))
    }

    pub(super) fn put(&self, key: String, body: Bytes, content_type: &'static str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((old, _, _)) = inner.map.remove(&key) {
            inner.bytes -= old.len();
            inner.order.retain(|k| *k != key);
        }
        while !inner.order.is_empty() && (inner.map.len() >= CACHE_ENTRIES || inner.bytes + body.len() > CACHE_BYTES) {
            let oldest = inner.order.pop_front().expect("not empty");
            if let Some((b, _, _)) = inner.map.remove(&oldest) {
                inner.bytes -= b.len();
            }
        }
        inner.bytes += body.len();
        inner.order.push_back(key.clone());
        inner.map.insert(key, (body, content_type, Instant::now()));
    }

    /// Images held and their bytes.
    pub fn size(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.map.len(), inner.bytes)
    }
}
