//! Throw-away measuring tool for issue 23 (not shipped): the floor of a hyper-based reverse proxy,
//! and what each piece of machinery around hyper costs on top of it. `benches/floor.sh` runs it
//! under the 1 KB scenario of `benches/load.sh`, one layer added at a time:
//!
//!   floor    hyper's HTTP/1 server (no timer), `client::conn::http1` senders kept in a list,
//!            `Response<Incoming>` passed straight through
//!   legacy   + hyper-util's pooled legacy `Client` instead of the list
//!   auto     + hyper-util's `auto` server builder (HTTP/1 and HTTP/2) instead of `http1`
//!   header   + hyper's header-read timer (`header_read_timeout`, re-armed after every head)
//!   timer    + a per-request timer around the origin call (a response timeout)
//!
//!   cargo run --release --example floor -- LAYER LISTEN UPSTREAM
//!
//! One worker (a current-thread runtime), as consent-proxy runs when pinned to one core.
//! `FLOOR_EXIT_AFTER=N`: exit after N responses (for `benches/floor.sh INSTRUCTIONS=1`, which
//! counts instructions under callgrind).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, Uri};
use http_body_util::{Either, Empty};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::service::service_fn;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Layer {
    Floor,
    Legacy,
    Auto,
    Header,
    Timer,
}

#[derive(Clone)]
struct Forward {
    layer: Layer,
    upstream: SocketAddr,
    /// Idle connections to the origin (`floor`): one worker, so the lock is never contended.
    senders: Arc<Mutex<Vec<SendRequest<Incoming>>>>,
    legacy: Client<HttpConnector, Incoming>,
}

impl Forward {
    async fn call(&self, req: Request<Incoming>) -> Result<Response<Incoming>, String> {
        if self.layer >= Layer::Timer {
            return tokio::time::timeout(Duration::from_secs(60), self.send(req))
                .await
                .map_err(|_| "response timeout".to_string())?;
        }
        self.send(req).await
    }

    async fn send(&self, mut req: Request<Incoming>) -> Result<Response<Incoming>, String> {
        if self.layer >= Layer::Legacy {
            let pq = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
            *req.uri_mut() = Uri::try_from(format!("http://{}{pq}", self.upstream)).map_err(|e| e.to_string())?;
            return self.legacy.request(req).await.map_err(|e| e.to_string());
        }
        let ready = {
            let mut list = self.senders.lock().unwrap();
            let i = list.iter().position(|s| s.is_ready());
            i.map(|i| list.swap_remove(i))
        };
        let mut sender = match ready {
            Some(s) => s,
            None => {
                let tcp = TcpStream::connect(self.upstream).await.map_err(|e| e.to_string())?;
                let _ = tcp.set_nodelay(true);
                let (sender, conn) =
                    hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.map_err(|e| e.to_string())?;
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                sender
            }
        };
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        // Back in the list now; it is ready again once this response's body has been read.
        self.senders.lock().unwrap().push(sender);
        Ok(resp)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let layer = match args.get(1).map(String::as_str) {
        Some("floor") => Layer::Floor,
        Some("legacy") => Layer::Legacy,
        Some("auto") => Layer::Auto,
        Some("header") => Layer::Header,
        Some("timer") => Layer::Timer,
        _ => {
            eprintln!("usage: floor floor|legacy|auto|header|timer LISTEN UPSTREAM");
            std::process::exit(2);
        }
    };
    let listen: SocketAddr = args[2].parse().expect("LISTEN");
    let upstream: SocketAddr = args[3].parse().expect("UPSTREAM");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let listener = TcpListener::bind(listen).await.expect("bind");
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        let exit_after: Option<usize> = std::env::var("FLOOR_EXIT_AFTER").ok().and_then(|v| v.parse().ok());
        let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let fwd = Forward {
            layer,
            upstream,
            senders: Arc::default(),
            legacy: Client::builder(TokioExecutor::new()).pool_max_idle_per_host(256).build(http),
        };
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let _ = tcp.set_nodelay(true);
            let fwd = fwd.clone();
            let served = served.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let fwd = fwd.clone();
                    let served = served.clone();
                    async move {
                        if exit_after.is_some_and(|n| served.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= n) {
                            std::process::exit(0);
                        }
                        Ok::<_, Infallible>(match fwd.call(req).await {
                            Ok(resp) => resp.map(Either::Left),
                            Err(e) => {
                                eprintln!("{e}");
                                let mut r = Response::new(Either::Right(Empty::<Bytes>::new()));
                                *r.status_mut() = http::StatusCode::BAD_GATEWAY;
                                r
                            }
                        })
                    }
                });
                let io = TokioIo::new(tcp);
                if layer >= Layer::Auto {
                    let mut b = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    if layer >= Layer::Header {
                        b.http1().timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(10));
                    }
                    let _ = b.serve_connection(io, svc).await;
                } else {
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, svc).await;
                }
            });
        }
    });
}
