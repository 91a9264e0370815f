//! The fault proxy against a real redis-server.

use std::io;
use std::time::{Duration, Instant};

use crate::{Fault, FaultProxy, RawConnection, RawReply, RedisServer};

const WAIT: Duration = Duration::from_secs(10);

fn connect(proxy: &FaultProxy) -> RawConnection {
    RawConnection::connect_tcp(proxy.addr()).expect("the proxy accepts")
}

/// Whether nothing arrives within `within` (the read times out).
fn silent_for(conn: &mut RawConnection, within: Duration) -> bool {
    conn.set_timeout(Some(within)).unwrap();
    let result = conn.read_reply();
    conn.set_timeout(Some(WAIT)).unwrap();
    matches!(result, Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut))
}

/// The proxy closed the connection: EOF or a reset, not a timeout.
fn assert_closed(result: io::Result<RawReply>) {
    let err = result.expect_err("the connection was closed");
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe
        ),
        "{err:?}"
    );
}

#[test]
fn passes_commands_through_and_counts_connections() {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    assert_eq!(proxy.url(), format!("redis://127.0.0.1:{}", proxy.port()));
    assert_eq!(proxy.target(), server.addr());
    assert_eq!(proxy.fault(), Fault::Pass);
    let mut a = connect(&proxy);
    let mut b = connect(&proxy);
    assert_eq!(a.command(&["SET", "k", "v"]).unwrap(), RawReply::Simple("OK".into()));
    assert_eq!(b.command(&["GET", "k"]).unwrap(), RawReply::Bulk(b"v".to_vec()));
    let big = "x".repeat(300_000);
    assert_eq!(a.command(&["SET", "big", &big]).unwrap().to_string(), "OK");
    assert_eq!(b.command(&["GET", "big"]).unwrap(), RawReply::Bulk(big.into_bytes()));
    assert!(proxy.wait_for_connections(2, WAIT), "{proxy:?}");
    assert_eq!(proxy.accepted(), 2);
    let at = proxy.accepted_at();
    assert!(at.len() == 2 && at[0] <= at[1], "{at:?}");
    // The server sees the proxy's connections, not the test's.
    assert_eq!(server.raw_command(&["CLIENT", "LIST"]).lines().count(), 3);
    drop(a);
    assert!(proxy.wait_for_connections(1, WAIT), "{proxy:?}");
}

#[test]
fn freeze_holds_bytes_until_pass_and_new_connections_still_work() {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let mut old = connect(&proxy);
    assert_eq!(old.command(&["PING"]).unwrap().to_string(), "PONG");
    proxy.set(Fault::Freeze);
    old.send(&["INCR", "n"]).unwrap();
    assert!(
        silent_for(&mut old, Duration::from_millis(300)),
        "a frozen connection answered"
    );
    // Nothing reached the server either.
    assert_eq!(server.raw_command(&["GET", "n"]), "(nil)");
    // Accepted while frozen: served.
    let mut new = connect(&proxy);
    assert_eq!(new.command(&["INCR", "other"]).unwrap(), RawReply::Integer(1));
    // With freeze_new_connections, later ones are frozen too.
    proxy.freeze_new_connections(true);
    let mut later = connect(&proxy);
    later.send(&["PING"]).unwrap();
    assert!(silent_for(&mut later, Duration::from_millis(300)));
    proxy.set(Fault::Pass);
    assert_eq!(old.read_reply().unwrap(), RawReply::Integer(1));
    assert_eq!(later.read_reply().unwrap().to_string(), "PONG");
    assert_eq!(server.raw_command(&["GET", "n"]), "1");
}

#[test]
fn delay_slows_each_direction() {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let mut conn = connect(&proxy);
    assert_eq!(conn.command(&["PING"]).unwrap().to_string(), "PONG");
    proxy.set(Fault::Delay(Duration::from_millis(150)));
    let started = Instant::now();
    assert_eq!(conn.command(&["PING"]).unwrap().to_string(), "PONG");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn reset_closes_open_connections_and_optionally_new_ones() {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let mut a = connect(&proxy);
    assert_eq!(a.command(&["PING"]).unwrap().to_string(), "PONG");
    assert!(proxy.wait_for_connections(1, WAIT));
    proxy.reset_all();
    assert_eq!(proxy.connections(), 0);
    let err = a.command(&["PING"]).expect_err("reset");
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe
        ),
        "{err:?}"
    );
    // The server saw its side closed too.
    let deadline = Instant::now() + WAIT;
    while server.raw_command(&["CLIENT", "LIST"]).lines().count() != 1 {
        assert!(Instant::now() < deadline, "the server-side connection stayed open");
        std::thread::sleep(Duration::from_millis(10));
    }
    // New connections are served after reset_all ...
    let mut b = connect(&proxy);
    assert_eq!(b.command(&["PING"]).unwrap().to_string(), "PONG");
    // ... and refused under Fault::Reset, which also closes the open ones.
    proxy.set(Fault::Reset);
    assert_closed(b.command(&["PING"]));
    // Accepted and reset at once: the reset may already hit the connect.
    match RawConnection::connect_tcp(proxy.addr()) {
        Ok(mut c) => assert_closed(c.command(&["PING"])),
        Err(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e:?}"),
    }
    proxy.set(Fault::Pass);
    assert_eq!(connect(&proxy).command(&["PING"]).unwrap().to_string(), "PONG");
}

#[test]
fn truncate_cuts_one_reply_then_passes() {
    let server = RedisServer::new();
    server.raw_command(&["SET", "k", "0123456789abcdef"]);
    let proxy = FaultProxy::start(server.addr());
    let mut conn = connect(&proxy);
    assert_eq!(conn.command(&["PING"]).unwrap().to_string(), "PONG");
    proxy.set(Fault::Truncate(8)); // "$16\r\n012" of the reply
    let err = conn.command(&["GET", "k"]).expect_err("cut mid-reply");
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    assert_eq!(proxy.fault(), Fault::Pass, "one-shot");
    let mut again = connect(&proxy);
    assert_eq!(again.command(&["GET", "k"]).unwrap().to_string(), "0123456789abcdef");
}

#[test]
fn a_target_that_is_down_closes_the_client_connection() {
    let mut server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    server.kill();
    let mut conn = connect(&proxy);
    assert_closed(conn.command(&["PING"]));
    assert_eq!(proxy.connections(), 0);
    server.restart();
    assert_eq!(connect(&proxy).command(&["PING"]).unwrap().to_string(), "PONG");
}
