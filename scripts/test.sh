#!/usr/bin/env bash
# The whole test suite on every runtime (smol, async-std, tokio), against real
# redis-server processes the tests start on free loopback ports: first Debian's
# redis-server (7.x), then the runtime suite again on Redis 6.2; each runtime
# feature alone (without tls), built and unit-tested as `-p anyredis`; then
# formatting, lints and docs. Ends with the test counts of every run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
need_cargo
need_redis_server
need_redis62_server

started=$SECONDS
log=$(mktemp)
summary=()
failed_runs=()
print_counts() {
    echo
    echo "== test counts"
    for line in "${summary[@]}"; do echo "$line"; done
    rm -f "$log"
}
# The counts are printed however the script ends (a lint failure included).
trap print_counts EXIT

# Runs one cargo test command (cargo test ... --no-fail-fast), shows its
# output and records its counts; a failed run is reported at the end, after
# the other runs, and makes the script fail.
run_tests() {
    local label=$1
    shift
    echo "== $label"
    if ! "$@" 2>&1 | tee "$log"; then
        echo "error: $label failed" >&2
        failed_runs+=("$label")
    fi
    local passed failed ignored
    passed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
    failed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
    ignored=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) ignored.*/\1/' | awk '{s+=$1} END {print s+0}')
    summary+=("$(printf '%-64s %5s passed, %s failed, %s ignored' "$label:" "$passed" "$failed" "$ignored")")
    local runtime n
    for runtime in smol async_std tokio; do
        n=$(grep -cE "^test ${runtime}::.* \.\.\. ok$" "$log" || true)
        if [ "$n" -gt 0 ]; then summary+=("$(printf '    %-60s %5s passed' "of which on $runtime:" "$n")"); fi
    done
}

redis7=$(command -v "${REDIS_SERVER_BIN:-redis-server}")
v7=$("$redis7" --version | sed -E 's/.*v=([0-9.]+).*/\1/')
v62=$("$REDIS62_SERVER_BIN" --version | sed -E 's/.*v=([0-9.]+).*/\1/')

export REDIS_SERVER_BIN=$redis7
run_tests "all crates, all features, Redis $v7" cargo test --all-features --no-fail-fast
REDIS_SERVER_BIN=$REDIS62_SERVER_BIN run_tests "runtime suite and test support, Redis $v62" \
    cargo test -p runtime-tests -p anyredis-test-support --no-fail-fast

echo "== each runtime feature alone, without tls: -p anyredis builds without warnings, its tests pass"
for feature in smol async-std tokio; do
    out=$(cargo build --quiet -p anyredis --no-default-features --features "$feature" 2>&1) || { echo "$out"; exit 1; }
    if grep -q "warning" <<<"$out"; then echo "$out"; echo "error: warnings with -p anyredis --features $feature" >&2; exit 1; fi
    run_tests "-p anyredis --no-default-features --features $feature, unit tests" \
        cargo test -p anyredis --no-default-features --features "$feature" --lib
    run_tests "-p anyredis --no-default-features --features $feature, doc tests" \
        cargo test -p anyredis --no-default-features --features "$feature" --doc
done

echo "== the decoder's fuzz target builds (cargo-fuzz layout; run it with: cargo fuzz run decode)"
echo "   (its corpus and generated inputs are replayed by src/resp/tests/fuzz_replay.rs above)"
cargo build --quiet --manifest-path fuzz/Cargo.toml

echo "== formatting, lints and docs"
cargo fmt --all -- --check
cargo clippy --all-targets --all-features --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --all-features --no-deps -p anyredis

if [ "${#failed_runs[@]}" -gt 0 ]; then
    for label in "${failed_runs[@]}"; do echo "error: failed: $label" >&2; done
    echo "some tests failed ($((SECONDS - started)) s)" >&2
    exit 1
fi
echo "all checks passed in $((SECONDS - started)) s"
