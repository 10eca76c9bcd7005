//! Consent-manager markup already on the page (ours, Cookiebot, vanilla-cookieconsent, Klaro,
//! OneTrust): activated when its category is granted, kept inert and marked otherwise.

use super::*;

/// The service a site-marked element names: ours (`data-consent-service`), vanilla-cookieconsent
/// v3's (`data-service`) or Klaro's (`data-name`), by service id or provider name.
fn marked_service<H: HandlerTypes>(el: &Element<'_, '_, H>, page: &Page) -> Option<u16> {
    let services = &page.rt.config.consent.services;
    if services.is_empty() {
        return None;
    }
    ["data-consent-service", "data-service", "data-name"].iter().find_map(|attr| {
        let name = el.get_attribute_cow(attr)?;
        let name = name.trim();
        services.index(name).or_else(|| services.of_provider(name))
    })
}

/// The category a site-marked (consent-manager) element asks for, if it is marked, and the
/// service it names.
fn marked_category<H: HandlerTypes>(el: &Element<'_, '_, H>, page: &Page) -> Option<(Option<usize>, Option<u16>)> {
    let settings = &page.rt.config.consent;
    let plain = el.get_attribute_cow("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"));
    let service = marked_service(el, page);
    let of_service =
        || service.and_then(|s| settings.services.get(s)).map(|s| settings.categories[s.category].id.clone());
    let ids: Vec<String> = if let Some(c) = el.get_attribute("data-consent-category") {
        vec![c]
    } else if let (Some(c), true) = (of_service(), el.has_attribute("data-consent-service")) {
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
        // Klaro: services are named by the site; a service of ours by that name, else classify
        // by URL, else by name.
        let url = attr_value(el, "data-src").or_else(|| attr_value(el, "src"));
        let by_url =
            url.and_then(|u| page.rt.config.trackers.classify_url(&u, page.base.as_ref()).map(|r| r.category.clone()));
        vec![of_service().or(by_url).unwrap_or_else(|| {
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
            // Every category named must be granted (or the service, on its own): keep the first
            // refused one.
            Some(i) if !page.state.allows_service(service, i) => return Some((Some(i), service)),
            Some(i) => found = Some(i),
            None => return Some((None, service)),
        }
    }
    Some((found, service))
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
    let Some((category, service)) = marked_category(el, page) else { return false };
    let granted = category.is_some_and(|c| page.state.allows_service(service, c));
    if !granted {
        let settings = &page.rt.config.consent;
        if let Some(c) = category {
            let _ = el.set_attribute("data-consent-category", &settings.categories[c].id);
        }
        if let Some(s) = service.and_then(|s| settings.services.get(s)) {
            let _ = el.set_attribute("data-consent-service", &s.id);
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
