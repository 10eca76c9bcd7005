//! Filter lists that keep themselves fresh (`[[trackers.lists]]` with `url`), against a local
//! list server: the first download (not ready until it is there), `304 Not Modified` on a
//! conditional GET, a newer copy swapped in, and every bad answer keeping the copy in use — an
//! error status, a web page, a wrong `! Checksum:`, a list that lost most of its rules, a body
//! cut off, a server that hangs — each counted by reason; a restart without network serves the
//! copy on disk at once; a seed starts a list that was never downloaded; bad refresh config.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use http_body::Frame;
use http_body_util::{BodyExt, Full, StreamBody};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

/// What the list server answers.
#[derive(Clone)]
enum Serve {
    Status(u16),
    /// A list with an ETag; `If-None-Match` with it gets `304`.
    List {
        body: String,
        etag: &'static str,
    },
    /// An HTML page served as `text/html` with status 200 (a captive portal).
    Portal,
    /// Headers and half the body, then the connection breaks.
    Cut(String),
    /// Never answers.
    Hang,
}

struct ListServer {
    addr: std::net::SocketAddr,
    serve: Arc<Mutex<Serve>>,
    /// `If-None-Match` of every request (empty when absent).
    seen: Arc<Mutex<Vec<String>>>,
}

impl ListServer {
    async fn start(first: Serve) -> Self {
        let serve = Arc::new(Mutex::new(first));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, log) = (serve.clone(), seen.clone());
        let addr = origin(move |req: Request<hyper::body::Incoming>| {
            let now = s.lock().unwrap().clone();
            let inm = req.headers().get("if-none-match").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            log.lock().unwrap().push(inm.clone());
            async move {
                match now {
                    Serve::Status(code) => {
                        let mut r = Response::new(text_body("try later"));
                        *r.status_mut() = http::StatusCode::from_u16(code).unwrap();
                        r
                    }
                    Serve::List { etag, .. } if inm == etag => {
                        let mut r = Response::new(text_body(""));
                        *r.status_mut() = http::StatusCode::NOT_MODIFIED;
                        r
                    }
                    Serve::List { body, etag } => {
                        let mut r = Response::new(text_body(body));
                        r.headers_mut().insert("etag", etag.parse().unwrap());
                        r.headers_mut().insert("content-type", "text/plain; charset=utf-8".parse().unwrap());
                        r
                    }
                    Serve::Portal => {
                        let mut r = Response::new(text_body(
                            "<!DOCTYPE html><title>Sign in to the Wi-Fi</title>\n||a.example^\n",
                        ));
                        r.headers_mut().insert("content-type", "text/html".parse().unwrap());
                        r
                    }
                    Serve::Cut(body) => {
                        let half = Bytes::from(body[..body.len() / 2].to_owned());
                        let frames: Vec<Result<Frame<Bytes>, BoxError>> =
                            vec![Ok(Frame::data(half)), Err("origin went away".into())];
                        let mut r = Response::new(StreamBody::new(futures_util::stream::iter(frames)).boxed_unsync());
                        r.headers_mut().insert("content-length", body.len().to_string().parse().unwrap());
                        r
                    }
                    Serve::Hang => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Response::new(text_body(""))
                    }
                }
            }
        })
        .await;
        ListServer { addr, serve, seen }
    }

    fn set(&self, serve: Serve) {
        *self.serve.lock().unwrap() = serve;
    }

    fn url(&self) -> String {
        format!("http://{}/easylist.txt", self.addr)
    }
}

/// An Adblock list blocking `hosts` (each `||host^`).
fn list(hosts: &[&str]) -> String {
    let mut s = String::from("[Adblock Plus 2.0]\n! Title: Refresh test\n");
    for h in hosts {
        s.push_str(&format!("||{h}^\n"));
    }
    s
}

fn config(dir: &Path, list: &Path, extra: &str) -> PathBuf {
    let path = dir.join("proxy.toml");
    let text = format!(
        "[audit]\nsink = \"/dev/null\"\n\n[[trackers.lists]]\npath = {list:?}\ncategory = \"marketing\"\n{extra}"
    );
    std::fs::write(&path, text).unwrap();
    path
}

async fn start(cfg: PathBuf) -> TestProxy {
    let origin = static_origin("<!DOCTYPE html><p>hi</p>").await;
    let mut source = test_source(&format!("http://{origin}"), &[]);
    source.file = Some(cfg);
    TestProxy::start_with(source).await
}

/// The real binary (a fresh process: nothing kept in memory from an earlier run) with `cfg`.
async fn start_binary(cfg: &Path) -> BinaryProxy {
    let origin = static_origin("<!DOCTYPE html><p>hi</p>").await;
    let upstream = format!("http://{origin}");
    let args = [
        "--config",
        cfg.to_str().unwrap(),
        "--upstream",
        &upstream,
        "--listen",
        "127.0.0.1:0",
        "--admin",
        "127.0.0.1:0",
    ];
    BinaryProxy::start(&args, &[])
}

/// Does the proxy (at `addr`) hold `url` back as marketing?
async fn blocks(addr: std::net::SocketAddr, url: &str) -> bool {
    let body = format!(r#"{{"page":"https://news.example/","requests":[{{"url":"{url}","type":"script"}}]}}"#);
    let req = Request::post(format!("http://{addr}/__consent/classify"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    send(req).await.2.contains("marketing")
}

async fn failures(admin: std::net::SocketAddr, reason: &str) -> f64 {
    let m = get(&format!("http://{admin}/metrics")).await.2;
    metric(
        &m,
        &format!("consent_proxy_tracker_list_refresh_failures_total{{list=\"easylist.txt\",reason=\"{reason}\"}}"),
    )
}

async fn refreshes(admin: std::net::SocketAddr, outcome: &str) -> f64 {
    let m = get(&format!("http://{admin}/metrics")).await.2;
    metric(&m, &format!("consent_proxy_tracker_list_refreshes_total{{list=\"easylist.txt\",outcome=\"{outcome}\"}}"))
}

/// Polls `f` every 100 ms, at most 30 s.
async fn wait_until<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not reached within 30 s: {what}");
}

#[tokio::test]
async fn a_list_with_a_url_downloads_itself_and_every_bad_answer_keeps_the_copy_in_use() {
    let server = ListServer::start(Serve::Status(503)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lists/easylist.txt");
    let extra = format!("url = {:?}\nrefresh = \"1s\"\ntimeout = \"2s\"\n", server.url());
    let proxy = start(config(dir.path(), &path, &extra)).await;
    let (addr, admin) = (proxy.addr, proxy.admin);

    // Never downloaded and the server fails: the proxy serves, but says it is not ready, and why.
    wait_until("a 503 is counted", || async { failures(admin, "status").await >= 1.0 }).await;
    let (status, _, body) = get(&format!("http://{admin}/readyz")).await;
    assert_eq!(status, 503);
    assert!(body.contains("not downloaded yet: easylist.txt"), "{body}");
    assert_eq!(get(&proxy.url("/")).await.0, 200, "visitors are still served");

    // The first copy: written to `path` (its directory created), swapped in, ready.
    server.set(Serve::List { body: list(&["first.example", "second.example", "third.example"]), etag: "\"v1\"" });
    wait_until("the first copy is in use", || blocks(addr, "https://first.example/t.js")).await;
    assert_eq!(get(&format!("http://{admin}/readyz")).await.0, 200);
    assert!(std::fs::read_to_string(&path).unwrap().contains("||third.example^"));
    let m = proxy.metrics().await;
    assert!(
        metric(&m, "consent_proxy_tracker_list_refresh_last_success_timestamp_seconds{list=\"easylist.txt\"}") > 1.7e9
    );
    assert_eq!(metric(&m, "consent_proxy_tracker_list_rules{list=\"easylist.txt\"}"), 3.0);

    // Asked again with the ETag: 304, nothing rewritten.
    wait_until("a 304", || async { refreshes(admin, "unchanged").await >= 1.0 }).await;
    assert!(server.seen.lock().unwrap().iter().any(|inm| inm == "\"v1\""), "a conditional GET");
    assert_eq!(refreshes(admin, "updated").await, 1.0);

    // A newer copy is swapped in without a restart.
    let v2 = list(&["first.example", "second.example", "third.example", "fourth.example"]);
    server.set(Serve::List { body: v2.clone(), etag: "\"v2\"" });
    wait_until("the newer copy is in use", || blocks(addr, "https://fourth.example/t.js")).await;

    // Bad answers, each counted under its reason; the copy in use and the file stay as they were.
    let bad: Vec<(Serve, &str)> = vec![
        (Serve::Portal, "parse"),
        (Serve::List { body: "Sign in first\n".into(), etag: "\"x1\"" }, "parse"),
        (
            Serve::List {
                body: "[Adblock Plus 2.0]\n! Checksum: AAAAAAAAAAAAAAAAAAAAAA\n||first.example^\n||second.example^\n||third.example^\n||fourth.example^\n".into(),
                etag: "\"x2\"",
            },
            "checksum",
        ),
        (Serve::List { body: list(&["first.example"]), etag: "\"x3\"" }, "shrunk"),
        (Serve::Status(404), "status"),
        (Serve::Cut(list(&["a.example", "b.example", "c.example", "d.example", "e.example"])), "network"),
        (Serve::Hang, "timeout"),
    ];
    for (serve, reason) in bad {
        let before = failures(admin, reason).await;
        server.set(serve);
        wait_until(reason, || async { failures(admin, reason).await > before }).await;
        assert!(blocks(addr, "https://fourth.example/t.js").await, "after {reason}: the copy in use stays");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), v2, "after {reason}: the file on disk stays");
    }
    assert_eq!(get(&format!("http://{admin}/readyz")).await.0, 200, "a failed refresh is not an outage");
    proxy.stop().await;

    // A restart without network: the copy on disk is in use at once (the real binary, a fresh
    // process), ready, and the failed download is counted.
    let offline = format!("url = \"http://{}/easylist.txt\"\nrefresh = \"1s\"\n", closed_port());
    let cfg = config(dir.path(), &path, &offline);
    let bin = start_binary(&cfg).await;
    assert!(blocks(bin.addr, "https://fourth.example/t.js").await, "the copy on disk, at once");
    assert_eq!(get(&format!("http://{}/readyz", bin.admin)).await.0, 200);
    wait_until("the offline failure is counted", || async { failures(bin.admin, "network").await >= 1.0 }).await;
}

#[tokio::test]
async fn a_copy_downloaded_before_is_not_fetched_again_until_it_is_due() {
    let v1 = list(&["kept.example"]);
    let server = ListServer::start(Serve::List { body: v1.clone(), etag: "\"k1\"" }).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("easylist.txt");
    let extra = format!("url = {:?}\nrefresh = \"1h\"\n", server.url());
    let proxy = start(config(dir.path(), &path, &extra)).await;
    wait_until("downloaded", || blocks(proxy.addr, "https://kept.example/t.js")).await;
    proxy.stop().await;
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("easylist.txt.meta.json")).unwrap()).unwrap();
    assert_eq!(meta["etag"], "\"k1\"");
    assert_eq!(meta["url"], server.url());
    // Restarted within the hour (the real binary): served from disk, the server is not asked.
    let asked = server.seen.lock().unwrap().len();
    let bin = start_binary(&config(dir.path(), &path, &extra)).await;
    assert!(blocks(bin.addr, "https://kept.example/t.js").await);
    // Metrics are set on the refresher's first pass; once it shows the restored last success,
    // the pass is over and it would have asked by now.
    wait_until("the last success restored from disk", || async {
        let m = get(&format!("http://{}/metrics", bin.admin)).await.2;
        metric(&m, "consent_proxy_tracker_list_refresh_last_success_timestamp_seconds{list=\"easylist.txt\"}") > 1.7e9
    })
    .await;
    assert_eq!(server.seen.lock().unwrap().len(), asked, "not due: not asked again");
}

#[tokio::test]
async fn a_seed_starts_a_list_that_was_never_downloaded() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("shipped.txt");
    std::fs::write(&seed, list(&["seeded.example"])).unwrap();
    let path = dir.path().join("state/easylist.txt");
    let extra = format!("url = \"http://{}/easylist.txt\"\nseed = {seed:?}\n", closed_port());
    let proxy = start(config(dir.path(), &path, &extra)).await;
    assert!(blocks(proxy.addr, "https://seeded.example/t.js").await, "the seed is in use at once");
    assert_eq!(get(&format!("http://{}/readyz", proxy.admin)).await.0, 200);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&seed).unwrap(), "copied to `path`");
    proxy.stop().await;
}

#[tokio::test]
async fn bad_refresh_config_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.txt");
    std::fs::write(&path, "||a.example^\n").unwrap();
    for (extra, key, why) in [
        ("refresh = \"1d\"\n", "trackers.lists[0].refresh", "only means something with `url`"),
        ("seed = \"/x\"\n", "trackers.lists[0].seed", "only means something with `url`"),
        ("url = \"ftp://lists.example/x.txt\"\n", "trackers.lists[0].url", "an http(s) URL"),
        ("url = \"not a url\"\n", "trackers.lists[0].url", "not a url"),
        ("url = \"https://lists.example/x.txt\"\nrefresh = \"0s\"\n", "trackers.lists[0].refresh", "at least 1s"),
        ("url = \"https://lists.example/x.txt\"\ntimeout = \"0s\"\n", "trackers.lists[0].timeout", "more than 0s"),
    ] {
        let mut source = test_source("http://127.0.0.1:1", &[]);
        source.file = Some(config(dir.path(), &path, extra));
        let err = source.load().unwrap_err().to_string();
        assert!(err.contains(key) && err.contains(why), "{extra}: {err}");
    }
}
