//! The shape of `src/`, read from the code's own `use` lines and paths (issue 24):
//!
//! - configuration sits on top: no module that `config` hands a section to (or that those reach)
//!   imports `config`;
//! - no import circle between modules, except inside one module and its own submodules (a parent
//!   declares its children and they see its private items: that is one module split into files).
//!
//! A module is a file of `src/` reached from `lib.rs` through `mod` declarations (modules declared
//! `#[cfg(test)]` and inline `#[cfg(test)] mod … { }` blocks are left out: tests may import
//! anything). An edge A → B is a path in A's code that names B or an item in B: `use` trees,
//! `crate::`/`super::`/`self::` paths, and paths through a child module or a module imported by
//! `use`. Comments and string literals are skipped.
//!
//! `cargo test --test layout -- --nocapture` prints the modules in layers, lowest first.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Module path (`consent::settings`; the crate root is `crate`) → the code that counts.
type Modules = BTreeMap<String, String>;
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Blanks comments, string and char literals (keeps line structure; lifetimes stay).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == b'r' && matches!(b.get(i + 1), Some(b'"' | b'#')) && (i == 0 || !is_ident(b[i - 1])) {
            // Raw string r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                blank(&mut out, b[j]);
                j += 1;
            }
            out.extend_from_slice(b"\"\"");
            i = j + close.len();
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                }
                i += 1;
            }
            out.extend_from_slice(b"\"\"");
            i += 1;
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a).
            if b.get(i + 1) == Some(&b'\\') {
                let end = b[i + 2..].iter().position(|&x| x == b'\'').map_or(b.len(), |p| i + 2 + p);
                out.extend_from_slice(b"' '");
                i = end + 1;
            } else if let Some(len) = b
                .get(i + 1)
                .map(|&lead| match lead {
                    0xF0.. => 4,
                    0xE0.. => 3,
                    0xC0.. => 2,
                    _ => 1,
                })
                .filter(|&len| b.get(i + 1 + len) == Some(&b'\''))
            {
                out.extend_from_slice(b"' '");
                i += len + 2;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The code without `#[cfg(test)] mod name { … }` blocks.
fn without_test_blocks(code: &str) -> String {
    let re = Regex::new(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{").unwrap();
    let mut out = code.to_string();
    while let Some(m) = re.find(&out) {
        let mut depth = 1;
        let mut end = m.end();
        for (k, ch) in out[m.end()..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = m.end() + k + 1;
                break;
            }
        }
        out.replace_range(m.start()..end, "");
    }
    out
}

/// Every module reached from `lib.rs`, with its code (tests left out).
fn modules(src: &Path) -> Modules {
    let decl = Regex::new(r"((?:#\[[^\]]*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;").unwrap();
    let mut found = Modules::new();
    let mut todo = vec![("crate".to_string(), src.join("lib.rs"))];
    while let Some((name, file)) = todo.pop() {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let code = without_test_blocks(&code_only(&text));
        let dir = file.parent().unwrap();
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let children_dir = if matches!(stem, "mod" | "lib") { dir.to_path_buf() } else { dir.join(stem) };
        for c in decl.captures_iter(&code) {
            let attrs = &c[1];
            if attrs.contains("cfg(test)") {
                continue;
            }
            let child = &c[2];
            assert!(
                !attrs.contains("path"),
                "{}: #[path] on `mod {child}` is not followed by this test",
                file.display()
            );
            let flat = children_dir.join(format!("{child}.rs"));
            let nested = children_dir.join(child).join("mod.rs");
            let f = if flat.exists() { flat } else { nested };
            let full = if name == "crate" { child.to_string() } else { format!("{name}::{child}") };
            todo.push((full, f));
        }
        found.insert(name, code);
    }
    found
}

/// `use a::{b, c::{d, e as f}}` → `a::b`, `a::c::d`, `a::c::e` (with the name each is bound to).
fn flatten_use(tree: &str, prefix: &str, out: &mut Vec<(String, String)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (k, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    flatten_use(&inner[start..k], &base, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        flatten_use(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let (path, alias) = match tree.split_once(" as ") {
            Some((p, a)) => (p.trim(), a.trim()),
            None => (tree, tree.rsplit("::").next().unwrap()),
        };
        if path == "self" {
            let alias = if alias == "self" { prefix.rsplit("::").next().unwrap() } else { alias };
            out.push((prefix.to_string(), alias.to_string()));
        } else if path != "*" {
            out.push((join(prefix, path), alias.to_string()));
        } else {
            out.push((prefix.to_string(), String::new()));
        }
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

fn parent(m: &str) -> &str {
    m.rsplit_once("::").map_or("crate", |(p, _)| p)
}

/// The module a path names (the longest prefix that is a module), from inside `module`.
fn resolve(path: &str, module: &str, modules: &Modules, aliases: &HashMap<String, String>) -> Option<String> {
    let segs: Vec<&str> = path.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
    let first = *segs.first()?;
    let (mut base, rest): (String, &[&str]) = match first {
        "crate" => ("crate".into(), &segs[1..]),
        "self" => (module.into(), &segs[1..]),
        "super" => {
            let mut b = module.to_string();
            let mut k = 0;
            while segs.get(k) == Some(&"super") {
                b = parent(&b).to_string();
                k += 1;
            }
            (b, &segs[k..])
        }
        name => {
            let child = if module == "crate" { name.to_string() } else { format!("{module}::{name}") };
            if modules.contains_key(&child) {
                (child, &segs[1..])
            } else if let Some(target) = aliases.get(name) {
                (target.clone(), &segs[1..])
            } else {
                return None;
            }
        }
    };
    let mut best = base.clone();
    for s in rest {
        base = if base == "crate" { s.to_string() } else { format!("{base}::{s}") };
        if modules.contains_key(&base) {
            best = base.clone();
        } else {
            break;
        }
    }
    Some(best)
}

fn graph(modules: &Modules) -> Graph {
    let use_re = Regex::new(r"(?s)\buse\s+([^;]*);").unwrap();
    let path_re = Regex::new(r"(?:^|[^\w:])((?:[A-Za-z_]\w*)(?:\s*::\s*[A-Za-z_]\w*)+)").unwrap();
    let mut g = Graph::new();
    for (name, code) in modules {
        let mut edges = BTreeSet::new();
        let mut aliases = HashMap::new();
        for c in use_re.captures_iter(code) {
            let mut paths = Vec::new();
            flatten_use(&c[1], "", &mut paths);
            for (path, alias) in paths {
                if let Some(target) = resolve(&path, name, modules, &aliases) {
                    // `use crate::consent;` binds a module: later `consent::x::y` paths go through it.
                    let names_the_module = path.rsplit("::").next() == target.rsplit("::").next();
                    if names_the_module && !alias.is_empty() {
                        aliases.insert(alias, target.clone());
                    }
                    edges.insert(target);
                }
            }
        }
        for c in path_re.captures_iter(code) {
            let path: String = c[1].chars().filter(|ch| !ch.is_whitespace()).collect();
            if let Some(target) = resolve(&path, name, modules, &aliases) {
                edges.insert(target);
            }
        }
        edges.remove(name);
        edges.remove("crate");
        g.insert(name.clone(), edges);
    }
    g
}

/// Strongly connected components (Tarjan), each sorted.
fn components(g: &Graph) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a Graph,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            comp.sort();
            t.out.push(comp);
        }
    }
    let mut t = T { g, index: HashMap::new(), low: HashMap::new(), stack: vec![], on: BTreeSet::new(), out: vec![] };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn is_within(m: &str, root: &str) -> bool {
    m == root || m.starts_with(&format!("{root}::"))
}

/// A circle that is not one module and its submodules.
fn bad_circles(g: &Graph) -> Vec<Vec<String>> {
    components(g)
        .into_iter()
        .filter(|c| c.len() > 1 && !c.iter().any(|root| c.iter().all(|m| is_within(m, root))))
        .collect()
}

/// One path `from` → … → `to`, if any.
fn path(g: &Graph, from: &str, to: &str) -> Option<Vec<String>> {
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from.to_string()]);
    while let Some(v) = queue.pop_front() {
        for w in g.get(&v).into_iter().flatten() {
            if w != from && !prev.contains_key(w) {
                prev.insert(w.clone(), v.clone());
                if w == to {
                    let mut p = vec![to.to_string()];
                    while let Some(x) = prev.get(p.last().unwrap()) {
                        p.push(x.clone());
                        if x == from {
                            break;
                        }
                    }
                    p.reverse();
                    return Some(p);
                }
                queue.push_back(w.clone());
            }
        }
    }
    None
}

fn describe(g: &Graph, circle: &[String]) -> String {
    // The shortest round trip through the circle's first module, as an example to start from.
    let a = &circle[0];
    let round = circle
        .iter()
        .skip(1)
        .filter_map(|b| {
            let there = path(g, a, b)?;
            let back = path(g, b, a)?;
            Some(there.into_iter().chain(back.into_iter().skip(1)).collect::<Vec<_>>())
        })
        .min_by_key(Vec::len)
        .map(|r| r.join(" -> "));
    format!("{circle:?}, e.g. {}", round.unwrap_or_default())
}

/// Modules in layers: each imports only modules of lower layers (or its own module family).
fn layers(g: &Graph) -> Vec<Vec<String>> {
    let mut level: BTreeMap<&str, usize> = BTreeMap::new();
    let mut changed = true;
    for v in g.keys() {
        level.insert(v, 0);
    }
    let mut rounds = 0;
    while changed && rounds < 200 {
        changed = false;
        rounds += 1;
        for (v, ws) in g {
            for w in ws {
                if is_within(v, w) || is_within(w, v) {
                    continue;
                }
                let need = level[w.as_str()] + 1;
                if level[v.as_str()] < need {
                    level.insert(v, need);
                    changed = true;
                }
            }
        }
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    for (v, l) in level {
        if out.len() <= l {
            out.resize(l + 1, Vec::new());
        }
        out[l].push(v.to_string());
    }
    out
}

fn src_graph() -> Graph {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    graph(&modules(&src))
}

#[test]
fn the_reader_sees_the_modules_and_their_imports() {
    let g = src_graph();
    assert!(g.len() > 60, "modules found: {:?}", g.keys().collect::<Vec<_>>());
    // A few edges any reader of the code can confirm, so a broken parser cannot pass quietly.
    for (a, b) in [
        ("config", "consent::settings"),
        ("config", "upstream::settings"),
        ("proxy", "state"),
        ("proxy", "consent::import::adopt"),
        ("rewrite::page::noscript", "rewrite::page::html"),
        ("consent::settings", "settings"),
    ] {
        assert!(g[a].contains(b), "{a} -> {b} not seen; {a} imports {:?}", g[a]);
    }
    if std::env::var_os("LAYOUT_PRINT").is_some() || std::env::args().any(|a| a == "--nocapture") {
        for (i, layer) in layers(&g).iter().enumerate() {
            println!("layer {i}: {}", layer.join(", "));
        }
    }
}

#[test]
fn nothing_below_config_imports_it() {
    let g = src_graph();
    let importers: Vec<&String> = g
        .iter()
        .filter(|(m, ws)| !is_within(m, "config") && ws.iter().any(|w| is_within(w, "config")))
        .map(|(m, _)| m)
        .collect();
    let below: Vec<String> = importers
        .iter()
        .filter_map(|m| path(&g, "config", m).map(|p| format!("{m} (config reaches it: {})", p.join(" -> "))))
        .collect();
    assert!(below.is_empty(), "modules below config import it:\n{}", below.join("\n"));
    // Who may: the modules that hold or load the whole configuration.
    let mut importers: Vec<&str> = importers.into_iter().map(String::as_str).collect();
    importers.sort();
    assert_eq!(importers, ["access", "crate", "state"], "the modules that import config changed");
}

#[test]
fn no_import_circle_between_modules() {
    let g = src_graph();
    let circles: Vec<String> = bad_circles(&g).iter().map(|c| describe(&g, c)).collect();
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

#[test]
fn the_check_finds_a_planted_circle_and_ignores_tests_comments_and_strings() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, s: &str| {
        let f = dir.path().join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, s).unwrap();
    };
    w("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod fam;\n");
    w("a.rs", "use crate::b::Thing;\n// crate::c::Nope\nconst S: &str = \"crate::c::Nope\";\n#[cfg(test)]\nmod tests { use crate::c::X; }\n");
    w("b.rs", "use crate::{c, fam};\npub fn f() { c::deep(); }\n");
    w("c.rs", "pub fn deep() { super::a::g() }\n#[cfg(test)]\nmod more;\n");
    w("c/more.rs", "use crate::a::*;\n");
    w("fam/mod.rs", "mod kid;\npub use kid::K;\n");
    w("fam/kid.rs", "use super::Other;\n");
    let g = graph(&modules(dir.path()));
    assert!(!g.contains_key("c::more"), "a #[cfg(test)] module is left out");
    assert_eq!(g["a"], BTreeSet::from(["b".to_string()]), "comments, strings and test blocks are skipped");
    assert!(g["b"].contains("c") && g["b"].contains("fam"), "{:?}", g["b"]);
    let circles = bad_circles(&g);
    assert_eq!(circles, vec![vec!["a".to_string(), "b".into(), "c".into()]], "fam <-> fam::kid is one module");
    assert!(describe(&g, &circles[0]).contains("a -> b -> c -> a"));
}
