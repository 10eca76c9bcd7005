//! The `Set-Cookie`s the proxy writes itself, built with the `cookie` crate: the consent cookie
//! (after a decision or an import) and the deletions of cookies whose consent was withdrawn.
//! All are `Path=/; SameSite=Lax`, `Secure` when the visitor came over HTTPS.

use cookie::time::{Duration, OffsetDateTime};
use cookie::{Cookie, SameSite};
use http::{HeaderMap, HeaderValue};

use super::codec::{self, Decision};
use super::{ConsentSettings, ConsentState};
use crate::cookies::{Class, CookiePolicy};

fn header(c: &Cookie) -> HeaderValue {
    HeaderValue::from_str(&c.to_string()).expect("cookie names, values and domains were validated")
}

/// The consent cookie for `decision`, living as long as its grants allow.
pub fn consent_cookie(settings: &ConsentSettings, decision: &Decision, https: bool) -> HeaderValue {
    let max_age = settings.lifetime(decision.granted, &decision.services).as_secs();
    let mut c = Cookie::build((settings.cookie_name.as_str(), codec::encode(settings, decision)))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(https)
        .max_age(Duration::seconds(i64::try_from(max_age).unwrap_or(i64::MAX)))
        .build();
    if let Some(d) = &settings.domain {
        c.set_domain(d.clone());
    }
    header(&c)
}

/// Deletions for the cookies the request carried that the new `state` refuses (their category, or
/// their service on its own): host-only and on each configured domain. Third-party cookies live
/// on other sites and cannot be deleted here.
pub fn withdrawals(
    settings: &ConsentSettings,
    cookies: &CookiePolicy,
    headers: &HeaderMap,
    state: &ConsentState,
    https: bool,
) -> (Vec<String>, Vec<HeaderValue>) {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in super::cookie_pairs(headers) {
        let refused = match cookies.classify(name) {
            Class::Known { category: Some(c), service, .. } => !state.allows_service(service, c),
            Class::Known { category: None, .. } => true,
            Class::Unknown => false,
        };
        if refused && name != settings.cookie_name && !names.contains(&name) {
            names.push(name);
        }
    }
    let mut out = Vec::new();
    for name in &names {
        let host_only = name.starts_with("__Host-");
        let secure = https || host_only || name.starts_with("__Secure-");
        out.push(header(&deletion(name, None, secure)));
        if !host_only {
            for domain in &settings.delete_domains {
                out.push(header(&deletion(name, Some(domain), secure)));
            }
        }
    }
    (names.into_iter().map(String::from).collect(), out)
}

/// An empty, expired cookie: `Max-Age=0` and an `Expires` in 1970 for browsers that predate
/// `Max-Age`.
fn deletion<'a>(name: &'a str, domain: Option<&'a str>, secure: bool) -> Cookie<'a> {
    let mut c = Cookie::build((name, ""))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(Duration::ZERO)
        .expires(OffsetDateTime::UNIX_EPOCH)
        .build();
    if let Some(d) = domain {
        c.set_domain(d);
    }
    c
}
