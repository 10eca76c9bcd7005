//! The fuzzing corpora as ordinary tests, on any toolchain: every file in `fuzz/corpus/<target>/`
//! (the committed seeds) and `fuzz/regressions/<target>/` (inputs that once failed) goes through
//! the same check function the libFuzzer target calls (`fuzz/checks.rs`). Coverage-guided runs
//! need nightly: `./scripts/fuzz.sh` (see docs/fuzzing.md).
//!
//! `FUZZ_CORPUS=<dir>` replays another directory (e.g. a grown corpus or `fuzz/artifacts/<target>`)
//! for every target whose name is a component of its path.

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Runs `f`, catching a panic without printing it (the expected failures would flood the log).
/// Serialised: the panic hook is global and tests run in parallel.
fn quietly<R>(f: impl FnOnce() -> R + std::panic::UnwindSafe) -> std::thread::Result<R> {
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(hook);
    result
}

/// Runs every input of `target` through `check`; returns the failures (file: panic message).
fn replay(dirs: &[PathBuf], check: fn(&[u8])) -> (usize, Vec<String>) {
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| if d.is_file() { vec![d.clone()] } else { inputs(d) }).collect();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let data = std::fs::read(&file).unwrap();
        count += 1;
        if let Err(panic) = quietly(|| check(&data)) {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let msg: String = msg.chars().take(2000).collect();
            failures.push(format!("{}: {msg}", file.display()));
        }
    }
    (count, failures)
}

#[test]
fn fuzz_corpora_pass_their_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let extra = std::env::var_os("FUZZ_CORPUS").map(PathBuf::from);
    let mut failures = Vec::new();
    for (target, check) in checks::TARGETS {
        let mut dirs = vec![root.join("corpus").join(target), root.join("regressions").join(target)];
        if let Some(extra) = extra.as_ref().filter(|p| p.components().any(|c| c.as_os_str() == target)) {
            dirs = vec![extra.clone()];
        }
        let (count, failed) = replay(&dirs, check);
        assert!(count > 0 || extra.is_some(), "no corpus for fuzz target {target} in {}", root.display());
        eprintln!("{target}: {count} inputs, {} failed", failed.len());
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "{} corpus inputs fail:\n{}", failures.len(), failures.join("\n\n"));
}

/// `fuzz/regressions/rewrite_html/open-<kind>-*`: inputs of known open rewriter issues. The
/// replay above tolerates their kind (`checks::KNOWN_OPEN`); here each must still fail when only
/// its own kind is not tolerated, so a fix is noticed: then drop the kind from `KNOWN_OPEN` and the
/// `open-<kind>-` prefix of its files.
#[test]
fn known_open_rewriter_issues_still_reproduce() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/rewrite_html");
    let mut fixed = Vec::new();
    for kind in checks::KNOWN_OPEN {
        let files: Vec<PathBuf> = inputs(&dir)
            .into_iter()
            .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with(&format!("open-{kind}-")))
            .collect();
        assert!(!files.is_empty(), "no regression input for known issue {kind}");
        for file in files {
            // Every other known kind tolerated: this one alone must still make the check fail.
            let data = std::fs::read(&file).unwrap();
            let others: Vec<&str> = checks::KNOWN_OPEN.iter().copied().filter(|k| k != &kind).collect();
            if quietly(|| checks::rewrite_html_with(&data, &others)).is_ok() {
                fixed.push(file.display().to_string());
            }
        }
    }
    assert!(fixed.is_empty(), "known issues no longer reproduce (fixed?): {fixed:?}");
}

/// The oracle itself: it sees live trackers (a test of the test), and models what runs: a script
/// runs when the parser reaches its end tag, so one left open at the end of the input does not.
#[test]
fn the_oracle_sees_what_a_browser_would_load() {
    // Meta's published snippet (an abbreviated one is site code to the proxy, and runs).
    let meta = include_str!("fixtures/snippets/meta-pixel.js");
    let live = [
        format!("<script>{meta}</script>"),
        format!("<svg><script>{meta}</script></svg>"),
        r#"<img src="https://www.facebook.com/tr?id=1">"#.to_owned(),
        r#"<image src="https://www.facebook.com/tr?id=1">"#.to_owned(),
        r#"<svg><script href="https://connect.facebook.net/en_US/fbevents.js"></script></svg>"#.to_owned(),
        // Checked in Chromium (2026-12-04): an SVG script runs its direct text when every child
        // element it opened is closed at its end tag, also after a nested script.
        format!("<svg><script><x></x>{meta}</script></svg>"),
        format!("<svg><script><script></script>{meta}</script></svg>"),
        r#"<noscript><img src="https://www.facebook.com/tr?id=1"></noscript>"#.to_owned(),
        r#"<svg><noscript><image href="https://www.facebook.com/tr?id=1"/></noscript></svg>"#.to_owned(),
        // Attribute values are read decoded, as the tokenizer hands them over.
        r#"<iframe srcdoc="&lt;img src=&quot;https://www.facebook.com/tr?id=1&quot;&gt;"></iframe>"#.to_owned(),
        r#"<img src="https&#58//www&#46facebook&#46com/tr?id=1">"#.to_owned(),
    ];
    for html in &live {
        assert!(!checks::oracle_leaks(html).is_empty(), "the oracle misses a live tracker in {html}");
    }
    let inert = [
        format!("<script type=\"text/plain\">{meta}</script>"),
        format!("<svg><script>{meta}</scriIPT >connect.facebook.net/en_US/fbevents.js"),
        format!("<script>{meta}"),
        // <i> breaks out of SVG: the script is popped, never run.
        r#"<svg><script>a<I>/fbevents.js</SCRIPT>"#.to_owned(),
        r#"<img data-consent-src="https://www.facebook.com/tr?id=1">"#.to_owned(),
        // Checked in Chromium: a child element still open at `</script>` keeps it from running,
        // and text in an SVG `<noscript>` (here CDATA) is text, with JavaScript on or off.
        format!("<svg><script>{meta}<x></script></svg>"),
        // Popped by `</svg>`, not ended by `</script>`.
        format!("<svg><script>{meta}</svg>"),
        // In the framed document the decoded `"` opens a quoted value that never ends: no element.
        r#"<iframe srcdoc="<script src=&quot;//www.google-analytics.com/analytics.js></script>"></iframe>"#.to_owned(),
        r#"<svg><noscript><![CDATA[<img src="https://www.facebook.com/tr?id=1">]]></noscript></svg><p>x</p>"#
            .to_owned(),
    ];
    for html in &inert {
        assert_eq!(checks::oracle_leaks(html), Vec::<String>::new(), "{html}");
    }
}
