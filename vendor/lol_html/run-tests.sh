#!/usr/bin/env bash
# Runs the vendored lol_html's own suites, from any working directory:
#   1. cargo test --features=_integration_test: unit tests, upstream's integration tests
#      (html5lib tokenizer + tree-construction feedback tests, selector matching, element content
#      replacement, token capturing), doc tests;
#   2. the criterion benches, once each in test mode (do they still build and run);
#   3. the C API tests (c-api/c-tests, TAP via prove), as upstream's scripts/test.sh does.
# Extra arguments go to step 1 (e.g. a test name filter). SKIP_C_API=1 skips step 3.
# Builds go to $CARGO_TARGET_DIR, by default <project root>/target/vendor, with CARGO_BUILD_JOBS (default 1: it shares the machine with other builds).
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd -- "$here/../.." && pwd)/target/vendor}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
cd "$here"

echo "=== lol_html: unit, integration and doc tests ==="
cargo test --locked --features=_integration_test "$@"

echo "=== lol_html: benches in test mode ==="
cargo test --locked --features=_integration_test --benches

if [[ "${SKIP_C_API:-}" != 1 ]]; then
    echo "=== C API tests ==="
    (cd c-api && cargo check --locked)
    prove -e cargo run :: --locked --manifest-path="$here/c-api/c-tests/Cargo.toml"
fi

echo "=== all lol_html suites passed ==="
