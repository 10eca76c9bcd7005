//! The cookie formats of other consent managers, read into one shape: which of the manager's
//! own keys (groups, categories, services) were granted or refused, when, and under what id.
//! Anything that does not parse, or that records no decision yet, is `None`.

use serde_json::Value;

/// A decision found in another consent manager's cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// The manager's keys with their answer (`true` granted). A key absent was not asked.
    pub choices: Vec<(String, bool)>,
    /// The manager's answers per service, where it records them (Klaro: every service it asked;
    /// cookieconsent v3: the services accepted, which it lists per category).
    pub services: Vec<(String, bool)>,
    /// Unix seconds, when the cookie says.
    pub decided_at: Option<u64>,
    /// The manager's own consent id, for the audit record.
    pub id: Option<String>,
}

/// Longest foreign value read.
const MAX_LEN: usize = 8 * 1024;

fn decode(value: &str) -> Option<String> {
    if value.len() > MAX_LEN {
        return None;
    }
    let v = value.trim().trim_matches('"');
    Some(percent_decode(v))
}

/// `%XX` decoding (and `+` as space, as `application/x-www-form-urlencoded` writes it).
fn percent_decode(s: &str) -> String {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map_or_else(|| s.as_bytes().to_vec(), |(_, v)| v.into_owned().into_bytes());
    String::from_utf8_lossy(&bytes).into_owned()
}

fn rfc3339(s: &str) -> Option<u64> {
    let t = humantime::parse_rfc3339_weak(s.trim()).ok()?;
    t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// OneTrust's `OptanonConsent`: a query string whose `groups` is `C0001:1,C0002:0,…`. OneTrust
/// writes it before any choice too, so a decision needs the banner closed
/// (`OptanonAlertBoxClosed`, an ISO date, the decision time) or an `interactionCount` above 0,
/// and no pending re-consent.
pub fn onetrust(value: &str, alert_box_closed: Option<&str>) -> Option<Foreign> {
    if value.len() > MAX_LEN {
        return None;
    }
    let mut groups = None;
    let (mut interactions, mut id, mut awaiting) = (0u64, None, false);
    for (k, v) in form_urlencoded::parse(value.trim().trim_matches('"').as_bytes()) {
        match k.as_ref() {
            "groups" => groups = Some(v.into_owned()),
            "interactionCount" => interactions = v.trim().parse().unwrap_or(0),
            "consentId" if !v.is_empty() => id = Some(v.chars().take(64).collect()),
            "AwaitingReconsent" => awaiting = v.eq_ignore_ascii_case("true"),
            _ => {}
        }
    }
    let decided_at = alert_box_closed.and_then(|d| rfc3339(&percent_decode(d)));
    if awaiting || (decided_at.is_none() && interactions == 0) {
        return None;
    }
    let choices: Vec<(String, bool)> = groups?
        .split(',')
        .filter_map(|g| {
            let (name, on) = g.trim().split_once(':')?;
            let on = match on.trim() {
                "1" => true,
                "0" => false,
                _ => return None,
            };
            Some((name.trim().to_string(), on))
        })
        .collect();
    (!choices.is_empty()).then_some(Foreign { choices, services: Vec::new(), decided_at, id })
}

/// Cookiebot's `CookieConsent`: a URL-encoded JavaScript object literal,
/// `{stamp:'…',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:1700000000000,region:'se'}`.
/// `-1` (no consent needed in the visitor's region) and anything else is not a decision.
pub fn cookiebot(value: &str) -> Option<Foreign> {
    let text = decode(value)?;
    let body = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let (mut choices, mut decided_at, mut id) = (Vec::new(), None, None);
    for pair in body.split(',') {
        let Some((k, v)) = pair.split_once(':') else { continue };
        let (k, v) = (k.trim().trim_matches(['\'', '"']), v.trim());
        match (k, v) {
            ("necessary", _) => {}
            (_, "true") => choices.push((k.to_string(), true)),
            (_, "false") => choices.push((k.to_string(), false)),
            ("utc", ms) => decided_at = ms.parse::<u64>().ok().map(|ms| ms / 1000),
            ("stamp", s) => id = Some(s.trim_matches(['\'', '"']).chars().take(64).collect()),
            _ => {}
        }
    }
    (!choices.is_empty()).then_some(Foreign { choices, services: Vec::new(), decided_at, id })
}

fn json_object(value: &str) -> Option<serde_json::Map<String, Value>> {
    let raw = value.trim().trim_matches('"');
    if raw.len() > MAX_LEN {
        return None;
    }
    serde_json::from_str(raw).ok().or_else(|| serde_json::from_str(&percent_decode(raw)).ok())
}

/// vanilla-cookieconsent's `cc_cookie`: JSON (URL-encoded or not) with the accepted categories
/// in `categories` (v3) or `level` (v2). Categories not listed were refused; an
/// `expirationTime` in the past is no decision.
pub fn cookieconsent(value: &str, now: u64) -> Option<Foreign> {
    let obj = json_object(value)?;
    let accepted = obj.get("categories").or_else(|| obj.get("level"))?.as_array()?;
    if obj.get("expirationTime").and_then(Value::as_u64).is_some_and(|ms| ms / 1000 < now) {
        return None;
    }
    let choices: Vec<(String, bool)> =
        accepted.iter().filter_map(Value::as_str).map(|c| (c.to_string(), true)).collect();
    let decided_at = ["lastConsentTimestamp", "consentTimestamp"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str).and_then(rfc3339));
    let id = obj.get("consentId").and_then(Value::as_str).map(|s| s.chars().take(64).collect());
    // v3: `"services": {"analytics": ["ga", "hotjar"], …}`, the accepted services per category.
    let services = obj
        .get("services")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| (s.chars().take(64).collect(), true))
        .take(256)
        .collect();
    Some(Foreign { choices, services, decided_at, id })
}

/// Klaro's `klaro`: JSON (URL-encoded or not) of services → `true`/`false`.
pub fn klaro(value: &str) -> Option<Foreign> {
    let obj = json_object(value)?;
    let choices: Vec<(String, bool)> =
        obj.iter().filter_map(|(k, v)| v.as_bool().map(|b| (k.clone(), b))).take(256).collect();
    (!choices.is_empty()).then(|| Foreign { services: choices.clone(), choices, decided_at: None, id: None })
}
