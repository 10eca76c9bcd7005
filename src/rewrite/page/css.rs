//! CSS is a loader too: `url(…)` in `style` attributes and `<style>` blocks (recommendation
//! widgets render their thumbnails this way) and `@import` fetch before any script runs. Refused
//! tracker URLs become `none` (an `@import` is removed whole); the element keeps its original
//! `style` in `data-consent-style`, which banner.js puts back when the category is granted.
//! A `<style>` block is restored by the next page load.

use super::*;

/// `<style>` text judged at most; a longer block is passed on after it unjudged… never: it is
/// cut at this size (fail closed), like `<noscript>`.
const STYLE_MAX: usize = 256 * 1024;

/// What becomes of one URL in CSS.
pub(super) enum Judged {
    /// A refused tracker: `none` (an `@import` goes whole); (category index, provider).
    Refused(usize, String),
    /// Loaded from here instead (`banner.thumbnails`); only for images.
    Swap(String),
}

impl Page {
    /// The CSS judgement of `url`: refused, or a held embed's thumbnail served from here.
    pub(super) fn judge_css(&mut self, url: &str, kind: RequestKind) -> Option<Judged> {
        if let Some((c, provider)) = self.refused_url(url, kind) {
            return Some(Judged::Refused(c, provider));
        }
        (kind == RequestKind::Image).then(|| self.thumbnail_url(url)).flatten().map(Judged::Swap)
    }
}

/// Rewrites `css`, asking `judge` about each URL (as `Image`, `Font` inside `@font-face`, or
/// `Stylesheet` for `@import`). Returns the new text and the first refusal (if any), or `None`
/// when nothing changes.
pub(super) fn rewrite_css(
    css: &str,
    mut judge: impl FnMut(&str, RequestKind) -> Option<Judged>,
) -> Option<(String, Option<(usize, String)>)> {
    let lower = css.to_ascii_lowercase();
    let mut edits: Vec<(usize, usize, Cow<'static, str>)> = Vec::new();
    let mut imports: Vec<(usize, usize)> = Vec::new();
    let mut first = None;
    // @import "x"; / @import url(x) …;
    let mut from = 0;
    while let Some(i) = lower[from..].find("@import").map(|i| i + from) {
        let end = lower[i..].find(';').map_or(css.len(), |e| i + e + 1);
        from = end.max(i + 7);
        imports.push((i, end));
        let rest = css[i + 7..end].trim_start();
        let url = if rest.to_ascii_lowercase().starts_with("url(") {
            css_url(&rest[4..]).map(|(u, _)| u)
        } else {
            quoted(rest)
        };
        if let Some(Judged::Refused(c, provider)) = url.and_then(|u| judge(u.trim(), RequestKind::Stylesheet)) {
            first.get_or_insert((c, provider));
            edits.push((i, end, Cow::Borrowed("")));
        }
    }
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(").map(|i| i + from) {
        from = i + 4;
        // An @import's url() is a stylesheet, judged above.
        if imports.iter().any(|(s, e)| (*s..*e).contains(&i)) {
            continue;
        }
        let Some((url, len)) = css_url(&css[i + 4..]) else { continue };
        let font = lower[..i].rfind("@font-face").is_some_and(|f| !lower[f..i].contains('}'));
        let kind = if font { RequestKind::Font } else { RequestKind::Image };
        match judge(url.trim(), kind) {
            Some(Judged::Refused(c, provider)) => {
                first.get_or_insert((c, provider));
                edits.push((i, i + 4 + len, Cow::Borrowed("none")));
            }
            Some(Judged::Swap(local)) => {
                // A URL may keep `\` in its query: escaped, it cannot end the CSS string.
                let quoted = local.replace('\\', "%5C").replace('"', "%22");
                edits.push((i, i + 4 + len, Cow::Owned(format!("url(\"{quoted}\")"))));
            }
            None => {}
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(css.len());
    let mut at = 0;
    for (s, e, with) in edits {
        if s < at {
            continue;
        }
        out.push_str(&css[at..s]);
        out.push_str(&with);
        at = e;
    }
    out.push_str(&css[at..]);
    Some((out, first))
}

/// After `url(`: the URL (quotes removed) and the length up to and including `)`.
fn css_url(s: &str) -> Option<(&str, usize)> {
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    if let Some(q) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = trimmed[1..].find(q)? + 1;
        let paren = trimmed[close..].find(')')? + close;
        return Some((&trimmed[1..close], lead + paren + 1));
    }
    let close = trimmed.find(')')?;
    Some((&trimmed[..close], lead + close + 1))
}

fn quoted(s: &str) -> Option<&str> {
    let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let close = s[1..].find(q)? + 1;
    Some(&s[1..close])
}

/// Any element with a `style` attribute.
pub fn style_attr<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    // Borrowed from the page and decoded without a copy when the value has no character
    // references (the usual case).
    let Some(raw) = el.get_attribute_cow("style") else { return };
    let style = htmlize::unescape_attribute(&*raw);
    if !style.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"url(")) {
        return;
    }
    let mut p = lock(page);
    let Some((new, refused)) = rewrite_css(&style, |u, k| p.judge_css(u, k)) else { return };
    drop(style);
    let Some((category, provider)) = refused else {
        // Only thumbnails moved here: nothing waits for consent.
        set_decoded(el, "style", &new);
        return;
    };
    let raw = raw.into_owned();
    p.count("css", category);
    if p.report {
        return;
    }
    // The original as written (set_attribute keeps its references), the new one re-encoded.
    let _ = el.set_attribute("data-consent-style", &raw);
    set_decoded(el, "style", &new);
    if !el.has_attribute("data-consent-category") {
        mark(el, &p, category, &provider);
    }
}

/// `<style>` start: its text is read until its end tag (see [`Page::readers`]). A self-closing
/// SVG `<style/>` has no text and no end tag.
pub fn style(el: &mut lol_html::send::Element<'_, '_>, page: &PageRef) {
    let end = page.clone();
    if el
        .on_end_tag(Box::new(move |_: &mut EndTag<'_>| {
            lock(&end).close_reader(Reader::Style);
            Ok(())
        }))
        .is_ok()
    {
        lock(page).readers.push(Reader::Style);
    }
}

/// `<style>` text: collected (bounded), then passed on with refused URLs removed.
pub fn style_text(chunk: &mut TextChunk<'_>, page: &PageRef, buffer: &mut String) {
    if !lock(page).text_is(Reader::Style) {
        // Text of an SVG `<script>` inside this style (its content is markup): the script's.
        return;
    }
    if lock(page).report {
        // Report-only: judged for the counters, never changed.
        buffer.push_str(chunk.as_str());
        if chunk.last_in_text_node() {
            let css = std::mem::take(buffer);
            let mut p = lock(page);
            if let Some((_, Some((c, _)))) = rewrite_css(&css, |u, k| p.judge_css(u, k)) {
                p.count("css", c);
            }
        }
        return;
    }
    if buffer.len() <= STYLE_MAX {
        buffer.push_str(chunk.as_str());
    }
    chunk.remove();
    if !chunk.last_in_text_node() {
        return;
    }
    let css = std::mem::take(buffer);
    let mut p = lock(page);
    if css.len() > STYLE_MAX {
        p.shared.metrics.html_rewrite_errors_total.with_label_values(&["style_too_large"]).inc();
        return;
    }
    match rewrite_css(&css, |u, k| p.judge_css(u, k)) {
        Some((new, refused)) => {
            if let Some((c, _)) = refused {
                p.count("css", c);
            }
            chunk.replace(&new, ContentType::Html);
        }
        None => chunk.replace(&css, ContentType::Html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(css: &str) -> Option<String> {
        rewrite_css(css, |u, k| {
            if u.contains("thumbs.example") {
                return Some(Judged::Swap(format!(
                    "/__consent/thumbnail/thumbs.example{}",
                    &u[u.find(".example").unwrap() + 8..]
                )));
            }
            let bad = u.contains("tracker.example");
            bad.then(|| Judged::Refused(1, format!("{k:?}")))
        })
        .map(|(s, _)| s)
    }

    #[test]
    fn refused_urls_become_none_and_imports_go() {
        assert_eq!(run("background-image: url(https://tracker.example/t.jpg)").unwrap(), "background-image: none");
        assert_eq!(
            run("background: URL( 'https://tracker.example/a.png' ) no-repeat; color: red").unwrap(),
            "background: none no-repeat; color: red"
        );
        assert_eq!(
            run("a{background:url(\"//tracker.example/x\")} b{background:url(/own.png)}").unwrap(),
            "a{background:none} b{background:url(/own.png)}"
        );
        assert_eq!(
            run("@import url(https://tracker.example/w.css) screen;\n@import 'https://tracker.example/b.css';\np{x:y}")
                .unwrap(),
            "\n\np{x:y}"
        );
        assert_eq!(run("@import '/own.css'; p{background:url(data:image/png;base64,AA)}"), None);
        assert_eq!(run("p{background:url(/own.png)"), None);
        // Unterminated: nothing to judge, nothing changed.
        assert_eq!(run("p{background:url(https://tracker.example/x"), None);
        // An @import is a stylesheet, never a thumbnail; a `\` in the URL cannot end the string.
        assert_eq!(run("@import url(https://thumbs.example/s.css);"), None);
        assert_eq!(
            run("p{background:url('https://thumbs.example/a.jpg?x\\\"')}").unwrap(),
            "p{background:url(\"/__consent/thumbnail/thumbs.example/a.jpg?x%5C%22\")}"
        );
        // A thumbnail served from here: quoted, the rest as it was.
        assert_eq!(
            run(".v{background:url('https://thumbs.example/vi/1/0.jpg') center} .t{background:url(https://tracker.example/t)}")
                .unwrap(),
            ".v{background:url(\"/__consent/thumbnail/thumbs.example/vi/1/0.jpg\") center} .t{background:none}"
        );
    }

    #[test]
    fn font_faces_are_fonts() {
        let mut kinds = vec![];
        rewrite_css(
            "@font-face{src:url(https://f.example/a.woff2)} p{background:url(https://f.example/b.png)}",
            |_, k| {
                kinds.push(k);
                None
            },
        );
        assert_eq!(kinds, [RequestKind::Font, RequestKind::Image]);
    }
}
