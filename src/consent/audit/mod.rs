//! Proof of consent: every decision is one JSON line in an audit sink (stdout or an appended
//! file), written by one task fed through a bounded queue, so the proxy's workers never block on
//! it. The endpoint waits for the line to be written and flushed before it sets the cookie: no
//! consent without a record.
//!
//! The lines form a hash chain (see [`chain`]): each record names its chain, its place in it
//! (`seq`) and the SHA-256 of the line before it (`prev`). A start, a reopen (`SIGHUP`, the
//! logrotate convention) or a failed write begins a new chain whose first record
//! (`"action": "chain_start"`) names where the previous one ended (`after`).
//! [`verify`] checks files and finds one visitor's history.

pub mod chain;
pub mod record;
pub mod verify;

use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use chain::{Chain, ChainEnd};

/// Where records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditTarget {
    Stdout,
    File(PathBuf),
}

impl AuditTarget {
    pub fn parse(s: &str) -> Self {
        match s {
            "stdout" | "-" => Self::Stdout,
            path => Self::File(PathBuf::from(path)),
        }
    }
}

enum Job {
    Record(Map<String, Value>, oneshot::Sender<bool>),
    /// Reopen the file (after logrotate moved it) and start a new chain there.
    Reopen,
}

/// Handle to the writer task.
#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Job>,
    target: AuditTarget,
}

/// The record could not be queued or written.
#[derive(Debug)]
pub struct AuditUnavailable;

type Writer = Box<dyn AsyncWrite + Send + Unpin>;

impl AuditSink {
    /// Opens the target (a file is created if missing, appended to), starts the writer and the
    /// first chain, which names the file's last line as where the previous chain ended.
    /// Needs a tokio runtime context.
    pub fn start(target: &AuditTarget, queue: usize) -> std::io::Result<Self> {
        let (writer, after, torn) = open(target)?;
        let (tx, rx) = mpsc::channel(queue.max(1));
        let chain = Chain::new(after, "start");
        tokio::spawn(write_records(target.clone(), writer, chain, torn, rx));
        Ok(Self { tx, target: target.clone() })
    }

    pub fn target(&self) -> &AuditTarget {
        &self.target
    }

    /// Records waiting to be written.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// Most records that can wait; beyond it decisions are refused with `503`.
    pub fn capacity(&self) -> usize {
        self.tx.max_capacity()
    }

    /// Queues one record (a JSON object; the chain fields are added by the writer) and waits
    /// until it is written and flushed.
    pub async fn record(&self, fields: Map<String, Value>) -> Result<(), AuditUnavailable> {
        let (done_tx, done_rx) = oneshot::channel();
        self.tx.try_send(Job::Record(fields, done_tx)).map_err(|_| AuditUnavailable)?;
        match tokio::time::timeout(Duration::from_secs(5), done_rx).await {
            Ok(Ok(true)) => Ok(()),
            _ => Err(AuditUnavailable),
        }
    }

    /// Reopens the file after the records already queued are written (nothing is lost); the
    /// new file starts a chain naming the last record of the old one. No-op for stdout.
    pub fn reopen(&self) {
        if self.target == AuditTarget::Stdout {
            return;
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(Job::Reopen).await;
        });
    }
}

/// The writer, where the previous chain in the file ended, and whether the file ends in a torn
/// line (no final newline: a crash mid-write), which the first write must terminate.
fn open(target: &AuditTarget) -> std::io::Result<(Writer, Option<ChainEnd>, bool)> {
    match target {
        AuditTarget::Stdout => Ok((Box::new(tokio::io::stdout()), None, false)),
        AuditTarget::File(path) => {
            let (after, torn) = chain::last_line(path)?;
            let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
            Ok((Box::new(tokio::fs::File::from_std(file)), after, torn))
        }
    }
}

async fn write_line(w: &mut Writer, line: &str) -> bool {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    match w.write_all(&bytes).await {
        Ok(()) => w.flush().await.is_ok(),
        Err(_) => false,
    }
}

async fn write_records(
    target: AuditTarget,
    mut w: Writer,
    mut chain: Chain,
    mut torn: bool,
    mut rx: mpsc::Receiver<Job>,
) {
    // The chain's first record is written before any decision; if it cannot be, the next
    // record tries again.
    let mut started = false;
    while let Some(job) = rx.recv().await {
        match job {
            Job::Reopen => match open(&target) {
                Ok((new, _, new_torn)) => {
                    let _ = w.flush().await;
                    w = new;
                    torn = new_torn;
                    chain = chain.successor("reopen");
                    started = false;
                    tracing::info!("audit file reopened; a new chain starts");
                }
                Err(e) => tracing::error!(error = %e, "cannot reopen the audit file; writing on to the open one"),
            },
            Job::Record(fields, done) => {
                if torn {
                    torn = !write_line(&mut w, "").await;
                }
                if !started {
                    let start = chain.start_line();
                    started = write_line(&mut w, &start).await;
                    if started {
                        chain.written(&start);
                    }
                }
                let line = chain.line(fields);
                let ok = started && write_line(&mut w, &line).await;
                if ok {
                    chain.written(&line);
                } else {
                    tracing::error!("cannot write the consent audit record; the decision is refused");
                    // What reached the file is unknown: the next record starts a new chain.
                    chain = chain.successor("write_error");
                    started = false;
                    torn = true;
                }
                let _ = done.send(ok);
            }
        }
    }
}

// `[audit]`: where decision records go.

#[derive(Debug, Clone)]
pub struct AuditConfig {
    pub target: AuditTarget,
    /// Records waiting to be written; when full, decisions are refused with 503.
    pub queue: usize,
}

pub fn compile(raw: RawAudit) -> Result<AuditConfig, crate::settings::SettingsError> {
    if raw.sink.trim().is_empty() {
        return Err(crate::settings::SettingsError::new("audit.sink", "must be `stdout` or a file path"));
    }
    Ok(AuditConfig { target: AuditTarget::parse(raw.sink.trim()), queue: raw.queue.max(1) })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAudit {
    /// `stdout`, or a file path (appended).
    pub sink: String,
    pub queue: usize,
}

impl Default for RawAudit {
    fn default() -> Self {
        Self { sink: "stdout".into(), queue: 1024 }
    }
}
