//! Scripts: external ones judged by URL, inline ones by their text (held back, bounded, until
//! judged), speculation rules by the URLs in their JSON.

use super::*;

/// Types a script may have and still run as JavaScript.
/// Whether a `<script type>` runs: empty, `module`, or one of the HTML spec's JavaScript MIME
/// types. Parameters are ignored (`text/javascript; charset=utf-8` runs in browsers), so the
/// essence is compared; judging too much as JavaScript only means judging it.
pub(super) fn is_js_type(ty: Option<&str>) -> bool {
    const JS: [&str; 18] = [
        "",
        "module",
        "application/ecmascript",
        "application/javascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    ];
    let Some(ty) = ty else { return true };
    let essence = ty.split(';').next().unwrap_or("").trim();
    JS.iter().any(|js| js.eq_ignore_ascii_case(essence))
}

/// The attributes a script loads from: `src` in HTML, `href` or `xlink:href` in SVG.
const URL_ATTRS: [&str; 3] = ["src", "href", "xlink:href"];

/// `<script>` start tag.
pub fn script(el: &mut SendElement<'_, '_>, page: &PageRef) {
    let mut p = lock(page);
    // Not before an SVG script: the snippet would be SVG too, where `<script src>` loads nothing.
    if el.namespace_uri() == HTML_NS {
        if let Some(snippet) = p.take_head_snippet() {
            el.before(&snippet, ContentType::Html);
        }
    }
    let (plain, speculation, js) = {
        let ty = el.get_attribute_cow("type");
        let is = |v: &str| ty.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case(v));
        (is("text/plain"), is("speculationrules"), is_js_type(ty.as_deref()))
    };
    // Every consent-manager convention keeps scripts inert as type="text/plain".
    if plain && handle_marked(el, &mut p, "script") {
        return;
    }
    if !speculation && !js {
        return;
    }
    // An HTML script loads `src`; an SVG script loads `href` / `xlink:href` and ignores `src`,
    // and its text runs unless the URL is refused (then it is made inert whole), so its text is
    // always judged too. Every one of the three is judged whatever lol_html says the namespace
    // is: where its tree-builder simulation and the browser disagree (`<div><svg></div><script
    // src>` is HTML to a browser, SVG to lol_html), the URL the browser loads is still judged.
    // Disarming an attribute the element's namespace ignores changes nothing a browser does.
    let svg = el.namespace_uri() == SVG_NS;
    let mut present = false;
    let mut refused = None;
    for attr in URL_ATTRS {
        let Some(url) = attr_value(el, attr) else { continue };
        present = true;
        if let Some(found) = p.refused_url(&url, RequestKind::Script) {
            refused = Some(found);
            break;
        }
    }
    if let Some((category, provider)) = refused {
        p.count("script", category);
        if !p.report {
            stash(el, "type");
            for attr in URL_ATTRS {
                stash(el, attr);
            }
            let _ = el.set_attribute("type", "text/plain");
            mark(el, &p, category, &provider);
        }
        return;
    }
    // A loaded HTML script's text never runs.
    if present && !svg && el.has_attribute("src") {
        return;
    }
    let attrs = el.attributes().iter().map(|a| (a.name(), a.value())).collect();
    let svg = svg.then(String::new);
    p.inline.push(Inline { speculation, attrs, text: String::new(), verdict: None, truncated: false, svg });
    p.readers.push(Reader::Script);
    drop(p);
    let page = page.clone();
    let _ = el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
        inline_script_end(end, &page);
        Ok(())
    }));
}

/// Inline script text: held back until decided (bounded), then passed on or made inert.
pub fn script_text(chunk: &mut TextChunk<'_>, page: &PageRef) {
    let mut p = lock(page);
    if !p.text_is(Reader::Script) {
        // Text of an SVG `<style>` inside this script: the style's.
        return;
    }
    let report = p.report;
    let Some(inline) = p.inline.last_mut() else { return };
    match &inline.verdict {
        Some(None) => {
            if !inline.speculation {
                p.note_script_hosts(chunk.as_str());
            }
            return;
        }
        Some(Some(_)) => {
            if inline.text.len() + chunk.as_str().len() <= INLINE_MAX {
                inline.text.push_str(chunk.as_str());
            } else {
                inline.truncated = true;
            }
            chunk.remove();
            return;
        }
        None => {}
    }
    inline.text.push_str(chunk.as_str());
    if !report {
        chunk.remove();
    }
    if inline.text.len() < INLINE_PREFIX && !chunk.last_in_text_node() {
        return;
    }
    let text = std::mem::take(&mut inline.text);
    let judged = match &inline.svg {
        Some(before) => format!("{before}{text}"),
        None => text.clone(),
    };
    let refused = if inline.speculation {
        json_urls(&judged).into_iter().find_map(|u| p.refused_url(&u, RequestKind::Other))
    } else {
        let rule = {
            let consent = &p.rt.config.consent;
            let refused = |r: &TrackerRule| {
                consent.category_index(&r.category).is_none_or(|c| !p.state.allows_provider(consent, c, &r.provider))
            };
            // A granted vendor's snippet runs either way: it is not read as JavaScript.
            p.rt.config.trackers.classify_inline_where(&judged, refused).cloned()
        };
        rule.and_then(|r| p.refused_rule(&r))
    };
    let inline = p.inline.last_mut().expect("checked above");
    match refused {
        Some(found) if !report => {
            inline.text = text;
            inline.verdict = Some(Some(found));
        }
        Some((category, _)) => {
            inline.verdict = Some(None);
            p.count("inline_script", category);
        }
        None => {
            if !inline.speculation {
                p.note_script_hosts(&text);
            }
            let inline = p.inline.last_mut().expect("checked above");
            match inline.svg.as_mut() {
                // More text may follow a child element: keep judging.
                Some(before) if before.len() + text.len() <= INLINE_PREFIX => before.push_str(&text),
                _ => inline.verdict = Some(None),
            }
            if !report {
                chunk.replace(&text, ContentType::Html);
            }
        }
    }
}

fn inline_script_end(end: &mut EndTag<'_>, page: &PageRef) {
    let mut p = lock(page);
    p.close_reader(Reader::Script);
    let Some(inline) = p.inline.pop() else { return };
    let Some(Some((category, provider))) = inline.verdict else {
        // Code that ran: the verdicts on the hosts it names follow it.
        if let Some(hints) = p.take_hint_element() {
            end.after(&hints, ContentType::Html);
        }
        return;
    };
    p.count("inline_script", category);
    let settings = &p.rt.config.consent;
    let mut tag = String::from("<script type=\"text/plain\"");
    for (name, value) in &inline.attrs {
        let name = if name == "type" { "data-consent-type" } else { name.as_str() };
        tag.push_str(&format!(" {}=\"{}\"", name, crate::consent::policy::escape(value)));
    }
    let service = settings.services.of_provider(&provider).and_then(|s| settings.services.get(s));
    tag.push_str(&format!(
        " data-consent-category=\"{}\"{} data-consent-provider=\"{}\"{}>",
        settings.categories[category].id,
        service.map_or(String::new(), |s| format!(" data-consent-service=\"{}\"", s.id)),
        crate::consent::policy::escape(&provider),
        if inline.truncated { " data-consent-truncated=\"true\"" } else { "" }
    ));
    end.after(&format!("{tag}{}</script>", inline.text), ContentType::Html);
}

/// Every string in a JSON document (speculation rules list URLs in `urls` arrays).
fn json_urls(text: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    // Unparsable rules do nothing in a browser either.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        walk(&v, &mut out);
    }
    out
}
