//! Free loopback ports.

use std::collections::HashSet;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Mutex, OnceLock};

/// The only address test servers listen on.
pub const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// A TCP port on 127.0.0.1 that was free a moment ago.
///
/// Binds 127.0.0.1:0, reads the port and drops the listener. A port is never
/// handed out twice in one process, so parallel tests in one binary do not
/// race each other for it; another process may still take it, which the
/// server start detects and retries.
pub fn free_port() -> u16 {
    static GIVEN: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    let given = GIVEN.get_or_init(Default::default);
    for _ in 0..100 {
        let listener = TcpListener::bind((LOOPBACK, 0))
            .unwrap_or_else(|e| panic!("cannot bind a TCP listener on 127.0.0.1:0: {e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("cannot read the port of a listener on 127.0.0.1: {e}"))
            .port();
        drop(listener);
        // Redis derives nothing from the port, but a cluster bus defaults to
        // port + 10000: stay low enough for that never to overflow.
        if port > 55535 {
            continue;
        }
        let mut given = given.lock().unwrap_or_else(|p| p.into_inner());
        if given.insert(port) {
            return port;
        }
    }
    panic!("could not find a free TCP port on 127.0.0.1 in 100 tries");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_distinct_and_bindable() {
        let ports: Vec<u16> = (0..50).map(|_| free_port()).collect();
        let set: HashSet<u16> = ports.iter().copied().collect();
        assert_eq!(set.len(), ports.len());
        for port in ports.iter().take(5) {
            TcpListener::bind((LOOPBACK, *port)).unwrap();
        }
    }
}
