//! The shape of a built-in catalog entry: a provider, its category, and the hosts, host
//! suffixes, URL prefixes and inline-script signatures that name it. Written as `const` builders
//! so the tables (`trackers_data`, `embeds`) read as one line per provider.

pub(super) struct Provider {
    pub name: &'static str,
    pub category: &'static str,
    pub hosts: &'static [&'static str],
    pub suffixes: &'static [&'static str],
    pub prefixes: &'static [&'static str],
    pub inline: &'static [&'static str],
}

pub(super) const A: &str = "analytics";
pub(super) const M: &str = "marketing";

pub(super) const fn p(name: &'static str, category: &'static str) -> Provider {
    Provider { name, category, hosts: &[], suffixes: &[], prefixes: &[], inline: &[] }
}

impl Provider {
    /// Exact hosts.
    pub(super) const fn h(mut self, v: &'static [&'static str]) -> Self {
        self.hosts = v;
        self
    }
    /// Domains matching themselves and every subdomain.
    pub(super) const fn s(mut self, v: &'static [&'static str]) -> Self {
        self.suffixes = v;
        self
    }
    /// Scheme-less URL prefixes ("host/path").
    pub(super) const fn u(mut self, v: &'static [&'static str]) -> Self {
        self.prefixes = v;
        self
    }
    /// Case-sensitive substrings that name the vendor in an inline script: its script URL or
    /// file name, its bootstrap function's shape (`!function(f,b,e,v,n,t,s)`), or a global its
    /// snippet defines (`GoogleAnalyticsObject`). They only pick the candidates: a script is
    /// neutralised when its whole text is the vendor's published snippet (`super::snippets`).
    pub(super) const fn i(mut self, v: &'static [&'static str]) -> Self {
        self.inline = v;
        self
    }
}
