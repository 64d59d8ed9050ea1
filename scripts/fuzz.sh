#!/usr/bin/env bash
# Fuzzes the SQL validator (fuzz/fuzz_targets/validate.rs) with cargo-fuzz and libFuzzer for a
# bounded time: `scripts/fuzz.sh [SECONDS]` (default 60). cargo-fuzz needs a nightly toolchain;
# when it or cargo-fuzz is missing this says so and exits 0, so stable-only machines still
# pass `scripts/test.sh` (the stable property tests in crates/tandem-sql cover the same
# properties there). The corpus persists under the cargo target dir between runs; seeds are the
# hand-written fuzz/seeds.sql and, when present, Spider's dev gold queries, each in all three
# dialects.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: skipped: cargo-fuzz is not installed (cargo install cargo-fuzz)"
    exit 0
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi

work="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}/fuzz"
corpus="$work/corpus/validate"
seeds="$work/seeds/validate"
mkdir -p "$corpus" "$seeds"
rm -f "$seeds"/*
# The first byte picks the dialect: '0' SQLite, '1' PostgreSQL, '2' MySQL (byte value mod 3).
n=0
seed() {
    local line
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        for dialect in 0 1 2; do
            printf '%s%s' "$dialect" "$line" >"$seeds/seed-$n"
            n=$((n + 1))
        done
    done
}
seed <fuzz/seeds.sql
gold=../shared/bench/spider/dev_gold.sql
if [ -f "$gold" ]; then
    seed < <(cut -f1 "$gold")
fi

echo "fuzz: validate for ${seconds}s ($n seeds, corpus $corpus)"
# No sanitizer: the validator is safe Rust, and AddressSanitizer misreads the stack switches
# that stacker makes for long inputs. Panics and failed assertions are what is sought.
cargo +nightly fuzz run --fuzz-dir fuzz --target-dir "$work/target" --sanitizer none validate \
    "$corpus" "$seeds" -- \
    -max_total_time="$seconds" -max_len=2048 -timeout=10 -dict=fuzz/sql.dict -print_final_stats=1
