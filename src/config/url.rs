//! Parsing `redis://`, `rediss://` and `unix://` URLs into a [`Config`].

use std::path::PathBuf;

use url::{Host, Url};

use super::duration::parse_duration;
use super::validate;
use super::{Addr, Config, Protocol, Secret, TlsConfig};
use crate::{Error, Result};

const KNOWN_OPTIONS: &str = "db, protocol, client_name, connect_timeout, response_timeout, keepalive, \
                             nodelay, user, password, lib_info, insecure, max_connections";

/// Parses a connection URL. Errors say what is wrong and never echo the password.
pub(crate) fn parse(text: &str) -> Result<Config> {
    let url = Url::parse(text)
        .map_err(|e| Error::config(format!("not a valid URL ({e}); expected e.g. redis://host:6379/0")))?;
    let mut config = Config::default();
    match url.scheme() {
        "redis" => tcp_addr(&url, &mut config)?,
        "rediss" => {
            tcp_addr(&url, &mut config)?;
            config.tls = Some(TlsConfig::default());
        }
        "unix" | "redis+unix" => {
            if url.path().is_empty() || url.path() == "/" {
                return Err(Error::config(
                    "a unix:// URL needs a socket path, e.g. unix:///run/redis.sock",
                ));
            }
            let path = percent_decode(url.path(), "socket path")?;
            config.addr = Addr::Unix(PathBuf::from(path));
        }
        other => {
            return Err(Error::config(format!(
                "unsupported URL scheme {other:?}: use redis://, rediss:// (TLS) or unix://"
            )))
        }
    }
    if !url.username().is_empty() {
        config.username = Some(percent_decode(url.username(), "user name")?);
    }
    if let Some(password) = url.password() {
        config.password = Some(Secret::new(percent_decode(password, "password")?));
    }
    if url.fragment().is_some() {
        return Err(Error::config(
            "URL fragments (#...) are not used; put options in the query (?name=value)",
        ));
    }
    if let Some(query) = url.query() {
        check_query_escapes(query)?;
    }
    let mut db_from_query = false;
    let mut seen: Vec<&'static str> = Vec::new();
    for (key, value) in url.query_pairs() {
        let name = canonical_option(&key)?;
        if seen.contains(&name) {
            // Never echo the value: it may be a password.
            return Err(Error::config(format!(
                "URL option {name} is given more than once; give each option once"
            )));
        }
        seen.push(name);
        apply_option(&mut config, &key, &value, &mut db_from_query)?;
    }
    config.validate()?;
    Ok(config)
}

/// The one name of an option and its aliases; unknown options are refused here.
fn canonical_option(key: &str) -> Result<&'static str> {
    Ok(match key {
        "db" => "db",
        "protocol" => "protocol",
        "client_name" | "name" => "client_name",
        "connect_timeout" => "connect_timeout",
        "response_timeout" => "response_timeout",
        "keepalive" => "keepalive",
        "nodelay" => "nodelay",
        "lib_info" => "lib_info",
        "user" | "username" => "user",
        "password" => "password",
        "max_connections" => "max_connections",
        "insecure" => "insecure",
        _ => {
            return Err(Error::config(format!(
                "unknown URL option {key:?}; known options: {KNOWN_OPTIONS}"
            )))
        }
    })
}

/// Refuses a `%` not followed by two hex digits anywhere in the query; the
/// error names the option, never its value.
fn check_query_escapes(query: &str) -> Result<()> {
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !escapes_are_valid(key) {
            return Err(Error::config(
                "a URL option name has an invalid percent-escape (a % not followed by two hex digits; write % itself as %25)",
            ));
        }
        if !escapes_are_valid(value) {
            let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
            return Err(Error::config(format!(
                "the value of URL option {key:?} has an invalid percent-escape \
                 (a % not followed by two hex digits; write % itself as %25)"
            )));
        }
    }
    Ok(())
}

/// Whether every `%` in `text` starts a `%XX` escape with two hex digits.
fn escapes_are_valid(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        match rest.get(at..).and_then(|from| from.get(1..3)) {
            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => {}
            _ => return false,
        }
        rest = rest.get(at.saturating_add(3)..).unwrap_or_default();
    }
    true
}

fn tcp_addr(url: &Url, config: &mut Config) -> Result<()> {
    let host = match url.host() {
        Some(Host::Domain(name)) if !name.is_empty() => name.to_owned(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => ip.to_string(),
        _ => "127.0.0.1".to_owned(),
    };
    let port = url.port().unwrap_or(6379);
    config.addr = Addr::Tcp { host, port };
    let path = url.path().trim_start_matches('/');
    if !path.is_empty() {
        config.db = path.parse().map_err(|_| {
            Error::config(format!(
                "the URL path must be a database number (e.g. /2), found {path:?}"
            ))
        })?;
        if config.db < 0 {
            return Err(Error::config("the database number must not be negative"));
        }
    }
    Ok(())
}

fn apply_option(config: &mut Config, key: &str, value: &str, db_from_query: &mut bool) -> Result<()> {
    let bad = |what: &str| Error::config(format!("URL option {key}={value:?}: {what}"));
    match key {
        "db" => {
            let db: i64 = value.parse().map_err(|_| bad("expected a database number"))?;
            if db < 0 {
                return Err(bad("the database number must not be negative"));
            }
            if config.db != 0 && config.db != db && !*db_from_query {
                return Err(bad("the database is also given in the URL path, with another number"));
            }
            config.db = db;
            *db_from_query = true;
        }
        "protocol" => {
            config.protocol = match value.to_ascii_lowercase().as_str() {
                "2" | "resp2" => Protocol::Resp2,
                "3" | "resp3" => Protocol::Resp3,
                _ => return Err(bad("expected 2 or 3")),
            }
        }
        "client_name" | "name" => config.client_name = Some(value.to_owned()),
        "connect_timeout" => {
            let limit =
                optional_duration(value).ok_or_else(|| bad("expected a duration like 5s or 500ms, or 'none'"))?;
            validate::nonzero_limit("URL option connect_timeout", limit)?;
            config.connect_timeout = limit;
        }
        "response_timeout" => {
            let limit =
                optional_duration(value).ok_or_else(|| bad("expected a duration like 5s or 500ms, or 'none'"))?;
            validate::nonzero_limit("URL option response_timeout", limit)?;
            config.response_timeout = limit;
        }
        "keepalive" => {
            let idle = optional_duration(value).ok_or_else(|| bad("expected a duration like 60s, or 'none'"))?;
            validate::keepalive(idle)?;
            config.tcp.keepalive = idle;
        }
        "nodelay" => config.tcp.nodelay = parse_bool(value).ok_or_else(|| bad("expected true or false"))?,
        "lib_info" => config.set_lib_info = parse_bool(value).ok_or_else(|| bad("expected true or false"))?,
        "user" | "username" => {
            if config.username.is_some() {
                return Err(bad("the user name is given twice"));
            }
            config.username = Some(value.to_owned());
        }
        "password" => {
            if config.password.is_some() {
                return Err(Error::config("URL option password: the password is given twice"));
            }
            config.password = Some(Secret::new(value));
        }
        "max_connections" => {
            config.pool.max_connections = match value.parse() {
                Ok(n) if n > 0 => n,
                _ => return Err(bad("expected a positive number")),
            }
        }
        "insecure" => {
            let insecure = parse_bool(value).ok_or_else(|| bad("expected true or false"))?;
            match &mut config.tls {
                Some(tls) => tls.danger_accept_invalid_certs = insecure,
                None => return Err(bad("only rediss:// (TLS) URLs take this option")),
            }
        }
        _ => {
            return Err(Error::config(format!(
                "unknown URL option {key:?}; known options: {KNOWN_OPTIONS}"
            )))
        }
    }
    Ok(())
}

/// `none` / `off`: no limit; otherwise a duration (zero included: callers refuse it).
fn optional_duration(value: &str) -> Option<Option<std::time::Duration>> {
    match value {
        "none" | "off" => Some(None),
        _ => parse_duration(value).map(Some),
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Percent-decodes a user name, password or path. A `%` without two hex digits
/// after it is refused (the error names `what`, never the text).
fn percent_decode(text: &str, what: &str) -> Result<String> {
    if !escapes_are_valid(text) {
        return Err(Error::config(format!(
            "the {what} in the URL has an invalid percent-escape (a % not followed by two hex digits; \
             write % itself as %25)"
        )));
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            Error::config(format!(
                "the {what} in the URL is not valid UTF-8 after percent-decoding"
            ))
        })
}

#[cfg(test)]
mod tests;
