//! The reverse-proxy core, end to end on loopback: forwarding, streaming, upgrades, errors,
//! limits and metrics.

mod support;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn forwards_a_page_with_forwarding_headers() {
    let origin = echo_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let req = Request::get(proxy.url("/shop?q=1"))
        .header("x-forwarded-for", "6.6.6.6")
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "secret")
        .header("keep-alive", "timeout=5")
        .header("x-request-id", "abc-123")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (status, headers, body) = send(req).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-request-id"], "abc-123", "the client's request id is kept");
    let seen: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(seen[":path"][0], "/shop?q=1");
    assert_eq!(seen["x-forwarded-for"][0], "127.0.0.1", "an untrusted client's XFF is replaced");
    assert_eq!(seen["x-forwarded-proto"][0], "http");
    assert_eq!(seen["x-forwarded-host"][0], proxy.addr.to_string());
    assert_eq!(seen["host"][0], proxy.addr.to_string(), "Host is preserved by default");
    assert_eq!(seen["x-request-id"][0], "abc-123");
    for hop in ["x-hop", "keep-alive"] {
        assert!(seen.get(hop).is_none(), "{hop} must not be forwarded: {seen}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn trusted_hops_extend_forwarding_headers_and_ids_are_generated() {
    let origin = echo_origin().await;
    let up = format!("http://{origin}");
    let proxy =
        TestProxy::start(&up, &[("forwarding.trusted_hops", "127.0.0.0/8"), ("upstream.host", "upstream")]).await;
    let req = Request::get(proxy.url("/"))
        .header("x-forwarded-for", "203.0.113.9")
        .header("x-forwarded-proto", "https")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (_, headers, body) = send(req).await;
    let seen: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(seen["x-forwarded-for"][0], "203.0.113.9, 127.0.0.1");
    assert_eq!(seen["x-forwarded-proto"][0], "https");
    assert_eq!(seen["host"][0], origin.to_string(), "host = \"upstream\" sends the origin's authority");
    let id = headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 32, "a request id is generated when the client sent none");
    assert_eq!(seen["x-request-id"][0], id);
    proxy.stop().await;
}

#[tokio::test]
async fn fixed_host_header() {
    let origin = echo_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.host", "www.example.com")]).await;
    let (_, _, body) = get(&proxy.url("/")).await;
    let seen: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(seen["host"][0], "www.example.com");
    proxy.stop().await;
}

#[tokio::test]
async fn response_streams_before_the_origin_finishes() {
    let (origin, release_tx) = two_part_origin("text/plain", "first chunk;", "rest").await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let resp = client().request(Request::get(proxy.url("/")).body(Full::new(Bytes::new())).unwrap()).await.unwrap();
    let mut body = resp.into_body();
    // The origin holds the rest back until we have seen the first chunk: a buffering proxy
    // would never deliver it, and the timeout fails the test instead of hanging.
    let first = tokio::time::timeout(Duration::from_secs(10), body.frame()).await.expect("first chunk arrives early");
    assert_eq!(first.unwrap().unwrap().into_data().unwrap(), "first chunk;");
    release_tx.send(()).unwrap();
    let rest = body.collect().await.unwrap().to_bytes();
    assert_eq!(rest, "rest");
    proxy.stop().await;
}

#[tokio::test]
async fn post_bodies_are_streamed_to_the_origin() {
    let origin = origin(|req| async move {
        let body = req.into_body().collect().await.unwrap().to_bytes();
        let sum: u64 = body.iter().map(|b| *b as u64).sum();
        Response::new(text_body(format!("{} {sum}", body.len())))
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let payload: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    let sum: u64 = payload.iter().map(|b| *b as u64).sum();
    let req = Request::post(proxy.url("/upload")).body(Full::new(Bytes::from(payload))).unwrap();
    let (status, _, body) = send(req).await;
    assert_eq!(status, 200);
    assert_eq!(body, format!("5000000 {sum}"));
    proxy.stop().await;
}

#[tokio::test]
async fn websocket_upgrade_is_tunnelled() {
    let origin = raw_origin(|mut s| async move {
        let head = read_head(&mut s).await;
        assert!(head.to_ascii_lowercase().contains("upgrade: echo"), "{head}");
        s.write_all(b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 64];
        loop {
            let n = s.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            s.write_all(&buf[..n]).await.unwrap();
        }
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let mut c = TcpStream::connect(proxy.addr).await.unwrap();
    c.write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n").await.unwrap();
    let head = read_head(&mut c).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.to_ascii_lowercase().contains("upgrade: echo"), "{head}");
    c.write_all(b"hello over the tunnel").await.unwrap();
    let mut buf = [0u8; 21];
    c.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hello over the tunnel");
    proxy.stop().await;
}

#[tokio::test]
async fn unreachable_origin_is_502_and_counted() {
    let proxy = TestProxy::start(&format!("http://{}", closed_port()), &[]).await;
    let (status, headers, body) = get(&proxy.url("/")).await;
    assert_eq!(status, 502);
    assert!(body.contains("Bad Gateway"), "{body}");
    assert!(headers.contains_key("x-request-id"));
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"connect\"}"), 1.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_requests_total{code_class=\"5xx\"}"), 1.0, "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn slow_origin_is_504() {
    let origin = raw_origin(|mut s| async move {
        let _ = read_head(&mut s).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.response_timeout", "300ms")]).await;
    let (status, _, body) = get(&proxy.url("/")).await;
    assert_eq!(status, 504);
    assert!(body.contains("Gateway Timeout"), "{body}");
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"timeout\"}"), 1.0, "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn malformed_origin_response_is_502() {
    let origin = raw_origin(|mut s| async move {
        let _ = read_head(&mut s).await;
        s.write_all(b"NONSENSE\r\n\r\n").await.unwrap();
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    assert_eq!(get(&proxy.url("/")).await.0, 502);
    proxy.stop().await;
}

#[tokio::test]
async fn oversized_request_headers_are_431() {
    let proxy = TestProxy::start(&format!("http://{}", static_origin("ok").await), &[]).await;
    let big = "a".repeat(40 * 1024);
    let resp = raw(proxy.addr, format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n").as_bytes()).await;
    assert!(resp.starts_with("HTTP/1.1 431"), "{}", &resp[..resp.len().min(200)]);
    proxy.stop().await;
}

#[tokio::test]
async fn origin_dying_mid_body_reaches_the_client_as_a_broken_response() {
    // Content-Length promised, fewer bytes sent, connection closed.
    let origin = raw_origin(|mut s| async move {
        let _ = read_head(&mut s).await;
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").await.unwrap();
        s.write_all(&[b'x'; 100]).await.unwrap();
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let resp = client().request(Request::get(proxy.url("/")).body(Full::new(Bytes::new())).unwrap()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.into_body().collect().await.is_err(), "a truncated body must not look complete");

    // Chunked: the terminating chunk must never be sent for a broken body.
    let origin = raw_origin(|mut s| async move {
        let _ = read_head(&mut s).await;
        s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").await.unwrap();
    })
    .await;
    let proxy2 = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let out = raw(proxy2.addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(out.contains("hello"), "{out}");
    assert!(!out.ends_with("0\r\n\r\n"), "broken chunked body was completed: {out:?}");
    let m = proxy2.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"body\"}"), 1.0, "{m}");
    proxy.stop().await;
    proxy2.stop().await;
}

/// Sends half a request head and never the rest: the proxy closes the connection (bounded wait),
/// with nothing or a `408`.
async fn assert_a_head_that_never_ends_is_cut_off(c: &mut TcpStream) {
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(15), c.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the proxy must close a connection whose head never completes");
    let text = String::from_utf8_lossy(&out);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test]
async fn slow_client_headers_are_cut_off() {
    let proxy =
        TestProxy::start(&format!("http://{}", static_origin("ok").await), &[("server.header_read_timeout", "300ms")])
            .await;
    let mut c = TcpStream::connect(proxy.addr).await.unwrap();
    assert_a_head_that_never_ends_is_cut_off(&mut c).await;
    proxy.stop().await;
}

/// One request `delay` after connecting, then nothing: the connection is closed (idle timeout
/// 300 ms, header timeout long).
async fn assert_an_idle_connection_is_closed(delay: Duration) {
    let proxy = TestProxy::start(
        &format!("http://{}", static_origin("ok").await),
        &[("server.idle_timeout", "300ms"), ("server.header_read_timeout", "30s")],
    )
    .await;
    let mut c = TcpStream::connect(proxy.addr).await.unwrap();
    tokio::time::sleep(delay).await;
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = c.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let closed = tokio::time::timeout(Duration::from_secs(15), c.read(&mut buf)).await;
    assert!(matches!(closed, Ok(Ok(0))), "idle connection must be closed: {closed:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    assert_an_idle_connection_is_closed(Duration::ZERO).await;
}

#[tokio::test]
async fn a_connection_idle_after_a_late_request_is_closed_too() {
    // The connection's one timer first fires at the idle deadline counted from the connect; a
    // request that came later pushed the real deadline on, so the timer is moved forward and must
    // fire again (a moved timer that is never polled again would keep the connection forever).
    assert_an_idle_connection_is_closed(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn head_and_errors_statuses_pass_through() {
    let origin = origin(|req| async move {
        let status = if req.uri().path() == "/missing" { StatusCode::NOT_FOUND } else { StatusCode::OK };
        let mut r = Response::new(text_body("body"));
        *r.status_mut() = status;
        r
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    assert_eq!(get(&proxy.url("/missing")).await.0, 404);
    let (status, _, body) = send(Request::head(proxy.url("/")).body(Full::new(Bytes::new())).unwrap()).await;
    assert_eq!((status, body.as_str()), (200, ""));
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_requests_total{code_class=\"4xx\"}"), 1.0);
    assert_eq!(metric(&m, "consent_proxy_requests_total{code_class=\"2xx\"}"), 1.0);
    assert_eq!(metric(&m, "consent_proxy_request_duration_seconds_count"), 2.0);
    assert_eq!(metric(&m, "consent_proxy_in_flight_requests"), 0.0);
    assert!(m.contains("consent_proxy_build_info{version=\""), "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn admin_endpoints() {
    let proxy = TestProxy::start(&format!("http://{}", static_origin("ok").await), &[]).await;
    let admin = |p: &str| format!("http://{}{p}", proxy.admin);
    assert_eq!(get(&admin("/healthz")).await.0, 200);
    assert_eq!(get(&admin("/readyz")).await.0, 200);
    assert_eq!(get(&admin("/nope")).await.0, 404);
    proxy.stop().await;

    let down = TestProxy::start(&format!("http://{}", closed_port()), &[]).await;
    let (status, _, body) = get(&format!("http://{}/readyz", down.admin)).await;
    assert_eq!(status, 503, "readyz fails while the upstream is unreachable");
    assert!(body.contains("unreachable"), "{body}");
    down.stop().await;
}

#[tokio::test]
async fn graceful_drain_finishes_in_flight_requests() {
    let (origin, arrived_rx, release_tx) = gated_origin("finished").await;
    let mut proxy = TestProxy::start(&format!("http://{origin}"), &[("shutdown.delay", "200ms")]).await;
    let url = proxy.url("/slow");
    let in_flight = tokio::spawn(async move { get(&url).await });
    arrived_rx.await.unwrap();
    let admin = proxy.admin;
    let stopped = proxy.signal_stop();
    // During the delay /readyz fails but traffic is still served.
    let (status, _, _) = get(&format!("http://{admin}/readyz")).await;
    assert_eq!(status, 503);
    release_tx.send(()).unwrap();
    let (status, _, body) = in_flight.await.unwrap();
    assert_eq!((status, body.as_str()), (200, "finished"));
    tokio::time::timeout(Duration::from_secs(20), stopped).await.expect("drain completes").unwrap();
}

#[tokio::test]
async fn a_slow_head_after_a_first_request_is_cut_off_too() {
    // The header-read timeout also holds for the next request on a kept connection: it runs from
    // the end of the previous exchange (the idle timeout stays long here).
    let proxy = TestProxy::start(
        &format!("http://{}", static_origin("ok").await),
        &[("server.header_read_timeout", "300ms"), ("server.idle_timeout", "60s")],
    )
    .await;
    let mut c = TcpStream::connect(proxy.addr).await.unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = c.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert_a_head_that_never_ends_is_cut_off(&mut c).await;
    proxy.stop().await;
}

#[tokio::test]
async fn an_idle_http2_connection_lives_for_the_idle_timeout_not_the_header_timeout() {
    // HTTP/2 has no request head to wait for between streams: only `server.idle_timeout` applies
    // (HTTP/2 over cleartext with prior knowledge here).
    let proxy = TestProxy::start(
        &format!("http://{}", static_origin("ok").await),
        &[("server.header_read_timeout", "200ms"), ("server.idle_timeout", "60s")],
    )
    .await;
    let tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(tcp))
            .await
            .unwrap();
    let conn = tokio::spawn(conn);
    for round in 0..2 {
        let req = Request::get(format!("http://{}/", proxy.addr)).body(Full::new(Bytes::new())).unwrap();
        let resp = sender.send_request(req).await.unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), "ok");
        // Idle for several header timeouts.
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    assert!(!conn.is_finished(), "the HTTP/2 connection is still open");
    proxy.stop().await;
}

#[tokio::test]
async fn a_slow_but_steady_origin_body_is_not_cut_by_the_read_timeout() {
    // `upstream.read_timeout` bounds the wait for the *next* piece, not the whole body: eight
    // pieces 150 ms apart (1.2 s in all) pass a 500 ms read timeout whole.
    let origin = raw_origin(|mut s| async move {
        let _ = read_head(&mut s).await;
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\n").await.unwrap();
        for _ in 0..8 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            s.write_all(b"x").await.unwrap();
        }
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.read_timeout", "500ms")]).await;
    let (status, _, body) = get(&proxy.url("/slow")).await;
    assert_eq!((status, body.as_str()), (200, "xxxxxxxx"));
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"read_timeout\"}"), 0.0, "{m}");
    proxy.stop().await;
}

/// An origin where `/slow` answers after 30 s and anything else at once.
async fn slow_and_fast_origin() -> std::net::SocketAddr {
    origin(|req| async move {
        if req.uri().path() == "/slow" {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Response::new(text_body("fast"))
    })
    .await
}

#[tokio::test]
async fn the_response_timeout_holds_for_each_request_of_a_kept_connection() {
    // One timer per client connection is moved forward for each request (issue 23): it must time
    // every request from its own start, and a timer that fired while the connection sat idle must
    // not cut the next request short.
    let origin = slow_and_fast_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.response_timeout", "300ms")]).await;
    let tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp)).await.unwrap();
    tokio::spawn(conn);
    let mut ask = async |path: &str| {
        let req = Request::get(path).header("host", "x").body(Full::new(Bytes::new())).unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let status = resp.status();
        (status, resp.into_body().collect().await.unwrap().to_bytes())
    };
    assert_eq!(ask("/").await, (StatusCode::OK, Bytes::from("fast")));
    // Idle past the first request's deadline: the kept timer fires with nothing to time.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(ask("/").await, (StatusCode::OK, Bytes::from("fast")));
    assert_eq!(ask("/slow").await.0, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(ask("/").await, (StatusCode::OK, Bytes::from("fast")), "the same connection, after the 504");
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"timeout\"}"), 1.0, "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn concurrent_http2_streams_are_timed_each_on_its_own() {
    // Streams of one HTTP/2 connection run at once: the one that finds the connection's timer in
    // use gets its own, and a slow stream's 504 does not touch the fast ones.
    let origin = slow_and_fast_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("upstream.response_timeout", "300ms")]).await;
    let tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let (sender, conn) =
        hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), hyper_util::rt::TokioIo::new(tcp))
            .await
            .unwrap();
    tokio::spawn(conn);
    let ask = |path: &'static str| {
        let mut sender = sender.clone();
        let url = format!("http://{}{path}", proxy.addr);
        async move {
            let resp = sender.send_request(Request::get(url).body(Full::new(Bytes::new())).unwrap()).await.unwrap();
            resp.status()
        }
    };
    let (slow_a, slow_b, fast) = tokio::join!(ask("/slow"), ask("/slow"), async {
        // Starts while both slow streams wait.
        tokio::time::sleep(Duration::from_millis(100)).await;
        ask("/").await
    });
    assert_eq!((slow_a, slow_b, fast), (StatusCode::GATEWAY_TIMEOUT, StatusCode::GATEWAY_TIMEOUT, StatusCode::OK));
    proxy.stop().await;
}

#[tokio::test]
async fn the_origin_is_never_left_to_pick_a_coding_the_visitor_did_not_accept() {
    // Non-HTML bodies pass through as the origin coded them, so the codings asked of the origin
    // are the visitor's, minus those the proxy cannot decode (HTML is decoded to be rewritten) —
    // and `identity`, not nothing, when none is left: a request without `Accept-Encoding` would let
    // the origin choose any coding.
    let proxy = TestProxy::start(&format!("http://{}", echo_origin().await), &[]).await;
    for (visitor, origin_sees) in [
        (Some("gzip, deflate, br, zstd"), Some("gzip, deflate, br, zstd")),
        (Some("identity"), Some("identity")),
        (Some("gzip, sdch"), Some("gzip")),
        (Some("sdch"), Some("identity")),
        (Some(""), Some("identity")),
        (None, None),
    ] {
        let mut req = Request::get(proxy.url("/"));
        if let Some(v) = visitor {
            req = req.header("accept-encoding", v);
        }
        let (status, _, body) = send(req.body(Full::new(Bytes::new())).unwrap()).await;
        assert_eq!(status, 200);
        let seen: serde_json::Value = serde_json::from_str(&body).unwrap();
        let seen = seen["accept-encoding"].as_array().map(|v| v[0].as_str().unwrap().to_string());
        assert_eq!(seen.as_deref(), origin_sees, "visitor sent {visitor:?}");
    }
    proxy.stop().await;
}
