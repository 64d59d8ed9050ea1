#!/usr/bin/env bash
# The test command: installs what is missing, then runs formatting, lints and every test
# (unit, real databases, real local models), then fuzzes the SQL validator for a bounded time
# where cargo-fuzz and a nightly toolchain are installed (TANDEM_FUZZ_SECONDS, default 60; 0
# skips). With TANDEM_REQUIRE_ALL=1 no test may skip.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"

scripts/setup.sh --services --models
cargo fmt --all --check
cargo clippy -q --workspace --all-targets -- -D warnings
cargo test --workspace "$@"
if [ "${TANDEM_FUZZ_SECONDS:-60}" != 0 ]; then
    scripts/fuzz.sh "${TANDEM_FUZZ_SECONDS:-60}"
fi
