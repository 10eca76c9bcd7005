//! Shared state, built once and passed explicitly: the reloadable [`Runtime`] behind an
//! `ArcSwap`, the metrics, and the readiness flag.

use arc_swap::ArcSwap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

use crate::config::{Config, ConfigSource};
use crate::consent::audit::AuditSink;
use crate::consent::rate_limit::RateLimiter;
use crate::discovery::Inventory;
use crate::metrics::Metrics;
use crate::upstream::Upstream;

/// Everything derived from one config; swapped whole on reload so a request sees one version.
pub struct Runtime {
    pub config: Config,
    pub upstream: Upstream,
    pub tls: Option<TlsAcceptor>,
    pub audit: AuditSink,
    pub rate_limiter: RateLimiter,
    /// The trace exporter, when `[traces]` (or `OTEL_*`) turns it on.
    pub traces: Option<crate::traces::Traces>,
}

impl Runtime {
    /// Needs a tokio runtime context (the audit writer is a task).
    pub fn build(config: Config) -> anyhow::Result<Self> {
        Self::assemble(config, None)
    }

    /// A reload: like [`Runtime::build`], but the audit writer carries on (one writer per sink,
    /// so its hash chain stays whole) when `audit.sink` and `audit.queue` did not change;
    /// `reopen_audit` (on `SIGHUP`, logrotate's convention) reopens its file.
    pub fn rebuild(config: Config, previous: &Runtime, reopen_audit: bool) -> anyhow::Result<Self> {
        let same_sink =
            previous.config.audit.target == config.audit.target && previous.config.audit.queue == config.audit.queue;
        let kept = same_sink.then(|| previous.audit.clone());
        if let (Some(audit), true) = (&kept, reopen_audit) {
            audit.reopen();
        }
        Self::assemble(config, kept)
    }

    /// The runtime for `config`, with `audit` as its writer or else a new one.
    fn assemble(config: Config, audit: Option<AuditSink>) -> anyhow::Result<Self> {
        let upstream = Upstream::new(&config.upstream)?;
        let tls = config.server.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let audit = match audit {
            Some(audit) => audit,
            None => AuditSink::start(&config.audit.target, config.audit.queue)
                .map_err(|e| anyhow::anyhow!("audit.sink {:?}: {e}", config.audit.target))?,
        };
        let rate_limiter = RateLimiter::new(config.consent.rate_limit_per_minute);
        let traces = config.traces.export.as_ref().map(crate::traces::Traces::start).transpose()?;
        Ok(Self { config, upstream, tls, audit, rate_limiter, traces })
    }
}

pub struct Shared {
    pub runtime: ArcSwap<Runtime>,
    pub metrics: Metrics,
    /// Unknown cookies (and hosts) seen, for the admin discovery endpoint; survives reloads.
    pub inventory: Inventory,
    /// Consent ids imported from another consent manager since start (audited once).
    pub imports: crate::consent::import::Recent,
    /// Where the config came from, to read it again on reload.
    pub source: ConfigSource,
    /// Thumbnails fetched for `banner.thumbnails`; survives reloads.
    pub thumbnails: crate::thumbnails::cache::Cache,
    /// False once a stop signal arrived: `/readyz` fails while traffic is still served.
    ready: AtomicBool,
    /// Held during a reload.
    reloading: std::sync::Mutex<()>,
}

impl Shared {
    pub fn new(runtime: Runtime, source: ConfigSource) -> Arc<Self> {
        Arc::new(Self {
            runtime: ArcSwap::from_pointee(runtime),
            metrics: Metrics::new(),
            inventory: Inventory::default(),
            imports: Default::default(),
            source,
            thumbnails: Default::default(),
            ready: AtomicBool::new(true),
            reloading: Default::default(),
        })
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }

    pub fn set_not_ready(&self) {
        self.ready.store(false, Ordering::Relaxed);
    }

    /// Reads the sources again; on success swaps the runtime, else keeps the old one.
    /// Listen addresses are bound once and cannot change without a restart.
    pub fn reload(&self, why: &str) -> Result<(), String> {
        // One at a time (the file poll, SIGHUP and a list download can coincide): an older
        // reload never finishes last, and big lists are not parsed twice at once.
        let _one = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let result = self.source.load().map_err(|e| e.to_string()).and_then(|config| {
            let old = self.runtime.load();
            if config.server.listen != old.config.server.listen || config.server.admin != old.config.server.admin {
                tracing::warn!("server.listen and server.admin changes need a restart; the old addresses stay");
            }
            Runtime::rebuild(config, &old, why == "SIGHUP").map_err(|e| format!("{e:#}"))
        });
        match result {
            Ok(runtime) => {
                self.runtime.store(Arc::new(runtime));
                self.metrics.config_reloads_total.with_label_values(&["ok"]).inc();
                tracing::info!(trigger = why, "config reloaded");
                Ok(())
            }
            Err(e) => {
                self.metrics.config_reloads_total.with_label_values(&["error"]).inc();
                tracing::error!(trigger = why, error = %e, "config reload rejected; the old config keeps serving");
                Err(e)
            }
        }
    }
}
