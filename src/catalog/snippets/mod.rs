//! Vendor snippets: is an inline script, **whole**, a vendor's published loader snippet?
//!
//! Only then is it neutralised: a script that holds a snippet *and* anything else (a variable,
//! a function, a second vendor, the site's own code) runs as written — what it inserts is the
//! client guard's to stop, and what it calls goes to the guard's stubs. This is a proof, not a
//! guess: nothing has to notice every way a site can do its own work.
//!
//! Each vendor's snippet is written down as a template ([`templates`]): the vendor's own text,
//! where only IDs, keys and URLs are free (holes), and compared with the script token by token
//! ([`js`]): comments, whitespace, quote style, optional semicolons and the names of the
//! snippet's function parameters do not matter. Template syntax, in the JavaScript text:
//!
//! | hole | matches |
//! | --- | --- |
//! | `$STR`, `$URL` | any string literal |
//! | `$NUM` | any number |
//! | `$ID` | any string or number |
//! | `$LIT` | a literal value: string, number, `true`, `!0`, array or object of literals, `new Date()`, `location.x`, `document.title`, `a + b` of those |
//! | `$CALLS(fbq)` | zero or more statements calling the vendor's API with literal arguments: `fbq('init', '1')`, `ttq.page()`, `window._paq.push([...])` |
//! | `$OPT … $END` | the part is optional |
//! | `$ALT … $OR … $END` | one of the parts |
//!
//! Scripts are read only when the catalog's signatures already name a vendor, and only up to
//! [`SNIPPET_MAX`].

mod js;
mod memo;
mod templates;

pub use memo::SnippetMemo;

use std::sync::OnceLock;

use js::{Tok, Token};

/// The longest published loader snippets (Mixpanel, PostHog) are under 5 KB with their calls;
/// anything bigger is not a snippet.
pub const SNIPPET_MAX: usize = 8 * 1024;

/// The vendor (provider name, as in the tracker catalog) whose published snippet `text` is,
/// whole; only vendors for which `wanted` says yes are tried.
pub fn whole_snippet(text: &str, wanted: impl Fn(&str) -> bool) -> Option<&'static str> {
    if text.len() > SNIPPET_MAX {
        return None;
    }
    let mut tokens: Option<Vec<Token<'_>>> = None;
    for t in compiled().iter().filter(|t| wanted(t.provider)) {
        let tokens = match &tokens {
            Some(t) => t,
            None => tokens.insert(js::normalize(js::tokenize(text)?)),
        };
        if t.matches(tokens) {
            return Some(t.provider);
        }
    }
    None
}

/// The providers that have a snippet template.
pub fn providers() -> impl Iterator<Item = &'static str> {
    templates::SNIPPETS.iter().map(|(p, _)| *p)
}

fn compiled() -> &'static [Template] {
    static COMPILED: OnceLock<Vec<Template>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        templates::SNIPPETS
            .iter()
            .map(|(provider, text)| Template::compile(provider, text).unwrap_or_else(|e| panic!("{provider}: {e}")))
            .collect()
    })
}

/// One part of a template.
#[derive(Debug)]
enum Item {
    Tok(Tok<'static>),
    /// A parameter of one of the template's functions: any name, renamed consistently.
    Param(&'static str),
    Hole(Hole),
    /// `$CALLS(a.b)`: the callee's path.
    Calls(Vec<&'static str>),
    /// `$ALT`/`$OPT`: the branches (an optional part has an empty one).
    Alt(Vec<Vec<Item>>),
}

#[derive(Debug, Clone, Copy)]
enum Hole {
    Str,
    Num,
    Id,
    Lit,
}

#[derive(Debug)]
struct Template {
    provider: &'static str,
    items: Vec<Item>,
    /// Names the template uses as they are (a parameter may not be renamed to one of them).
    free: Vec<&'static str>,
}

/// Parameter renaming, both ways (a bijection).
#[derive(Clone, Default)]
struct Names<'s> {
    pairs: Vec<(&'static str, &'s str)>,
}

/// What follows the part being matched (for backtracking into optional parts and calls).
struct Cont<'c> {
    items: &'c [Item],
    next: Option<&'c Cont<'c>>,
}

impl Template {
    fn compile(provider: &'static str, text: &'static str) -> Result<Self, String> {
        let tokens = js::normalize(js::tokenize(text).ok_or("does not tokenize")?);
        let params = params(&tokens);
        let mut pos = 0;
        let items = items(&tokens, &mut pos, &params)?;
        if pos != tokens.len() {
            return Err(format!("unexpected {:?}", tokens[pos].tok));
        }
        let free = tokens
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Ident(n) if !params.contains(&n) && !n.starts_with('$') => Some(n),
                _ => None,
            })
            .collect();
        Ok(Self { provider, items, free })
    }

    fn matches(&self, tokens: &[Token<'_>]) -> bool {
        self.seq(&self.items, None, tokens, 0, Names::default())
    }

    /// Matches `items`, then what `cont` holds, against `tokens[pos..]`, to the end.
    fn seq<'s>(&self, items: &[Item], cont: Option<&Cont<'_>>, t: &[Token<'s>], pos: usize, mut n: Names<'s>) -> bool {
        let Some((first, rest)) = items.split_first() else {
            return match cont {
                Some(c) => self.seq(c.items, c.next, t, pos, n),
                None => pos == t.len(),
            };
        };
        let after = Cont { items: rest, next: cont };
        match first {
            Item::Alt(branches) => branches.iter().any(|b| self.seq(b, Some(&after), t, pos, n.clone())),
            Item::Calls(path) => {
                // Every end the calls can reach, longest first.
                let mut ends = vec![pos];
                while let Some(end) = call_statement(t, *ends.last().expect("not empty"), path) {
                    ends.push(end);
                }
                ends.into_iter().rev().any(|end| self.seq(rest, cont, t, end, n.clone()))
            }
            Item::Hole(h) => match hole(t, pos, *h) {
                Some(end) => self.seq(rest, cont, t, end, n),
                None => false,
            },
            Item::Param(p) => match t.get(pos).map(|x| &x.tok) {
                Some(Tok::Ident(s)) if n.bind(p, s, &self.free) => self.seq(rest, cont, t, pos + 1, n),
                _ => false,
            },
            Item::Tok(Tok::Punct(";")) => match t.get(pos) {
                Some(x) if x.tok == Tok::Punct(";") => self.seq(rest, cont, t, pos + 1, n),
                // Automatic semicolon insertion: before a line break, `}` or the end; and a
                // statement that ends in `}` needs none.
                None => self.seq(rest, cont, t, pos, n),
                Some(x) if x.nl_before || x.tok == Tok::Punct("}") || after_brace(t, pos) => {
                    self.seq(rest, cont, t, pos, n)
                }
                _ => false,
            },
            Item::Tok(want) => match t.get(pos) {
                Some(x) if same(want, &x.tok) => self.seq(rest, cont, t, pos + 1, n),
                // `};` where the template has `}`: the semicolon ends the statement, no more.
                Some(x) if x.tok == Tok::Punct(";") && after_brace(t, pos) => self.seq(items, cont, t, pos + 1, n),
                _ => false,
            },
        }
    }
}

impl<'s> Names<'s> {
    /// Binds template parameter `p` to the script's name `s`, if consistent with earlier ones.
    fn bind(&mut self, p: &'static str, s: &'s str, free: &[&str]) -> bool {
        match self.pairs.iter().find(|(tp, ts)| *tp == p || *ts == s) {
            Some((tp, ts)) => *tp == p && *ts == s,
            None if free.contains(&s) || s.starts_with('$') => false,
            None => {
                self.pairs.push((p, s));
                true
            }
        }
    }
}

fn same(want: &Tok<'_>, got: &Tok<'_>) -> bool {
    match (want, got) {
        (Tok::Num(a), Tok::Num(b)) => a == b || a.parse::<f64>().is_ok_and(|x| b.parse::<f64>() == Ok(x)),
        _ => want == got,
    }
}

/// The names the template's functions take as parameters.
fn params(tokens: &[Token<'static>]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.tok != Tok::Ident("function") {
            continue;
        }
        let mut j = i + 1;
        if matches!(tokens.get(j).map(|t| &t.tok), Some(Tok::Ident(_))) {
            j += 1;
        }
        if tokens.get(j).map(|t| &t.tok) != Some(&Tok::Punct("(")) {
            continue;
        }
        for t in &tokens[j + 1..] {
            match t.tok {
                Tok::Ident(p) if !out.contains(&p) => out.push(p),
                Tok::Punct(")") => break,
                _ => {}
            }
        }
    }
    out
}

/// Template tokens → items, up to `$OR`/`$END` or the end.
fn items(t: &[Token<'static>], pos: &mut usize, params: &[&'static str]) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    while let Some(tok) = t.get(*pos) {
        let item = match tok.tok {
            Tok::Ident("$OR" | "$END") => return Ok(out),
            Tok::Ident("$STR" | "$URL") => Item::Hole(Hole::Str),
            Tok::Ident("$NUM") => Item::Hole(Hole::Num),
            Tok::Ident("$ID") => Item::Hole(Hole::Id),
            Tok::Ident("$LIT") => Item::Hole(Hole::Lit),
            Tok::Ident("$CALLS") => {
                let mut path = Vec::new();
                *pos += 2;
                while let Some(Tok::Ident(n) | Tok::Punct(n)) = t.get(*pos).map(|x| x.tok.clone()) {
                    match n {
                        ")" => break,
                        "." => {}
                        _ => path.push(n),
                    }
                    *pos += 1;
                }
                Item::Calls(path)
            }
            Tok::Ident(kw @ ("$OPT" | "$ALT")) => {
                *pos += 1;
                let mut branches = vec![items(t, pos, params)?];
                while t.get(*pos).map(|x| &x.tok) == Some(&Tok::Ident("$OR")) {
                    *pos += 1;
                    branches.push(items(t, pos, params)?);
                }
                if t.get(*pos).map(|x| &x.tok) != Some(&Tok::Ident("$END")) {
                    return Err(format!("{kw} without $END"));
                }
                if kw == "$OPT" {
                    branches.push(Vec::new());
                }
                Item::Alt(branches)
            }
            Tok::Ident(n) if n.starts_with('$') => return Err(format!("unknown hole {n}")),
            Tok::Ident(n) if params.contains(&n) => Item::Param(n),
            ref other => Item::Tok(other.clone()),
        };
        out.push(item);
        *pos += 1;
    }
    Ok(out)
}

/// Whether the token before `pos` is a `}`.
fn after_brace(t: &[Token<'_>], pos: usize) -> bool {
    pos > 0 && punct(t, pos - 1, "}")
}

fn punct(t: &[Token<'_>], pos: usize, p: &str) -> bool {
    t.get(pos).is_some_and(|x| matches!(x.tok, Tok::Punct(q) if q == p))
}

fn ident(t: &[Token<'_>], pos: usize, n: &str) -> bool {
    t.get(pos).is_some_and(|x| x.tok == Tok::Ident(n))
}

/// The end of hole `h` starting at `pos`.
fn hole(t: &[Token<'_>], pos: usize, h: Hole) -> Option<usize> {
    match (h, &t.get(pos)?.tok) {
        (Hole::Str | Hole::Id, Tok::Str(_)) | (Hole::Num | Hole::Id, Tok::Num(_)) => Some(pos + 1),
        (Hole::Lit, _) => literal(t, pos, 0),
        _ => None,
    }
}

/// A literal value (see the module's table), possibly joined with `+`.
fn literal(t: &[Token<'_>], pos: usize, depth: usize) -> Option<usize> {
    let mut end = literal_term(t, pos, depth)?;
    while punct(t, end, "+") {
        end = literal_term(t, end + 1, depth)?;
    }
    Some(end)
}

fn literal_term(t: &[Token<'_>], pos: usize, depth: usize) -> Option<usize> {
    if depth > 16 {
        return None;
    }
    match &t.get(pos)?.tok {
        Tok::Str(_) | Tok::Num(_) => Some(pos + 1),
        Tok::Ident("true" | "false" | "null" | "undefined") => Some(pos + 1),
        Tok::Punct("-" | "+" | "!") if matches!(t.get(pos + 1)?.tok, Tok::Num(_)) => Some(pos + 2),
        Tok::Punct("+") if ident(t, pos + 1, "new") => literal_term(t, pos + 1, depth),
        Tok::Ident("new") if ident(t, pos + 1, "Date") => {
            let mut end = pos + 2;
            if punct(t, end, "(") && punct(t, end + 1, ")") {
                end += 2;
            }
            if punct(t, end, ".") && ident(t, end + 1, "getTime") && punct(t, end + 2, "(") && punct(t, end + 3, ")") {
                end += 4;
            }
            Some(end)
        }
        // Reads of where the page is: what vendors' documented calls pass along.
        Tok::Ident(root @ ("location" | "document" | "window")) => {
            let mut end = pos + 1;
            let mut names = vec![*root];
            while punct(t, end, ".") {
                let Tok::Ident(n) = t.get(end + 1)?.tok else { return None };
                names.push(n);
                end += 2;
            }
            let page_read = matches!(
                names.as_slice(),
                ["location", _]
                    | ["window" | "document", "location", _]
                    | ["document", "title" | "referrer" | "URL" | "domain"]
            );
            page_read.then_some(end)
        }
        Tok::Punct("[") => list(t, pos + 1, "]", depth, literal),
        Tok::Punct("{") => list(t, pos + 1, "}", depth, |t, p, d| match t.get(p)?.tok {
            Tok::Ident(_) | Tok::Str(_) | Tok::Num(_) if punct(t, p + 1, ":") => literal(t, p + 2, d),
            _ => None,
        }),
        _ => None,
    }
}

/// `elem, elem, …` (a trailing comma allowed) up to `close`, starting after the opener.
fn list(
    t: &[Token<'_>],
    mut pos: usize,
    close: &str,
    depth: usize,
    elem: impl Fn(&[Token<'_>], usize, usize) -> Option<usize>,
) -> Option<usize> {
    loop {
        if punct(t, pos, close) {
            return Some(pos + 1);
        }
        pos = elem(t, pos, depth + 1)?;
        if punct(t, pos, ",") {
            pos += 1;
        } else if !punct(t, pos, close) {
            return None;
        }
    }
}

/// One statement calling the API at `path` with literal arguments (`fbq('track', 'X');`,
/// `ttq.page()`, `window._paq.push([...])`, `amplitude.getInstance().init('k')`): its end.
fn call_statement(t: &[Token<'_>], pos: usize, path: &[&str]) -> Option<usize> {
    let mut p = pos;
    if ident(t, p, "window") && punct(t, p + 1, ".") && path.first() != Some(&"window") {
        p += 2;
    }
    for (i, name) in path.iter().enumerate() {
        if i > 0 {
            if !punct(t, p, ".") {
                return None;
            }
            p += 1;
        }
        if !ident(t, p, name) {
            return None;
        }
        p += 1;
    }
    let mut called = false;
    loop {
        if punct(t, p, ".") && matches!(t.get(p + 1)?.tok, Tok::Ident(_)) {
            p += 2;
        } else if punct(t, p, "(") {
            p = list(t, p + 1, ")", 0, literal)?;
            called = true;
        } else {
            break;
        }
    }
    if !called || p == pos {
        return None;
    }
    match t.get(p) {
        Some(x) if x.tok == Tok::Punct(";") => Some(p + 1),
        None => Some(p),
        Some(x) if x.nl_before || x.tok == Tok::Punct("}") => Some(p),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests;
