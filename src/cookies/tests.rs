use super::*;
use crate::consent::settings::RawConsent;
use crate::consent::CategorySet;
use crate::cookies::RawCookieRule;

fn setup(unknown: UnknownCookies) -> (ConsentSettings, CookiePolicy) {
    let consent = ConsentSettings::compile(RawConsent::default()).unwrap();
    let raw = RawCookies {
        unknown_cookies: unknown,
        strip_request: true,
        rules: vec![RawCookieRule {
            name: "shop_pref_*".into(),
            category: "analytics".into(),
            provider: "Shop".into(),
            purpose: "test".into(),
            duration: "1 day".into(),
            party: Party::First,
        }],
    };
    let policy = CookiePolicy::compile(raw, &consent).unwrap();
    (consent, policy)
}

fn state(consent: &ConsentSettings, ids: &[&str]) -> ConsentState {
    let granted = ids.iter().fold(consent.necessary_only(), |g, id| g.with(consent.category_index(id).unwrap()));
    ConsentState {
        decided: !ids.is_empty(),
        granted,
        services: Default::default(),
        gpc: false,
        consent_id: None,
        decided_at: None,
    }
}

fn response(cookies: &[&str]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for c in cookies {
        h.append(SET_COOKIE, HeaderValue::from_str(c).unwrap());
    }
    h
}

fn names(h: &HeaderMap) -> Vec<String> {
    h.get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().split('=').next().unwrap().to_string()).collect()
}

const ORIGIN_COOKIES: [&str; 7] = [
    "sessionid=abc; Path=/; HttpOnly",
    "_ga=GA1.1.1.1; Max-Age=63072000",
    "_ga_XYZ=GS1; Max-Age=63072000",
    "_fbp=fb.1.2.3; Max-Age=7776000",
    "mystery=1",
    "shop_pref_theme=dark",
    "consent=1.1.1.forged.necessary~analytics~marketing",
];

#[test]
fn set_cookies_follow_the_granted_categories() {
    let (consent, policy) = setup(UnknownCookies::Block);
    let cases: [(&[&str], &[&str]); 3] = [
        (&[], &["sessionid"]),
        (&["analytics"], &["sessionid", "_ga", "_ga_XYZ", "shop_pref_theme"]),
        (&["analytics", "marketing"], &["sessionid", "_ga", "_ga_XYZ", "_fbp", "shop_pref_theme"]),
    ];
    for (granted, expected) in cases {
        let mut h = response(&ORIGIN_COOKIES);
        let mut refused = Vec::new();
        policy.filter_response(&mut h, &state(&consent, granted), true, |n, why, _| refused.push((n.to_string(), why)));
        assert_eq!(names(&h), expected, "granted {granted:?}");
        assert!(refused.contains(&("consent".into(), Refusal::Forged)), "the origin cannot set the consent cookie");
        assert!(refused.contains(&("mystery".into(), Refusal::Unknown)));
    }
}

#[test]
fn unknown_cookies_can_be_allowed_and_report_mode_removes_nothing() {
    let (consent, policy) = setup(UnknownCookies::Allow);
    let mut h = response(&ORIGIN_COOKIES);
    policy.filter_response(&mut h, &state(&consent, &[]), true, |_, _, _| {});
    assert_eq!(names(&h), ["sessionid", "mystery"]);

    let (consent, policy) = setup(UnknownCookies::Block);
    let mut h = response(&ORIGIN_COOKIES);
    let mut would = 0;
    policy.filter_response(&mut h, &state(&consent, &[]), false, |_, _, _| would += 1);
    assert_eq!(h.get_all(SET_COOKIE).iter().count(), ORIGIN_COOKIES.len(), "report mode keeps everything");
    assert_eq!(would, 6, "and reports what it would have removed");
}

#[test]
fn malformed_set_cookies_are_dropped_unless_clearly_necessary() {
    let (consent, policy) = setup(UnknownCookies::Allow);
    let mut h = response(&["no-equals-sign", "=value-only", "bad name=1", "PHPSESSID=x; Path=/"]);
    h.append(SET_COOKIE, HeaderValue::from_bytes(b"_ga=\xff\xfe").unwrap());
    let mut why = Vec::new();
    policy.filter_response(&mut h, &state(&consent, &["analytics", "marketing"]), true, |_, w, _| why.push(w));
    assert_eq!(names(&h), ["PHPSESSID"]);
    assert_eq!(why, [Refusal::Malformed; 4]);
}

#[test]
fn request_cookies_are_stripped_and_merged() {
    let (consent, policy) = setup(UnknownCookies::Block);
    let mut h = HeaderMap::new();
    h.append(COOKIE, HeaderValue::from_static("sessionid=s1; _ga=GA1.1.1.1"));
    h.append(COOKIE, HeaderValue::from_static("_fbp=fb.1; consent=1.1.x; mystery=7"));
    let mut stripped = Vec::new();
    policy.filter_request(&mut h, &state(&consent, &["analytics"]), true, |n, _| stripped.push(n.to_string()));
    assert_eq!(h.get_all(COOKIE).iter().count(), 1, "merged for the HTTP/1.1 origin");
    assert_eq!(h[COOKIE], "sessionid=s1; _ga=GA1.1.1.1; consent=1.1.x");
    assert_eq!(stripped, ["_fbp", "mystery"]);

    let mut untouched = HeaderMap::new();
    untouched.insert(COOKIE, HeaderValue::from_static("sessionid=s1;_ga=1"));
    policy.filter_request(&mut untouched, &state(&consent, &["analytics"]), true, |_, _| {});
    assert_eq!(untouched[COOKIE], "sessionid=s1;_ga=1", "nothing refused: the header is left as sent");

    let mut all_refused = HeaderMap::new();
    all_refused.insert(COOKIE, HeaderValue::from_static("_ga=1; _fbp=2"));
    policy.filter_request(&mut all_refused, &state(&consent, &[]), true, |_, _| {});
    assert!(!all_refused.contains_key(COOKIE));
}

#[test]
fn config_rules_must_name_declared_categories() {
    let consent = ConsentSettings::compile(RawConsent::default()).unwrap();
    let raw = RawCookies {
        rules: vec![RawCookieRule {
            name: "x".into(),
            category: "nonsense".into(),
            provider: String::new(),
            purpose: String::new(),
            duration: String::new(),
            party: Party::First,
        }],
        ..Default::default()
    };
    assert_eq!(CookiePolicy::compile(raw, &consent).unwrap_err().key, "cookies.rules");
    let _ = CategorySet::EMPTY;
}
