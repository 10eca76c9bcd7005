//! Cookie catalog: which category/provider/purpose/duration/party a cookie name belongs to.
//!
//! Built-in knowledge = the Open Cookie Database (Apache-2.0, loaded by `super::ocd`) followed by
//! our own strictly-necessary framework/load-balancer/security cookies ([`BUILTIN_NECESSARY`]).
//! Config rules are appended after both and override them pattern by pattern.
//!
//! Cookie names are matched **case-sensitively** (RFC 6265 §5.3 compares names byte for byte, and
//! the database itself lists `SID`/`sid`, `C`/`c`, `LANG`/`lang` as different cookies), so
//! `phpsessid` is not `PHPSESSID`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

pub use super::cookie_rule::{is_valid_category_id, CookiePattern, CookieRule, Party, RuleSource};
use super::ocd::OCD_CSV;
use super::Fnv;

/// Strictly necessary cookies we add on top of the database (pattern, provider, purpose, duration).
/// All are first-party and inserted after the OCD rows, so they override them. The only OCD row
/// this changes from a consent category to necessary is `sessionid` (Instagram, marketing): that
/// Instagram cookie lives on instagram.com and never reaches a proxied site, whereas a `sessionid`
/// on the site's own domain is Django's session cookie.
#[rustfmt::skip]
pub const BUILTIN_NECESSARY: &[(&str, &str, &str, &str)] = &[
    ("PHPSESSID", "PHP", "Server-side session identifier", "session"),
    ("JSESSIONID", "Java servlet container", "Server-side session identifier", "session"),
    ("SESSION", "Spring Session", "Server-side session identifier", "session"),
    ("ASP.NET_SessionId", "Microsoft ASP.NET", "Server-side session identifier", "session"),
    (".ASPXAUTH", "Microsoft ASP.NET", "Forms authentication (login) ticket", "session"),
    (".AspNetCore.*", "Microsoft ASP.NET Core", "Session, authentication, antiforgery and temp-data cookies of the framework", "session"),
    ("__RequestVerificationToken*", "Microsoft ASP.NET", "Anti-forgery (CSRF) token", "session"),
    ("ARRAffinity", "Microsoft Azure App Service", "Load-balancer instance affinity", "session"),
    ("ARRAffinitySameSite", "Microsoft Azure App Service", "Load-balancer instance affinity", "session"),
    ("ASLBSA", "Microsoft Azure Front Door", "Load-balancer session affinity", "session"),
    ("ASLBSACORS", "Microsoft Azure Front Door", "Load-balancer session affinity (cross-origin)", "session"),
    ("sessionid", "Django", "Server-side session identifier", "2 weeks"),
    ("csrftoken", "Django", "Cross-site request forgery protection", "1 year"),
    ("*_session", "Ruby on Rails", "Application session (Rails `_<app>_session` and similar)", "session"),
    ("_session_id", "Ruby on Rails / Rack", "Server-side session identifier", "session"),
    ("laravel_session", "Laravel", "Server-side session identifier", "2 hours"),
    ("XSRF-TOKEN", "Laravel / Angular / Spring Security", "Cross-site request forgery protection", "session"),
    ("connect.sid", "Express (express-session)", "Server-side session identifier", "session"),
    ("session", "Website", "Application session", "session"),
    ("sid", "Website", "Application session identifier", "session"),
    ("csrf_token", "Website", "Cross-site request forgery protection", "session"),
    ("_csrf", "Website", "Cross-site request forgery protection", "session"),
    ("_xsrf", "Tornado", "Cross-site request forgery protection", "session"),
    ("__Secure-next-auth.*", "NextAuth.js", "Authentication session and CSRF protection", "30 days"),
    ("__Host-next-auth.*", "NextAuth.js", "Authentication session and CSRF protection", "session"),
    ("authjs.*", "Auth.js", "Authentication session and CSRF protection", "30 days"),
    ("__Secure-authjs.*", "Auth.js", "Authentication session and CSRF protection", "30 days"),
    ("__Host-authjs.*", "Auth.js", "Authentication session and CSRF protection", "session"),
    ("__cf_bm", "Cloudflare", "Bot management: distinguishes humans from bots", "30 minutes"),
    ("cf_clearance", "Cloudflare", "Records that a security challenge was passed", "30 minutes"),
    ("cf_chl_*", "Cloudflare", "Security challenge in progress", "session"),
    ("__cflb", "Cloudflare", "Load-balancer session affinity", "23 hours"),
    ("_cfuvid", "Cloudflare", "Rate limiting of visitors sharing an IP address", "session"),
    ("__cfruid", "Cloudflare", "Rate limiting of visitors sharing an IP address", "session"),
    ("AWSALB", "Amazon Web Services", "Application Load Balancer stickiness", "7 days"),
    ("AWSALBCORS", "Amazon Web Services", "Application Load Balancer stickiness (cross-origin)", "7 days"),
    ("AWSALBTG", "Amazon Web Services", "Application Load Balancer target-group stickiness", "7 days"),
    ("AWSALBTGCORS", "Amazon Web Services", "Application Load Balancer target-group stickiness (cross-origin)", "7 days"),
    ("AWSELB", "Amazon Web Services", "Classic Load Balancer stickiness", "session"),
    ("AWSELBCORS", "Amazon Web Services", "Classic Load Balancer stickiness (cross-origin)", "session"),
    ("heroku-session-affinity", "Heroku", "Router session affinity", "session"),
    ("wordpress_*", "WordPress", "Authentication of logged-in users", "session"),
    ("wordpress_logged_in_*", "WordPress", "Identifies the logged-in user", "session"),
    ("wordpress_sec_*", "WordPress", "Authentication of logged-in users over HTTPS", "session"),
    ("wordpress_test_cookie", "WordPress", "Checks that the browser accepts cookies (login)", "session"),
    ("wp-settings-*", "WordPress", "Admin interface settings of logged-in users", "1 year"),
    ("woocommerce_cart_hash", "WooCommerce", "Detects changes to the shopping cart", "session"),
    ("woocommerce_items_in_cart", "WooCommerce", "Whether the shopping cart has items", "session"),
    ("wp_woocommerce_session_*", "WooCommerce", "Shopping cart session", "2 days"),
    ("cart", "Shopify", "Shopping cart identifier", "2 weeks"),
    ("secure_customer_sig", "Shopify", "Customer login", "1 year"),
    ("form_key", "Magento", "Cross-site request forgery protection", "session"),
    ("SESS*", "Drupal", "Session of logged-in users", "23 days"),
    ("SSESS*", "Drupal", "Session of logged-in users (HTTPS)", "23 days"),
];

type Map = HashMap<String, usize, BuildHasherDefault<Fnv>>;

pub struct CookieCatalog {
    /// Resolved rules in display order (category, then pattern).
    rules: Vec<CookieRule>,
    /// Input position of each resolved rule, for "later wins" tie-breaks.
    order: Vec<usize>,
    exact: Map,
    /// Pure prefix globs grouped by prefix length, longest first.
    prefixes: Vec<(usize, Map)>,
    /// Pure suffix globs grouped by suffix length, longest first.
    suffixes: Vec<(usize, Map)>,
    /// `a*b` globs (rare: config only); scanned linearly.
    infixes: Vec<usize>,
}

/// Display rank of the well-known categories; other ids follow alphabetically.
fn category_rank(c: &str) -> usize {
    ["necessary", "preferences", "analytics", "marketing"].iter().position(|k| *k == c).unwrap_or(4)
}

fn group_insert(groups: &mut Vec<(usize, Map)>, key: &str, idx: usize) {
    match groups.iter_mut().find(|(len, _)| *len == key.len()) {
        Some((_, map)) => {
            map.insert(key.to_owned(), idx);
        }
        None => {
            let mut map = Map::default();
            map.insert(key.to_owned(), idx);
            groups.push((key.len(), map));
        }
    }
}

impl CookieCatalog {
    /// The built-in rules: the Open Cookie Database mapped onto our categories (see `ocd`),
    /// followed by [`BUILTIN_NECESSARY`].
    pub fn builtin_rules() -> Vec<CookieRule> {
        let mut rules = super::ocd::load(OCD_CSV).rules;
        rules.extend(BUILTIN_NECESSARY.iter().map(|&(pat, provider, purpose, duration)| CookieRule {
            pattern: CookiePattern::parse(pat).expect("builtin pattern is valid"),
            category: "necessary".into(),
            provider: provider.into(),
            platform: String::new(),
            purpose: purpose.into(),
            duration: duration.into(),
            party: Party::First,
            source: RuleSource::Builtin,
        }));
        rules
    }

    /// Compiles rules; when two rules have the same pattern, the LATER one wins.
    pub fn new(rules: Vec<CookieRule>) -> Self {
        let mut slot_of: HashMap<CookiePattern, usize> = HashMap::new();
        let mut slots: Vec<(usize, CookieRule)> = Vec::with_capacity(rules.len());
        for (i, rule) in rules.into_iter().enumerate() {
            match slot_of.get(&rule.pattern) {
                Some(&s) => slots[s] = (i, rule),
                None => {
                    slot_of.insert(rule.pattern.clone(), slots.len());
                    slots.push((i, rule));
                }
            }
        }
        slots.sort_by_cached_key(|(_, r)| (category_rank(&r.category), r.category.clone(), r.pattern.as_string()));
        let (order, rules): (Vec<usize>, Vec<CookieRule>) = slots.into_iter().unzip();

        let mut cat = CookieCatalog {
            rules,
            order,
            exact: Map::default(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            infixes: Vec::new(),
        };
        for (idx, rule) in cat.rules.iter().enumerate() {
            match &rule.pattern {
                CookiePattern::Exact(name) => {
                    cat.exact.insert(name.clone(), idx);
                }
                CookiePattern::Glob { prefix, suffix } if suffix.is_empty() => {
                    group_insert(&mut cat.prefixes, prefix, idx)
                }
                CookiePattern::Glob { prefix, suffix } if prefix.is_empty() => {
                    group_insert(&mut cat.suffixes, suffix, idx)
                }
                CookiePattern::Glob { .. } => cat.infixes.push(idx),
            }
        }
        cat.prefixes.sort_by_key(|g| std::cmp::Reverse(g.0));
        cat.suffixes.sort_by_key(|g| std::cmp::Reverse(g.0));
        cat
    }

    /// Classification of one cookie name. Precedence: an exact rule beats any glob; among globs
    /// the longest literal part (prefix+suffix length) wins; ties → later rule wins.
    /// Cost: one exact probe, then at most one probe per distinct prefix/suffix length that fits
    /// the name; no allocation.
    pub fn classify(&self, name: &str) -> Option<&CookieRule> {
        self.classify_index(name).map(|i| &self.rules[i])
    }

    /// Like [`Self::classify`], returning the rule's index (stable for this catalog; see
    /// [`Self::rule`]), so callers can keep per-rule data in a parallel array.
    pub fn classify_index(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.exact.get(name) {
            return Some(i);
        }
        let mut best: Option<(usize, usize, usize)> = None; // (literal len, input order, idx)
        let mut consider = |idx: usize| {
            let key = (self.rules[idx].pattern.literal_len(), self.order[idx], idx);
            if best.is_none_or(|b| (key.0, key.1) > (b.0, b.1)) {
                best = Some(key);
            }
        };
        let probe = |groups: &[(usize, Map)], from_end: bool| {
            groups.iter().find_map(|(len, map)| {
                let cut = if from_end { name.len().checked_sub(*len)? } else { *len };
                if cut > name.len() || !name.is_char_boundary(cut) {
                    return None;
                }
                let part = if from_end { &name[cut..] } else { &name[..cut] };
                map.get(part).copied()
            })
        };
        // Longest-first order: the first hit in each group list is the most specific one.
        if let Some(i) = probe(&self.prefixes, false) {
            consider(i);
        }
        if let Some(i) = probe(&self.suffixes, true) {
            consider(i);
        }
        for &i in &self.infixes {
            if self.rules[i].pattern.matches(name) {
                consider(i);
            }
        }
        best.map(|(_, _, i)| i)
    }

    pub fn rule(&self, index: usize) -> &CookieRule {
        &self.rules[index]
    }

    /// All rules after override resolution, ordered by category (necessary, preferences,
    /// analytics, marketing, then other ids alphabetically), then pattern.
    pub fn rules(&self) -> impl Iterator<Item = &CookieRule> {
        self.rules.iter()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn builtin() -> &'static CookieCatalog {
        static CAT: OnceLock<CookieCatalog> = OnceLock::new();
        CAT.get_or_init(|| CookieCatalog::new(CookieCatalog::builtin_rules()))
    }

    fn cat_of(name: &str) -> Option<&'static str> {
        builtin().classify(name).map(|r| r.category.as_str())
    }

    fn config(pat: &str, category: &str) -> CookieRule {
        CookieRule {
            pattern: CookiePattern::parse(pat).unwrap(),
            category: category.into(),
            provider: "Config".into(),
            platform: String::new(),
            purpose: "test".into(),
            duration: "1 day".into(),
            party: Party::First,
            source: RuleSource::Config,
        }
    }

    #[test]
    fn well_known_cookies() {
        let ga = builtin().classify("_ga").unwrap();
        assert_eq!((ga.category.as_str(), ga.provider.as_str()), ("analytics", "Google"));
        assert_eq!(ga.source, RuleSource::OpenCookieDatabase);
        let ga4 = builtin().classify("_ga_ABC123").unwrap();
        assert_eq!(ga4.category, "analytics");
        assert_eq!(ga4.pattern.as_string(), "_ga_*");
        assert_eq!(cat_of("_gid"), Some("analytics")); // OCD: Analytics
        assert_eq!(cat_of("_gcl_au"), Some("marketing")); // OCD: Marketing (Google Ads)
        let fbp = builtin().classify("_fbp").unwrap();
        assert_eq!((fbp.category.as_str(), fbp.provider.as_str()), ("marketing", "Facebook"));
        assert_eq!(fbp.party, Party::Third); // OCD: "facebook.com (3rd party)"
        assert_eq!(cat_of("hubspotutk"), Some("marketing")); // OCD: Marketing
        assert_eq!(builtin().classify("_ga").unwrap().party, Party::First);
    }

    #[test]
    fn framework_cookies_are_necessary() {
        for n in [
            "PHPSESSID",
            "csrftoken",
            "myapp_session",
            "_session_id",
            "sessionid",
            "JSESSIONID",
            ".AspNetCore.Session",
            ".AspNetCore.Antiforgery.x1Y2",
            "__RequestVerificationToken_L2Fw",
            "laravel_session",
            "XSRF-TOKEN",
            "connect.sid",
            "__cf_bm",
            "AWSALBTGCORS",
            "wordpress_logged_in_abc",
            "wp-settings-1",
            "wp_woocommerce_session_9f",
            "SESSabc123",
            "SSESSabc123",
            "cart",
            "form_key",
        ] {
            assert_eq!(cat_of(n), Some("necessary"), "{n}");
        }
        assert_eq!(builtin().classify("PHPSESSID").unwrap().source, RuleSource::Builtin);
        // OCD exact rows still beat our broad globs: Shopify's analytics cookie stays analytics.
        assert_eq!(cat_of("_Brochure_session"), Some("analytics"));
        assert_eq!(cat_of("_shopify_s"), Some("analytics"));
        assert_eq!(cat_of("_shopify_y"), Some("analytics"));
    }

    #[test]
    fn builtins_override_no_tracker_except_sessionid() {
        let ocd = crate::catalog::ocd::load(OCD_CSV).rules;
        for &(pat, ..) in BUILTIN_NECESSARY {
            let p = CookiePattern::parse(pat).unwrap();
            for r in ocd.iter().filter(|r| r.pattern == p && r.category != "necessary") {
                assert_eq!(pat, "sessionid", "builtin {pat} overrides OCD {}", r.category);
            }
        }
    }

    #[test]
    fn unknown_and_case_sensitivity() {
        assert!(builtin().classify("zzz_unknown").is_none());
        assert!(builtin().classify("").is_none());
        assert!(builtin().classify("phpsessid").is_none()); // names are case-sensitive
        assert_eq!(cat_of("SID"), Some("marketing")); // Google's SID (OCD)
        assert_eq!(cat_of("sid"), Some("necessary")); // generic session id (builtin)
        assert!(builtin().classify("é_session").is_some()); // non-ASCII never panics
        assert!(builtin().classify("_gaé").is_none());
    }

    #[test]
    fn short_wildcard_prefixes_are_exact() {
        for n in ["_session_id", "_s_custom", "SRV_ID", "CTX", "tpl", "capture", "P_x", "MSOffice"] {
            let r = builtin().classify(n);
            assert!(
                r.is_none_or(|r| r.category == "necessary"),
                "{n} swallowed by {:?}",
                r.map(|r| r.pattern.as_string())
            );
        }
        assert_eq!(cat_of("_s"), Some("analytics"));
        assert_eq!(cat_of("SR"), Some("marketing"));
        assert_eq!(cat_of("CT"), Some("marketing"));
        assert_eq!(cat_of("tp"), Some("marketing"));
        // 3-char prefixes ending in a delimiter stay globs; longer ones too.
        assert_eq!(cat_of("mp_abc_mixpanel"), Some("analytics"));
        assert_eq!(cat_of("AMP_1234abcd"), Some("analytics"));
    }

    #[test]
    fn duplicates_resolve_to_stricter_category() {
        assert_eq!(cat_of("token"), Some("marketing")); // Adform marketing vs Xandr functional
        assert_eq!(cat_of("chk"), Some("marketing")); // Mediarithmics vs PubMatic functional
        assert_eq!(cat_of("dc"), Some("marketing")); // BetweenDigital vs Tailtarget functional
        assert_eq!(cat_of("euconsent"), Some("marketing")); // exact LiveRamp beats ShareThis glob
                                                            // ShareThis is a tracking vendor: its "Functional" rows are marketing (see ocd.rs).
        assert_eq!(cat_of("euconsent_x"), Some("marketing")); // ShareThis `euconsent*`
        assert_eq!(builtin().classify("token").unwrap().provider, "Adform");
    }

    #[test]
    fn config_overrides_and_globs() {
        let mut rules = CookieCatalog::builtin_rules();
        let n = CookieCatalog::new(rules.clone()).len();
        rules.push(config("_ga", "necessary"));
        rules.push(config("_custom_*", "preferences"));
        rules.push(config("*_pref", "preferences"));
        rules.push(config("ab*yz", "analytics"));
        let cat = CookieCatalog::new(rules);
        assert_eq!(cat.len(), n + 3);
        let ga = cat.classify("_ga").unwrap();
        assert_eq!((ga.category.as_str(), ga.source), ("necessary", RuleSource::Config));
        assert_eq!(cat.classify("_custom_theme").unwrap().category, "preferences");
        assert_eq!(cat.classify("x_pref").unwrap().category, "preferences");
        assert_eq!(cat.classify("ab_yz").unwrap().category, "analytics");
        assert!(cat.classify("ayz").is_none());
        // `*_session` (builtin) and `_custom_*` (config) both have 8 literal bytes: tie → later.
        assert_eq!(cat.classify("_custom_session").unwrap().category, "preferences");
        assert_eq!(cat.classify("_ga_XYZ").unwrap().category, "analytics");
    }

    #[test]
    fn glob_precedence() {
        let cat = CookieCatalog::new(vec![
            config("a*", "one"),
            config("ab*", "two"),
            config("*z", "three"),
            config("abc*z", "four"),
            config("q*", "five"),
            config("*q", "six"),
            config("ab", "seven"),
        ]);
        assert_eq!(cat.classify("abz").unwrap().category, "two");
        assert_eq!(cat.classify("abcz").unwrap().category, "four");
        assert_eq!(cat.classify("abcxz").unwrap().category, "four");
        assert_eq!(cat.classify("xz").unwrap().category, "three");
        assert_eq!(cat.classify("qq").unwrap().category, "six"); // tie → later
        assert_eq!(cat.classify("ab").unwrap().category, "seven"); // exact beats glob
        assert_eq!(cat.classify("a").unwrap().category, "one"); // `*` matches empty
        let order: Vec<_> = cat.rules().map(|r| r.category.as_str()).collect();
        assert_eq!(order, ["five", "four", "one", "seven", "six", "three", "two"]);
    }

    #[test]
    fn pattern_parse() {
        assert_eq!(CookiePattern::parse("_ga").unwrap(), CookiePattern::Exact("_ga".into()));
        let g = CookiePattern::parse("pre*suf").unwrap();
        assert_eq!(g.as_string(), "pre*suf");
        assert!(g.matches("presuf") && g.matches("pre-x-suf") && !g.matches("presu"));
        assert!(CookiePattern::parse("*_session").unwrap().matches("a_session"));
        for bad in ["", "*", "a**", "*a*", "a b", "a;b", "a=b", "ä", "a\tb", "a[0]", "a/b"] {
            let e = CookiePattern::parse(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad:?}");
        }
        assert!(is_valid_category_id("my-cat_2") && !is_valid_category_id("Bad"));
    }

    #[test]
    fn rules_are_sorted_and_unique() {
        let rules: Vec<_> = builtin().rules().collect();
        assert_eq!(rules.len(), builtin().len());
        assert!(!builtin().is_empty());
        let keys: Vec<_> =
            rules.iter().map(|r| (category_rank(&r.category), r.category.clone(), r.pattern.as_string())).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ten_thousand_mixed_classifications() {
        let cases: &[(&str, Option<&str>)] = &[
            ("_ga", Some("analytics")),
            ("_ga_Q1W2E3", Some("analytics")),
            ("_gcl_au", Some("marketing")),
            ("PHPSESSID", Some("necessary")),
            ("shop_session", Some("necessary")),
            ("__utma", Some("analytics")),
            ("_hjSessionUser_123", Some("analytics")),
            ("ai_user", Some("analytics")),
            ("random_name", None),
            ("_s_custom", None),
            ("IDE", Some("marketing")),
            ("SESS0123456789abcdef", Some("necessary")),
            ("x", None),
        ];
        let cat = builtin();
        let mut hits = 0;
        for i in 0..10_000 {
            let (name, want) = cases[i % cases.len()];
            let got = cat.classify(name).map(|r| r.category.as_str());
            assert_eq!(got, want, "{name}");
            hits += usize::from(got.is_some());
        }
        assert!(hits > 7_000);
    }
}
