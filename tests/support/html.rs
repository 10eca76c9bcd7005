//! An independent leak checker: finds every element in a page that would make a browser contact
//! one of the fixture trackers (executable script, pixel, iframe, hint, ping, `<noscript>` markup).

use lol_html::html_content::{Element, TextChunk};
use lol_html::{element, text, RewriteStrSettings};
use std::cell::RefCell;
use std::rc::Rc;

/// Hosts (suffixes) of the trackers in the fixtures.
pub const TRACKER_HOSTS: [&str; 14] = [
    "google-analytics.com",
    "googletagmanager.com",
    "facebook.net",
    "facebook.com",
    "licdn.com",
    "linkedin.com",
    "hotjar.com",
    "clarity.ms",
    "youtube.com",
    "www.google.com",
    "hs-scripts.com",
    "tiktok.com",
    "bing.com",
    "doubleclick.net",
];

/// Inline code is a tracker only when it is, whole, a vendor's published snippet
/// (`tests/fixtures/snippets/*.js`): compared with comments, whitespace, quotes, string contents
/// and numbers ignored, so the IDs may differ. Anything more runs (the client guard stops what it
/// inserts, tested in the browser); code that only *calls* a tracker's API loads nothing.
pub fn is_published_snippet(text: &str) -> bool {
    static PUBLISHED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let published = PUBLISHED.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snippets");
        std::fs::read_dir(dir)
            .expect("tests/fixtures/snippets")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "js"))
            .map(|p| shape(&std::fs::read_to_string(p).expect("fixture")))
            .collect()
    });
    let s = shape(text);
    !s.is_empty() && published.contains(&s)
}

/// The URLs of a srcset as the HTML standard reads them: a URL runs to whitespace (trailing
/// commas end it), descriptors to the next comma.
fn srcset_urls(v: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = v;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(|c: char| c.is_ascii_whitespace()).unwrap_or(rest.len());
        let url = &rest[..end];
        out.push(url.trim_end_matches(','));
        rest = &rest[end..];
        if !url.ends_with(',') {
            rest = rest.find(',').map_or("", |i| &rest[i..]);
        }
    }
}

/// A script's shape: no comments or whitespace, every string `''`, every number `0`.
fn shape(js: &str) -> String {
    let (b, mut out, mut i) = (js.as_bytes(), String::new(), 0);
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push_str("''");
        } else if b[i..].starts_with(b"//") || b[i..].starts_with(b"<!--") || b[i..].starts_with(b"-->") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += b[i..].windows(2).position(|w| w == b"*/").map_or(b.len() - i, |e| e + 1);
        } else if c.is_ascii_digit() && !out.ends_with(|p: char| p.is_ascii_alphanumeric() || p == '_') {
            while i + 1 < b.len() && (b[i + 1].is_ascii_alphanumeric() || b[i + 1] == b'.') {
                i += 1;
            }
            out.push('0');
        } else if !c.is_ascii_whitespace() && c != b';' {
            out.push(c as char);
        }
        i += 1;
    }
    out
}

pub fn is_tracker_url(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase().replace('\\', "/").replace(['\t', '\n', '\r'], "");
    let rest = u.strip_prefix("https:").or_else(|| u.strip_prefix("http:")).unwrap_or(&u);
    let Some(rest) = rest.strip_prefix("//") else { return false };
    let raw_host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
    let host = percent_decode(raw_host);
    let host = host.trim_end_matches('.');
    // A browser refuses hosts with other characters (controls, spaces, U+FFFD…): nothing loads.
    if !host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_') {
        return false;
    }
    TRACKER_HOSTS.iter().any(|t| host == *t || host.ends_with(&format!(".{t}")))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_ascii_lowercase()
}

fn js_type(el: &Element) -> bool {
    match el.get_attribute("type") {
        None => true,
        Some(t) => matches!(
            t.trim().to_ascii_lowercase().as_str(),
            "" | "module" | "text/javascript" | "application/javascript"
        ),
    }
}

/// Every way the page could still reach a tracker, described.
pub fn leaks(html: &str) -> Vec<String> {
    let found = Rc::new(RefCell::new(Vec::new()));
    let (f1, f2, f3, f4, f5) = (found.clone(), found.clone(), found.clone(), found.clone(), found.clone());
    let script_is_js = Rc::new(RefCell::new(false));
    let (j1, j2) = (script_is_js.clone(), script_is_js.clone());
    let inline = Rc::new(RefCell::new(String::new()));
    let noscript = Rc::new(RefCell::new(String::new()));
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("script", move |el| {
            *j1.borrow_mut() = js_type(el);
            if let (true, Some(src)) = (js_type(el), el.get_attribute("src")) {
                if is_tracker_url(&src) {
                    f1.borrow_mut().push(format!("script src={src}"));
                }
            }
            Ok(())
        }))
        .append_element_content_handler(text!("script", move |t: &mut TextChunk| {
            inline.borrow_mut().push_str(t.as_str());
            if t.last_in_text_node() {
                let text = std::mem::take(&mut *inline.borrow_mut());
                // The proxy's own Consent Mode defaults define gtag() but load nothing.
                let consent_mode = text.starts_with("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default'");
                if *j2.borrow() && !consent_mode && is_published_snippet(&text) {
                    f2.borrow_mut().push(format!("inline vendor snippet {:.400}", text.trim()));
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("img, iframe, frame, source, embed, video, audio, input", move |el| {
            for attr in ["src", "srcset", "poster"] {
                if let Some(v) = el.get_attribute(attr) {
                    let urls = if attr == "srcset" { srcset_urls(&v) } else { vec![v.as_str()] };
                    for url in urls {
                        if is_tracker_url(url) {
                            f3.borrow_mut().push(format!("<{} {attr}={url}>", el.tag_name()));
                        }
                    }
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("link[href], a[ping], area[ping]", move |el| {
            let rel = el.get_attribute("rel").unwrap_or_default().to_ascii_lowercase();
            let loads = ["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload", "prerender", "stylesheet"];
            if el.tag_name() == "link" && rel.split_whitespace().any(|r| loads.contains(&r)) {
                let href = el.get_attribute("href").unwrap_or_default();
                if is_tracker_url(&href) {
                    f4.borrow_mut().push(format!("link rel={rel} href={href}"));
                }
            }
            if let Some(ping) = el.get_attribute("ping") {
                if ping.split_whitespace().any(is_tracker_url) {
                    f4.borrow_mut().push(format!("ping={ping}"));
                }
            }
            Ok(())
        }))
        .append_element_content_handler(text!("noscript", move |t: &mut TextChunk| {
            noscript.borrow_mut().push_str(t.as_str());
            if t.last_in_text_node() {
                let inner = std::mem::take(&mut *noscript.borrow_mut());
                for leak in leaks(&inner) {
                    f5.borrow_mut().push(format!("in <noscript>: {leak}"));
                }
            }
            Ok(())
        }));
    lol_html::rewrite_str(html, settings).expect("checker parses the page");
    let out = found.borrow().clone();
    out
}

/// The page without the proxy's banner/shield (everything from its `<div id="consent-proxy"` up
/// to `</body>` or the end).
pub fn without_banner(html: &str) -> String {
    let Some(start) = html.find("<div id=\"consent-proxy\"") else { return html.to_string() };
    let end = html[start..].find("</body>").map_or(html.len(), |i| start + i);
    format!("{}{}", &html[..start], &html[end..])
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// The page without anything the proxy injects: the Consent Mode defaults, the banner.js tag and
/// the banner/shield. Works on bytes, so legacy charsets compare exactly.
pub fn strip_injected(page: &[u8]) -> Vec<u8> {
    let mut out = page.to_vec();
    for (start, end) in [
        (&b"<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default'"[..], &b"</script>"[..]),
        (&b"<script src=\"/__consent/banner.js"[..], &b"</script>"[..]),
    ] {
        if let Some(s) = find(&out, start, 0) {
            let e = find(&out, end, s).expect("closed") + end.len();
            out.drain(s..e);
        }
    }
    if let Some(s) = find(&out, b"<div id=\"consent-proxy\"", 0) {
        let e = find(&out, b"</body>", s).unwrap_or(out.len());
        out.drain(s..e);
    }
    out
}
