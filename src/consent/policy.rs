//! The cookie-policy page (`/__consent/policy`): per category, the services a visitor can choose
//! on their own and a table of name, provider, purpose, duration and party — the seed site's
//! cookie table, generated from the catalog. It lists the cookies configured for this site and
//! those seen in its traffic, and the services configured or owning a cookie listed (`?all=1`:
//! the whole catalog). Every text is HTML-escaped.

use std::fmt::Write;

use super::{ConsentSettings, Lang};
use crate::catalog::cookies::Party;
use crate::cookies::CookiePolicy;

pub fn escape(s: &str) -> String {
    if !s.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

struct Words {
    title: &'static str,
    intro: &'static str,
    headers: [&'static str; 5],
    first: &'static str,
    third: &'static str,
    none: &'static str,
    change: &'static str,
    services: &'static str,
}

const EN: Words = Words {
    title: "Cookie policy",
    intro: "This website asks for your consent before it places any cookie that is not strictly necessary. Below are the cookies it uses, by category. Your choice is kept for {KEEP}, then you are asked again; you can change or withdraw it at any time with the shield button on every page.",
    headers: ["Name", "Provider", "Purpose", "Duration", "Party"],
    first: "First party",
    third: "Third party",
    none: "No cookies of this category have been seen on this website.",
    change: "Third-party cookies live on other websites: they cannot be deleted from here when you withdraw consent; your browser's settings can.",
    services: "Services you can allow or refuse on their own",
};

const SV: Words = Words {
    title: "Cookiepolicy",
    intro: "Den här webbplatsen ber om ditt samtycke innan den placerar cookies som inte är absolut nödvändiga. Nedan finns de cookies den använder, per kategori. Ditt val sparas i {KEEP}, sedan frågar vi igen; du kan ändra eller återkalla det när som helst med sköldknappen på varje sida.",
    headers: ["Namn", "Leverantör", "Syfte", "Lagringstid", "Part"],
    first: "Förstapart",
    third: "Tredjepart",
    none: "Inga cookies i den här kategorin har setts på webbplatsen.",
    change: "Tredjepartscookies finns på andra webbplatser: de kan inte raderas härifrån när du återkallar ditt samtycke, men via webbläsarens inställningar.",
    services: "Tjänster du kan tillåta eller neka var för sig",
};

/// "1 year" / "1 år", "180 days" / "180 dagar".
fn keep_for(d: std::time::Duration, lang: Lang) -> String {
    let days = d.as_secs().div_ceil(86400).max(1);
    let (n, one, many) = match (days % 365 == 0, lang) {
        (true, Lang::Sv) => (days / 365, "år", "år"),
        (true, Lang::En) => (days / 365, "year", "years"),
        (false, Lang::Sv) => (days, "dag", "dagar"),
        (false, Lang::En) => (days, "day", "days"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn render(settings: &ConsentSettings, cookies: &CookiePolicy, lang: Lang, all: bool) -> String {
    let w = if lang == Lang::Sv { &SV } else { &EN };
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}}\
table{{border-collapse:collapse;width:100%;margin-bottom:2rem}}th,td{{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}}th{{background:#f0f0f0}}</style></head><body>\n<h1>{}</h1>\n<p>{}</p>\n",
        lang.code(),
        w.title,
        w.title,
        w.intro.replace("{KEEP}", &keep_for(settings.max_age, lang))
    );
    page.push_str(&tables(settings, cookies, lang, all));
    let _ = write!(page, "<p>{}</p>\n</body></html>\n", w.change);
    page
}

/// The cookie declaration itself: per category, its description and a table of name, provider,
/// purpose, duration and party. Also what fills `<consent-policy-table>` on a site's
/// own policy page.
pub fn tables(settings: &ConsentSettings, cookies: &CookiePolicy, lang: Lang, all: bool) -> String {
    let w = if lang == Lang::Sv { &SV } else { &EN };
    let mut page = String::new();
    for (index, category) in settings.categories.iter().enumerate() {
        let _ = write!(
            page,
            "<section id=\"{}\"><h2>{}</h2>\n<p>{}</p>\n",
            escape(&category.id),
            escape(category.label(lang)),
            escape(category.description(lang))
        );
        page.push_str(&services(settings, cookies, index, lang, all));
        let rows: Vec<String> = cookies
            .policy_rules(all)
            .filter(|(_, c, _)| *c == Some(index))
            .map(|(r, _, _)| {
                let party = if r.party == Party::Third { w.third } else { w.first };
                format!(
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    escape(&r.pattern.as_string()),
                    escape(&r.provider),
                    escape(&r.purpose),
                    escape(&r.duration),
                    party
                )
            })
            .collect();
        if rows.is_empty() {
            let _ = writeln!(page, "<p>{}</p></section>", w.none);
            continue;
        }
        let h = w.headers;
        let _ = write!(
            page,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n{}</tbody></table></section>\n",
            h[0],
            h[1],
            h[2],
            h[3],
            h[4],
            rows.concat()
        );
    }
    page
}

/// The services of category `index` listed on the policy page: configured ones and those owning
/// a cookie the page lists (`all`: every one), each with its description and cookies.
fn services(settings: &ConsentSettings, cookies: &CookiePolicy, index: usize, lang: Lang, all: bool) -> String {
    let w = if lang == Lang::Sv { &SV } else { &EN };
    let owning: Vec<u16> = cookies.policy_rules(all).filter_map(|(_, _, s)| s).collect();
    let mut items = String::new();
    for (i, s) in settings.services.iter() {
        if s.category != index || s.hidden || !(all || s.configured || owning.contains(&i)) {
            continue;
        }
        let names = cookies.cookies_of(i);
        let mut about = escape(s.description(lang));
        if !names.is_empty() {
            let sep = if about.is_empty() { "" } else { " " };
            let names: Vec<String> = names.iter().map(|n| format!("<code>{}</code>", escape(n))).collect();
            about = format!("{about}{sep}Cookies: {}.", names.join(", "));
        }
        let _ =
            writeln!(items, "<li id=\"service-{}\"><strong>{}</strong> {about}</li>", escape(&s.id), escape(&s.name));
    }
    if items.is_empty() {
        return String::new();
    }
    format!("<h3>{}</h3>\n<ul>\n{items}</ul>\n", w.services)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
