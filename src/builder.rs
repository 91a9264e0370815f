//! [`ClientBuilder`]: every setting a URL can carry, and more, set in code.

use std::path::PathBuf;
use std::time::Duration;

use crate::client::Client;
use crate::config::{Addr, Config, Protocol, Secret, TlsConfig};
use crate::pool::PoolConfig;
use crate::resp::Limits;
use crate::rt::Runtime;
use crate::Result;

/// Builds a [`Client`]. Start from [`Client::builder`] or [`ClientBuilder::from_url`].
///
/// ```
/// use std::time::Duration;
/// # #[cfg(feature = "smol")] {
/// let client = anyredis::Client::builder()
///     .host("127.0.0.1", 6379)
///     .db(2)
///     .client_name("worker-1")
///     .response_timeout(Some(Duration::from_secs(2)))
///     .runtime(anyredis::Runtime::smol())
///     .build()
///     .unwrap();
/// assert_eq!(client.config().db, 2);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    config: Config,
    runtime: Option<Runtime>,
}

impl ClientBuilder {
    /// Default settings: `127.0.0.1:6379`, database 0, RESP3.
    pub fn new() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Settings parsed from a URL (see [`Client::open`] for the forms).
    pub fn from_url(url: &str) -> Result<ClientBuilder> {
        Ok(ClientBuilder {
            config: Config::from_url(url)?,
            runtime: None,
        })
    }

    /// Starts from a complete [`Config`].
    pub fn from_config(config: Config) -> ClientBuilder {
        ClientBuilder { config, runtime: None }
    }

    /// Connects over TCP to `host:port`.
    pub fn host(mut self, host: impl Into<String>, port: u16) -> Self {
        self.config.addr = Addr::Tcp {
            host: host.into(),
            port,
        };
        self
    }

    /// Connects to a Unix domain socket.
    pub fn unix_socket(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.addr = Addr::Unix(path.into());
        self
    }

    /// Uses TLS with these settings (feature `tls`).
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.config.tls = Some(tls);
        self
    }

    /// Uses TLS trusting only the given root certificate(s), in PEM (feature `tls`).
    pub fn tls_root_cert_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.config
            .tls
            .get_or_insert_with(TlsConfig::default)
            .root_certs_pem
            .push(pem.into());
        self
    }

    /// ACL user name (Redis 6+).
    pub fn username(mut self, user: impl Into<String>) -> Self {
        self.config.username = Some(user.into());
        self
    }

    /// Password (with a user name: that ACL user's; alone: `requirepass`).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.config.password = Some(Secret::new(password));
        self
    }

    /// Database selected after connecting.
    pub fn db(mut self, db: i64) -> Self {
        self.config.db = db;
        self
    }

    /// RESP version (default RESP3, falling back to RESP2 on old servers).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.config.protocol = protocol;
        self
    }

    /// Connection name, set with `CLIENT SETNAME`.
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.config.client_name = Some(name.into());
        self
    }

    /// Limit on connecting, handshake included (`None`: no limit). Default 10 s.
    pub fn connect_timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.connect_timeout = limit;
        self
    }

    /// Limit on waiting for each reply (`None`: no limit, the default).
    pub fn response_timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.response_timeout = limit;
        self
    }

    /// `TCP_NODELAY` (default on).
    pub fn tcp_nodelay(mut self, on: bool) -> Self {
        self.config.tcp.nodelay = on;
        self
    }

    /// TCP keepalive idle time (`None`: off). Default 60 s.
    pub fn tcp_keepalive(mut self, idle: Option<Duration>) -> Self {
        self.config.tcp.keepalive = idle;
        self
    }

    /// Limits on replies accepted from the server.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Whether to send `CLIENT SETINFO LIB-NAME/LIB-VER` (default true).
    pub fn set_lib_info(mut self, on: bool) -> Self {
        self.config.set_lib_info = on;
        self
    }

    /// Most dedicated connections (blocking commands, transactions) open at once. Default 32.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.config.pool.max_connections = n.max(1);
        self
    }

    /// Backoff between reconnect attempts: the first wait and the cap
    /// (doubling per failure, with jitter). Default 50 ms, capped at 2 s.
    pub fn reconnect_backoff(mut self, first: Duration, cap: Duration) -> Self {
        self.config.reconnect_backoff = (first, cap.max(first));
        self
    }

    /// Most bytes of commands waiting to be written per connection (default
    /// 64 MiB); past it, commands fail at once with
    /// [`crate::ErrorKind::QueueFull`]. See [`Config::max_queued_bytes`].
    pub fn max_queued_bytes(mut self, bytes: usize) -> Self {
        self.config.max_queued_bytes = bytes;
        self
    }

    /// Most requests (commands or pipelines) queued or awaiting replies per
    /// connection (default 1,048,576); past it, commands fail at once with
    /// [`crate::ErrorKind::QueueFull`]. See [`Config::max_in_flight`].
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.config.max_in_flight = requests;
        self
    }

    /// How long the shared connection may owe replies while receiving
    /// nothing before it is replaced (default 30 s; `None`: never). See
    /// [`Config::unresponsive_timeout`].
    pub fn unresponsive_timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.unresponsive_timeout = limit;
        self
    }

    /// All settings of the pool of dedicated connections.
    pub fn pool(mut self, pool: PoolConfig) -> Self {
        self.config.pool = pool;
        self
    }

    /// The runtime to run on. Needed when several runtime features are enabled.
    pub fn runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// The configuration built so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The client. Does no I/O; fails only when no runtime can be chosen.
    pub fn build(self) -> Result<Client> {
        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => Runtime::from_features()?,
        };
        Ok(Client::from_parts(self.config, runtime))
    }
}
