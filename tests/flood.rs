//! Floods and hostile peers at scale, each with its stated outcome: an origin that stalls
//! mid-body, origins with endless bodies (plain and rewritten HTML) under bounded memory, 2,000
//! slowloris connections (and silent ones) cut off by the header-read timeout, 10,000 concurrent
//! connections all served with their descriptors released and no memory growth from one round to
//! the next, connections beyond `server.max_connections` waiting in the backlog, and obs-folded
//! request headers refused. Loopback only; every wait is bounded; no durations are asserted.
//! The heavy ones run the real binary as a separate process, so its RSS and its file descriptors
//! are its own.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, StreamBody};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// A `/proc/<pid>/status` figure in KiB (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// The binary in front of `upstream`, on ephemeral loopback ports, with `env` on top.
fn binary(upstream: SocketAddr, env: &[(&str, &str)]) -> BinaryProxy {
    let mut all = vec![("CONSENT_PROXY__AUDIT__SINK", "/dev/null"), ("CONSENT_PROXY__LOG__ACCESS_LOG", "false")];
    all.extend_from_slice(env);
    BinaryProxy::start(
        &["--upstream", &format!("http://{upstream}"), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
        &all,
    )
}

/// Polls the admin `/metrics` until `series` equals `want` (at most 30 s); returns the last value.
async fn wait_metric(admin: SocketAddr, series: &str, want: f64) -> f64 {
    let mut value = f64::NAN;
    for _ in 0..300 {
        value = metric(&get(&format!("http://{admin}/metrics")).await.2, series);
        if value == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    value
}

/// Fires `tx` when dropped: tells when the origin's body stream was let go.
struct DropSignal(Option<tokio::sync::oneshot::Sender<()>>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

/// One request/response on a raw keep-alive connection; the status, after the whole body
/// (`Content-Length` or chunked) has been read.
async fn exchange(s: &mut TcpStream, request: &[u8]) -> std::io::Result<u16> {
    s.write_all(request).await?;
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status: u16 = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()));
            let done = |buf: &[u8]| match length {
                Some(len) => buf.len() >= end + 4 + len,
                None => buf.ends_with(b"0\r\n\r\n"),
            };
            while !done(&buf) {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(status);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Opens `n` keep-alive connections, each with one answered request (so each has been accepted),
/// 64 at a time (a steady ramp, like real visitors; bursts are the backlog test's subject).
async fn open_connections(addr: SocketAddr, n: usize, request: &'static [u8]) -> Vec<TcpStream> {
    let gate = Arc::new(Semaphore::new(64));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let gate = gate.clone();
        set.spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let mut s = TcpStream::connect(addr).await.expect("connect");
            let status = exchange(&mut s, request).await.map_err(|e| e.to_string());
            assert_eq!(status, Ok(200), "the opening request");
            s
        });
    }
    let mut out = Vec::with_capacity(n);
    while let Some(s) = set.join_next().await {
        out.push(s.unwrap());
    }
    out
}

// 1. An origin that stalls mid-body.

#[tokio::test]
async fn an_origin_stalling_mid_body_is_cut_after_the_read_timeout_and_others_are_served() {
    // Headers and 16 KiB of a 1 MB body, then nothing, forever. Neither `server.idle_timeout`
    // nor `server.header_read_timeout` cuts a response in flight; `upstream.read_timeout` does:
    // the client sees a broken response (never a complete-looking one), the proxy lets go of the
    // origin connection, and it is counted. With a longer read timeout, the visitor leaving
    // first also frees everything.
    let (closed_tx, mut closed_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let origin = raw_origin(move |mut s| {
        let closed = closed_tx.clone();
        async move {
            let head = read_head(&mut s).await;
            let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
            if path == "/ok" {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").await;
                return;
            }
            let (ctype, part) = if path.ends_with(".html") {
                ("text/html", format!("<!DOCTYPE html><html><head></head><body>{}", "<p>stalled</p>\n".repeat(1100)))
            } else {
                ("application/octet-stream", "x".repeat(16 * 1024))
            };
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: 1000000\r\n\r\n");
            if s.write_all(head.as_bytes()).await.is_err() || s.write_all(part.as_bytes()).await.is_err() {
                return;
            }
            // Stall; report when the proxy lets go of this connection.
            let mut sink = [0u8; 1024];
            while matches!(s.read(&mut sink).await, Ok(n) if n > 0) {}
            let _ = closed.send(path);
        }
    })
    .await;
    let proxy = TestProxy::start(
        &format!("http://{origin}"),
        &[("server.idle_timeout", "300ms"), ("server.header_read_timeout", "300ms"), ("upstream.read_timeout", "3s")],
    )
    .await;
    for (round, path) in ["/stall.bin", "/stall.html", "/stall.bin", "/stall.html"].into_iter().enumerate() {
        let client_leaves_first = round < 2;
        let mut c = TcpStream::connect(proxy.addr).await.unwrap();
        c.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await.unwrap();
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        while !String::from_utf8_lossy(&got).contains("stalled") && got.len() < 16 * 1024 {
            let n = tokio::time::timeout(Duration::from_secs(20), c.read(&mut buf)).await.expect("first part").unwrap();
            assert!(n > 0, "{path}: closed before the first part arrived");
            got.extend_from_slice(&buf[..n]);
        }
        assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"), "{path}");
        if client_leaves_first {
            // Several times both server timeouts later (and before the read timeout) the response
            // is still open, nothing more came, and the request is counted in flight.
            let more = tokio::time::timeout(Duration::from_millis(1000), c.read(&mut buf)).await;
            assert!(more.is_err(), "{path}: a stalled response is neither completed nor cut early: {more:?}");
            assert_eq!(metric(&proxy.metrics().await, "consent_proxy_in_flight_requests"), 1.0, "{path}");
            // Others are served meanwhile.
            assert_eq!(get(&proxy.url("/ok")).await.0, 200, "{path}");
            // The visitor gives up: the proxy lets go of the stalled origin connection too.
            drop(c);
        } else {
            // The read timeout cuts the response: the connection closes short of the promised
            // 1 MB (for the rewritten page: no final chunk).
            let mut rest = Vec::new();
            let end = tokio::time::timeout(Duration::from_secs(20), c.read_to_end(&mut rest)).await;
            assert!(end.is_ok(), "{path}: the stalled response is cut");
            got.extend_from_slice(&rest);
            assert!(got.len() < 1_000_000 && !got.ends_with(b"0\r\n\r\n"), "{path}: must not look complete");
        }
        let released = tokio::time::timeout(Duration::from_secs(20), closed_rx.recv()).await;
        assert_eq!(released.expect("the origin connection is closed").as_deref(), Some(path));
        let mut in_flight = 1.0;
        for _ in 0..200 {
            in_flight = metric(&proxy.metrics().await, "consent_proxy_in_flight_requests");
            if in_flight == 0.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(in_flight, 0.0, "{path}");
    }
    assert_eq!(get(&proxy.url("/ok")).await.0, 200);
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"read_timeout\"}"), 2.0, "{m}");
    proxy.stop().await;
}

// 2. Endless bodies.

const ENDLESS_READ: usize = 200 * 1024 * 1024;

/// An origin whose `/endless*` answers never end (`text/html` for `/endless.html`, with a tracker
/// in every 64 KiB block); `dropped` fires when the proxy lets go of the body.
async fn endless_origin() -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<()>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let tx = Mutex::new(tx);
    let addr = origin(move |req| {
        let (signal_tx, signal_rx) = tokio::sync::oneshot::channel::<()>();
        let tx = tx.lock().unwrap().clone();
        async move {
            let path = req.uri().path().to_string();
            if !path.starts_with("/endless") {
                return Response::new(text_body("ok"));
            }
            tokio::spawn(async move {
                let _ = signal_rx.await;
                let _ = tx.send(());
            });
            let html = path.ends_with(".html");
            let block = if html {
                let mut b = "<div><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p></div>\n".repeat(850);
                b.push_str("<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n");
                Bytes::from(b)
            } else {
                Bytes::from(vec![b'x'; 64 * 1024])
            };
            let guard = DropSignal(Some(signal_tx));
            let mut first = html.then(|| Bytes::from_static(b"<!DOCTYPE html><html><head></head><body>"));
            let stream = futures_util::stream::repeat_with(move || {
                let _ = &guard;
                Ok::<_, BoxError>(http_body::Frame::data(first.take().unwrap_or_else(|| block.clone())))
            });
            let mut resp = Response::new(StreamBody::new(stream).boxed_unsync());
            let ctype = if html { "text/html" } else { "application/octet-stream" };
            resp.headers_mut().insert("content-type", ctype.parse().unwrap());
            resp
        }
    })
    .await;
    (addr, rx)
}

#[tokio::test]
async fn endless_origin_bodies_stream_with_bounded_memory_until_the_client_leaves() {
    let (origin, mut dropped) = endless_origin().await;
    let proxy = binary(origin, &[]);
    let pid = proxy.child.id();
    assert_eq!(get(&format!("http://{}/warm", proxy.addr)).await.0, 200);
    for path in ["/endless.bin", "/endless.html"] {
        let (before, hwm_before) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
        let resp = client()
            .request(Request::get(format!("http://{}{path}", proxy.addr)).body(Full::new(Bytes::new())).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let mut body = resp.into_body();
        let (mut seen, mut rss_max) = (0usize, 0u64);
        while seen < ENDLESS_READ {
            let frame = tokio::time::timeout(Duration::from_secs(20), body.frame())
                .await
                .expect("data keeps coming")
                .expect("the body does not end")
                .expect("no error");
            if let Ok(data) = frame.into_data() {
                if seen / (16 << 20) != (seen + data.len()) / (16 << 20) {
                    rss_max = rss_max.max(status_kib(pid, "VmRSS:"));
                }
                seen += data.len();
            }
        }
        // Sampled every 16 MiB, and the kernel's high-water mark (which may still be the start-up peak).
        let growth_mib = rss_max.saturating_sub(before) / 1024;
        let hwm_growth_mib = status_kib(pid, "VmHWM:").saturating_sub(hwm_before) / 1024;
        println!(
            "{path}: {} MiB through; proxy RSS {} MiB before, at most {} MiB while streaming (+{growth_mib} MiB); \
             high-water mark +{hwm_growth_mib} MiB",
            seen >> 20,
            before / 1024,
            rss_max / 1024
        );
        assert!(growth_mib < 64, "{path}: RSS grew by {growth_mib} MiB over {} MiB of endless body", seen >> 20);
        assert!(hwm_growth_mib < 64, "{path}: peak RSS grew by {hwm_growth_mib} MiB");
        // The visitor leaves: the proxy drops the origin's body, ends the request, serves others.
        drop(body);
        let released = tokio::time::timeout(Duration::from_secs(20), dropped.recv()).await;
        assert!(matches!(released, Ok(Some(()))), "{path}: the origin's endless body was let go");
        assert_eq!(wait_metric(proxy.admin, "consent_proxy_in_flight_requests", 0.0).await, 0.0, "{path}");
        assert_eq!(get(&format!("http://{}/after", proxy.addr)).await.0, 200, "{path}");
    }
}

// 3. Slowloris at scale.

enum Dribbled {
    /// The proxy closed the connection; what it wrote first (empty or a `408`).
    Closed(String),
    /// Still open after 30 s.
    Open,
}

/// Connects, sends `prefix`, then (when `dribbling`) one more header byte every 200 ms until the
/// proxy closes.
async fn dribble(addr: SocketAddr, gate: Arc<Semaphore>, prefix: &'static [u8], dribbling: bool) -> Dribbled {
    let permit = gate.acquire_owned().await.unwrap();
    let s = TcpStream::connect(addr).await.expect("connect");
    drop(permit);
    let (mut r, mut w) = s.into_split();
    let run = async move {
        let _ = w.write_all(prefix).await;
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        let mut writing = dribbling;
        loop {
            tokio::select! {
                n = r.read(&mut buf) => match n {
                    Ok(0) | Err(_) => return String::from_utf8_lossy(&got).into_owned(),
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                },
                _ = tick.tick(), if writing => writing = w.write_all(b"a").await.is_ok(),
            }
        }
    };
    match tokio::time::timeout(Duration::from_secs(30), run).await {
        Ok(text) => Dribbled::Closed(text),
        Err(_) => Dribbled::Open,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_slowloris_connections_are_cut_off_while_others_are_served() {
    // (what the connection sends, dribbles on, how many). The silent and the preface ones never
    // reach hyper's HTTP/1 header timer (the protocol is not known yet): the server's own
    // first-request deadline closes them.
    let groups: [(&str, &'static [u8], bool, usize); 3] = [
        ("request head that never ends", b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", true, 2000),
        ("nothing at all", b"", false, 100),
        ("23 of the 24 bytes of the HTTP/2 preface", &b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"[..23], false, 100),
    ];
    let origin = static_origin("ok").await;
    // A 1 s header-read timeout; the idle timeout stays at its 60 s default, beyond every wait here.
    let proxy = binary(origin, &[("CONSENT_PROXY__SERVER__HEADER_READ_TIMEOUT", "1s")]);
    let gate = Arc::new(Semaphore::new(64));
    let (addr, mut set) = (proxy.addr, tokio::task::JoinSet::new());
    for (group, &(_, prefix, dribbling, count)) in groups.iter().enumerate() {
        for _ in 0..count {
            let gate = gate.clone();
            set.spawn(async move { (group, dribble(addr, gate, prefix, dribbling).await) });
        }
    }
    let url = format!("http://{}/", proxy.addr);
    let (mut served, mut outcomes) = (0, Vec::new());
    while !set.is_empty() {
        // Normal requests keep succeeding while the slow connections are open.
        assert_eq!(get(&url).await.0, 200, "a normal request during the attack");
        served += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
        while let Some(outcome) = set.try_join_next() {
            outcomes.push(outcome.unwrap());
        }
    }
    // What the proxy holds once every slow client has finished (at most 30 s after the start, well
    // before the 60 s idle timeout).
    let mut proxy_open = f64::NAN;
    for _ in 0..50 {
        proxy_open = metric(&get(&format!("http://{}/metrics", proxy.admin)).await.2, "consent_proxy_open_connections");
        if proxy_open == 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut failures = Vec::new();
    for (group, &(name, _, dribbling, count)) in groups.iter().enumerate() {
        let (mut closed_empty, mut closed_408, mut open, mut other) = (0, 0, 0, Vec::new());
        for (_, outcome) in outcomes.iter().filter(|(g, _)| *g == group) {
            match outcome {
                Dribbled::Closed(text) if text.is_empty() => closed_empty += 1,
                Dribbled::Closed(text) if text.starts_with("HTTP/1.1 408") => closed_408 += 1,
                Dribbled::Closed(text) => other.push(text.clone()),
                Dribbled::Open => open += 1,
            }
        }
        println!("{count} × {name}: {closed_408} closed with 408, {closed_empty} closed silently, {open} still open");
        // A silent client whose handshake the kernel dropped (listen backlog overflow: the proxy
        // never accepted it) also looks open from here; the proxy holding nothing tells them apart.
        if open > 0 && (dribbling || proxy_open > 0.0) || !other.is_empty() {
            failures.push(format!(
                "{name}: {open} of {count} still open after 30 s (the proxy holds {proxy_open}); \
                 other answers {:?}",
                other.first()
            ));
        }
    }
    println!("{served} normal requests served meanwhile");
    assert!(failures.is_empty(), "every slow connection is closed, with a 408 or nothing: {failures:?}");
    assert!(served > 0);
    assert_eq!(proxy_open, 0.0, "the proxy holds no connection");
    assert_eq!(get(&url).await.0, 200);
}

// 4. 10,000 concurrent connections, and the connection limit.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_connections_are_all_served_without_a_leak() {
    const N: usize = 10_000;
    const WAVE: usize = 1000;
    let origin = static_origin("ok").await;
    let proxy = binary(
        origin,
        &[
            ("CONSENT_PROXY__SERVER__HEADER_READ_TIMEOUT", "120s"),
            ("CONSENT_PROXY__SERVER__IDLE_TIMEOUT", "120s"),
            ("CONSENT_PROXY__UPSTREAM__POOL_MAX_IDLE_PER_HOST", "64"),
        ],
    );
    let pid = proxy.child.id();
    let admin = proxy.admin;
    for _ in 0..10 {
        assert_eq!(get(&format!("http://{}/warm", proxy.addr)).await.0, 200);
    }
    let (baseline, baseline_fds) = (status_kib(pid, "VmRSS:"), open_fds(pid));
    let mut rounds = Vec::new();
    for round in 1..=4 {
        let conns = open_connections(proxy.addr, N, b"GET /__consent HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert_eq!(wait_metric(admin, "consent_proxy_open_connections", N as f64).await, N as f64, "all open at once");
        // Then every connection asks at once; `/__consent` is answered by the proxy itself, so the
        // origin side does not multiply the descriptors.
        let mut set = tokio::task::JoinSet::new();
        for mut c in conns {
            set.spawn(async move {
                let status = exchange(&mut c, b"GET /__consent HTTP/1.1\r\nHost: x\r\n\r\n").await;
                (c, status.map_err(|e| e.to_string()))
            });
        }
        let mut conns = Vec::with_capacity(N);
        while let Some(r) = set.join_next().await {
            let (c, status) = r.unwrap();
            assert_eq!(status, Ok(200), "round {round}: every concurrent request is answered 200");
            conns.push(c);
        }
        // Then a forwarded request on every one of them, a wave at a time (origin connections
        // pooled), all 10,000 staying open.
        let mut done = Vec::with_capacity(N);
        while !conns.is_empty() {
            let mut set = tokio::task::JoinSet::new();
            for mut c in conns.drain(..WAVE.min(conns.len())) {
                set.spawn(async move {
                    let status = exchange(&mut c, b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n").await;
                    (c, status.map_err(|e| e.to_string()))
                });
            }
            while let Some(r) = set.join_next().await {
                let (c, status) = r.unwrap();
                assert_eq!(status, Ok(200), "round {round}: forwarded on a busy connection");
                done.push(c);
            }
        }
        assert_eq!(
            metric(&get(&format!("http://{admin}/metrics")).await.2, "consent_proxy_open_connections"),
            N as f64
        );
        let (peak, fds) = (status_kib(pid, "VmRSS:"), open_fds(pid));
        drop(done);
        assert_eq!(wait_metric(admin, "consent_proxy_open_connections", 0.0).await, 0.0, "round {round}: all closed");
        assert_eq!(get(&format!("http://{}/after", proxy.addr)).await.0, 200, "round {round}: serving afterwards");
        // Client descriptors go at once; origin connections beyond the pool's 64 idle ones as they finish.
        let mut rest_fds = open_fds(pid);
        for _ in 0..100 {
            if rest_fds <= baseline_fds + 64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            rest_fds = open_fds(pid);
        }
        let rest = status_kib(pid, "VmRSS:");
        println!(
            "round {round}: proxy RSS {} MiB before, {} MiB with {N} connections open ({fds} fds), \
             {} MiB after they closed ({rest_fds} fds)",
            baseline / 1024,
            peak / 1024,
            rest / 1024
        );
        // Descriptors are all released (what is left: listeners, pooled origin connections).
        assert!(rest_fds <= baseline_fds + 64, "round {round}: {rest_fds} fds left open (baseline {baseline_fds})");
        rounds.push((peak, rest));
    }
    // RSS does not fall back to the baseline when the connections close (the allocator keeps the
    // freed pages), and glibc's per-thread arenas settle over the first rounds (measured peaks
    // 300, 373, 394, 399, 401, 402 MiB over six rounds); the fourth round of 10,000 connections
    // then reuses what is there instead of adding another ~300 MiB: nothing per connection is
    // leaked.
    let ((peak3, _), (peak4, rest4)) = (rounds[2], rounds[3]);
    for (what, kib) in [("peak", peak4), ("after closing", rest4)] {
        let over_mib = kib.saturating_sub(peak3) / 1024;
        assert!(over_mib < 32, "round 4 RSS {what} is {over_mib} MiB above round 3's peak: a leak per connection");
    }
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_in_the_backlog_and_are_served_when_one_closes() {
    const LIMIT: usize = 20;
    let proxy = TestProxy::start(
        &format!("http://{}", static_origin("ok").await),
        &[("server.max_connections", "20"), ("server.header_read_timeout", "60s"), ("server.idle_timeout", "60s")],
    )
    .await;
    let mut held = Vec::new();
    for _ in 0..LIMIT {
        let mut c = TcpStream::connect(proxy.addr).await.unwrap();
        assert_eq!(exchange(&mut c, b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap(), 200);
        held.push(c);
    }
    // One more: the kernel completes the handshake, the proxy does not take it yet. No error,
    // no refusal: it waits (the admin port still answers).
    let mut extra = TcpStream::connect(proxy.addr).await.unwrap();
    extra.write_all(b"GET /waiting HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 256];
    let early = tokio::time::timeout(Duration::from_millis(500), extra.read(&mut buf)).await;
    assert!(early.is_err(), "not answered while the limit is reached: {early:?}");
    assert_eq!(metric(&proxy.metrics().await, "consent_proxy_open_connections"), LIMIT as f64);
    // One visitor leaves; the waiting one is taken and served.
    drop(held.pop());
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = extra.read(&mut buf).await.unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "served once a slot is free");
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&got));
    drop(held);
    proxy.stop().await;
}

// 5. obs-fold.

#[tokio::test]
async fn obs_folded_request_headers_get_400_and_nothing_reaches_the_origin() {
    let (origin, seen) = recording_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let attempts: [&[u8]; 5] = [
        // Folded with a tab.
        b"GET /a HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n",
        // A folded Transfer-Encoding that a lenient front end would join to the length header.
        b"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n Transfer-Encoding: chunked\r\n\r\n\
          GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
        // `chunked` on a continuation line of Transfer-Encoding.
        b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\tchunked\r\nContent-Length: 38\r\n\r\n\
          0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
        // A fold right after the request line.
        b"GET /d HTTP/1.1\r\n Host: x\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
        // A folded Host.
        b"GET /e HTTP/1.1\r\nHost: x\r\n \tevil.example\r\n\r\n",
    ];
    for attempt in attempts {
        let out = raw(proxy.addr, attempt).await;
        assert!(out.starts_with("HTTP/1.1 400"), "{:?} → {out:?}", String::from_utf8_lossy(attempt));
        assert_eq!(out.matches("HTTP/1.1 ").count(), 1, "one answer, then the connection closes: {out:?}");
    }
    assert_eq!(get(&proxy.url("/after")).await.0, 200);
    assert_eq!(*seen.lock().unwrap(), vec!["GET /after".to_string()], "only the well-formed request was forwarded");
    proxy.stop().await;
}

#[tokio::test]
async fn a_burst_of_a_thousand_connections_waits_in_the_backlog_and_is_served() {
    // The proxy takes one connection at a time (max_connections = 1) and holds it: a burst of
    // 1,000 more completes the TCP handshake into the kernel's accept queue (server.backlog =
    // 4096; with the standard library's 128, SYNs beyond it are dropped and those connects hang),
    // and once the held connection closes every one is answered.
    const BURST: usize = 1000;
    let proxy = TestProxy::start(
        &format!("http://{}", static_origin("ok").await),
        &[("server.max_connections", "1"), ("server.header_read_timeout", "60s")],
    )
    .await;
    let addr = proxy.addr;
    let mut held = TcpStream::connect(addr).await.unwrap();
    assert_eq!(exchange(&mut held, b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap(), 200);
    let connects = (0..BURST).map(|_| async move {
        let mut s = tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(addr))
            .await
            .map_err(|_| "the handshake did not complete (dropped from a full backlog)".to_string())?
            .map_err(|e| format!("connect: {e}"))?;
        s.write_all(b"GET /burst HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.map_err(|e| e.to_string())?;
        Ok::<_, String>(s)
    });
    let streams = futures_util::future::join_all(connects).await;
    let refused: Vec<_> = streams.iter().filter_map(|s| s.as_ref().err()).take(3).collect();
    assert!(
        refused.is_empty(),
        "{} of {BURST} not queued, e.g. {refused:?}",
        streams.iter().filter(|s| s.is_err()).count()
    );
    drop(held);
    let mut statuses = tokio::task::JoinSet::new();
    for s in streams {
        let mut s = s.unwrap();
        statuses.spawn(async move {
            let mut out = Vec::new();
            s.read_to_end(&mut out).await.map_err(|e| format!("read: {e}"))?;
            Ok::<_, String>(String::from_utf8_lossy(&out).lines().next().unwrap_or("").to_string())
        });
    }
    let all = tokio::time::timeout(Duration::from_secs(60), async {
        let mut lines = Vec::new();
        while let Some(r) = statuses.join_next().await {
            lines.push(r.unwrap());
        }
        lines
    })
    .await
    .expect("every connection of the burst is answered");
    let ok = |r: &Result<String, String>| matches!(r, Ok(l) if l.starts_with("HTTP/1.1 200"));
    let failed: Vec<_> = all.iter().filter(|r| !ok(r)).take(5).collect();
    assert_eq!(all.iter().filter(|r| ok(r)).count(), BURST, "some of the burst were not served, e.g. {failed:?}");
    proxy.stop().await;
}
