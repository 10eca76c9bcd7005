//! Test DSL: an origin on `127.0.0.1:0` from a closure, the proxy in front of it (in-process or
//! as the real binary), and small clients. No fixed ports, no sleeps to wait for readiness.
#![allow(dead_code)]

pub mod html;

use bytes::Bytes;
use consent_proxy::config::{Config, ConfigSource};
use consent_proxy::Proxy;
use http::{Request, Response};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type TestBody = UnsyncBoxBody<Bytes, BoxError>;

pub fn text_body(s: impl Into<Bytes>) -> TestBody {
    Full::new(s.into()).map_err(|never| match never {}).boxed_unsync()
}

/// Starts an HTTP/1.1 origin serving `handler` on an ephemeral loopback port.
pub async fn origin<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<TestBody>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let h = handler.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let h = h.clone();
                    async move { Ok::<_, Infallible>(h(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .with_upgrades()
                    .await;
            });
        }
    });
    addr
}

/// An origin that answers every request with `text`.
pub async fn static_origin(text: &'static str) -> SocketAddr {
    origin(move |_| async move { Response::new(text_body(text)) }).await
}

/// An origin that answers with the request's headers as JSON (names lowercase, values joined).
pub async fn echo_origin() -> SocketAddr {
    origin(|req| async move {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in req.headers() {
            map.entry(k.as_str().to_string()).or_default().push(v.to_str().unwrap_or("?").to_string());
        }
        map.insert(":path".into(), vec![req.uri().to_string()]);
        Response::new(text_body(serde_json::to_string(&map).unwrap()))
    })
    .await
}

/// An origin whose first request is held: `arrived` fires when it is in, and it is answered with
/// `body` once `release` is sent (later requests are answered at once).
pub async fn gated_origin(
    body: &'static str,
) -> (SocketAddr, tokio::sync::oneshot::Receiver<()>, tokio::sync::oneshot::Sender<()>) {
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let (arrived_tx, arrived_rx) = tokio::sync::oneshot::channel::<()>();
    let gates = std::sync::Mutex::new(Some((release_rx, arrived_tx)));
    let addr = origin(move |_| {
        let gate = gates.lock().unwrap().take();
        async move {
            if let Some((release, arrived)) = gate {
                let _ = arrived.send(());
                let _ = release.await;
            }
            Response::new(text_body(body))
        }
    })
    .await;
    (addr, arrived_rx, release_tx)
}

/// An origin whose first response sends `first`, then holds `rest` back until `release` is sent:
/// a proxy that buffers never delivers the first part.
pub async fn two_part_origin(
    content_type: &'static str,
    first: &'static str,
    rest: &'static str,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let release = std::sync::Mutex::new(Some(release_rx));
    let addr = origin(move |_| {
        let rx = release.lock().unwrap().take();
        async move {
            let (tx, body_rx) = tokio::sync::mpsc::channel::<Result<http_body::Frame<Bytes>, BoxError>>(4);
            tokio::spawn(async move {
                let _ = tx.send(Ok(http_body::Frame::data(Bytes::from_static(first.as_bytes())))).await;
                if let Some(rx) = rx {
                    let _ = rx.await;
                }
                let _ = tx.send(Ok(http_body::Frame::data(Bytes::from_static(rest.as_bytes())))).await;
            });
            let stream =
                futures_util::stream::unfold(body_rx, |mut rx| async move { rx.recv().await.map(|f| (f, rx)) });
            let mut resp = Response::new(http_body_util::StreamBody::new(stream).boxed_unsync());
            resp.headers_mut().insert("content-type", content_type.parse().unwrap());
            resp
        }
    })
    .await;
    (addr, release_tx)
}

/// A raw TCP origin: `script` gets each accepted connection.
pub async fn raw_origin<F, Fut>(script: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(script(stream));
        }
    });
    addr
}

/// Reads a request head from a raw connection.
pub async fn read_head(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
            break;
        }
        buf.push(byte[0]);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// A port that refuses connections.
pub fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

pub struct TestProxy {
    pub addr: SocketAddr,
    pub admin: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Config for a proxy in front of `upstream` on ephemeral ports, plus `extra` dotted keys.
pub fn test_source(upstream: &str, extra: &[(&str, &str)]) -> ConfigSource {
    let mut overrides: Vec<(String, String)> = vec![
        ("upstream.url".into(), upstream.into()),
        ("server.listen".into(), "127.0.0.1:0".into()),
        ("server.admin".into(), "127.0.0.1:0".into()),
        ("shutdown.delay".into(), "0s".into()),
    ];
    overrides.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    ConfigSource { file: None, overrides, env: Some(HashMap::new()) }
}

impl TestProxy {
    pub async fn start(upstream: &str, extra: &[(&str, &str)]) -> Self {
        Self::start_with(test_source(upstream, extra)).await
    }

    pub async fn start_with(source: ConfigSource) -> Self {
        let config: Config = source.load().expect("test config is valid");
        let proxy = Proxy::bind(config, source).await.expect("proxy binds");
        let (addr, admin) = (proxy.addr(), proxy.admin_addr());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(proxy.run(async move {
            let _ = rx.await;
        }));
        TestProxy { addr, admin, stop: Some(tx), task: Some(task) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn metrics(&self) -> String {
        get(&format!("http://{}/metrics", self.admin)).await.2
    }

    /// Sends the stop signal and waits for the drain to finish.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap();
    }

    pub fn signal_stop(&mut self) -> tokio::task::JoinHandle<()> {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap()
    }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build(HttpConnector::new())
}

/// GET → (status, headers, body as text).
pub async fn get(url: &str) -> (u16, http::HeaderMap, String) {
    send(Request::get(url).body(Full::new(Bytes::new())).unwrap()).await
}

pub async fn send(req: Request<Full<Bytes>>) -> (u16, http::HeaderMap, String) {
    let resp = tokio::time::timeout(Duration::from_secs(20), client().request(req))
        .await
        .expect("response within 20 s")
        .expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("whole body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// Writes `request` on a fresh connection and reads until the server closes (or 20 s pass).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of a metric line (`name{labels} value`), or 0.
pub fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

/// The real binary, started with JSON logs; waits for its "listening" line.
pub struct BinaryProxy {
    pub child: Child,
    pub addr: SocketAddr,
    pub admin: SocketAddr,
    pub log: std::sync::mpsc::Receiver<String>,
}

impl BinaryProxy {
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_consent-proxy"))
            .args(args)
            .env_clear()
            .env("CONSENT_PROXY__LOG__FORMAT", "json")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = loop {
            let line = rx.recv_timeout(Duration::from_secs(30)).expect("binary logs that it listens");
            if line.contains("consent-proxy listening") {
                break line;
            }
        };
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let addr = v["listen"].as_str().unwrap().parse().unwrap();
        let admin = v["admin"].as_str().unwrap().parse().unwrap();
        BinaryProxy { child, addr, admin, log: rx }
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    }

    /// Waits for a log line containing `needle`.
    pub fn wait_log(&self, needle: &str) -> String {
        loop {
            let line = self
                .log
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no log line with {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }
}

impl Drop for BinaryProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An origin that records every request path it sees.
pub async fn recording_origin() -> (SocketAddr, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let addr = origin(move |req| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(format!("{} {}", req.method(), req.uri().path()));
            let _ = req.into_body().collect().await;
            Response::new(text_body("ok"))
        }
    })
    .await;
    (addr, seen)
}

/// `consent=<value>` of the consent cookie a response sets (panics when it sets none).
pub fn consent_cookie(h: &http::HeaderMap) -> String {
    h.get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("consent="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .expect("a consent cookie was set")
}
