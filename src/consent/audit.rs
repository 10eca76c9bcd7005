//! Proof of consent: every decision is one JSON line in an audit sink (stdout or an appended
//! file), written by one task fed through a bounded queue, so the proxy's workers never block on
//! it. The endpoint waits for the line to be written and flushed before it sets the cookie: no
//! consent without a record.

use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

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

type Job = (String, oneshot::Sender<bool>);

/// Handle to the writer task.
#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Job>,
}

/// The record could not be queued or written.
#[derive(Debug)]
pub struct AuditUnavailable;

impl AuditSink {
    /// Opens the target (a file is created if missing, appended to) and starts the writer.
    /// Needs a tokio runtime context.
    pub fn start(target: &AuditTarget, queue: usize) -> std::io::Result<Self> {
        let writer: Box<dyn AsyncWrite + Send + Unpin> = match target {
            AuditTarget::Stdout => Box::new(tokio::io::stdout()),
            AuditTarget::File(path) => {
                let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
                Box::new(tokio::fs::File::from_std(file))
            }
        };
        let (tx, rx) = mpsc::channel(queue.max(1));
        tokio::spawn(write_records(writer, rx));
        Ok(Self { tx })
    }

    /// Records queued and not yet taken by the writer.
    pub fn queue_depth(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// The queue's size: records beyond it are refused.
    pub fn queue_capacity(&self) -> usize {
        self.tx.max_capacity()
    }

    /// Queues one record and waits until it is written and flushed.
    pub async fn record(&self, line: String) -> Result<(), AuditUnavailable> {
        let (done_tx, done_rx) = oneshot::channel();
        self.tx.try_send((line, done_tx)).map_err(|_| AuditUnavailable)?;
        match tokio::time::timeout(Duration::from_secs(5), done_rx).await {
            Ok(Ok(true)) => Ok(()),
            _ => Err(AuditUnavailable),
        }
    }
}

async fn write_records(mut w: Box<dyn AsyncWrite + Send + Unpin>, mut rx: mpsc::Receiver<Job>) {
    while let Some((mut line, done)) = rx.recv().await {
        line.push('\n');
        let ok = match w.write_all(line.as_bytes()).await {
            Ok(()) => w.flush().await.is_ok(),
            Err(_) => false,
        };
        if !ok {
            tracing::error!("cannot write the consent audit record; the decision is refused");
        }
        let _ = done.send(ok);
    }
}
