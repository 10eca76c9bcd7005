//! Body types: the boxed body every response carries, and [`Observed`], which streams a body
//! through untouched and reports how it ended (complete, broken by the origin, or abandoned by the
//! client) so the access log and metrics are written once, at the end, as nginx does.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Empty, Full};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of every response the proxy sends.
pub type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

pub fn full(bytes: impl Into<Bytes>) -> ProxyBody {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed_unsync()
}

pub fn empty() -> ProxyBody {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// How a response body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyOutcome {
    Complete,
    /// The origin failed mid-body: the client sees a broken response.
    Error,
    /// The origin sent nothing more for `upstream.read_timeout`: the response was cut.
    ReadTimeout,
    /// The HTML rewrite failed mid-body (fail closed): the client sees a broken response.
    RewriteFailed,
    /// The client went away before the end.
    Aborted,
}

impl BodyOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Error => "error",
            Self::ReadTimeout => "read_timeout",
            Self::RewriteFailed => "rewrite_failed",
            Self::Aborted => "aborted",
        }
    }
}

/// Called once when an observed body ends.
pub trait OnBodyEnd: Send + 'static {
    fn body_ended(self, outcome: BodyOutcome, bytes: u64);
}

pin_project_lite::pin_project! {
    /// Passes frames through and calls `on_end` exactly once. Both are held inline, not boxed:
    /// this wraps every response (issue 23).
    pub struct Observed<B: Body, E: OnBodyEnd> {
        #[pin]
        inner: B,
        bytes: u64,
        on_end: Option<E>,
    }

    impl<B: Body, E: OnBodyEnd> PinnedDrop for Observed<B, E> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(f) = this.on_end.take() {
                // hyper never polls a body that is empty from the start: that is not an abort.
                let outcome = if this.inner.is_end_stream() { BodyOutcome::Complete } else { BodyOutcome::Aborted };
                f.body_ended(outcome, *this.bytes);
            }
        }
    }
}

impl<B: Body, E: OnBodyEnd> Observed<B, E> {
    pub fn new(inner: B, on_end: E) -> Self {
        Self { inner, bytes: 0, on_end: Some(on_end) }
    }
}

impl<B, E> Body for Observed<B, E>
where
    B: Body<Data = Bytes>,
    E: OnBodyEnd,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx)).map(|r| r.map_err(Into::<BoxError>::into));
        let outcome = match &frame {
            Some(Ok(f)) => {
                if let Some(data) = f.data_ref() {
                    *this.bytes += data.len() as u64;
                }
                None
            }
            Some(Err(e)) if e.is::<RewriteError>() => Some(BodyOutcome::RewriteFailed),
            Some(Err(e)) if e.is::<ReadTimedOut>() => Some(BodyOutcome::ReadTimeout),
            Some(Err(_)) => Some(BodyOutcome::Error),
            None => Some(BodyOutcome::Complete),
        };
        if let Some(f) = outcome.and_then(|o| this.on_end.take().map(|f| (o, f))) {
            f.1.body_ended(f.0, *this.bytes);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The origin's body stalled for longer than `upstream.read_timeout`.
#[derive(Debug, thiserror::Error)]
#[error("the origin sent nothing for {0:?} (upstream.read_timeout)")]
pub struct ReadTimedOut(pub std::time::Duration);

pin_project_lite::pin_project! {
    /// An origin body that fails with [`ReadTimedOut`] when no frame arrives for `timeout`
    /// (nginx's `proxy_read_timeout`): a stalled origin does not hold the visitor forever.
    /// The timer is armed only when the origin's body actually makes the reader wait (a small
    /// response already read with its head never arms one), and disarmed by the next frame.
    pub struct ReadTimeout<B> {
        #[pin]
        inner: B,
        timeout: std::time::Duration,
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
        armed: bool,
    }
}

impl<B> ReadTimeout<B> {
    pub fn new(inner: B, timeout: std::time::Duration) -> Self {
        Self { inner, timeout, sleep: None, armed: false }
    }
}

impl<B> Body for ReadTimeout<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        match this.inner.poll_frame(cx) {
            Poll::Ready(frame) => {
                *this.armed = false;
                Poll::Ready(frame.map(|r| r.map_err(Into::into)))
            }
            Poll::Pending => {
                if !*this.armed {
                    let deadline = tokio::time::Instant::now() + *this.timeout;
                    match this.sleep {
                        Some(sleep) => sleep.as_mut().reset(deadline),
                        None => *this.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
                    }
                    *this.armed = true;
                }
                let sleep = this.sleep.as_mut().expect("armed above");
                match std::future::Future::poll(sleep.as_mut(), cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(ReadTimedOut(*this.timeout))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Why a rewrite failed (HTML pages only, [`crate::rewrite::body`]); told apart from the
/// origin's errors when the body ends; the `reason` label of `consent_proxy_html_rewrite_errors_total`.
#[derive(Debug, thiserror::Error)]
#[error("HTML rewrite failed ({reason}): {detail}")]
pub struct RewriteError {
    pub reason: &'static str,
    pub detail: String,
}

impl RewriteError {
    pub fn new(reason: &'static str, detail: impl ToString) -> Self {
        Self { reason, detail: detail.to_string() }
    }
}
