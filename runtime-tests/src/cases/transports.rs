//! Unix sockets, TLS, dedicated connections and a socket of the caller's own.

use anyredis::prelude::*;
use anyredis::rt::TcpOptions;
use anyredis::{ClientBuilder, Config, Connection, ErrorKind, Runtime};
use anyredis_test_support::RedisServer;

use crate::util::{client, info_field};
use crate::TestResult;

/// `unix://` with a database and a password in the query.
pub async fn unix_socket(rt: Runtime) -> TestResult {
    let server = RedisServer::builder().unix_socket(true).password("pw").build();
    let path = server.unix_socket_path().expect("socket").display().to_string();
    let c = client(&format!("unix://{path}?db=2&password=pw"), &rt)?;
    c.set("via", "unix").await?;
    let info: String = c.cmd("CLIENT").arg("INFO").query().await?;
    assert!(
        info_field(&info, "db") == Some("2") && info_field(&info, "laddr").is_some_and(|a| a.starts_with('/')),
        "{info}"
    );
    Ok(())
}

/// `rediss://` verifies the certificate against the given root; without it, or
/// with the wrong host name, the connection is refused with a TLS error.
pub async fn tls(rt: Runtime) -> TestResult {
    if !anyredis_test_support::server_supports_tls() {
        // Never silently: the run's output says so.
        eprintln!("transports::tls not run: this redis-server was built without TLS");
        return Ok(());
    }
    let server = RedisServer::builder().tls(true).build();
    let port = server.tls_port().expect("tls port");
    let ca = server.ca_cert_pem();

    let c = ClientBuilder::from_url(&format!("rediss://127.0.0.1:{port}/1"))?
        .tls_root_cert_pem(ca.clone())
        .runtime(rt.clone())
        .build()?;
    c.set("secure", "yes").await?;
    assert_eq!(c.get::<String>("secure").await?, "yes");
    let localhost = ClientBuilder::from_url(&format!("rediss://localhost:{port}"))?
        .tls_root_cert_pem(ca.clone())
        .runtime(rt.clone())
        .build()?;
    assert_eq!(localhost.ping().await?, "PONG");

    // Default roots (webpki) do not know the test CA.
    let untrusted = client(&format!("rediss://127.0.0.1:{port}"), &rt)?;
    let err = untrusted.ping().await.expect_err("unknown CA");
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");

    // A certificate for 127.0.0.1/localhost is not one for another name.
    let mut config = Config::from_url(&format!("rediss://127.0.0.1:{port}"))?;
    let tls = config.tls.as_mut().unwrap();
    tls.root_certs_pem.push(ca);
    tls.server_name = Some("redis.example.com".into());
    let wrong_name = ClientBuilder::from_config(config).runtime(rt.clone()).build()?;
    let err = wrong_name.ping().await.expect_err("host name mismatch");
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");

    // Explicitly insecure: no checks.
    let insecure = client(&format!("rediss://127.0.0.1:{port}?insecure=true"), &rt)?;
    assert_eq!(insecure.ping().await?, "PONG");

    // Plain text to a TLS port is not RESP: a clean error, not a hang or a panic.
    let plain = ClientBuilder::from_url(&format!("redis://127.0.0.1:{port}?connect_timeout=3s"))?
        .runtime(rt)
        .build()?;
    let err = plain.ping().await.expect_err("TLS port");
    assert!(
        err.is_connection() || err.is_timeout() || err.kind() == ErrorKind::Protocol,
        "{err}"
    );
    Ok(())
}

/// A dedicated connection runs requests in order; one over a socket opened by
/// the caller works the same.
pub async fn dedicated_and_own_socket(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let conn = c.dedicated().await?;
    conn.cmd("SET").arg("a").arg(1).query::<()>().await?;
    assert_eq!(conn.cmd("INCRBY").arg("a").arg(41).query::<i64>().await?, 42);

    let socket = rt
        .transport()
        .connect_tcp("127.0.0.1", server.port(), &TcpOptions::default())
        .await?;
    let mut config = Config::default();
    config.client_name = Some("byo".into());
    let own = Connection::from_socket(socket, &config, &rt).await?;
    assert_eq!(own.cmd("CLIENT").arg("GETNAME").query::<String>().await?, "byo");
    assert_eq!(own.cmd("GET").arg("a").query::<i64>().await?, 42);
    Ok(())
}
