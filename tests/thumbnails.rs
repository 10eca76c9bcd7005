//! `banner.thumbnails`: held embeds' thumbnails are pointed at this site while refused (img,
//! srcset, style attributes, `<style>`), and served by the proxy from a local stand-in for the
//! providers (`banner.thumbnails_origin`): without the visitor's cookies or address, cached, and
//! only for the allow-list — not another host, not a redirect off the list (to a private
//! address), not a non-image, not a huge body, not a slow provider.

mod support;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

const PAGE: &str = r#"<!DOCTYPE html><html><head>
<style>.v{background:url(https://i.vimeocdn.com/video/123_640.jpg) center}</style>
</head><body>
<img id="a" src="https://i.ytimg.com/vi/abc/hqdefault.jpg" alt="">
<img id="b" srcset="https://i.ytimg.com/vi/abc/mqdefault.jpg 320w, /own/640.jpg 640w" alt="">
<div id="c" style="background-image:url('https://img.youtube.com/vi/abc/0.jpg')">play</div>
<img id="d" src="https://cdn.example/photo.jpg" alt="">
<iframe src="https://www.youtube.com/embed/abc"></iframe>
</body></html>"#;

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1];

/// The stand-in for the providers: `/HOST/PATH`, recording each request's headers.
async fn providers(secret_port: u16) -> (std::net::SocketAddr, Arc<Mutex<Vec<(String, http::HeaderMap)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let addr = origin(move |req: Request<hyper::body::Incoming>| {
        log.lock().unwrap().push((req.uri().to_string(), req.headers().clone()));
        let path = req.uri().path().to_owned();
        async move {
            let mut r = match path.as_str() {
                "/i.ytimg.com/vi/abc/hqdefault.jpg" | "/i.ytimg.com/vi/abc/other.jpg" => {
                    let mut r = Response::new(text_body(Bytes::from_static(JPEG)));
                    r.headers_mut().insert("content-type", "image/jpeg".parse().unwrap());
                    r.headers_mut().insert("set-cookie", "VISITOR_INFO1_LIVE=x; Path=/".parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/redir/private.jpg" => {
                    let mut r = Response::new(text_body(""));
                    *r.status_mut() = StatusCode::FOUND;
                    let to = format!("http://127.0.0.1:{secret_port}/secret.jpg");
                    r.headers_mut().insert("location", to.parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/redir/listed.jpg" => {
                    let mut r = Response::new(text_body(""));
                    *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
                    r.headers_mut().insert("location", "https://i.ytimg.com/vi/abc/other.jpg".parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/html/0.jpg" => {
                    let mut r = Response::new(text_body("<script>alert(1)</script>"));
                    r.headers_mut().insert("content-type", "text/html".parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/liar/0.jpg" => {
                    let mut r = Response::new(text_body("<script>alert(1)</script>"));
                    r.headers_mut().insert("content-type", "image/jpeg".parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/svg/0.jpg" => {
                    let mut r = Response::new(text_body("<svg onload=alert(1)></svg>"));
                    r.headers_mut().insert("content-type", "image/svg+xml".parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/huge/0.jpg" => {
                    // No Content-Length: cut by reading, not by the header.
                    let chunk = Bytes::from(vec![0u8; 64 * 1024]);
                    let frames = std::iter::once(Bytes::from_static(JPEG))
                        .chain(std::iter::repeat_n(chunk, 64))
                        .map(|b| Ok::<_, BoxError>(http_body::Frame::data(b)));
                    let mut r = Response::new(StreamBody::new(futures_util::stream::iter(frames)).boxed_unsync());
                    r.headers_mut().insert("content-type", "image/jpeg".parse().unwrap());
                    r
                }
                "/i.ytimg.com/vi/slow/0.jpg" => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Response::new(text_body(""))
                }
                _ => {
                    let mut r = Response::new(text_body("no"));
                    *r.status_mut() = StatusCode::NOT_FOUND;
                    r
                }
            };
            r.headers_mut().insert("x-stand-in", "1".parse().unwrap());
            r
        }
    })
    .await;
    (addr, seen)
}

async fn get_owned(url: String) -> u16 {
    get(&url).await.0
}

async fn start(thumbnails: bool, standin: Option<std::net::SocketAddr>) -> TestProxy {
    let site = origin(|_| async {
        let mut r = Response::new(text_body(PAGE));
        r.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
        r
    })
    .await;
    let mut extra = vec![("audit.sink", "/dev/null".to_string()), ("banner.thumbnails", thumbnails.to_string())];
    if let Some(s) = standin {
        extra.push(("banner.thumbnails_origin", format!("http://{s}")));
    }
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestProxy::start(&format!("http://{site}"), &extra).await
}

async fn page(proxy: &TestProxy, cookie: Option<&str>) -> String {
    let mut req = Request::get(proxy.url("/")).header("host", "news.example");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(req.body(Full::new(Bytes::new())).unwrap()).await.2
}

/// The `consent` cookie of a visitor who granted marketing.
async fn granted(proxy: &TestProxy) -> String {
    let req = Request::post(proxy.url("/__consent"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(r#"{"action":"save","categories":["marketing"]}"#)))
        .unwrap();
    let (_, headers, _) = send(req).await;
    let c =
        headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).find(|v| v.starts_with("consent=")).unwrap();
    c.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn held_providers_thumbnails_point_at_this_site_only_while_refused() {
    let proxy = start(true, None).await;
    let html = page(&proxy, None).await;
    for want in [
        r#"src="/__consent/thumbnail/i.ytimg.com/vi/abc/hqdefault.jpg""#,
        r#"srcset="/__consent/thumbnail/i.ytimg.com/vi/abc/mqdefault.jpg 320w, /own/640.jpg 640w""#,
        "url(&quot;/__consent/thumbnail/img.youtube.com/vi/abc/0.jpg&quot;)",
        r#"url("/__consent/thumbnail/i.vimeocdn.com/video/123_640.jpg") center"#,
        r#"src="https://cdn.example/photo.jpg""#,
    ] {
        assert!(html.contains(want), "missing {want} in\n{html}");
    }
    assert!(!html.contains("https://i.ytimg.com") && !html.contains("https://img.youtube.com"), "{html}");
    assert!(html.contains(r#"data-consent-src="https://www.youtube.com/embed/abc""#), "the embed itself is still held");
    // Marketing granted: the provider is allowed, its thumbnails load from it as written.
    let cookie = granted(&proxy).await;
    let html = page(&proxy, Some(&cookie)).await;
    assert!(html.contains(r#"src="https://i.ytimg.com/vi/abc/hqdefault.jpg""#), "{html}");
    assert!(!html.contains("/__consent/thumbnail/"), "{html}");
    proxy.stop().await;
    // Off (the default): nothing changes.
    let proxy = start(false, None).await;
    let html = page(&proxy, None).await;
    assert!(html.contains(r#"src="https://i.ytimg.com/vi/abc/hqdefault.jpg""#) && !html.contains("/thumbnail/"));
    let (status, _, _) = get(&proxy.url("/__consent/thumbnail/i.ytimg.com/vi/abc/hqdefault.jpg")).await;
    assert_eq!(status, 404, "no fetcher when off");
    proxy.stop().await;
}

#[tokio::test]
async fn the_proxy_fetches_without_the_visitor_caches_and_keeps_to_the_allow_list() {
    let secret_hits = Arc::new(Mutex::new(0));
    let hits = secret_hits.clone();
    let secret = origin(move |_| {
        *hits.lock().unwrap() += 1;
        async { Response::new(text_body("internal")) }
    })
    .await;
    let (standin, seen) = providers(secret.port()).await;
    let proxy = start(true, Some(standin)).await;
    let thumb = |path: &str| proxy.url(&format!("/__consent/thumbnail/{path}"));

    // Served, with the visitor's cookies and address left behind.
    let req = Request::get(thumb("i.ytimg.com/vi/abc/hqdefault.jpg"))
        .header("cookie", "consent=x; session=secret")
        .header("x-forwarded-for", "203.0.113.7")
        .header("referer", "https://news.example/article")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = client().request(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert!(h.get("set-cookie").is_none(), "the provider's cookie is not passed on");
    assert!(h.get("x-stand-in").is_none(), "the provider's headers are not passed on");
    assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), JPEG);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (uri, headers) = &seen[0];
        assert_eq!(uri, "/i.ytimg.com/vi/abc/hqdefault.jpg");
        for h in ["cookie", "x-forwarded-for", "forwarded", "x-real-ip", "referer"] {
            assert!(headers.get(h).is_none(), "{h} reached the provider");
        }
        assert!(headers["user-agent"].to_str().unwrap().starts_with("consent-proxy/"));
    }
    // Cached: the provider is not asked again.
    assert_eq!(get(&thumb("i.ytimg.com/vi/abc/hqdefault.jpg")).await.0, 200);
    assert_eq!(seen.lock().unwrap().len(), 1);

    // Not on the allow-list: refused before anything is fetched.
    for path in [
        "evil.example/x.jpg",
        "127.0.0.1/secret.jpg",
        "i.ytimg.com@evil.example/x.jpg",
        "i.ytimg.com:8443/vi/abc/hqdefault.jpg",
        "img.youtube.com/other/0.jpg",
        "I.YTIMG.COM/vi/abc/hqdefault.jpg",
        "www.youtube.com/embed/abc",
    ] {
        assert_eq!(get(&thumb(path)).await.0, 404, "{path}");
    }
    assert_eq!(seen.lock().unwrap().len(), 1, "nothing fetched for them");

    // A redirect to a private address: refused, the address never contacted. A redirect to a
    // listed source is followed.
    assert_eq!(get(&thumb("i.ytimg.com/vi/redir/private.jpg")).await.0, 502);
    assert_eq!(*secret_hits.lock().unwrap(), 0, "the redirect target was contacted");
    // (Through the stand-in every fetch goes to it, as /HOST/PATH: an off-list target would show there.)
    assert!(!seen.lock().unwrap().iter().any(|(uri, _)| uri.starts_with("/127.0.0.1")), "the redirect was followed");
    let (status, headers, _) = get(&thumb("i.ytimg.com/vi/redir/listed.jpg")).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "image/jpeg"));

    // Not an image (by type or by its bytes), SVG, a huge body: 502. A slow provider: 504.
    for path in [
        "i.ytimg.com/vi/html/0.jpg",
        "i.ytimg.com/vi/liar/0.jpg",
        "i.ytimg.com/vi/svg/0.jpg",
        "i.ytimg.com/vi/huge/0.jpg",
    ] {
        let (status, headers, body) = get(&thumb(path)).await;
        assert_eq!(status, 502, "{path}");
        assert!(!body.contains("<script") && !body.contains("<svg"), "{path}: {body}");
        assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    }
    // A provider that hangs: 504 after the time limit. At most 16 fetches at once: the 17th
    // is answered 503 at once rather than queued.
    let slow: Vec<_> =
        (0..17).map(|i| tokio::spawn(get_owned(thumb(&format!("i.ytimg.com/vi/slow/0.jpg?n={i}"))))).collect();
    let mut statuses = Vec::new();
    for s in slow {
        statuses.push(s.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [[503].as_slice(), &[504; 16]].concat(), "{statuses:?}");
    // Queries are short on thumbnails: a long one is not served.
    assert_eq!(get(&thumb(&format!("i.ytimg.com/vi/abc/hqdefault.jpg?{}", "x".repeat(300)))).await.0, 404);

    let m = proxy.metrics().await;
    for (result, n) in [
        ("fetched", 2.0),
        ("cached", 1.0),
        ("refused", 8.0),
        ("redirect", 1.0),
        ("not_an_image", 3.0),
        ("too_large", 1.0),
        ("timeout", 16.0),
        ("busy", 1.0),
    ] {
        assert_eq!(metric(&m, &format!("consent_proxy_thumbnails_total{{result=\"{result}\"}}")), n, "{result}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn a_bad_thumbnails_origin_is_refused_naming_the_key() {
    for bad in ["ftp://cache.example", "not a url"] {
        let source = test_source("http://127.0.0.1:1", &[("banner.thumbnails_origin", bad)]);
        let err = source.load().unwrap_err().to_string();
        assert!(err.contains("banner.thumbnails_origin"), "{bad}: {err}");
    }
}
