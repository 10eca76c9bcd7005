//! What a client connection is doing, shared by the connection loop (which closes idle ones), the
//! request handler and the access record: a leaf below all three.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::upstream::ResponseTimer;

/// Per-connection activity, to close keep-alive connections that stay idle and connections whose
/// first request never arrives.
pub struct ConnActivity {
    epoch: Instant,
    /// A request has started on this connection.
    started: AtomicBool,
    /// The connection speaks HTTP/2 (known from its first request).
    h2: AtomicBool,
    in_flight: AtomicUsize,
    /// Nanoseconds after `epoch` when the connection last became idle.
    idle_since: AtomicU64,
    /// The origin's response timeout for this connection's requests, one timer moved forward.
    pub response_timer: ResponseTimer,
}

impl ConnActivity {
    pub(super) fn new() -> Self {
        Self {
            epoch: Instant::now(),
            started: AtomicBool::new(false),
            h2: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            response_timer: ResponseTimer::default(),
        }
    }

    pub fn request_started(&self, version: http::Version) {
        if version == http::Version::HTTP_2 {
            self.h2.store(true, Ordering::Release);
        }
        self.started.store(true, Ordering::Release);
        self.in_flight.fetch_add(1, Ordering::AcqRel);
    }

    pub fn request_finished(&self) {
        self.idle_since.store(self.epoch.elapsed().as_nanos() as u64, Ordering::Release);
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }

    /// When the connection will have been idle for `limit`, if nothing happens before.
    pub(super) fn idle_deadline(&self, limit: Duration) -> tokio::time::Instant {
        let since = if self.in_flight.load(Ordering::Acquire) > 0 {
            Instant::now()
        } else {
            self.epoch + Duration::from_nanos(self.idle_since.load(Ordering::Acquire))
        };
        (since + limit).into()
    }

    pub(super) fn has_started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }

    pub(super) fn is_h2(&self) -> bool {
        self.h2.load(Ordering::Acquire)
    }

    pub(super) fn is_idle_for(&self, limit: Duration) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0 && self.idle_deadline(limit) <= tokio::time::Instant::now()
    }
}
