//! [`FaultProxy`]: a TCP proxy on 127.0.0.1 in front of a server, with faults
//! switched on and off by the test while connections are open.
//!
//! It runs on plain std threads (one accepting, two per connection), so it
//! works the same under every async runtime and outside of one.
//!
//! ```no_run
//! use anyredis_test_support::{Fault, FaultProxy, RedisServer};
//!
//! let server = RedisServer::new();
//! let proxy = FaultProxy::start(server.addr());
//! // Point the client under test at proxy.url() instead of server.url().
//! proxy.set(Fault::Freeze); // open connections go silent, new ones still work
//! proxy.set(Fault::Pass);   // everything held back is forwarded now
//! proxy.reset_all();        // every open connection is closed abruptly (RST)
//! assert_eq!(proxy.connections(), 0);
//! ```

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::port::LOOPBACK;

/// How long a blocked read waits before the pump looks at the fault again.
const POLL: Duration = Duration::from_millis(20);
/// How long the proxy waits for the target to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const CHUNK: usize = 64 * 1024;

/// What the proxy does to the bytes it forwards. See [`FaultProxy::set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything as it comes (the initial state).
    Pass,
    /// Forward each chunk, in both directions, after this delay.
    Delay(Duration),
    /// Keep the sockets open but forward nothing, in either direction, until
    /// another fault is set; what was read meanwhile is held and forwarded
    /// then. Applies to the connections open when it is set; connections
    /// accepted later pass unless [`FaultProxy::freeze_new_connections`] is on.
    Freeze,
    /// Forward only the first N bytes of the next server-to-client chunk (on
    /// whichever connection sees one first), then close that connection
    /// abruptly. One-shot: the fault goes back to [`Fault::Pass`] when it fires.
    Truncate(usize),
    /// Close every open connection abruptly, and every new one as soon as it
    /// is accepted, until another fault is set.
    Reset,
}

struct Control {
    fault: Fault,
    /// Connections with an id below this were open when `Freeze` was set.
    frozen_below: u64,
    freeze_new: bool,
}

struct Shared {
    target: SocketAddr,
    control: Mutex<Control>,
    changed: Condvar,
    conns: Mutex<Vec<Arc<Conn>>>,
    next_id: AtomicU64,
    accepted: AtomicU64,
    accepted_at: Mutex<Vec<Instant>>,
    stop: AtomicBool,
}

struct Conn {
    id: u64,
    client: TcpStream,
    server: TcpStream,
    closed: AtomicBool,
}

impl Conn {
    /// Closes both sockets abruptly: with `SO_LINGER` 0 the last close sends
    /// an RST; the shutdown wakes the pumps, which then drop their handles.
    fn reset(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        for socket in [&self.client, &self.server] {
            let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
            let _ = socket.shutdown(Shutdown::Both);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// The fault as it applies to connection `id`.
    fn fault_for(&self, control: &Control, id: u64) -> Fault {
        match control.fault {
            Fault::Freeze if id >= control.frozen_below && !control.freeze_new => Fault::Pass,
            fault => fault,
        }
    }

    fn reset_open(&self) {
        let conns = std::mem::take(&mut *lock(&self.conns));
        for conn in conns {
            conn.reset();
        }
    }

    fn forget(&self, conn: &Arc<Conn>) {
        lock(&self.conns).retain(|c| !Arc::ptr_eq(c, conn));
    }
}

/// A TCP proxy on a free 127.0.0.1 port in front of `target`, with faults
/// switchable at run time ([`Fault`]). Dropping it closes every connection
/// and stops its threads.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("addr", &self.addr)
            .field("target", &self.shared.target)
            .field("fault", &self.fault())
            .field("connections", &self.connections())
            .finish()
    }
}

impl FaultProxy {
    /// Starts a proxy listening on a free port of 127.0.0.1 that forwards to
    /// `target` (a [`RedisServer::addr`](crate::RedisServer::addr), say).
    /// Panics when it cannot listen.
    pub fn start(target: SocketAddr) -> FaultProxy {
        let listener =
            TcpListener::bind((LOOPBACK, 0)).unwrap_or_else(|e| panic!("FaultProxy: cannot listen on 127.0.0.1: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("FaultProxy: no local address: {e}"));
        let shared = Arc::new(Shared {
            target,
            control: Mutex::new(Control {
                fault: Fault::Pass,
                frozen_below: 0,
                freeze_new: false,
            }),
            changed: Condvar::new(),
            conns: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
            accepted_at: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name(format!("fault-proxy-{}", addr.port()))
                .spawn(move || accept_loop(listener, shared))
                .unwrap_or_else(|e| panic!("FaultProxy: cannot start a thread: {e}"))
        };
        FaultProxy {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `redis://127.0.0.1:PORT` of the proxy.
    pub fn url(&self) -> String {
        format!("redis://{}", self.addr)
    }

    /// The address the proxy forwards to.
    pub fn target(&self) -> SocketAddr {
        self.shared.target
    }

    /// Switches the fault; it takes effect on the next chunk of every open
    /// connection (a chunk read before is held, not forwarded, under
    /// [`Fault::Freeze`]). [`Fault::Reset`] closes the open connections at once.
    pub fn set(&self, fault: Fault) {
        {
            let mut control = lock(&self.shared.control);
            if fault == Fault::Freeze && control.fault != Fault::Freeze {
                control.frozen_below = self.shared.next_id.load(Ordering::SeqCst);
            }
            control.fault = fault;
        }
        self.shared.changed.notify_all();
        if fault == Fault::Reset {
            self.shared.reset_open();
        }
    }

    /// The fault in force.
    pub fn fault(&self) -> Fault {
        lock(&self.shared.control).fault
    }

    /// Whether connections accepted while [`Fault::Freeze`] is in force are
    /// frozen too (off by default: they pass).
    pub fn freeze_new_connections(&self, freeze: bool) {
        lock(&self.shared.control).freeze_new = freeze;
        self.shared.changed.notify_all();
    }

    /// Closes every open connection abruptly (RST to both ends); the fault in
    /// force stays, so new connections are served as before.
    pub fn reset_all(&self) {
        self.shared.reset_open();
    }

    /// How many proxied connections are open now.
    pub fn connections(&self) -> usize {
        lock(&self.shared.conns)
            .iter()
            .filter(|c| !c.closed.load(Ordering::SeqCst))
            .count()
    }

    /// How many connections the proxy has accepted since it started.
    pub fn accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// When each connection was accepted (including those closed at once
    /// because the target was down or the fault was [`Fault::Reset`]): the
    /// times of a client's connection attempts.
    pub fn accepted_at(&self) -> Vec<Instant> {
        lock(&self.shared.accepted_at).clone()
    }

    /// Waits until [`connections`](Self::connections) is `n`, for at most
    /// `timeout`; returns whether it got there.
    pub fn wait_for_connections(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.connections() == n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.changed.notify_all();
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        self.shared.reset_open();
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for client in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        lock(&shared.accepted_at).push(Instant::now());
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let _ = client.set_nodelay(true);
        if lock(&shared.control).fault == Fault::Reset {
            let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
            continue;
        }
        // The target may be down: then the client's connection is closed at once.
        let Ok(server) = TcpStream::connect_timeout(&shared.target, CONNECT_TIMEOUT) else {
            let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
            continue;
        };
        let _ = server.set_nodelay(true);
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        let handles = (|| {
            Ok::<_, io::Error>((
                client.try_clone()?,
                server.try_clone()?,
                client.try_clone()?,
                server.try_clone()?,
            ))
        })();
        let Ok((c_read, s_write, c_write, s_read)) = handles else {
            continue;
        };
        let conn = Arc::new(Conn {
            id,
            client,
            server,
            closed: AtomicBool::new(false),
        });
        lock(&shared.conns).push(conn.clone());
        for (from, to, to_client) in [(c_read, s_write, false), (s_read, c_write, true)] {
            let (pump_shared, pump_conn) = (shared.clone(), conn.clone());
            let spawned = thread::Builder::new()
                .name(format!("fault-proxy-conn-{id}"))
                .spawn(move || pump(from, to, to_client, &pump_shared, &pump_conn));
            if spawned.is_err() {
                conn.reset();
            }
        }
    }
}

/// Copies one direction of one connection, applying the fault to each chunk.
fn pump(mut from: TcpStream, mut to: TcpStream, to_client: bool, shared: &Shared, conn: &Arc<Conn>) {
    let _ = from.set_read_timeout(Some(POLL));
    let mut buf = vec![0u8; CHUNK];
    'outer: loop {
        if conn.closed.load(Ordering::SeqCst) || shared.stop.load(Ordering::SeqCst) {
            break;
        }
        if !wait_while_frozen(shared, conn) {
            break;
        }
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        // The fault may have changed while the read was waiting: look again.
        if !wait_while_frozen(shared, conn) {
            break;
        }
        let fault = {
            let mut control = lock(&shared.control);
            let fault = shared.fault_for(&control, conn.id);
            if let Fault::Truncate(_) = fault {
                if to_client {
                    control.fault = Fault::Pass;
                }
            }
            fault
        };
        match fault {
            Fault::Delay(delay) => thread::sleep(delay),
            Fault::Truncate(keep) if to_client => {
                let _ = to.write_all(&buf[..keep.min(n)]);
                let _ = to.flush();
                break 'outer;
            }
            Fault::Reset => break,
            _ => {}
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    conn.reset();
    shared.forget(conn);
}

/// Blocks while the connection is frozen; false when it was closed or the
/// proxy stopped meanwhile.
fn wait_while_frozen(shared: &Shared, conn: &Conn) -> bool {
    let mut control = lock(&shared.control);
    loop {
        if conn.closed.load(Ordering::SeqCst) || shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        if shared.fault_for(&control, conn.id) != Fault::Freeze {
            return true;
        }
        control = shared
            .changed
            .wait_timeout(control, POLL)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}
