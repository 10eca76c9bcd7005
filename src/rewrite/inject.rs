//! What the proxy adds to pages: Google Consent Mode v2 defaults (first in `<head>`), and the
//! consent banner (undecided) or shield (decided) before `</body>`. The markup is a real form
//! posting to `/__consent`, so it works without JavaScript. Everything injected is ASCII (other
//! characters become numeric references), so it is correct in any ASCII-compatible page charset.

pub use super::ascii::{ascii_html, ascii_html_keep_tags};
use crate::consent::policy::escape;
use crate::consent::{ConsentSettings, ConsentState, Lang};

/// The Consent Mode v2 `default` command reflecting the visitor's state. Returns the script body
/// (for a CSP hash) — wrap it with [`script_tag`].
pub fn consent_mode_script(settings: &ConsentSettings, state: &ConsentState) -> String {
    let granted = |id: &str| {
        let yes = settings.category_index(id).is_some_and(|i| state.allows(i));
        if yes {
            "granted"
        } else {
            "denied"
        }
    };
    let (analytics, marketing) = (granted("analytics"), granted("marketing"));
    let preferences = if settings.category_index("preferences").is_some() { granted("preferences") } else { marketing };
    format!(
        "window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}\
gtag('consent','default',{{ad_storage:'{marketing}',ad_user_data:'{marketing}',ad_personalization:'{marketing}',\
analytics_storage:'{analytics}',functionality_storage:'granted',personalization_storage:'{preferences}',\
security_storage:'granted',wait_for_update:500}});gtag('set','ads_data_redaction',true);"
    )
}

/// `<script src=".../banner.js?v=…">` with the visitor's state in data attributes: loaded
/// synchronously right after the Consent Mode defaults, so its guard and stubs exist before any
/// of the page's own scripts run.
pub fn banner_script_tag(
    settings: &ConsentSettings,
    state: &ConsentState,
    lang: Lang,
    version: &str,
    nonce: Option<&str>,
    shared: bool,
    site: Option<&str>,
) -> String {
    let granted: Vec<&str> =
        state.granted.iter().filter_map(|i| settings.categories.get(i)).map(|c| c.id.as_str()).collect();
    let nonce = nonce.map_or(String::new(), |n| format!(" nonce=\"{}\"", escape(n)));
    // The visitor's choices per service, as in the cookie: `+youtube -meta-pixel`.
    let services = if state.services.is_empty() {
        String::new()
    } else {
        let table = &settings.services;
        let items: Vec<String> = [('+', state.services.granted()), ('-', state.services.refused())]
            .iter()
            .flat_map(|(sign, list)| list.iter().filter_map(|&i| table.get(i)).map(move |s| format!("{sign}{}", s.id)))
            .collect();
        format!(" data-services=\"{}\"", ascii_html(&items.join(" ")))
    };
    // The page's registrable domain (Public Suffix List), so the client guard tells other sites
    // apart as the server does.
    let site = site.map_or(String::new(), |s| format!(" data-site=\"{}\"", escape(s)));
    format!(
        "<script src=\"{}/banner.js?v={version}\" id=\"consent-proxy-script\" data-granted=\"{}\"{services} data-decided=\"{}\" data-gpc=\"{}\" data-lang=\"{}\"{site}{}{nonce}></script>",
        settings.prefix,
        ascii_html(&granted.join(" ")),
        u8::from(state.decided),
        u8::from(state.gpc),
        lang.code(),
        if shared { " data-shared=\"1\"" } else { "" },
    )
}

/// One service's line in the settings layer, as HTML: `head` up to where ` checked` goes, then
/// the rest in each language (its description and cookies). Built once per configuration.
#[derive(Debug, Clone)]
pub struct ServiceItem {
    head: String,
    tail: [String; 2],
}

/// The settings layer's line of every service: its box (`services`), name, description and the
/// cookies the catalog knows for it, and its announcement (`shown=youtube`), so a form post
/// without JavaScript says "refused" for a box left unchecked: what the visitor sees is what is
/// saved (`/__consent`).
pub fn service_items(settings: &ConsentSettings, cookies: &crate::cookies::CookiePolicy) -> Vec<ServiceItem> {
    settings
        .services
        .iter()
        .map(|(i, x)| {
            // Ids are [a-z0-9_-]: nothing to escape.
            let head = format!(
                "<li><label><input type=\"checkbox\" name=\"services\" value=\"{}\" data-category=\"{}\"",
                x.id, settings.categories[x.category].id
            );
            let names = cookies.cookies_of(i);
            let tail = [Lang::En, Lang::Sv].map(|lang| {
                let mut about = x.description(lang).to_string();
                if !names.is_empty() {
                    let sep = if about.is_empty() { "" } else { " " };
                    about = format!("{about}{sep}Cookies: {}.", names.join(", "));
                }
                let about =
                    if about.is_empty() { String::new() } else { format!(" <small>{}</small>", ascii_html(&about)) };
                format!(
                    "> {}</label>{about}<input type=\"hidden\" name=\"shown\" value=\"{}\"></li>",
                    ascii_html(&x.name),
                    x.id
                )
            });
            ServiceItem { head, tail }
        })
        .collect()
}

/// The lines of category `category`'s services among `listed`, each box checked when the
/// visitor's decision allows the service.
fn service_switches(input: &BannerInput, listed: &[u16], category: usize) -> String {
    let s = input.settings;
    let mut out = String::new();
    for &i in listed {
        let Some(x) = s.services.get(i).filter(|x| x.category == category) else { continue };
        let Some(item) = input.service_items.get(usize::from(i)) else { continue };
        if out.is_empty() {
            out.push_str("<ul class=\"cp-services\">");
        }
        out.push_str(&item.head);
        if input.state.decided && input.state.allows_service(Some(i), x.category) {
            out.push_str(" checked");
        }
        out.push_str(&item.tail[input.lang as usize]);
    }
    if !out.is_empty() {
        out.push_str("</ul>");
    }
    out
}

/// The services the settings layer lists, once per banner: those found on the page, those
/// configured, those the visitor chose on their own; not hidden, not necessary.
fn listed_services(input: &BannerInput) -> Vec<u16> {
    let s = input.settings;
    let mut listed: Vec<u16> = Vec::new();
    if s.services.is_empty() {
        return listed;
    }
    let on_page = input.providers.iter().filter_map(|p| s.services.of_provider(p));
    let configured = s.services.configured().iter().copied();
    let chosen = input.state.services.granted().iter().chain(input.state.services.refused()).copied();
    for i in on_page.chain(configured).chain(chosen) {
        let Some(x) = s.services.get(i) else { continue };
        if !x.hidden && !s.categories[x.category].necessary && !listed.contains(&i) {
            listed.push(i);
        }
    }
    listed
}

pub fn script_tag(body: &str, nonce: Option<&str>) -> String {
    match nonce {
        Some(n) => format!("<script nonce=\"{}\">{body}</script>", escape(n)),
        None => format!("<script>{body}</script>"),
    }
}

/// A shield outline, drawn inline so it shows without an emoji font.
const SHIELD_ICON: &str = "<svg aria-hidden=\"true\" focusable=\"false\" width=\"14\" height=\"16\" viewBox=\"0 0 14 16\"><path d=\"M7 0 0 3v5c0 4 3 7 7 8 4-1 7-4 7-8V3z\" fill=\"currentColor\"/></svg>";

/// Everything the banner needs to know about this page.
pub struct BannerInput<'a> {
    pub settings: &'a ConsentSettings,
    pub banner: &'a super::banner_config::Banner,
    pub state: &'a ConsentState,
    pub lang: Lang,
    /// Same-site path of the page, for `return_to`.
    pub return_to: &'a str,
    /// Providers of the trackers found on the page.
    pub providers: &'a [String],
    /// Each service's line in the settings layer ([`service_items`]).
    pub service_items: &'a [ServiceItem],
    /// `scheme://host` to put before the proxy's own URLs when a `<base href>` points elsewhere
    /// (else empty: path-absolute URLs).
    pub origin: &'a str,
}

/// The first layer with the settings layer inside a `<details>` (undecided), or the shield
/// (decided): a small fixed button that opens the same settings with the current choices.
pub fn banner(input: &BannerInput) -> String {
    let w = input.banner.texts(input.lang);
    let s = input.settings;
    let prefix = &format!("{}{}", input.origin, s.prefix);
    let mut switches = String::new();
    let listed = listed_services(input);
    for (i, c) in s.categories.iter().enumerate() {
        let id = ascii_html(&c.id);
        let checked = if c.necessary || (input.state.decided && input.state.allows(i)) { " checked" } else { "" };
        let locked = if c.necessary { " disabled" } else { "" };
        let note = if c.necessary { format!(" <small>({})</small>", ascii_html(&w.always_on)) } else { String::new() };
        switches.push_str(&format!(
            "<li><label><input type=\"checkbox\" name=\"categories\" value=\"{id}\"{checked}{locked}> <strong>{}</strong>{note}</label><p>{}</p>{}</li>",
            ascii_html(c.label(input.lang)),
            ascii_html(c.description(input.lang)),
            service_switches(input, &listed, i),
        ));
    }
    let scope = s.domain.as_deref().map_or(String::new(), |d| {
        format!("<p class=\"cp-scope\">{} *.{}</p>", ascii_html(&w.scope), ascii_html(d.trim_start_matches('.')))
    });
    let parties = if input.providers.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"cp-parties\">{}: {}.</p>",
            ascii_html(&w.third_parties),
            ascii_html(&input.providers.join(", "))
        )
    };
    let gpc = if input.state.gpc && !input.state.decided {
        format!("<p class=\"cp-gpc\">{}</p>", ascii_html(&w.gpc))
    } else {
        String::new()
    };
    let buttons = format!(
        "<div class=\"cp-buttons\"><button type=\"submit\" name=\"action\" value=\"accept_all\">{}</button>\
<button type=\"submit\" name=\"action\" value=\"reject_all\">{}</button></div>",
        ascii_html(&w.accept),
        ascii_html(&w.reject)
    );
    let third_party_note = format!("<p class=\"cp-note\">{}</p>", ascii_html(&w.third_party_cookies));
    let settings_layer = format!(
        "<details class=\"cp-settings\"><summary>{}</summary><ul>{switches}</ul>\
<button type=\"submit\" name=\"action\" value=\"save\">{}</button> <a href=\"{prefix}/policy\">{}</a>{third_party_note}</details>",
        ascii_html(&w.settings),
        ascii_html(&w.save),
        ascii_html(&w.policy)
    );
    let form_open = format!(
        "<form method=\"post\" action=\"{prefix}\"><input type=\"hidden\" name=\"return_to\" value=\"{}\">",
        ascii_html(input.return_to)
    );
    let css = format!("<link rel=\"stylesheet\" href=\"{prefix}/banner.css?v={}\">", input.banner.css_version);
    if let Some(template) = input.banner.template(input.state.decided) {
        let consent_id = input.state.consent_id.as_deref().map(ascii_html).unwrap_or_default();
        let vars: [(&str, String); 20] = [
            ("lang", input.lang.code().into()),
            ("position", input.banner.position_class.into()),
            ("stylesheet", css),
            ("form_open", form_open),
            ("form_close", "</form>".into()),
            ("title", ascii_html(&w.title)),
            ("intro", ascii_html(&w.intro)),
            ("third_parties", parties),
            ("gpc", gpc),
            ("scope", scope),
            ("buttons", buttons),
            ("switches", format!("<ul>{switches}</ul>")),
            (
                "save_button",
                format!("<button type=\"submit\" name=\"action\" value=\"save\">{}</button>", ascii_html(&w.save)),
            ),
            ("settings_layer", settings_layer),
            ("policy_link", format!("<a href=\"{prefix}/policy\">{}</a>", ascii_html(&w.policy))),
            ("third_party_note", third_party_note),
            ("shield", ascii_html(&w.shield)),
            ("shield_icon", SHIELD_ICON.into()),
            ("consent_id", consent_id),
            ("settings", ascii_html(&w.settings)),
        ];
        return vars.iter().fold(template.to_string(), |t, (k, v)| t.replace(&format!("{{{{{k}}}}}"), v));
    }
    if input.state.decided {
        let consent_id = input.state.consent_id.as_deref().map_or(String::new(), |id| {
            format!("<p class=\"cp-id\">{}: <code>{}</code></p>", ascii_html(&w.consent_id), ascii_html(id))
        });
        let switches_block = format!(
            "<ul>{switches}</ul><button type=\"submit\" name=\"action\" value=\"save\">{}</button> <a href=\"{prefix}/policy\">{}</a>{third_party_note}{consent_id}",
            ascii_html(&w.save),
            ascii_html(&w.policy)
        );
        format!(
            "<div id=\"consent-proxy\" class=\"cp-shield\" lang=\"{lang}\">{css}<details><summary title=\"{shield}\" aria-label=\"{shield}\">{SHIELD_ICON} {shield}</summary>\
<div class=\"cp-panel\" role=\"dialog\" aria-label=\"{shield}\">{form_open}{switches_block}{buttons}{scope}</form></div></details></div>",
            lang = input.lang.code(),
            shield = ascii_html(&w.shield),
        )
    } else {
        format!(
            "<div id=\"consent-proxy\" class=\"cp-banner {position}\" role=\"dialog\" aria-modal=\"false\" aria-labelledby=\"cp-title\" lang=\"{lang}\" data-shield-label=\"{shield}\">{css}{form_open}\
<h2 id=\"cp-title\">{title}</h2><p>{intro}</p>{parties}{gpc}{scope}{buttons}{settings_layer}</form></div>",
            lang = input.lang.code(),
            position = input.banner.position_class,
            shield = ascii_html(&w.shield),
            title = ascii_html(&w.title),
            intro = ascii_html(&w.intro),
        )
    }
}

/// The words of a click-to-load placeholder: "This content is provided by" {provider}, "which
/// uses cookies for" {category}; "Allow" {category}; "Load once"; "Always allow" {service}. Also
/// sent to banner.js (`guard_rules`), which writes the placeholder that follows an embed's markup.
pub fn placeholder_words(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Sv => [
            "Det h\u{e4}r inneh\u{e5}llet kommer fr\u{e5}n",
            "som anv\u{e4}nder cookies f\u{f6}r",
            "Till\u{e5}t",
            "Ladda en g\u{e5}ng",
            "Till\u{e5}t alltid",
        ],
        Lang::En => ["This content is provided by", "which uses cookies for", "Allow", "Load once", "Always allow"],
    }
}

/// What a held frame's placeholder names.
pub struct Held<'a> {
    pub category: usize,
    pub provider: &'a str,
    /// The provider's service, when it is one a visitor can choose on its own.
    pub service: Option<u16>,
    /// The frame's own address ("Load once"), when it is a web URL.
    pub url: Option<&'a str>,
}

/// A click-to-load placeholder shown inside a refused tracker iframe (as its `srcdoc`): names the
/// provider; "Load once" opens the frame's address in the frame (nothing saved); "Always allow"
/// the provider's service (a form posting `action=allow` to `/__consent` in the top window), or,
/// for a provider that is no service (a filter-list match), "Allow" its category.
pub fn iframe_placeholder(
    settings: &ConsentSettings,
    state: &ConsentState,
    held: &Held,
    lang: Lang,
    return_to: &str,
    origin: &str,
) -> String {
    let [text, uses, allow, once, always] = placeholder_words(lang).map(ascii_html);
    let cat = &settings.categories[held.category];
    let service = held.service.and_then(|i| settings.services.get(i));
    let load_once = held.url.map_or(String::new(), |u| {
        format!("<a href=\"{}\" style=\"margin-right:12px;color:#114\">{once}</a>", ascii_html(u))
    });
    let choice = match service {
        Some(s) => format!(
            "<input type=\"hidden\" name=\"service\" value=\"{id}\"><input type=\"hidden\" name=\"action\" value=\"allow\">\
<button type=\"submit\">{always} {name}</button>",
            id = ascii_html(&s.id),
            name = ascii_html(&s.name),
        ),
        None => {
            let mut hidden = String::new();
            for i in state.granted.iter().filter(|i| *i != held.category) {
                hidden.push_str(&format!(
                    "<input type=\"hidden\" name=\"categories\" value=\"{}\">",
                    ascii_html(&settings.categories[i].id)
                ));
            }
            format!(
                "{hidden}<input type=\"hidden\" name=\"categories\" value=\"{id}\"><input type=\"hidden\" name=\"action\" value=\"save\">\
<button type=\"submit\">{allow} {label}</button>",
                id = ascii_html(&cat.id),
                label = ascii_html(cat.label(lang)),
            )
        }
    };
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;display:flex;align-items:center;justify-content:center;height:100vh;margin:0;background:#eee;color:#111;text-align:center\">\
<form method=\"post\" action=\"{origin}{prefix}\" target=\"_top\"><p>{text} {provider}, {uses} {label_note}.</p>\
<input type=\"hidden\" name=\"return_to\" value=\"{ret}\">{load_once}{choice}</form></body></html>",
        prefix = settings.prefix,
        provider = ascii_html(service.map_or(held.provider, |s| s.name.as_str())),
        label_note = ascii_html(&cat.label(lang).to_lowercase()),
        ret = ascii_html(return_to),
    )
}
