//! HTML rewriting through the proxy: nothing refused can load, what is granted is left as the
//! origin sent it, fixtures whole and in random chunks, compressed and legacy-charset bodies,
//! headers, site-marked scripts, and failing closed.

mod support;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody};
use std::io::Write;
use support::html::{is_tracker_url, leaks, strip_injected};
use support::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Splits `data` into random chunks from `seed` (xorshift), so failures can be replayed.
fn random_chunks(data: &[u8], seed: u64) -> Vec<Bytes> {
    let mut x = seed | 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = 1 + (x % 97) as usize;
        let end = (i + n).min(data.len());
        out.push(Bytes::copy_from_slice(&data[i..end]));
        i = end;
    }
    out
}

/// An origin serving `body` as HTML, in `chunks` when given, with extra headers.
async fn html_origin(body: Vec<u8>, seed: Option<u64>, headers: Vec<(&'static str, String)>) -> std::net::SocketAddr {
    origin(move |_| {
        let chunks = match seed {
            Some(s) => random_chunks(&body, s),
            None => vec![Bytes::from(body.clone())],
        };
        let headers = headers.clone();
        async move {
            let stream =
                futures_util::stream::iter(chunks.into_iter().map(|c| Ok::<_, BoxError>(http_body::Frame::data(c))));
            let mut resp = Response::new(StreamBody::new(stream).boxed_unsync());
            resp.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
            for (k, v) in headers {
                resp.headers_mut().insert(k, v.parse().unwrap());
            }
            resp
        }
    })
    .await
}

async fn consent(proxy: &TestProxy, form: &str) -> String {
    let req = Request::post(proxy.url("/__consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(form.to_string())))
        .unwrap();
    let (_, headers, _) = send(req).await;
    headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

async fn fetch(proxy: &TestProxy, cookie: Option<&str>, accept_encoding: Option<&str>) -> (u16, HeaderMap, Vec<u8>) {
    let mut b = Request::get(proxy.url("/page"));
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    if let Some(e) = accept_encoding {
        b = b.header("accept-encoding", e);
    }
    let resp = client().request(b.body(Full::new(Bytes::new())).unwrap()).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("complete body").to_bytes().to_vec();
    (status, headers, body)
}

fn proxy_opts(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![("audit.sink", "/dev/null")];
    v.extend_from_slice(extra);
    v
}

#[tokio::test]
async fn before_consent_nothing_can_reach_a_tracker_whole_and_chunked() {
    let seed: u64 = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    for name in ["trackers.html", "malformed.html"] {
        let page = fixture(name);
        let original = String::from_utf8_lossy(&page).into_owned();
        assert!(!leaks(&original).is_empty(), "the fixture {name} must contain trackers");
        for s in [None, Some(seed), Some(seed.wrapping_mul(31) + 7), Some(1)] {
            let origin = html_origin(page.clone(), s, vec![]).await;
            let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
            let (status, _, body) = fetch(&proxy, None, None).await;
            assert_eq!(status, 200);
            let out = String::from_utf8(body).unwrap();
            let found = leaks(&out);
            assert!(found.is_empty(), "{name}, chunk seed {s:?}: still reachable: {found:#?}\n{out}");
            assert!(out.contains("<div id=\"consent-proxy\" class=\"cp-banner cp-bottom\""), "the banner is injected");
            proxy.stop().await;
        }
    }
}

#[tokio::test]
async fn inert_elements_keep_what_activation_needs() {
    let origin = html_origin(fixture("trackers.html"), None, vec![]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let out = String::from_utf8(fetch(&proxy, None, None).await.2).unwrap();
    for needle in [
        "data-consent-src=\"https://www.googletagmanager.com/gtag/js?id=G-XYZ\" type=\"text/plain\" data-consent-category=\"analytics\"",
        "data-consent-src=\"//js.hs-scripts.com/9999999.js\"",
        "data-consent-src=\"https://www.youtube.com/embed/abc123\"",
        "width=\"560\" height=\"315\"",
        "<script type=\"text/plain\" data-consent-category=\"marketing\"",
        "fbq('init', '111122223333');",
        "data-consent-rel=\"preconnect\"",
        "data-consent-ping=\"https://www.google-analytics.com/collect?v=1\"",
    ] {
        assert!(out.contains(needle), "missing {needle}\n{out}");
    }
    assert!(out.contains("srcdoc="), "a tracker iframe gets a click-to-load placeholder");
    assert!(out.contains("<script type=\"application/ld+json\">"), "JSON-LD is not a script to judge");
    assert!(out.contains("<script src=\"/js/app.js\"></script>"), "first-party scripts stay");
    assert!(out.contains("var siteConfig"), "harmless inline scripts stay");
    assert!(out.contains("<iframe src=\"/widgets/poll.html\""), "first-party iframes stay");
    let m = proxy.metrics().await;
    assert!(
        metric(&m, "consent_proxy_elements_neutralized_total{category=\"marketing\",kind=\"iframe\"}") >= 1.0,
        "{m}"
    );
    assert!(
        metric(&m, "consent_proxy_elements_neutralized_total{category=\"analytics\",kind=\"inline_script\"}") >= 1.0,
        "{m}"
    );
    assert_eq!(metric(&m, "consent_proxy_banners_injected_total{kind=\"banner\"}"), 1.0);
    proxy.stop().await;
}

#[tokio::test]
async fn after_accept_all_the_page_is_the_origins_plus_the_injection() {
    for name in ["trackers.html", "clean.html", "malformed.html"] {
        let page = fixture(name);
        let origin = html_origin(page.clone(), Some(42), vec![]).await;
        let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[("html.consent_mode", "false")])).await;
        let cookie = consent(&proxy, "action=accept_all").await;
        let out = String::from_utf8(fetch(&proxy, Some(&cookie), None).await.2).unwrap();
        assert!(out.contains("class=\"cp-shield\""), "decided visitors get the shield");
        assert_eq!(
            String::from_utf8(strip_injected(out.as_bytes())).unwrap(),
            String::from_utf8(page).unwrap(),
            "{name}"
        );
        proxy.stop().await;
    }
}

#[tokio::test]
async fn a_page_without_trackers_is_unchanged_but_for_the_injection() {
    let page = fixture("clean.html");
    let origin = html_origin(page.clone(), Some(7), vec![]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let out = String::from_utf8(fetch(&proxy, None, None).await.2).unwrap();
    let head = out.find("<head>").unwrap() + "<head>".len();
    assert!(out[head..].starts_with("<script>window.dataLayer"), "Consent Mode defaults come first in <head>");
    let banner_js = out.find("<script src=\"/__consent/banner.js?v=").expect("banner.js is included");
    assert!(banner_js < out.find("jquery").unwrap(), "banner.js runs before the page's own scripts");
    assert_eq!(strip_injected(out.as_bytes()), page);
    proxy.stop().await;
}

#[tokio::test]
async fn analytics_only_leaves_only_marketing_inert() {
    let origin = html_origin(fixture("trackers.html"), Some(3), vec![]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let cookie = consent(&proxy, "action=save&categories=analytics").await;
    let out = String::from_utf8(fetch(&proxy, Some(&cookie), None).await.2).unwrap();
    assert!(out.contains("<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-XYZ\"></script>"));
    assert!(out.contains("<link rel=\"preconnect\" href=\"https://www.google-analytics.com\">"));
    for leak in leaks(&out) {
        let analytics = ["google-analytics", "googletagmanager", "gtag(", "gtm.js", "hotjar", "clarity"]
            .iter()
            .any(|a| leak.contains(a));
        assert!(analytics, "a marketing tracker can still load after analytics-only: {leak}");
    }
    assert!(out.contains("data-consent-src=\"//js.hs-scripts.com/9999999.js\""), "HubSpot (marketing) stays inert");
    assert!(out.contains("data-consent-category=\"marketing\" data-consent-provider"), "{out}");
    proxy.stop().await;
}

#[tokio::test]
async fn compressed_pages_are_decoded_and_re_encoded() {
    let page = fixture("trackers.html");
    let encoded: Vec<(&str, Vec<u8>)> = vec![
        ("gzip", {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(&page).unwrap();
            e.finish().unwrap()
        }),
        ("deflate", {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(&page).unwrap();
            e.finish().unwrap()
        }),
        ("br", {
            let mut out = Vec::new();
            brotli::BrotliCompress(&mut &page[..], &mut out, &Default::default()).unwrap();
            out
        }),
        ("zstd", zstd::encode_all(&page[..], 3).unwrap()),
    ];
    for (coding, body) in encoded {
        let origin = html_origin(body, Some(11), vec![("content-encoding", coding.to_string())]).await;
        let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
        for (accept, expect) in
            [(Some("gzip"), Some("gzip")), (Some("br, gzip"), Some("br")), (Some("zstd"), Some("zstd")), (None, None)]
        {
            let (_, headers, body) = fetch(&proxy, None, accept).await;
            assert_eq!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), expect, "{coding} → {accept:?}");
            let plain = match expect {
                Some("gzip") => {
                    let mut d = flate2::write::GzDecoder::new(Vec::new());
                    d.write_all(&body).unwrap();
                    d.finish().unwrap()
                }
                Some("br") => {
                    let mut out = Vec::new();
                    brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
                    out
                }
                Some("zstd") => zstd::decode_all(&body[..]).unwrap(),
                _ => body,
            };
            let out = String::from_utf8(plain).unwrap();
            assert!(leaks(&out).is_empty(), "{coding} → {accept:?}: {:?}", leaks(&out));
            assert!(out.contains("cp-banner"));
        }
        proxy.stop().await;
    }
}

#[tokio::test]
async fn legacy_charset_pages_stay_byte_identical_except_the_rewrites() {
    let page = fixture("legacy-1252.html");
    for content_type in ["text/html; charset=windows-1252", "text/html"] {
        let origin = html_origin(page.clone(), Some(5), vec![("content-type", content_type.to_string())]).await;
        let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[("html.consent_mode", "false")])).await;
        let cookie = consent(&proxy, "action=accept_all").await;
        let (_, headers, out) = fetch(&proxy, Some(&cookie), None).await;
        assert_eq!(headers["content-type"], content_type);
        assert_eq!(strip_injected(&out), page, "{content_type}: bytes changed");

        let (_, _, out) = fetch(&proxy, None, None).await;
        let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"var \xe5 = 1;</script>"), "an inert legacy script keeps its bytes");
        assert!(has(b"Caf\xe9 \x80 \x93 \x94 \xff"), "text bytes are untouched");
        proxy.stop().await;
    }
}

#[tokio::test]
async fn headers_of_rewritten_and_untouched_responses() {
    let page = fixture("trackers.html");
    let origin = origin(move |req| {
        let page = page.clone();
        async move {
            let (status, ct, body) = match req.uri().path() {
                "/page" => (StatusCode::OK, "text/html; charset=utf-8", page),
                "/not-modified" => (StatusCode::NOT_MODIFIED, "text/html", Vec::new()),
                _ => (StatusCode::OK, "application/javascript", b"fbq('init', '1');".to_vec()),
            };
            let mut r = Response::new(text_body(body));
            *r.status_mut() = status;
            let h = r.headers_mut();
            h.insert("content-type", ct.parse().unwrap());
            h.insert("etag", "\"v1\"".parse().unwrap());
            h.insert("cache-control", "public, max-age=60, s-maxage=600".parse().unwrap());
            h.insert("vary", "Accept-Language".parse().unwrap());
            h.insert("accept-ranges", "bytes".parse().unwrap());
            r
        }
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (_, h, _) = fetch(&proxy, None, None).await;
    assert!(h.get("content-length").is_none());
    let etag = h["etag"].to_str().unwrap();
    assert!(etag.starts_with("W/\"v1~cp.s."), "a rewritten page's tag is weak and keyed to the consent state: {etag}");
    assert!(h.get("last-modified").is_none());
    assert!(h.get("accept-ranges").is_none());
    assert_eq!(h["cache-control"], "private, max-age=60");
    assert_eq!(h["vary"], "Accept-Language, Cookie, Accept-Encoding");

    let (_, h, body) = get(&proxy.url("/app.js")).await;
    assert_eq!(body, "fbq('init', '1');", "non-HTML passes untouched");
    assert_eq!(h["etag"], "\"v1\"");
    assert_eq!(h["content-length"], "17");
    let (status, h, _) = get(&proxy.url("/not-modified")).await;
    assert_eq!((status, h["etag"].to_str().unwrap()), (304, "\"v1\""));
    let (status, h, body) = send(Request::head(proxy.url("/page")).body(Full::new(Bytes::new())).unwrap()).await;
    assert_eq!((status, body.as_str()), (200, ""));
    assert!(h["etag"].to_str().unwrap().starts_with("W/\"v1~cp.s."), "HEAD gets GET's keyed tag: {:?}", h["etag"]);
    proxy.stop().await;
}

#[tokio::test]
async fn content_security_policy_keeps_working() {
    let page = b"<html><head><script nonce=\"abc123\">var x=1;</script></head><body></body></html>".to_vec();
    let origin =
        html_origin(page.clone(), None, vec![("content-security-policy", "script-src 'self' 'nonce-abc123'".into())])
            .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (_, h, out) = fetch(&proxy, None, None).await;
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("<head><script nonce=\"abc123\">window.dataLayer"), "the page's nonce is reused: {out}");
    assert_eq!(h["content-security-policy"], "script-src 'self' 'nonce-abc123'");
    proxy.stop().await;

    let origin =
        html_origin(page, None, vec![("content-security-policy", "default-src 'self'; img-src *".into())]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (_, h, out) = fetch(&proxy, None, None).await;
    let out = String::from_utf8(out).unwrap();
    let start = out.find("<script>").unwrap() + 8;
    let script = &out[start..start + out[start..].find("</script>").unwrap()];
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    let csp = h["content-security-policy"].to_str().unwrap();
    assert_eq!(csp, format!("default-src 'self'; img-src *; script-src 'self' 'sha256-{hash}'"));
    proxy.stop().await;
}

#[tokio::test]
async fn site_marked_scripts_are_activated_when_granted() {
    let origin = html_origin(fixture("marked.html"), Some(9), vec![]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let out = String::from_utf8(fetch(&proxy, None, None).await.2).unwrap();
    assert_eq!(out.matches("type=\"text/plain\"").count(), 7, "nothing runs before consent: {out}");
    assert!(out.contains("data-src=\"https://www.youtube.com/embed/xyz\""));
    assert!(!out.contains(" src=\"https://www.youtube.com"));

    let cookie = consent(&proxy, "action=save&categories=analytics").await;
    let out = String::from_utf8(fetch(&proxy, Some(&cookie), None).await.2).unwrap();
    for active in [
        "<script data-consent-category=\"analytics\" src=\"/js/stats.js\"></script>",
        "<script data-cookieconsent=\"statistics\">window.cookiebotStats = 1;</script>",
        "<script data-category=\"analytics\" data-service=\"stats\">window.vanillaStats = 1;</script>",
        "<script type=\"text/javascript\" data-type=\"text/javascript\" data-name=\"googleAnalytics\" src=\"https://www.google-analytics.com/analytics.js\"></script>",
        "<script class=\"optanon-category-C0002\">window.oneTrustStats = 1;</script>",
    ] {
        assert!(out.contains(active), "not activated: {active}\n{out}");
    }
    for inert in ["data-cookieconsent=\"marketing\" src=\"/js/ads.js\"", "class=\"optanon-category-C0004\""] {
        let at = out.find(inert).unwrap_or_else(|| panic!("{inert} missing"));
        assert!(
            out[..at].rfind("<script").map(|s| out[s..at].contains("text/plain")).unwrap(),
            "{inert} must stay inert"
        );
    }
    assert!(out.contains("<div data-category=\"analytics\">"), "ordinary data-category attributes are left alone");

    // Everything granted (the rewriter then runs fewer selectors): all of it is activated.
    let cookie = consent(&proxy, "action=accept_all").await;
    let out = String::from_utf8(fetch(&proxy, Some(&cookie), None).await.2).unwrap();
    assert_eq!(out.matches("type=\"text/plain\"").count(), 0, "everything runs after accept all: {out}");
    assert!(out.contains("<script data-cookieconsent=\"marketing\" src=\"/js/ads.js\"></script>"), "{out}");
    assert!(out.contains(" src=\"https://www.youtube.com/embed/xyz\""), "the marked iframe loads: {out}");
    proxy.stop().await;
}

#[tokio::test]
async fn a_rewrite_that_fails_aborts_the_response() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&fixture("trackers.html")).unwrap();
    let mut body = gz.finish().unwrap();
    let mid = body.len() / 2;
    body[mid..].iter_mut().for_each(|b| *b = b.wrapping_add(77));
    let origin = html_origin(body, None, vec![("content-encoding", "gzip".into())]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let resp = client().request(Request::get(proxy.url("/p")).body(Full::new(Bytes::new())).unwrap()).await.unwrap();
    assert!(resp.into_body().collect().await.is_err(), "a corrupt body must not end like a complete page");
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_html_rewrite_errors_total{reason=\"decode\"}"), 1.0, "{m}");
    assert_eq!(metric(&m, "consent_proxy_upstream_errors_total{kind=\"body\"}"), 0.0, "not the origin's fault: {m}");

    let origin = html_origin(b"<p>x</p>".to_vec(), None, vec![("content-encoding", "compress".into())]).await;
    let proxy2 = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    assert_eq!(get(&proxy2.url("/")).await.0, 502, "HTML the proxy cannot decode is not passed through");
    proxy.stop().await;
    proxy2.stop().await;
}

#[tokio::test]
async fn a_tag_beyond_the_rewriters_memory_limit_aborts_the_response() {
    // A 10 MB tracker <img> tag, sent in 64 KiB chunks: lol_html must buffer the whole tag to
    // judge it, which exceeds its 8 MiB limit. The response is aborted; no byte of the tag passes.
    let mut page = b"<!DOCTYPE html><html><head></head><body><p>before</p><img alt=\"".to_vec();
    page.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    page.extend_from_slice(b"\" src=\"https://www.facebook.com/tr?id=1\"></body></html>");
    let chunks: Vec<Bytes> = page.chunks(64 * 1024).map(Bytes::copy_from_slice).collect();
    let origin = origin(move |_| {
        let chunks = chunks.clone();
        async move {
            let stream =
                futures_util::stream::iter(chunks.into_iter().map(|c| Ok::<_, BoxError>(http_body::Frame::data(c))));
            let mut resp = Response::new(StreamBody::new(stream).boxed_unsync());
            resp.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
            resp
        }
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let resp = client().request(Request::get(proxy.url("/p")).body(Full::new(Bytes::new())).unwrap()).await.unwrap();
    assert_eq!(resp.status(), 200, "the head was already sent");
    let mut body = resp.into_body();
    let mut got = Vec::new();
    let mut failed = false;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(f) => got.extend_from_slice(f.data_ref().map(|d| d.as_ref()).unwrap_or_default()),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "the response must end broken, not complete");
    assert!(!got.windows(8).any(|w| w == b"facebook"), "no part of the tracker tag passed");
    assert!(!got.windows(64).any(|w| w.iter().all(|&b| b == b'a')), "the buffered tag was not passed through");
    let m = proxy.metrics().await;
    assert_eq!(metric(&m, "consent_proxy_html_rewrite_errors_total{reason=\"memory_limit\"}"), 1.0, "{m}");
    proxy.stop().await;
}

#[tokio::test]
async fn report_only_mode_changes_no_html() {
    let page = fixture("trackers.html");
    let origin = html_origin(page.clone(), Some(13), vec![]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[("mode", "report")])).await;
    let (_, _, out) = fetch(&proxy, None, None).await;
    assert_eq!(out, page);
    let m = proxy.metrics().await;
    assert!(
        metric(&m, "consent_proxy_report_only_would_remove_total{category=\"marketing\",what=\"element_iframe\"}")
            >= 1.0,
        "{m}"
    );
    proxy.stop().await;
}

#[test]
fn the_checker_itself_finds_leaks() {
    assert!(is_tracker_url("//connect.facebook.net/x.js"));
    assert!(is_tracker_url("HTTPS://WWW.GOOGLE-ANALYTICS.COM./a.js"));
    assert!(!is_tracker_url("/js/app.js"));
    assert_eq!(leaks("<noscript><img src=\"https://www.facebook.com/tr?id=1\"></noscript>").len(), 1);
    assert_eq!(leaks("<script type=\"text/plain\">fbq('init')</script>").len(), 0);
}

/// An HTML origin that sends the first part of the page, then waits for `release`.
async fn gated_html_origin() -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let first = "<!DOCTYPE html><html><head><title>Live</title></head><body><h1>Breaking</h1><p>first part</p>\n";
    two_part_origin("text/html", first, "<p>rest</p></body></html>").await
}

#[tokio::test]
async fn rewritten_html_streams_before_the_origin_finishes() {
    for accept in [None, Some("gzip"), Some("br"), Some("zstd")] {
        let (origin, release) = gated_html_origin().await;
        let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
        let mut b = Request::get(proxy.url("/live"));
        if let Some(a) = accept {
            b = b.header("accept-encoding", a);
        }
        let resp = client().request(b.body(Full::new(Bytes::new())).unwrap()).await.unwrap();
        let mut body = resp.into_body();
        // The origin holds the rest until the first part has reached the client through the
        // rewriter and the encoder: a buffering proxy would never get here, and the timeout
        // fails the test instead of hanging it.
        let first = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame()).await;
        let first = first.unwrap_or_else(|_| panic!("{accept:?}: first bytes held back"));
        assert!(!first.unwrap().unwrap().into_data().unwrap().is_empty());
        release.send(()).unwrap();
        body.collect().await.unwrap();
        proxy.stop().await;
    }
}

#[tokio::test]
async fn a_304_never_revives_a_page_rewritten_for_another_consent_state() {
    let page = fixture("trackers.html");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Option<String>>::new()));
    let log = seen.clone();
    let origin = origin(move |req| {
        let page = page.clone();
        let log = log.clone();
        async move {
            let inm = req.headers().get("if-none-match").map(|v| v.to_str().unwrap().to_string());
            log.lock().unwrap().push(inm.clone());
            let mut r = if inm.as_deref() == Some("\"v1\"") {
                let mut r = Response::new(text_body(""));
                *r.status_mut() = StatusCode::NOT_MODIFIED;
                r
            } else {
                Response::new(text_body(page))
            };
            r.headers_mut().insert("etag", "\"v1\"".parse().unwrap());
            r.headers_mut().insert("content-type", "text/html".parse().unwrap());
            r
        }
    })
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let nav = |cookie: Option<String>, inm: Option<String>| {
        let mut b = Request::get(proxy.url("/article")).header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        if let Some(t) = inm {
            b = b.header("if-none-match", t);
        }
        b.body(Full::new(Bytes::new())).unwrap()
    };
    let (status, h, _) = send(nav(None, None)).await;
    assert_eq!(status, 200);
    let undecided_tag = h["etag"].to_str().unwrap().to_string();

    // Same state: the origin's 304 passes, re-keyed.
    let (status, h, _) = send(nav(None, Some(undecided_tag.clone()))).await;
    assert_eq!(status, 304);
    assert_eq!(h["etag"].to_str().unwrap(), undecided_tag);
    assert_eq!(seen.lock().unwrap().last().unwrap().as_deref(), Some("\"v1\""));

    // After accepting, the cached undecided body must not be revived: no validator reaches the
    // origin, and a full page rewritten for the new state comes back.
    let cookie = consent(&proxy, "action=accept_all").await;
    let (status, h, body) = send(nav(Some(cookie.clone()), Some(undecided_tag.clone()))).await;
    assert_eq!(status, 200);
    assert_eq!(seen.lock().unwrap().last().unwrap(), &None);
    assert_ne!(h["etag"].to_str().unwrap(), undecided_tag);
    assert!(body.contains("<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-XYZ\">"));

    // A raw tag from before the proxy cannot prove its state either.
    let (status, _, _) = send(nav(None, Some("\"v1\"".into()))).await;
    assert_eq!(status, 200);
    // Ranges on documents are served whole.
    let req = Request::get(proxy.url("/article"))
        .header("accept", "text/html")
        .header("range", "bytes=0-10")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (status, h, _) = send(req).await;
    assert_eq!(status, 200);
    assert!(h.get("accept-ranges").is_none());
    proxy.stop().await;
}

#[tokio::test]
async fn shared_cache_mode_serves_one_page_that_leaks_to_nobody() {
    let page = fixture("trackers.html");
    let headers = vec![("cache-control", "public, max-age=300".into()), ("etag", "\"p1\"".into())];
    let origin = html_origin(page, None, headers).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[("html.cache_mode", "shared")])).await;
    let accepted = consent(&proxy, "action=accept_all").await;
    let analytics_only = consent(&proxy, "action=save&categories=analytics").await;
    let (_, h1, undecided) = fetch(&proxy, None, None).await;
    let (_, h2, all) = fetch(&proxy, Some(&accepted), None).await;
    let (_, _, some) = fetch(&proxy, Some(&analytics_only), None).await;
    assert_eq!(undecided, all, "the page does not depend on the visitor's consent");
    assert_eq!(undecided, some);
    let out = String::from_utf8(undecided).unwrap();
    assert!(leaks(&out).is_empty(), "the one cached variant is safe for a visitor who refused: {:?}", leaks(&out));
    assert!(out.contains("data-shared=\"1\""), "banner.js activates in the browser");
    assert_eq!(h1["cache-control"], "public, max-age=300", "any cache may keep it");
    assert_eq!(h1["vary"], "Accept-Encoding");
    assert_eq!(h1["etag"], h2["etag"]);
    proxy.stop().await;
}

/// `<style media=>`: an attribute whose `=` is right before the tag's `>`. lol_html 3.0.3 read
/// the content of such a `<style>` (or `<script>`, `<title>`, `<textarea>`) as markup, so the
/// `<svg` of an inline SVG data URL in the CSS opened an SVG element, every later `<script>`
/// was taken for an SVG script (whose `src` a browser would ignore) and a tracker loaded; with
/// the meta-charset watcher on, the page failed instead. Fixed in vendor/lol_html (patch 1).
#[tokio::test]
async fn a_style_tag_with_an_empty_attribute_value_hides_nothing_after_it() {
    let page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style media=>.icon{background:url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>\")}</style>\
<script async src=\"https://connect.facebook.net/en_US/fbevents.js\"></script></head><body><p>Caf\xc3\xa9</p>\
<img src=\"https://www.facebook.com/tr?id=1&ev=PageView\"></body></html>"
        .to_vec();
    for content_type in ["text/html; charset=utf-8", "text/html"] {
        let origin = html_origin(page.clone(), Some(3), vec![("content-type", content_type.to_string())]).await;
        let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
        let (status, _, out) = fetch(&proxy, None, None).await;
        let out = String::from_utf8(out).unwrap();
        assert_eq!(status, 200, "{content_type}");
        assert!(
            out.contains("data-consent-src=\"https://connect.facebook.net/en_US/fbevents.js\""),
            "{content_type}: {out}"
        );
        assert!(
            out.contains("data-consent-src=\"https://www.facebook.com/tr?id=1&ev=PageView\""),
            "{content_type}: {out}"
        );
        assert!(out.contains("<p>Café</p>") && out.contains("cp-banner"), "{content_type}: {out}");
        proxy.stop().await;
    }
}

/// Where lol_html's simulation of the tree builder and a browser disagree about the namespace,
/// a `<script src>` is HTML to the browser (it loads) while lol_html reports it as SVG (whose
/// `src` means nothing): `<div><svg></div>` closes the `<svg>` in a browser, and a breakout tag
/// (`<img>`, `<b>`, `<font color>`, `</p>`) leaves every open `<svg>`, not only the innermost
/// (vendor/lol_html patch 8). Each such script must reach the browser disarmed, on the wire,
/// whatever namespace lol_html reports. (`tests/urloracle` checks the same contexts against
/// Chromium.)
#[tokio::test]
async fn a_script_after_broken_or_nested_svg_is_judged_as_the_browser_reads_it() {
    let gtag = "https://www.googletagmanager.com/gtag/js?id=G-1";
    for context in [
        "<div><svg><g></div>",
        "<svg><svg><img src=\"/a.png\" alt=\"\">",
        "<p>x<svg><g><svg></p>",
        "<svg><svg><font color=\"red\">x</font>",
        "<math><mi><svg><svg><b>x</b>",
        "<span><math><mrow></span>",
    ] {
        let page = format!(
            "<!DOCTYPE html><html><head><title>t</title></head><body>{context}<script async src=\"{gtag}\"></script>\
<p>after</p><svg><script href=\"https://connect.facebook.net/en_US/fbevents.js\"></script></svg></body></html>"
        );
        let origin =
            html_origin(page.into_bytes(), Some(7), vec![("content-type", "text/html; charset=utf-8".into())]).await;
        let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
        let (status, _, out) = fetch(&proxy, None, None).await;
        let out = String::from_utf8(out).unwrap();
        assert_eq!(status, 200, "{context}");
        assert!(out.contains(&format!("data-consent-src=\"{gtag}\"")), "{context}: {out}");
        assert!(!out.contains(&format!(" src=\"{gtag}\"")), "{context}: a live src: {out}");
        assert!(!out.contains(" href=\"https://connect.facebook.net"), "{context}: {out}");
        assert!(out.contains("<p>after</p>") && out.contains("cp-banner"), "{context}: {out}");
        proxy.stop().await;
    }
}

/// The Consent Mode defaults and banner.js go before the first script when the page has no
/// `<head>` or `<body>` tag; never before an SVG script, where the injected `<script src>`
/// would be an SVG script too and load nothing (the client guard would be missing).
#[tokio::test]
async fn the_head_snippet_is_not_injected_into_svg() {
    let page = b"<svg><script>var a = 1;</script></svg><p>x</p><script src=\"/own.js\"></script>".to_vec();
    let origin = html_origin(page, None, vec![("content-type", "text/html; charset=utf-8".into())]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (status, _, out) = fetch(&proxy, None, None).await;
    let out = String::from_utf8(out).unwrap();
    assert_eq!(status, 200);
    assert!(out.starts_with("<svg><script>var a = 1;</script></svg><p>x</p>"), "{out}");
    let snippet = out.find("gtag('consent','default'").expect("consent mode defaults injected");
    let banner = out.find("id=\"consent-proxy-script\"").expect("banner.js injected");
    let own = out.find("<script src=\"/own.js\">").expect("the page's own script");
    assert!(out.find("</svg>").unwrap() < snippet && snippet < own && banner < own, "{out}");
    proxy.stop().await;
}

/// A page cut inside an inline script (a truncated response, no `</body>`): a browser never runs
/// that script. The banner appended at the end would become its text, and the `</script>` in it
/// would make it run: a vendor snippet cut short, completed by our own markup into code that
/// loads the tracker (found by fuzzing; Chromium loaded Hotjar). Nothing is appended then.
#[tokio::test]
async fn nothing_is_appended_to_a_page_cut_inside_a_script() {
    let cut = "<!DOCTYPE html><title>t</title><p>x</p><script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:998,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-'";
    let origin =
        html_origin(cut.as_bytes().to_vec(), Some(3), vec![("content-type", "text/html; charset=utf-8".into())]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (status, _, out) = fetch(&proxy, None, None).await;
    let out = String::from_utf8(out).unwrap();
    assert_eq!(status, 200);
    let at = out.find("<script>(function(h,o").expect("the cut script, as sent");
    assert!(out.ends_with("'https://static.hotjar.com/c/hotjar-'"), "{out}");
    assert!(!out[at..].contains("</script>") && !out.contains("id=\"consent-proxy\""), "{out}");
    // The same page, complete, gets its banner (and the snippet made inert).
    let whole = format!("{cut},'.js?sv=');</script><p>after</p>");
    let origin =
        html_origin(whole.into_bytes(), Some(3), vec![("content-type", "text/html; charset=utf-8".into())]).await;
    let proxy2 = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (_, _, out) = fetch(&proxy2, None, None).await;
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("id=\"consent-proxy\"") && out.contains("data-consent-provider=\"Hotjar\""), "{out}");
    proxy.stop().await;
    proxy2.stop().await;
}

/// In SVG a `<style>` and a `<script>` hold markup, so one can sit inside the other, and lol_html
/// hands each text chunk to the handlers of both. The text is the innermost one's: a vendor
/// snippet in an SVG script inside an SVG style must stay inert (the style's CSS rewrite put it
/// back live: found by fuzzing, Chromium ran it), and a tracker `url()` in a style inside a
/// script must still be disarmed.
#[tokio::test]
async fn svg_scripts_and_styles_inside_each_other_keep_their_own_text() {
    let hotjar = "(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:998,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');";
    let css = "@import url(\"https://www.google-analytics.com/x.css\");";
    let page = format!(
        "<!DOCTYPE html><html><head><title>t</title></head><body>\
<svg><style>.a{{fill:red}}<script>{hotjar}</script>.b{{fill:blue}}</style></svg>\
<svg><script>var own = 1;<style>{css}</style></script></svg><p>after</p></body></html>"
    );
    let origin =
        html_origin(page.into_bytes(), Some(5), vec![("content-type", "text/html; charset=utf-8".into())]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &proxy_opts(&[])).await;
    let (status, _, out) = fetch(&proxy, None, None).await;
    let out = String::from_utf8(out).unwrap();
    assert_eq!(status, 200);
    assert!(out.contains("<svg><style>.a{fill:red}<script></script><script type=\"text/plain\""), "{out}");
    assert_eq!(out.matches("h._hjSettings={hjid:998").count(), 1, "only the inert copy: {out}");
    assert!(out.contains(".b{fill:blue}</style></svg>"), "{out}");
    assert!(!out.contains("url(\"https://www.google-analytics.com/x.css\")"), "{out}");
    assert!(out.contains("<svg><script>var own = 1;<style>"), "{out}");
    proxy.stop().await;
}
