use std::path::PathBuf;
use std::time::Duration;

use super::parse;
use crate::config::{Addr, Protocol};
use crate::ErrorKind;

fn tcp(host: &str, port: u16) -> Addr {
    Addr::Tcp {
        host: host.into(),
        port,
    }
}

#[test]
fn plain_host_port_db() {
    let c = parse("redis://example.com:6380/2").unwrap();
    assert_eq!(c.addr, tcp("example.com", 6380));
    assert_eq!(c.db, 2);
    assert!(c.tls.is_none());
    assert_eq!(c.protocol, Protocol::Resp3);
}

#[test]
fn defaults() {
    let c = parse("redis://localhost").unwrap();
    assert_eq!(c.addr, tcp("localhost", 6379));
    assert_eq!(c.db, 0);
    assert_eq!(c.username, None);
    assert!(c.password.is_none());
    let c = parse("redis://").unwrap();
    assert_eq!(c.addr, tcp("127.0.0.1", 6379));
}

#[test]
fn credentials_are_percent_decoded() {
    let c = parse("redis://al%40ice:p%40ss%3Aw%2Fd&x@127.0.0.1/0").unwrap();
    assert_eq!(c.username.as_deref(), Some("al@ice"));
    assert_eq!(c.password.as_ref().unwrap().expose(), "p@ss:w/d&x");
    let c = parse("redis://:secret@127.0.0.1").unwrap();
    assert_eq!(c.username, None);
    assert_eq!(c.password.as_ref().unwrap().expose(), "secret");
}

#[test]
fn ipv6() {
    let c = parse("redis://[::1]:7000").unwrap();
    assert_eq!(c.addr, tcp("::1", 7000));
    assert_eq!(c.addr.to_string(), "[::1]:7000");
}

#[test]
#[cfg(feature = "tls")]
fn tls_scheme() {
    let c = parse("rediss://127.0.0.1:6390?insecure=true").unwrap();
    let tls = c.tls.unwrap();
    assert!(tls.danger_accept_invalid_certs);
    let c = parse("rediss://h").unwrap();
    assert!(!c.tls.unwrap().danger_accept_invalid_certs);
    let e = parse("redis://h?insecure=true").unwrap_err();
    assert!(e.to_string().contains("only rediss://"), "{e}");
}

#[test]
fn unix_socket() {
    let c = parse("unix:///tmp/redis.sock?db=3&password=pw&user=bob").unwrap();
    assert_eq!(c.addr, Addr::Unix(PathBuf::from("/tmp/redis.sock")));
    assert_eq!(c.db, 3);
    assert_eq!(c.username.as_deref(), Some("bob"));
    assert_eq!(c.password.unwrap().expose(), "pw");
    let c = parse("redis+unix:///var/run/redis%20x.sock").unwrap();
    assert_eq!(c.addr, Addr::Unix(PathBuf::from("/var/run/redis x.sock")));
}

#[test]
fn options() {
    let c = parse(
        "redis://h/1?protocol=2&client_name=worker&connect_timeout=250ms&response_timeout=2&keepalive=none&nodelay=false&lib_info=no",
    )
    .unwrap();
    assert_eq!(c.protocol, Protocol::Resp2);
    assert_eq!(c.client_name.as_deref(), Some("worker"));
    assert_eq!(c.connect_timeout, Some(Duration::from_millis(250)));
    assert_eq!(c.response_timeout, Some(Duration::from_secs(2)));
    assert_eq!(c.tcp.keepalive, None);
    assert!(!c.tcp.nodelay);
    assert!(!c.set_lib_info);
    assert_eq!(parse("redis://h?protocol=resp3").unwrap().protocol, Protocol::Resp3);
}

fn err(url: &str) -> String {
    let e = parse(url).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{url}");
    e.to_string()
}

#[test]
fn bad_urls_say_what_is_wrong() {
    assert!(err("not a url").contains("not a valid URL"));
    assert!(err("http://h").contains("unsupported URL scheme \"http\""));
    assert!(err("redis://h/abc").contains("database number"));
    assert!(err("redis://h:99999").contains("not a valid URL"));
    assert!(err("redis://h?protocol=4").contains("expected 2 or 3"));
    assert!(err("redis://h?colour=red").contains("unknown URL option \"colour\""));
    assert!(err("redis://h?connect_timeout=soon").contains("duration"));
    assert!(err("redis://h/1?db=2").contains("also given in the URL path"));
    assert!(err("unix://").contains("socket path"));
    assert!(err("redis://h#frag").contains("fragments"));
}

#[test]
fn passwords_never_shown() {
    let c = parse("redis://bob:hunter2@h:1/0").unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
    assert_eq!(c.to_string(), "redis://bob:***@h:1/0");
    let e = parse("redis://bob:hunter2@h:1/0?protocol=9").unwrap_err();
    assert!(!e.to_string().contains("hunter2"));
    assert!(!format!("{e:?}").contains("hunter2"));
    let e = parse("redis://h?password=hunter2&password=x").unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

#[test]
fn invalid_percent_escapes_are_refused_without_echoing_secrets() {
    for url in [
        "redis://:s3cr%ZZet@h",
        "redis://bob:s3cr%ZZet@h",
        "redis://bob:s3cret%@h",
        "redis://bob:s3cret%4@h",
        "redis://h?password=s3cr%ZZet",
        "unix:///tmp/r.sock?password=s3cr%ZZet",
    ] {
        let e = err(url);
        assert!(e.contains("invalid percent-escape"), "{url}: {e}");
        assert!(!e.contains("s3cr"), "{url}: {e}");
    }
    assert!(err("redis://:pw@h?client_name=a%G1").contains("client_name"));
    assert!(err("redis://b%ob@h").contains("user name"));
    assert!(err("unix:///tmp/r%zz.sock").contains("socket path"));
    // Valid escapes still decode, `%25` included.
    let c = parse("redis://:s3cr%25et@h").unwrap();
    assert_eq!(c.password.unwrap().expose(), "s3cr%et");
}

#[test]
fn repeated_options_are_refused() {
    for (url, name) in [
        ("redis://h?protocol=2&protocol=3", "protocol"),
        ("redis://h?protocol=2&protocol=2", "protocol"),
        ("redis://h?db=1&db=2", "db"),
        ("redis://h?name=a&client_name=b", "client_name"),
        ("redis://h?user=a&username=b", "user"),
        ("redis://h?connect_timeout=1s&connect_timeout=2s", "connect_timeout"),
        ("redis://h?nodelay=true&nodelay=false", "nodelay"),
        ("rediss://h?insecure=true&insecure=false", "insecure"),
    ] {
        let e = err(url);
        assert!(
            e.contains(&format!("option {name} is given more than once")),
            "{url}: {e}"
        );
    }
    let e = err("redis://h?password=hunter2&password=hunter3");
    assert!(!e.contains("hunter"), "{e}");
}

#[test]
fn port_zero_is_refused() {
    assert!(err("redis://h:0").contains("port 0"));
    assert!(err("redis://[::1]:0/1").contains("port 0"));
}

#[test]
fn zero_durations_are_refused() {
    for option in ["connect_timeout", "response_timeout"] {
        for zero in ["0", "0s", "0ms", "0.0"] {
            let e = err(&format!("redis://h?{option}={zero}"));
            assert!(
                e.contains(option) && e.contains("use `none` to wait without limit"),
                "{e}"
            );
        }
        let c = parse(&format!("redis://h?{option}=none")).unwrap();
        assert!(c.connect_timeout.is_none() || c.response_timeout.is_none());
    }
    assert!(err("redis://h?keepalive=0").contains("keepalive"));
    assert!(err("redis://h?keepalive=500ms").contains("at least 1s"));
    assert!(err("redis://h?keepalive=100000s").contains("at most 32767s"));
    assert_eq!(parse("redis://h?keepalive=off").unwrap().tcp.keepalive, None);
    // The largest duration a URL takes does not overflow anything.
    let c = parse("redis://h?connect_timeout=1000000000s&response_timeout=16666666m").unwrap();
    assert!(c.connect_timeout.is_some() && c.response_timeout.is_some());
}

#[test]
#[cfg(not(feature = "tls"))]
fn rediss_without_the_tls_feature_names_it() {
    let e = err("rediss://h");
    assert!(e.contains("`tls` cargo feature"), "{e}");
}

#[test]
#[cfg(feature = "tls")]
fn rediss_with_the_tls_feature_parses() {
    assert!(parse("rediss://h").unwrap().tls.is_some());
}
