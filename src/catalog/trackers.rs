//! PLACEHOLDER until the curated catalog lands: same interface, a handful of rules.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackerMatch {
    Host,
    HostSuffix,
    UrlPrefix,
    InlineSignature,
}

#[derive(Debug, Clone)]
pub struct TrackerRule {
    pub kind: TrackerMatch,
    pub pattern: String,
    pub category: String,
    pub provider: String,
    pub from_config: bool,
}

pub struct TrackerCatalog {
    rules: Vec<TrackerRule>,
    hosts: HashMap<String, usize>,
    inline: Vec<usize>,
}

impl std::fmt::Debug for TrackerCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrackerCatalog {{ rules: {} }}", self.rules.len())
    }
}

impl TrackerCatalog {
    pub fn builtin_rules() -> Vec<TrackerRule> {
        let r = |kind, p: &str, c: &str, prov: &str| TrackerRule {
            kind,
            pattern: p.into(),
            category: c.into(),
            provider: prov.into(),
            from_config: false,
        };
        vec![
            r(TrackerMatch::HostSuffix, "googletagmanager.com", "analytics", "Google Analytics"),
            r(TrackerMatch::HostSuffix, "google-analytics.com", "analytics", "Google Analytics"),
            r(TrackerMatch::HostSuffix, "connect.facebook.net", "marketing", "Meta Pixel"),
            r(TrackerMatch::HostSuffix, "facebook.com", "marketing", "Meta Pixel"),
            r(TrackerMatch::HostSuffix, "hs-scripts.com", "marketing", "HubSpot"),
            r(TrackerMatch::HostSuffix, "youtube.com", "marketing", "YouTube"),
            r(TrackerMatch::InlineSignature, "fbq('init'", "marketing", "Meta Pixel"),
            r(TrackerMatch::InlineSignature, "gtag('config'", "analytics", "Google Analytics"),
        ]
    }

    pub fn new(rules: Vec<TrackerRule>) -> Self {
        let mut hosts = HashMap::new();
        let mut inline = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match r.kind {
                TrackerMatch::InlineSignature => inline.push(i),
                _ => {
                    hosts.insert(r.pattern.clone(), i);
                }
            }
        }
        Self { rules, hosts, inline }
    }

    pub fn classify_url(&self, url: &str, base: Option<&url::Url>) -> Option<&TrackerRule> {
        let parsed = match base {
            Some(b) => b.join(url.trim()).ok()?,
            None => url::Url::parse(url.trim()).or_else(|_| url::Url::parse(&format!("https:{}", url.trim()))).ok()?,
        };
        self.classify_host(parsed.host_str()?)
    }

    pub fn classify_host(&self, host: &str) -> Option<&TrackerRule> {
        let mut h = host;
        loop {
            if let Some(&i) = self.hosts.get(h) {
                return Some(&self.rules[i]);
            }
            h = h.split_once('.')?.1;
        }
    }

    pub fn classify_inline(&self, text: &str) -> Option<&TrackerRule> {
        self.inline.iter().map(|&i| &self.rules[i]).find(|r| text.contains(&r.pattern))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}
