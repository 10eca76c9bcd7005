//! The tricks real pages play, one fixture per trick: URLs written every way a browser accepts,
//! `<base href>`, `srcset`/`<picture>`, posters, objects, `srcdoc`, speculation rules, the `Link`
//! header, unknown third parties.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use support::html::{leaks, without_banner};

/// The published Meta Pixel snippet.
const META: &str = include_str!("fixtures/snippets/meta-pixel.js");
use support::*;

async fn page_origin(html: &'static str, headers: Vec<(&'static str, &'static str)>) -> std::net::SocketAddr {
    origin(move |_| {
        let headers = headers.clone();
        async move {
            let mut r = Response::new(text_body(html));
            r.headers_mut().insert("content-type", "text/html; charset=utf-8".parse().unwrap());
            for (k, v) in headers {
                r.headers_mut().append(k, v.parse().unwrap());
            }
            r
        }
    })
    .await
}

async fn through(html: &'static str, extra: &[(&str, &str)]) -> (TestProxy, http::HeaderMap, String) {
    let origin = page_origin(html, vec![]).await;
    let mut opts = vec![("audit.sink", "/dev/null")];
    opts.extend_from_slice(extra);
    let proxy = TestProxy::start(&format!("http://{origin}"), &opts).await;
    let req = Request::get(proxy.url("/page")).header("host", "shop.example").body(Full::new(Bytes::new())).unwrap();
    let (_, h, body) = send(req).await;
    (proxy, h, body)
}

#[tokio::test]
async fn urls_are_parsed_as_a_browser_does() {
    let html = r#"<html><head>
<script src="HTTPS://WWW.GOOGLE-ANALYTICS.COM./analytics.js"></script>
<script src="\\connect.facebook.net\en_US\fbevents.js"></script>
<script src="/\connect.facebook.net/en_US/sdk.js"></script>
<script src=" https://www.googletagmanager.com/gtag/js?id=G-1 "></script>
<script src="https://www.google%2Danalytics.com/ga.js"></script>
<script src="https://spårning.example/t.js"></script>
</head><body></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    for original in [
        "HTTPS://WWW.GOOGLE-ANALYTICS.COM./analytics.js",
        "\\\\connect.facebook.net\\en_US\\fbevents.js",
        "/\\connect.facebook.net/en_US/sdk.js",
        " https://www.googletagmanager.com/gtag/js?id=G-1 ",
    ] {
        assert!(out.contains(&format!("data-consent-src=\"{original}\"")), "{original} not neutralised:\n{out}");
    }
    assert!(leaks(&out).is_empty(), "{:?}", leaks(&out));
    proxy.stop().await;
}

#[tokio::test]
async fn idn_hosts_match_rules_written_in_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[audit]\nsink = \"/dev/null\"\n[[trackers.rules]]\npattern = \"spårning.example\"\ncategory = \"analytics\"\nprovider = \"Spårning AB\"\n").unwrap();
    let origin = page_origin(r#"<html><body><img src="https://SPÅRNING.example/p.gif"><img src="https://xn--sprning-fxa.example/q.gif"><img src="https://ok.example/r.gif"></body></html>"#, vec![]).await;
    let mut source = test_source(&format!("http://{origin}"), &[]);
    source.file = Some(path);
    let proxy = TestProxy::start_with(source).await;
    let (_, _, out) = get(&proxy.url("/")).await;
    assert_eq!(out.matches("data-consent-provider=\"Spårning AB\"").count(), 2, "{out}");
    assert!(out.contains("<img src=\"https://ok.example/r.gif\">"));
    proxy.stop().await;
}

#[tokio::test]
async fn base_href_resolves_relative_tracker_urls() {
    let html = r#"<html><head><base href="https://www.google-analytics.com/"><script src="analytics.js"></script></head>
<body><img src="collect?v=1&t=pageview"><base href="/ignored-second-base/"><a href="/x">x</a></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("data-consent-src=\"analytics.js\""), "{out}");
    assert!(out.contains("data-consent-src=\"collect?v=1&t=pageview\""), "{out}");
    proxy.stop().await;
}

#[tokio::test]
async fn every_element_that_loads_a_url_is_covered() {
    let html = r#"<html><head>
<link rel="stylesheet" href="https://connect.facebook.net/style.css">
<link rel="modulepreload" href="https://static.hotjar.com/m.js">
<link rel="prerender" href="https://www.facebook.com/tr?id=9">
<link rel="canonical" href="https://www.facebook.com/our-page">
<script type="speculationrules">{"prerender":[{"source":"list","urls":["https://www.facebook.com/tr?id=2"]}]}</script>
<script type="speculationrules">{"prefetch":[{"source":"list","urls":["/next-page"]}]}</script>
</head><body>
<picture><source srcset="https://www.facebook.com/tr?id=3 1x"><img src="/ok.png" alt=""></picture>
<video poster="https://px.ads.linkedin.com/collect/?pid=1" src="/movie.mp4"></video>
<object data="https://www.youtube.com/embed/obj"></object>
<embed src="https://www.youtube.com/embed/emb">
<input type="image" src="https://www.facebook.com/tr?id=4">
<iframe srcdoc="<img src='https://www.facebook.com/tr?id=5'><p>hi</p>"></iframe>
<iframe srcdoc="<script>{META}</script>"></iframe>
<iframe srcdoc="<p>harmless</p>"></iframe>
</body></html>"#;
    let html = html.replace("{META}", META.trim()).leak();
    let (proxy, _, out) = through(html, &[]).await;
    assert!(leaks(&out).is_empty(), "{:#?}\n{out}", leaks(&out));
    assert!(
        out.contains("<link rel=\"canonical\" href=\"https://www.facebook.com/our-page\">"),
        "a canonical link loads nothing"
    );
    assert!(out.contains("data-consent-href=\"https://connect.facebook.net/style.css\""));
    assert!(out.contains("<script type=\"text/plain\" data-consent-type=\"speculationrules\""), "{out}");
    assert!(
        out.contains("{\"prefetch\":[{\"source\":\"list\",\"urls\":[\"/next-page\"]}]}</script>"),
        "first-party rules stay"
    );
    assert!(out.contains("data-consent-poster=\"https://px.ads.linkedin.com/collect/?pid=1\""), "{out}");
    assert!(out.contains("<iframe srcdoc=\"<p>harmless</p>\"></iframe>"), "{out}");
    assert!(out.contains("data-consent-srcdoc="), "an srcdoc with a vendor snippet waits for consent");
    assert!(!out.contains("srcdoc=\"<img src='https://www.facebook.com"), "{out}");
    proxy.stop().await;
}

/// The live values of an attribute (`name="…"`, not `data-consent-name="…"`), as written.
fn live_attrs<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let pat = format!(" {name}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .collect()
}

#[tokio::test]
async fn character_references_in_attributes_are_read_as_the_browser_reads_them() {
    // Page builders write quotes inside attributes as &quot;: the browser decodes them before it
    // parses the CSS or the srcdoc document, so the proxy must judge the decoded text.
    let html = r#"<html><head></head><body>
<div class="thumb" style="background-image: url(&quot;https://www.facebook.com/tr?id=7&amp;ev=ViewContent&quot;); color: red">x</div>
<iframe srcdoc="<img src=&quot;https://www.facebook.com/tr?id=8&quot;><p>x</p>"></iframe>
<iframe srcdoc="&lt;script src=&quot;https://connect.facebook.net/en_US/fbevents.js&quot;&gt;&lt;/script&gt;&lt;p title=&quot;a&quot;&gt;fish &amp;amp; chips&lt;/p&gt;"></iframe>
<img src="/own.png?w=1&amp;h=2" alt="">
<div style="background:url(&quot;/own-hero.jpg&quot;)">own</div>
</body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    for style in live_attrs(&out, "style") {
        assert!(!style.contains("facebook.com"), "a tracker behind &quot; is still live: {style}\n{out}");
    }
    assert!(out.contains("color: red"), "the rest of the style stays: {out}");
    assert!(out.contains("data-consent-style=\"background-image: url(&quot;https://www.facebook.com/tr?id=7&amp;ev=ViewContent&quot;); color: red\""),
        "the original is kept as written, for banner.js to put back: {out}");
    for doc in live_attrs(&out, "srcdoc") {
        assert!(
            doc.contains("data-consent-") || doc.contains("action=&quot;/__consent&quot;"),
            "neutralised inside, or replaced by the click-to-load placeholder: {doc}"
        );
        let decoded = doc.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">");
        assert!(
            !decoded.contains(" src=\"https://www.facebook.com")
                && !decoded.contains(" src=\"https://connect.facebook.net"),
            "a tracker inside an encoded srcdoc is still live: {doc}\n{out}"
        );
    }
    // The fragment's own text survives the round trip: decoded once by the browser, it is the
    // same `&amp;` the site wrote.
    assert!(out.contains("fish &amp;amp; chips"), "{out}");
    // First-party references are passed on byte for byte.
    assert!(out.contains(r#"<img src="/own.png?w=1&amp;h=2" alt="">"#), "{out}");
    assert!(out.contains(r#"<div style="background:url(&quot;/own-hero.jpg&quot;)">own</div>"#), "{out}");
    proxy.stop().await;
}

#[tokio::test]
async fn references_without_semicolons_are_decoded_as_the_tokenizer_does() {
    // Chromium loads each of these from the tracker: numeric references need no `;` (leading
    // zeros, `X`), legacy named ones (`&amp`) neither.
    let html = r#"<html><head></head><body>
<img id="a" src="https://www&#46facebook&#0046com/tr?id=1">
<img id="b" src="https:&#47&#0047www.facebook.com&#X2F;tr?id=2">
<script id="c" src="https&#58//connect.facebook.net/en_US/fbevents.js"></script>
<iframe id="d" src="https://www.youtube.com&#47embed/x1"></iframe>
<img id="e" src="https://www.facebook.com/tr?id=5&ampcd=1&copy=2">
<img id="f" src="/own.png?a=1&amp=2&ampx=3&not=4&lt=5">
<img id="g" src="https&sol;/www.facebook.com/tr?id=7">
</body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    for id in ["a", "b", "d", "e"] {
        let tag = out.split(&format!("id=\"{id}\"")).nth(1).unwrap_or("").split('>').next().unwrap_or("");
        assert!(tag.contains("data-consent-src"), "#{id} is still live: {tag}\n{out}");
        assert!(!tag.contains(" src="), "#{id} keeps a src: {tag}");
    }
    assert!(out.contains(r#"data-consent-src="https&#58//connect.facebook.net/en_US/fbevents.js""#), "{out}");
    // `&amp=`, `&ampx`, `&not=` stay as written in an attribute (the attribute exception); the
    // first-party image is passed on byte for byte.
    assert!(out.contains(r#"<img id="f" src="/own.png?a=1&amp=2&ampx=3&not=4&lt=5">"#), "{out}");
    // No colon once decoded (`https//www…`): a relative URL on the page's own host, left alone.
    assert!(out.contains(r#"<img id="g" src="https&sol;/www.facebook.com/tr?id=7">"#), "{out}");
    proxy.stop().await;
}

#[tokio::test]
async fn srcset_candidates_and_attributes_are_judged_one_by_one() {
    // What Chromium loads decides: a harmless candidate beside a tracker stays (at any pixel
    // density only harmless ones are left), a tracker `src` goes while the `srcset` the browser
    // prefers stays, `a,b` without a space is one URL, and a raw NUL is U+FFFD (a relative URL).
    let html = r#"<html><body>
<img id="a" srcset="/hero.png 1x, https://www.facebook.com/tr?id=1 2x">
<img id="b" src="https://www.facebook.com/tr?id=2" srcset="/hero.png 1x">
<img id="c" srcset="https://cdn.example/a.png,https://www.facebook.com/tr?id=3">
<img id="d" srcset="https://www.facebook.com/tr?id=4 1x">
<img id="e" src="&#0;https://www.facebook.com/tr?id=5">
<img id="f" src="///www.facebook.com/tr?id=6">
<img id="g" srcset="https://www.facebook.com/tr?id=7 1x, /a.png 2x,/b.png 3x">
<img id="h" srcset="/a.png 1x, https://www.facebook.com/tr?id=8 2x, /b.png 3x, https://www.facebook.com/tr?id=9 4x">
</body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    let tag = |id: &str| {
        out.split(&format!("<img id=\"{id}\"")).nth(1).unwrap_or("").split('>').next().unwrap_or("").to_owned()
    };
    assert!(
        tag("a").contains(r#" srcset="/hero.png 1x""#) && tag("a").contains("data-consent-srcset="),
        "{}",
        tag("a")
    );
    assert!(tag("b").contains(r#" srcset="/hero.png 1x""#) && tag("b").contains("data-consent-src="), "{}", tag("b"));
    assert!(!tag("b").contains(" src="), "{}", tag("b"));
    assert_eq!(tag("c"), r#" srcset="https://cdn.example/a.png,https://www.facebook.com/tr?id=3""#);
    assert!(tag("d").contains("data-consent-srcset=") && !tag("d").contains(" srcset="), "{}", tag("d"));
    assert_eq!(tag("e"), r#" src="&#0;https://www.facebook.com/tr?id=5""#);
    assert!(tag("f").contains("data-consent-src="), "{}", tag("f"));
    // The harmless candidates keep their order and descriptors, wherever the trackers were.
    assert!(tag("g").contains(r#" srcset="/a.png 2x, /b.png 3x""#), "{}", tag("g"));
    assert!(tag("h").contains(r#" srcset="/a.png 1x, /b.png 3x""#), "{}", tag("h"));
    assert!(leaks(&out).is_empty(), "{:?}", leaks(&out));
    proxy.stop().await;
}

#[tokio::test]
async fn css_neutralisation_can_be_switched_off_for_speed() {
    // html.css = false: the operator trades the CSS leak for 19–26% of rewrite throughput;
    // scripts, pixels and frames are still neutralised.
    let html = r#"<html><head><style>.t{background:url(https://www.facebook.com/tr?id=1)}</style></head><body>
<div style="background-image:url(https://www.facebook.com/tr?id=2)">x</div>
<img src="https://www.facebook.com/tr?id=3">
</body></html>"#;
    let (proxy, _, out) = through(html, &[("html.css", "false")]).await;
    assert!(out.contains(".t{background:url(https://www.facebook.com/tr?id=1)}"), "{out}");
    assert!(out.contains(r#"<div style="background-image:url(https://www.facebook.com/tr?id=2)">x</div>"#), "{out}");
    assert!(out.contains(r#"data-consent-src="https://www.facebook.com/tr?id=3""#), "{out}");
    proxy.stop().await;
    // The default neutralises both.
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains(".t{background:none}") && out.contains("background-image:none"), "{out}");
    proxy.stop().await;
}

#[tokio::test]
async fn link_headers_to_trackers_are_removed() {
    let origin = page_origin(
        "<html><body>ok</body></html>",
        vec![
            ("link", "<https://www.googletagmanager.com>; rel=preconnect, </style.css>; rel=preload; as=style"),
            ("link", "<https://connect.facebook.net/en_US/fbevents.js>; rel=preload; as=script"),
        ],
    )
    .await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("audit.sink", "/dev/null")]).await;
    let (_, h, _) = get(&proxy.url("/")).await;
    let links: Vec<&str> = h.get_all("link").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(links, ["</style.css>; rel=preload; as=style"]);
    proxy.stop().await;
}

#[tokio::test]
async fn unknown_third_parties_are_listed_and_blocked_on_request() {
    let html = r#"<html><body><script src="https://cdn.unknown-widgets.example/w.js"></script><img src="https://img.shop.example/a.png"><img src="https://cdn.unknown-widgets.example/badge.png"><script src="/own.js"></script></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("<script src=\"https://cdn.unknown-widgets.example/w.js\"></script>"), "allowed by default");
    assert!(
        out.contains("<img src=\"https://img.shop.example/a.png\">"),
        "the site's own subdomains are not third parties"
    );
    let (_, _, discovery) = get(&format!("http://{}/discovery", proxy.admin)).await;
    let d: serde_json::Value = serde_json::from_str(&discovery).unwrap();
    // Counted once per page, however many of its URLs use the host.
    assert_eq!(d["unknown_third_party_hosts"]["cdn.unknown-widgets.example"]["count"], 1, "{d}");
    assert!(d["unknown_third_party_hosts"].get("img.shop.example").is_none());
    proxy.stop().await;

    let (proxy, _, out) = through(html, &[("trackers.unknown_third_party", "block")]).await;
    assert!(out.contains("data-consent-src=\"https://cdn.unknown-widgets.example/w.js\""), "{out}");
    assert!(out.contains("<script src=\"/own.js\"></script>"));
    proxy.stop().await;
}

#[tokio::test]
async fn sites_are_told_apart_by_the_public_suffix_list() {
    // www.shop.co.uk: static.shop.co.uk is the same site, ads.co.uk and shop.github.io's
    // neighbour other.github.io are not (co.uk and github.io are public suffixes).
    let html = r#"<html><head></head><body><img src="https://static.shop.co.uk/a.png"><img src="https://ads.co.uk/p.gif"><img src="https://other.github.io/x.png"></body></html>"#;
    let origin = page_origin(html, vec![]).await;
    let opts = [("audit.sink", "/dev/null"), ("trackers.unknown_third_party", "block")];
    let proxy = TestProxy::start(&format!("http://{origin}"), &opts).await;
    let req = Request::get(proxy.url("/page")).header("host", "www.shop.co.uk").body(Full::new(Bytes::new())).unwrap();
    let out = send(req).await.2;
    assert!(out.contains("<img src=\"https://static.shop.co.uk/a.png\">"), "the site's own subdomain: {out}");
    assert!(out.contains("data-consent-src=\"https://ads.co.uk/p.gif\""), "another site under co.uk: {out}");
    assert!(out.contains("data-consent-src=\"https://other.github.io/x.png\""), "{out}");
    assert!(out.contains("data-site=\"shop.co.uk\""), "the client guard gets the same site: {out}");
    proxy.stop().await;
}

#[tokio::test]
async fn a_policy_table_placeholder_is_filled_with_the_cookie_declaration() {
    let html =
        r#"<html><body><h1>Our cookie policy</h1><consent-policy-table>Loading…</consent-policy-table></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("<consent-policy-table><section id=\"necessary\"><h2>Necessary</h2>"), "{out}");
    assert!(out.contains("<code>consent</code>"), "the consent cookie is declared");
    assert!(!out.contains("Loading"));
    assert!(!out.contains("<code>_hjSessionUser_"), "without scope=all only cookies seen or configured are listed");
    proxy.stop().await;
    let html = r#"<html><body><consent-policy-table scope="all">Loading…</consent-policy-table></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("<code>_hjSessionUser_"), "scope=all lists the whole catalog");
    proxy.stop().await;
}

#[tokio::test]
async fn head_gets_the_headers_get_would_get() {
    let html = "<html><head></head><body><p>hi</p></body></html>";
    let origin = page_origin(html, vec![("etag", "\"v1\""), ("cache-control", "public, max-age=60")]).await;
    let proxy = TestProxy::start(&format!("http://{origin}"), &[("audit.sink", "/dev/null")]).await;
    let request =
        |method: &str| Request::builder().method(method).uri(proxy.url("/page")).body(Full::new(Bytes::new())).unwrap();
    let (_, get, _) = send(request("GET")).await;
    let (status, head, body) = send(request("HEAD")).await;
    assert_eq!((status, body.as_str()), (200, ""));
    for name in ["etag", "vary", "cache-control", "content-encoding"] {
        assert_eq!(head.get(name), get.get(name), "{name}: HEAD and GET differ");
    }
    assert!(head["etag"].to_str().unwrap().starts_with("W/\"v1~cp."), "the tag is keyed: {:?}", head["etag"]);
    assert!(head.get("content-length").is_none(), "the origin's length is not the rewritten page's");
    proxy.stop().await;
}

/// What a browser does with markup the rewriter must not misread; each found by fuzzing
/// (`fuzz/regressions/rewrite_html`).
#[tokio::test]
async fn markup_that_fuzzing_found_is_judged_as_a_browser_parses_it() {
    let cases: &[(&str, &str, &[&str])] = &[
        // <image> is <img> to the HTML tree builder.
        (
            "image tag",
            r#"<body><image src="https://www.facebook.com/tr?id=1"></body>"#,
            &["data-consent-src=\"https://www.facebook.com/tr?id=1\""],
        ),
        // SVG scripts load href / xlink:href; SVG images load href.
        (
            "svg script href",
            r#"<body><svg><script href="https://www.googletagmanager.com/gtag/js?id=G-1"></script></svg></body>"#,
            &["data-consent-href=\"https://www.googletagmanager.com/gtag/js?id=G-1\"", "type=\"text/plain\""],
        ),
        (
            "svg script xlink:href",
            r#"<body><svg><script xlink:href="https://connect.facebook.net/en_US/fbevents.js"></script></svg></body>"#,
            &["data-consent-href=\"https://connect.facebook.net/en_US/fbevents.js\""],
        ),
        (
            "svg image href",
            r#"<body><svg><image href="https://www.facebook.com/tr?id=2"/></svg></body>"#,
            &["data-consent-href=\"https://www.facebook.com/tr?id=2\""],
        ),
        // In SVG, src means nothing: the text runs and is judged.
        (
            "svg script with src and tracker text",
            r#"<body><svg><script src="/own.js">{META}</script></svg></body>"#,
            &["<script src=\"/own.js\"></script>", "data-consent-provider=\"Meta Pixel\">!function(f,b,e,v,n,t,s)"],
        ),
        // The spec's other JavaScript MIME types run.
        (
            "javascript1.2",
            r#"<head><script type="text/javascript1.2" src="https://connect.facebook.net/en_US/fbevents.js"></script></head>"#,
            &["data-consent-src=\"https://connect.facebook.net/en_US/fbevents.js\""],
        ),
        (
            "x-ecmascript inline",
            r#"<head><script type="application/x-ecmascript">{META}</script></head>"#,
            &["data-consent-category=\"marketing\""],
        ),
        // Only the first <base href> counts.
        (
            "first base",
            r#"<head><base href="https://www.facebook.com/"><base href="https://shop.example/"></head><body><img src="tr?id=1&ev=PageView"></body>"#,
            &["data-consent-src=\"tr?id=1&ev=PageView\""],
        ),
        // Consent-manager markup with a live tracker src beside data-src.
        (
            "marked with a live src",
            r#"<body><img data-src="/a.png" data-cookieconsent="marketing" src="https://www.facebook.com/tr?id=1"><iframe data-src="https://www.youtube.com/embed/x" data-cookieconsent="marketing" src="https://www.facebook.com/tr?id=2"></iframe></body>"#,
            &[
                "data-consent-src=\"https://www.facebook.com/tr?id=1\"",
                "data-consent-src=\"https://www.facebook.com/tr?id=2\"",
                "data-src=\"/a.png\"",
            ],
        ),
        // An SVG script's content is markup: its text after a child element runs too.
        (
            "svg script text after a child element",
            r#"<body><svg><script><x></x>{META}</script></svg></body>"#,
            &["data-consent-provider=\"Meta Pixel\""],
        ),
        // In SVG a script can hold another; the outer one's text after it runs too.
        (
            "svg script inside an svg script",
            r#"<body><svg><script><script></script>{META}</script></svg></body>"#,
            &["data-consent-provider=\"Meta Pixel\""],
        ),
        // A <noscript> inside <noscript> is markup without JavaScript.
        (
            "nested noscript",
            r#"<body><noscript><p>x</p><noscript><img src="https://www.facebook.com/tr?id=1"></noscript></noscript></body>"#,
            &[],
        ),
        // In SVG, <noscript> is an ordinary element and <i> breaks out into HTML.
        ("svg noscript", r#"<body><svg><noscript><i><script>{META}</script></i></noscript></svg></body>"#, &[]),
    ];
    for (name, html, expected) in cases {
        let html: &'static str = html.replace("{META}", META.trim()).leak();
        let (proxy, _, out) = through(html, &[]).await;
        // (A <base href> itself loads nothing.)
        let page = without_banner(&out).replace(r#"<base href="https://www.facebook.com/">"#, "");
        for needle in *expected {
            assert!(page.contains(needle), "{name}: missing {needle}\n{page}");
        }
        for live in [
            " src=\"https://www.facebook.com",
            " href=\"https://www.googletagmanager.com",
            " xlink:href=\"https://connect.facebook.net",
            " href=\"https://www.facebook.com",
            " src=\"https://connect.facebook.net",
            "<img src=\"https://www.facebook.com",
        ] {
            assert!(!page.contains(live), "{name}: a refused tracker is live ({live})\n{page}");
        }
        if name.contains("noscript") {
            assert!(
                !page.contains("<img src=\"https://www.facebook.com") && !page.contains("<script>fbq"),
                "{name}\n{page}"
            );
        }
        proxy.stop().await;
    }
}

/// A page that ends inside a tag: the browser drops the unfinished tag at the end of input,
/// so the banner appended after it must not complete it.
#[tokio::test]
async fn a_page_ending_inside_a_tag_does_not_let_the_banner_complete_it() {
    let html = r#"<html><head><title>cut</title></head><p>text</p><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(!out.contains("googletagmanager"), "the unfinished tracker tag is cut: {out}");
    assert!(out.contains("<p>text</p>"), "{out}");
    assert!(out.contains("id=\"consent-proxy\""), "the banner is still appended: {out}");
    proxy.stop().await;
}

/// A `<base href>` to another site moves every relative URL there, the proxy's own included:
/// banner.js, banner.css and the forms then name this site in full.
#[tokio::test]
async fn the_proxys_own_urls_stay_on_the_site_under_a_foreign_base() {
    let html = r#"<html><head><base href="https://www.facebook.com/"></head><body><iframe src="https://www.youtube.com/embed/x"></iframe></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("<link rel=\"stylesheet\" href=\"http://shop.example/__consent/banner.css"), "{out}");
    assert!(out.contains("<form method=\"post\" action=\"http://shop.example/__consent\">"), "{out}");
    assert!(
        out.contains("action=&quot;http://shop.example/__consent&quot;")
            || out.contains("action=\"http://shop.example/__consent\" target"),
        "the placeholder's form: {out}"
    );
    assert!(!out.contains("href=\"/__consent/banner.css"), "{out}");
    proxy.stop().await;
    // No <head> tag: the banner.js tag lands after the <base>, before the first script.
    let html = r#"<base href="https://www.facebook.com/"><script src="/app.js"></script><p>x</p>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("<script src=\"http://shop.example/__consent/banner.js?v="), "{out}");
    proxy.stop().await;
    // A base on the same site changes nothing.
    let html = r#"<html><head><base href="/shop/"></head><body></body></html>"#;
    let (proxy, _, out) = through(html, &[]).await;
    assert!(out.contains("href=\"/__consent/banner.css"), "{out}");
    proxy.stop().await;
}
