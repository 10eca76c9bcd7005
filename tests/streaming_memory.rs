//! A large response streams through the real binary with bounded memory: the proxy's peak RSS
//! stays far below the body size.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, StreamBody};
use support::*;

const CHUNK: usize = 64 * 1024;
const TOTAL: usize = 512 * 1024 * 1024;

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn half_a_gigabyte_streams_with_bounded_memory() {
    let origin = origin(|_| async {
        let chunk = Bytes::from(vec![b'x'; CHUNK]);
        let stream = futures_util::stream::iter(
            (0..TOTAL / CHUNK).map(move |_| Ok::<_, BoxError>(http_body::Frame::data(chunk.clone()))),
        );
        Response::new(StreamBody::new(stream).boxed_unsync())
    })
    .await;
    let proxy = BinaryProxy::start(
        &["--upstream", &format!("http://{origin}"), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
        &[],
    );
    let before = peak_rss_kib(proxy.child.id());
    let resp = client()
        .request(Request::get(format!("http://{}/big", proxy.addr)).body(Full::new(Bytes::new())).unwrap())
        .await
        .unwrap();
    let mut body = resp.into_body();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            seen += data.len();
        }
    }
    assert_eq!(seen, TOTAL);
    let after = peak_rss_kib(proxy.child.id());
    let growth_mib = after.saturating_sub(before) / 1024;
    assert!(growth_mib < 64, "peak RSS grew by {growth_mib} MiB while streaming {} MiB", TOTAL >> 20);
}

#[tokio::test]
async fn a_large_html_page_is_rewritten_with_bounded_memory() {
    const REPEAT: usize = 2048;
    let block: Bytes = Bytes::from(
        "<div class=\"item\"><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\
<img src=\"https://www.facebook.com/tr?id=1&ev=PageView\" width=\"1\" height=\"1\">\
<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></div>\n"
            .repeat(300),
    );
    let block_len = block.len();
    let origin = origin(move |_| {
        let block = block.clone();
        async move {
            let head = futures_util::stream::once(async {
                Ok::<_, BoxError>(http_body::Frame::data(Bytes::from_static(
                    b"<!DOCTYPE html><html><head></head><body>",
                )))
            });
            let blocks = futures_util::stream::iter(
                (0..REPEAT).map(move |_| Ok::<_, BoxError>(http_body::Frame::data(block.clone()))),
            );
            let tail = futures_util::stream::once(async {
                Ok::<_, BoxError>(http_body::Frame::data(Bytes::from_static(b"</body></html>")))
            });
            let mut resp = Response::new(
                StreamBody::new(futures_util::StreamExt::chain(futures_util::StreamExt::chain(head, blocks), tail))
                    .boxed_unsync(),
            );
            resp.headers_mut().insert("content-type", "text/html".parse().unwrap());
            resp
        }
    })
    .await;
    let proxy = BinaryProxy::start(
        &["--upstream", &format!("http://{origin}"), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
        &[("CONSENT_PROXY__AUDIT__SINK", "/dev/null")],
    );
    let before = peak_rss_kib(proxy.child.id());
    let resp = client()
        .request(Request::get(format!("http://{}/big.html", proxy.addr)).body(Full::new(Bytes::new())).unwrap())
        .await
        .unwrap();
    let mut body = resp.into_body();
    let (mut seen, mut tail) = (0usize, Vec::new());
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            seen += data.len();
            tail.extend_from_slice(&data);
            if tail.len() > 4096 {
                tail.drain(..tail.len() - 4096);
            }
        }
    }
    assert!(seen > REPEAT * block_len, "the whole page arrived ({seen} bytes)");
    assert!(String::from_utf8_lossy(&tail).contains("cp-banner"), "the banner is injected at the end");
    let metrics = get(&format!("http://{}/metrics", proxy.admin)).await.2;
    assert_eq!(
        metric(&metrics, "consent_proxy_elements_neutralized_total{category=\"marketing\",kind=\"img\"}"),
        (REPEAT * 300) as f64
    );
    let growth_mib = peak_rss_kib(proxy.child.id()).saturating_sub(before) / 1024;
    assert!(growth_mib < 64, "peak RSS grew by {growth_mib} MiB while rewriting {} MiB", (REPEAT * block_len) >> 20);
}
