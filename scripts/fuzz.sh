#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz + libFuzzer) of every target in fuzz/, SECONDS each.
#
#   ./scripts/fuzz.sh [SECONDS_PER_TARGET]     default 30; exits 1 if any target crashed
#
# Toolchain: without a sanitizer (the default, FUZZ_SANITIZER=none) cargo-fuzz passes no -Z flags,
# so the default (stable) toolchain works. FUZZ_SANITIZER=address (or memory, thread, leak) needs
# nightly and uses `cargo +nightly`. The crate forbids unsafe code, so ASan mostly checks the
# dependencies; debug assertions (overflow checks) are always on.
# New inputs go to fuzz/corpus-grown/<target>/ (ignored by git); the committed seeds in
# fuzz/corpus/<target>/ are read, never written. Crashes land in fuzz/artifacts/<target>/.
# Other knobs: FUZZ_TARGETS="cookies config" (a subset), FUZZ_JOBS (parallel jobs per target, 1),
# FUZZ_SEED and FUZZ_RUNS (a fixed seed and execution count: with an empty fuzz/corpus-grown the
# run is reproducible, which is how CI runs it), FUZZ_GROWN (where new inputs go).
set -euo pipefail

secs="${1:-30}"
cd "$(dirname "$0")/.."

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

sanitizer="${FUZZ_SANITIZER:-none}"
toolchain=()
if [ "$sanitizer" != none ]; then
    if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        echo "fuzz: FUZZ_SANITIZER=$sanitizer needs a nightly toolchain (rustup toolchain install nightly)" >&2
        exit 2
    fi
    toolchain=(+nightly)
fi
flags=(--sanitizer "$sanitizer" --debug-assertions)

targets="${FUZZ_TARGETS:-$(cargo "${toolchain[@]}" fuzz list)}"

echo "fuzz: building ($(cargo "${toolchain[@]}" --version), sanitizer $sanitizer)" >&2
nice -n 10 cargo "${toolchain[@]}" fuzz build "${flags[@]}"

failed=()
for t in $targets; do
    grown="${FUZZ_GROWN:-fuzz/corpus-grown}/$t"
    mkdir -p "$grown"
    # 60 s: the first unit includes one-time setup (catalog, config), slow on a loaded 2-core CI machine.
    opts=(-max_total_time="$secs" -timeout=60 -print_final_stats=1)
    # Reproducible runs (CI): a fixed seed and number of executions from the committed seeds only.
    [ -n "${FUZZ_SEED:-}" ] && opts+=(-seed="$FUZZ_SEED")
    [ -n "${FUZZ_RUNS:-}" ] && opts+=(-runs="$FUZZ_RUNS")
    [ -f "fuzz/dict/$t.dict" ] && opts+=(-dict="fuzz/dict/$t.dict")
    [ "${FUZZ_JOBS:-1}" -gt 1 ] && opts+=(-fork="${FUZZ_JOBS}")
    echo "fuzz: $t (${FUZZ_RUNS:+$FUZZ_RUNS inputs, }at most ${secs}s)" >&2
    # The first corpus directory receives new inputs: the grown one, never the committed seeds.
    if ! nice -n 10 cargo "${toolchain[@]}" fuzz run "${flags[@]}" "$t" \
        "$grown" "fuzz/corpus/$t" -- "${opts[@]}"; then
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/; replay one with" >&2
    echo "      cargo fuzz run -s none -a <target> fuzz/artifacts/<target>/<file>; keep it in fuzz/regressions/<target>/)" >&2
    exit 1
fi
echo "fuzz: every target ran (${FUZZ_RUNS:+$FUZZ_RUNS inputs each, }at most ${secs}s) without a crash" >&2
