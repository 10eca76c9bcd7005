//! Consent-manager markup already on the page (ours, Cookiebot, vanilla-cookieconsent, Klaro,
//! OneTrust): activated when its category is granted, kept inert and marked otherwise.

use super::*;

/// The category a site-marked (consent-manager) element asks for, if it is marked.
fn marked_category<H: HandlerTypes>(el: &Element<'_, '_, H>, page: &Page) -> Option<Option<usize>> {
    let settings = &page.rt.config.consent;
    let plain = el.get_attribute_cow("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"));
    let ids: Vec<String> = if let Some(c) = el.get_attribute("data-consent-category") {
        vec![c]
    } else if let Some(c) = el.get_attribute("data-cookieconsent") {
        c.split(',').map(|s| cookiebot_category(s.trim()).to_string()).collect()
    } else if let (true, Some(c)) = (plain, el.get_attribute("data-category")) {
        c.split(',').map(|s| s.trim().to_string()).collect()
    } else if let Some(class) = el.get_attribute_cow("class").filter(|c| c.contains("optanon-category-")) {
        onetrust_categories(&class)
    } else if let (Some(name), true) =
        (el.get_attribute("data-name"), el.has_attribute("data-type") || el.has_attribute("data-src"))
    {
        // Klaro: services are named by the site; classify by URL, else by name.
        let url = attr_value(el, "data-src").or_else(|| attr_value(el, "src"));
        let by_url =
            url.and_then(|u| page.rt.config.trackers.classify_url(&u, page.base.as_ref()).map(|r| r.category.clone()));
        vec![by_url.unwrap_or_else(|| {
            if name.to_ascii_lowercase().contains("analytic") {
                "analytics".into()
            } else {
                "marketing".into()
            }
        })]
    } else {
        return None;
    };
    let mut found = None;
    for id in ids {
        match settings.category_index(&id) {
            // Every category named must be granted: keep the first refused one.
            Some(i) if !page.state.allows(i) => return Some(Some(i)),
            Some(i) => found = Some(i),
            None => return Some(None),
        }
    }
    Some(found)
}

fn cookiebot_category(c: &str) -> &str {
    match c {
        "statistics" => "analytics",
        "necessary" => "necessary",
        "preferences" => "preferences",
        _ => "marketing",
    }
}

fn onetrust_categories(class: &str) -> Vec<String> {
    class
        .split_whitespace()
        .filter_map(|c| c.strip_prefix("optanon-category-"))
        .flat_map(|c| c.split('-'))
        .map(|code| match code {
            "C0001" => "necessary",
            "C0002" => "analytics",
            "C0003" => "preferences",
            _ => "marketing",
        })
        .map(String::from)
        .collect()
}

/// Site-marked element: activate when granted, else make sure it carries our category marker
/// so the banner can activate it later. Returns whether it was marked at all.
pub(super) fn handle_marked<H: HandlerTypes>(el: &mut Element<'_, '_, H>, page: &mut Page, tag: &str) -> bool {
    let Some(category) = marked_category(el, page) else { return false };
    let granted = category.is_some_and(|c| page.state.allows(c));
    if !granted {
        if let Some(c) = category {
            let _ = el.set_attribute("data-consent-category", &page.rt.config.consent.categories[c].id);
        }
        // Marked media keep their real URL in data-src; a live src/srcset beside it (a
        // placeholder, or the tracker itself) loads now: a refused one is stashed too.
        if tag != "script" && !page.report {
            for attr in ["src", "srcset"] {
                let Some(v) = attr_value(el, attr) else { continue };
                let refused = match attr {
                    "srcset" => srcset_candidates(&v).find_map(|c| page.refused_url(c.url, RequestKind::Image)),
                    _ => page
                        .refused_url(&v, if tag == "iframe" { RequestKind::Subdocument } else { RequestKind::Image }),
                };
                drop(v);
                if let Some((c, _)) = refused {
                    page.count(tag, c);
                    stash(el, attr);
                }
            }
        }
        return true;
    }
    if page.report {
        return true;
    }
    if tag == "script" {
        match el.get_attribute("data-consent-type").or_else(|| el.get_attribute("data-type")) {
            Some(t) if is_js_type(Some(&t)) => {
                let _ = el.set_attribute("type", &t);
            }
            _ => el.remove_attribute("type"),
        }
    }
    for (data, attr) in
        [("data-consent-src", "src"), ("data-src", "src"), ("data-consent-srcset", "srcset"), ("data-srcset", "srcset")]
    {
        if let Some(v) = el.get_attribute(data) {
            let _ = el.set_attribute(attr, &v);
            el.remove_attribute(data);
        }
    }
    page.shared.metrics.elements_activated_total.with_label_values(&[tag]).inc();
    true
}
