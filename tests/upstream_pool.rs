//! Connections to the origin, seen from the origin: kept and reused for every kind of body,
//! closed when idle or when too many are idle, never reused after an upgrade, a connection the
//! origin closed costs the visitor nothing, and requests arrive in origin-form with a `Host`.

mod support;

use std::sync::Arc;
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Barrier};

#[derive(Debug)]
enum Event {
    Open,
    Head(usize, String),
    /// The proxy closed this connection.
    Closed(usize),
}

/// A raw origin that reports what happens on each connection, and answers by path:
/// `/cl` (Content-Length), `/chunked`, `/empty` (204), `/close` (answers, then closes without
/// saying so), `/hold` (answers once three `/hold` requests are in), `/upgrade` (101, then echo).
async fn watched_origin() -> (std::net::SocketAddr, mpsc::UnboundedReceiver<Event>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let hold = Arc::new(Barrier::new(3));
    let addr = raw_origin(move |mut s: TcpStream| {
        let (tx, hold) = (tx.clone(), hold.clone());
        let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            let _ = tx.send(Event::Open);
            loop {
                let head = read_head(&mut s).await;
                if head.is_empty() {
                    let _ = tx.send(Event::Closed(n));
                    return;
                }
                let path = head.split(' ').nth(1).unwrap_or("").to_string();
                let head_only = head.starts_with("HEAD ");
                let _ = tx.send(Event::Head(n, head));
                let answer: &[u8] = match path.as_str() {
                    "/chunked" => {
                        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                    }
                    "/empty" => b"HTTP/1.1 204 No Content\r\n\r\n",
                    "/upgrade" => b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n",
                    _ if head_only => b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
                    _ => b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                };
                if path == "/hold" {
                    hold.wait().await;
                }
                s.write_all(answer).await.unwrap();
                match path.as_str() {
                    "/close" => return,
                    "/upgrade" => {
                        let mut buf = [0u8; 64];
                        while let Ok(k @ 1..) = s.read(&mut buf).await {
                            s.write_all(&buf[..k]).await.unwrap();
                        }
                        let _ = tx.send(Event::Closed(n));
                        return;
                    }
                    _ => {}
                }
            }
        }
    })
    .await;
    (addr, rx)
}

/// What the origin has reported so far, kept in order.
struct Log {
    rx: mpsc::UnboundedReceiver<Event>,
    events: Vec<Event>,
}

impl Log {
    fn new(rx: mpsc::UnboundedReceiver<Event>) -> Self {
        Self { rx, events: Vec::new() }
    }

    fn now(&mut self) -> &[Event] {
        while let Ok(e) = self.rx.try_recv() {
            self.events.push(e);
        }
        &self.events
    }

    /// Waits (bounded) until the proxy has closed `want` connections in all; returns their ids.
    async fn closed(&mut self, want: usize) -> Vec<usize> {
        loop {
            let ids: Vec<usize> =
                self.now().iter().filter_map(|e| if let Event::Closed(n) = e { Some(*n) } else { None }).collect();
            if ids.len() >= want {
                return ids;
            }
            match tokio::time::timeout(Duration::from_secs(10), self.rx.recv()).await {
                Ok(Some(e)) => self.events.push(e),
                _ => panic!("the proxy closed {ids:?}, not {want} connections: {:?}", self.events),
            }
        }
    }

    fn heads(&mut self) -> Vec<String> {
        self.now().iter().filter_map(|e| if let Event::Head(_, h) = e { Some(h.clone()) } else { None }).collect()
    }
}

fn opened(events: &[Event]) -> usize {
    events.iter().filter(|e| matches!(e, Event::Open)).count()
}

#[tokio::test]
async fn one_kept_connection_serves_every_kind_of_body() {
    let (origin, rx) = watched_origin().await;
    let mut log = Log::new(rx);
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    for _ in 0..3 {
        let (status, _, body) = get(&proxy.url("/cl")).await;
        assert_eq!((status, body.as_str()), (200, "ok"));
        let (status, _, body) = get(&proxy.url("/chunked")).await;
        assert_eq!((status, body.as_str()), (200, "abcde"));
        assert_eq!(get(&proxy.url("/empty")).await.0, 204);
        let head = raw(proxy.addr, b"HEAD /cl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    }
    let events = log.now();
    assert_eq!(events.iter().filter(|e| matches!(e, Event::Head(..))).count(), 12, "{events:?}");
    assert_eq!(opened(events), 1, "every request after the first reuses the connection: {events:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn a_connection_the_origin_closed_costs_the_visitor_nothing() {
    // The origin closes each connection right after its answer, without `Connection: close`:
    // the proxy learns it either before the next request or while handing it over, and then
    // sends that request on a fresh connection instead of answering 502.
    let (origin, rx) = watched_origin().await;
    let mut log = Log::new(rx);
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    for i in 0..30 {
        let (status, _, body) = get(&proxy.url("/close")).await;
        assert_eq!((status, body.as_str()), (200, "ok"), "request {i}");
    }
    let events = log.now();
    assert_eq!(opened(events), 30, "{events:?}");
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_requests_total{code_class=\"5xx\"}"), 0.0, "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let (origin, rx) = watched_origin().await;
    let mut log = Log::new(rx);
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.pool_idle_timeout", "200ms")]).await;
    assert_eq!(get(&proxy.url("/cl")).await.0, 200);
    assert_eq!(log.closed(1).await, [0], "the idle connection is closed by the proxy");
    // The next request opens a new one, which is kept and reused until it idles out in turn.
    assert_eq!(get(&proxy.url("/cl")).await.0, 200);
    assert_eq!(get(&proxy.url("/chunked")).await.0, 200);
    assert_eq!(log.closed(2).await, [0, 1]);
    let events = log.now();
    assert_eq!(opened(events), 2, "{events:?}");
    assert_eq!(events.iter().filter(|e| matches!(e, Event::Head(1, _))).count(), 2, "{events:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn no_more_than_max_idle_connections_are_kept() {
    let (origin, rx) = watched_origin().await;
    let mut log = Log::new(rx);
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.pool_max_idle_per_host", "1")]).await;
    let url = proxy.url("/hold");
    let (a, b, c) = tokio::join!(get(&url), get(&url), get(&url));
    assert_eq!((a.0, b.0, c.0), (200, 200, 200));
    // Three were needed at once; one is kept, the other two are closed.
    let mut gone = log.closed(2).await;
    gone.sort();
    let kept = (0..3).find(|n| !gone.contains(n)).unwrap();
    assert_eq!(get(&proxy.url("/cl")).await.0, 200);
    let events = log.now();
    assert_eq!(opened(events), 3, "{events:?}");
    assert!(
        events.iter().any(|e| matches!(e, Event::Head(n, h) if *n == kept && h.starts_with("GET /cl"))),
        "{events:?}"
    );
    proxy.stop().await;
}

#[tokio::test]
async fn an_upgraded_connection_is_never_reused() {
    let (origin, rx) = watched_origin().await;
    let mut log = Log::new(rx);
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let mut c = TcpStream::connect(proxy.addr).await.unwrap();
    c.write_all(b"GET /upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n").await.unwrap();
    assert!(read_head(&mut c).await.starts_with("HTTP/1.1 101"));
    c.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    c.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
    // While the tunnel is open, and after it closed, other requests go elsewhere.
    assert_eq!(get(&proxy.url("/cl")).await.0, 200);
    drop(c);
    assert_eq!(log.closed(1).await, [0], "the tunnel's connection ends with the tunnel");
    assert_eq!(get(&proxy.url("/cl")).await.0, 200);
    let events = log.now();
    assert_eq!(opened(events), 2, "{events:?}");
    let on_first: Vec<_> = events.iter().filter(|e| matches!(e, Event::Head(0, _))).collect();
    assert_eq!(on_first.len(), 1, "only the upgrade went on the tunnel's connection: {events:?}");
    assert_eq!(events.iter().filter(|e| matches!(e, Event::Head(1, _))).count(), 2, "{events:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn requests_reach_the_origin_in_origin_form_with_a_host() {
    let (origin, rx) = watched_origin().await;
    let mut log = Log::new(rx);
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    // HTTP/1.0 without Host: HTTP/1.1 to the origin needs one, so it names the origin.
    let resp = raw(proxy.addr, b"GET /cl?a=1 HTTP/1.0\r\n\r\n").await;
    assert!(resp.starts_with("HTTP/1.0 200"), "{resp}");
    let head = log.heads().pop().unwrap();
    assert!(head.starts_with("GET /cl?a=1 HTTP/1.1\r\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("\r\nhost: {origin}\r\n")), "{head}");
    // Absolute-form from the visitor: origin-form to the origin, the visitor's host kept.
    let resp =
        raw(proxy.addr, b"GET http://shop.example/cl?b=2 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
            .await;
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let head = log.heads().pop().unwrap();
    assert!(head.starts_with("GET /cl?b=2 HTTP/1.1\r\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains("\r\nhost: shop.example\r\n"), "{head}");
    proxy.stop().await;
}
