//! Standard filter lists through the proxy: what a list names is neutralised in static markup,
//! in CSS, in the `Link` header, and answered to the guard at `/__consent/classify`, with the
//! request type and page the list's options ask for; precedence (config rules, catalog, lists);
//! bad list config; a failed reload keeps the previous list; the list metrics.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use std::path::{Path, PathBuf};
use support::*;

const PAGE: &str = r#"<!DOCTYPE html><html><head>
<link rel="preconnect" href="https://sync.audience-graph.example">
<script src="https://tags.longtail-ads.example/t.js"></script>
<script src="https://tags.longtail-ads.example/consent-free/ok.js"></script>
<script src="https://cdn.jsdelivr.net/npm/lib@1/lib.min.js"></script>
<script src="https://metrics.longtail-stats.example/m.js"></script>
<style>.rec{background:url(https://thumbs.recs.example/1.jpg)} .logo{background:url(/logo.png)}</style>
</head><body>
<img src="https://thumbs.recs.example/2.jpg">
<img src="https://images.other.example/adserver/banner.gif">
<img src="https://images.other.example/photo.jpg">
<iframe src="https://widgets.recs.example/w.html"></iframe>
<img src="https://widgets.recs.example/w.png">
<div class="rec" style="background-image: url('https://thumbs.recs.example/3.jpg'); color: red">x</div>
<script src="https://cdn.allowed-by-config.example/a.js"></script>
</body></html>"#;

fn lists_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists")
}

fn config(dir: &Path, lists: &str) -> PathBuf {
    let path = dir.join("proxy.toml");
    std::fs::write(
        &path,
        format!(
            "[audit]\nsink = \"/dev/null\"\n[[trackers.rules]]\npattern = \"cdn.allowed-by-config.example\"\ncategory = \"none\"\n{lists}"
        ),
    )
    .unwrap();
    path
}

fn both_lists() -> String {
    let d = lists_dir();
    format!(
        "[[trackers.lists]]\npath = {:?}\ncategory = \"marketing\"\n\n[[trackers.lists]]\npath = {:?}\ncategory = \"analytics\"\nformat = \"hosts\"\n",
        d.join("adtech.txt"),
        d.join("privacy-hosts.txt")
    )
}

async fn start(file: PathBuf) -> (TestProxy, std::net::SocketAddr) {
    start_page(file, PAGE).await
}

async fn start_page(file: PathBuf, html: &'static str) -> (TestProxy, std::net::SocketAddr) {
    let origin = origin(move |_| async move {
        let mut r = Response::new(text_body(html));
        r.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
        r.headers_mut().insert(
            "link",
            "<https://sync.audience-graph.example/s>; rel=preconnect, </own.css>; rel=preload; as=style"
                .parse()
                .unwrap(),
        );
        r
    })
    .await;
    let mut source = test_source(&format!("http://{origin}"), &[]);
    source.file = Some(file);
    (TestProxy::start_with(source).await, origin)
}

async fn page(proxy: &TestProxy, cookie: Option<&str>) -> (http::HeaderMap, String) {
    let mut req = Request::get(proxy.url("/")).header("host", "news.example");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let (_, h, body) = send(req.body(Full::new(Bytes::new())).unwrap()).await;
    (h, body)
}

#[tokio::test]
async fn what_a_list_names_never_loads_before_consent() {
    let dir = tempfile::tempdir().unwrap();
    let (proxy, _) = start(config(dir.path(), &both_lists())).await;
    let (headers, out) = page(&proxy, None).await;
    // Scripts, by type and page: a third-party tag, a hosts-file host (analytics).
    assert!(out.contains("data-consent-src=\"https://tags.longtail-ads.example/t.js\""), "{out}");
    assert!(out.contains("data-consent-provider=\"longtail-ads.example\""), "provider = the registrable domain");
    assert!(out.contains("data-consent-src=\"https://metrics.longtail-stats.example/m.js\" type=\"text/plain\" data-consent-category=\"analytics\""), "{out}");
    // @@ exception, a public CDN, a config allow rule: left alone.
    assert!(out.contains("<script src=\"https://tags.longtail-ads.example/consent-free/ok.js\"></script>"));
    assert!(out.contains("<script src=\"https://cdn.jsdelivr.net/npm/lib@1/lib.min.js\"></script>"));
    assert!(out.contains("<script src=\"https://cdn.allowed-by-config.example/a.js\"></script>"), "config beats lists");
    // $image: the image goes, a generic path rule on a third party too; other images stay.
    assert!(out.contains("data-consent-src=\"https://thumbs.recs.example/2.jpg\""));
    assert!(out.contains("data-consent-src=\"https://images.other.example/adserver/banner.gif\""));
    assert!(out.contains("<img src=\"https://images.other.example/photo.jpg\">"));
    // $script,subdocument: the iframe is held behind a placeholder; an image on that host is not.
    assert!(out.contains("data-consent-src=\"https://widgets.recs.example/w.html\""));
    assert!(out.contains("<img src=\"https://widgets.recs.example/w.png\">"));
    // Hints, CSS in attributes and in <style>, the Link header.
    assert!(out.contains("data-consent-href=\"https://sync.audience-graph.example\""));
    assert!(out.contains(".rec{background:none} .logo{background:url(/logo.png)}"), "{out}");
    assert!(out.contains("style=\"background-image: none; color: red\""), "{out}");
    assert!(
        out.contains(
            "data-consent-style=\"background-image: url(&#39;https://thumbs.recs.example/3.jpg&#39;); color: red\""
        ) || out
            .contains("data-consent-style=\"background-image: url('https://thumbs.recs.example/3.jpg'); color: red\""),
        "{out}"
    );
    let link = headers.get("link").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(link, "</own.css>; rel=preload; as=style");
    // The banner names the list's providers.
    assert!(out.contains("longtail-ads.example") && out.contains("longtail-stats.example"));
    let leaks = support::html::leaks(&out);
    assert!(leaks.is_empty(), "{leaks:?}");

    // Everything granted: nothing touched.
    let (_, state, _) = {
        let req = Request::post(proxy.url("/__consent"))
            .header("content-type", "application/json")
            .header("host", "news.example")
            .body(Full::new(Bytes::from_static(br#"{"action":"accept_all"}"#)))
            .unwrap();
        send(req).await
    };
    let cookie = state
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let (_, granted) = page(&proxy, Some(&cookie)).await;
    assert!(granted.contains("<script src=\"https://tags.longtail-ads.example/t.js\"></script>"), "{granted}");
    assert!(granted.contains("background:url(https://thumbs.recs.example/1.jpg)"));
    proxy.stop().await;
}

/// The site's own code that runs, naming hosts it will load from at run time.
const SITE_CODE: &str = r#"<!DOCTYPE html><html><head></head><body>
<script>
document.addEventListener('DOMContentLoaded', function () {
  var s = document.createElement('script');
  s.src = 'https://tags.longtail-ads.example/late.js';
  document.body.appendChild(s);
  var live = new WebSocket('wss://beacon.longtail-stats.example/socket');
  fetch('https://images.other.example/adserver/list.json');
  window.cfg = { cdn: 'https:\/\/cdn.jsdelivr.net\/npm\/x', own: '//news.example/api', again: '//TAGS.longtail-ads.example/x' };
  document.documentElement.setAttribute('data-site-ok', '1');
});
</script>
<p>article</p>
</body></html>"#;

#[tokio::test]
async fn hosts_named_in_site_code_come_with_the_lists_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let (proxy, _) = start_page(config(dir.path(), &both_lists()), SITE_CODE).await;
    let (_, out) = page(&proxy, None).await;
    // The code itself runs, untouched.
    assert!(out.contains("document.documentElement.setAttribute('data-site-ok', '1');"), "{out}");
    assert!(!out.contains("type=\"text/plain\""), "site code is never neutralised for naming trackers: {out}");
    // Right after it: the verdicts on the third-party hosts it names that a list blocks whole
    // (from the root, as a script), once each.
    let hint = "</script><script type=\"application/json\" data-consent-verdicts>{\"hosts\":{\
        \"beacon.longtail-stats.example\":{\"category\":\"analytics\",\"provider\":\"longtail-stats.example\"},\
        \"tags.longtail-ads.example\":{\"category\":\"marketing\",\"provider\":\"longtail-ads.example\"}}}</script>";
    assert!(out.contains(hint), "{out}");
    assert_eq!(out.matches("data-consent-verdicts").count(), 1, "{out}");
    // Not hinted: a host only one path of which a list names (images.other.example/adserver/),
    // a public CDN, the site itself.
    for host in ["images.other.example", "cdn.jsdelivr.net", "\"news.example"] {
        let hints = &out[out.find("data-consent-verdicts").unwrap()..];
        assert!(!hints[..hints.find("</script>").unwrap()].contains(host), "{host} hinted: {out}");
    }
    // Nothing refused, nothing to hint.
    let accepted = "consent=".to_string();
    let (_, state, _) = send(
        Request::post(proxy.url("/__consent"))
            .header("content-type", "application/json")
            .header("host", "news.example")
            .body(Full::new(Bytes::from_static(br#"{"action":"accept_all"}"#)))
            .unwrap(),
    )
    .await;
    let cookie = state
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with(&accepted))
        .unwrap();
    let (_, granted) = page(&proxy, Some(&cookie)).await;
    assert!(!granted.contains("data-consent-verdicts"), "{granted}");
    proxy.stop().await;
}

#[tokio::test]
async fn the_guard_asks_and_gets_the_same_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (proxy, _) = start(config(dir.path(), &both_lists())).await;
    let ask = |body: &'static str, ct: &'static str| {
        let req = Request::post(proxy.url("/__consent/classify"))
            .header("content-type", ct)
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap();
        send(req)
    };
    let (status, headers, body) = ask(
        r#"{"page":"https://news.example/a","requests":[
            {"url":"https://tags.longtail-ads.example/x.js","type":"script"},
            {"url":"https://widgets.recs.example/w.png","type":"image"},
            {"url":"https://widgets.recs.example/w.js","type":"script"},
            {"url":"https://beacon.longtail-stats.example/b","type":"ping"},
            {"url":"https://www.google-analytics.com/g/collect","type":"xmlhttprequest"},
            {"url":"https://cdn.allowed-by-config.example/a.js","type":"script"},
            {"url":"https://api.news.example/x","type":"xmlhttprequest"},
            {"url":"not a url","type":"weird"}]}"#,
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let cats: Vec<Option<&str>> = v["verdicts"].as_array().unwrap().iter().map(|x| x["category"].as_str()).collect();
    assert_eq!(
        cats,
        [Some("marketing"), None, Some("marketing"), Some("analytics"), Some("analytics"), None, None, None],
        "{body}"
    );
    assert_eq!(v["verdicts"][0]["provider"], "longtail-ads.example");
    assert_eq!(v["verdicts"][4]["provider"], "Google Analytics", "the catalog names its providers");
    // Bad questions get a clear answer.
    assert_eq!(ask("{}", "application/json").await.0, 400);
    assert_eq!(ask(r#"{"page":"/rel","requests":[]}"#, "application/json").await.0, 400);
    assert_eq!(ask("page=x", "application/x-www-form-urlencoded").await.0, 415);
    let many = format!(
        r#"{{"page":"https://a.example/","requests":[{}]}}"#,
        vec![r#"{"url":"https://x.example/"}"#; 65].join(",")
    );
    let req = Request::post(proxy.url("/__consent/classify"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(many)))
        .unwrap();
    let (status, _, body) = send(req).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("at most 64"));
    proxy.stop().await;
}

#[tokio::test]
async fn bad_list_config_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[[trackers.lists]]\npath = \"/nonexistent/list.txt\"\ncategory = \"marketing\"\n",
            "trackers.lists",
            "cannot read",
        ),
        (
            &*format!("[[trackers.lists]]\npath = {:?}\ncategory = \"ads\"\n", lists_dir().join("adtech.txt")),
            "trackers.lists[0].category",
            "not a declared",
        ),
        (
            &*format!("[[trackers.lists]]\npath = {:?}\ncategory = \"necessary\"\n", lists_dir().join("adtech.txt")),
            "trackers.lists[0].category",
            "refusable",
        ),
        (
            &*format!(
                "[[trackers.lists]]\npath = {:?}\ncategory = \"marketing\"\nformat = \"abp\"\n",
                lists_dir().join("adtech.txt")
            ),
            "format",
            "abp",
        ),
        (
            &*format!(
                "[[trackers.lists]]\npath = {:?}\ncategory = \"marketing\"\n",
                lists_dir().join("privacy-hosts.txt")
            ),
            "trackers.lists",
            "hosts file",
        ),
    ];
    for (lists, key, why) in cases {
        let mut source = test_source("http://127.0.0.1:1", &[]);
        source.file = Some(config(dir.path(), lists));
        let err = source.load().unwrap_err().to_string();
        assert!(err.contains(key) && err.contains(why), "{lists}: {err}");
    }
}

#[tokio::test]
async fn a_reload_swaps_lists_and_a_broken_one_keeps_the_last_good_copy() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mine.txt");
    std::fs::write(&list, "||first.example^\n").unwrap();
    let cfg = config(dir.path(), &format!("[[trackers.lists]]\npath = {list:?}\ncategory = \"marketing\"\n"));
    let (proxy, _) = start(cfg).await;
    let metrics = proxy.metrics().await;
    assert_eq!(metric(&metrics, "consent_proxy_tracker_list_rules{list=\"mine.txt\"}"), 1.0);
    assert_eq!(metric(&metrics, "consent_proxy_tracker_list_reload_failed{list=\"mine.txt\"}"), 0.0);
    assert!(metric(&metrics, "consent_proxy_tracker_list_age_seconds{list=\"mine.txt\"}") < 600.0);
    let ask = |url: &'static str| {
        let body = format!(r#"{{"page":"https://news.example/","requests":[{{"url":"{url}","type":"script"}}]}}"#);
        let req = Request::post(proxy.url("/__consent/classify"))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        async move { send(req).await.2.contains("marketing") }
    };
    assert!(ask("https://first.example/a.js").await);
    // A new version: swapped in by a reload (the file poll; SIGHUP does the same).
    std::fs::write(&list, "||first.example^\n||second.example^\n").unwrap();
    wait_until(|| async { ask("https://second.example/a.js").await }).await;
    // A truncated download: the previous copy stays, and the metric says so.
    std::fs::write(&list, "! truncated\n").unwrap();
    wait_until(|| async {
        metric(&proxy.metrics().await, "consent_proxy_tracker_list_reload_failed{list=\"mine.txt\"}") == 1.0
    })
    .await;
    assert!(ask("https://second.example/a.js").await, "the last good list is still in use");
    proxy.stop().await;
}

/// Polls `f` (a reload takes one `reload.interval`, 2 s by default), at most 20 s.
async fn wait_until<F, Fut>(mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if f().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("condition not reached within 20 s");
}
