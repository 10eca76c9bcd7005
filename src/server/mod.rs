//! Client connections: the accept loop with a connection limit, TLS, HTTP/1.1 and HTTP/2 through
//! hyper-util's auto builder, idle keep-alive closing, and the graceful drain on shutdown.

pub mod activity;
pub mod settings;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use crate::forward::ClientConn;
use crate::state::Shared;
use activity::ConnActivity;

/// Accepts until `shutdown` turns true, then drains open connections up to the drain timeout.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let (max, drain) = {
        let rt = shared.runtime.load();
        (rt.config.server.max_connections, rt.config.shutdown.drain_timeout)
    };
    let limit = Arc::new(Semaphore::new(max));
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    while !*shutdown.borrow() {
        let permit = tokio::select! {
            p = limit.clone().acquire_owned() => p.expect("semaphore is never closed"),
            _ = shutdown.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let conn =
            Connection { shared: shared.clone(), shutdown: shutdown.clone(), _open: open_tx.clone(), _permit: permit };
        tokio::spawn(conn.run(stream, peer));
    }
    drop(listener);
    drop(open_tx);
    tracing::info!(timeout = ?drain, "stopped accepting; draining open connections");
    if tokio::time::timeout(drain, open_rx.recv()).await.is_err() {
        tracing::warn!("drain timeout reached; closing the remaining connections");
    }
}

struct Connection {
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
    /// Dropped when the connection ends; the drain waits for all of them.
    _open: mpsc::Sender<()>,
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(self, stream: TcpStream, peer: SocketAddr) {
        let metrics = self.shared.clone();
        metrics.metrics.connections.inc();
        let _ = stream.set_nodelay(true);
        let rt = self.shared.runtime.load_full();
        match &rt.tls {
            None => self.drive(stream, ClientConn::new(peer, false)).await,
            Some(tls) => {
                let handshake = tokio::time::timeout(rt.config.server.header_read_timeout, tls.accept(stream)).await;
                match handshake {
                    Ok(Ok(stream)) => self.drive(stream, ClientConn::new(peer, true)).await,
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
            }
        }
        metrics.metrics.connections.dec();
    }

    async fn drive<I>(mut self, io: I, conn: ClientConn)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let cfg = self.shared.runtime.load().config.server.clone();
        let mut builder = auto::Builder::new(TokioExecutor::new());
        // No header-read timer in hyper: it would be armed and dropped for every request head.
        // The deadlines below, one per connection, do its job (issue 23).
        builder.http1().header_read_timeout(None).max_buf_size(cfg.max_header_bytes).keep_alive(true);
        builder.http2().timer(TokioTimer::new()).max_header_list_size(cfg.max_header_bytes as u32);
        let activity = Arc::new(ConnActivity::new());
        // The first request must arrive within `header_read_timeout` of the connection (after the
        // TLS handshake): a connection that sends nothing, half a request head (slowloris), the
        // first bytes of the HTTP/2 preface, or an HTTP/2 preface and no stream, is closed.
        let first_request_deadline = tokio::time::Instant::now() + cfg.header_read_timeout;
        // Between requests, an HTTP/1.1 connection gets `header_read_timeout` for its next head
        // (as hyper's own timer did: it ran from the end of the previous exchange) or
        // `idle_timeout` if shorter; an HTTP/2 connection `idle_timeout`.
        let h1_idle = cfg.idle_timeout.min(cfg.header_read_timeout);
        let (shared, act) = (self.shared.clone(), activity.clone());
        let svc = service_fn(move |req| crate::proxy::handle(shared.clone(), conn.clone(), act.clone(), req));
        let served = builder.serve_connection_with_upgrades(TokioIo::new(io), svc);
        tokio::pin!(served);
        let mut closing = *self.shutdown.borrow();
        if closing {
            served.as_mut().graceful_shutdown();
        }
        // Made once and kept across wake-ups (issue 23): the loop below wakes for every read and
        // write of the connection, and a future or a timer built anew each time is paid each time.
        let shutdown = self.shutdown.changed();
        tokio::pin!(shutdown);
        // One timer per connection. It may fire early, never late: every deadline below only
        // moves forward (idle since later, HTTP/2's limit is the longer one), so when it fires the
        // deadline is computed again and the timer moved forward to it if nothing is due yet.
        let deadlines = Deadlines { first_request: first_request_deadline, h1_idle, h2_idle: cfg.idle_timeout };
        let timer = tokio::time::sleep_until(deadlines.next(&activity));
        tokio::pin!(timer);
        let mut timer_polled = false;
        loop {
            tokio::select! {
                res = served.as_mut() => {
                    if let Err(e) = res {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                    break;
                }
                _ = &mut shutdown, if !closing => {
                    closing = true;
                    served.as_mut().graceful_shutdown();
                }
                () = fired(timer.as_mut(), &mut timer_polled), if !closing => match deadlines.due(&activity) {
                    Due::NotYet(next) => {
                        timer.as_mut().reset(next);
                        timer_polled = false;
                    }
                    Due::FirstRequest => {
                        // Nothing is in flight: closed outright (hyper would wait for a head that
                        // has begun to end), without an answer, as hyper's timer did.
                        tracing::debug!("no request within the header read timeout; closing");
                        break;
                    }
                    Due::Idle if !activity.is_h2() => {
                        tracing::debug!("no request head within the idle or header read timeout; closing");
                        break;
                    }
                    Due::Idle => {
                        closing = true;
                        served.as_mut().graceful_shutdown();
                    }
                },
            }
        }
    }
}

/// Resolves when `timer` fires. The loop above wakes for every read and write of the connection,
/// and polling a `Sleep` costs about 120 instructions each time (issue 23): it is polled once after
/// each reset, which leaves this task's waker with it, and after that only once `is_elapsed`
/// says it has fired — the timer wakes this same task when it does.
fn fired<'a>(mut timer: Pin<&'a mut Sleep>, polled: &'a mut bool) -> impl Future<Output = ()> + 'a {
    std::future::poll_fn(move |cx| {
        if *polled && !timer.is_elapsed() {
            return Poll::Pending;
        }
        *polled = true;
        timer.as_mut().poll(cx)
    })
}

/// A connection's deadlines: its first request, then idleness between requests.
struct Deadlines {
    first_request: tokio::time::Instant,
    h1_idle: Duration,
    h2_idle: Duration,
}

enum Due {
    NotYet(tokio::time::Instant),
    FirstRequest,
    Idle,
}

impl Deadlines {
    /// Read at each check: a connection is known to be HTTP/2 only from its first request.
    fn idle_limit(&self, activity: &ConnActivity) -> Duration {
        if activity.is_h2() {
            self.h2_idle
        } else {
            self.h1_idle
        }
    }

    fn next(&self, activity: &ConnActivity) -> tokio::time::Instant {
        let idle = activity.idle_deadline(self.idle_limit(activity));
        if activity.has_started() {
            idle
        } else {
            idle.min(self.first_request)
        }
    }

    fn due(&self, activity: &ConnActivity) -> Due {
        if !activity.has_started() && self.first_request <= tokio::time::Instant::now() {
            Due::FirstRequest
        } else if activity.is_idle_for(self.idle_limit(activity)) {
            Due::Idle
        } else {
            Due::NotYet(self.next(activity))
        }
    }
}
