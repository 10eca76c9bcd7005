//! Config reload triggers: `SIGHUP`, and a poll of the config file and the files it names (TLS
//! certificate and key, upstream CA, tracker filter lists). Polling, not inotify: a Kubernetes
//! ConfigMap or Secret is updated by swapping a symlink, which a content hash sees and which nobody can signal.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use crate::state::Shared;

/// Polls the watched files and reloads when their content changes.
pub async fn watch_files(shared: Arc<Shared>) {
    let mut last = fingerprint(&shared);
    loop {
        let (enabled, interval) = {
            let rt = shared.runtime.load();
            (rt.config.reload.watch, rt.config.reload.interval)
        };
        tokio::time::sleep(interval).await;
        if !enabled {
            continue;
        }
        let now = fingerprint(&shared);
        if now != last {
            last = now;
            let s = shared.clone();
            // File reads and TLS parsing are blocking work.
            let _ = tokio::task::spawn_blocking(move || s.reload("file change")).await;
        }
    }
}

/// Reloads on every `SIGHUP`.
#[cfg(unix)]
pub async fn on_sighup(shared: Arc<Shared>, hangup: Option<tokio::signal::unix::Signal>) {
    let Some(mut hup) = hangup else {
        tracing::warn!("cannot listen for SIGHUP; reload by file change only");
        return;
    };
    while hup.recv().await.is_some() {
        let s = shared.clone();
        let _ = tokio::task::spawn_blocking(move || s.reload("SIGHUP")).await;
    }
}

fn watched_paths(shared: &Shared) -> Vec<PathBuf> {
    let rt = shared.runtime.load();
    let mut paths: Vec<PathBuf> = shared.source.file.iter().cloned().collect();
    if let Some(tls) = &rt.config.server.tls {
        paths.push(tls.cert.clone());
        paths.push(tls.key.clone());
    }
    paths.extend(rt.config.upstream.ca_file.iter().cloned());
    paths
}

fn fingerprint(shared: &Shared) -> u64 {
    let mut h = DefaultHasher::new();
    for path in watched_paths(shared) {
        path.hash(&mut h);
        std::fs::read(&path).ok().hash(&mut h);
    }
    // Filter lists are megabytes: their size and mtime (a ConfigMap swap or a cron download
    // changes both), not their content, every interval. An unchanged list is not parsed again.
    for (list, _) in shared.runtime.load().config.trackers.lists().lists() {
        list.path.hash(&mut h);
        let meta = std::fs::metadata(&list.path).ok();
        meta.as_ref().map(|m| (m.len(), m.modified().ok())).hash(&mut h);
    }
    h.finish()
}
