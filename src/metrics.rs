//! Prometheus metrics in an owned [`Registry`] (not the global one: tests run several proxies in
//! one process). Every label value comes from a bounded set: no paths, no cookie names.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::sync::atomic::{AtomicU8, Ordering};

/// All metrics the proxy exports, as typed fields.
pub struct Metrics {
    registry: Registry,
    /// Responses by status class (`1xx` … `5xx`).
    pub requests_total: IntCounterVec,
    /// `requests_total`'s five children, looked up once (not per request).
    requests_by_class: [IntCounter; 5],
    /// Request start to last body byte.
    pub request_duration_seconds: Histogram,
    /// Requests being served right now (body streaming included).
    pub in_flight: IntGauge,
    /// Failures talking to the origin, by kind (`connect`, `connect_timeout`, `timeout`, ...).
    pub upstream_errors_total: IntCounterVec,
    /// Config reloads by result (`ok`, `error`).
    pub config_reloads_total: IntCounterVec,
    /// Open client connections.
    pub connections: IntGauge,
    /// `Set-Cookie` headers removed, by category (`unknown`, `undeclared`, `forged`, `malformed`
    /// for cookies without a granted category).
    pub set_cookies_removed_total: IntCounterVec,
    /// Request cookies stripped before the origin, by category.
    pub request_cookies_stripped_total: IntCounterVec,
    /// What report-only mode would have removed: `what` = `set_cookie` | `request_cookie` |
    /// `tracking_endpoint` | `click_id`, by category.
    pub report_only_total: IntCounterVec,
    /// First-party tracking endpoints answered 204 instead of being forwarded, by category.
    pub tracking_requests_blocked_total: IntCounterVec,
    /// Cookies the catalog does not know (names go to the log and the discovery list, never here).
    pub unknown_cookies_total: IntCounterVec,
    /// Consent decisions by action (`accept_all`, `reject_all`, `save`, and `imported` from
    /// another consent manager's cookie).
    pub consent_decisions_total: IntCounterVec,
    /// Tracker elements made inert, by `kind` (script, inline_script, img, iframe, link, ping,
    /// media) and category.
    pub elements_neutralized_total: IntCounterVec,
    /// Site-marked elements activated server-side, by tag.
    pub elements_activated_total: IntCounterVec,
    /// Banners (`banner`) and shields (`shield`) injected.
    pub banners_injected_total: IntCounterVec,
    /// Rewrites aborted (fail closed), by reason.
    pub html_rewrite_errors_total: IntCounterVec,
    /// Per filter list (`list` = file name): rules loaded, seconds since it was last updated,
    /// and 1 while a failed reload keeps its previous copy. Set at each scrape.
    pub tracker_list_rules: IntGaugeVec,
    pub tracker_list_age_seconds: IntGaugeVec,
    pub tracker_list_stale: IntGaugeVec,
    /// Lists with a `url`: when a download last succeeded (a new copy, or `304 Not Modified`),
    /// downloads by `outcome` (`updated`, `unchanged`), and failures by `reason` (`network`,
    /// `timeout`, `status`, `too_large`, `parse`, `checksum`, `shrunk`, `write`).
    pub tracker_list_refresh_last_success_timestamp_seconds: IntGaugeVec,
    pub tracker_list_refreshes_total: IntCounterVec,
    pub tracker_list_refresh_failures_total: IntCounterVec,
    /// `banner.thumbnails` answers by `result`: `cached`, `fetched`, `refused` (not an
    /// allow-listed source), `busy` (16 fetches under way), or why the fetch failed (`network`,
    /// `timeout`, `status`, `redirect`, `not_an_image`, `too_large`, `private_address`).
    pub thumbnails_total: IntCounterVec,
    /// Ad click identifiers removed from request URLs and redirects, by `param`.
    pub click_ids_removed_total: IntCounterVec,
    /// Time from sending the request to the origin until its response head arrived: the origin's
    /// share of `request_duration_seconds` (the rest is the proxy and the body's transfer).
    pub upstream_response_head_seconds: Histogram,
    /// Consent records waiting for the audit writer, and the queue's size (`audit.queue`): a
    /// decision is refused (`503`) when the queue is full. Set at each scrape.
    pub audit_queue_depth: IntGauge,
    pub audit_queue_capacity: IntGauge,
    /// Consent records by result (`ok`, `error`: not queued or not written, the decision refused).
    pub audit_records_total: IntCounterVec,
    /// The last `/readyz` answer (1 ready, 0 not), and how often it changed: a flapping origin
    /// or probe shows here before it shows as errors.
    pub ready: IntGauge,
    pub readiness_changes_total: IntCounter,
    /// The last readiness answer: 0 none yet, 1 ready, 2 not ready.
    last_readiness: AtomicU8,
}

const CODE_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];
pub const UPSTREAM_ERROR_KINDS: [&str; 5] = ["connect", "connect_timeout", "timeout", "protocol", "body"];

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("consent_proxy".into()), None).expect("static prefix is valid");
        let requests_total =
            IntCounterVec::new(Opts::new("requests_total", "Responses sent, by status class"), &["code_class"])
                .unwrap();
        let buckets = vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
        let request_duration_seconds = Histogram::with_opts(
            HistogramOpts::new("request_duration_seconds", "Time from request start to the last response byte")
                .buckets(buckets.clone()),
        )
        .unwrap();
        let upstream_response_head_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "upstream_response_head_seconds",
                "Time from sending the request to the origin until its response head arrived",
            )
            .buckets(buckets),
        )
        .unwrap();
        let audit_queue_depth =
            IntGauge::new("audit_queue_depth", "Consent records waiting for the audit writer").unwrap();
        let audit_queue_capacity = IntGauge::new("audit_queue_capacity", "Size of the audit queue").unwrap();
        let audit_records_total =
            IntCounterVec::new(Opts::new("audit_records_total", "Consent audit records by result"), &["result"])
                .unwrap();
        let ready = IntGauge::new("ready", "The last /readyz answer: 1 ready, 0 not ready").unwrap();
        let readiness_changes_total =
            IntCounter::new("readiness_changes_total", "Times the /readyz answer changed").unwrap();
        let in_flight = IntGauge::new("in_flight_requests", "Requests being served").unwrap();
        let upstream_errors_total =
            IntCounterVec::new(Opts::new("upstream_errors_total", "Failures talking to the origin"), &["kind"])
                .unwrap();
        let config_reloads_total =
            IntCounterVec::new(Opts::new("config_reloads_total", "Config reloads by result"), &["result"]).unwrap();
        let connections = IntGauge::new("open_connections", "Open client connections").unwrap();
        let build_info = IntGaugeVec::new(Opts::new("build_info", "Build information"), &["version"]).unwrap();
        build_info.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);

        let requests_by_class = CODE_CLASSES.map(|class| requests_total.with_label_values(&[class]));
        for kind in UPSTREAM_ERROR_KINDS {
            upstream_errors_total.with_label_values(&[kind]);
        }
        for result in ["ok", "error"] {
            config_reloads_total.with_label_values(&[result]);
            audit_records_total.with_label_values(&[result]);
        }
        let by_category = |name: &str, help: &str| IntCounterVec::new(Opts::new(name, help), &["category"]).unwrap();
        let set_cookies_removed_total = by_category("set_cookies_removed_total", "Set-Cookie headers removed");
        let request_cookies_stripped_total =
            by_category("request_cookies_stripped_total", "Request cookies stripped before the origin");
        let tracking_requests_blocked_total =
            by_category("tracking_requests_blocked_total", "First-party tracking requests answered 204");
        let report_only_total = IntCounterVec::new(
            Opts::new("report_only_would_remove_total", "What report-only mode would have removed"),
            &["what", "category"],
        )
        .unwrap();
        let unknown_cookies_total =
            IntCounterVec::new(Opts::new("unknown_cookies_total", "Cookies not in the catalog"), &["where"]).unwrap();
        let consent_decisions_total =
            IntCounterVec::new(Opts::new("consent_decisions_total", "Consent decisions"), &["action"]).unwrap();
        for action in ["accept_all", "reject_all", "save", "imported"] {
            consent_decisions_total.with_label_values(&[action]);
        }
        for place in ["request", "response"] {
            unknown_cookies_total.with_label_values(&[place]);
        }
        for category in ["necessary", "analytics", "marketing", "unknown"] {
            set_cookies_removed_total.with_label_values(&[category]);
            request_cookies_stripped_total.with_label_values(&[category]);
        }
        let elements_neutralized_total = IntCounterVec::new(
            Opts::new("elements_neutralized_total", "Tracker elements made inert"),
            &["kind", "category"],
        )
        .unwrap();
        let elements_activated_total =
            IntCounterVec::new(Opts::new("elements_activated_total", "Site-marked elements activated"), &["kind"])
                .unwrap();
        let banners_injected_total =
            IntCounterVec::new(Opts::new("banners_injected_total", "Banners and shields injected"), &["kind"]).unwrap();
        let html_rewrite_errors_total =
            IntCounterVec::new(Opts::new("html_rewrite_errors_total", "HTML rewrites aborted"), &["reason"]).unwrap();
        for kind in ["banner", "shield"] {
            banners_injected_total.with_label_values(&[kind]);
        }
        for reason in ["decode", "encode", "memory_limit", "rewrite", "unknown_coding"] {
            html_rewrite_errors_total.with_label_values(&[reason]);
        }
        for category in ["analytics", "marketing"] {
            elements_neutralized_total.with_label_values(&["script", category]);
            tracking_requests_blocked_total.with_label_values(&[category]);
        }
        elements_activated_total.with_label_values(&["script"]);
        let per_list = |name: &str, help: &str| IntGaugeVec::new(Opts::new(name, help), &["list"]).unwrap();
        let tracker_list_rules = per_list("tracker_list_rules", "Network rules loaded from each filter list");
        let tracker_list_age_seconds = per_list(
            "tracker_list_age_seconds",
            "Seconds since each filter list was last updated (its header, else mtime)",
        );
        let tracker_list_stale =
            per_list("tracker_list_reload_failed", "1 while a failed reload keeps the previous copy of the list");
        let tracker_list_refresh_last_success_timestamp_seconds = per_list(
            "tracker_list_refresh_last_success_timestamp_seconds",
            "Unix time of the last successful download of each list with a url (new copy or 304)",
        );
        let tracker_list_refreshes_total = IntCounterVec::new(
            Opts::new("tracker_list_refreshes_total", "Successful list downloads, by outcome (updated, unchanged)"),
            &["list", "outcome"],
        )
        .unwrap();
        let tracker_list_refresh_failures_total = IntCounterVec::new(
            Opts::new(
                "tracker_list_refresh_failures_total",
                "Failed list downloads (the copy in use stays), by reason",
            ),
            &["list", "reason"],
        )
        .unwrap();
        let thumbnails_total = IntCounterVec::new(
            Opts::new("thumbnails_total", "Thumbnails served from this site (banner.thumbnails), by result"),
            &["result"],
        )
        .unwrap();
        let click_ids_removed_total = IntCounterVec::new(
            Opts::new("click_ids_removed_total", "Ad click identifiers removed from URLs without consent"),
            &["param"],
        )
        .unwrap();
        click_ids_removed_total.with_label_values(&["gclid"]);
        let m = Metrics {
            click_ids_removed_total,
            upstream_response_head_seconds,
            audit_queue_depth,
            audit_queue_capacity,
            audit_records_total,
            ready,
            readiness_changes_total,
            last_readiness: AtomicU8::new(0),
            tracker_list_rules,
            tracker_list_age_seconds,
            tracker_list_stale,
            tracker_list_refresh_last_success_timestamp_seconds,
            tracker_list_refreshes_total,
            tracker_list_refresh_failures_total,
            thumbnails_total,
            elements_neutralized_total,
            elements_activated_total,
            banners_injected_total,
            html_rewrite_errors_total,
            set_cookies_removed_total,
            request_cookies_stripped_total,
            report_only_total,
            tracking_requests_blocked_total,
            unknown_cookies_total,
            consent_decisions_total,
            registry,
            requests_by_class,
            requests_total,
            request_duration_seconds,
            in_flight,
            upstream_errors_total,
            config_reloads_total,
            connections,
        };
        m.register(Box::new(m.requests_total.clone()));
        m.register(Box::new(m.request_duration_seconds.clone()));
        m.register(Box::new(m.in_flight.clone()));
        m.register(Box::new(m.upstream_errors_total.clone()));
        m.register(Box::new(m.config_reloads_total.clone()));
        m.register(Box::new(m.connections.clone()));
        m.register(Box::new(build_info));
        m.register(Box::new(m.set_cookies_removed_total.clone()));
        m.register(Box::new(m.request_cookies_stripped_total.clone()));
        m.register(Box::new(m.report_only_total.clone()));
        m.register(Box::new(m.tracking_requests_blocked_total.clone()));
        m.register(Box::new(m.unknown_cookies_total.clone()));
        m.register(Box::new(m.consent_decisions_total.clone()));
        m.register(Box::new(m.elements_neutralized_total.clone()));
        m.register(Box::new(m.elements_activated_total.clone()));
        m.register(Box::new(m.banners_injected_total.clone()));
        m.register(Box::new(m.html_rewrite_errors_total.clone()));
        m.register(Box::new(m.tracker_list_rules.clone()));
        m.register(Box::new(m.tracker_list_age_seconds.clone()));
        m.register(Box::new(m.tracker_list_stale.clone()));
        m.register(Box::new(m.tracker_list_refresh_last_success_timestamp_seconds.clone()));
        m.register(Box::new(m.tracker_list_refreshes_total.clone()));
        m.register(Box::new(m.tracker_list_refresh_failures_total.clone()));
        m.register(Box::new(m.thumbnails_total.clone()));
        m.register(Box::new(m.click_ids_removed_total.clone()));
        m.register(Box::new(m.upstream_response_head_seconds.clone()));
        m.register(Box::new(m.audit_queue_depth.clone()));
        m.register(Box::new(m.audit_queue_capacity.clone()));
        m.register(Box::new(m.audit_records_total.clone()));
        m.register(Box::new(m.ready.clone()));
        m.register(Box::new(m.readiness_changes_total.clone()));
        m.register(Box::new(crate::traces::SPANS.clone()));
        m
    }

    /// The filter-list gauges for the lists in use now (a list removed from the config goes).
    pub fn observe_lists(&self, lists: &crate::catalog::lists::FilterLists) {
        for g in [&self.tracker_list_rules, &self.tracker_list_age_seconds, &self.tracker_list_stale] {
            g.reset();
        }
        for (list, error) in lists.lists() {
            let label = [list.name.as_str()];
            self.tracker_list_rules.with_label_values(&label).set(list.rules as i64);
            if let Some(age) = list.age() {
                self.tracker_list_age_seconds.with_label_values(&label).set(age.as_secs() as i64);
            }
            self.tracker_list_stale.with_label_values(&label).set(i64::from(error.is_some()));
        }
        // Not downloaded yet: no rules in use.
        for name in lists.pending() {
            self.tracker_list_rules.with_label_values(&[name.as_str()]).set(0);
        }
    }

    /// The audit queue gauges for the sink in use now.
    pub fn observe_audit_queue(&self, depth: usize, capacity: usize) {
        self.audit_queue_depth.set(depth as i64);
        self.audit_queue_capacity.set(capacity as i64);
    }

    /// Records a `/readyz` answer; a change from the previous answer is counted.
    pub fn observe_readiness(&self, ready: bool) {
        let now = if ready { 1 } else { 2 };
        let before = self.last_readiness.swap(now, Ordering::Relaxed);
        if before != 0 && before != now {
            self.readiness_changes_total.inc();
        }
        self.ready.set(i64::from(ready));
    }

    fn register(&self, c: Box<dyn prometheus::core::Collector>) {
        self.registry.register(c).expect("metric names are unique");
    }

    /// Counts a finished response.
    pub fn observe_response(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).wrapping_sub(1).min(4);
        self.requests_by_class[class].inc();
        self.request_duration_seconds.observe(seconds);
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding cannot fail");
        String::from_utf8(out).expect("prometheus text is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
