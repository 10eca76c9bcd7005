//! What a proxy in the request path can do that a browser-side consent manager cannot: take
//! over another manager's decisions without asking again, keep ad click identifiers from the
//! origin without marketing consent, and answer `/.well-known/gpc.json`.

mod support;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use std::sync::{Arc, Mutex};
use support::*;

/// Real values, as each manager writes them (see also src/consent/import/tests.rs).
const ONETRUST: &str = "isGpcEnabled=0&datestamp=Mon+Nov+30+2026+10%3A15%3A42+GMT%2B0100+(Central+European+Standard+Time)&version=202409.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=6d1f0e2a-4b3c-4d5e-9f8a-1b2c3d4e5f60&interactionCount=1&isAnonUser=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0%2CC0005%3A0&AwaitingReconsent=false&geolocation=SE%3BAB";
const COOKIEBOT: &str = "{stamp:%27-2pZPcG0Ut4kUQ8JZ5r0SeFPSyXXz3p4ngM1KJp1mTHfn5n5Y0k0ew==%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:false%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1796030142123%2Cregion:%27se%27}";
const CC_V2: &str = r#"{"level":["necessary","analytics","targeting"],"revision":0,"data":null,"rfc_cookie":false}"#;
const KLARO: &str = "%7B%22google-analytics%22%3Atrue%2C%22facebook-pixel%22%3Afalse%2C%22youtube%22%3Atrue%7D";

/// What the origin received: (path and query, Cookie, x-consent).
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// An origin that records what it gets, sets `_ga` and `_fbp`, and redirects `/go?to=…`.
async fn site() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let addr = origin(move |req| {
        let log = log.clone();
        async move {
            let h = |n: &str| req.headers().get(n).map_or(String::new(), |v| v.to_str().unwrap().to_string());
            let pq = req.uri().path_and_query().unwrap().to_string();
            log.lock().unwrap().push((pq.clone(), h("cookie"), h("x-consent")));
            let mut resp = Response::new(text_body("<html><head></head><body><p>shop</p></body></html>"));
            resp.headers_mut().insert("content-type", "text/html".parse().unwrap());
            for c in ["_ga=GA1.1.1.1; Max-Age=600; Path=/", "_fbp=fb.1.1.1; Max-Age=600; Path=/"] {
                resp.headers_mut().append("set-cookie", c.parse().unwrap());
            }
            if let Some(to) = pq.strip_prefix("/go?to=") {
                *resp.status_mut() = StatusCode::FOUND;
                let to = form_urlencoded::parse(format!("x={to}").as_bytes()).next().unwrap().1.into_owned();
                resp.headers_mut().insert("location", to.parse().unwrap());
            }
            resp
        }
    })
    .await;
    (format!("http://{addr}"), seen)
}

async fn with_cookie(url: &str, cookie: &str) -> (u16, http::HeaderMap, String) {
    let mut req = Request::get(url).header("host", "shop.example");
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    send(req.body(Full::new(Bytes::new())).unwrap()).await
}

fn audit_records(path: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["action"] != "chain_start")
        .collect()
}

fn set_cookies(h: &http::HeaderMap) -> Vec<String> {
    h.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_onetrust_visitor_is_not_asked_again_and_the_import_is_audited_once() {
    let (origin, seen) = site().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl").display().to_string();
    let proxy = TestProxy::start(&origin, &[("audit.sink", &audit), ("consent.import", "onetrust,cookiebot")]).await;
    let jar = format!(
        "OptanonConsent={ONETRUST}; OptanonAlertBoxClosed=2026-11-30T09:15:42.123Z; _ga=GA1.1.5.5; _fbp=fb.1.5.5"
    );
    let (status, headers, body) = with_cookie(&proxy.url("/"), &jar).await;
    assert_eq!(status, 200);
    // Analytics (C0002) was granted in OneTrust, marketing (C0004, C0005) refused.
    let (_, cookie, consent) = seen.lock().unwrap().last().cloned().unwrap();
    assert!(cookie.contains("_ga=GA1.1.5.5") && !cookie.contains("_fbp"), "{cookie}");
    assert_eq!(consent, "granted=(necessary analytics), decided=?1, gpc=?0, revision=1");
    let set = set_cookies(&headers);
    assert!(set.iter().any(|c| c.starts_with("_ga=")) && !set.iter().any(|c| c.starts_with("_fbp=")), "{set:?}");
    let ours = set.iter().find(|c| c.starts_with("consent=")).expect("our cookie is written: the import happens once");
    assert!(body.contains("data-decided=\"1\""), "no banner asks again");
    let records = audit_records(&audit);
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!((r["action"].as_str(), r["source"].as_str()), (Some("imported"), Some("onetrust")));
    assert_eq!(r["source_id"], "6d1f0e2a-4b3c-4d5e-9f8a-1b2c3d4e5f60");
    assert_eq!(r["granted"], serde_json::json!(["necessary", "analytics"]));
    assert_eq!(r["time"], 1_796_030_142, "the decision keeps OneTrust's time (it expires when it would have)");

    // A request racing the first (still without our cookie) is decided the same, not audited again.
    let (_, headers2, _) = with_cookie(&proxy.url("/other"), &jar).await;
    assert_eq!(set_cookies(&headers2).iter().find(|c| c.starts_with("consent=")), Some(ours));
    // With our cookie, no import at all.
    let ours_pair = ours.split(';').next().unwrap();
    let (_, headers3, _) = with_cookie(&proxy.url("/third"), &format!("{ours_pair}; {jar}")).await;
    assert!(!set_cookies(&headers3).iter().any(|c| c.starts_with("consent=")));
    assert_eq!(audit_records(&audit).len(), 1, "audited once");
    let (_, _, state) = with_cookie(&proxy.url("/__consent"), ours_pair).await;
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["consent_id"], r["consent_id"]);
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_consent_decisions_total{action=\"imported\"}"), 1.0, "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn each_manager_format_maps_onto_our_categories() {
    let (origin, seen) = site().await;
    let proxy = TestProxy::start(
        &origin,
        &[("audit.sink", "/dev/null"), ("consent.import", "onetrust,cookiebot,cookieconsent,klaro")],
    )
    .await;
    let cases = [
        (format!("CookieConsent={COOKIEBOT}"), "granted=(necessary marketing)", ""),
        (format!("cc_cookie={CC_V2}"), "granted=(necessary analytics marketing)", ""),
        // Klaro names services: its YouTube "yes" is kept for that service alone.
        (format!("klaro={KLARO}"), "granted=(necessary analytics)", ", services-granted=(\"youtube\")"),
    ];
    for (jar, granted, services) in cases {
        let (status, headers, _) = with_cookie(&proxy.url("/"), &jar).await;
        assert_eq!(status, 200);
        let consent = seen.lock().unwrap().last().unwrap().2.clone();
        assert_eq!(consent, format!("{granted}, decided=?1, gpc=?0, revision=1{services}"), "{jar}");
        assert!(set_cookies(&headers).iter().any(|c| c.starts_with("consent=")), "{jar}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn malformed_undecided_or_unlisted_foreign_cookies_leave_the_visitor_undecided() {
    let (origin, seen) = site().await;
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null"), ("consent.import", "onetrust,klaro")]).await;
    let undecided_ot = ONETRUST.replace("interactionCount=1", "interactionCount=0");
    let cases = [
        format!("OptanonConsent={undecided_ot}"),
        "OptanonConsent=groups%3DC0002%3A1%2CC0004".into(),
        "klaro={not json".into(),
        "klaro=%7B%7D".into(),
        format!("CookieConsent={COOKIEBOT}"), // Cookiebot is not listed in consent.import
        format!("consent=1.0.1.AAAAAAAAAAAAAAAAAAAAAA.analytics; OptanonConsent={ONETRUST}"), // an old cookie of ours: ask again
    ];
    for jar in cases {
        let (status, headers, body) = with_cookie(&proxy.url("/"), &jar).await;
        assert_eq!(status, 200, "never an error: {jar}");
        assert!(!set_cookies(&headers).iter().any(|c| c.starts_with("consent=")), "{jar}");
        assert!(body.contains("data-decided=\"0\""), "the banner asks: {jar}");
        assert!(seen.lock().unwrap().last().unwrap().2.contains("decided=?0"), "{jar}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn import_is_off_by_default_and_needs_an_audit_record() {
    let (origin, _) = site().await;
    let jar = format!("OptanonConsent={ONETRUST}");
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null")]).await;
    let (_, headers, _) = with_cookie(&proxy.url("/"), &jar).await;
    assert!(!set_cookies(&headers).iter().any(|c| c.starts_with("consent=")), "off by default");
    proxy.stop().await;
    // No consent without a record: an import that cannot be audited is not made.
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/full"), ("consent.import", "onetrust")]).await;
    let (status, headers, body) = with_cookie(&proxy.url("/"), &jar).await;
    assert_eq!(status, 200);
    assert!(!set_cookies(&headers).iter().any(|c| c.starts_with("consent=")));
    assert!(body.contains("data-decided=\"0\""));
    proxy.stop().await;
}

#[tokio::test]
async fn click_ids_reach_the_origin_only_with_marketing_consent() {
    let (origin, seen) = site().await;
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null")]).await;
    let last_path = || seen.lock().unwrap().last().unwrap().0.clone();
    with_cookie(&proxy.url("/landing?utm_source=google&gclid=Cj0KCQiA%2Bx&q=red%20shoes&fbclid=IwAR2x&_hsenc=p2A"), "")
        .await;
    assert_eq!(last_path(), "/landing?utm_source=google&q=red%20shoes", "the rest of the query byte for byte");
    with_cookie(&proxy.url("/?msclkid=abc"), "").await;
    assert_eq!(last_path(), "/", "an emptied query loses its ?");
    // Same-site redirects lose them too; another site's redirect is left alone.
    let to =
        |u: &str| proxy.url(&format!("/go?to={}", form_urlencoded::byte_serialize(u.as_bytes()).collect::<String>()));
    for (location, expected) in [
        ("/next?gclid=abc&x=1", "/next?x=1"),
        ("https://www.shop.example/p?x=1&gclid=abc#top", "https://www.shop.example/p?x=1#top"),
        ("https://ads.other.example/c?gclid=abc", "https://ads.other.example/c?gclid=abc"),
    ] {
        let (status, headers, _) = with_cookie(&to(location), "").await;
        assert_eq!(status, 302);
        assert_eq!(headers["location"], expected, "{location}");
    }
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_click_ids_removed_total{param=\"gclid\"}"), 3.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_click_ids_removed_total{param=\"fbclid\"}"), 1.0, "{m}");

    // With marketing granted they pass.
    let form = Request::post(proxy.url("/__consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from("action=accept_all")))
        .unwrap();
    let (_, headers, _) = send(form).await;
    let ours = set_cookies(&headers).into_iter().find(|c| c.starts_with("consent=")).unwrap();
    let ours = ours.split(';').next().unwrap();
    with_cookie(&proxy.url("/landing?gclid=Cj0&q=1"), ours).await;
    assert_eq!(last_path(), "/landing?gclid=Cj0&q=1");
    proxy.stop().await;

    // Report mode counts and changes nothing; strip = false turns it off.
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null"), ("mode", "report")]).await;
    with_cookie(&proxy.url("/l?gclid=1"), "").await;
    assert_eq!(last_path(), "/l?gclid=1");
    let m = proxy.metrics().await;
    assert_eq!(
        metric(&m, "consent_proxy_report_only_would_remove_total{category=\"marketing\",what=\"click_id\"}"),
        1.0,
        "{m}"
    );
    proxy.stop().await;
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null"), ("click_ids.strip", "false")]).await;
    with_cookie(&proxy.url("/l?gclid=2"), "").await;
    assert_eq!(last_path(), "/l?gclid=2");
    proxy.stop().await;
}

#[tokio::test]
async fn gpc_json_is_answered_by_the_proxy() {
    let (origin, seen) = site().await;
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null")]).await;
    let (status, headers, body) = get(&proxy.url("/.well-known/gpc.json")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["gpc"], true);
    assert_eq!(v["lastUpdate"], "2026-11-30");
    assert!(seen.lock().unwrap().is_empty(), "not forwarded");
    let post = Request::post(proxy.url("/.well-known/gpc.json")).body(Full::new(Bytes::new())).unwrap();
    assert_eq!(send(post).await.0, 405);
    proxy.stop().await;
    let proxy =
        TestProxy::start(&origin, &[("audit.sink", "/dev/null"), ("consent.gpc_last_update", "2026-01-15")]).await;
    let (_, _, body) = get(&proxy.url("/.well-known/gpc.json")).await;
    assert!(body.contains("\"lastUpdate\":\"2026-01-15\""), "{body}");
    proxy.stop().await;
    // Switched off, the origin answers.
    let proxy = TestProxy::start(&origin, &[("audit.sink", "/dev/null"), ("consent.gpc_json", "false")]).await;
    get(&proxy.url("/.well-known/gpc.json")).await;
    assert_eq!(seen.lock().unwrap().last().unwrap().0, "/.well-known/gpc.json");
    proxy.stop().await;
    let bad = test_source(&origin, &[("consent.gpc_last_update", "30/11/2026")]).load().unwrap_err();
    assert_eq!(bad.key, "consent.gpc_last_update");
}
