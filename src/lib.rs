//! # consent-proxy
//!
//! A reverse proxy that makes a website honour cookie consent without touching its code. This
//! crate is the whole product; `main.rs` only parses the command line and calls [`Proxy`].
//!
//! # Layout
//! - [`config`]: defaults < TOML file < environment < flags; hands each `[section]` to the module
//!   that owns it (its `settings`: serde type, defaults, `compile`) and assembles [`config::Config`].
//!   Nothing it hands a section to imports it (`tests/layout.rs`); [`settings`] is the leaf they
//!   share (the error naming the key, the list syntax, the mode).
//! - [`state`]: the reloadable runtime (config, upstream client, TLS) and the shared metrics.
//! - [`server`]: accept loop, TLS, HTTP/1.1 + HTTP/2, idle closing, graceful drain.
//! - [`proxy`]: the request pipeline, phase by phase.
//! - [`consent`]: categories, the consent cookie, `/__consent`, the audit log, the policy page.
//! - [`catalog`]: the built-in cookie, tracker and embed catalogs and the filter lists (loaded,
//!   checked, refreshed from their `url`); [`cookies`]: compiled rules that filter `Cookie`
//!   and `Set-Cookie`; [`click_ids`]: ad click identifiers in URLs; [`enforce`]: the
//!   enforcement phases with their metrics and logs.
//! - [`discovery`]: unknown cookies seen, for rollout.
//! - [`rewrite`]: streaming HTML rewriting (lol_html): neutralise, activate, inject.
//! - [`forward`]: hop-by-hop headers, `X-Forwarded-*`, `Host`, request id.
//! - [`upstream`]: connections to the origin (hyper's `client::conn::http1`, our own small pool,
//!   TCP/TLS dialing) and the mapping of their failures.
//! - [`body`], [`access`]: streaming bodies and the end-of-request record (metrics, access log).
//! - [`admin`]: `/healthz`, `/readyz`, `/metrics`. [`metrics`]: the owned registry.
//! - [`reload`]: `SIGHUP`, config-file watching and filter-list downloads. [`tls`]: rustls from
//!   PEM files.
//! - [`thumbnails`]: held embeds' thumbnails fetched and served from this site (allow-listed).
//! - [`traces`]: OpenTelemetry spans per request and origin call, exported over OTLP/HTTP.
//! - [`demo`]: the embedded legacy shop for `consent-proxy demo`.
#![forbid(unsafe_code)]

pub mod access;
pub mod admin;
pub mod body;
pub mod catalog;
pub mod click_ids;
pub mod config;
pub mod consent;
pub mod cookies;
pub mod demo;
pub mod discovery;
pub mod enforce;
pub mod error;
pub mod forward;
pub mod metrics;
pub mod proxy;
pub mod reload;
pub mod rewrite;
pub mod server;
pub mod settings;
pub mod state;
pub mod thumbnails;
pub mod tls;
pub mod traces;
pub mod upstream;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

use config::{Config, ConfigSource};
use state::{Runtime, Shared};

/// A proxy with its listeners bound; [`Proxy::run`] serves it.
pub struct Proxy {
    listener: TcpListener,
    admin: TcpListener,
    shared: Arc<Shared>,
    /// Installed at bind time: `SIGHUP`'s default action would kill the process.
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

/// A listening socket with room for `backlog` connections the proxy has not accepted yet (the
/// standard library's bind uses 128; a burst beyond it is dropped by the kernel). Linux caps the
/// value at `net.core.somaxconn`.
fn listen_on(addr: SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

impl Proxy {
    /// Builds the runtime and binds both listeners (port 0 picks a free port: see [`Proxy::addr`]).
    pub async fn bind(config: Config, source: ConfigSource) -> anyhow::Result<Self> {
        tls::install_crypto_provider();
        let (listen, admin) = (config.server.listen, config.server.admin);
        let runtime = Runtime::build(config)?;
        let backlog = runtime.config.server.backlog;
        let listener = listen_on(listen, backlog)
            .map_err(|e| anyhow::anyhow!("cannot listen on {listen} (server.listen): {e}"))?;
        let admin =
            listen_on(admin, 128).map_err(|e| anyhow::anyhow!("cannot listen on {admin} (server.admin): {e}"))?;
        #[cfg(unix)]
        let hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
        Ok(Self {
            listener,
            admin,
            shared: Shared::new(runtime, source),
            #[cfg(unix)]
            hangup,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn admin_addr(&self) -> SocketAddr {
        self.admin.local_addr().expect("a bound listener has an address")
    }

    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// Serves until `stop` resolves, then shuts down the way Kubernetes needs it: `/readyz` fails
    /// at once, traffic is still served for `shutdown.delay`, then no new connections are taken,
    /// open ones are asked to close (HTTP/2 GOAWAY, no more keep-alive) and in-flight requests get
    /// `shutdown.drain_timeout` to finish.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let Proxy {
            listener,
            admin,
            shared,
            #[cfg(unix)]
            hangup,
        } = self;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let admin_task = tokio::spawn(admin::serve(admin, shared.clone()));
        let watch_task = tokio::spawn(reload::watch_files(shared.clone()));
        let refresh_task = tokio::spawn(reload::refresh_lists(shared.clone()));
        #[cfg(unix)]
        let hup_task = tokio::spawn(reload::on_sighup(shared.clone(), hangup));
        let serving = tokio::spawn(server::serve(listener, shared.clone(), stop_rx));

        stop.await;
        shared.set_not_ready();
        let delay = shared.runtime.load().config.shutdown.delay;
        tracing::info!(?delay, "stop requested: /readyz now fails; still serving during the delay");
        tokio::time::sleep(delay).await;
        let _ = stop_tx.send(true);
        let _ = serving.await;
        watch_task.abort();
        refresh_task.abort();
        #[cfg(unix)]
        hup_task.abort();
        admin_task.abort();
        if let Some(traces) = &shared.runtime.load().traces {
            // The last spans (the drained requests') go out before the process ends.
            traces.flush(Duration::from_secs(5)).await;
        }
        tracing::info!("stopped");
    }
}

/// Installs the `SIGTERM`/`SIGINT` handlers now (so a signal that arrives before the future is
/// polled is not fatal) and returns a future that resolves on the first one; a second one exits
/// at once.
#[cfg(unix)]
pub fn stop_signal() -> impl Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            tracing::warn!("second stop signal: exiting now");
            std::process::exit(1);
        });
    }
}
