//! OpenTelemetry traces: a server span for each request, a client span for the call to the origin,
//! W3C `traceparent`/`tracestate` continued from the visitor's request and sent to the origin, and
//! export over OTLP/HTTP (protobuf) in batches from a bounded queue. Off by default
//! ([`settings`]); when off, a request pays one `Option` check.
//!
//! What a span holds is chosen for an SRE, not a tracker: the method, the path without its query,
//! the status, the bytes, the rewrite outcome, the consent state as category ids and the client
//! address truncated (/24, /48). Never a cookie, a query string or a full address.
//!
//! The queue is ours, not the SDK's batch processor: a full queue drops the span at once (the
//! request never waits on the collector) and counts it in `consent_proxy_trace_spans_total`,
//! which the SDK's processor only logs.

pub mod settings;

use std::net::IpAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use http::{HeaderMap, Method, Uri, Version};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider, SpanData, SpanExporter, SpanProcessor};
use opentelemetry_sdk::Resource;
use prometheus::{IntCounterVec, Opts};
use tokio::sync::{mpsc, oneshot};

use crate::access::settings::{loggable_ip, ClientIpLog};
use settings::{Export, Root, Sampling};

/// Spans by result: `exported`, `dropped` (queue full), `failed` (the collector refused or did
/// not answer in time). Registered by [`crate::metrics`].
pub static SPANS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    let c = IntCounterVec::new(Opts::new("trace_spans_total", "Trace spans by export result"), &["result"])
        .expect("a valid metric");
    for result in ["exported", "dropped", "failed"] {
        c.with_label_values(&[result]);
    }
    c
});

/// The running exporter and the tracer the proxy's spans come from.
/// Dropped on a reload with the rest of the old runtime: the exporter task ends once the last
/// span of the old configuration has ended and been sent.
pub struct Traces {
    _provider: SdkTracerProvider,
    tracer: SdkTracer,
    queue: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Traces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Traces")
    }
}

// Spans travel by value (a box would be one more allocation per span); `Flush` is rare.
#[allow(clippy::large_enum_variant)]
enum Msg {
    Span(SpanData),
    Flush(oneshot::Sender<()>),
}

impl Traces {
    /// Starts the exporter (a task: needs a tokio runtime).
    pub fn start(e: &Export) -> anyhow::Result<Self> {
        let resource = Resource::builder_empty()
            .with_attributes(e.resource.iter().map(|(k, v)| KeyValue::new(k.clone(), v.clone())))
            .build();
        use opentelemetry_http::hyper::HyperClient;
        use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
        let builder = opentelemetry_otlp::SpanExporter::builder().with_http();
        // The system's CA roots only for an https collector (a sidecar's is usually plain http).
        let builder = if e.endpoint.starts_with("https://") {
            let tls = hyper_rustls::HttpsConnectorBuilder::new().with_native_roots()?.https_only().enable_http1();
            builder.with_http_client(HyperClient::new(tls.build(), e.timeout, None))
        } else {
            builder.with_http_client(HyperClient::with_default_connector(e.timeout, None))
        };
        let mut exporter = builder
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_endpoint(e.endpoint.clone())
            .with_timeout(e.timeout)
            .with_headers(e.headers.iter().cloned().collect())
            .build()?;
        exporter.set_resource(&resource);
        let (tx, rx) = mpsc::channel(e.queue);
        tokio::spawn(export_batches(rx, exporter, e.batch, e.interval));
        let provider = SdkTracerProvider::builder()
            .with_span_processor(Queue(tx.clone()))
            .with_sampler(sampler(e.sampling))
            .with_resource(resource)
            .build();
        let tracer = provider.tracer("consent-proxy");
        Ok(Self { _provider: provider, tracer, queue: tx })
    }

    /// The server span of a request, continuing the visitor's `traceparent` if it sent one.
    pub fn request(
        &self,
        method: &Method,
        uri: &Uri,
        version: Version,
        headers: &HeaderMap,
        client: IpAddr,
        client_ip: ClientIpLog,
    ) -> Box<RequestTrace> {
        let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
        let span = self
            .tracer
            .span_builder(span_name(method))
            .with_kind(SpanKind::Server)
            .start_with_context(&self.tracer, &parent);
        let cx = parent.with_span(span);
        // Attributes only for a sampled span: an unsampled request pays for no strings.
        if !cx.span().is_recording() {
            return Box::new(RequestTrace { cx, tally: None });
        }
        let mut attrs = Vec::with_capacity(6);
        attrs.push(KeyValue::new("http.request.method", method.as_str().to_string()));
        attrs.push(KeyValue::new("url.path", uri.path().to_string()));
        attrs.push(KeyValue::new("network.protocol.version", protocol(version)));
        // As the access log has it (`log.client_ip`), but never the full address.
        let keep = match client_ip {
            ClientIpLog::None => ClientIpLog::None,
            ClientIpLog::Truncated | ClientIpLog::Full => ClientIpLog::Truncated,
        };
        if let Some(ip) = loggable_ip(client, keep) {
            attrs.push(KeyValue::new("client.address", ip));
        }
        cx.span().set_attributes(attrs);
        Box::new(RequestTrace { cx, tally: Some(Arc::default()) })
    }

    /// A client span for the call to the origin, its `traceparent` put in `headers`.
    pub fn origin_call(
        &self,
        request: &RequestTrace,
        method: &Method,
        authority: &str,
        headers: &mut HeaderMap,
    ) -> OriginCall {
        if !request.cx.span().is_recording() {
            // Unsampled (every sampler here decides a child as its trace's root): no client span;
            // the origin is told the server span's context, with the sampled flag off.
            TraceContextPropagator::new().inject_context(&request.cx, &mut HeaderInjector(headers));
            return OriginCall { cx: None };
        }
        let span = self
            .tracer
            .span_builder(span_name(method))
            .with_kind(SpanKind::Client)
            .start_with_context(&self.tracer, &request.cx);
        let cx = request.cx.with_span(span);
        TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(headers));
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, p.parse::<i64>().ok()),
            _ => (authority, None),
        };
        let mut attrs = vec![
            KeyValue::new("http.request.method", method.as_str().to_string()),
            KeyValue::new("server.address", host.to_string()),
        ];
        attrs.extend(port.map(|p| KeyValue::new("server.port", p)));
        cx.span().set_attributes(attrs);
        OriginCall { cx: Some(cx) }
    }

    /// Sends what is queued and waits for it (at most `limit`): on shutdown, so the last spans
    /// are not lost.
    pub async fn flush(&self, limit: Duration) {
        let (done, wait) = oneshot::channel();
        // A full queue (a collector that does not answer) must not hold the stop either.
        let _ = tokio::time::timeout(limit, async {
            if self.queue.send(Msg::Flush(done)).await.is_ok() {
                let _ = wait.await;
            }
        })
        .await;
    }
}

fn sampler(s: Sampling) -> Sampler {
    let root = |r: Root| match r {
        Root::AlwaysOn => Sampler::AlwaysOn,
        Root::AlwaysOff => Sampler::AlwaysOff,
        Root::Ratio(r) => Sampler::TraceIdRatioBased(r),
    };
    match s {
        Sampling::AlwaysOn => Sampler::AlwaysOn,
        Sampling::AlwaysOff => Sampler::AlwaysOff,
        Sampling::Ratio(r) => Sampler::TraceIdRatioBased(r),
        Sampling::ParentBased(r) => Sampler::ParentBased(Box::new(root(r))),
    }
}

/// The method as a span name, without an allocation for the standard ones.
fn span_name(m: &Method) -> std::borrow::Cow<'static, str> {
    const STANDARD: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::PATCH,
        Method::CONNECT,
        Method::TRACE,
    ];
    const NAMES: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"];
    match STANDARD.iter().position(|s| s == m) {
        Some(i) => NAMES[i].into(),
        None => m.as_str().to_string().into(),
    }
}

fn protocol(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "0.9",
        Version::HTTP_10 => "1.0",
        Version::HTTP_2 => "2",
        Version::HTTP_3 => "3",
        _ => "1.1",
    }
}

/// One request's server span, ended when its response body ends.
pub struct RequestTrace {
    cx: Context,
    /// What the rewriter made inert on this page, by kind and category (sampled spans only).
    pub tally: Option<Arc<Tally>>,
}

impl RequestTrace {
    /// The route of a response the proxy gave itself (`/__consent/*`, `/.well-known/gpc.json`).
    pub fn set_route(&self, method: &Method, route: String) {
        let span = self.cx.span();
        if !span.is_recording() {
            return;
        }
        span.update_name(format!("{} {route}", method.as_str()));
        span.set_attribute(KeyValue::new("http.route", route));
    }

    /// The visitor's consent: decided or not, and the categories granted (ids only).
    pub fn set_consent(&self, decided: bool, granted: impl FnOnce() -> Vec<String>) {
        let span = self.cx.span();
        if !span.is_recording() {
            return;
        }
        let granted = granted();
        span.set_attribute(KeyValue::new("consent_proxy.consent.decided", decided));
        span.set_attribute(KeyValue::new(
            "consent_proxy.consent.granted",
            opentelemetry::Value::Array(
                granted.into_iter().map(opentelemetry::StringValue::from).collect::<Vec<_>>().into(),
            ),
        ));
    }

    /// Ends the span: status, body bytes sent, how the body ended.
    pub fn end(self, status: u16, bytes: u64, outcome: &'static str) {
        let span = self.cx.span();
        let Some(tally) = self.tally.as_ref().filter(|_| span.is_recording()) else {
            span.end();
            return;
        };
        span.set_attribute(KeyValue::new("http.response.status_code", i64::from(status)));
        span.set_attribute(KeyValue::new("http.response.body.size", bytes as i64));
        span.set_attribute(KeyValue::new("consent_proxy.body", outcome));
        let tally = tally.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rewrite) = tally.rewrite {
            span.set_attribute(KeyValue::new("consent_proxy.rewrite", rewrite));
        }
        if !tally.counts.is_empty() {
            let total: u64 = tally.counts.iter().map(|(_, n)| u64::from(*n)).sum();
            let mut attrs = vec![KeyValue::new("count", total as i64)];
            attrs.extend(tally.counts.iter().map(|(k, n)| KeyValue::new(k.clone(), i64::from(*n))));
            span.add_event("neutralised", attrs);
        }
        if status >= 500 {
            span.set_attribute(KeyValue::new("error.type", status.to_string()));
            span.set_status(Status::error(""));
        }
        span.end();
    }
}

/// Counts of elements made inert (`script/marketing` → 3) and the rewrite outcome of a page.
#[derive(Default)]
pub struct Tally(Mutex<TallyInner>);

#[derive(Default)]
struct TallyInner {
    rewrite: Option<&'static str>,
    counts: Vec<(String, u32)>,
}

impl Tally {
    pub fn rewritten(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).rewrite = Some("rewritten");
    }

    pub fn neutralised(&self, kind: &str, category: &str) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match t.counts.iter_mut().find(|(k, _)| k.split_once('/') == Some((kind, category))) {
            Some((_, n)) => *n += 1,
            None => t.counts.push((format!("{kind}/{category}"), 1)),
        }
    }
}

/// The origin call's client span.
pub struct OriginCall {
    /// `None` for an unsampled request.
    cx: Option<Context>,
}

impl OriginCall {
    pub fn answered(self, status: u16) {
        let Some(cx) = self.cx else { return };
        let span = cx.span();
        span.set_attribute(KeyValue::new("http.response.status_code", i64::from(status)));
        if status >= 500 {
            span.set_attribute(KeyValue::new("error.type", status.to_string()));
            span.set_status(Status::error(""));
        }
        span.end();
    }

    pub fn failed(self, kind: &'static str) {
        let Some(cx) = self.cx else { return };
        let span = cx.span();
        span.set_attribute(KeyValue::new("error.type", kind));
        span.set_status(Status::error(kind));
        span.end();
    }
}

/// The span processor: a finished, sampled span goes into the bounded queue or is dropped.
#[derive(Debug)]
struct Queue(mpsc::Sender<Msg>);

impl SpanProcessor for Queue {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if !span.span_context.is_sampled() {
            return;
        }
        if self.0.try_send(Msg::Span(span)).is_err() {
            SPANS.with_label_values(&["dropped"]).inc();
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

/// Sends spans in batches of `batch`, or whatever is there every `interval`.
async fn export_batches(
    mut rx: mpsc::Receiver<Msg>,
    exporter: opentelemetry_otlp::SpanExporter,
    batch: usize,
    interval: Duration,
) {
    let mut held: Vec<SpanData> = Vec::with_capacity(batch);
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(Msg::Span(span)) => {
                    held.push(span);
                    if held.len() >= batch {
                        send(&exporter, &mut held).await;
                    }
                }
                Some(Msg::Flush(done)) => {
                    send(&exporter, &mut held).await;
                    let _ = done.send(());
                }
                None => {
                    send(&exporter, &mut held).await;
                    return;
                }
            },
            _ = tick.tick() => send(&exporter, &mut held).await,
        }
    }
}

async fn send(exporter: &opentelemetry_otlp::SpanExporter, held: &mut Vec<SpanData>) {
    if held.is_empty() {
        return;
    }
    let spans = std::mem::take(held);
    let n = spans.len() as u64;
    match exporter.export(spans).await {
        Ok(()) => SPANS.with_label_values(&["exported"]).inc_by(n),
        Err(e) => {
            SPANS.with_label_values(&["failed"]).inc_by(n);
            tracing::warn!(error = %e, spans = n, "trace export failed; these spans are lost");
        }
    }
}
