//! Text and markup made ASCII (other characters as numeric references), so what the proxy injects
//! is correct in any ASCII-compatible page charset.

use crate::consent::policy::escape;

/// HTML-escapes and turns every non-ASCII character into a numeric character reference.
pub fn ascii_html(s: &str) -> String {
    let escaped = escape(s);
    if escaped.is_ascii() {
        return escaped;
    }
    ascii_html_keep_tags(&escaped)
}

/// Markup (already escaped) with every non-ASCII character as a numeric reference, so it is
/// correct in any ASCII-compatible page charset.
pub fn ascii_html_keep_tags(html: &str) -> String {
    if html.is_ascii() {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len());
    for c in html.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("&#{};", c as u32));
        }
    }
    out
}
