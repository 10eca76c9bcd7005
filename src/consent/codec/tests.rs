use super::*;
use crate::consent::settings::RawConsent;
use std::time::Duration;

const K1: &str = "first-secret-0123456789abcdefghijklmnop";
const K2: &str = "second-secret-0123456789abcdefghijklmnop";

fn settings(secrets: &[&str]) -> ConsentSettings {
    let raw = RawConsent { secrets: secrets.iter().map(|s| s.to_string()).collect(), ..Default::default() };
    ConsentSettings::compile(raw).unwrap()
}

fn decision(s: &ConsentSettings, ids: &[&str], at: u64) -> Decision {
    let granted = ids.iter().fold(s.necessary_only(), |g, id| g.with(s.category_index(id).unwrap()));
    Decision { granted, services: Default::default(), decided_at: at, consent_id: new_consent_id() }
}

const NOW: u64 = 1_800_000_000;

#[test]
fn round_trips_unsigned_and_signed() {
    for s in [settings(&[]), settings(&[K1])] {
        let d = decision(&s, &["analytics"], NOW - 10);
        let v = encode(&s, &d);
        assert!(v.bytes().all(|b| b.is_ascii_graphic() && !b",;\"\\".contains(&b)), "cookie-octets only: {v}");
        assert_eq!(decode(&s, &v, NOW), Some(d));
    }
}

#[test]
fn tampering_and_unknown_keys_are_undecided() {
    let s = settings(&[K1]);
    let v = encode(&s, &decision(&s, &[], NOW));
    let forged = v.replacen(".necessary", ".necessary~analytics~marketing", 1);
    assert_ne!(forged, v);
    assert_eq!(decode(&s, &forged, NOW), None, "a changed category list fails the HMAC");
    let mut flipped = v.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    assert_eq!(decode(&s, std::str::from_utf8(&flipped).unwrap(), NOW), None);
    assert_eq!(decode(&settings(&[K2]), &v, NOW), None, "another key does not verify");
    let unsigned = settings(&[]);
    let plain = encode(&unsigned, &decision(&unsigned, &["marketing"], NOW));
    assert_eq!(decode(&s, &plain, NOW), None, "an unsigned cookie is refused once secrets are set");
}

#[test]
fn keys_rotate_without_reasking() {
    let old = settings(&[K1]);
    let v = encode(&old, &decision(&old, &["marketing"], NOW));
    let rotated = settings(&[K2, K1]);
    assert!(decode(&rotated, &v, NOW).is_some(), "old cookies verify while the old key stays in the ring");
    let new = encode(&rotated, &decision(&rotated, &[], NOW));
    assert!(decode(&settings(&[K2]), &new, NOW).is_some(), "new cookies are signed with the first key");
}

#[test]
fn revision_bump_and_expiry_reask() {
    let s = settings(&[]);
    let v = encode(&s, &decision(&s, &["analytics"], NOW));
    let mut bumped = s.clone();
    bumped.revision += 1;
    assert_eq!(decode(&bumped, &v, NOW), None);
    let year = 365 * 24 * 3600;
    assert!(decode(&s, &v, NOW + year - 1).is_some());
    assert_eq!(decode(&s, &v, NOW + year + 1), None, "consent lasts one year by default");
    assert_eq!(decode(&s, &v, NOW - 3600), None, "a decision from the future is not believed");

    let mut short = s.clone();
    short.refusal_max_age = Duration::from_secs(3600);
    let refusal = encode(&short, &decision(&short, &[], NOW));
    assert_eq!(decode(&short, &refusal, NOW + 7200), None, "refusals can be configured to live shorter");
    let acceptance = encode(&short, &decision(&short, &["analytics"], NOW));
    assert!(decode(&short, &acceptance, NOW + 7200).is_some());
}

#[test]
fn garbage_is_undecided() {
    let s = settings(&[K1]);
    let good = encode(&s, &decision(&s, &["analytics"], NOW));
    let long = "1.1.1.".to_string() + &"a".repeat(5000);
    let cases = [
        "",
        "yes",
        "1",
        "1.1",
        "2.1.1800000000.AAAAAAAAAAAAAAAAAAAAAA.necessary",
        "1.x.1800000000.AAAAAAAAAAAAAAAAAAAAAA.necessary",
        "1.1.-5.AAAAAAAAAAAAAAAAAAAAAA.necessary",
        "1.1.1800000000.short.necessary",
        "1.1.1800000000.ÅÄÖÅÄÖÅÄÖÅÄÖÅÄÖÅÄÖÅÄÖÅ.necessary",
        &good[..good.len() / 2],
        &long,
    ];
    for c in cases {
        assert_eq!(decode(&s, c, NOW), None, "{c:?}");
    }
    let doubled = format!("{good}{good}");
    assert_eq!(decode(&s, &doubled, NOW), None);
}

#[test]
fn secrets_are_never_printed_and_must_be_long() {
    let s = settings(&[K1]);
    assert!(!format!("{:?}", s.keys).contains("first-secret"));
    assert!(!format!("{s:?}").contains("first-secret"));
    let raw = RawConsent { secrets: vec!["short".into()], ..Default::default() };
    assert_eq!(ConsentSettings::compile(raw).unwrap_err().key, "consent.secrets");
}
