//! Tests of inline-script classification: signatures name a vendor, the whole script must be
//! its snippet; operator signatures apply to any script.
use super::*;
use crate::catalog::snippets;
use crate::catalog::trackers_data::STUBBED_PROVIDERS;

fn builtin() -> TrackerCatalog {
    TrackerCatalog::new(TrackerCatalog::builtin_rules())
}

fn config(kind: TrackerMatch, pattern: &str, category: &str) -> TrackerRule {
    TrackerRule {
        kind,
        pattern: pattern.into(),
        category: category.into(),
        provider: "Config".into(),
        from_config: true,
    }
}

/// The first published snippet (`tests/fixtures/snippets/`) whose file name starts with `prefix`.
fn fixture(prefix: &str) -> String {
    snippets::tests::fixtures()
        .into_iter()
        .find(|(name, _)| name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no fixture {prefix}*"))
        .1
}

#[test]
fn vendors_with_snippets_are_stubbed_and_named_by_a_signature() {
    let rules = TrackerCatalog::builtin_rules();
    for p in snippets::providers() {
        // Neutralising a snippet is safe only when the site's later calls land on a stub.
        assert!(STUBBED_PROVIDERS.contains(&p), "{p} has a snippet template but no stub");
        assert!(
            rules.iter().any(|r| r.kind == TrackerMatch::InlineSignature && r.provider == p),
            "{p}: no signature names it, so its template is never tried"
        );
    }
}

#[test]
fn a_signature_alone_neutralises_nothing() {
    let cat = builtin();
    for r in TrackerCatalog::builtin_rules().iter().filter(|r| r.kind == TrackerMatch::InlineSignature) {
        let text = format!("var page = 1;\n{}'x');", r.pattern);
        assert_eq!(cat.classify_inline(&text).map(|m| m.provider.as_str()), None, "{:?}", r.pattern);
    }
}

#[test]
fn published_snippets_are_neutralised_with_their_vendors_rule() {
    let cat = builtin();
    for (file, provider, category) in [
        ("gtm", "Google Tag Manager", "analytics"),
        ("ga-analyticsjs", "Google Analytics", "analytics"),
        ("meta-pixel", "Meta Pixel", "marketing"),
        ("linkedin", "LinkedIn Insight Tag", "marketing"),
        ("tiktok", "TikTok Pixel", "marketing"),
        ("x-", "X (Twitter) Ads", "marketing"),
        ("pinterest", "Pinterest Tag", "marketing"),
        ("snap", "Snap Pixel", "marketing"),
        ("reddit", "Reddit Pixel", "marketing"),
        ("clarity", "Microsoft Clarity", "analytics"),
        ("hotjar", "Hotjar", "analytics"),
        ("mixpanel", "Mixpanel", "analytics"),
        ("posthog", "PostHog", "analytics"),
        ("amplitude", "Amplitude", "analytics"),
        ("matomo", "Matomo", "analytics"),
        ("bing-uet", "Microsoft Advertising (Bing UET)", "marketing"),
    ] {
        let text = fixture(file);
        let rule = cat.classify_inline(&text).unwrap_or_else(|| panic!("{file}: not neutralised:\n{text}"));
        assert_eq!((rule.provider.as_str(), rule.category.as_str()), (provider, category), "{file}");
    }
}

#[test]
fn every_published_snippet_is_named_and_neutralised() {
    let cat = builtin();
    for (name, text) in snippets::tests::fixtures() {
        assert!(cat.classify_inline(&text).is_some(), "{name} is not neutralised");
    }
}

/// The page that broke: Amplitude's snippet followed by the site's own queue object.
#[test]
fn a_snippet_followed_by_site_code_runs() {
    let cat = builtin();
    let amplitude = fixture("amplitude");
    let page =
        format!("{amplitude}\nwindow.slateAmplitudeQueue = {{ _q: [], push: function (e) {{ this._q.push(e); }} }};");
    assert!(cat.classify_inline(&amplitude).is_some());
    assert!(cat.classify_inline(&page).is_none());
    let meta = fixture("meta-pixel");
    let two = format!("{meta}\n{}", fixture("hotjar"));
    assert!(cat.classify_inline(&two).is_none(), "two vendors in one script run");
}

/// Calling a vendor's API is the site's code, not a loader: the guard's stubs absorb the calls.
#[test]
fn vendor_api_calls_are_not_loaders() {
    let cat = builtin();
    for text in [
        "window.dataLayer = window.dataLayer || [];\nfunction gtag(){dataLayer.push(arguments);}\n\
         gtag('js', new Date());\ngtag('config', 'G-XXXX');",
        "fbq(\"init\", \"1\")",
        "!function(e,t,n,s,u,a){e.twq||(s=e.twq=function(){})}(window,document,'script');twq('config','x');",
        "mixpanel.init(\"token\", {debug: false});",
        "amplitude.getInstance().init(\"k\");",
        "var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']);",
        "window.dataLayer = window.dataLayer || []; window.dataLayer.push({ 'gtm.start': new Date().getTime(), event: 'gtm.js' });",
        "(adsbygoogle = window.adsbygoogle || []).push({});",
    ] {
        assert!(cat.classify_inline(text).is_none(), "{text} → {:?}", cat.classify_inline(text));
    }
}

#[test]
fn harmless_inline_scripts_are_not_trackers() {
    let cat = builtin();
    for text in [
        "",
        "// Our analytics page: see /analytics. We do not use Google.\nvar analytics = {load: function(){}};",
        "const msg = \"our analytics page\"; console.log(msg + ' google ' + 'facebook');",
        "{\"@context\":\"https://schema.org\",\"@type\":\"Organization\",\"sameAs\":[\"https://www.facebook.com/shop\"]}",
        "var s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js';\n\
         document.head.appendChild(s);",
    ] {
        assert!(cat.classify_inline(text).is_none(), "{text} → {:?}", cat.classify_inline(text));
    }
}

#[test]
fn operator_signatures_apply_to_any_script_and_allow_markers_win() {
    let mut rules = TrackerCatalog::builtin_rules();
    rules.push(config(TrackerMatch::InlineSignature, "stats.shop.example", NOT_A_TRACKER));
    rules.push(config(TrackerMatch::InlineSignature, "myTracker.start(", "analytics"));
    let cat = TrackerCatalog::new(rules);
    assert_eq!(cat.classify_inline("document.getElementById('x'); myTracker.start({})").unwrap().provider, "Config");
    let matomo = fixture("matomo");
    assert_eq!(cat.classify_inline(&matomo).unwrap().provider, "Matomo");
    // The operator's allow marker: this Matomo is the site's own, self-hosted.
    let own = format!("{matomo}\n// stats.shop.example");
    assert!(cat.classify_inline(&own).is_none());
    // An operator's rule replacing a built-in signature's category applies to any script holding it.
    let mut rules = TrackerCatalog::builtin_rules();
    rules.push(TrackerRule {
        provider: "Meta Pixel".into(),
        ..config(TrackerMatch::InlineSignature, "/fbevents.js", "analytics")
    });
    let cat = TrackerCatalog::new(rules);
    let site = "loadLater('https://connect.facebook.net/en_US/fbevents.js'); renderCart();";
    assert_eq!(cat.classify_inline(site).unwrap().category, "analytics");
    let empty = TrackerCatalog::new(vec![]);
    assert!(empty.is_empty() && empty.classify_inline("fbq('init'").is_none());
}

#[test]
fn where_no_guard_runs_naming_a_vendor_is_enough() {
    let cat = builtin();
    let site = "loadLater('https://connect.facebook.net/en_US/fbevents.js'); renderCart();";
    assert!(cat.classify_inline(site).is_none());
    assert_eq!(cat.inline_vendor(site).unwrap().provider, "Meta");
    assert!(cat.inline_vendor("renderCart();").is_none());
    let mut rules = TrackerCatalog::builtin_rules();
    rules.push(config(TrackerMatch::InlineSignature, "renderCart", NOT_A_TRACKER));
    assert!(TrackerCatalog::new(rules).inline_vendor(site).is_none(), "the operator's allow marker wins");
}
