//! The banner's server side: configured texts (escaped), theme, position, template override.

mod support;

use support::*;

async fn page_with(config: &str) -> (TestProxy, String, String) {
    let origin = origin(|_| async {
        let mut r = http::Response::new(text_body("<html><head></head><body><p>hi</p></body></html>"));
        r.headers_mut().insert("content-type", "text/html".parse().unwrap());
        r
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let config = config.replace("DIR", dir.path().to_str().unwrap());
    std::fs::write(&path, format!("[audit]\nsink = \"/dev/null\"\n{config}")).unwrap();
    let mut source = test_source(&format!("http://{origin}"), &[]);
    source.file = Some(path);
    let proxy = TestProxy::start_with(source).await;
    let (_, _, page) = get(&proxy.url("/")).await;
    let css_href =
        page.split("href=\"/__consent/banner.css").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
    let (_, _, css) = get(&proxy.url(&format!("/__consent/banner.css{css_href}"))).await;
    drop(dir);
    (proxy, page, css)
}

#[tokio::test]
async fn configured_texts_are_escaped_and_themes_reach_the_stylesheet() {
    let (proxy, page, css) = page_with(
        "[banner]\nposition = \"top\"\n[banner.theme]\nprimary = \"#004400\"\n[banner.texts.en]\ntitle = \"Kakor <script>alert(1)</script> & co\"\naccept = \"Yes – fine\"\n",
    )
    .await;
    assert!(page.contains("Kakor &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), "{page}");
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains(">Yes &#8211; fine</button>"), "non-ASCII becomes a character reference");
    assert!(page.contains("class=\"cp-banner cp-top\""));
    assert!(css.starts_with("#consent-proxy{--cp-primary:#004400;"), "{css}");
    proxy.stop().await;
}

#[tokio::test]
async fn a_template_file_replaces_the_markup() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("banner.html");
    std::fs::write(
        &template,
        "<div id=\"consent-proxy\" class=\"my-banner\" role=\"dialog\" aria-label=\"{{title}}\">{{stylesheet}}{{form_open}}<b>{{title}}</b>{{buttons}}{{settings_layer}}{{form_close}}</div>",
    )
    .unwrap();
    let (proxy, page, _) = page_with(&format!("[banner]\ntemplate_file = \"{}\"\n", template.display())).await;
    assert!(
        page.contains(
            "<div id=\"consent-proxy\" class=\"my-banner\" role=\"dialog\" aria-label=\"Cookies on this website\">"
        ),
        "{page}"
    );
    assert!(page.contains("<form method=\"post\" action=\"/__consent\">"));
    assert!(page.contains("value=\"accept_all\""));
    assert!(!page.contains("{{"), "every placeholder is filled");
    proxy.stop().await;

    std::fs::write(&template, "<div>no form</div>").unwrap();
    let source = {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, format!("[banner]\ntemplate_file = \"{}\"\n", template.display())).unwrap();
        let mut s = test_source("http://127.0.0.1:1", &[]);
        s.file = Some(path);
        s
    };
    assert_eq!(source.load().unwrap_err().key, "banner.template_file");
}
