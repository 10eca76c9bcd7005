//! The embedded demo shop through the proxy: what a visitor of `consent-proxy demo` gets.

mod support;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use support::*;

fn names(h: &http::HeaderMap) -> Vec<String> {
    let mut v: Vec<String> =
        h.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().split('=').next().unwrap().to_string()).collect();
    v.sort();
    v
}

async fn get_with(url: &str, cookie: &str) -> (u16, http::HeaderMap, String) {
    send(Request::get(url).header("cookie", cookie).body(Full::new(Bytes::new())).unwrap()).await
}

#[tokio::test]
async fn demo_shop_honours_consent() {
    let origin = consent_proxy::demo::start_origin().await.unwrap();
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("audit.sink", "/dev/null")]).await;

    let (status, headers, page) = get(&proxy.url("/")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Nordic Ceramics"));
    let reachable = support::html::leaks(&page);
    assert!(reachable.is_empty(), "before consent the demo page loads no tracker: {reachable:#?}");
    assert!(page.contains("class=\"cp-banner cp-bottom\""), "the banner is shown");
    assert!(
        page.contains(
            "Third parties on this page: Google Tag Manager, Meta, Google Analytics, Meta Pixel, YouTube, HubSpot."
        ),
        "{page}"
    );
    assert_eq!(names(&headers), ["csrftoken", "sessionid"], "before any choice only necessary cookies are set");

    let jar = "sessionid=1; csrftoken=2; _ga=3; _gid=4; _fbp=5; hubspotutk=6";
    let (_, _, page) = get_with(&proxy.url("/"), jar).await;
    assert!(page.contains("received with this request: sessionid, csrftoken</p>"), "{page}");

    let req = Request::post(proxy.url("/__consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from("action=accept_all&return_to=/")))
        .unwrap();
    let (status, headers, _) = send(req).await;
    assert_eq!(status, 303);
    let consent = headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let (_, headers, page) = get_with(&proxy.url("/"), &format!("{consent}; {jar}")).await;
    assert_eq!(
        names(&headers),
        ["__hstc", "_fbp", "_ga", "_ga_DEMO123", "_gid", "csrftoken", "hubspotutk", "sessionid"],
        "after accept all the shop's cookies all land"
    );
    assert!(page.contains("sessionid, csrftoken, _ga, _gid, _fbp, hubspotutk"), "{page}");
    assert!(page.contains("<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO123\"></script>"));
    assert!(page.contains("<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\""));
    assert!(page.contains("class=\"cp-shield\""), "decided visitors get the shield");

    let (_, _, policy) = get(&proxy.url("/__consent/policy")).await;
    for name in ["_ga", "_ga_*", "_gid", "_fbp", "hubspotutk", "__hstc", "sessionid", "csrftoken"] {
        assert!(policy.contains(&format!("<code>{name}</code>")), "{name} missing from the demo's policy page");
    }
    proxy.stop().await;
}
