//! OpenTelemetry traces (issue 24), against a local OTLP/HTTP receiver that decodes what the
//! proxy exports with the OpenTelemetry protobuf definitions: the spans, their parentage and
//! attributes, the `traceparent` the origin sees, sampling, and a collector that is down or slow.
//!
//! `consent_proxy_trace_spans_total` is one counter per process: only the down-collector test
//! makes `failed` spans and only the slow-collector test drops any, so each reads its own label.

mod support;

use bytes::Bytes;
use http::Response;
use http_body_util::{BodyExt, Full};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT: &str = "00f067aa0ba902b7";

/// What the receiver got: each span with its resource's attributes.
type Received = Arc<Mutex<Vec<(Vec<KeyValue>, Span)>>>;

async fn receiver() -> (std::net::SocketAddr, Received) {
    let got: Received = Arc::default();
    let store = got.clone();
    let addr = origin(move |req| {
        let store = store.clone();
        async move {
            assert_eq!(req.uri().path(), "/v1/traces");
            assert_eq!(req.headers()["content-type"], "application/x-protobuf");
            let body = req.into_body().collect().await.unwrap().to_bytes();
            let export = ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
            let mut store = store.lock().unwrap();
            for rs in export.resource_spans {
                let resource = rs.resource.map(|r| r.attributes).unwrap_or_default();
                for ss in rs.scope_spans {
                    store.extend(ss.spans.into_iter().map(|s| (resource.clone(), s)));
                }
            }
            Response::new(text_body(""))
        }
    })
    .await;
    (addr, got)
}

/// Waits (up to 20 s) until `n` spans of `trace` (hex) arrived; returns them.
async fn spans_of(got: &Received, trace: &str, n: usize) -> Vec<(Vec<KeyValue>, Span)> {
    for _ in 0..200 {
        let spans: Vec<_> = got.lock().unwrap().iter().filter(|(_, s)| hex(&s.trace_id) == trace).cloned().collect();
        if spans.len() >= n {
            return spans;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} spans of trace {trace} arrived: {:?}", got.lock().unwrap());
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::StringValue(s) => s.clone(),
        Value::BoolValue(b) => b.to_string(),
        Value::IntValue(i) => i.to_string(),
        Value::DoubleValue(d) => d.to_string(),
        Value::ArrayValue(a) => {
            a.values.iter().filter_map(|v| v.value.as_ref()).map(text).collect::<Vec<_>>().join(",")
        }
        other => format!("{other:?}"),
    }
}

fn attr(attrs: &[KeyValue], key: &str) -> Option<String> {
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.as_ref()?.value.as_ref()).map(text)
}

/// Everything a span says, as text: to show what it must not say.
fn all_text(resource: &[KeyValue], s: &Span) -> String {
    let kvs = resource.iter().chain(&s.attributes).chain(s.events.iter().flat_map(|e| &e.attributes));
    let mut out = s.name.clone();
    for kv in kvs {
        out.push_str(&format!(
            " {}={}",
            kv.key,
            kv.value.as_ref().and_then(|v| v.value.as_ref()).map(text).unwrap_or_default()
        ));
    }
    out
}

fn traced(endpoint: &str, extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, String)> {
    let mut keys = vec![
        ("traces.export", "otlp".to_string()),
        ("traces.endpoint", endpoint.to_string()),
        ("traces.interval", "100ms".to_string()),
    ];
    keys.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    keys
}

async fn start(origin: std::net::SocketAddr, keys: &[(&'static str, String)]) -> TestProxy {
    let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestProxy::start(&format!("http://{origin}"), &keys).await
}

async fn get_with(url: &str, headers: &[(&str, &str)]) -> (u16, http::HeaderMap, String) {
    let mut req = http::Request::get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(req.body(Full::new(Bytes::new())).unwrap()).await
}

/// The origin's view of one header (echo_origin answers with the request's headers as JSON).
fn seen(body: &str, name: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v.get(name).map(|h| h[0].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_request_is_a_server_span_with_the_origin_call_as_its_child_and_the_trace_goes_on_to_the_origin() {
    let (rx, got) = receiver().await;
    let origin = echo_origin().await;
    let keys = traced(&format!("http://{rx}/v1/traces"), &[("traces.service_name", "shop-edge")]);
    let proxy = start(origin, &keys).await;
    let incoming = format!("00-{TRACE}-{PARENT}-01");
    let (status, _, body) = get_with(
        &proxy.url("/products/42?email=visitor%40mail.example&utm_source=x"),
        &[("traceparent", incoming.as_str()), ("tracestate", "vendor=abc"), ("cookie", "session=s3cr3t-value")],
    )
    .await;
    assert_eq!(status, 200);

    // The origin sees the same trace, with the proxy's client span as the parent.
    let sent = seen(&body, "traceparent").expect("the origin gets a traceparent");
    let parts: Vec<&str> = sent.split('-').collect();
    assert_eq!((parts[0], parts[1], parts[3]), ("00", TRACE, "01"), "{sent}");
    assert_ne!(parts[2], PARENT, "the parent is the proxy's span, not the visitor's");
    assert_eq!(seen(&body, "tracestate").as_deref(), Some("vendor=abc"), "tracestate goes on");

    let spans = spans_of(&got, TRACE, 2).await;
    let (resource, server) = spans.iter().find(|(_, s)| s.kind == 2).expect("a server span");
    let (_, client) = spans.iter().find(|(_, s)| s.kind == 3).expect("a client span");
    assert_eq!(attr(resource, "service.name").as_deref(), Some("shop-edge"));
    assert_eq!(hex(&server.parent_span_id), PARENT, "the server span continues the visitor's trace");
    assert_eq!(client.parent_span_id, server.span_id, "the origin call is the server span's child");
    assert_eq!(hex(&client.span_id), parts[2], "the origin was told the client span");
    assert_eq!(server.name, "GET");
    for (key, value) in [
        ("http.request.method", "GET"),
        ("url.path", "/products/42"),
        ("http.response.status_code", "200"),
        ("client.address", "127.0.0.0"),
        ("consent_proxy.consent.decided", "false"),
        ("consent_proxy.consent.granted", "necessary"),
        ("consent_proxy.body", "complete"),
    ] {
        assert_eq!(attr(&server.attributes, key).as_deref(), Some(value), "server span {key}");
    }
    assert!(attr(&server.attributes, "http.response.body.size").is_some_and(|b| b.parse::<u64>().unwrap() > 0));
    assert_eq!(attr(&client.attributes, "server.address").as_deref(), Some("127.0.0.1"));
    assert_eq!(attr(&client.attributes, "http.response.status_code").as_deref(), Some("200"));
    assert!(client.start_time_unix_nano >= server.start_time_unix_nano);
    assert!(client.end_time_unix_nano <= server.end_time_unix_nano);
    // No personal data: no query, no cookie, no full client address (the origin's is fine).
    for (resource, span) in &spans {
        let said = all_text(resource, span);
        for secret in ["visitor", "utm_source", "s3cr3t"] {
            assert!(!said.contains(secret), "a span says {secret:?}: {said}");
        }
        let full_ip = span.attributes.iter().find(|kv| {
            kv.key != "server.address"
                && kv.value.as_ref().and_then(|v| v.value.as_ref()).map(text).is_some_and(|v| v.contains("127.0.0.1"))
        });
        assert!(full_ip.is_none(), "a full address: {full_ip:?}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn a_page_span_says_it_was_rewritten_and_what_was_made_inert() {
    let (rx, got) = receiver().await;
    let page = "<html><head><script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\
                <script src=\"https://connect.facebook.net/en_US/fbevents.js\"></script></head>\
                <body><img src=\"https://www.facebook.com/tr?id=1&ev=PageView\"><p>Hi</p></body></html>";
    let origin = origin(move |_| async move {
        let mut r = Response::new(text_body(page));
        r.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
        r
    })
    .await;
    let proxy = start(origin, &traced(&format!("http://{rx}/v1/traces"), &[])).await;
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let (status, _, body) =
        get_with(&proxy.url("/"), &[("traceparent", &format!("00-{trace}-b7ad6b7169203331-01"))]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Hi"));
    let spans = spans_of(&got, trace, 2).await;
    let (_, server) = spans.iter().find(|(_, s)| s.kind == 2).unwrap();
    assert_eq!(attr(&server.attributes, "consent_proxy.rewrite").as_deref(), Some("rewritten"));
    let event = server.events.iter().find(|e| e.name == "neutralised").expect("a neutralised event");
    let count: i64 = attr(&event.attributes, "count").unwrap().parse().unwrap();
    assert!(count >= 3, "two scripts and a pixel: {:?}", event.attributes);
    assert!(attr(&event.attributes, "script/analytics").is_some(), "{:?}", event.attributes);
    assert!(attr(&event.attributes, "script/marketing").is_some(), "{:?}", event.attributes);
    proxy.stop().await;
}

#[tokio::test]
async fn sampling_follows_the_callers_decision_and_the_ratio_for_new_traces() {
    let (rx, got) = receiver().await;
    let origin = echo_origin().await;
    let keys = traced(&format!("http://{rx}/v1/traces"), &[("traces.sample_ratio", "0")]);
    let proxy = start(origin, &keys).await;
    // A new trace at ratio 0: not sampled, but the origin still gets a traceparent (flag 00).
    let (_, _, body) = get(&proxy.url("/new")).await;
    let sent = seen(&body, "traceparent").expect("a traceparent even when not sampled");
    assert!(sent.ends_with("-00"), "{sent}");
    let unsampled = sent.split('-').nth(1).unwrap().to_string();
    // A caller that refused sampling is followed too.
    let refused = "11111111111111111111111111111111";
    let (_, _, body) = get_with(&proxy.url("/refused"), &[("traceparent", &format!("00-{refused}-{PARENT}-00"))]).await;
    assert!(seen(&body, "traceparent").unwrap().ends_with("-00"));
    // A caller that sampled: recorded, whatever the ratio.
    let sampled = "22222222222222222222222222222222";
    get_with(&proxy.url("/sampled"), &[("traceparent", &format!("00-{sampled}-{PARENT}-01"))]).await;
    spans_of(&got, sampled, 2).await;
    let exported: Vec<String> = got.lock().unwrap().iter().map(|(_, s)| hex(&s.trace_id)).collect();
    assert!(!exported.contains(&unsampled) && !exported.iter().any(|t| t == refused), "{exported:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn with_traces_off_the_visitors_traceparent_passes_through_untouched() {
    let origin = echo_origin().await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let incoming = format!("00-{TRACE}-{PARENT}-01");
    let (_, _, body) = get_with(&proxy.url("/"), &[("traceparent", incoming.as_str())]).await;
    assert_eq!(seen(&body, "traceparent"), Some(incoming));
    let (_, _, body) = get(&proxy.url("/")).await;
    assert_eq!(seen(&body, "traceparent"), None, "none is made up");
    // The counter is exported either way (dashboards need the series before the first drop).
    assert!(proxy.metrics().await.contains("consent_proxy_trace_spans_total{result=\"dropped\"}"));
    proxy.stop().await;
}

#[tokio::test]
async fn a_collector_that_is_down_changes_nothing_for_visitors_and_failed_spans_are_counted() {
    let origin = static_origin("fine").await;
    let down = closed_port();
    let proxy = start(origin, &traced(&format!("http://{down}/v1/traces"), &[])).await;
    for _ in 0..20 {
        let (status, _, body) = get(&proxy.url("/")).await;
        assert_eq!((status, body.as_str()), (200, "fine"));
    }
    let mut failed = 0.0;
    for _ in 0..200 {
        failed = metric(&proxy.metrics().await, "consent_proxy_trace_spans_total{result=\"failed\"}");
        if failed > 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed > 0.0, "failed exports are counted");
    proxy.stop().await;
}

#[tokio::test]
async fn a_collector_that_never_answers_changes_nothing_for_visitors_and_a_full_queue_drops_and_counts() {
    // Accepts connections and reads, never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let origin = static_origin("fine").await;
    let keys = traced(
        &format!("http://{slow}/v1/traces"),
        &[("traces.queue", "4"), ("traces.batch", "2"), ("traces.timeout", "60s")],
    );
    let proxy = start(origin, &keys).await;
    for _ in 0..40 {
        let (status, _, body) = get(&proxy.url("/")).await;
        assert_eq!((status, body.as_str()), (200, "fine"));
    }
    let metrics = proxy.metrics().await;
    assert!(metric(&metrics, "consent_proxy_trace_spans_total{result=\"dropped\"}") > 0.0, "{metrics}");
    // And a stop is not held up by it: the last flush waits at most 5 s.
    proxy.stop().await;
}
