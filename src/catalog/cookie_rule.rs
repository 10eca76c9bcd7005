//! One cookie rule: a name pattern and what the catalog says about cookies that match it
//! (category, provider, purpose, duration, party, and where the rule came from).

/// Where a rule came from; config rules override built-in ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSource {
    OpenCookieDatabase,
    Builtin,
    Config,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    First,
    Third,
}

/// A name pattern: exact, or with exactly one `*` (prefix `_ga_*`, suffix `*_session`, or `a*b`).
/// `*` matches zero or more characters; prefix and suffix may not overlap in the matched name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CookiePattern {
    Exact(String),
    Glob { prefix: String, suffix: String },
}

/// RFC 6265 `cookie-name = token` (RFC 2616): visible US-ASCII except separators.
fn is_token_char(c: char) -> bool {
    c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c)
}

impl CookiePattern {
    /// Parses "name", "pre*", "*suf", "pre*suf". Errors on empty, more than one `*`, a bare `*`,
    /// or characters that cannot appear in a cookie name (CTLs, spaces, non-ASCII, separators).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("cookie pattern is empty".into());
        }
        if let Some(c) = s.chars().find(|&c| c != '*' && !is_token_char(c)) {
            return Err(format!(
                "cookie pattern {s:?} contains {c:?}, which cannot appear in a cookie name \
                 (no control characters, spaces, non-ASCII or any of ()<>@,;:\\\"/[]?={{}})"
            ));
        }
        match s.matches('*').count() {
            0 => Ok(Self::Exact(s.to_owned())),
            1 if s == "*" => Err("cookie pattern \"*\" would match every cookie".into()),
            1 => {
                let (prefix, suffix) = s.split_once('*').unwrap_or_default();
                Ok(Self::Glob { prefix: prefix.to_owned(), suffix: suffix.to_owned() })
            }
            n => Err(format!("cookie pattern {s:?} has {n} `*`; at most one is allowed")),
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            Self::Exact(e) => e == name,
            Self::Glob { prefix, suffix } => {
                name.len() >= prefix.len() + suffix.len()
                    && name.starts_with(prefix.as_str())
                    && name.ends_with(suffix.as_str())
            }
        }
    }

    /// Back to the "pre*suf" form.
    pub fn as_string(&self) -> String {
        match self {
            Self::Exact(e) => e.clone(),
            Self::Glob { prefix, suffix } => format!("{prefix}*{suffix}"),
        }
    }

    /// Number of literal (non-`*`) bytes: the specificity used to rank glob matches.
    pub(super) fn literal_len(&self) -> usize {
        match self {
            Self::Exact(e) => e.len(),
            Self::Glob { prefix, suffix } => prefix.len() + suffix.len(),
        }
    }
}

/// True for a valid category id (`[a-z0-9_-]+`), for config validation.
pub fn is_valid_category_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

#[derive(Debug, Clone)]
pub struct CookieRule {
    pub pattern: CookiePattern,
    /// Category id: "necessary", "analytics", "marketing", "preferences" or any config-declared id ([a-z0-9_-]+).
    pub category: String,
    pub provider: String,
    /// The product that sets it, where known (the Open Cookie Database's `Platform`: "Youtube"
    /// where the provider is "Google"): what ties the cookie to a service.
    pub platform: String,
    pub purpose: String,
    /// Human text such as "1 year", "session", "2 years".
    pub duration: String,
    pub party: Party,
    pub source: RuleSource,
}
