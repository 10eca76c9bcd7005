//! Differential harness: runs the same inputs, chunk splits and handlers through stock lol_html
//! 3.0.3 (crates.io) and the vendored copy (vendor/lol_html), and requires byte-identical output,
//! handler logs and errors. See README.md.

mod case;
mod corpus;
mod gen;
mod rng;
mod runner;

use case::{Case, SETS};
use rng::{mix, Rng};
use runner::Outcome;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USAGE: &str = "\
usage: lolhtml-diff [--seconds N] [--seed N] [--keep-going]
       lolhtml-diff --replay FILE --case 'set=…;strict=…;…;splits=…' [--show]
       lolhtml-diff --gen N [--seed N]      print N generated inputs and exit

  --seconds N   time budget (default: $LOLHTML_DIFF_SECONDS, else 60). The fixed corpus is always
                run in full once per handler set; random inputs fill the rest of the budget.
  --seed N      seed for splits, settings and generated inputs (default: $LOLHTML_DIFF_SEED, else
                the clock); printed at start, so a run can be repeated.
  --keep-going  report every difference instead of stopping at the first.
  --replay      run one saved input with one case line (both printed on a failure);
                --show also prints the vendored copy's output and handler log.";

pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

struct Args {
    seconds: u64,
    seed: u64,
    keep_going: bool,
    show: bool,
    replay: Option<(String, String)>,
    gen: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let env_num = |k: &str| std::env::var(k).ok().map(|v| v.parse::<u64>().map_err(|e| format!("{k}={v}: {e}")));
    let mut args = Args {
        seconds: env_num("LOLHTML_DIFF_SECONDS").transpose()?.unwrap_or(60),
        seed: match env_num("LOLHTML_DIFF_SEED").transpose()? {
            Some(s) => s,
            None => SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 % 1_000_000_000,
        },
        keep_going: false,
        show: false,
        replay: None,
        gen: None,
    };
    let mut replay_file = None;
    let mut replay_case = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--seconds" => args.seconds = val()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--seed" => args.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--keep-going" => args.keep_going = true,
            "--show" => args.show = true,
            "--replay" => replay_file = Some(val()?),
            "--case" => replay_case = Some(val()?),
            "--gen" => args.gen = Some(val()?.parse().map_err(|e| format!("--gen: {e}"))?),
            "-h" | "--help" => return Err(String::new()),
            _ => return Err(format!("unknown argument {a:?}")),
        }
    }
    match (replay_file, replay_case) {
        (Some(f), Some(c)) => args.replay = Some((f, c)),
        (None, None) => {}
        _ => return Err("--replay and --case go together".into()),
    }
    Ok(args)
}

/// Escaped for the terminal: printable ASCII as is, everything else as \n, \xNN, …
fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

fn first_diff(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()))
}

fn context(bytes: &[u8], at: usize) -> String {
    let start = at.saturating_sub(80);
    let end = (at + 80).min(bytes.len());
    format!("…{}⟨HERE⟩{}…", escape(&bytes[start..at.min(bytes.len())]), escape(&bytes[at.min(bytes.len())..end]))
}

/// Prints the first difference between the two outcomes, and where to find the input.
fn report(run: u64, label: &str, input: &[u8], case: &Case, stock: &Outcome, vendored: &Outcome) {
    let file = std::env::temp_dir().join(format!("lolhtml-diff-fail-{}-{run}.html", std::process::id()));
    let saved = std::fs::write(&file, input).map(|_| file.display().to_string());
    println!("\n=== DIFFERENCE (run #{run}) ===");
    println!("input:   {label} ({} bytes)", input.len());
    match &saved {
        Ok(path) => println!("saved:   {path}"),
        Err(e) => println!("saved:   could not write {}: {e}", file.display()),
    }
    println!("case:    {case}");
    println!("set:     {}", SETS.iter().find(|(n, _)| *n == case.set).map_or("?", |(_, d)| d));
    println!("chunks:  {}", case.chunks(input).len());
    if let Ok(path) = &saved {
        println!("replay:  {} --replay {path} --case '{case}' --show", concat!(env!("CARGO_MANIFEST_DIR"), "/run.sh"));
    }
    if input.len() <= 4096 {
        println!("input (escaped): {}", escape(input));
    } else {
        println!("input (escaped, first 4096 bytes): {}", escape(&input[..4096]));
    }
    if stock.error != vendored.error {
        println!("error differs:\n  stock:    {:?}\n  vendored: {:?}", stock.error, vendored.error);
    }
    if stock.log != vendored.log {
        let (a, b): (Vec<&str>, Vec<&str>) = (stock.log.lines().collect(), vendored.log.lines().collect());
        let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        println!(
            "handler log differs at line {} (stock {} lines, vendored {} lines):\n  stock:    {}\n  vendored: {}",
            i + 1,
            a.len(),
            b.len(),
            a.get(i).unwrap_or(&"<end of log>"),
            b.get(i).unwrap_or(&"<end of log>"),
        );
        if i > 0 {
            println!("  (previous line, same in both: {})", a[i - 1]);
        }
    }
    if stock.output != vendored.output {
        let at = first_diff(&stock.output, &vendored.output);
        println!(
            "output differs at byte {at} (stock {} bytes, vendored {} bytes):\n  stock:    {}\n  vendored: {}",
            stock.output.len(),
            vendored.output.len(),
            context(&stock.output, at),
            context(&vendored.output, at),
        );
    }
}

struct Stats {
    runs: u64,
    failures: u64,
    errors: u64,
    panics: u64,
    /// Errors by kind (the message up to its details), for the summary.
    error_kinds: std::collections::BTreeMap<String, u64>,
    compared_output: u64,
    compared_log: u64,
    /// Runs where only stock hit the memory limit, or hit it first (see `uses_less_memory`).
    memory_savings: u64,
    /// Runs that differ only by patch 8 (see `only_nested_foreign_breakout`).
    nested_foreign: u64,
}

/// The input with what the vendored copy fixes on purpose spelled so that stock lol_html reads
/// it as a browser does too (vendor/lol_html/PATCHES.md, patch 1): `=` then optional whitespace
/// then `>` becomes `=""` before the `>`. The same bytes go to both copies; the fix itself is
/// tested in vendor/lol_html and in the proxy's own tests.
fn without_known_upstream_bugs(input: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let ws = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let hit = |i: usize| input[i] == b'=' && input[i + 1..].iter().find(|b| !ws(**b)) == Some(&b'>');
    if !(0..input.len()).any(hit) {
        return std::borrow::Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len() + 16);
    for (i, &b) in input.iter().enumerate() {
        out.push(b);
        if hit(i) {
            out.extend_from_slice(b"\"\"");
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The vendored copy keeps less in memory than stock (patch 3 lexes fewer tags, so it allocates
/// fewer attribute buffers; patch 7 keeps elements that matched nothing by name only), so under a
/// tight memory limit stock may give up where the vendored copy does not, or later. That
/// difference is allowed, and only that: stock must have failed on the memory limit, and without
/// the limit both must agree exactly (the vendored copy, getting further, may then meet the error
/// both meet without the limit, such as a parsing ambiguity in strict mode). The vendored copy
/// failing on the memory limit where stock did not is never allowed.
fn uses_less_memory(case: &Case, input: &[u8], stock: &Outcome, vendored: &Outcome) -> bool {
    let on_limit = |o: &Outcome| o.error.as_deref().is_some_and(|e| e.contains("memory limit"));
    if case.mem == 0 || !on_limit(stock) {
        return false;
    }
    if on_limit(vendored) && vendored.output.len() < stock.output.len() {
        // Both hit the limit, the vendored copy earlier than stock: it used more memory.
        return false;
    }
    let unlimited = Case { mem: 0, ..case.clone() };
    runner::stock::run(&unlimited, input) == runner::vendored::run(&unlimited, input)
}

/// Patch 8 (vendor/lol_html/PATCHES.md) fixes a breakout from nested foreign content
/// (`<svg><svg><img>`: stock leaves one `<svg>` level only, so what follows stays SVG): the two
/// copies may then differ, but only on an input that opens `<svg>`/`<math>` at least twice. Such
/// an input must give identical results once every `<svg`/`<math` after the first is renamed
/// (then at most one foreign level is ever open, where leaving one level is leaving all).
/// The fix itself is tested in vendor/lol_html and in the proxy's own tests.
fn only_nested_foreign_breakout(case: &Case, input: &[u8]) -> bool {
    let root = |i: usize| {
        let rest = &input[i..];
        rest.len() > 3
            && rest[0] == b'<'
            && (rest[1..4].eq_ignore_ascii_case(b"svg") || rest.len() > 4 && rest[1..5].eq_ignore_ascii_case(b"math"))
    };
    let roots: Vec<usize> = (0..input.len()).filter(|&i| root(i)).collect();
    if roots.len() < 2 {
        return false;
    }
    let mut renamed = input.to_vec();
    for &i in &roots[1..] {
        // `<svg` → `<qvg`, `<math` → `<qath`: same length, an unknown element to both copies.
        renamed[i + 1] = b'q';
    }
    let (stock, vendored) = (runner::stock::run(case, &renamed), runner::vendored::run(case, &renamed));
    stock == vendored || uses_less_memory(case, &renamed, &stock, &vendored)
}

/// Runs one input with one case through both copies; true when they agree.
fn check(stats: &mut Stats, label: &str, input: &[u8], case: &Case) -> bool {
    let input = &*without_known_upstream_bugs(input);
    let stock = runner::stock::run(case, input);
    let vendored = runner::vendored::run(case, input);
    stats.runs += 1;
    stats.compared_output += stock.output.len() as u64;
    stats.compared_log += stock.log.len() as u64;
    if let Some(e) = &stock.error {
        stats.errors += 1;
        let kind: String = e.split(" (").next().unwrap_or(e).chars().take(70).collect();
        *stats.error_kinds.entry(kind).or_default() += 1;
        if e.starts_with("panic: ") {
            stats.panics += 1;
            if stats.panics <= 5 {
                // A bug in lol_html itself (both copies agree, so not a difference).
                let file =
                    std::env::temp_dir().join(format!("lolhtml-diff-panic-{}-{}.html", std::process::id(), stats.runs));
                let _ = std::fs::write(&file, input);
                println!(
                    "note: stock lol_html panicked too (not a difference): {e}\n  input: {label}\n  replay: {} --replay {} --case '{case}' --show",
                    concat!(env!("CARGO_MANIFEST_DIR"), "/run.sh"),
                    file.display()
                );
            }
        }
    }
    if stock == vendored {
        return true;
    }
    if uses_less_memory(case, input, &stock, &vendored) {
        stats.memory_savings += 1;
        return true;
    }
    if only_nested_foreign_breakout(case, input) {
        stats.nested_foreign += 1;
        return true;
    }
    stats.failures += 1;
    report(stats.runs, label, input, case, &stock, &vendored);
    false
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Panics are caught per run and compared; don't print each one (unless asked to, e.g. with
    // LOLHTML_DIFF_PANICS=1 RUST_BACKTRACE=1 and --replay, to see where a panic comes from).
    if std::env::var_os("LOLHTML_DIFF_PANICS").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }

    if let Some(n) = args.gen {
        let mut rng = Rng::new(args.seed);
        for i in 0..n {
            println!("--- {i}\n{}", escape(&gen::document(&mut rng)));
        }
        return ExitCode::SUCCESS;
    }

    let mut stats = Stats {
        runs: 0,
        failures: 0,
        errors: 0,
        panics: 0,
        error_kinds: Default::default(),
        compared_output: 0,
        compared_log: 0,
        memory_savings: 0,
        nested_foreign: 0,
    };

    if let Some((file, case)) = &args.replay {
        let input = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let case = Case::parse(case).unwrap_or_else(|e| panic!("--case: {e}"));
        let ok = check(&mut stats, file, &input, &case);
        if args.show {
            let o = runner::vendored::run(&case, &input);
            println!("--- vendored output:\n{}", String::from_utf8_lossy(&o.output));
            println!("--- vendored handler log:\n{}--- vendored error: {:?}", o.log, o.error);
        }
        println!("lolhtml-diff: {} passed, {} failed", stats.runs - stats.failures, stats.failures);
        return if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    }

    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.seconds);
    println!("lolhtml-diff: seed {} (repeat with --seed {}), budget {} s", args.seed, args.seed, args.seconds);

    let corpus = corpus::load();
    for (source, n) in &corpus.sources {
        println!("  corpus: {n:6} inputs from {source}");
    }

    // Phase 1: every fixed input once with every handler set.
    let mut run_no = 0u64;
    'fixed: for input in &corpus.inputs {
        for &(set, _) in SETS {
            run_no += 1;
            let mut rng = Rng::new(mix(args.seed, run_no));
            let case = Case::random(&mut rng, set, input.bytes.len());
            if !check(&mut stats, &input.label, &input.bytes, &case) && !args.keep_going {
                break 'fixed;
            }
        }
    }
    let fixed_runs = stats.runs;
    println!(
        "  phase 1 (fixed corpus x {} sets): {} runs in {:.1} s",
        SETS.len(),
        fixed_runs,
        start.elapsed().as_secs_f64()
    );

    // Phase 2: generated and mutated inputs until the budget is spent.
    let phase2 = Instant::now();
    let mut generated = 0u64;
    while (stats.failures == 0 || args.keep_going) && Instant::now() < deadline {
        run_no += 1;
        let mut rng = Rng::new(mix(args.seed, run_no));
        let (label, input) = if rng.chance(2, 3) {
            (format!("generated (seed {}, run {run_no})", args.seed), gen::document(&mut rng))
        } else {
            let base = rng.pick(&corpus.inputs);
            (format!("{} mutated (seed {}, run {run_no})", base.label, args.seed), gen::mutate(&mut rng, &base.bytes))
        };
        generated += 1;
        let set = rng.pick(SETS).0;
        let case = Case::random(&mut rng, set, input.len());
        check(&mut stats, &label, &input, &case);
    }
    println!("  phase 2 (generated/mutated inputs): {} runs in {:.1} s", generated, phase2.elapsed().as_secs_f64());
    println!(
        "  total: {} runs (each on both copies) in {:.1} s; {} ended in an error (same in both), {} of them panics",
        stats.runs,
        start.elapsed().as_secs_f64(),
        stats.errors,
        stats.panics
    );
    println!(
        "  compared {:.1} MB of output and {:.1} MB of handler log",
        stats.compared_output as f64 / 1e6,
        stats.compared_log as f64 / 1e6
    );
    for (kind, n) in &stats.error_kinds {
        println!("  {n:8} x {kind}");
    }
    println!(
        "  {} runs differed only because stock hit the memory limit first (equal without the limit)",
        stats.memory_savings
    );
    println!(
        "  {} runs differed only by patch 8 (nested <svg>/<math>: equal with one foreign root)",
        stats.nested_foreign
    );
    println!("lolhtml-diff: {} passed, {} failed", stats.runs - stats.failures, stats.failures);
    if stats.failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
