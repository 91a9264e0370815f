//! Configuration faults and claims about configuration: zero and huge
//! durations, TLS to a plain-text port, TLS client certificates, `lib_info`,
//! the RESP2 path for servers without `HELLO`, TCP keepalive.

use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::{ClientBuilder, Config, Connection, ErrorKind, PoolConfig, Protocol, Runtime};
use anyredis_test_support::RedisServer;

use crate::util::{client, info_field};
use crate::TestResult;

fn expect_config_error(result: anyredis::Result<Client>, needle: &str) -> TestResult {
    match result {
        Ok(_) => Err(format!("expected a Config error containing {needle:?}, the client was built").into()),
        Err(e) if e.kind() == ErrorKind::Config && e.to_string().contains(needle) => Ok(()),
        Err(e) => Err(format!("expected a Config error containing {needle:?}, got {e:?}").into()),
    }
}

/// Zero timeouts are refused the same way on every runtime, from a URL, from
/// the builder and from a hand-made `Config`; `none` still means no limit.
pub async fn zero_timeouts_are_refused(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let url = server.url();
    let none = "use `none` to wait without limit";
    for option in ["response_timeout=0ms", "connect_timeout=0s", "response_timeout=0"] {
        expect_config_error(client(&format!("{url}?{option}"), &rt), none)?;
    }
    let zero = Some(Duration::ZERO);
    let builder = ClientBuilder::from_url(&url)?.runtime(rt.clone());
    expect_config_error(builder.clone().response_timeout(zero).build(), none)?;
    expect_config_error(builder.clone().connect_timeout(zero).build(), none)?;
    let mut pool = PoolConfig::default();
    pool.acquire_timeout = zero;
    expect_config_error(builder.clone().pool(pool).build(), "acquire_timeout")?;

    // A Config assembled by hand is checked when connecting.
    let mut config = Config::from_url(&url)?;
    config.response_timeout = zero;
    let err = Connection::connect(&config, &rt)
        .await
        .err()
        .ok_or("zero response timeout connected")?;
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");

    let c = client(&format!("{url}?response_timeout=none&connect_timeout=none"), &rt)?;
    assert_eq!(c.ping().await?, "PONG");
    Ok(())
}

/// `Duration::MAX` in every duration setting panics nowhere: the client
/// connects, answers, reconnects after a kill and runs blocking commands.
pub async fn huge_durations_do_not_panic(rt: Runtime) -> TestResult {
    // Boxed: this case's future is large, and async-std's `block_on` moves it
    // by value through several layers on the test thread's stack.
    Box::pin(huge_durations(rt)).await
}

async fn huge_durations(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let max = Some(Duration::MAX);
    let mut pool = PoolConfig::default();
    pool.acquire_timeout = max;
    pool.idle_timeout = max;
    pool.health_check_after = Duration::MAX;
    let c = ClientBuilder::from_url(&server.url())?
        .connect_timeout(max)
        .reconnect_backoff(Duration::MAX, Duration::MAX)
        .pool(pool)
        .runtime(rt.clone())
        .build()?;
    assert_eq!(c.ping().await?, "PONG");
    c.rpush("q", "x").await?;
    assert_eq!(
        c.blpop::<Option<(String, String)>>("q", Duration::from_secs(1)).await?,
        Some(("q".to_owned(), "x".to_owned()))
    );
    let conn = c.dedicated().await?;
    assert_eq!(conn.cmd("PING").query::<String>().await?, "PONG");
    let pipe = c.pipeline();
    pipe.rpush("q", "y").blpop::<String>("q", Duration::from_secs(1));
    let (_, popped): (i64, Option<(String, String)>) = pipe.query().await?;
    assert_eq!(popped, Some(("q".to_owned(), "y".to_owned())));

    // A failed connect makes the client compute its reconnect backoff from
    // `Duration::MAX`: capped, no `Instant` overflow.
    let mut gone = RedisServer::new();
    let unreachable = ClientBuilder::from_url(&gone.url())?
        .reconnect_backoff(Duration::MAX, Duration::MAX)
        .runtime(rt.clone())
        .build()?;
    gone.kill();
    let err = unreachable.ping().await.expect_err("the server is gone");
    assert!(err.is_connection(), "{err}");

    // `response_timeout(Duration::MAX)` alone, on the shared and a dedicated connection.
    let patient = ClientBuilder::from_url(&server.url())?
        .response_timeout(max)
        .runtime(rt.clone())
        .build()?;
    assert_eq!(patient.ping().await?, "PONG");
    let pipe = patient.pipeline();
    pipe.set("p", 1).incr("p");
    let ((), n): ((), i64) = pipe.query().await?;
    assert_eq!(n, 2);
    let conn = patient.dedicated().await?;
    assert_eq!(conn.cmd("PING").query::<String>().await?, "PONG");

    // The TLS handshake limit and the connect limit with `Duration::MAX`.
    let mut config = Config::from_url(&server.url())?;
    config.connect_timeout = max;
    let own = Connection::connect(&config, &rt).await?;
    assert_eq!(own.cmd("PING").query::<String>().await?, "PONG");
    Ok(())
}

/// `rediss://` to a plain-text port: the error comes well before a long
/// connect timeout, and says the TLS handshake got no answer.
pub async fn rediss_to_a_plain_port_fails_fast(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(
        &format!(
            "rediss://127.0.0.1:{}?connect_timeout=120s&insecure=true",
            server.port()
        ),
        &rt,
    )?;
    let started = Instant::now();
    let err = c.ping().await.expect_err("not a TLS port");
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("TLS handshake"), "{err}");
    assert!(err.to_string().contains("is this a TLS port?"), "{err}");
    // The handshake limit is 10 s; a generous budget for a loaded machine,
    // far below the 120 s connect timeout.
    assert!(took < Duration::from_secs(60), "took {took:?}: {err}");
    Ok(())
}

/// A server with `tls-auth-clients yes` accepts the client certificate given
/// to the builder, and refuses a client without one.
pub async fn tls_client_certificates(rt: Runtime) -> TestResult {
    if !anyredis_test_support::server_supports_tls() {
        eprintln!("TLS client certificates not checked: this redis-server has no TLS");
        return Ok(());
    }
    let server = RedisServer::builder().tls_client_auth(true).build();
    let port = server.tls_port().expect("tls port");
    let cert = std::fs::read(server.client_cert_path().expect("client certificate"))?;
    let key = std::fs::read_to_string(server.client_key_path().expect("client key"))?;
    let url = format!("rediss://127.0.0.1:{port}?connect_timeout=20s");

    let with_cert = ClientBuilder::from_url(&url)?
        .tls_root_cert_pem(server.ca_cert_pem())
        .tls_client_cert_pem(cert, key.clone())
        .runtime(rt.clone())
        .build()?;
    with_cert.set("mtls", "yes").await?;
    assert_eq!(with_cert.get::<String>("mtls").await?, "yes");
    let conn = with_cert.dedicated().await?;
    assert_eq!(conn.cmd("GET").arg("mtls").query::<String>().await?, "yes");
    assert!(!format!("{:?}", with_cert.config()).contains(key.trim()));

    let without = ClientBuilder::from_url(&url)?
        .tls_root_cert_pem(server.ca_cert_pem())
        .runtime(rt)
        .build()?;
    let err = without
        .ping()
        .await
        .expect_err("the server requires a client certificate");
    // TLS 1.3 reports the refusal after the handshake: a TLS or connection error.
    assert!(
        err.kind() == ErrorKind::Tls || err.is_connection(),
        "unexpected error kind: {err:?}"
    );
    Ok(())
}

/// `(major, minor)` of the server's version.
fn server_version(server: &RedisServer) -> (u32, u32) {
    let info = server.raw_command(&["INFO", "server"]);
    let version = info
        .lines()
        .find_map(|line| line.strip_prefix("redis_version:"))
        .expect("INFO server has redis_version");
    let mut parts = version.trim().split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// `lib_info` (on by default) names the library in `CLIENT INFO` on Redis
/// 7.2+; on older servers, whose `CLIENT SETINFO` fails, the handshake still
/// succeeds. `lib_info=false` leaves the fields empty.
pub async fn lib_info_has_its_effect(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let supported = server_version(&server) >= (7, 2);
    for protocol in ["2", "3"] {
        let c = client(&format!("{}?protocol={protocol}", server.url()), &rt)?;
        let info: String = c.cmd("CLIENT").arg("INFO").query().await?;
        if supported {
            assert_eq!(info_field(&info, "lib-name"), Some("anyredis"), "{info}");
            assert!(info_field(&info, "lib-ver").is_some_and(|v| !v.is_empty()), "{info}");
        } else {
            // Redis < 7.2: no lib-name field; the connection works regardless.
            assert_eq!(c.ping().await?, "PONG");
        }
        let off = client(&format!("{}?protocol={protocol}&lib_info=false", server.url()), &rt)?;
        let info: String = off.cmd("CLIENT").arg("INFO").query().await?;
        assert!(
            info_field(&info, "lib-name").unwrap_or("").is_empty(),
            "lib_info=false still set it: {info}"
        );
    }
    Ok(())
}

/// A server without `HELLO` (renamed away): the client falls back to RESP2,
/// authenticates with `AUTH`, selects the database and works.
pub async fn resp2_without_hello(rt: Runtime) -> TestResult {
    let server = RedisServer::builder()
        .password("pw")
        .args(["--rename-command", "HELLO", ""])
        .build();
    let url = format!("redis://:pw@127.0.0.1:{}/3?client_name=old-server", server.port());
    let c = client(&url, &rt)?;
    c.set("k", "v").await?;
    assert_eq!(c.get::<String>("k").await?, "v");
    let info: String = c.cmd("CLIENT").arg("INFO").query().await?;
    // CLIENT INFO shows `resp=` from Redis 7.0 on.
    let resp_ok = match info_field(&info, "resp") {
        Some(resp) => resp == "2",
        None => crate::util::server_version() < (7, 0, 0),
    };
    assert!(
        resp_ok && info_field(&info, "db") == Some("3") && info_field(&info, "name") == Some("old-server"),
        "{info}"
    );
    let conn = c.dedicated().await?;
    assert_eq!(conn.protocol(), Protocol::Resp2);
    // A wrong password on the RESP2 path is still the server's error.
    let wrong = client(&format!("redis://:nope@127.0.0.1:{}", server.port()), &rt)?;
    let err = wrong.ping().await.expect_err("wrong password");
    assert!(err.is_server(), "{err}");
    Ok(())
}

/// An `ip:port` as `/proc/net/tcp` prints it (the address as the in-memory u32).
#[cfg(target_os = "linux")]
fn proc_addr(addr: &str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let (ip, port) = addr.rsplit_once(':').ok_or("no port in addr")?;
    let ip: std::net::Ipv4Addr = ip.parse()?;
    let port: u16 = port.parse()?;
    Ok(format!("{:08X}:{:04X}", u32::from_ne_bytes(ip.octets()), port))
}

/// The client's own TCP socket as `/proc/net/tcp` shows it: `(timer, seconds
/// left)` for the established connection from `local` to `remote` (`ip:port`,
/// the `addr` and `laddr` of `CLIENT INFO`).
#[cfg(target_os = "linux")]
fn proc_tcp_timer(local: &str, remote: &str) -> Result<Option<(u8, u64)>, Box<dyn std::error::Error + Send + Sync>> {
    let (local, remote) = (proc_addr(local)?, proc_addr(remote)?);
    let table = std::fs::read_to_string("/proc/net/tcp")?;
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // Field 3 is the state: 01 = ESTABLISHED.
        if fields.get(1) != Some(&local.as_str())
            || fields.get(2) != Some(&remote.as_str())
            || fields.get(3) != Some(&"01")
        {
            continue;
        }
        // Field 5 is `tr:tm->when`: timer kind (2 = keepalive) and ticks left (USER_HZ = 100).
        let (tr, when) = fields.get(5).and_then(|f| f.split_once(':')).ok_or("bad line")?;
        let tr = u8::from_str_radix(tr, 16)?;
        let ticks = u64::from_str_radix(when, 16)?;
        return Ok(Some((tr, ticks / 100)));
    }
    Ok(None)
}

/// `keepalive` reaches the socket: with 300 s, the kernel runs a keepalive
/// timer due within 300 s (not the 60 s default); with `none`, no timer.
/// (Linux only: read from `/proc/net/tcp`. `nodelay` leaves no trace there;
/// the crate's unit test `rt::options` checks it on the socket itself.)
pub async fn keepalive_has_its_effect(rt: Runtime) -> TestResult {
    #[cfg(target_os = "linux")]
    {
        let server = RedisServer::new();
        let c = client(&format!("{}?keepalive=300s&nodelay=false", server.url()), &rt)?;
        let info: String = c.cmd("CLIENT").arg("INFO").query().await?;
        let addr = info_field(&info, "addr").ok_or("no addr")?.to_owned();
        let laddr = info_field(&info, "laddr").ok_or("no laddr")?.to_owned();
        let (timer, left) =
            proc_tcp_timer(&addr, &laddr)?.ok_or_else(|| format!("{addr} -> {laddr} not in /proc/net/tcp"))?;
        assert_eq!(timer, 2, "no keepalive timer on {addr}");
        assert!(left > 60 && left <= 300, "keepalive due in {left}s");

        let c = client(&format!("{}?keepalive=none", server.url()), &rt)?;
        let info: String = c.cmd("CLIENT").arg("INFO").query().await?;
        let addr = info_field(&info, "addr").ok_or("no addr")?.to_owned();
        let laddr = info_field(&info, "laddr").ok_or("no laddr")?.to_owned();
        let (timer, _) =
            proc_tcp_timer(&addr, &laddr)?.ok_or_else(|| format!("{addr} -> {laddr} not in /proc/net/tcp"))?;
        assert_ne!(timer, 2, "keepalive timer despite keepalive=none on {addr}");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = rt;
    Ok(())
}
