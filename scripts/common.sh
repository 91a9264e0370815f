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
