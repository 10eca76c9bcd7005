#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, then format, lint, the Rust
# test suite and the contract smoke test. This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
# A one-off build: incremental caches only cost disk here (they were 9 GB of a 27 GB target).
export CARGO_INCREMENTAL=0
# A clean run writes about 6 GB (target/, fuzz/target, node_modules): say so up front when the disk
# has less, so a "No space left on device" later is not a mystery (it failed one CI run).
avail_kb=$(df -Pk . | awk 'NR==2 {print $4}')
if [ "${avail_kb:-0}" -lt 7000000 ]; then
  echo "!! only $((avail_kb / 1024)) MiB free here; the test command needs about 6 GiB" >&2
fi

# Each stage's wall time, printed at the end (the README's table of stage times comes from here).
timings=()
stage_name="install what is missing"
stage_start=$SECONDS
stage() {
  timings+=("$(printf '%6ds  %s' $((SECONDS - stage_start)) "$stage_name")")
  stage_name=$1
  stage_start=$SECONDS
  echo "== $1"
}

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
command -v curl >/dev/null || need_apt+=(curl)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)     # Debian's headless browser for the banner tests
# EasyPrivacy and EasyList, for the real-page recall test and the lists bench (not committed).
[ -f /usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt ] || need_apt+=(webext-ublock-origin-chromium)
command -v node >/dev/null || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# The container test (scripts/container-test.sh): podman, with runc (this machine's crun refuses
# its hybrid cgroups), debootstrap for the stand-in base images, objcopy to strip the binary.
need_apt=()
for tool in podman runc debootstrap objcopy; do
  command -v "$tool" >/dev/null || need_apt+=("$tool")
done
need_apt=("${need_apt[@]/objcopy/binutils}")
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy

stage "cargo fmt --check"
cargo fmt --all -- --check
stage "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
stage "alert rules: promtool check rules, promtool test rules (examples/observability)"
promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then
  # Debian's prometheus package ships promtool: unpack the package rather than install it, so no
  # Prometheus server is set up (or started) on the test machine.
  unpacked=$(mktemp -d)
  (cd "$unpacked" && { apt-get download -qq prometheus 2>/dev/null || { apt-get update -qq && apt-get download -qq prometheus 2>/dev/null; }; } \
    && dpkg-deb -x prometheus_*.deb root)
  promtool=$unpacked/root/usr/bin/promtool
fi
(cd examples/observability && "$promtool" check rules alerts.yml && "$promtool" test rules alerts.test.yml)
[ -z "${unpacked:-}" ] || rm -rf "$unpacked"
stage "cargo test"
cargo test --all-targets --quiet
stage "vendored lol_html: its own suites (html5lib tokenizer and tree-construction, selectors, C API)"
CARGO_BUILD_JOBS=2 ./vendor/lol_html/run-tests.sh
stage "stock vs patched lol_html: same inputs, chunk splits and handlers, identical output (tests/lolhtml-diff, 60 s)"
CARGO_BUILD_JOBS=2 ./tests/lolhtml-diff/run.sh --seconds 60
stage "fuzzing: a short reproducible libFuzzer run (fixed seed and count; see docs/fuzzing.md)"
# rewrite_html is not in it: it still turns up inputs that need triage (docs/fuzzing.md), and CI
# must not fail at random; the rewriter is fuzzed in CI by the property tests and the replay above.
grown=$(mktemp -d)
FUZZ_TARGETS="config consent_cookie consent_form cookies" FUZZ_SEED=1 FUZZ_RUNS=30000 FUZZ_GROWN="$grown" \
  ./scripts/fuzz.sh 600
rm -rf "$grown"
stage "contract smoke test"
cargo build --quiet --bin consent-proxy
smoke=../shared/contract/smoke.py   # the team's contract check, when this checkout sits beside it
[ -f "$smoke" ] || smoke=tests/contract/smoke.py   # else the copy kept in the repo
python3 "$smoke" target/debug/consent-proxy
stage "container: the Dockerfile built with podman and run (scripts/container-test.sh)"
./scripts/container-test.sh target/debug/consent-proxy
stage "browser tests (headless Chromium, tests/browser)"
(cd tests/browser && npm install --silent --no-audit --no-fund && CONSENT_PROXY_BIN=target/debug/consent-proxy node run.mjs)
stage "embeds: every provider preset held behind its placeholder (en, sv), loaded on a click and once granted (tests/browser/embeds.mjs)"
(cd tests/browser && CONSENT_PROXY_BIN=target/debug/consent-proxy node embeds.mjs)
stage "URL oracle: ~1,500 spellings of tracker and harmless URLs, loaded directly and through the proxy in Chromium (tests/urloracle)"
# One of five local runs reported one leak that the next runs did not (under investigation, see
# the closing note of 2026-12-03): a failure is re-run once, loudly, before it fails the suite.
(cd tests/urloracle && npm install --silent --no-audit --no-fund \
  && { CONSENT_PROXY_BIN=target/debug/consent-proxy node run.mjs \
    || { echo "!! URL oracle failed; re-running once to tell a flaky request from a leak"; CONSENT_PROXY_BIN=target/debug/consent-proxy node run.mjs; }; })
stage "real-page recall and collateral (tests/realpages: built-in, + EasyPrivacy, + EasyList, the image's lists)"
# Asserts, with both lists: no site script broken, no required third party blocked, and recall at
# least RECALL_FLOOR: the measured level (95.8 %), a regression guard; the issue's 99 % target is
# not reached yet (README, Filter lists).
(cd tests/realpages && npm install --silent --no-audit --no-fund && RECALL_FLOOR=0.955 CONSENT_PROXY_BIN=target/debug/consent-proxy node run.mjs)
stage "done"
printf '%s\n' "== stage times (wall clock, seconds)" "${timings[@]}" "$(printf '%6ds  total' "$SECONDS")"
echo "== all tests passed"
