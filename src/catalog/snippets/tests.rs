use super::*;

/// The vendors' snippets as they publish them (`tests/fixtures/snippets/*.js`, sources in
/// `SOURCES.md` there): (file name, text).
pub(crate) fn fixtures() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snippets");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/snippets")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "js").then(|| {
                (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap())
            })
        })
        .collect();
    out.sort();
    assert!(out.len() >= 16, "too few snippet fixtures: {}", out.len());
    out
}

fn any(_: &str) -> bool {
    true
}

#[test]
fn templates_compile() {
    assert!(compiled().len() >= 16);
}

#[test]
fn every_published_snippet_is_recognised_whole() {
    for (name, text) in fixtures() {
        assert!(whole_snippet(&text, any).is_some(), "{name} is not recognised:\n{text}");
    }
}

/// The shapes site code takes around a snippet in real pages: each makes the script more than
/// the snippet, so it must run.
pub(crate) const SITE_CODE: [(&str, &str); 8] = [
    ("after", "{s}\nwindow.slateAmplitudeQueue = { _q: [], push: function (e) { this._q.push(e); } };"),
    ("before", "var siteConfig = { lang: 'en', currency: 'EUR' };\n{s}"),
    ("function", "{s}\nfunction trackSignup(plan) { window.lastPlan = plan; }"),
    (
        "listener",
        "{s}\ndocument.addEventListener('click', function (e) { window.clicks = (window.clicks || 0) + 1; });",
    ),
    ("try", "try {\n{s}\n} catch (e) { console.warn('tracking failed', e); }"),
    ("if", "if (!window.__noTracking) {\n{s}\n}"),
    ("assignment", "window.__siteReady = true;\n{s}"),
    ("call-with-site-data", "{s}\nwindow.siteUser && window.siteUser.id;"),
];

#[test]
fn a_snippet_with_anything_else_is_not_a_snippet() {
    let fixtures = fixtures();
    for (name, text) in &fixtures {
        for (shape, wrap) in SITE_CODE {
            let mixed = wrap.replace("{s}", text);
            assert_eq!(whole_snippet(&mixed, any), None, "{name} + {shape}");
        }
    }
    // A second vendor's snippet after the first.
    for pair in fixtures.windows(2) {
        let two = format!("{}\n{}", pair[0].1, pair[1].1);
        assert_eq!(whole_snippet(&two, any), None, "{} + {}", pair[0].0, pair[1].0);
    }
}

#[test]
fn formatting_comments_and_ids_are_free() {
    let meta = "<!--\n/* Meta Pixel Code */\n!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?\
        n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;\
        n.version=\"2.0\";n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];\
        s.parentNode.insertBefore(t,s)}(window,document,\"script\",\"//connect.facebook.net/en_US/fbevents.js\")\n\
        fbq(\"init\", \"42\", {em: \"a@b.example\", external_id: 7})\nfbq(\"track\", \"Purchase\", {value: 9.5, currency: 'EUR', contents: [{id: 'x', quantity: 1}]})\n//-->";
    assert_eq!(whole_snippet(meta, any), Some("Meta Pixel"));
    // The function's parameters renamed consistently (a minifier's work).
    let clarity = "(function(a,b,c,d,e,f,g){a[c]=a[c]||function(){(a[c].q=a[c].q||[]).push(arguments)};\
        f=b.createElement(d);f.async=1;f.src=\"https://www.clarity.ms/tag/\"+e;g=b.getElementsByTagName(d)[0];\
        g.parentNode.insertBefore(f,g)})(window,document,\"clarity\",\"script\",\"abc\");";
    assert_eq!(whole_snippet(clarity, any), Some("Microsoft Clarity"));
    // …but not onto a name the snippet uses for something else.
    let aliased = clarity.replace("(a,b,", "(window,b,").replace("a[c]", "window[c]").replace("a,c", "window,c");
    assert_eq!(whole_snippet(&aliased, any), None);
}

#[test]
fn calls_with_site_values_are_site_code() {
    let gtm = "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});\
        var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;\
        j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})\
        (window,document,'script','dataLayer','GTM-1');";
    assert_eq!(whole_snippet(gtm, any), Some("Google Tag Manager"));
    let with_push = format!(
        "window.dataLayer = window.dataLayer || [];\ndataLayer.push({{pageType: 'product', price: 10}});\n{gtm}"
    );
    assert_eq!(whole_snippet(&with_push, any), Some("Google Tag Manager"));
    let with_site_value = format!("dataLayer.push({{user: window.currentUser}});\n{gtm}");
    assert_eq!(whole_snippet(&with_site_value, any), None);
    let with_callback = format!("{gtm}\ndataLayer.push({{event: 'x', eventCallback: function () {{ go(); }}}});");
    assert_eq!(whole_snippet(&with_callback, any), None);
}

#[test]
fn only_wanted_vendors_are_tried_and_unreadable_text_is_no_snippet() {
    let (_, meta) = fixtures().into_iter().find(|(n, _)| n.starts_with("meta")).expect("a Meta fixture");
    assert_eq!(whole_snippet(&meta, |p| p == "Hotjar"), None);
    assert_eq!(whole_snippet(&meta, |p| p == "Meta Pixel"), Some("Meta Pixel"));
    assert_eq!(whole_snippet(&format!("{meta}\n'unterminated"), any), None);
    assert_eq!(whole_snippet(&format!("{meta}\n{}", " ".repeat(SNIPPET_MAX)), any), None);
}
