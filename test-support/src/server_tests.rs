//! Tests against real redis-server processes.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use crate::{RawConnection, RawReply, RedisServer};

#[test]
fn plain_server_answers_ping() {
    let server = RedisServer::new();
    assert_eq!(server.raw_command(&["PING"]), "PONG");
    assert_eq!(
        server.raw_command(&["CONFIG", "GET", "port"]),
        format!("port\n{}", server.port())
    );
    assert_eq!(server.raw_command(&["CONFIG", "GET", "bind"]), "bind\n127.0.0.1");
    assert_eq!(server.url(), format!("redis://127.0.0.1:{}", server.port()));
    assert_eq!(server.host(), "127.0.0.1");
    assert_eq!(server.tls_port(), None);
    assert!(server.unix_socket_path().is_none());
    assert!(server.ca_cert_path().is_none());
    assert!(server.pid().is_some());
    assert!(server.dir().join("redis.log").is_file());
    assert_eq!(server.raw_reply(&["SET", "k", "v"]), RawReply::Simple("OK".into()));
    assert_eq!(server.raw_reply(&[&b"GET"[..], b"k"]), RawReply::Bulk(b"v".to_vec()));
    assert_eq!(server.raw_command(&["GET", "missing"]), "(nil)");
}

#[test]
fn password_server_requires_auth() {
    let server = RedisServer::builder().password("s3cret pw").build();
    let mut conn = server.raw_connection().unwrap();
    let reply = conn.command(&["PING"]).unwrap();
    assert!(reply.is_error() && reply.to_string().starts_with("NOAUTH"), "{reply:?}");
    let reply = conn.command(&["AUTH", "wrong"]).unwrap();
    assert!(reply.to_string().starts_with("WRONGPASS"), "{reply:?}");
    assert_eq!(conn.command(&["AUTH", "s3cret pw"]).unwrap().to_string(), "OK");
    assert_eq!(conn.command(&["PING"]).unwrap().to_string(), "PONG");
    // raw_command authenticates by itself.
    assert_eq!(server.raw_command(&["PING"]), "PONG");
    assert_eq!(server.password(), Some("s3cret pw"));
}

#[test]
fn acl_users_exist() {
    let server = RedisServer::builder()
        .acl_user("alice", "alice-pw", "~* &* +@all")
        .acl_user("reader", "reader-pw", "~* +get +ping")
        .build();
    // The default user stays open.
    assert_eq!(server.raw_command(&["ACL", "WHOAMI"]), "default");

    let mut conn = server.raw_connection().unwrap();
    assert_eq!(conn.command(&["AUTH", "alice", "alice-pw"]).unwrap().to_string(), "OK");
    assert_eq!(conn.command(&["ACL", "WHOAMI"]).unwrap().to_string(), "alice");
    assert_eq!(conn.command(&["SET", "k", "v"]).unwrap().to_string(), "OK");

    let mut conn = server.raw_connection().unwrap();
    assert!(conn.command(&["AUTH", "reader", "nope"]).unwrap().is_error());
    assert_eq!(
        conn.command(&["AUTH", "reader", "reader-pw"]).unwrap().to_string(),
        "OK"
    );
    assert_eq!(conn.command(&["GET", "k"]).unwrap().to_string(), "v");
    let denied = conn.command(&["SET", "k", "w"]).unwrap();
    assert!(denied.to_string().starts_with("NOPERM"), "{denied:?}");
}

#[test]
fn acl_user_with_password_on_default_user() {
    let server = RedisServer::builder()
        .password("pw")
        .acl_user("bob", "bob-pw", "~* +@all")
        .build();
    let mut conn = server.raw_connection().unwrap();
    assert!(conn.command(&["PING"]).unwrap().to_string().starts_with("NOAUTH"));
    assert_eq!(conn.command(&["AUTH", "bob", "bob-pw"]).unwrap().to_string(), "OK");
    assert_eq!(conn.command(&["ACL", "WHOAMI"]).unwrap().to_string(), "bob");
    assert_eq!(server.raw_command(&["ACL", "WHOAMI"]), "default");
}

#[cfg(unix)]
#[test]
fn unix_socket_is_there() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let server = RedisServer::builder().unix_socket(true).build();
    let path = server.unix_socket_path().expect("socket path");
    assert!(path.starts_with(server.dir()));
    let meta = std::fs::metadata(path).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    let mut conn = RawConnection::connect_unix(path).unwrap();
    assert_eq!(conn.command(&["PING"]).unwrap().to_string(), "PONG");
    // The TCP port works as well.
    assert_eq!(server.raw_command(&["PING"]), "PONG");
}

fn tls_config(server: &RedisServer, client_cert: bool) -> rustls::ClientConfig {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&server.ca_cert_pem()) {
        roots.add(cert.expect("ca.crt parses")).unwrap();
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    if client_cert {
        let certs = CertificateDer::pem_slice_iter(&server.client_cert_pem())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_slice(&server.client_key_pem()).expect("client.key parses");
        builder.with_client_auth_cert(certs, key).unwrap()
    } else {
        builder.with_no_client_auth()
    }
}

/// PING over TLS with rustls, verifying the server certificate for `name`.
fn tls_ping(server: &RedisServer, name: &str, config: rustls::ClientConfig) -> std::io::Result<String> {
    let name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(server.addr())?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    tcp.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(b"*1\r\n$4\r\nPING\r\n")?;
    let mut reply = Vec::new();
    let mut byte = [0u8];
    while !reply.ends_with(b"\r\n") {
        if tls.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        reply.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

#[test]
fn tls_server_starts_with_parseable_certs_and_handshakes() {
    if !crate::server_supports_tls() {
        eprintln!("not run: this redis-server was built without TLS");
        return;
    }
    let server = RedisServer::builder().tls(true).build();
    let tls_port = server.tls_port().expect("tls port");
    assert_eq!(server.port(), tls_port);
    assert_eq!(server.url(), format!("rediss://127.0.0.1:{tls_port}"));
    assert!(server.unix_socket_path().is_none());
    assert!(server.client_cert_path().is_none());
    let (cert, key) = server.server_cert_paths().unwrap();
    assert!(cert.is_file() && key.is_file());
    assert!(server.ca_cert_path().unwrap().is_file());
    // No plain port; raw_command goes through the internal unix socket.
    assert_eq!(server.raw_command(&["CONFIG", "GET", "port"]), "port\n0");
    assert_eq!(
        server.raw_command(&["CONFIG", "GET", "tls-port"]),
        format!("tls-port\n{tls_port}")
    );

    assert_eq!(
        tls_ping(&server, "127.0.0.1", tls_config(&server, false)).unwrap(),
        "+PONG\r\n"
    );
    assert_eq!(
        tls_ping(&server, "localhost", tls_config(&server, false)).unwrap(),
        "+PONG\r\n"
    );
    // A name the certificate does not cover fails verification.
    let err = tls_ping(&server, "example.com", tls_config(&server, false)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[test]
fn tls_client_auth_requires_the_client_certificate() {
    if !crate::server_supports_tls() {
        eprintln!("not run: this redis-server was built without TLS");
        return;
    }
    let server = RedisServer::builder().tls_client_auth(true).password("pw").build();
    assert!(server.is_tls());
    assert!(server.client_cert_path().unwrap().is_file());
    assert!(server.client_key_path().unwrap().is_file());
    assert_eq!(
        server.raw_command(&["CONFIG", "GET", "tls-auth-clients"]),
        "tls-auth-clients\nyes"
    );
    // Answers NOAUTH: the TLS part is through.
    assert!(tls_ping(&server, "127.0.0.1", tls_config(&server, true))
        .unwrap()
        .starts_with("-NOAUTH"));
    // Without a client certificate the server ends the handshake.
    let err = tls_ping(&server, "127.0.0.1", tls_config(&server, false)).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
}

#[test]
fn kill_and_restart_keep_data_with_appendonly() {
    let mut server = RedisServer::builder().appendonly(true).password("pw").build();
    let port = server.port();
    assert_eq!(server.raw_command(&["SET", "survivor", "yes"]), "OK");
    let old_pid = server.pid().unwrap();

    server.kill();
    assert_eq!(server.pid(), None);
    assert!(!server.is_running());
    let err = server
        .raw_connection()
        .and_then(|mut c| c.command(&["PING"]))
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");

    server.restart();
    assert_eq!(server.port(), port);
    assert_ne!(server.pid().unwrap(), old_pid);
    assert_eq!(server.raw_command(&["GET", "survivor"]), "yes");

    // A graceful stop and a restart keep it too.
    assert_eq!(server.raw_command(&["SET", "second", "2"]), "OK");
    server.stop();
    assert!(!server.is_running());
    server.restart();
    assert_eq!(server.raw_command(&["MGET", "survivor", "second"]), "yes\n2");
    // Restarting a running server works as well.
    server.restart();
    assert_eq!(server.raw_command(&["PING"]), "PONG");
}

#[test]
fn restart_without_appendonly_loses_data_but_keeps_config() {
    let mut server = RedisServer::builder().password("pw").unix_socket(true).build();
    server.raw_command(&["SET", "k", "v"]);
    server.restart();
    assert_eq!(server.raw_command(&["GET", "k"]), "(nil)");
    assert!(server.unix_socket_path().unwrap().exists());
    let mut conn = server.raw_connection().unwrap();
    assert!(conn.command(&["PING"]).unwrap().is_error());
}

#[test]
fn parallel_servers_get_different_ports() {
    let handles: Vec<_> = (0..4).map(|_| std::thread::spawn(RedisServer::new)).collect();
    let servers: Vec<RedisServer> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ports: HashSet<u16> = servers.iter().map(RedisServer::port).collect();
    assert_eq!(ports.len(), servers.len());
    let dirs: HashSet<_> = servers.iter().map(|s| s.dir().to_path_buf()).collect();
    assert_eq!(dirs.len(), servers.len());
    for server in &servers {
        assert_eq!(
            server.raw_command(&["CONFIG", "GET", "port"]),
            format!("port\n{}", server.port())
        );
    }
}

#[test]
fn extra_args_reach_the_server() {
    let server = RedisServer::builder()
        .arg("--enable-debug-command")
        .arg("yes")
        .args(["--maxmemory", "10mb"])
        .build();
    // (Dropped before Redis 7, where DEBUG needs no option.)
    assert_eq!(server.raw_command(&["DEBUG", "SLEEP", "0"]), "OK");
    assert_eq!(
        server.raw_command(&["CONFIG", "GET", "maxmemory"]),
        "maxmemory\n10485760"
    );
    // DEBUG SLEEP on one raw connection blocks another one's command.
    let mut sleeper = server.raw_connection().unwrap();
    let started = std::time::Instant::now();
    sleeper.send(&["DEBUG", "SLEEP", "0.2"]).unwrap();
    assert_eq!(server.raw_command(&["PING"]), "PONG");
    assert!(
        started.elapsed() >= Duration::from_millis(190),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sleeper.read_reply().unwrap().to_string(), "OK");
}

#[test]
fn client_kill_from_raw_command() {
    let server = RedisServer::new();
    let mut victim = server.raw_connection().unwrap();
    assert_eq!(
        victim.command(&["CLIENT", "SETNAME", "victim"]).unwrap().to_string(),
        "OK"
    );
    let id = victim.command(&["CLIENT", "ID"]).unwrap().to_string();
    assert_eq!(server.raw_command(&["CLIENT", "KILL", "ID", &id]), "1");
    let err = victim.command(&["PING"]).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
        ),
        "{err:?}"
    );
}

#[test]
fn drop_kills_the_process_and_removes_the_dir() {
    let server = RedisServer::builder().unix_socket(true).build();
    let dir = server.dir().to_path_buf();
    let addr = server.addr();
    drop(server);
    assert!(!dir.exists());
    let err = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
}

#[test]
fn a_bad_config_panics_with_the_log() {
    let result = std::panic::catch_unwind(|| RedisServer::builder().arg("--no-such-directive").arg("1").build());
    let err = result.unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("cannot start"), "{msg}");
    assert!(msg.contains("no-such-directive"), "{msg}");
    assert!(msg.contains("exited"), "{msg}");
}

#[test]
fn cluster_enabled_node_starts() {
    let server = RedisServer::builder().cluster_enabled(true).build();
    let bus = server.cluster_bus_port().unwrap();
    assert_ne!(bus, server.port());
    assert!(server.raw_command(&["CLUSTER", "INFO"]).contains("cluster_state:fail"));
    if crate::server_version() >= (7, 0, 0) {
        assert_eq!(
            server.raw_command(&["CONFIG", "GET", "cluster-port"]),
            format!("cluster-port\n{bus}")
        );
    } else {
        assert_eq!(bus, server.port() + 10000);
    }
    assert!(server.dir().join("nodes.conf").exists());
}

#[test]
fn server_speaks_resp3_after_hello() {
    let server = RedisServer::new();
    assert!(crate::redis_server_version() >= (6, 0, 0));
    let mut conn = server.raw_connection().unwrap();
    let hello = conn.command(&["HELLO", "3"]).unwrap();
    let text = hello.to_string();
    assert!(text.contains("proto\n3"), "{text}");
    assert_eq!(conn.command(&["PING"]).unwrap().to_string(), "PONG");
}

#[test]
fn replicas_link_to_their_primary() {
    let primary = RedisServer::builder().password("pw").build();
    let replica = RedisServer::builder().password("pw").replica_of(&primary).build();
    assert!(replica
        .raw_command(&["INFO", "replication"])
        .contains(&format!("master_port:{}", primary.port())));
    primary.raw_command(&["SET", "k", "v"]);
    primary.raw_command(&["WAIT", "1", "5000"]);
    assert_eq!(replica.raw_command(&["GET", "k"]), "v");
    assert!(primary
        .raw_command(&["INFO", "replication"])
        .contains("connected_slaves:1"));
}
