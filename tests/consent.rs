//! Consent and cookie enforcement through the proxy: what reaches the browser and the origin
//! before and after each choice, withdrawal, the audit trail, the policy page and bad input.

mod support;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::Full;
use std::sync::{Arc, Mutex};
use support::*;

const SHOP_COOKIES: [&str; 7] = [
    "sessionid=s3ss10n; Path=/; HttpOnly",
    "csrftoken=tok; Path=/",
    "_ga=GA1.1.1.1; Max-Age=63072000; Path=/",
    "_gid=GA1.1.2.2; Max-Age=86400; Path=/",
    "_fbp=fb.1.1.1; Max-Age=7776000; Path=/",
    "hubspotutk=abc; Max-Age=15552000; Path=/",
    "mystery_tracker=1; Path=/",
];

/// A shop origin: sets the cookies above (on any status the path asks for) and records the
/// `Cookie` and `x-consent` headers it received.
struct Shop {
    addr: std::net::SocketAddr,
    seen: Arc<Mutex<Vec<(String, String, String)>>>,
}

async fn shop() -> Shop {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let addr = origin(move |req| {
        let log = log.clone();
        async move {
            let h = |n: &str| {
                let all: Vec<String> = req
                    .headers()
                    .get_all(n)
                    .iter()
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .collect();
                all.join(" | ")
            };
            log.lock().unwrap().push((req.uri().path().to_string(), h("cookie"), h("x-consent")));
            let status = match req.uri().path() {
                "/redirect" => StatusCode::FOUND,
                "/not-modified" => StatusCode::NOT_MODIFIED,
                "/error" => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::OK,
            };
            let mut resp = Response::new(text_body(if status == StatusCode::NOT_MODIFIED { "" } else { "shop" }));
            *resp.status_mut() = status;
            for c in SHOP_COOKIES {
                resp.headers_mut().append("set-cookie", c.parse().unwrap());
            }
            resp
        }
    })
    .await;
    Shop { addr, seen }
}

impl Shop {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    fn last(&self) -> (String, String, String) {
        self.seen.lock().unwrap().last().cloned().expect("the origin saw a request")
    }
}

fn set_cookie_names(h: &HeaderMap) -> Vec<String> {
    let mut v: Vec<String> =
        h.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().split('=').next().unwrap().to_string()).collect();
    v.sort();
    v
}

async fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> (u16, HeaderMap, String) {
    let mut b = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    send(b.body(Full::new(Bytes::from(body.to_string()))).unwrap()).await
}

async fn decide(proxy: &TestProxy, form: &str, cookie: Option<&str>) -> (u16, HeaderMap, String) {
    let mut h = vec![("content-type", "application/x-www-form-urlencoded"), ("sec-fetch-site", "same-origin")];
    if let Some(c) = cookie {
        h.push(("cookie", c));
    }
    request("POST", &proxy.url("/__consent"), &h, form).await
}

/// The decision records of an audit file (without the hash chain's start records).
fn decisions(audit: &str) -> Vec<serde_json::Value> {
    let lines = std::fs::read_to_string(audit).unwrap();
    let records = lines.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap());
    records.filter(|r| r["action"] != "chain_start").collect()
}

fn audit_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl").display().to_string();
    (dir, path)
}

#[tokio::test]
async fn before_any_choice_only_necessary_cookies_land_and_reach_the_origin() {
    let shop = shop().await;
    let (_d, audit) = audit_file();
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", &audit)]).await;
    let all_cookies = "sessionid=s; csrftoken=t; _ga=1; _gid=2; _fbp=3; hubspotutk=4; mystery_tracker=5";
    let (status, headers, _) = request("GET", &proxy.url("/"), &[("cookie", all_cookies)], "").await;
    assert_eq!(status, 200);
    assert_eq!(set_cookie_names(&headers), ["csrftoken", "sessionid"]);
    let (_, cookie, consent) = shop.last();
    assert_eq!(cookie, "sessionid=s; csrftoken=t", "refused and unknown cookies never reach the origin");
    assert_eq!(consent, "granted=(necessary), decided=?0, gpc=?0, revision=1");
    let (_, _, body) = get(&proxy.url("/__consent")).await;
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["decided"], false);
    assert_eq!(state["granted"], serde_json::json!(["necessary"]));
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_set_cookies_removed_total{category=\"analytics\"}"), 2.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_set_cookies_removed_total{category=\"marketing\"}"), 2.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_set_cookies_removed_total{category=\"unknown\"}"), 1.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_request_cookies_stripped_total{category=\"marketing\"}"), 2.0, "{m}");
    assert!(!m.contains("mystery_tracker"), "unknown names are never label values");
    let (_, _, discovery) = get(&format!("http://{}/discovery", proxy.admin)).await;
    assert!(discovery.contains("mystery_tracker"), "{discovery}");
    let (_, _, snippet) = get(&format!("http://{}/discovery/snippet", proxy.admin)).await;
    assert!(snippet.contains("name = \"mystery_tracker\""), "{snippet}");
    proxy.stop().await;
}

#[tokio::test]
async fn each_choice_sets_exactly_the_granted_cookies() {
    let shop = shop().await;
    let (_d, audit) = audit_file();
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", &audit)]).await;
    let cases: [(&str, &[&str]); 3] = [
        ("action=accept_all", &["_fbp", "_ga", "_gid", "csrftoken", "hubspotutk", "sessionid"]),
        ("action=reject_all", &["csrftoken", "sessionid"]),
        ("action=save&categories=analytics", &["_ga", "_gid", "csrftoken", "sessionid"]),
    ];
    for (form, expected) in cases {
        let (status, headers, _) = decide(&proxy, &format!("{form}&return_to=%2Fshop%3Fp%3D1"), None).await;
        assert_eq!(status, 303, "{form}");
        assert_eq!(headers["location"], "/shop?p=1");
        let consent = consent_cookie(&headers);
        let attrs = headers.get_all("set-cookie").iter().next().unwrap().to_str().unwrap().to_string();
        assert!(
            attrs.contains("Max-Age=31536000") && attrs.contains("Path=/") && attrs.contains("SameSite=Lax"),
            "{attrs}"
        );
        assert!(!attrs.contains("Secure"), "plain HTTP: no Secure attribute");
        let (_, headers, _) = request("GET", &proxy.url("/"), &[("cookie", &consent)], "").await;
        assert_eq!(set_cookie_names(&headers), expected, "{form}");
    }
    let records = decisions(&audit);
    assert_eq!(records.len(), 3, "every decision is in the audit log");
    assert_eq!(records[0]["action"], "accept_all");
    assert_eq!(records[2]["granted"], serde_json::json!(["necessary", "analytics"]));
    assert_eq!(records[2]["refused"], serde_json::json!(["marketing"]));
    for key in
        ["time", "consent_id", "host", "revision", "gpc", "language", "texts_hash", "catalog_version", "previous"]
    {
        assert!(records[1].get(key).is_some(), "audit record lacks {key}: {}", records[1]);
    }
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_consent_decisions_total{action=\"save\"}"), 1.0);
    proxy.stop().await;
}

#[tokio::test]
async fn withdrawing_deletes_what_was_set() {
    let shop = shop().await;
    let (_d, audit) = audit_file();
    let proxy =
        TestProxy::start(&shop.url(), &[("audit.sink", &audit), ("consent.delete_domains", ".shop.example")]).await;
    let (_, headers, _) = decide(&proxy, "action=accept_all", None).await;
    let consent = consent_cookie(&headers);
    let jar = format!("{consent}; sessionid=s; _ga=1; _fbp=2; __Host-track=3; hubspotutk=4");
    let (status, headers, _) = decide(&proxy, "action=save&categories=analytics", Some(&jar)).await;
    assert_eq!(status, 303);
    let set: Vec<&str> = headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let parsed: Vec<cookie::Cookie> = set.iter().map(|c| cookie::Cookie::parse(*c).unwrap()).collect();
    for name in ["_fbp", "hubspotutk"] {
        let deletions: Vec<&cookie::Cookie> = parsed.iter().filter(|c| c.name() == name).collect();
        let domains: Vec<Option<&str>> = deletions.iter().map(|c| c.domain()).collect();
        assert_eq!(domains, [None, Some("shop.example")], "host-only and domain deletions of {name}: {set:?}");
        for c in deletions {
            assert_eq!(c.value(), "");
            assert_eq!(c.max_age(), Some(cookie::time::Duration::ZERO), "{c}");
            assert!(c.expires_datetime().is_some_and(|t| t.unix_timestamp() == 0), "Expires in 1970 too: {c}");
            assert_eq!((c.path(), c.same_site()), (Some("/"), Some(cookie::SameSite::Lax)));
        }
    }
    assert!(!set.iter().any(|c| c.starts_with("_ga=") || c.starts_with("sessionid=")), "kept categories stay: {set:?}");
    // A refused cookie of the same visitor keeps the consent id: one history per visitor.
    let records = decisions(&audit);
    assert_eq!(records[0]["consent_id"], records[1]["consent_id"]);
    assert_eq!(records[1]["previous"], serde_json::json!(["necessary", "analytics", "marketing"]));
    proxy.stop().await;
}

#[tokio::test]
async fn every_status_and_method_is_filtered() {
    let shop = shop().await;
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null")]).await;
    for path in ["/redirect", "/not-modified", "/error"] {
        let (status, headers, _) = get(&proxy.url(path)).await;
        assert!(status >= 300, "{path}");
        assert_eq!(set_cookie_names(&headers), ["csrftoken", "sessionid"], "{path}");
    }
    let (_, headers, _) = request("HEAD", &proxy.url("/"), &[], "").await;
    assert_eq!(set_cookie_names(&headers), ["csrftoken", "sessionid"]);
    proxy.stop().await;
}

#[tokio::test]
async fn json_decisions_state_and_gpc() {
    let shop = shop().await;
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null")]).await;
    let (_, _, body) =
        request("GET", &proxy.url("/__consent"), &[("sec-gpc", "1"), ("accept-language", "sv-SE")], "").await;
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["gpc"], true);
    assert_eq!(state["decided"], false);
    assert_eq!(state["categories"][2]["label"], "Marknadsföring");
    let json_headers = [("content-type", "application/json"), ("origin", &*format!("http://{}", proxy.addr))];
    let (status, headers, body) =
        request("POST", &proxy.url("/__consent"), &json_headers, r#"{"action":"save","categories":["marketing"]}"#)
            .await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "no-store");
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["decided"], true);
    assert_eq!(state["granted"], serde_json::json!(["necessary", "marketing"]));
    assert_eq!(state["consent_id"].as_str().unwrap().len(), 22);
    let cookie = consent_cookie(&headers);
    let (_, _, body) = request("GET", &proxy.url("/__consent"), &[("cookie", &cookie)], "").await;
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["refused"], serde_json::json!(["analytics"]));
    proxy.stop().await;
}

#[tokio::test]
async fn bad_input_gets_clear_answers_and_no_cookie() {
    let shop = shop().await;
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null")]).await;
    let url = proxy.url("/__consent");
    let form = ("content-type", "application/x-www-form-urlencoded");
    type Case<'a> = (Vec<(&'a str, &'a str)>, String, u16, &'a str);
    let cases: Vec<Case> = vec![
        (vec![form, ("origin", "https://evil.example")], "action=accept_all".into(), 403, "cross-origin"),
        (vec![form, ("sec-fetch-site", "cross-site")], "action=accept_all".into(), 403, "cross-site"),
        (vec![form, ("origin", "null")], "action=accept_all".into(), 403, "opaque"),
        (vec![form], "action=accept_everything".into(), 400, "unknown action `accept_everything`"),
        (vec![form], "action=save&categories=spying".into(), 400, "unknown category `spying`"),
        (vec![form], format!("action=accept_all&pad={}", "x".repeat(20_000)), 413, "Payload Too Large"),
        (vec![("content-type", "application/json")], "{not json".into(), 400, "invalid JSON"),
        (vec![("content-type", "text/xml")], "<x/>".into(), 415, "415"),
    ];
    for (headers, body, status, text) in cases {
        let (got, resp_headers, resp_body) = request("POST", &url, &headers, &body).await;
        assert_eq!(got, status, "{headers:?} {}", &body[..body.len().min(60)]);
        assert!(resp_body.contains(text), "{resp_body}");
        assert!(!resp_headers.contains_key("set-cookie"), "no cookie on a refused decision");
    }
    for target in ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"] {
        let body = format!("action=reject_all&return_to={}", urlencode(target));
        let (status, headers, _) = request("POST", &url, &[form], &body).await;
        assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/"), "{target}");
    }
    let (status, _, _) = request("DELETE", &url, &[], "").await;
    assert_eq!(status, 405);
    let before = shop.seen.lock().unwrap().len();
    assert_eq!(get(&proxy.url("/__consent/anything")).await.0, 404);
    assert_eq!(shop.seen.lock().unwrap().len(), before, "the reserved prefix is never forwarded");
    proxy.stop().await;
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn garbage_and_tampered_consent_cookies_mean_undecided() {
    let shop = shop().await;
    let secret = "a-long-enough-secret-for-hmac-signing-0123456789";
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null"), ("consent.secrets", secret)]).await;
    let (_, headers, _) = decide(&proxy, "action=accept_all", None).await;
    let good = consent_cookie(&headers);
    let value = good.strip_prefix("consent=").unwrap();
    let tampered = format!("consent={}", value.replacen("necessary~analytics~marketing", "necessary~marketing", 1));
    let long = format!("consent={}", "1.".repeat(3000));
    let cases = [
        "consent=".to_string(),
        "consent=garbage".into(),
        format!("consent={}", &value[..value.len() - 5]),
        tampered,
        long,
        "consent=1.1.1800000000.ÅÄÖ.necessary~marketing".into(),
    ];
    for jar in &cases {
        let (status, headers, _) = request("GET", &proxy.url("/"), &[("cookie", jar)], "").await;
        assert_eq!(status, 200, "never an error page: {jar}");
        assert_eq!(set_cookie_names(&headers), ["csrftoken", "sessionid"], "{jar}");
    }
    // A non-UTF-8 piece is dropped, never passed through unread.
    let mut raw_jar = b"sessionid=1; _fbp=\xff\xfe; _ga=1".to_vec();
    raw_jar.extend_from_slice(b"; ok=1");
    let req = Request::get(proxy.url("/"))
        .header("cookie", http::HeaderValue::from_bytes(&raw_jar).unwrap())
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(send(req).await.0, 200);
    assert_eq!(shop.last().1, "sessionid=1", "refused, unknown and unreadable cookies are stripped");
    let (_, headers, _) = request("GET", &proxy.url("/"), &[("cookie", &good)], "").await;
    assert_eq!(set_cookie_names(&headers).len(), 6, "the genuine cookie still works");
    // HTTP/2-style split cookie headers: consent is read from any of them.
    let (_, headers, _) =
        request("GET", &proxy.url("/"), &[("cookie", "sessionid=1"), ("cookie", &good), ("cookie", "_ga=1")], "").await;
    assert_eq!(set_cookie_names(&headers).len(), 6);
    assert_eq!(shop.last().1, format!("sessionid=1; {good}; _ga=1"), "merged into one header for the origin");
    proxy.stop().await;
}

#[tokio::test]
async fn no_consent_without_a_record() {
    let shop = shop().await;
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/full")]).await;
    let (status, headers, body) = decide(&proxy, "action=accept_all", None).await;
    assert_eq!(status, 503, "{body}");
    assert!(!headers.contains_key("set-cookie"));
    proxy.stop().await;
}

#[tokio::test]
async fn decisions_are_rate_limited_per_client() {
    let shop = shop().await;
    let proxy =
        TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null"), ("consent.rate_limit_per_minute", "2")]).await;
    assert_eq!(decide(&proxy, "action=accept_all", None).await.0, 303);
    assert_eq!(decide(&proxy, "action=accept_all", None).await.0, 303);
    let (status, headers, _) = decide(&proxy, "action=accept_all", None).await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "60");
    proxy.stop().await;
}

#[tokio::test]
async fn report_only_mode_removes_nothing_but_counts() {
    let shop = shop().await;
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null"), ("mode", "report")]).await;
    let (_, headers, _) = request("GET", &proxy.url("/"), &[("cookie", "_ga=1; _fbp=2")], "").await;
    assert_eq!(set_cookie_names(&headers).len(), SHOP_COOKIES.len());
    assert_eq!(shop.last().1, "_ga=1; _fbp=2");
    let m = proxy.metrics().await;
    assert_eq!(
        metric(&m, "consent_proxy_report_only_would_remove_total{category=\"marketing\",what=\"set_cookie\"}"),
        2.0,
        "{m}"
    );
    assert_eq!(metric(&m, "consent_proxy_set_cookies_removed_total{category=\"marketing\"}"), 0.0);
    proxy.stop().await;
}

#[tokio::test]
async fn tracking_endpoints_and_the_origin_consent_header() {
    let shop = shop().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[[consent.tracking_endpoints]]\npath = \"/g/collect\"\ncategory = \"analytics\"\n\
         [[consent.tracking_endpoints]]\npath = \"/matomo/*\"\ncategory = \"analytics\"\n[audit]\nsink = \"/dev/null\"\n",
    )
    .unwrap();
    let mut source = test_source(&shop.url(), &[]);
    source.file = Some(path);
    let proxy = TestProxy::start_with(source).await;
    let before = shop.seen.lock().unwrap().len();
    for p in ["/g/collect?v=2&tid=G-1", "/matomo/matomo.php"] {
        let (status, _, _) = request("GET", &proxy.url(p), &[("x-consent", "granted=(analytics marketing)")], "").await;
        assert_eq!(status, 204, "{p}");
    }
    assert_eq!(shop.seen.lock().unwrap().len(), before, "refused tracking requests are not forwarded");
    let (_, headers, _) = decide(&proxy, "action=save&categories=analytics", None).await;
    let consent = consent_cookie(&headers);
    let (status, _, _) =
        request("GET", &proxy.url("/g/collect"), &[("cookie", &consent), ("x-consent", "granted=(marketing)")], "")
            .await;
    assert_eq!(status, 200, "forwarded once analytics is granted");
    let (_, _, header) = shop.last();
    assert_eq!(
        header, "granted=(necessary analytics), decided=?1, gpc=?0, revision=1",
        "the client's header is replaced"
    );
    proxy.stop().await;
}

#[tokio::test]
async fn the_policy_page_lists_the_sites_cookies() {
    let shop = shop().await;
    let proxy = TestProxy::start(&shop.url(), &[("audit.sink", "/dev/null")]).await;
    get(&proxy.url("/")).await;
    let (status, headers, page) = get(&proxy.url("/__consent/policy")).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    for name in ["_ga", "_gid", "_fbp", "hubspotutk", "sessionid", "csrftoken", "consent"] {
        assert!(page.contains(&format!("<code>{name}</code>")), "{name} missing from the policy page");
    }
    for heading in ["<h2>Necessary</h2>", "<h2>Analytics</h2>", "<h2>Marketing</h2>"] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(!page.contains("<code>mystery_tracker</code>"), "unknown cookies are not declared");
    let (_, _, sv) = request("GET", &proxy.url("/__consent/policy"), &[("accept-language", "sv")], "").await;
    assert!(sv.contains("<h2>Marknadsföring</h2>"));
    proxy.stop().await;
}

/// `/__consent/banner.js` in each coding a browser may ask for: the same script, compressed on
/// the first request for that coding (not at load) and served from memory after.
#[tokio::test]
async fn banner_js_is_the_same_script_in_brotli_gzip_and_identity() {
    let origin = static_origin("ok").await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[]).await;
    let url = proxy.url("/__consent/banner.js");
    let fetch = |coding: &'static str| {
        let url = url.clone();
        async move {
            let req = Request::get(&url).header("accept-encoding", coding).body(Full::new(Bytes::new())).unwrap();
            let resp = client().request(req).await.unwrap();
            let encoding = resp.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            let body = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
            (encoding, body)
        }
    };
    let (none, plain) = fetch("identity").await;
    assert_eq!(none, None);
    assert!(plain.starts_with(b"window.__consentProxyRules="), "the script, with the catalog's rules first");
    for _ in 0..2 {
        let (br, body) = fetch("br, gzip").await;
        assert_eq!(br.as_deref(), Some("br"));
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut body.as_ref(), &mut decoded).unwrap();
        assert_eq!(decoded, plain, "brotli decodes to the script");
        assert!(body.len() * 3 < plain.len(), "and is much smaller: {} of {}", body.len(), plain.len());
        let (gz, body) = fetch("gzip").await;
        assert_eq!(gz.as_deref(), Some("gzip"));
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body.as_ref()), &mut decoded).unwrap();
        assert_eq!(decoded, plain, "gzip decodes to the script");
    }
    proxy.stop().await;
}
