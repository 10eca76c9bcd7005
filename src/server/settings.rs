//! `[server]` and `[shutdown]`: where the proxy listens, its limits on clients, and how it stops.

use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;

use crate::settings::{positive, SettingsError};
use crate::tls::TlsFiles;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub admin: SocketAddr,
    /// PEM files for TLS termination; plain HTTP when absent.
    pub tls: Option<TlsFiles>,
    /// Runtime worker threads (0 = one per CPU available to the process); with one, the proxy
    /// runs a single-threaded runtime, like one nginx worker.
    pub workers: usize,
    /// Connections the kernel queues before the proxy accepts them (capped by `somaxconn`).
    pub backlog: u32,
    /// Connections beyond this wait in the kernel backlog instead of exhausting memory.
    pub max_connections: usize,
    /// Request line plus headers; more is answered `431`.
    pub max_header_bytes: usize,
    /// A client must send a whole request head within this (slowloris).
    pub header_read_timeout: Duration,
    /// A keep-alive connection with no request in flight is closed after this.
    pub idle_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct ShutdownConfig {
    /// After a stop signal: `/readyz` fails at once, traffic is still served this long so load
    /// balancers can drop the endpoint.
    pub delay: Duration,
    /// Then in-flight requests get this long to finish.
    pub drain_timeout: Duration,
}

pub fn compile(s: RawServer) -> Result<ServerConfig, SettingsError> {
    if s.max_header_bytes < 8192 {
        return Err(SettingsError::new("server.max_header_bytes", "must be at least 8192"));
    }
    if s.max_connections == 0 {
        return Err(SettingsError::new("server.max_connections", "must be at least 1"));
    }
    Ok(ServerConfig {
        listen: s.listen,
        admin: s.admin,
        tls: s.tls.map(TlsFiles::from),
        workers: s.workers,
        backlog: s.backlog.max(1),
        max_connections: s.max_connections,
        max_header_bytes: s.max_header_bytes,
        header_read_timeout: positive("server.header_read_timeout", s.header_read_timeout)?,
        idle_timeout: positive("server.idle_timeout", s.idle_timeout)?,
    })
}

pub fn compile_shutdown(raw: RawShutdown) -> ShutdownConfig {
    ShutdownConfig { delay: raw.delay, drain_timeout: raw.drain_timeout }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawServer {
    pub listen: SocketAddr,
    pub admin: SocketAddr,
    pub tls: Option<crate::tls::RawTls>,
    pub workers: usize,
    pub backlog: u32,
    pub max_connections: usize,
    pub max_header_bytes: usize,
    #[serde(with = "humantime_serde")]
    pub header_read_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub idle_timeout: Duration,
}

impl Default for RawServer {
    fn default() -> Self {
        Self {
            listen: ([0, 0, 0, 0], 8080).into(),
            admin: ([127, 0, 0, 1], 9090).into(),
            tls: None,
            workers: 0,
            backlog: 4096,
            max_connections: 25_000,
            max_header_bytes: 32 * 1024,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawShutdown {
    #[serde(with = "humantime_serde")]
    pub delay: Duration,
    #[serde(with = "humantime_serde")]
    pub drain_timeout: Duration,
}

impl Default for RawShutdown {
    fn default() -> Self {
        Self { delay: Duration::from_secs(5), drain_timeout: Duration::from_secs(30) }
    }
}
