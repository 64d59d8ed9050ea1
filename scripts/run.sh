#!/usr/bin/env bash
# The run command: installs what is missing, then runs tandem on the embedded defaults.
# Usage: scripts/run.sh [tandem arguments]   (default: ask a sample question)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"

scripts/setup.sh --models
if [ $# -eq 0 ]; then
  set -- ask "How many customers do we have in Germany?"
fi
exec "$CARGO_TARGET_DIR/debug/tandem" "$@"
