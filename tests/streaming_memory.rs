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
