//! A JavaScript tokenizer just exact enough to compare an inline script with a vendor snippet
//! token by token: comments (including the HTML-like `<!--` and `-->` of classic scripts) and
//! whitespace are dropped, string literals are compared by value (quotes and escapes free),
//! and a line break before a token is remembered for automatic semicolon insertion.
//!
//! It never has to be right about code that is *not* a snippet: anything it cannot read (an
//! unterminated string, a stray character) makes the script "not a snippet", so it runs as the
//! site wrote it. Regular expressions are told from division by the previous token, as every
//! hand-written JavaScript lexer does; snippets contain none.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok<'a> {
    /// Identifiers and keywords.
    Ident(&'a str),
    Punct(&'static str),
    /// A string literal's value.
    Str(Cow<'a, str>),
    /// A numeric literal as written.
    Num(&'a str),
    /// A regular expression or template literal, as written (never part of a snippet).
    Opaque(&'a str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub tok: Tok<'a>,
    /// A line terminator comes before this token (where `;` may be left out).
    pub nl_before: bool,
}

/// Longest first within each length, so a greedy scan finds the longest punctuator.
const PUNCTS: [&str; 51] = [
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&",
    "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**", "{", "}", "(", ")",
    "[", "]", ";", ",", "<", ">", "+", "-", "*", "%", "&", "|", "^", "!",
];
const PUNCTS_1: [&str; 7] = ["~", "?", ":", "=", ".", "/", "@"];

/// Keywords after which `/` starts a regular expression.
const REGEX_AFTER: [&str; 12] =
    ["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else"];

/// The tokens of `src`, or `None` when it is not plain readable JavaScript. Byte-wise for ASCII
/// (snippets are ASCII but for their strings), by `char` only past it.
pub fn tokenize(src: &str) -> Option<Vec<Token<'_>>> {
    let b = src.as_bytes();
    let (mut i, mut nl, mut line_start) = (0, false, true);
    let mut out = Vec::with_capacity(src.len() / 3);
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'\n' | b'\r' => {
                (nl, line_start) = (true, true);
                i += 1;
                continue;
            }
            0x80.. => {
                let ch = src[i..].chars().next()?;
                if matches!(ch, '\u{2028}' | '\u{2029}') {
                    (nl, line_start) = (true, true);
                }
                if matches!(ch, '\u{2028}' | '\u{2029}' | '\u{a0}' | '\u{feff}') {
                    i += ch.len_utf8();
                    continue;
                }
            }
            _ => {}
        }
        let rest = &src[i..];
        let comment_start = matches!(c, b'/' | b'<' | b'-');
        if comment_start
            && (rest.starts_with("//") || rest.starts_with("<!--") || (line_start && rest.starts_with("-->")))
        {
            i += rest.find(['\n', '\r']).unwrap_or(rest.len());
            continue;
        }
        if let Some(body) = rest.strip_prefix("/*") {
            let end = body.find("*/")? + 4;
            if rest[..end].contains(['\n', '\r']) {
                (nl, line_start) = (true, true);
            }
            i += end;
            continue;
        }
        line_start = false;
        let word = |from: usize| {
            let mut j = from;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'$') {
                j += 1;
            }
            j
        };
        let (tok, len) = if c == b'"' || c == b'\'' {
            string(rest)?
        } else if c == b'`' {
            let len = template_len(rest)?;
            (Tok::Opaque(&rest[..len]), len)
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'.' || b[j] == b'_') {
                j += 1;
            }
            (Tok::Num(&src[i..j]), j - i)
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let j = word(i);
            if b.get(j).is_some_and(|x| *x >= 0x80) {
                (Tok::Ident(&rest[..ident_len(rest)?]), ident_len(rest)?)
            } else {
                (Tok::Ident(&src[i..j]), j - i)
            }
        } else if c >= 0x80 {
            let len = ident_len(rest)?;
            (Tok::Ident(&rest[..len]), len)
        } else if c == b'/' && regex_allowed(out.last()) {
            let len = regex_len(rest)?;
            (Tok::Opaque(&rest[..len]), len)
        } else if let Some(p) =
            PUNCTS.iter().chain(PUNCTS_1.iter()).find(|p| p.as_bytes()[0] == c && rest.starts_with(**p))
        {
            // `?.` followed by a digit is `?` then a number (`a?.5:1`).
            if *p == "?." && b.get(i + 2).is_some_and(u8::is_ascii_digit) {
                (Tok::Punct("?"), 1)
            } else {
                (Tok::Punct(p), p.len())
            }
        } else if c == b'#' {
            (Tok::Punct("#"), 1)
        } else {
            return None;
        };
        out.push(Token { tok, nl_before: nl });
        nl = false;
        i += len;
    }
    Some(out)
}

/// Length of an identifier with non-ASCII letters at the start of `s` (`None`: not one).
fn ident_len(s: &str) -> Option<usize> {
    let len = s
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$' || ch == '\u{200c}' || ch == '\u{200d}'))
        .unwrap_or(s.len());
    (len > 0).then_some(len)
}

/// Whether a `/` after `prev` starts a regular expression rather than a division.
fn regex_allowed(prev: Option<&Token<'_>>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Punct(p)) => !matches!(*p, ")" | "]" | "}"),
        Some(Tok::Ident(w)) => REGEX_AFTER.contains(w),
        Some(_) => false,
    }
}

/// A quoted string at the start of `s`: its value and its length in bytes.
fn string(s: &str) -> Option<(Tok<'_>, usize)> {
    let b = s.as_bytes();
    let quote = b[0];
    let (mut j, mut escapes) = (1, false);
    while j < b.len() {
        match b[j] {
            b'\\' => {
                escapes = true;
                j += 2;
                continue;
            }
            b'\n' | b'\r' => return None,
            x if x == quote => {
                let raw = &s[1..j];
                let value = if escapes { Cow::Owned(unescape(raw)?) } else { Cow::Borrowed(raw) };
                return Some((Tok::Str(value), j + 1));
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// The value of a string literal's body.
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while let Some(ch) = it.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        let e = it.next()?;
        let hex = |it: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<u32> {
            let s: String = (0..n).filter_map(|_| it.next()).collect();
            (s.len() == n).then(|| u32::from_str_radix(&s, 16).ok()).flatten()
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' if !it.peek().is_some_and(char::is_ascii_digit) => out.push('\0'),
            'x' => out.push(char::from_u32(hex(&mut it, 2)?)?),
            'u' if it.peek() == Some(&'{') => {
                it.next();
                let s: String = it.by_ref().take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&s, 16).ok()?)?);
            }
            'u' => out.push(char::from_u32(hex(&mut it, 4)?).unwrap_or('\u{fffd}')),
            '\r' => {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// Length of a template literal at the start of `s`, substitutions included.
fn template_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                // Skip the substitution: braces balanced, strings and nested templates skipped.
                let mut depth = 1;
                i += 2;
                while depth > 0 {
                    match *b.get(i)? {
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        b'"' | b'\'' => i += string(&s[i..])?.1 - 1,
                        b'`' => i += template_len(&s[i..])? - 1,
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Length of a regular expression literal at the start of `s` (flags included).
fn regex_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (mut i, mut class) = (1, false);
    loop {
        match *b.get(i)? {
            b'\\' => i += 1,
            b'\n' | b'\r' => return None,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => break,
            _ => {}
        }
        i += 1;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        i += 1;
    }
    Some(i)
}

/// Drops the semicolons that say nothing: empty statements (after `;`, `{` or at the start)
/// and the last one before `}` or the end. Applied to a script and to a template alike, so
/// `a();}` and `a()}` compare equal. (After `}` a `;` may end an expression statement, as in
/// `var o = {};`, so it stays; the matcher tolerates it there.)
pub fn normalize(tokens: Vec<Token<'_>>) -> Vec<Token<'_>> {
    let semi = |t: Option<&Token<'_>>| t.is_some_and(|t| t.tok == Tok::Punct(";"));
    let mut out: Vec<Token<'_>> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        if semi(Some(t)) {
            let after_nothing = match out.last().map(|p| &p.tok) {
                None => true,
                Some(Tok::Punct(p)) => matches!(*p, ";" | "{"),
                _ => false,
            };
            let before_end = tokens[i + 1..].iter().find(|n| !semi(Some(n))).is_none_or(|n| n.tok == Tok::Punct("}"));
            if after_nothing || before_end {
                // The line break it sat before still separates what follows.
                continue;
            }
        }
        out.push(t.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok<'_>> {
        normalize(tokenize(s).unwrap()).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn comments_whitespace_and_quotes_do_not_matter() {
        assert_eq!(toks("a('x');  /* c */ b(\"y\") // d\n"), toks("a(\"x\");\n<!-- old\nb('y');\n--> end"));
        assert_eq!(toks("f('\\x41\\u0042\\u{43}')"), toks("f(\"ABC\")"));
        assert_eq!(toks("{a();;};;b()"), toks("{a()};b();"));
    }

    #[test]
    fn regexes_templates_and_division() {
        assert_eq!(toks("x = a / b / c").len(), 7);
        assert!(matches!(toks("x = /a\\/[/]b/g.test(s)")[2], Tok::Opaque("/a\\/[/]b/g")));
        assert!(matches!(toks("f(`a${ {b:'}'} }c`)")[2], Tok::Opaque(_)));
        assert!(matches!(toks("return /x/")[1], Tok::Opaque("/x/")));
    }

    #[test]
    fn unreadable_text_is_not_tokens() {
        for bad in ["'abc", "a = \"x\ny\"", "/* open", "x = `open", "a \u{1} b", "x = /open"] {
            assert!(tokenize(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn line_breaks_are_remembered() {
        let t = tokenize("a()\nb()").unwrap();
        assert!(!t[0].nl_before && t[3].nl_before);
    }
}
