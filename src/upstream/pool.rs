//! Idle origin connections, kept for the next request.
//!
//! A connection comes back when its response body has ended (so it is free for the next request
//! without a task per request to watch it), goes out newest first, and is closed by dropping its
//! sender once it has been idle for the idle timeout (one sweeper task while any are idle) or
//! when more than `max_idle` are idle already. hyper closes the socket when the last sender of an
//! idle connection is dropped.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

pub struct Pool<B = Incoming> {
    idle: Mutex<Idle<B>>,
    max_idle: usize,
    idle_timeout: Duration,
}

struct Idle<B> {
    /// Oldest first: a connection is pushed when it comes back and taken from the end.
    entries: Vec<Entry<B>>,
    /// A sweeper task is running.
    sweeping: bool,
}

struct Entry<B> {
    sender: SendRequest<B>,
    since: Instant,
}

impl<B: Send + 'static> Pool<B> {
    pub fn new(max_idle: usize, idle_timeout: Duration) -> Self {
        Self { idle: Mutex::new(Idle { entries: Vec::new(), sweeping: false }), max_idle, idle_timeout }
    }

    /// The most recently used connection that can take a request now. Closed ones are dropped;
    /// one whose last exchange is still winding up (its request body still being sent) stays.
    pub fn checkout(&self) -> Option<SendRequest<B>> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let mut i = idle.entries.len();
        while i > 0 {
            i -= 1;
            let sender = &idle.entries[i].sender;
            if sender.is_ready() {
                return Some(idle.entries.remove(i).sender);
            }
            if sender.is_closed() {
                idle.entries.remove(i);
            }
        }
        None
    }

    /// Keeps a connection whose exchange has ended, unless it is closed or enough are kept.
    pub(super) fn give_back(self: &Arc<Self>, sender: SendRequest<B>) {
        if sender.is_closed() {
            return;
        }
        // Outside a runtime (a body dropped at exit) nothing could sweep it: let it close.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.entries.len() >= self.max_idle {
            return;
        }
        idle.entries.push(Entry { sender, since: Instant::now() });
        if !idle.sweeping {
            idle.sweeping = true;
            runtime.spawn(sweep(Arc::downgrade(self)));
        }
    }
}

/// Closes connections idle for the idle timeout, waking when the oldest one is due; ends when
/// none is left (the next one given back starts another) or the pool is gone (a reload).
async fn sweep<B: Send + 'static>(pool: Weak<Pool<B>>) {
    loop {
        let due = {
            let Some(pool) = pool.upgrade() else { return };
            let mut idle = pool.idle.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            idle.entries.retain(|e| now.duration_since(e.since) < pool.idle_timeout && !e.sender.is_closed());
            match idle.entries.first() {
                Some(oldest) => oldest.since + pool.idle_timeout,
                None => {
                    idle.sweeping = false;
                    return;
                }
            }
        };
        tokio::time::sleep_until(due).await;
    }
}

pin_project_lite::pin_project! {
    /// The origin's response body. When it has been read to its end, its connection goes back
    /// to the pool; a body dropped early or broken takes its connection with it (hyper closes it).
    pub struct UpstreamBody {
        #[pin]
        inner: Incoming,
        conn: Option<(SendRequest<Incoming>, Arc<Pool>)>,
    }

    impl PinnedDrop for UpstreamBody {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.inner.is_end_stream() {
                if let Some((sender, pool)) = this.conn.take() {
                    pool.give_back(sender);
                }
            }
        }
    }
}

impl UpstreamBody {
    pub(super) fn new(inner: Incoming, conn: Option<(SendRequest<Incoming>, Arc<Pool>)>) -> Self {
        Self { inner, conn }
    }
}

impl Body for UpstreamBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.project();
        let frame = this.inner.poll_frame(cx);
        match &frame {
            Poll::Ready(None) => {
                if let Some((sender, pool)) = this.conn.take() {
                    pool.give_back(sender);
                }
            }
            Poll::Ready(Some(Err(_))) => *this.conn = None,
            _ => {}
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
