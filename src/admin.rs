//! The admin listener: `/healthz` (the process is up), `/readyz` (not stopping, and the origin
//! accepts TCP connections), `/metrics` (Prometheus text), `/discovery` (unknown cookies seen, as
//! JSON) and `/discovery/snippet` (the same as config to paste). Plain HTTP/1.1, a `match` on the
//! path.

use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

use crate::state::Shared;

/// Serves the admin port until the task is dropped.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| answer(shared.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(5))
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

async fn answer(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return Ok(text(StatusCode::METHOD_NOT_ALLOWED, "GET only\n".into()));
    }
    Ok(match req.uri().path() {
        "/healthz" => text(StatusCode::OK, "ok\n".into()),
        "/readyz" => readiness(&shared).await,
        "/metrics" => {
            let rt = shared.runtime.load();
            shared.metrics.observe_lists(rt.config.trackers.lists());
            shared.metrics.observe_audit_queue(rt.audit.queued(), rt.audit.capacity());
            let mut resp = text(StatusCode::OK, shared.metrics.encode());
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            resp
        }
        "/discovery" => {
            let mut resp = text(StatusCode::OK, shared.inventory.json().to_string());
            resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
            resp
        }
        "/discovery/snippet" => {
            let mut resp = text(StatusCode::OK, shared.inventory.snippet());
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/toml; charset=utf-8"));
            resp
        }
        _ => text(
            StatusCode::NOT_FOUND,
            "not found: try /healthz, /readyz, /metrics, /discovery, /discovery/snippet\n".into(),
        ),
    })
}

async fn readiness(shared: &Shared) -> Response<Full<Bytes>> {
    let resp = probe(shared).await;
    shared.metrics.observe_readiness(resp.status() == StatusCode::OK);
    resp
}

async fn probe(shared: &Shared) -> Response<Full<Bytes>> {
    if !shared.is_ready() {
        return text(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n".into());
    }
    let pending = shared.runtime.load().config.trackers.lists().pending().join(", ");
    if !pending.is_empty() {
        return text(StatusCode::SERVICE_UNAVAILABLE, format!("tracker lists not downloaded yet: {pending}\n"));
    }
    let target = shared.runtime.load().config.upstream.socket_target();
    let probe = tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(&target)).await;
    match probe {
        Ok(Ok(_)) => text(StatusCode::OK, "ready\n".into()),
        Ok(Err(e)) => text(StatusCode::SERVICE_UNAVAILABLE, format!("upstream {target} unreachable: {e}\n")),
        Err(_) => text(StatusCode::SERVICE_UNAVAILABLE, format!("upstream {target} did not accept in 2s\n")),
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain; charset=utf-8"));
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    resp
}
