#!/usr/bin/env bash
# Syscalls per 100k GETs, per client: `strace -c -f` counts of reads, writes,
# readiness waits (epoll/poll) and futex wake-ups of the whole bench process.
#
#   bench/syscalls.sh                      # all clients, seq-get and concurrent-get, --scale 0.2
#   CLIENTS=anyredis-tokio,redis-rs SCALE=0.1 bench/syscalls.sh
#
# Each (client, scenario) runs twice under strace against one server this script
# starts (so `strace -f` never follows redis-server): once at --scale 0 (start-up,
# connect, warm-up, INFO calls: the fixed part) and once at $SCALE. The difference,
# divided by the GETs run, is what the GETs cost. strace slows every syscall down,
# which changes how much auto-pipelining can batch: read these as counts under
# tracing, comparable between clients, not as exact untraced figures.
set -euo pipefail

cd "$(dirname "$0")/.."
SCALE=${SCALE:-0.2}
CLIENTS=${CLIENTS:-anyredis-tokio,redis-rs,fred,rustis,anyredis-smol,anyredis-async-std}
SCENARIOS=${SCENARIOS:-seq-get,concurrent-get}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
BIN=${BIN:-$CARGO_TARGET_DIR/release/anyredis-bench}
TRACE=read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg,epoll_wait,epoll_pwait,epoll_pwait2,poll,ppoll,futex

if ! command -v strace >/dev/null; then
    echo "installing strace" >&2
    apt-get install -y strace >/dev/null || { apt-get update >/dev/null && apt-get install -y strace >/dev/null; }
fi
if [[ -z "${NO_BUILD:-}" ]]; then
    cargo build --release -p anyredis-bench >&2
fi

# A throwaway server on a free loopback port.
port=""
for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n "$port" ]] || { echo "no free port found" >&2; exit 1; }
tmp=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" --daemonize no --loglevel warning >"$tmp/redis.log" 2>&1 &
srv=$!
trap 'kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.05
done
url="redis://127.0.0.1:$port"

# Prints "reads writes waits futex total" from an `strace -c -o FILE` summary.
summarize() {
    awk '
        $NF ~ /^(read|readv|recvfrom|recvmsg)$/ { r += $4 }
        $NF ~ /^(write|writev|sendto|sendmsg)$/ { w += $4 }
        $NF ~ /^(epoll_wait|epoll_pwait|epoll_pwait2|poll|ppoll)$/ { e += $4 }
        $NF == "futex" { f += $4 }
        END { printf "%d %d %d %d %d\n", r, w, e, f, r + w + e + f }
    ' "$1"
}

trace() { # client scenario scale -> counts
    local out="$tmp/strace.out"
    strace -c -f -o "$out" -e trace="$TRACE" \
        "$BIN" --url "$url" --rounds 1 --scale "$3" --only "$2" --clients "$1" >/dev/null 2>"$tmp/bench.err" \
        || { cat "$tmp/bench.err" >&2; exit 1; }
    summarize "$out"
}

gets() { # scenario -> GETs at $SCALE (as the bench rounds them)
    case "$1" in
        seq-get) awk -v s="$SCALE" 'BEGIN { printf "%d\n", 100000 * s + 0.5 }' ;;
        concurrent-get) awk -v s="$SCALE" 'BEGIN { printf "%d\n", 500000 * s + 0.5 }' ;;
        *) echo "syscalls.sh counts GET scenarios only (seq-get, concurrent-get), not $1" >&2; exit 1 ;;
    esac
}

echo "syscalls per 100k GETs under strace -f (scale $SCALE, fixed start-up cost subtracted)"
echo
echo "| client | scenario | GETs | reads | writes | epoll/poll waits | futex | total |"
echo "|---|---|--:|--:|--:|--:|--:|--:|"
IFS=, read -ra clients <<<"$CLIENTS"
IFS=, read -ra scenarios <<<"$SCENARIOS"
for sc in "${scenarios[@]}"; do
    n=$(gets "$sc")
    for c in "${clients[@]}"; do
        base=$(trace "$c" "$sc" 0)
        full=$(trace "$c" "$sc" "$SCALE")
        read -r r0 w0 e0 f0 t0 <<<"$base"
        read -r r1 w1 e1 f1 t1 <<<"$full"
        awk -v c="$c" -v sc="$sc" -v n="$n" \
            -v r=$((r1 - r0)) -v w=$((w1 - w0)) -v e=$((e1 - e0)) -v f=$((f1 - f0)) -v t=$((t1 - t0)) \
            'BEGIN { k = 100000 / n; printf "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |\n", c, sc, n, r*k, w*k, e*k, f*k, t*k }'
    done
done
