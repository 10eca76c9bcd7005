//! The real binary: the CLI, `check`, reload on `SIGHUP` and on file change, and a graceful exit
//! on `SIGTERM`.

mod support;

use std::process::Command;
use std::time::Duration;
use support::*;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_consent-proxy"));
    c.env_clear();
    c
}

fn config_file(dir: &tempfile::TempDir, upstream: &str, extra: &str) -> std::path::PathBuf {
    let path = dir.path().join("consent-proxy.toml");
    let text = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\nadmin = \"127.0.0.1:0\"\n[upstream]\nurl = \"{upstream}\"\n[shutdown]\ndelay = \"0s\"\n{extra}"
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_names_the_bad_key() {
    let dir = tempfile::tempdir().unwrap();
    let good = config_file(&dir, "http://127.0.0.1:1", "");
    let out = bin().args(["check", "--config", good.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let bad = config_file(&dir, "http://127.0.0.1:1", "[log]\nformat = \"xml\"\n");
    let out = bin().args(["check", "--config", bad.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("log.format"), "{err}");

    let good = config_file(&dir, "http://127.0.0.1:1", "");
    let out = bin()
        .args(["check", "--config", good.to_str().unwrap()])
        .env("CONSENT_PROXY__SERVER__NOPE", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.nope"));

    // check reports the import and click-id settings.
    let out = bin().args(["check", "--config", good.to_str().unwrap()]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("consent import: off"), "{said}");
    assert!(said.contains("click ids: 13 removed from URLs without marketing consent (gclid,"), "{said}");
    let takeover = config_file(
        &dir,
        "http://127.0.0.1:1",
        "[consent]\nimport = [\"cookiebot\", \"onetrust\"]\n[click_ids]\nparams = [\"gclid\", \"ref_id\"]\n",
    );
    let out = bin().args(["check", "--config", takeover.to_str().unwrap()]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("consent import: decisions in cookiebot, onetrust cookies are taken over"), "{said}");
    assert!(said.contains("click ids: 2 removed from URLs without marketing consent (gclid, ref_id)"), "{said}");
    let bad = config_file(&dir, "http://127.0.0.1:1", "[consent]\nimport = [\"trustarc\"]\n");
    let out = bin().args(["check", "--config", bad.to_str().unwrap()]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("consent.import"), "an unknown manager is named");

    let out = bin().args(["--listen", "127.0.0.1:0"]).output().unwrap();
    assert!(!out.status.success(), "starting without an upstream is an error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("upstream.url"));
}

#[tokio::test]
async fn sighup_and_file_changes_reload_and_bad_config_keeps_the_old_one() {
    let a = static_origin("origin A").await;
    let b = static_origin("origin B").await;
    let c = static_origin("origin C").await;
    let dir = tempfile::tempdir().unwrap();
    let path = config_file(&dir, &format!("http://{a}"), "[reload]\nwatch = false\n");
    let proxy = BinaryProxy::start(&["--config", path.to_str().unwrap()], &[]);
    let url = format!("http://{}/", proxy.addr);
    assert_eq!(get(&url).await.2, "origin A");

    // SIGHUP with a good config.
    config_file(&dir, &format!("http://{b}"), "[reload]\nwatch = false\n");
    proxy.signal("HUP");
    proxy.wait_log("config reloaded");
    assert_eq!(get(&url).await.2, "origin B");

    // SIGHUP with a bad config: rejected, logged, counted; B keeps serving.
    std::fs::write(&path, "[server\nbroken").unwrap();
    proxy.signal("HUP");
    let line = proxy.wait_log("config reload rejected");
    assert!(line.contains("ERROR"), "{line}");
    assert_eq!(get(&url).await.2, "origin B");
    let m = get(&format!("http://{}/metrics", proxy.admin)).await.2;
    assert_eq!(metric(&m, "consent_proxy_config_reloads_total{result=\"error\"}"), 1.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_config_reloads_total{result=\"ok\"}"), 1.0, "{m}");

    // A file change alone (a mounted ConfigMap) reloads when watching is on.
    config_file(&dir, &format!("http://{c}"), "[reload]\nwatch = true\ninterval = \"100ms\"\n");
    proxy.signal("HUP");
    proxy.wait_log("config reloaded");
    config_file(&dir, &format!("http://{a}"), "[reload]\nwatch = true\ninterval = \"100ms\"\n");
    let line = proxy.wait_log("config reloaded");
    assert!(line.contains("file change"), "{line}");
    assert_eq!(get(&url).await.2, "origin A");
}

#[tokio::test]
async fn sigterm_drains_in_flight_requests_and_exits_zero() {
    let (origin, arrived_rx, release_tx) = gated_origin("done").await;
    let dir = tempfile::tempdir().unwrap();
    let path = config_file(&dir, &format!("http://{origin}"), "");
    let mut proxy = BinaryProxy::start(&["--config", path.to_str().unwrap()], &[]);
    let url = format!("http://{}/", proxy.addr);
    let in_flight = tokio::spawn(async move { get(&url).await });
    arrived_rx.await.unwrap();
    proxy.signal("TERM");
    proxy.wait_log("stopped accepting");
    release_tx.send(()).unwrap();
    let (status, _, body) = in_flight.await.unwrap();
    assert_eq!((status, body.as_str()), (200, "done"));
    let status = tokio::task::spawn_blocking(move || {
        for _ in 0..200 {
            if let Some(s) = proxy.child.try_wait().unwrap() {
                return s;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the proxy did not exit after draining");
    })
    .await
    .unwrap();
    assert!(status.success(), "exit status {status:?}");
}

fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().count()
}

#[tokio::test]
async fn server_workers_sets_the_runtime_threads() {
    let origin = static_origin("hello").await;
    let dir = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for workers in [1, 3] {
        let path = config_file(&dir, &format!("http://{origin}"), "");
        let workers_env = workers.to_string();
        let proxy = BinaryProxy::start(
            &["--config", path.to_str().unwrap()],
            &[("CONSENT_PROXY__SERVER__WORKERS", workers_env.as_str())],
        );
        assert_eq!(get(&format!("http://{}/", proxy.addr)).await.2, "hello");
        counts.push(threads(proxy.child.id()));
    }
    // One worker: the single-threaded runtime on the main thread (at most a blocking helper).
    assert!(counts[0] <= 2, "workers = 1 ran {} threads", counts[0]);
    assert!(counts[1] > 3, "workers = 3 ran {} threads", counts[1]);
}

#[test]
fn the_documented_example_config_is_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/consent-proxy.toml");
    let out = bin().args(["check", "--config", path]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
