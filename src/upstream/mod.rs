//! The client to the origin: HTTP/1.1 connections (`http://`, or `https://` with the system
//! roots plus an optional CA file) kept in a small pool of our own, and the mapping of their
//! failures to [`ProxyError`]s.
//!
//! hyper's `client::conn::http1` does the protocol; this module keeps what hyper-util's legacy
//! `Client` gave us and nothing else (issue 23): idle connections reused newest first, closed
//! after `upstream.pool_idle_timeout`, at most `upstream.pool_max_idle_per_host` kept; a request
//! that a reused connection never wrote is retried once on a fresh one; an upgraded (`101`)
//! connection is never reused; connect failures are 502, connect and response timeouts 504.

mod dial;
mod pool;
pub mod settings;

use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use rustls::RootCertStore;
use rustls_pki_types::{pem::PemObject, CertificateDer};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use tokio::time::{Instant, Sleep};

use crate::error::ProxyError;
pub use pool::UpstreamBody;
use settings::UpstreamConfig;

/// The origin: how to reach it and the connections kept open to it.
pub struct Upstream {
    dialer: dial::Dialer,
    pool: Arc<pool::Pool>,
    response_timeout: std::time::Duration,
}

impl Upstream {
    pub fn new(config: &UpstreamConfig) -> anyhow::Result<Self> {
        Ok(Self {
            dialer: dial::Dialer::new(config, roots(config)?)?,
            pool: Arc::new(pool::Pool::new(config.pool_max_idle_per_host, config.pool_idle_timeout)),
            response_timeout: config.response_timeout,
        })
    }

    /// Sends the request (origin-form URI, `Host` set: see [`crate::forward`]); resolves when the
    /// response head has arrived, or fails with a 504 `upstream.response_timeout` after `asked`,
    /// timed by the client connection's `timer`. The body hands the connection back to the pool
    /// when it ends.
    pub async fn send(
        &self,
        req: http::Request<Incoming>,
        timer: &ResponseTimer,
        asked: std::time::Instant,
    ) -> Result<http::Response<UpstreamBody>, ProxyError> {
        let mut sleep = timer.take(Instant::from_std(asked) + self.response_timeout);
        let send = self.send_on_some_connection(req);
        tokio::pin!(send);
        let result = std::future::poll_fn(|cx| match send.as_mut().poll(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => sleep.as_mut().poll(cx).map(|()| Err(ProxyError::UpstreamTimeout)),
        })
        .await;
        timer.put_back(sleep);
        result
    }

    async fn send_on_some_connection(
        &self,
        req: http::Request<Incoming>,
    ) -> Result<http::Response<UpstreamBody>, ProxyError> {
        let (resp, sender) = exchange(&self.pool, &self.dialer, req).await?;
        // An upgraded connection belongs to the tunnel now.
        let keep = resp.status() != http::StatusCode::SWITCHING_PROTOCOLS;
        let conn = keep.then(|| (sender, self.pool.clone()));
        Ok(resp.map(|body| UpstreamBody::new(body, conn)))
    }
}

/// The response timer of one client connection, moved forward for each of its requests instead of
/// a timer made, registered and cancelled per request (issue 23): moving a registered timer later
/// is one atomic store in tokio, and the timer wheel sees it again only when the old deadline
/// passes. Concurrent HTTP/2 requests that find it taken use a timer of their own.
#[derive(Default)]
pub struct ResponseTimer(Mutex<Option<Pin<Box<Sleep>>>>);

impl ResponseTimer {
    fn take(&self, deadline: Instant) -> Pin<Box<Sleep>> {
        match self.0.lock().ok().and_then(|mut slot| slot.take()) {
            Some(mut sleep) => {
                sleep.as_mut().reset(deadline);
                sleep
            }
            None => Box::pin(tokio::time::sleep_until(deadline)),
        }
    }

    fn put_back(&self, sleep: Pin<Box<Sleep>>) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(sleep);
        }
    }
}

/// Sends `req` on a kept connection or a new one; returns the response head and the connection.
async fn exchange<B>(
    pool: &pool::Pool<B>,
    dialer: &dial::Dialer,
    mut req: http::Request<B>,
) -> Result<(http::Response<Incoming>, SendRequest<B>), ProxyError>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    loop {
        let (mut sender, reused) = match pool.checkout() {
            Some(sender) => (sender, true),
            // Boxed: dialing (DNS, TCP, TLS) is rare and its future large.
            None => (Box::pin(dialer.dial()).await?, false),
        };
        match sender.try_send_request(req).await {
            Ok(resp) => return Ok((resp, sender)),
            Err(mut e) => match e.take_message() {
                // The origin closed a kept connection before the request was written: nothing
                // reached it, so the request goes out again. A fresh connection that fails so has
                // nothing to blame but the origin.
                Some(again) if reused => {
                    tracing::debug!(error = %e.error(), "kept origin connection was closed; retrying");
                    req = again;
                }
                _ => return Err(ProxyError::UpstreamProtocol(error_chain(e.error()))),
            },
        }
    }
}

/// Where a redirect answer points, resolved against the URL that was asked.
pub fn redirect_target<B>(resp: &http::Response<B>, asked: &url::Url) -> Option<url::Url> {
    let location = resp.headers().get(http::header::LOCATION)?.to_str().ok()?;
    asked.join(location).ok()
}

/// `outer: inner: innermost`, for the log line.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        out.push_str(": ");
        out.push_str(&err.to_string());
        cur = err.source();
    }
    out
}

fn roots(config: &UpstreamConfig) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if config.scheme == http::uri::Scheme::HTTPS {
        let native = rustls_native_certs::load_native_certs();
        for err in &native.errors {
            tracing::warn!(error = %err, "could not load some system CA certificates");
        }
        roots.add_parsable_certificates(native.certs);
    }
    if let Some(path) = &config.ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| anyhow::anyhow!("upstream.ca_file {}: {e}", path.display()))?;
        if certs.is_empty() {
            anyhow::bail!("upstream.ca_file {}: no certificate in the file", path.display());
        }
        for cert in certs {
            roots.add(cert).map_err(|e| anyhow::anyhow!("upstream.ca_file {}: {e}", path.display()))?;
        }
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper_util::rt::TokioIo;
    use std::time::Duration;

    fn upstream_config(url: &str) -> UpstreamConfig {
        settings::compile(settings::RawUpstream { url: Some(url.into()), ..Default::default() }).unwrap()
    }

    /// A real origin on loopback answering every request with "fresh".
    async fn origin() -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let svc = hyper::service::service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from("fresh"))))
                });
                tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), svc));
            }
        });
        addr
    }

    /// The race a pool cannot avoid, made exact: the origin closes a kept connection just as a
    /// request is handed to it, before hyper has read the close. The request was never written,
    /// so it goes out again on a new connection and the visitor sees the answer, not a 502.
    #[tokio::test]
    async fn a_request_a_closed_kept_connection_never_wrote_goes_out_on_a_fresh_one() {
        let config = upstream_config(&format!("http://{}", origin().await));
        let dialer = dial::Dialer::new(&config, RootCertStore::empty()).unwrap();
        let pool = Arc::new(pool::Pool::<Full<Bytes>>::new(8, Duration::from_secs(60)));
        let (near, far) = tokio::io::duplex(1024);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(near)).await.unwrap();
        tokio::spawn(conn);
        tokio::task::yield_now().await; // the connection asks for its first request
        assert!(sender.is_ready());
        pool.give_back(sender);
        drop(far); // closed; hyper's connection task has not run since (one thread, no await)
        let req = http::Request::get("/").header("host", "x").body(Full::new(Bytes::new())).unwrap();
        let (resp, _) = exchange(&pool, &dialer, req).await.expect("retried on a fresh connection");
        assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), "fresh");
    }
}
