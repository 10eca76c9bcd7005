#!/usr/bin/env bash
# Builds (release; CARGO_BUILD_JOBS, default 1) and runs the differential harness; arguments go to the harness:
#   tests/lolhtml-diff/run.sh                  # ~60 s budget
#   tests/lolhtml-diff/run.sh --seconds 1800   # 30 minutes (or LOLHTML_DIFF_SECONDS=1800)
# Build output goes to $CARGO_TARGET_DIR, by default <project root>/target/vendor.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd -- "$here/../.." && pwd)/target/vendor}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
exec cargo run --quiet --release --locked --manifest-path "$here/Cargo.toml" -- "$@"
