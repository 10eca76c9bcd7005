//! Real cookie values as each consent manager writes them.

use super::formats::{cookiebot, cookieconsent, klaro, onetrust};
use super::*;
use crate::consent::settings::RawConsent;
use crate::consent::ConsentSettings;

pub const ONETRUST: &str = "isGpcEnabled=0&datestamp=Mon+Nov+30+2026+10%3A15%3A42+GMT%2B0100+(Central+European+Standard+Time)&version=202409.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=6d1f0e2a-4b3c-4d5e-9f8a-1b2c3d4e5f60&interactionCount=1&isAnonUser=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0%2CC0005%3A0&AwaitingReconsent=false&geolocation=SE%3BAB";
/// Written on the first page view, before the visitor chose anything.
pub const ONETRUST_UNDECIDED: &str = "isGpcEnabled=0&datestamp=Mon+Nov+30+2026+10%3A14%3A01+GMT%2B0100&version=202409.1.0&isIABGlobal=false&hosts=&consentId=6d1f0e2a-4b3c-4d5e-9f8a-1b2c3d4e5f60&interactionCount=0&landingPath=https%3A%2F%2Fshop.example%2F&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
pub const COOKIEBOT: &str = "{stamp:%27-2pZPcG0Ut4kUQ8JZ5r0SeFPSyXXz3p4ngM1KJp1mTHfn5n5Y0k0ew==%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:false%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1796030142123%2Cregion:%27se%27}";
pub const CC_V3: &str = "%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%5D%2C%22revision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222026-11-30T09%3A15%3A42.123Z%22%2C%22consentId%22%3A%228c0e5e29-5b8f-4a63-9e0b-2d1c6f3a7b10%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%22ga%22%5D%7D%2C%22languageCode%22%3A%22en%22%2C%22lastConsentTimestamp%22%3A%222026-11-30T09%3A15%3A42.123Z%22%2C%22expirationTime%22%3A1811754942123%7D";
pub const CC_V2: &str = r#"{"level":["necessary","targeting"],"revision":0,"data":null,"rfc_cookie":false}"#;
pub const KLARO: &str = "%7B%22google-analytics%22%3Atrue%2C%22facebook-pixel%22%3Afalse%2C%22youtube%22%3Atrue%7D";

/// 2026-11-30T12:00:00Z.
const NOW: u64 = 1_796_040_000;

fn choice(f: &Foreign, key: &str) -> Option<bool> {
    f.choices.iter().find(|(k, _)| k == key).map(|(_, on)| *on)
}

#[test]
fn onetrust_groups_need_a_closed_banner_or_an_interaction() {
    let f = onetrust(ONETRUST, Some("2026-11-30T09:15:42.123Z")).unwrap();
    assert_eq!(choice(&f, "C0002"), Some(true));
    assert_eq!(choice(&f, "C0004"), Some(false));
    assert_eq!(f.decided_at, Some(1_796_030_142));
    assert_eq!(f.id.as_deref(), Some("6d1f0e2a-4b3c-4d5e-9f8a-1b2c3d4e5f60"));
    // interactionCount=1 is a decision even without the banner-closed cookie (time unknown).
    assert_eq!(onetrust(ONETRUST, None).unwrap().decided_at, None);
    assert_eq!(onetrust(ONETRUST_UNDECIDED, None), None, "defaults before any choice are no decision");
    assert!(onetrust(ONETRUST_UNDECIDED, Some("2026-11-30T09:15:42.123Z")).is_some());
    assert_eq!(onetrust(&ONETRUST.replace("AwaitingReconsent=false", "AwaitingReconsent=true"), None), None);
    for bad in ["", "groups=", "interactionCount=1&groups=C0002%3Ayes", "%%%", &"x".repeat(20_000)] {
        assert_eq!(onetrust(bad, Some("2026-11-30T09:15:42Z")), None, "{bad:.40}");
    }
}

#[test]
fn cookiebot_object_literal() {
    let f = cookiebot(COOKIEBOT).unwrap();
    assert_eq!(choice(&f, "statistics"), Some(false));
    assert_eq!(choice(&f, "marketing"), Some(true));
    assert_eq!(choice(&f, "preferences"), Some(true));
    assert_eq!(choice(&f, "necessary"), None);
    assert_eq!(f.decided_at, Some(1_796_030_142));
    for bad in ["-1", "-2", "0", "{}", "{necessary:true}", "{stamp:'x'", "statistics:true"] {
        assert_eq!(cookiebot(bad), None, "{bad}");
    }
}

#[test]
fn cookieconsent_v3_and_v2() {
    let f = cookieconsent(CC_V3, NOW).unwrap();
    assert_eq!(choice(&f, "analytics"), Some(true));
    assert_eq!(choice(&f, "marketing"), None);
    assert_eq!(f.decided_at, Some(1_796_030_142));
    assert_eq!(f.id.as_deref(), Some("8c0e5e29-5b8f-4a63-9e0b-2d1c6f3a7b10"));
    let v2 = cookieconsent(CC_V2, NOW).unwrap();
    assert_eq!(choice(&v2, "targeting"), Some(true));
    assert_eq!(cookieconsent(CC_V3, 1_811_754_942 + 1), None, "past its expirationTime");
    for bad in ["{", "[]", r#"{"categories":"analytics"}"#, r#"{"revision":0}"#, "null"] {
        assert_eq!(cookieconsent(bad, NOW), None, "{bad}");
    }
}

#[test]
fn klaro_services() {
    let f = klaro(KLARO).unwrap();
    assert_eq!(choice(&f, "google-analytics"), Some(true));
    assert_eq!(choice(&f, "facebook-pixel"), Some(false));
    assert_eq!(klaro(r#"{"google-analytics":true}"#).map(|f| f.choices.len()), Some(1), "plain JSON too");
    for bad in ["{}", "true", r#"{"a":"yes"}"#, "%7B"] {
        assert_eq!(klaro(bad), None, "{bad}");
    }
}

fn settings(import: &[&str], maps: &[(&str, &[(&str, &str)])]) -> Result<ConsentSettings, SettingsError> {
    let mut raw = RawConsent { import: import.iter().map(|s| s.to_string()).collect(), ..Default::default() };
    for (source, pairs) in maps {
        raw.import_map.insert(source.to_string(), pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    }
    ConsentSettings::compile(raw)
}

fn headers(cookies: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(http::header::COOKIE, cookies.parse().unwrap());
    h
}

fn granted(s: &ConsentSettings, found: &Found) -> Vec<String> {
    found.granted.iter().map(|i| s.categories[i].id.clone()).collect()
}

#[test]
fn mapping_onto_our_categories() {
    let s = settings(&["onetrust", "cookiebot", "cookieconsent", "klaro"], &[]).unwrap();
    let find = |c: &str| s.import.find(&headers(c), s.necessary_only(), NOW);
    let ot = find(&format!("OptanonConsent={ONETRUST}; OptanonAlertBoxClosed=2026-11-30T09:15:42.123Z")).unwrap();
    assert_eq!((ot.source, granted(&s, &ot)), (Source::OneTrust, vec!["necessary".into(), "analytics".into()]));
    let cb = find(&format!("CookieConsent={COOKIEBOT}")).unwrap();
    assert_eq!(granted(&s, &cb), ["necessary", "marketing"]);
    let cc = find(&format!("cc_cookie={CC_V3}")).unwrap();
    assert_eq!(granted(&s, &cc), ["necessary", "analytics"]);
    let cc2 = find(&format!("cc_cookie={CC_V2}")).unwrap();
    assert_eq!(granted(&s, &cc2), ["necessary", "marketing"], "v2 `targeting` is marketing by default");
    // Klaro: analytics granted; marketing refused (facebook-pixel false), youtube unmapped.
    let kl = find(&format!("klaro={KLARO}")).unwrap();
    assert_eq!(granted(&s, &kl), ["necessary", "analytics"]);
    // Config order decides when several are present; a broken first one falls through.
    let both = find(&format!("CookieConsent=-1; OptanonConsent={ONETRUST}")).unwrap();
    assert_eq!(both.source, Source::OneTrust);
    assert_eq!(find("OptanonConsent=garbage; CookieConsent={broken"), None);
    // The id is derived from the foreign value: racing requests agree on it.
    assert_eq!(find(&format!("CookieConsent={COOKIEBOT}")).unwrap().consent_id, cb.consent_id);
    assert_eq!(cb.consent_id.len(), 22);
}

#[test]
fn a_category_needs_a_grant_and_no_refusal() {
    // C0004 (targeting) granted but C0005 (social media) refused: marketing stays refused.
    let s = settings(&["onetrust"], &[]).unwrap();
    let v = ONETRUST.replace("C0004%3A0", "C0004%3A1");
    let f = s.import.find(&headers(&format!("OptanonConsent={v}")), s.necessary_only(), NOW).unwrap();
    assert_eq!(granted(&s, &f), ["necessary", "analytics"]);
    let v = v.replace("C0005%3A0", "C0005%3A1");
    let f = s.import.find(&headers(&format!("OptanonConsent={v}")), s.necessary_only(), NOW).unwrap();
    assert_eq!(granted(&s, &f), ["necessary", "analytics", "marketing"]);
}

#[test]
fn configured_tables_replace_the_defaults() {
    let s = settings(&["klaro"], &[("klaro", &[("youtube", "marketing")])]).unwrap();
    let f = s.import.find(&headers(&format!("klaro={KLARO}")), s.necessary_only(), NOW).unwrap();
    assert_eq!(granted(&s, &f), ["necessary", "marketing"], "google-analytics is no longer mapped");
}

#[test]
fn off_by_default_and_bad_config_named() {
    let s = settings(&[], &[]).unwrap();
    assert!(s.import.is_empty());
    assert_eq!(s.import.find(&headers(&format!("CookieConsent={COOKIEBOT}")), s.necessary_only(), NOW), None);
    assert_eq!(settings(&["usercentrics"], &[]).unwrap_err().key, "consent.import");
    assert_eq!(settings(&["klaro"], &[("klaro", &[("x", "ads")])]).unwrap_err().key, "consent.import_map.klaro");
    assert_eq!(settings(&["klaro"], &[("klaro", &[("x", "necessary")])]).unwrap_err().key, "consent.import_map.klaro");
    assert_eq!(settings(&[], &[("osano", &[])]).unwrap_err().key, "consent.import_map");
}

proptest::proptest! {
    /// Whatever a browser sends in these cookies, reading them never panics, and a decision read
    /// from garbage maps only onto declared categories.
    #[test]
    fn any_foreign_value_is_read_without_panic(value in "\\PC{0,300}", raw in proptest::collection::vec(0u8..128, 0..300)) {
        let ascii = String::from_utf8(raw).unwrap();
        for v in [value.as_str(), ascii.as_str()] {
            let _ = onetrust(v, Some(v));
            let _ = cookiebot(v);
            let _ = cookieconsent(v, NOW);
            let _ = klaro(v);
        }
        let s = settings(&["onetrust", "cookiebot", "cookieconsent", "klaro"], &[]).unwrap();
        let jar = format!("OptanonConsent={ascii}; CookieConsent={ascii}; cc_cookie={ascii}; klaro={ascii}");
        if let Ok(v) = http::HeaderValue::from_str(&jar) {
            let mut h = HeaderMap::new();
            h.insert(http::header::COOKIE, v);
            if let Some(found) = s.import.find(&h, s.necessary_only(), NOW) {
                proptest::prop_assert!(found.granted.iter().all(|i| i < s.categories.len()));
            }
        }
    }
}
