//! Random tag soup, heavy in attributes: quoted, unquoted and valueless values, duplicate and
//! upper/mixed-case names, `style`/`src`/`href`/`ping`, `<`, `>` and quotes inside values,
//! self-closing tags, svg/math (CDATA, integration points, breakouts), raw-text elements
//! (script/style/textarea/title/xmp/plaintext/…), comments and bogus comments, doctypes,
//! `<meta charset>` (encoding switches), ESI tags, character references, invalid UTF-8,
//! and a tag or token cut at the very end.

use crate::rng::Rng;

const TAGS: &[&str] = &[
    "div",
    "a",
    "img",
    "image",
    "iframe",
    "frame",
    "source",
    "embed",
    "object",
    "video",
    "audio",
    "input",
    "link",
    "area",
    "base",
    "script",
    "style",
    "head",
    "body",
    "html",
    "p",
    "span",
    "noscript",
    "consent-policy-table",
    "textarea",
    "title",
    "template",
    "table",
    "tr",
    "td",
    "select",
    "option",
    "br",
    "meta",
    "form",
    "button",
    "li",
    "ul",
    "picture",
    "track",
    "param",
    "font",
    "b",
    "i",
    "pre",
    "listing",
    "frameset",
    "svg",
    "math",
    "foreignObject",
    "desc",
    "annotation-xml",
    "mi",
    "mtext",
    "x-custom",
    "a-b",
    "h1",
    "center",
    "dd",
    "col",
    "hr",
];

const ATTRS: &[&str] = &[
    "href",
    "src",
    "style",
    "ping",
    "id",
    "class",
    "type",
    "charset",
    "http-equiv",
    "content",
    "srcset",
    "data-src",
    "data-x",
    "alt",
    "rel",
    "name",
    "onload",
    "xlink:href",
    "xmlns",
    "encoding",
    "color",
    "face",
    "size",
    "definitionURL",
    "viewBox",
    "lang",
    "action",
    "poster",
    "integrity",
    "nonce",
    "async",
    "defer",
    "hidden",
    "srcdoc",
    "data",
    "value",
    "x",
    "_",
    "a-b",
];

const VALUES: &[&str] = &[
    "",
    "x",
    "a x b",
    "x y x",
    "track.js",
    "https://t.example/track?x=1&y=2",
    "/js/tracker.js",
    "pixel.gif",
    "//cdn.example/pixel?<x>",
    "color:red",
    "background:url(x.png)",
    "background-image: url('a b.png')",
    "en",
    "en-US",
    "text/javascript",
    "module",
    "text/plain",
    "utf-8",
    "windows-1252",
    "shift_jis",
    "iso-8859-2",
    "text/html; charset=shift_jis",
    "text/html;charset=windows-1251",
    "content-type",
    "Content-Type",
    "text/html",
    "application/xhtml+xml",
    "#",
    "javascript:void(0)",
    "<script>alert(1)</script>",
    "a>b",
    "a<b",
    "</div>",
    "\"",
    "'",
    "`",
    "&amp;",
    "&quot;",
    "&lt;",
    "&#x3C;",
    "&",
    "&notit;",
    "é",
    "日本語",
    "\u{0}",
    "\t\n",
    "abc",
    "b",
    "c",
    "cab",
    "a-b",
    "/>",
    "=",
    "==",
    "x=y",
];

const WORDS: &[&str] = &[
    "hello", " ", "\n", "\t", "text", "&amp;", "&lt;", "&gt", "&#60;", "&#x;", "&nbsp;", "<", ">", "</", "<!", "<?",
    "< p>", "a<b", "-->", "]]>", "é", "日本", "\u{0}", "\r\n", "\r", "x y", "&noti", "&notin;", "\u{FEFF}",
];

const INVALID_UTF8: &[&[u8]] = &[b"\xff", b"\xc3", b"\xe6\x97", b"\x80"];

/// Invalid UTF-8, BOMs (UTF-16 and UTF-8) and a truncated sequence.
const ODD_BYTES: &[&[u8]] = &[b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xe2\x82"];

const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript", "noembed", "noframes", "iframe"];

const RAW_CONTENT: &[&str] = &[
    "var a = 1 < 2 && b > c;",
    "</scr",
    "<!--",
    "-->",
    "<script>",
    "</script",
    "</style",
    "</textarea",
    "</title",
    "document.write('</scr'+'ipt>');",
    "<\\/script>",
    "x",
    "\n",
    "<!-- <script> </script> -->",
    "</SCRIPT",
    "</script foo=bar",
    "</script/",
    "<b>bold</b>",
    "&amp;",
    "a{color:red}",
    "]]>",
    "</xmp",
    "</noscript",
    "</iframe",
    "é",
];

fn pick_bytes(rng: &mut Rng, items: &[&'static [u8]]) -> &'static [u8] {
    items[rng.below(items.len())]
}

fn pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.below(items.len())]
}

fn cased(rng: &mut Rng, s: &str) -> String {
    match rng.below(8) {
        0 => s.to_ascii_uppercase(),
        1 => s.chars().map(|c| if rng.chance(1, 2) { c.to_ascii_uppercase() } else { c }).collect(),
        _ => s.to_string(),
    }
}

fn ws(rng: &mut Rng) -> &'static str {
    pick_str(rng, &[" ", " ", " ", "\t", "\n", "  ", "\r\n", "\x0c"])
}

fn value(rng: &mut Rng) -> Vec<u8> {
    let mut v = Vec::new();
    for _ in 0..rng.range(1, 3) {
        if rng.chance(1, 25) {
            v.extend_from_slice(pick_bytes(rng, INVALID_UTF8));
        } else {
            v.extend_from_slice(rng.pick(VALUES).as_bytes());
        }
    }
    v
}

fn attr(rng: &mut Rng, out: &mut Vec<u8>, names: &mut Vec<String>) {
    let name = if !names.is_empty() && rng.chance(1, 6) {
        // duplicate, possibly in another case
        let prev = names[rng.below(names.len())].clone();
        cased(rng, &prev)
    } else if rng.chance(1, 30) {
        rng.pick(&["\"", "'", "<", "=x", "a<b", "?", "/", "é"]).to_string()
    } else {
        let name = *rng.pick(ATTRS);
        cased(rng, name)
    };
    out.extend_from_slice(name.as_bytes());
    names.push(name);
    match rng.below(10) {
        0 | 1 => {} // valueless
        2 | 3 => {
            // unquoted: no whitespace, `>`; may contain `<`, quotes, `=`
            out.push(b'=');
            let v: Vec<u8> = value(rng)
                .into_iter()
                .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>'))
                .collect();
            out.extend_from_slice(&v);
        }
        4 => {
            out.extend_from_slice(rng.pick(&[" = ", "= ", " =", "=\n"]).as_bytes());
            out.push(b'"');
            out.extend(value(rng).into_iter().filter(|&b| b != b'"'));
            out.push(b'"');
        }
        5..=7 => {
            out.extend_from_slice(b"=\"");
            out.extend(value(rng).into_iter().filter(|&b| b != b'"'));
            out.push(b'"');
        }
        _ => {
            out.extend_from_slice(b"='");
            out.extend(value(rng).into_iter().filter(|&b| b != b'\''));
            out.push(b'\'');
        }
    }
}

fn start_tag(rng: &mut Rng, out: &mut Vec<u8>, name: &str) {
    out.push(b'<');
    out.extend_from_slice(cased(rng, name).as_bytes());
    let n = if rng.chance(1, 15) { rng.range(10, 60) } else { rng.range(0, 6) };
    let mut names = Vec::new();
    for _ in 0..n {
        match rng.below(12) {
            0 => out.push(b'/'),
            1 => {} // no separator: after a quoted value this is still an attribute boundary
            _ => out.extend_from_slice(ws(rng).as_bytes()),
        }
        attr(rng, out, &mut names);
    }
    out.extend_from_slice(rng.pick(&[">", ">", ">", ">", "/>", " />", "/ >", " >", "\n>"]).as_bytes());
}

fn end_tag(rng: &mut Rng, out: &mut Vec<u8>, name: &str) {
    out.extend_from_slice(b"</");
    out.extend_from_slice(cased(rng, name).as_bytes());
    match rng.below(8) {
        0 => out.extend_from_slice(b" >"),
        1 => out.extend_from_slice(b" foo=\"bar\">"),
        2 => out.extend_from_slice(b"/>"),
        _ => out.push(b'>'),
    }
}

fn text(rng: &mut Rng, out: &mut Vec<u8>) {
    for _ in 0..rng.range(1, 6) {
        out.extend_from_slice(rng.pick(WORDS).as_bytes());
    }
}

fn foreign(rng: &mut Rng, out: &mut Vec<u8>) {
    if rng.chance(1, 2) {
        start_tag(rng, out, "svg");
        for _ in 0..rng.range(0, 6) {
            match rng.below(10) {
                0 => out.extend_from_slice(b"<![CDATA[ x<y && </svg> ]]>"),
                1 => {
                    start_tag(rng, out, "foreignObject");
                    start_tag(rng, out, "div");
                    text(rng, out);
                    end_tag(rng, out, "foreignObject");
                }
                2 => {
                    let name = *rng.pick(&["a", "image", "use", "path", "linearGradient", "feImage"]);
                    start_tag(rng, out, name)
                }
                3 => {
                    start_tag(rng, out, "desc");
                    start_tag(rng, out, "img");
                    end_tag(rng, out, "desc");
                }
                4 => out.extend_from_slice(b"<title><b>t</b></title>"),
                5 => raw(rng, out, "script"),
                6 => raw(rng, out, "style"),
                7 => {
                    // breakout from foreign content
                    let name = *rng.pick(&["p", "b", "font", "table", "br"]);
                    start_tag(rng, out, name)
                }
                _ => text(rng, out),
            }
        }
        if rng.chance(2, 3) {
            end_tag(rng, out, "svg");
        }
    } else {
        start_tag(rng, out, "math");
        for _ in 0..rng.range(0, 5) {
            match rng.below(6) {
                0 => out.extend_from_slice(b"<mi>x</mi>"),
                1 => {
                    out.extend_from_slice(b"<annotation-xml");
                    out.extend_from_slice(
                        rng.pick(&[" encoding=\"text/html\"", " encoding='APPLICATION/XHTML+XML'", " encoding=x", ""])
                            .as_bytes(),
                    );
                    out.extend_from_slice(b"><div>x</div><svg><a href=x></a></svg></annotation-xml>");
                }
                2 => out.extend_from_slice(b"<mtext><mglyph/><malignmark/><b>x</b></mtext>"),
                3 => out.extend_from_slice(b"<![CDATA[x]]>"),
                4 => start_tag(rng, out, "a"),
                _ => text(rng, out),
            }
        }
        if rng.chance(2, 3) {
            end_tag(rng, out, "math");
        }
    }
}

fn raw(rng: &mut Rng, out: &mut Vec<u8>, name: &str) {
    start_tag(rng, out, name);
    for _ in 0..rng.range(0, 5) {
        out.extend_from_slice(rng.pick(RAW_CONTENT).as_bytes());
    }
    if rng.chance(4, 5) {
        end_tag(rng, out, name);
    }
}

fn item(rng: &mut Rng, out: &mut Vec<u8>) {
    match rng.below(100) {
        0..=34 => {
            let name = rng.pick(TAGS).to_string();
            start_tag(rng, out, &name)
        }
        35..=47 => {
            let name = rng.pick(TAGS).to_string();
            end_tag(rng, out, &name)
        }
        48..=61 => text(rng, out),
        62..=66 => out.extend_from_slice(
            rng.pick(&[
                "<!-- c -->",
                "<!---->",
                "<!-->",
                "<!--->",
                "<!-- a -- b -->",
                "<!-- x --!>",
                "<!--<!-- nested -->",
                "<!x>",
                "<?php echo 1 ?>",
                "<!DOCTYPE>",
                "<!-- <script> -->",
            ])
            .as_bytes(),
        ),
        67..=69 => out.extend_from_slice(b"<![CDATA[ a < b ]]>"),
        70..=77 => {
            let name = rng.pick(RAW_TEXT).to_string();
            raw(rng, out, &name)
        }
        78..=81 => foreign(rng, out),
        82..=83 => out.extend_from_slice(
            rng.pick(&[
                "<meta charset=\"windows-1252\">",
                "<meta charset=utf-8>",
                "<meta charset='shift_jis'>",
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\">",
                "<meta content='text/html;charset=windows-1251' http-equiv=content-type>",
                "<meta charset=\"utf-16\">",
                "<META CHARSET=x-user-defined>",
            ])
            .as_bytes(),
        ),
        84..=88 => out.extend_from_slice(
            rng.pick(&[
                "</>",
                "<>",
                "< a>",
                "<a/ b>",
                "<3",
                "<a\u{0}b>",
                "</ div>",
                "<//a>",
                "<a<b>",
                "<a =x>",
                "<a b=\"c\"d=e>",
                "<img src=x\"y>",
                "<a href='x'/ >",
                "&#0;",
                "&#x110000;",
                "\u{0}",
            ])
            .as_bytes(),
        ),
        89..=90 => out.extend_from_slice(
            rng.pick(&[
                "<esi:include src=\"/x\"/>",
                "<esi:remove><b>x</b></esi:remove>",
                "<esi:comment text=\"c\"/>",
                "<!--esi <b>x</b> -->",
            ])
            .as_bytes(),
        ),
        91 => out.extend_from_slice(
            rng.pick(&["<!DOCTYPE html>", "<!doctype html public \"-//W3C//DTD HTML 4.01//EN\">"]).as_bytes(),
        ),
        92..=93 => {
            start_tag(rng, out, "consent-policy-table");
            text(rng, out);
            start_tag(rng, out, "b");
            end_tag(rng, out, "consent-policy-table");
        }
        94 => {
            // plaintext swallows the rest of the document
            if rng.chance(1, 4) {
                start_tag(rng, out, "plaintext");
            }
        }
        95..=96 => {
            // deep nesting
            let name = rng.pick(&["div", "b", "span", "table"]).to_string();
            let depth = rng.range(5, 200);
            for _ in 0..depth {
                start_tag(rng, out, &name);
            }
            for _ in 0..rng.range(0, depth) {
                end_tag(rng, out, &name);
            }
        }
        _ => out.extend_from_slice(pick_bytes(rng, ODD_BYTES)),
    }
}

/// Tokens cut before their end, appended at the very end of a document.
const CUT: &[&str] = &[
    "<",
    "</",
    "<d",
    "<div",
    "<div ",
    "<div cla",
    "<div class",
    "<div class=",
    "<div class=\"x",
    "<a href='x",
    "<a href=x",
    "<img src=\"pixel",
    "<!",
    "<!-",
    "<!--",
    "<!-- x",
    "<!-- x -",
    "<!-- x --",
    "<![CDATA[x",
    "<!DOCTY",
    "<!DOCTYPE html",
    "</di",
    "</div",
    "<script>x",
    "<script",
    "<style>a{",
    "<svg><a href='",
    "<svg><![CDATA[",
    "<?x",
    "&am",
    "&#x3",
    "<a b",
    "<a b/",
    "<textarea>x</texta",
    "<title>x</",
    "<meta charset=\"utf",
];

pub fn document(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.chance(1, 4) {
        out.extend_from_slice(b"<!DOCTYPE html>");
    }
    let n = match rng.below(10) {
        0 => rng.range(100, 600),
        1..=2 => 0,
        _ => rng.range(1, 40),
    };
    for _ in 0..n {
        item(rng, &mut out);
    }
    match rng.below(3) {
        0 => out.extend_from_slice(rng.pick(CUT).as_bytes()),
        1 if !out.is_empty() => {
            // cut anywhere in the last 40 bytes
            let len = out.len();
            out.truncate(rng.range(len.saturating_sub(40), len));
        }
        _ => {}
    }
    out
}

/// `input` with a generated fragment spliced in, or cut short.
pub fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    if input.is_empty() {
        return document(rng);
    }
    let at = rng.below(input.len());
    if rng.chance(1, 3) {
        return input[..at].to_vec();
    }
    let mut out = input[..at].to_vec();
    for _ in 0..rng.range(1, 5) {
        item(rng, &mut out);
    }
    out.extend_from_slice(&input[at..]);
    out
}
