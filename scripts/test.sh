#!/usr/bin/env bash
# The whole test suite on every runtime (smol, async-std, tokio), against real
# redis-server processes the tests start on free loopback ports; then formatting,
# lints, and a warning-free build of each runtime feature alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
need_cargo
need_redis_server

echo "== tests (library, runtime suite x3 runtimes, test support, doc tests)"
cargo test --all-features

echo "== each runtime feature alone builds without warnings"
for feature in smol async-std tokio; do
    out=$(cargo check --quiet --no-default-features --features "$feature" 2>&1) || { echo "$out"; exit 1; }
    if grep -q "warning" <<<"$out"; then echo "$out"; echo "error: warnings with --features $feature" >&2; exit 1; fi
done

echo "== the decoder's fuzz target builds (cargo-fuzz layout; run it with: cargo fuzz run decode)"
cargo build --quiet --manifest-path fuzz/Cargo.toml

echo "== formatting, lints and docs"
cargo fmt --all -- --check
cargo clippy --all-targets --all-features --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --all-features --no-deps -p anyredis
echo "all checks passed"
