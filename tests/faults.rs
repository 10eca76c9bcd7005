//! Hostile clients and broken origins, each with its stated outcome: request smuggling attempts,
//! malformed requests, an origin with a huge header block, a client that leaves mid-download.

mod support;

use bytes::Bytes;
use http::Response;
use http_body_util::{BodyExt, StreamBody};
use std::time::Duration;
use support::*;
use tokio::io::AsyncWriteExt;

/// Sends `request` on a fresh connection and returns the first response head.
async fn first_response_head(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    tokio::time::timeout(Duration::from_secs(20), read_head(&mut s)).await.expect("an answer within 20 s")
}

#[tokio::test]
async fn request_smuggling_attempts_never_reach_the_origin_as_a_second_request() {
    let (origin, seen) = recording_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let attempts: [&[u8]; 3] = [
        // CL.TE: hyper frames by Transfer-Encoding, drops the length, closes after.
        b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
        // TE.CL with an obfuscated Transfer-Encoding.
        b"POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabcGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
        // Duplicate, conflicting lengths.
        b"POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhelloGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
    ];
    for attempt in attempts {
        let out = first_response_head(proxy.addr, attempt).await;
        assert!(out.starts_with("HTTP/1.1 "), "an answer, not a hang: {out:?}");
    }
    // Give a smuggled request every chance to arrive before looking.
    get(&proxy.url("/after")).await;
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.iter().any(|p| p.contains("smuggled")), "a smuggled request reached the origin: {seen:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn malformed_requests_get_400_and_the_proxy_keeps_serving() {
    let (origin, seen) = recording_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let bad: [&[u8]; 5] = [
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n",
        b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"NOT-HTTP\r\n\r\n",
    ];
    for request in bad {
        let out = first_response_head(proxy.addr, request).await;
        assert!(out.starts_with("HTTP/1.1 400"), "{:?} → {out:?}", String::from_utf8_lossy(request));
    }
    assert!(seen.lock().unwrap().is_empty(), "nothing malformed was forwarded");
    assert_eq!(get(&proxy.url("/fine")).await.0, 200);
    proxy.stop().await;
}

#[tokio::test]
async fn an_origin_sending_a_10_mb_header_block_is_a_502() {
    let origin = raw_origin(|mut s| async move {
        let _ = read_head(&mut s).await;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n").await;
        let line = format!("X-Junk: {}\r\n", "j".repeat(1000));
        for _ in 0..10_000 {
            if s.write_all(line.as_bytes()).await.is_err() {
                return;
            }
        }
        let _ = s.write_all(b"\r\nbody").await;
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let (status, _, _) = get(&proxy.url("/")).await;
    assert_eq!(status, 502);
    proxy.stop().await;
}

#[tokio::test]
async fn a_client_leaving_mid_download_frees_everything() {
    let origin = origin(|req| async move {
        if req.uri().path() != "/endless" {
            return Response::new(text_body("ok"));
        }
        let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
        let stream = futures_util::stream::iter(
            (0..100_000).map(move |_| Ok::<_, BoxError>(http_body::Frame::data(chunk.clone()))),
        );
        Response::new(StreamBody::new(stream).boxed_unsync())
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let mut s = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    s.write_all(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let mut got = 0;
    while got < 1 << 20 {
        got += tokio::io::AsyncReadExt::read(&mut s, &mut buf).await.unwrap();
    }
    drop(s); // the visitor closes the tab
             // The abandoned request ends: in-flight back to zero, logged as aborted; others are served.
    let mut in_flight = 1.0;
    for _ in 0..100 {
        in_flight = metric(&proxy.metrics().await, "consent_proxy_in_flight_requests");
        if in_flight == 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(in_flight, 0.0);
    assert_eq!(get(&proxy.url("/another")).await.0, 200);
    proxy.stop().await;
}
