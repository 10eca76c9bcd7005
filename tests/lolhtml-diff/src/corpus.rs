//! Fixed inputs: html5lib tokenizer inputs and tree-construction `#data` sections (from the
//! vendored copy's tests/data/html5lib-tests), lol_html's own regression `.dat` files, selector
//! matching pages and bench pages, every `*.html` under the project's tests/, and the project's
//! fuzz corpus (fuzz/corpus/rewrite_html).

use std::fs;
use std::path::{Path, PathBuf};

pub struct Input {
    pub label: String,
    pub bytes: Vec<u8>,
}

/// The project root (two levels above this package).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path, recursive: bool, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if recursive {
                files(&path, recursive, keep, out);
            }
        } else if keep(&path) {
            out.push(path);
        }
    }
}

fn sorted_files(dir: &Path, recursive: bool, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(dir, recursive, keep, &mut out);
    out.sort();
    out
}

fn ext_is(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

fn rel(path: &Path) -> String {
    let root = project_root().canonicalize().unwrap();
    let p = path.canonicalize().unwrap();
    p.strip_prefix(&root).map_or_else(|_| p.display().to_string(), |r| r.display().to_string())
}

/// `#data` sections of an html5lib tree-construction `.dat` file.
fn dat_sections(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.split('\n') {
        if line == "#data" {
            if let Some(lines) = current.take() {
                out.push(lines.join("\n"));
            }
            current = Some(Vec::new());
        } else if line.starts_with('#') && current.is_some() {
            // #errors, #new-errors, #document-fragment, #script-on, …
            out.push(current.take().unwrap().join("\n"));
        } else if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some(lines) = current {
        out.push(lines.join("\n"));
    }
    out
}

pub struct Corpus {
    pub inputs: Vec<Input>,
    /// (source, count) for the summary.
    pub sources: Vec<(String, usize)>,
}

pub fn load() -> Corpus {
    let root = project_root();
    let lol = root.join("vendor/lol_html");
    let html5lib = lol.join("tests/data/html5lib-tests");
    let mut inputs = Vec::new();
    let mut sources = Vec::new();
    let mut note = |name: &str, inputs: &Vec<Input>, before: usize| {
        assert!(inputs.len() > before, "no inputs from {name}: is it in place?");
        sources.push((name.to_string(), inputs.len() - before));
    };

    // html5lib tokenizer tests: JSON, the "input" of every test.
    let before = inputs.len();
    for path in sorted_files(&html5lib.join("tokenizer"), false, &|p| ext_is(p, "test")) {
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for key in ["tests", "xmlViolationTests"] {
            for (i, test) in json[key].as_array().into_iter().flatten().enumerate() {
                if let Some(input) = test["input"].as_str() {
                    inputs
                        .push(Input { label: format!("{}#{key}[{i}]", rel(&path)), bytes: input.as_bytes().to_vec() });
                }
            }
        }
    }
    note("html5lib tokenizer", &inputs, before);

    // html5lib tree-construction #data sections (and lol_html's own regression .dat files).
    let before = inputs.len();
    for dir in [html5lib.join("tree-construction"), lol.join("tests/data/regression")] {
        for path in sorted_files(&dir, true, &|p| ext_is(p, "dat")) {
            let text = fs::read_to_string(&path).unwrap();
            for (i, data) in dat_sections(&text).into_iter().enumerate() {
                inputs.push(Input { label: format!("{}#data[{i}]", rel(&path)), bytes: data.into_bytes() });
            }
        }
    }
    note("html5lib tree-construction + lol_html regression #data", &inputs, before);

    // lol_html's selector-matching pages and bench pages.
    let before = inputs.len();
    for path in
        sorted_files(&lol.join("tests/data/selector_matching"), false, &|p| p.to_string_lossy().ends_with(".src.html"))
            .into_iter()
            .chain(sorted_files(&lol.join("benches/data"), false, &|p| ext_is(p, "html")))
    {
        inputs.push(Input { label: rel(&path), bytes: fs::read(&path).unwrap() });
    }
    note("lol_html selector_matching + bench pages", &inputs, before);

    // Every *.html under the project's tests/.
    let before = inputs.len();
    for path in sorted_files(&root.join("tests"), true, &|p| ext_is(p, "html")) {
        inputs.push(Input { label: rel(&path), bytes: fs::read(&path).unwrap() });
    }
    note("project tests/**/*.html", &inputs, before);

    // The project's fuzz corpus.
    let before = inputs.len();
    for path in sorted_files(&root.join("fuzz/corpus/rewrite_html"), false, &|_| true) {
        inputs.push(Input { label: rel(&path), bytes: fs::read(&path).unwrap() });
    }
    note("project fuzz/corpus/rewrite_html", &inputs, before);

    Corpus { inputs, sources }
}
