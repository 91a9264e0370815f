#!/usr/bin/env bash
# The example tour: runs examples/tour.rs (and the one-file example for each
# runtime) against $REDIS_URL, or against a throwaway local redis-server
# started here on a free loopback port and stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
need_cargo

if [ -z "${REDIS_URL:-}" ]; then
    need_redis_server
    dir=$(mktemp -d)
    port=""
    for _ in $(seq 1 50); do
        candidate=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    [ -n "$port" ] || { echo "error: found no free loopback port" >&2; exit 1; }
    "${REDIS_SERVER_BIN:-redis-server}" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$dir" --logfile "$dir/redis.log" --daemonize no &
    server_pid=$!
    trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$dir"' EXIT
    for _ in $(seq 1 100); do
        grep -q "Ready to accept connections" "$dir/redis.log" 2>/dev/null && break
        sleep 0.1
    done
    export REDIS_URL="redis://127.0.0.1:$port"
    echo "started a throwaway redis-server on 127.0.0.1:$port"
fi

echo "== tour (smol)"
cargo run --quiet -p anyredis --example tour
echo "== Lua scripts"
cargo run --quiet -p anyredis --example scripts
echo "== locks"
cargo run --quiet -p anyredis --example lock
echo "== pub/sub"
cargo run --quiet -p anyredis --example pubsub
echo "== stream consumer-group worker (smol)"
cargo run --quiet -p anyredis --example stream_worker
echo "== cache (Cache, HerdCache, single flight)"
cargo run --quiet -p anyredis --example cache
echo "== the same client on each runtime"
cargo run --quiet -p anyredis --example smol
cargo run --quiet -p anyredis --example async_std --no-default-features --features async-std
cargo run --quiet -p anyredis --example tokio --no-default-features --features tokio
echo "== metrics hook (prometheus-client), stats, serde and derive"
cargo run --quiet -p anyredis --example metrics --features serde,derive
