#!/usr/bin/env bash
# The test command: installs what is missing, then runs formatting, lints and every test
# (unit, real databases, real local models). With TANDEM_REQUIRE_ALL=1 nothing may skip.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"

scripts/setup.sh --services --models
cargo fmt --all --check
cargo clippy -q --workspace --all-targets -- -D warnings
cargo test --workspace "$@"
