//! Consent per service over HTTP: the cookie's `+id`/`-id` items (round trip, size, malformed and
//! old values), what each choice lets through (cookies both ways, the page), the API (JSON, form,
//! `allow`, `/__consent/services`), the audit record and `audit find`, imports of Klaro's and
//! cookieconsent v3's choices per service, and a service's withdrawal.

mod support;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::Full;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use support::*;

/// Cookies of three services and of no service: Meta Pixel's `_fbp`, YouTube's `YSC`, HubSpot's
/// `hubspotutk` (all marketing), Google Analytics' `_ga`, and the site's own session.
const SET: [&str; 5] =
    ["sessionid=s; Path=/", "_ga=GA1.1.1.1; Path=/", "_fbp=fb.1.1.1; Path=/", "YSC=y; Path=/", "hubspotutk=h; Path=/"];
const PAGE: &str = "<!DOCTYPE html><html><head><title>Shop</title></head><body>\
<iframe id=\"video\" src=\"https://www.youtube.com/embed/abc\"></iframe>\
<img id=\"pixel\" src=\"https://www.facebook.com/tr?id=1&amp;ev=PageView\">\
<script src=\"https://js.hs-scripts.com/1.js\"></script>\
<script type=\"text/plain\" data-consent-service=\"youtube\" id=\"marked\">window.x = 1;</script>\
<script type=\"text/plain\" data-category=\"marketing\" data-service=\"youtube\" id=\"cc\">window.cc = 1;</script>\
<script type=\"text/plain\" data-type=\"application/javascript\" data-name=\"facebook-pixel\" id=\"klaro\">window.k = 1;</script>\
</body></html>";

/// Klaro's markup for its `facebook-pixel` service as the proxy leaves it while Meta Pixel is refused.
const KLARO_HELD: &str = "<script type=\"text/plain\" data-type=\"application/javascript\" data-name=\"facebook-pixel\" id=\"klaro\" data-consent-category=\"marketing\" data-consent-service=\"meta-pixel\">";

/// An origin that sets [`SET`] and serves [`PAGE`], recording the `Cookie` and `x-consent`
/// headers it gets.
async fn shop() -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let addr = origin(move |req| {
        let log = log.clone();
        async move {
            let h = |n: &str| req.headers().get(n).map_or(String::new(), |v| v.to_str().unwrap().to_string());
            log.lock().unwrap().push(format!("{} | {}", h("cookie"), h("x-consent")));
            let mut resp = Response::new(text_body(PAGE));
            resp.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
            for c in SET {
                resp.headers_mut().append("set-cookie", c.parse().unwrap());
            }
            resp
        }
    })
    .await;
    (addr, seen)
}

async fn post(proxy: &TestProxy, content_type: &str, body: &str, cookie: Option<&str>) -> (u16, HeaderMap, String) {
    let mut b = Request::builder()
        .method("POST")
        .uri(proxy.url("/__consent"))
        .header("content-type", content_type)
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    send(b.body(Full::new(Bytes::from(body.to_string()))).unwrap()).await
}

async fn get_with(url: &str, cookie: &str) -> (u16, HeaderMap, String) {
    let req = Request::builder().uri(url).header("cookie", cookie).body(Full::new(Bytes::new())).unwrap();
    send(req).await
}

/// The names the browser is told to store (not deletions).
fn stored(h: &HeaderMap) -> Vec<String> {
    let mut v: Vec<String> = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .filter(|v| !v.contains("Max-Age=0"))
        .map(|v| v.split('=').next().unwrap().to_string())
        .filter(|n| n != "consent")
        .collect();
    v.sort();
    v
}

async fn state(proxy: &TestProxy, cookie: &str) -> Value {
    let (status, _, body) = get_with(&proxy.url("/__consent"), cookie).await;
    assert_eq!(status, 200);
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn one_service_granted_alone_lets_only_its_cookies_and_embed_through() {
    let (addr, seen) = shop().await;
    let proxy = TestProxy::start(&format!("http://{addr}"), &[("audit.sink", "/dev/null")]).await;
    let body = json!({"action": "save", "categories": [], "services": {"youtube": true}}).to_string();
    let (status, headers, answer) = post(&proxy, "application/json", &body, None).await;
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["granted"], json!(["necessary"]));
    assert_eq!(answer["services"]["granted"], json!(["youtube"]));
    assert_eq!(answer["services"]["categories"], json!({"youtube": "marketing"}));
    let consent = consent_cookie(&headers);
    assert!(consent.ends_with(".necessary~+youtube"), "{consent}");

    // Both ways: YouTube's cookie is stored and reaches the origin; other marketing does not.
    let jar = format!("{consent}; sessionid=s; _fbp=f; YSC=y; hubspotutk=h; _ga=g");
    let (status, headers, page) = get_with(&proxy.url("/"), &jar).await;
    assert_eq!(status, 200);
    assert_eq!(stored(&headers), ["YSC", "sessionid"]);
    let origin_saw = seen.lock().unwrap().last().cloned().unwrap();
    assert!(origin_saw.contains("YSC=y") && origin_saw.contains("sessionid=s"), "{origin_saw}");
    for refused in ["_fbp", "hubspotutk", "_ga"] {
        assert!(!origin_saw.contains(refused), "{refused} reached the origin: {origin_saw}");
    }
    assert!(origin_saw.ends_with("revision=1, services-granted=(\"youtube\")"), "x-consent: {origin_saw}");
    // The page: the video is live, the pixel and HubSpot stay inert; the script marked for the
    // service is activated; Consent Mode keeps marketing denied.
    assert!(page.contains("<iframe id=\"video\" src=\"https://www.youtube.com/embed/abc\">"), "{page}");
    assert!(page.contains("id=\"pixel\"") && !page.contains(" src=\"https://www.facebook.com/tr"), "{page}");
    assert!(page.contains("data-consent-src=\"https://js.hs-scripts.com/1.js\""), "{page}");
    assert!(page.contains("<script data-consent-service=\"youtube\" id=\"marked\">window.x = 1;</script>"), "{page}");
    // Other consent managers' service markup: cookieconsent v3's runs, Klaro's Meta pixel waits.
    assert!(page.contains("<script data-category=\"marketing\" data-service=\"youtube\" id=\"cc\">"), "{page}");
    assert!(page.contains(KLARO_HELD), "{page}");
    assert!(page.contains("ad_storage:'denied'"), "a service must not flip Consent Mode: {page}");
    assert!(page.contains("data-services=\"+youtube\""), "banner.js is told the choice: {page}");
    // The policy page lists the services of the cookies seen, under their category.
    let (_, _, policy) = get(&proxy.url("/__consent/policy")).await;
    let marketing = &policy[policy.find("<section id=\"marketing\">").unwrap()..];
    assert!(marketing.contains("<li id=\"service-youtube\"><strong>YouTube</strong>"), "{marketing}");
    assert!(marketing.contains("<code>YSC</code>") && marketing.contains("id=\"service-meta-pixel\""), "{marketing}");
    proxy.stop().await;
}

#[tokio::test]
async fn one_service_refused_in_a_granted_category_stays_out() {
    let (addr, seen) = shop().await;
    let proxy = TestProxy::start(&format!("http://{addr}"), &[("audit.sink", "/dev/null")]).await;
    let body = json!({"action": "save", "categories": ["marketing"], "services": {"meta-pixel": false}}).to_string();
    let (status, headers, _) = post(&proxy, "application/json", &body, None).await;
    assert_eq!(status, 200);
    let consent = consent_cookie(&headers);
    assert!(consent.ends_with(".necessary~marketing~-meta-pixel"), "{consent}");
    let jar = format!("{consent}; _fbp=f; YSC=y; hubspotutk=h");
    let (_, headers, page) = get_with(&proxy.url("/"), &jar).await;
    assert_eq!(stored(&headers), ["YSC", "hubspotutk", "sessionid"]);
    let origin_saw = seen.lock().unwrap().last().cloned().unwrap();
    assert!(!origin_saw.contains("_fbp") && origin_saw.contains("YSC=y"), "{origin_saw}");
    assert!(
        page.contains("id=\"pixel\"") && !page.contains(" src=\"https://www.facebook.com/tr"),
        "the pixel is held for its service: {page}"
    );
    assert!(page.contains("<script src=\"https://js.hs-scripts.com/1.js\">"), "HubSpot runs: {page}");
    assert!(page.contains(KLARO_HELD), "Klaro's facebook-pixel is Meta Pixel, refused on its own: {page}");
    assert!(page.contains("<script data-category=\"marketing\" data-service=\"youtube\" id=\"cc\">"), "{page}");
    assert!(page.contains("ad_storage:'granted'"), "Consent Mode follows the category: {page}");
    proxy.stop().await;
}

#[tokio::test]
async fn the_cookie_keeps_a_hundred_choices_and_reads_bad_or_old_values_safely() {
    let (addr, _) = shop().await;
    let mut extra: Vec<(String, String)> = vec![("audit.sink".into(), "/dev/null".into())];
    for i in 0..300 {
        extra.push((format!("services.service-number-{i:03}.category"), "marketing".into()));
    }
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let proxy = TestProxy::start(&format!("http://{addr}"), &extra).await;
    // 100 services granted on their own: 100 items of 20 characters.
    let choices: serde_json::Map<String, Value> =
        (0..100).map(|i| (format!("service-number-{i:03}"), Value::Bool(true))).collect();
    let body = json!({"action": "save", "categories": ["analytics"], "services": choices}).to_string();
    let (status, headers, _) = post(&proxy, "application/json", &body, None).await;
    assert_eq!(status, 200);
    let consent = consent_cookie(&headers);
    assert!(consent.len() < 4096 - 200, "{} bytes", consent.len());
    let s = state(&proxy, &consent).await;
    assert_eq!(s["services"]["granted"].as_array().unwrap().len(), 100);
    assert_eq!(s["granted"], json!(["necessary", "analytics"]));
    // 300 do not fit a cookie: refused with a clear answer, nothing set.
    let choices: serde_json::Map<String, Value> =
        (0..300).map(|i| (format!("service-number-{i:03}"), Value::Bool(true))).collect();
    let body = json!({"action": "save", "categories": [], "services": choices}).to_string();
    let (status, headers, text) = post(&proxy, "application/json", &body, None).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("choose by category"), "{text}");
    assert!(headers.get("set-cookie").is_none());

    let now = consent_proxy::consent::now_unix();
    let id = "AAAAAAAAAAAAAAAAAAAAAA";
    // A cookie written before services existed reads as it always did.
    let old = state(&proxy, &format!("consent=1.1.{now}.{id}.necessary~analytics")).await;
    assert_eq!((old["decided"].clone(), old["granted"].clone()), (json!(true), json!(["necessary", "analytics"])));
    assert_eq!(old["services"]["granted"], json!([]));
    // Unknown or empty service items are skipped; a malformed value is no decision at all.
    let odd = state(&proxy, &format!("consent=1.1.{now}.{id}.necessary~+gone~-~+~++youtube~+youtube")).await;
    assert_eq!((odd["decided"].clone(), odd["services"]["granted"].clone()), (json!(true), json!(["youtube"])));
    for bad in [
        format!("consent=1.1.{now}.{id}"),
        format!("consent=1.1.{now}.{id}.+youtube.x"),
        format!("consent=1.1.soon.{id}.+youtube"),
        format!("consent=1.1.{now}.{id}.{}", "+youtube~".repeat(400)),
        format!("consent=1.1.{now}.{id}.+you\u{e9}tube"),
    ] {
        let s = state(&proxy, &bad).await;
        assert_eq!((s["decided"].clone(), s["services"]["granted"].clone()), (json!(false), json!([])), "{bad}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn the_api_form_allow_and_the_audit_record_keep_service_choices() {
    let (addr, _) = shop().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl").display().to_string();
    let proxy = TestProxy::start(&format!("http://{addr}"), &[("audit.sink", &audit)]).await;
    let form = "application/x-www-form-urlencoded";

    // The settings layer without JavaScript: marketing on, Meta Pixel's box shown unchecked.
    let (status, headers, _) =
        post(&proxy, form, "action=save&categories=marketing&shown=meta-pixel&shown=youtube&services=youtube", None)
            .await;
    assert_eq!(status, 303);
    let consent = consent_cookie(&headers);
    let s = state(&proxy, &consent).await;
    assert_eq!(
        (s["granted"].clone(), s["services"]["refused"].clone()),
        (json!(["necessary", "marketing"]), json!(["meta-pixel"]))
    );
    // "Always allow" on a placeholder: the earlier choice stays, the service is added.
    let (status, headers, _) = post(&proxy, form, "action=allow&service=meta-pixel", Some(&consent)).await;
    assert_eq!(status, 303);
    let s = state(&proxy, &consent_cookie(&headers)).await;
    assert_eq!(
        (s["granted"].clone(), s["services"]["refused"].clone()),
        (json!(["necessary", "marketing"]), json!([]))
    );
    let (_, headers, _) = post(&proxy, form, "action=reject_all", Some(&consent)).await;
    let rejected = consent_cookie(&headers);
    let (_, headers, _) = post(&proxy, form, "action=allow&service=vimeo", Some(&rejected)).await;
    let s = state(&proxy, &consent_cookie(&headers)).await;
    assert_eq!((s["granted"].clone(), s["services"]["granted"].clone()), (json!(["necessary"]), json!(["vimeo"])));

    // Bad input: a clear 400, nothing set.
    for (body, ct, says) in [
        (r#"{"action":"save","services":{"nope":true}}"#, "application/json", "unknown service `nope`"),
        (r#"{"action":"save","services":{"youtube":"yes"}}"#, "application/json", "invalid JSON"),
        ("action=allow", form, "`allow` names the services"),
        ("action=allow&service=%3Cscript%3E", form, "unknown service `<script>`"),
    ] {
        let (status, headers, text) = post(&proxy, ct, body, None).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains(says), "{body}: {text}");
        assert!(headers.get("set-cookie").is_none(), "{body}");
    }

    // Every service with its category, for an API client.
    let (status, _, list) = get(&proxy.url("/__consent/services")).await;
    assert_eq!(status, 200);
    let list: Value = serde_json::from_str(&list).unwrap();
    let yt = list["services"].as_array().unwrap().iter().find(|s| s["id"] == "youtube").cloned().unwrap();
    assert_eq!((yt["name"].clone(), yt["category"].clone()), (json!("YouTube"), json!("marketing")));

    // The evidence: each record holds the choices per service; `audit find` shows them.
    let lines = std::fs::read_to_string(&audit).unwrap();
    let records: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &Value| r["action"] != "chain_start")
        .collect();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0]["services"], json!({"granted": [], "refused": ["meta-pixel"]}));
    assert_eq!(
        (records[1]["action"].clone(), records[1]["services"].clone()),
        (json!("allow"), json!({"granted": [], "refused": []}))
    );
    assert_eq!(records[3]["services"], json!({"granted": ["vimeo"], "refused": []}));
    let id = records[0]["consent_id"].as_str().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_consent-proxy"))
        .args(["audit", "find", "--id", id, &audit])
        .output()
        .unwrap();
    let found = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(found.contains(r#""services":{"granted":[],"refused":["meta-pixel"]}"#), "{found}");
    proxy.stop().await;
}

#[tokio::test]
async fn withdrawing_one_service_deletes_its_cookies_on_every_domain() {
    let (addr, _) = shop().await;
    let proxy = TestProxy::start(
        &format!("http://{addr}"),
        &[("audit.sink", "/dev/null"), ("consent.delete_domains", ".shop.example")],
    )
    .await;
    let (_, headers, _) = post(&proxy, "application/json", r#"{"action":"accept_all"}"#, None).await;
    let jar = format!("{}; _fbp=f; YSC=y; _ga=g; hubspotutk=h", consent_cookie(&headers));
    let body = json!({"action": "save", "categories": ["analytics", "marketing"], "services": {"meta-pixel": false}});
    let (status, headers, answer) = post(&proxy, "application/json", &body.to_string(), Some(&jar)).await;
    assert_eq!(status, 200);
    // banner.js deletes the same names on the parent domains a script may have used.
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["deleted_cookies"], json!(["_fbp"]));
    let deleted: Vec<(String, Option<String>)> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| cookie::Cookie::parse(v.to_str().unwrap().to_string()).unwrap())
        .filter(|c| c.max_age() == Some(cookie::time::Duration::ZERO))
        .map(|c| (c.name().to_string(), c.domain().map(String::from)))
        .collect();
    assert_eq!(deleted, [("_fbp".to_string(), None), ("_fbp".to_string(), Some("shop.example".to_string()))]);
    proxy.stop().await;
}

#[tokio::test]
async fn imports_keep_klaro_and_cookieconsent_choices_per_service() {
    let (addr, _) = shop().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl").display().to_string();
    let proxy = TestProxy::start(
        &format!("http://{addr}"),
        &[("audit.sink", &audit), ("consent.import", "klaro,cookieconsent")],
    )
    .await;
    // Klaro names services: YouTube yes, Google Analytics no, Meta's pixel no.
    let klaro = "klaro=%7B%22youtube%22%3Atrue%2C%22googleAnalytics%22%3Afalse%2C%22facebook-pixel%22%3Afalse%7D";
    let s = state(&proxy, klaro).await;
    assert_eq!((s["decided"].clone(), s["granted"].clone()), (json!(true), json!(["necessary"])));
    assert_eq!(s["services"]["granted"], json!(["youtube"]));
    // cookieconsent v3 lists the accepted services of each category.
    let cc = r#"cc_cookie={"categories":["necessary","analytics"],"services":{"analytics":[],"marketing":["youtube"]},"consentId":"abc"}"#;
    let s = state(&proxy, cc).await;
    assert_eq!(
        (s["granted"].clone(), s["services"]["granted"].clone()),
        (json!(["necessary", "analytics"]), json!(["youtube"]))
    );
    let lines = std::fs::read_to_string(&audit).unwrap();
    let imported: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["action"] == "imported")
        .collect();
    assert_eq!(imported.len(), 2);
    assert!(imported.iter().all(|r| r["services"]["granted"] == json!(["youtube"])), "{imported:?}");
    proxy.stop().await;
}
