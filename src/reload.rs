//! Config reload triggers: `SIGHUP`, a poll of the config file and the files it names (TLS
//! certificate and key, upstream CA, tracker filter lists), and the download of a newer filter
//! list (`[[trackers.lists]]` with a `url`). Polling, not inotify: a Kubernetes ConfigMap or
//! Secret is updated by swapping a symlink, which a content hash sees and which nobody can signal.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::catalog::lists::refresh::{self, Fetcher, Refreshed};
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

/// Keeps the lists that have a `url` fresh: each is downloaded when due (at once when it has no
/// copy yet, else `refresh` after its last success, also across restarts), one at a time; a new
/// copy reloads the config (the lists' engines swap with it). A failure keeps the copy in use,
/// is logged and counted, and is tried again after a backoff (30 s doubling, at most `refresh`).
pub async fn refresh_lists(shared: Arc<Shared>) {
    let mut fetcher = None;
    // Per (file, url): when the next download is due, and failures in a row.
    let mut due: HashMap<(PathBuf, String), (Instant, u32)> = HashMap::new();
    loop {
        let lists = shared.runtime.load().config.trackers.clone();
        for spec in lists.lists().specs() {
            let Some(source) = &spec.source else { continue };
            let name = spec.name();
            let key = (spec.path.clone(), source.url.to_string());
            let (when, failures) = *due.entry(key.clone()).or_insert_with(|| {
                if let Some(meta) = refresh::read_meta(&spec.path, &source.url) {
                    let gauge =
                        shared.metrics.tracker_list_refresh_last_success_timestamp_seconds.with_label_values(&[&name]);
                    gauge.set(i64::try_from(meta.checked).unwrap_or(i64::MAX));
                }
                (Instant::now() + refresh::first_due(spec, source), 0)
            });
            if when > Instant::now() {
                continue;
            }
            let fetcher = match &fetcher {
                Some(f) => f,
                None => match Fetcher::new() {
                    Ok(f) => fetcher.insert(f),
                    Err(e) => {
                        tracing::error!(error = %e, "filter lists cannot be refreshed; trying again in a minute");
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        break;
                    }
                },
            };
            let previous = lists.lists().get(&spec.path).map(|l| l.rules);
            let m = &shared.metrics;
            match refresh::refresh(fetcher, spec, source, previous).await {
                Ok(outcome) => {
                    due.insert(key, (Instant::now() + source.refresh, 0));
                    if let Refreshed::Updated { rules } = outcome {
                        tracing::info!(list = %name, url = %source.url, rules, "tracker list downloaded");
                        // Swapped in before it is reported: the metrics below mean "in use".
                        let s = shared.clone();
                        let _ = tokio::task::spawn_blocking(move || s.reload("tracker list refresh")).await;
                    }
                    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                    m.tracker_list_refresh_last_success_timestamp_seconds.with_label_values(&[&name]).set(now as i64);
                    let label = if outcome == Refreshed::Unchanged { "unchanged" } else { "updated" };
                    m.tracker_list_refreshes_total.with_label_values(&[&name, label]).inc();
                }
                Err(e) => {
                    let wait = refresh::retry_after(source.refresh, failures + 1);
                    due.insert(key, (Instant::now() + wait, failures + 1));
                    m.tracker_list_refresh_failures_total.with_label_values(&[&name, e.reason]).inc();
                    tracing::error!(
                        list = %name, url = %source.url, reason = e.reason, error = %e.message, retry_in = ?wait,
                        "tracker list download failed; the copy in use stays"
                    );
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
