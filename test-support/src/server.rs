//! [`RedisServer`]: one real `redis-server` process in a temporary directory.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::acl::AclUser;
use crate::binary::{redis_server_binary, server_version};
use crate::builder::ServerBuilder;
use crate::config::ServerConfig;
use crate::port::{free_port, LOOPBACK};
use crate::raw::{RawConnection, RawReply};
use crate::tls::{generate_tls_files, TlsFiles};

/// The server's log file, inside [`RedisServer::dir`].
pub const LOG_FILE: &str = "redis.log";
const CONFIG_FILE: &str = "redis.conf";
const STDOUT_FILE: &str = "stdout.log";
const SOCKET_FILE: &str = "redis.sock";
const READY_LINE: &str = "Ready to accept connections";
const PORT_IN_USE: &str = "Address already in use";
const START_ATTEMPTS: usize = 5;
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
const LOG_TAIL_LINES: usize = 30;

fn make_temp_dir() -> TempDir {
    let create = |dir: Option<&Path>| {
        let mut builder = tempfile::Builder::new();
        builder.prefix("anyredis-");
        match dir {
            Some(dir) => builder.tempdir_in(dir),
            None => builder.tempdir(),
        }
    };
    let dir = create(None).unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
    // A unix socket path must fit in sockaddr_un (108 bytes).
    if dir.path().as_os_str().len() + SOCKET_FILE.len() + 1 < 100 {
        return dir;
    }
    create(Some(Path::new("/tmp"))).unwrap_or_else(|e| panic!("cannot create a temporary directory in /tmp: {e}"))
}

/// The extra arguments as the running version takes them: before Redis 7,
/// `DEBUG` needs no `--enable-debug-command` (the option does not exist).
fn version_args(args: Vec<OsString>) -> Vec<OsString> {
    if server_version() >= (7, 0, 0) {
        return args;
    }
    let mut kept = Vec::with_capacity(args.len());
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--enable-debug-command" {
            args.next();
            continue;
        }
        kept.push(arg);
    }
    kept
}

enum StartError {
    PortInUse(String),
    Failed(String),
}

/// A running `redis-server` on 127.0.0.1, in its own temporary directory.
///
/// Dropping it kills the process (SIGKILL) and removes the directory; when
/// the thread is panicking, the end of the server's log is printed first.
pub struct RedisServer {
    child: Option<Child>,
    binary: PathBuf,
    args: Vec<OsString>,
    startup_timeout: Duration,
    /// Plain TCP port; 0 for TLS servers.
    port: u16,
    tls_port: Option<u16>,
    cluster_bus_port: Option<u16>,
    password: Option<String>,
    acl_users: Vec<AclUser>,
    appendonly: bool,
    /// Whether the unix socket was asked for (TLS servers have one for
    /// [`raw_command`](Self::raw_command) either way).
    unix_socket: bool,
    socket_path: Option<PathBuf>,
    tls: Option<TlsFiles>,
    /// Set once a failed start has put the output into its panic message.
    output_reported: bool,
    // Last: removed after the process is gone.
    dir: TempDir,
}

impl std::fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisServer")
            .field("pid", &self.pid())
            .field("port", &self.port)
            .field("tls_port", &self.tls_port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl RedisServer {
    /// Starts a server as `builder` says, trying new ports when one was taken.
    pub(crate) fn launch(b: ServerBuilder) -> RedisServer {
        let binary = redis_server_binary();
        let dir = make_temp_dir();
        let tls = b.tls.then(|| {
            generate_tls_files(dir.path(), b.tls_client_auth)
                .unwrap_or_else(|e| panic!("cannot write test certificates into {}: {e}", dir.path().display()))
        });
        let socket_path = (b.unix_socket || b.tls).then(|| dir.path().join(SOCKET_FILE));
        let mut server = RedisServer {
            child: None,
            binary,
            args: version_args(b.args),
            startup_timeout: b.startup_timeout,
            port: 0,
            tls_port: None,
            cluster_bus_port: None,
            password: b.password,
            acl_users: b.acl_users,
            appendonly: b.appendonly,
            unix_socket: b.unix_socket,
            socket_path,
            tls,
            output_reported: false,
            dir,
        };
        for attempt in 1..=START_ATTEMPTS {
            if server.tls.is_some() {
                server.tls_port = Some(free_port());
            } else {
                server.port = free_port();
            }
            if b.cluster_enabled {
                // Before Redis 7 the bus port is always the port + 10000.
                server.cluster_bus_port = Some(if server_version() >= (7, 0, 0) {
                    free_port()
                } else {
                    server.port + 10000
                });
            }
            match server.start() {
                Ok(()) => return server,
                Err(StartError::PortInUse(_)) if attempt < START_ATTEMPTS => continue,
                Err(e) => server.start_failed(e),
            }
        }
        unreachable!()
    }

    /// A builder; see [`ServerBuilder`].
    pub fn builder() -> ServerBuilder {
        ServerBuilder::new()
    }

    /// Starts a plain server (no password, no TLS) and waits until ready.
    pub fn new() -> RedisServer {
        ServerBuilder::new().build()
    }

    /// Always `"127.0.0.1"`.
    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    /// The TCP port clients connect to: the plain port, or for TLS servers
    /// (which have no plain port) the TLS port.
    pub fn port(&self) -> u16 {
        self.tls_port.unwrap_or(self.port)
    }

    /// The TLS port, for servers built with `.tls(true)`.
    pub fn tls_port(&self) -> Option<u16> {
        self.tls_port
    }

    /// Whether the server speaks TLS (only) on its port.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// `127.0.0.1:`[`port`](Self::port).
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((LOOPBACK, self.port()))
    }

    /// `redis://127.0.0.1:PORT`, or `rediss://127.0.0.1:PORT` for TLS
    /// servers. Holds no credentials.
    pub fn url(&self) -> String {
        let scheme = if self.is_tls() { "rediss" } else { "redis" };
        format!("{scheme}://{}:{}", self.host(), self.port())
    }

    /// The cluster bus port, for servers built with `.cluster_enabled(true)`.
    pub fn cluster_bus_port(&self) -> Option<u16> {
        self.cluster_bus_port
    }

    /// The default user's password, if one was set.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The unix socket, for servers built with `.unix_socket(true)`.
    pub fn unix_socket_path(&self) -> Option<&Path> {
        if self.unix_socket {
            self.socket_path.as_deref()
        } else {
            None
        }
    }

    /// `ca.crt`, for TLS servers.
    pub fn ca_cert_path(&self) -> Option<&Path> {
        self.tls.as_ref().map(|t| t.ca_cert.as_path())
    }

    /// The PEM of the CA that signed the server certificate. Panics when
    /// the server is not a TLS server.
    pub fn ca_cert_pem(&self) -> Vec<u8> {
        read_pem(self.ca_cert_path(), "ca_cert_pem", ".tls(true)")
    }

    /// `server.crt` and `server.key`, for TLS servers.
    pub fn server_cert_paths(&self) -> Option<(&Path, &Path)> {
        self.tls
            .as_ref()
            .map(|t| (t.server_cert.as_path(), t.server_key.as_path()))
    }

    /// `client.crt`, for servers built with `.tls_client_auth(true)`.
    pub fn client_cert_path(&self) -> Option<&Path> {
        self.tls.as_ref()?.client.as_ref().map(|(cert, _)| cert.as_path())
    }

    /// `client.key` (PKCS#8 PEM), for servers built with `.tls_client_auth(true)`.
    pub fn client_key_path(&self) -> Option<&Path> {
        self.tls.as_ref()?.client.as_ref().map(|(_, key)| key.as_path())
    }

    /// The client certificate's PEM. Panics unless built with `.tls_client_auth(true)`.
    pub fn client_cert_pem(&self) -> Vec<u8> {
        read_pem(self.client_cert_path(), "client_cert_pem", ".tls_client_auth(true)")
    }

    /// The client key's PEM. Panics unless built with `.tls_client_auth(true)`.
    pub fn client_key_pem(&self) -> Vec<u8> {
        read_pem(self.client_key_path(), "client_key_pem", ".tls_client_auth(true)")
    }

    /// The temporary directory: config, log, data, certificates, socket.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir().join(LOG_FILE)
    }

    /// The process id, while a process was started and not yet reaped.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the process is still running (reaps it if it exited).
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => match child.try_wait() {
                Ok(None) => true,
                _ => {
                    self.child = None;
                    false
                }
            },
            None => false,
        }
    }

    /// Kills the process with SIGKILL and waits for it. Does nothing when it
    /// is not running.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server gracefully (`SHUTDOWN`, which flushes the AOF),
    /// waits up to 10 s for it to exit, and kills it after that.
    pub fn stop(&mut self) {
        if !self.is_running() {
            return;
        }
        if let Ok(mut conn) = self.authenticated_connection() {
            let _ = conn.send(&["SHUTDOWN"]);
            let _ = conn.read_reply();
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while self.is_running() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        self.kill();
    }

    /// Starts the server again (killing it first if it runs) on the same
    /// ports, in the same directory, with the same config, and waits until
    /// ready. With `appendonly` the data survives.
    pub fn restart(&mut self) {
        self.kill();
        // The old ports are free again at once (redis uses SO_REUSEADDR);
        // wait a little in case something else grabbed one meanwhile.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.start() {
                Ok(()) => return,
                Err(StartError::PortInUse(_)) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(100));
                }
                Err(e) => self.start_failed(e),
            }
        }
    }

    /// Waits until this replica's link to its primary is up
    /// (`master_link_status:up` in `INFO replication`); panics after `timeout`.
    pub fn wait_for_master_link(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let info = self.raw_command(&["INFO", "replication"]);
            if info.lines().any(|line| line.trim() == "master_link_status:up") {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the replica at {} did not link to its primary within {timeout:?}: {info}",
                    self.addr()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// An unauthenticated connection: on the plain port, or for TLS servers
    /// on their unix socket.
    pub fn raw_connection(&self) -> io::Result<RawConnection> {
        if self.port != 0 {
            return RawConnection::connect_tcp(SocketAddr::from((LOOPBACK, self.port)));
        }
        match &self.socket_path {
            #[cfg(unix)]
            Some(path) => RawConnection::connect_unix(path),
            _ => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "server has no plain port and no unix socket",
            )),
        }
    }

    /// Sends one command on a new [`raw_connection`](Self::raw_connection)
    /// (after `AUTH` with the password, if set) and returns its reply as text
    /// (see [`RawReply`]'s `Display`). Panics on I/O errors or a failed AUTH.
    pub fn raw_command<A: AsRef<[u8]>>(&self, args: &[A]) -> String {
        self.raw_reply(args).to_string()
    }

    /// Like [`raw_command`](Self::raw_command), returning the reply itself.
    pub fn raw_reply<A: AsRef<[u8]>>(&self, args: &[A]) -> RawReply {
        let mut conn = self.authenticated_connection().unwrap_or_else(|e| {
            panic!(
                "raw_command: cannot connect to the redis-server at {}: {e}",
                self.addr()
            )
        });
        conn.command(args)
            .unwrap_or_else(|e| panic!("raw_command: no reply from the redis-server at {}: {e}", self.addr()))
    }

    fn authenticated_connection(&self) -> io::Result<RawConnection> {
        let mut conn = self.raw_connection()?;
        if let Some(pw) = &self.password {
            let reply = conn.command(&["AUTH", pw.as_str()])?;
            if reply.is_error() {
                panic!("raw_command: AUTH with the server's password failed: {reply}");
            }
        }
        Ok(conn)
    }

    /// Writes the config, spawns the process and waits until it is ready or exits.
    fn start(&mut self) -> Result<(), StartError> {
        let dir = self.dir.path().to_path_buf();
        let config = ServerConfig {
            dir: &dir,
            port: self.port,
            tls_port: self.tls_port,
            tls: self.tls.as_ref(),
            unix_socket: self.socket_path.as_deref(),
            password: self.password.as_deref(),
            acl_users: &self.acl_users,
            appendonly: self.appendonly,
            cluster_bus_port: self.cluster_bus_port,
        };
        let config_path = dir.join(CONFIG_FILE);
        fs::write(&config_path, config.render())
            .map_err(|e| StartError::Failed(format!("cannot write {}: {e}", config_path.display())))?;

        let log_path = dir.join(LOG_FILE);
        let stdout_path = dir.join(STDOUT_FILE);
        let log_start = file_len(&log_path);
        let stdout_start = file_len(&stdout_path);
        let stdout = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&stdout_path)
            .map_err(|e| StartError::Failed(format!("cannot open {}: {e}", stdout_path.display())))?;
        let stderr = stdout
            .try_clone()
            .map_err(|e| StartError::Failed(format!("cannot open {}: {e}", stdout_path.display())))?;
        let child = Command::new(&self.binary)
            .arg(&config_path)
            .args(&self.args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| StartError::Failed(format!("cannot run {}: {e}", self.binary.display())))?;
        self.child = Some(child);

        let output = || {
            let mut text = read_from(&log_path, log_start);
            text.push_str(&read_from(&stdout_path, stdout_start));
            text
        };
        let deadline = Instant::now() + self.startup_timeout;
        loop {
            if read_from(&log_path, log_start).contains(READY_LINE) {
                return Ok(());
            }
            let exited = match self.child.as_mut().map(Child::try_wait) {
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Ok(None)) => None,
                Some(Err(e)) => Some(format!("unknown status ({e})")),
                None => Some("unknown status".to_string()),
            };
            if let Some(status) = exited {
                self.child = None;
                let text = output();
                let reason = format!("redis-server exited ({status}) before it was ready\n{}", tail(&text));
                return Err(if text.contains(PORT_IN_USE) {
                    StartError::PortInUse(reason)
                } else {
                    StartError::Failed(reason)
                });
            }
            if Instant::now() >= deadline {
                self.kill();
                return Err(StartError::Failed(format!(
                    "redis-server was not ready within {:?} (no \"{READY_LINE}\" in its log)\n{}",
                    self.startup_timeout,
                    tail(&output())
                )));
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn start_failed(&mut self, error: StartError) -> ! {
        self.output_reported = true;
        let (StartError::PortInUse(reason) | StartError::Failed(reason)) = error;
        panic!(
            "cannot start {} {} {}: {reason}",
            self.binary.display(),
            self.dir().join(CONFIG_FILE).display(),
            self.args
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

impl Default for RedisServer {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if thread::panicking() && !self.output_reported {
            let mut text = read_from(&self.log_path(), 0);
            text.push_str(&read_from(&self.dir().join(STDOUT_FILE), 0));
            let _ = writeln!(
                io::stderr(),
                "--- redis-server on port {} ({}) ---\n{}",
                self.port(),
                self.dir().display(),
                tail(&text)
            );
        }
        self.kill();
        // `dir` (TempDir) removes itself after this, ignoring errors.
    }
}

fn read_pem(path: Option<&Path>, what: &str, needs: &str) -> Vec<u8> {
    let path = path.unwrap_or_else(|| panic!("{what}: the server was not built with {needs}"));
    fs::read(path).unwrap_or_else(|e| panic!("{what}: cannot read {}: {e}", path.display()))
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The file's contents from byte `start` on, lossily; empty if unreadable.
fn read_from(path: &Path, start: u64) -> String {
    let bytes = fs::read(path).unwrap_or_default();
    let start = (start as usize).min(bytes.len());
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(LOG_TAIL_LINES);
    format!("--- last lines of its output ---\n{}", lines[from..].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_is_recognised_for_retry() {
        let mut server = RedisServer::new();
        server.kill();
        let _squatter = std::net::TcpListener::bind((LOOPBACK, server.port())).unwrap();
        match server.start() {
            Err(StartError::PortInUse(reason)) => assert!(reason.contains(PORT_IN_USE), "{reason}"),
            Err(StartError::Failed(reason)) => panic!("not seen as a taken port: {reason}"),
            Ok(()) => panic!("started on a taken port"),
        }
        assert!(!server.is_running());
    }
}
