//! The end of a request: metrics and the access log line, written once when the response body
//! ends (complete, broken or abandoned), so duration and bytes cover the whole response.
//!
//! Access log fields: `method`, `path` (query values redacted by default), `status`, `bytes`
//! (response body bytes sent), `duration_ms`, `outcome` (`complete` | `error` | `aborted`),
//! `client` (truncated by default), `request_id`, `proto`.

pub mod settings;

use http::{HeaderValue, Method, Uri, Version};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::body::{BodyOutcome, OnBodyEnd};
use crate::config::Config;
use crate::server::activity::ConnActivity;
use crate::state::Shared;
use crate::traces::RequestTrace;
pub use settings::loggable_ip;
use settings::QueryLog;

pub struct RequestRecord {
    shared: Arc<Shared>,
    conn: Arc<ConnActivity>,
    started: Instant,
    method: Method,
    path: String,
    version: Version,
    client: Option<String>,
    request_id: HeaderValue,
    status: u16,
    /// The server span, when traces are on: ended with the body, as the log line is written.
    trace: Option<Box<RequestTrace>>,
}

impl RequestRecord {
    /// Starts the record when a request arrives; counts it in flight.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        shared: Arc<Shared>,
        conn: Arc<ConnActivity>,
        config: &Config,
        method: &Method,
        uri: &Uri,
        version: Version,
        peer: IpAddr,
        request_id: HeaderValue,
    ) -> Self {
        shared.metrics.in_flight.inc();
        conn.request_started(version);
        let log = config.log.access_log;
        Self {
            started: Instant::now(),
            method: method.clone(),
            path: if log { loggable_path(uri, config.log.query) } else { String::new() },
            version,
            client: if log { loggable_ip(peer, config.log.client_ip) } else { None },
            request_id,
            status: 0,
            trace: None,
            shared,
            conn,
        }
    }

    pub fn set_status(&mut self, status: u16) {
        self.status = status;
    }

    pub fn set_trace(&mut self, trace: Box<RequestTrace>) {
        self.trace = Some(trace);
    }

    pub fn trace(&self) -> Option<&RequestTrace> {
        self.trace.as_deref()
    }
}

impl OnBodyEnd for RequestRecord {
    fn body_ended(self, outcome: BodyOutcome, bytes: u64) {
        let elapsed = self.started.elapsed();
        let m = &self.shared.metrics;
        m.in_flight.dec();
        m.observe_response(self.status, elapsed.as_secs_f64());
        match outcome {
            BodyOutcome::Error => m.upstream_errors_total.with_label_values(&["body"]).inc(),
            BodyOutcome::ReadTimeout => m.upstream_errors_total.with_label_values(&["read_timeout"]).inc(),
            _ => {}
        }
        self.conn.request_finished();
        if let Some(trace) = self.trace {
            trace.end(self.status, bytes, outcome.as_str());
        }
        if self.shared.runtime.load().config.log.access_log {
            tracing::info!(
                target: "access",
                method = %self.method,
                path = %self.path,
                status = self.status,
                bytes,
                duration_ms = (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
                outcome = outcome.as_str(),
                client = self.client.as_deref().unwrap_or("-"),
                request_id = self.request_id.to_str().unwrap_or("-"),
                proto = ?self.version,
            );
        }
    }
}

/// The path for the log; query values become `*` unless configured otherwise.
pub fn loggable_path(uri: &Uri, query: QueryLog) -> String {
    let path = uri.path();
    match (uri.query(), query) {
        (None, _) => path.to_string(),
        (Some(q), QueryLog::Full) => format!("{path}?{q}"),
        (Some(q), QueryLog::Redacted) => {
            let keys: Vec<String> = q
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, _)) => format!("{k}=*"),
                    None => p.to_string(),
                })
                .collect();
            format!("{path}?{}", keys.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use settings::ClientIpLog;

    #[test]
    fn query_values_are_redacted() {
        let uri: Uri = "/signup?email=a%40b.example&utm_source=x&flag".parse().unwrap();
        assert_eq!(loggable_path(&uri, QueryLog::Redacted), "/signup?email=*&utm_source=*&flag");
        assert_eq!(loggable_path(&uri, QueryLog::Full), "/signup?email=a%40b.example&utm_source=x&flag");
        assert_eq!(loggable_path(&"/a".parse().unwrap(), QueryLog::Redacted), "/a");
    }

    #[test]
    fn client_ips_are_truncated() {
        let v4: IpAddr = "203.0.113.77".parse().unwrap();
        assert_eq!(loggable_ip(v4, ClientIpLog::Truncated).unwrap(), "203.0.113.0");
        assert_eq!(loggable_ip(v4, ClientIpLog::Full).unwrap(), "203.0.113.77");
        assert_eq!(loggable_ip(v4, ClientIpLog::None), None);
        let v6: IpAddr = "2001:db8:abcd:12:1:2:3:4".parse().unwrap();
        assert_eq!(loggable_ip(v6, ClientIpLog::Truncated).unwrap(), "2001:db8:abcd::");
        let mapped: IpAddr = "::ffff:198.51.100.9".parse().unwrap();
        assert_eq!(loggable_ip(mapped, ClientIpLog::Truncated).unwrap(), "198.51.100.0");
    }
}
