//! [`ServerBuilder`]: what kind of test server to start.

use std::ffi::{OsStr, OsString};
use std::time::Duration;

use crate::acl::AclUser;
use crate::server::RedisServer;

const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a test server; [`ServerBuilder::build`] starts it.
#[derive(Debug, Clone)]
pub struct ServerBuilder {
    pub(crate) password: Option<String>,
    pub(crate) acl_users: Vec<AclUser>,
    pub(crate) unix_socket: bool,
    pub(crate) tls: bool,
    pub(crate) tls_client_auth: bool,
    pub(crate) appendonly: bool,
    pub(crate) cluster_enabled: bool,
    pub(crate) args: Vec<OsString>,
    pub(crate) startup_timeout: Duration,
    /// `replicaof 127.0.0.1 <port>` (with `masterauth` when the primary has a password).
    pub(crate) replica_of: Option<(u16, Option<String>)>,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            password: None,
            acl_users: Vec::new(),
            unix_socket: false,
            tls: false,
            tls_client_auth: false,
            appendonly: false,
            cluster_enabled: false,
            args: Vec::new(),
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            replica_of: None,
        }
    }
}

impl ServerBuilder {
    /// A builder for a plain server: no password, no TLS, no persistence.
    pub fn new() -> Self {
        Self::default()
    }

    /// `requirepass`: the default user's password.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Adds an enabled ACL user with one password and rules such as
    /// `"~* &* +@all"` (whitespace separated). The default user stays as it
    /// is (no password unless [`password`](Self::password) is set).
    pub fn acl_user(mut self, name: impl Into<String>, password: impl Into<String>, rules: impl Into<String>) -> Self {
        self.acl_users.push(AclUser {
            name: name.into(),
            password: password.into(),
            rules: rules.into(),
        });
        self
    }

    /// Also listens on a unix socket in the temporary directory
    /// (`unixsocketperm 700`); see [`RedisServer::unix_socket_path`].
    pub fn unix_socket(mut self, enabled: bool) -> Self {
        self.unix_socket = enabled;
        self
    }

    /// Listens with TLS only (`--port 0 --tls-port <free port>`), with a CA
    /// and a server certificate for `127.0.0.1` and `localhost` generated at
    /// start; clients need no certificate (`tls-auth-clients no`).
    pub fn tls(mut self, enabled: bool) -> Self {
        self.tls = enabled;
        self
    }

    /// TLS (implies [`tls`](Self::tls)) with a client certificate generated
    /// too and required from clients (`tls-auth-clients yes`).
    pub fn tls_client_auth(mut self, enabled: bool) -> Self {
        self.tls_client_auth = enabled;
        if enabled {
            self.tls = true;
        }
        self
    }

    /// `appendonly yes`: data survives [`RedisServer::kill`] +
    /// [`RedisServer::restart`].
    pub fn appendonly(mut self, enabled: bool) -> Self {
        self.appendonly = enabled;
        self
    }

    /// `cluster-enabled yes`, with a free cluster bus port and
    /// `nodes.conf` in the temporary directory. The node starts with no
    /// slots; forming a cluster is up to the caller.
    pub fn cluster_enabled(mut self, enabled: bool) -> Self {
        self.cluster_enabled = enabled;
        self
    }

    /// One extra command-line argument, e.g.
    /// `.arg("--enable-debug-command").arg("yes")`; these come after the
    /// generated config and so override it. `--enable-debug-command <v>` is
    /// dropped for servers before Redis 7, which have no such option.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    /// Several extra command-line arguments; see [`arg`](Self::arg).
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// A replica of `primary` (`replicaof`, and `masterauth` when the
    /// primary has a password). [`build`](Self::build) returns once the
    /// replica's link to the primary is up (`master_link_status:up`), within
    /// the startup timeout. Sets the primary's `repl-diskless-sync-delay`
    /// to 0, so the first sync starts at once (not after 5 s).
    pub fn replica_of(mut self, primary: &RedisServer) -> Self {
        primary.raw_command(&["CONFIG", "SET", "repl-diskless-sync-delay", "0"]);
        self.replica_of = Some((primary.port(), primary.password().map(str::to_owned)));
        self
    }

    /// How long a start may take before it fails (default 10 s).
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Starts the server and waits until it is ready. Panics, with the
    /// end of its log, when it does not start.
    pub fn build(mut self) -> RedisServer {
        let replica_of = self.replica_of.take();
        if let Some((port, password)) = &replica_of {
            let mut first: Vec<OsString> = vec![
                "--replicaof".into(),
                crate::LOOPBACK.to_string().into(),
                port.to_string().into(),
            ];
            if let Some(password) = password {
                first.push("--masterauth".into());
                first.push(password.into());
            }
            first.append(&mut self.args);
            self.args = first;
        }
        let timeout = self.startup_timeout;
        let server = RedisServer::launch(self);
        if let Some((port, password)) = &replica_of {
            server.wait_for_master_link(timeout);
            wait_until_online(*port, password.as_deref(), server.port(), timeout);
        }
        server
    }
}

/// Waits until the primary on `primary_port` lists the replica on
/// `replica_port` as `state=online` and every listed replica acknowledges a
/// write (`WAIT`). A replica whose link is up is counted by the primary, and
/// gets the replication stream, only once it acknowledged its first sync (up
/// to a second later). The probe write is a `SET` and `DEL` in database 15,
/// so database 0 is left as it was.
fn wait_until_online(primary_port: u16, password: Option<&str>, replica_port: u16, timeout: Duration) {
    use crate::RawReply;
    let deadline = std::time::Instant::now() + timeout;
    let wanted = format!("port={replica_port},state=online");
    let mut last;
    loop {
        let probe = crate::RawConnection::connect_tcp(std::net::SocketAddr::from((crate::LOOPBACK, primary_port)))
            .and_then(|mut conn| {
                if let Some(pw) = password {
                    conn.command(&["AUTH", pw])?;
                }
                let info = conn.command(&["INFO", "replication"])?.to_string();
                let listed = info
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("connected_slaves:"))
                    .and_then(|n| n.parse::<i64>().ok())
                    .unwrap_or(0);
                if !info.contains(&wanted) {
                    return Ok((false, info));
                }
                conn.command(&["SELECT", "15"])?;
                conn.command(&["SET", "anyredis-test-support:probe", "1"])?;
                conn.command(&["DEL", "anyredis-test-support:probe"])?;
                let acked = conn.command(&["WAIT", &listed.to_string(), "200"])?;
                Ok((matches!(acked, RawReply::Integer(n) if n >= listed), info))
            });
        match probe {
            Ok((true, _)) => return,
            Ok((false, info)) => last = info,
            Err(e) => last = e.to_string(),
        }
        if std::time::Instant::now() >= deadline {
            panic!(
                "the primary on port {primary_port} did not get acknowledgements from its replica on port \
                 {replica_port} within {timeout:?}: {last}"
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
