//! What an SRE watches: every metric the shipped Grafana dashboard and Prometheus alert rules
//! (`examples/observability/`) use is one the proxy exports; the origin's share of the latency,
//! the audit queue and audit failures, and readiness changes, as the admin port reports them.

mod support;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use std::collections::BTreeSet;
use std::path::Path;
use support::*;

const PAGE: &str = r#"<!DOCTYPE html><html><head>
<script src="https://www.google-analytics.com/analytics.js"></script>
<script src="https://tags.longtail-ads.example/t.js"></script>
</head><body><h1>shop</h1></body></html>"#;

async fn html_origin() -> std::net::SocketAddr {
    origin(|_| async {
        let mut resp = http::Response::new(text_body(PAGE));
        resp.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
        resp.headers_mut().append("set-cookie", "_ga=1; Path=/".parse().unwrap());
        resp
    })
    .await
}

async fn decide(proxy: &TestProxy, action: &str) -> u16 {
    let req = Request::post(proxy.url("/__consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Full::new(Bytes::from(format!("action={action}"))))
        .unwrap();
    send(req).await.0
}

/// Metric families in a Prometheus text exposition (`# TYPE name kind`).
fn families(exposition: &str) -> BTreeSet<String> {
    exposition
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .map(String::from)
        .collect()
}

/// Every `consent_proxy_*` name in a file.
fn names_used(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("consent_proxy_") {
        let tail = &rest[at..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tail.len());
        names.insert(tail[..end].to_string());
        rest = &tail[end..];
    }
    names
}

#[tokio::test]
async fn every_metric_the_dashboard_and_alerts_use_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("proxy.toml");
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists/adtech.txt");
    // A second list kept fresh from a local list server, for the refresh metrics: its first
    // answer fails, the second is the list.
    let text: &'static str = std::fs::read_to_string(&list).unwrap().leak();
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let lists = origin(move |_| {
        let first = asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0;
        async move {
            let mut r = http::Response::new(text_body(if first { "busy" } else { text }));
            if first {
                *r.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
            }
            r
        }
    })
    .await;
    let fresh = dir.path().join("fresh.txt");
    std::fs::write(
        &config,
        format!(
            "[audit]\nsink = \"/dev/null\"\n[[trackers.lists]]\npath = {list:?}\ncategory = \"marketing\"\n\
             [[trackers.lists]]\npath = {fresh:?}\ncategory = \"analytics\"\nurl = \"http://{lists}/fresh.txt\"\nrefresh = \"1s\"\n"
        ),
    )
    .unwrap();
    let upstream = format!("http://{}", html_origin().await);
    let mut source = test_source(&upstream, &[]);
    source.file = Some(config);
    let proxy = TestProxy::start_with(source).await;

    let (status, _, page) = get(&proxy.url("/")).await;
    assert_eq!(status, 200);
    assert!(page.contains("cp-banner"), "the page went through the rewriter: {page}");
    assert_eq!(decide(&proxy, "reject_all").await, 303, "a decision is recorded");
    let mut exported = families(&proxy.metrics().await);
    for _ in 0..200 {
        if exported.contains("consent_proxy_tracker_list_refresh_last_success_timestamp_seconds") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        exported = families(&proxy.metrics().await);
    }
    assert_eq!(get(&format!("http://{}/readyz", proxy.admin)).await.0, 200);

    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/observability");
    let dashboard = examples.join("grafana-dashboard.json");
    serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&dashboard).unwrap())
        .expect("the dashboard is valid JSON");
    for file in [dashboard, examples.join("alerts.yml")] {
        let used = names_used(&file);
        assert!(used.len() > 10, "{}: only {used:?}", file.display());
        let unknown: Vec<_> = used
            .iter()
            .filter(|name| {
                let family = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|suffix| name.strip_suffix(suffix).filter(|f| exported.contains(*f)))
                    .unwrap_or(name);
                !exported.contains(family)
            })
            .collect();
        assert!(unknown.is_empty(), "{} uses metrics the proxy does not export: {unknown:?}", file.display());
    }
    proxy.stop().await;
}

#[tokio::test]
async fn the_origins_wait_is_counted_apart_from_the_whole_request() {
    let upstream = format!("http://{}", html_origin().await);
    let proxy = TestProxy::start(&upstream, &[("audit.sink", "/dev/null")]).await;
    for _ in 0..3 {
        assert_eq!(get(&proxy.url("/")).await.0, 200);
    }
    // Answered by the proxy itself: not a wait on the origin.
    assert_eq!(get(&proxy.url("/__consent/policy")).await.0, 200);
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_upstream_response_head_seconds_count"), 3.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_request_duration_seconds_count"), 4.0);
    assert!(
        metric(&m, "consent_proxy_upstream_response_head_seconds_sum")
            <= metric(&m, "consent_proxy_request_duration_seconds_sum"),
        "the origin's wait is part of the request's time"
    );
    proxy.stop().await;
}

#[tokio::test]
async fn the_audit_queue_and_a_failing_audit_sink_show_in_metrics() {
    let upstream = format!("http://{}", html_origin().await);
    // /dev/full opens, and every write to it fails (ENOSPC): a full disk.
    let proxy = TestProxy::start(&upstream, &[("audit.sink", "/dev/full"), ("audit.queue", "7")]).await;
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_audit_queue_capacity"), 7.0, "the configured audit.queue");
    assert_eq!(metric(&m, "consent_proxy_audit_queue_depth"), 0.0, "nothing waiting");
    assert_eq!(decide(&proxy, "accept_all").await, 503, "no consent without a record");
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, r#"consent_proxy_audit_records_total{result="error"}"#), 1.0);
    assert_eq!(metric(&m, r#"consent_proxy_audit_records_total{result="ok"}"#), 0.0);
    assert_eq!(metric(&m, r#"consent_proxy_consent_decisions_total{action="accept_all"}"#), 0.0);
    proxy.stop().await;
}

#[tokio::test]
async fn readiness_answers_and_their_changes_are_counted() {
    // An origin that only accepts TCP connections, and then goes away.
    let origin = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", origin.local_addr().unwrap());
    let proxy = TestProxy::start(&upstream, &[]).await;
    let readyz = format!("http://{}/readyz", proxy.admin);

    assert_eq!(get(&readyz).await.0, 200);
    assert_eq!(get(&readyz).await.0, 200);
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_ready"), 1.0);
    assert_eq!(metric(&m, "consent_proxy_readiness_changes_total"), 0.0, "the same answer twice is no change");

    drop(origin);
    assert_eq!(get(&readyz).await.0, 503);
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_ready"), 0.0);
    assert_eq!(metric(&m, "consent_proxy_readiness_changes_total"), 1.0);
    proxy.stop().await;
}
