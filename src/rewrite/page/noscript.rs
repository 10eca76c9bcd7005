//! `<noscript>`: raw text to lol_html, markup to a browser without JavaScript.

use super::*;

/// `<noscript>` content is raw text to lol_html but markup to a browser without JavaScript: it is
/// collected (bounded) and rewritten as HTML with the same rules.
/// `<noscript>` start: in SVG or MathML it is an ordinary element whose content the browser
/// parses as markup (an `<i>` there even breaks out into HTML), while lol_html reads it as raw
/// text: that content is dropped (fail closed).
pub fn noscript<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    lock(page).noscript_foreign = el.namespace_uri() != HTML_NS;
}

pub fn noscript_text(chunk: &mut TextChunk<'_>, page: &PageRef, buffer: &mut String) {
    let p = lock(page);
    if p.noscript_foreign && !p.report {
        drop(p);
        chunk.remove();
        return;
    }
    if p.report {
        return;
    }
    drop(p);
    if buffer.len() <= NOSCRIPT_MAX {
        buffer.push_str(chunk.as_str());
    }
    chunk.remove();
    if !chunk.last_in_text_node() {
        return;
    }
    let html = std::mem::take(buffer);
    if html.len() > NOSCRIPT_MAX {
        lock(page).shared.metrics.html_rewrite_errors_total.with_label_values(&["noscript_too_large"]).inc();
        return;
    }
    match super::html::rewrite_fragment(&html, page) {
        Ok(out) => chunk.replace(&out, ContentType::Html),
        Err(_) => lock(page).shared.metrics.html_rewrite_errors_total.with_label_values(&["noscript"]).inc(),
    }
}

/// A `<script src>` inside `<noscript>` (odd, but markup there is parsed without JavaScript
/// only, so it never runs): disarmed like any tracker script.
pub fn noscript_script<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &PageRef) {
    let mut p = lock(page);
    let Some(src) = attr_value(el, "src") else { return };
    let refused = p.refused_url(&src, RequestKind::Script);
    drop(src);
    if let Some((category, provider)) = refused {
        p.count("script", category);
        stash(el, "src");
        let _ = el.set_attribute("type", "text/plain");
        mark(el, &p, category, &provider);
    }
}
