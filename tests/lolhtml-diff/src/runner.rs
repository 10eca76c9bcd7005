//! The same rewriting code, instantiated once for each copy of lol_html (`runner!` below):
//! `stock::run` uses lol_html 3.0.3 from crates.io, `vendored::run` the copy in vendor/lol_html.

/// What one run produced. Compared field by field between the two copies.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Bytes the output sink received.
    pub output: Vec<u8>,
    /// One line per handler call: selector index, tag name, attributes, text chunks, …
    pub log: String,
    /// The error `write()`/`end()` returned, or `panic: …`.
    pub error: Option<String>,
}

/// Selectors of set 1, in the proxy's order (src/rewrite/page/html.rs).
pub const SET1: &[&str] = &[
    "img, image",
    "source",
    "iframe, frame",
    "embed",
    "object",
    "video",
    "audio",
    "input[src]",
    "link",
    "a[ping], area[ping]",
    "base[href]",
    "script",
    "head",
    "body",
    "consent-policy-table",
    "noscript",
    "[style]",
    "style",
];

/// Selectors of set 3: attribute-only and attribute-with-name.
pub const SET3: &[&str] = &[
    "[href]",
    "[style]",
    "[src]",
    "a[ping]",
    "div[id]",
    "[class~=x]",
    "svg [href]",
    "[HREF]",
    "[id^=a]",
    "[id$=b]",
    "[id*=c]",
    "[lang|=en]",
    "[type=\"TEXT\" i]",
    "[data-x=\"\"]",
    "a[href][ping]",
    "div > [src]",
    "[class~=x] [style]",
    "[id=\"a-b\"]",
    "[class~=\"\"]",
    "[id^=\"\"]",
    "[id$=\"\" i]",
    "[hidden]",
    "[async=\"\"]",
    ":not([src])",
    "img:not([src*=pixel])",
    // Patch 7 keeps child counters in the light stack entries: nth selectors, nested.
    ":nth-child(2)",
    "p:nth-of-type(2n+1)",
    "li:first-child",
    "ul li:nth-child(odd)",
    "div div span",
    "table > tr > td",
];

macro_rules! runner {
    ($lh:ident) => {
        use crate::case::Case;
        use crate::runner::{Outcome, SET1, SET3};
        use std::borrow::Cow;
        use std::fmt::Write as _;
        use std::sync::{Arc, Mutex};
        use $lh::html_content::{
            BailOut, Comment, ContentType, Doctype, DocumentEnd, Element, EndTag, SourceLocation, TextChunk,
        };
        use $lh::{
            AsciiCompatibleEncoding, DocumentContentHandlers, ElementContentHandlers, HandlerTypes, MemorySettings,
            Selector, Settings,
        };

        type Log = Arc<Mutex<String>>;

        fn line(log: &Log, s: &str) {
            let mut l = log.lock().unwrap_or_else(|e| e.into_inner());
            l.push_str(s);
            l.push('\n');
        }

        fn loc(l: SourceLocation) -> String {
            let r = l.bytes();
            format!("{}..{}", r.start, r.end)
        }

        fn opt_loc(l: Option<SourceLocation>) -> String {
            l.map_or_else(|| "-".to_string(), loc)
        }

        /// Each selector parsed once and kept for good (the proxy's selectors are `'static` too,
        /// which the vendored copy's shared programs need: see `share`).
        fn static_sel(s: &str) -> &'static Selector {
            static SELECTORS: Mutex<Vec<(String, &'static Selector)>> = Mutex::new(Vec::new());
            let mut all = SELECTORS.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, found)) = all.iter().find(|(k, _)| k == s) {
                return found;
            }
            let parsed: &'static Selector =
                Box::leak(Box::new(s.parse().unwrap_or_else(|e| panic!("selector {s:?}: {e}"))));
            all.push((s.to_owned(), parsed));
            parsed
        }

        fn sel(s: &str) -> Cow<'static, Selector> {
            Cow::Borrowed(static_sel(s))
        }

        fn rec_el<H: HandlerTypes>(log: &Log, idx: usize, el: &Element<'_, '_, H>) {
            if let Some(mismatch) = check_element(el) {
                line(log, &mismatch);
            }
            let mut s = format!(
                "E{idx} {} {:?} ns={} sc={} chc={} loc={}",
                el.tag_name(),
                el.tag_name_preserve_case(),
                el.namespace_uri(),
                el.is_self_closing() as u8,
                el.can_have_content() as u8,
                loc(el.source_location()),
            );
            for a in el.attributes() {
                let _ = write!(
                    s,
                    " [{:?}/{:?}={:?} n={} v={}]",
                    a.name(),
                    a.name_preserve_case(),
                    a.value(),
                    opt_loc(a.name_source_location()),
                    opt_loc(a.value_source_location()),
                );
            }
            line(log, &s);
        }

        fn rec_text(log: &Log, idx: usize, t: &TextChunk<'_>) {
            line(
                log,
                &format!(
                    "T{idx} {:?} {:?} last={} loc={}",
                    t.text_type(),
                    t.as_str(),
                    t.last_in_text_node() as u8,
                    loc(t.source_location())
                ),
            );
        }

        fn rec_comment(log: &Log, idx: usize, c: &Comment<'_>) {
            line(log, &format!("C{idx} {:?} loc={}", c.text(), loc(c.source_location())));
        }

        fn rec_end_tag(log: &Log, idx: usize, e: &EndTag<'_>) {
            line(log, &format!("/{idx} {} {:?} loc={}", e.name(), e.name_preserve_case(), loc(e.source_location())));
        }

        fn memory(case: &Case) -> MemorySettings {
            let mut m = MemorySettings::new().with_preallocated_parsing_buffer_size(case.prealloc);
            if case.mem > 0 {
                m = m.with_max_allowed_memory_usage(case.mem);
            }
            m.with_graceful_bail_out_on_memory_limit_exceeded(case.graceful)
        }

        /// Settings common to the local (non-Send) sets.
        fn local(case: &Case, log: &Log) -> Settings<'static, 'static> {
            let mut s = Settings::new()
                .with_strict(case.strict)
                .with_enable_esi_tags(case.esi)
                .with_memory_settings(memory(case));
            if case.graceful {
                let l = log.clone();
                s = s.append_bail_out_handler(move |err: &$lh::errors::RewritingError, b: &mut BailOut<'_>| {
                    line(&l, &format!("BAILOUT {err}"));
                    b.append("<!--bailed out-->", ContentType::Html);
                });
            }
            s
        }

        /// Set 1: the proxy's selectors (Send API, as the proxy), recording, plus mutations.
        fn set1(case: &Case, log: &Log) -> $lh::send::Settings<'static, 'static> {
            let mut s = $lh::send::Settings::new_send();
            for (i, &selector) in SET1.iter().enumerate() {
                let mut h = $lh::send::ElementContentHandlers::default();
                if selector != "style" {
                    let l = log.clone();
                    h = h.element(move |el: &mut $lh::send::Element<'_, '_>| {
                        rec_el(&l, i, el);
                        mutate_set1(&l, i, el);
                        Ok(())
                    });
                }
                if matches!(selector, "script" | "noscript" | "style") {
                    let l = log.clone();
                    h = h.text(move |t: &mut TextChunk<'_>| {
                        rec_text(&l, i, t);
                        Ok(())
                    });
                }
                s = s.append_element_content_handler((sel(selector), h));
            }
            let list: Vec<&'static Selector> = SET1.iter().map(|s| static_sel(s)).collect();
            s = share(s, &list, true);
            let l = log.clone();
            s.append_document_content_handler($lh::send::DocumentContentHandlers::default().end(
                move |end: &mut DocumentEnd<'_>| {
                    line(&l, "END");
                    end.append("<!--end-->", ContentType::Html);
                    Ok(())
                },
            ))
            .with_adjust_charset_on_meta_tag(true)
            .with_strict(case.strict)
            .with_memory_settings(memory(case))
        }

        fn mutate_set1(log: &Log, i: usize, el: &mut $lh::send::Element<'_, '_>) {
            let src = el.get_attribute("src").unwrap_or_default();
            match SET1[i] {
                "img, image" if el.tag_name() == "img" && src.contains("pixel") => el.remove_attribute("src"),
                "iframe, frame" if el.tag_name() == "iframe" => el.remove(),
                "script" if src.contains("track") => {
                    if let Err(e) = el.set_attribute("type", "text/plain") {
                        line(log, &format!("set_attribute error {e}"));
                    }
                }
                "head" => el.prepend("<meta name=\"x-injected\">", ContentType::Html),
                "body" if el.can_have_content() => {
                    let l = log.clone();
                    let r = el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
                        rec_end_tag(&l, i, end);
                        end.before("<div id=\"banner\">b</div>", ContentType::Html);
                        Ok(())
                    }));
                    if let Err(e) = r {
                        line(log, &format!("on_end_tag error {e}"));
                    }
                }
                "consent-policy-table" => el.set_inner_content("<table><tr><td>t</td></tr></table>", ContentType::Html),
                "[style]" => {
                    if let Err(e) = el.set_attribute("data-x", "1") {
                        line(log, &format!("set_attribute error {e}"));
                    }
                }
                _ => {}
            }
        }

        /// Set 2: `*`, recording every element and its end tag.
        fn set2(case: &Case, log: &Log) -> Settings<'static, 'static> {
            let l = log.clone();
            local(case, log).append_element_content_handler((
                sel("*"),
                ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                    rec_el(&l, 0, el);
                    if el.can_have_content() {
                        let l2 = l.clone();
                        let r = el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
                            rec_end_tag(&l2, 0, end);
                            Ok(())
                        }));
                        if let Err(e) = r {
                            line(&l, &format!("on_end_tag error {e}"));
                        }
                    }
                    Ok(())
                }),
            ))
        }

        /// Set 3: attribute selectors, recording.
        fn set3(case: &Case, log: &Log) -> Settings<'static, 'static> {
            let mut s = local(case, log);
            for (i, &selector) in SET3.iter().enumerate() {
                let l = log.clone();
                s = s.append_element_content_handler((
                    sel(selector),
                    ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                        rec_el(&l, i, el);
                        Ok(())
                    }),
                ));
            }
            let list: Vec<&'static Selector> = SET3.iter().map(|s| static_sel(s)).collect();
            share(s, &list, false)
        }

        /// Set 4: charset adjustment on `<meta>`, no handlers, UTF-8.
        fn set4(case: &Case, log: &Log) -> Settings<'static, 'static> {
            local(case, log).with_adjust_charset_on_meta_tag(true)
        }

        /// Set 5: windows-1252, charset adjustment, `*` element + text + comment recording.
        fn set5(case: &Case, log: &Log) -> Settings<'static, 'static> {
            let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
            local(case, log)
                .with_encoding(AsciiCompatibleEncoding::new(encoding_rs::WINDOWS_1252).unwrap())
                .with_adjust_charset_on_meta_tag(true)
                .append_element_content_handler((
                    sel("*"),
                    ElementContentHandlers::default()
                        .element(move |el: &mut Element<'_, '_>| {
                            rec_el(&l1, 0, el);
                            Ok(())
                        })
                        .text(move |t: &mut TextChunk<'_>| {
                            rec_text(&l2, 0, t);
                            Ok(())
                        })
                        .comments(move |c: &mut Comment<'_>| {
                            rec_comment(&l3, 0, c);
                            Ok(())
                        }),
                ))
        }

        /// Set 6: document-level handlers, `*` comments/text, and a few text/comment mutations.
        fn set6(case: &Case, log: &Log) -> Settings<'static, 'static> {
            let (l1, l2, l3, l4, l5, l6, l7) =
                (log.clone(), log.clone(), log.clone(), log.clone(), log.clone(), log.clone(), log.clone());
            local(case, log)
                .append_document_content_handler(
                    DocumentContentHandlers::default()
                        .doctype(move |d: &mut Doctype<'_>| {
                            line(
                                &l1,
                                &format!(
                                    "D {:?} {:?} {:?} loc={}",
                                    d.name(),
                                    d.public_id(),
                                    d.system_id(),
                                    loc(d.source_location())
                                ),
                            );
                            Ok(())
                        })
                        .comments(move |c: &mut Comment<'_>| {
                            rec_comment(&l2, 100, c);
                            Ok(())
                        })
                        .text(move |t: &mut TextChunk<'_>| {
                            rec_text(&l3, 100, t);
                            Ok(())
                        })
                        .end(move |end: &mut DocumentEnd<'_>| {
                            line(&l4, "END");
                            end.append("<!--end-->", ContentType::Html);
                            Ok(())
                        }),
                )
                .append_element_content_handler((
                    sel("*"),
                    ElementContentHandlers::default().comments(move |c: &mut Comment<'_>| {
                        rec_comment(&l5, 0, c);
                        if c.text().contains('x') {
                            c.remove();
                        }
                        Ok(())
                    }),
                ))
                .append_element_content_handler((
                    sel("title"),
                    ElementContentHandlers::default().text(move |t: &mut TextChunk<'_>| {
                        rec_text(&l6, 1, t);
                        let upper = t.as_str().to_uppercase();
                        t.replace(&upper, ContentType::Text);
                        Ok(())
                    }),
                ))
                .append_element_content_handler((
                    sel("p"),
                    ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                        rec_el(&l7, 2, el);
                        el.before("<i>b</i>", ContentType::Html);
                        el.after("a&b", ContentType::Text);
                        Ok(())
                    }),
                ))
        }

        fn drive<H: HandlerTypes>(
            settings: $lh::Settings<'static, 'static, H>,
            case: &Case,
            input: &[u8],
            output: &mut Vec<u8>,
        ) -> Result<(), String> {
            let mut rw = $lh::HtmlRewriter::new(settings, |c: &[u8]| output.extend_from_slice(c));
            for chunk in case.chunks(input) {
                rw.write(chunk).map_err(|e| format!("write: {e} ({e:?})"))?;
            }
            rw.end().map_err(|e| format!("end: {e} ({e:?})"))
        }

        pub fn run(case: &Case, input: &[u8]) -> Outcome {
            let log: Log = Arc::default();
            let mut output = Vec::new();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match case.set {
                1 => drive(set1(case, &log), case, input, &mut output),
                2 => drive(set2(case, &log), case, input, &mut output),
                3 => drive(set3(case, &log), case, input, &mut output),
                4 => drive(set4(case, &log), case, input, &mut output),
                5 => drive(set5(case, &log), case, input, &mut output),
                6 => drive(set6(case, &log), case, input, &mut output),
                n => panic!("no handler set {n}"),
            }));
            let error = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(p) => Some(format!("panic: {}", crate::panic_message(&*p))),
            };
            let log = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
            Outcome { output, log, error }
        }
    };
}

pub mod stock {
    runner!(lol_html_stock);

    /// Stock lol_html compiles its selectors per rewriter.
    fn share<H: HandlerTypes>(
        s: lol_html_stock::Settings<'static, 'static, H>,
        _: &[&'static Selector],
        _: bool,
    ) -> lol_html_stock::Settings<'static, 'static, H> {
        s
    }

    fn check_element<H: HandlerTypes>(_: &Element<'_, '_, H>) -> Option<String> {
        None
    }
}

pub mod vendored {
    runner!(lol_html);

    /// Patch 6: sets 1 and 3 run on a program compiled once per selector list (UTF-8, as they
    /// are configured), so every run compares the shared program with stock's own.
    fn share<H: HandlerTypes>(
        s: lol_html::Settings<'static, 'static, H>,
        list: &[&'static Selector],
        meta: bool,
    ) -> lol_html::Settings<'static, 'static, H> {
        type Programs = Vec<(Vec<usize>, bool, Arc<lol_html::CompiledSelectors>)>;
        static PROGRAMS: Mutex<Programs> = Mutex::new(Vec::new());
        let key: Vec<usize> = list.iter().map(|s| std::ptr::from_ref(*s) as usize).collect();
        let mut all = PROGRAMS.lock().unwrap_or_else(|e| e.into_inner());
        let compiled = match all.iter().find(|(k, m, _)| *k == key && *m == meta) {
            Some((_, _, c)) => c.clone(),
            None => {
                let c = Arc::new(lol_html::CompiledSelectors::new(list, AsciiCompatibleEncoding::utf_8(), meta));
                all.push((key, meta, c.clone()));
                c
            }
        };
        s.with_compiled_selectors(compiled)
    }

    /// Patch 5: the borrowed accessors give what the owned ones give; a difference is logged, so
    /// it shows as a difference from stock.
    fn check_element<H: HandlerTypes>(el: &Element<'_, '_, H>) -> Option<String> {
        for a in el.attributes() {
            // `name()` is decoded (a leading BOM dropped), the lookups compare the bytes as
            // written: so the invariant is "some attribute has the name" ⇔ `has_attribute`.
            let name = a.name();
            if !name.is_ascii() {
                // A non-ASCII name takes the owned path in both accessors; and upstream's
                // `eq_case_insensitive` debug-asserts on it in a multibyte encoding whose trail
                // bytes are ASCII capitals (Shift_JIS), in stock too (noted in PATCHES.md).
                continue;
            }
            if el.get_attribute_cow(&name).as_deref() != el.get_attribute(&name).as_deref()
                || a.value_cow() != a.value()
                || el.attributes().iter().any(|b| b.has_name(&name)) != el.has_attribute(&name)
            {
                return Some(format!("PATCH5 MISMATCH on {name:?}"));
            }
        }
        None
    }
}
