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
/// # Durations
/// Every limit that takes an `Option<Duration>` reads `None` as "no limit".
/// Zero is never "no limit": [`ClientBuilder::build`] refuses a zero
/// `connect_timeout`, `response_timeout`, `unresponsive_timeout`, pool
/// `acquire_timeout` or pool `idle_timeout` with an [`crate::ErrorKind::Config`] error (it would fail
/// every call at once). Long durations, up to `Duration::MAX`, are fine: a
/// limit beyond about a century is treated as no limit, and reconnect backoff
/// waits are capped at one hour. TCP keepalive takes 1 s to 32767 s (the
/// kernel's range) or `None`. The pool's `health_check_after` takes any value
/// (zero: `PING` before every lease). See [`Config::validate`] for every check.
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

    /// Uses TLS and presents this client certificate chain and private key,
    /// both PEM, to servers with `tls-auth-clients yes` (feature `tls`). The
    /// key is kept as a [`Secret`]: never shown by `Debug` or in errors.
    /// Invalid PEM is a [`crate::ErrorKind::Tls`] error on connect.
    pub fn tls_client_cert_pem(mut self, cert_chain: impl Into<Vec<u8>>, private_key: impl Into<String>) -> Self {
        self.config.tls.get_or_insert_with(TlsConfig::default).client_cert_pem =
            Some((cert_chain.into(), Secret::new(private_key)));
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

    /// Limit on connecting, handshake included (`None`: no limit; zero is
    /// refused by [`ClientBuilder::build`]). Default 10 s. The TLS handshake
    /// alone is limited to the smaller of this and
    /// [`TlsConfig::HANDSHAKE_LIMIT`] (10 s).
    pub fn connect_timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.connect_timeout = limit;
        self
    }

    /// Limit on waiting for each reply (`None`: no limit, the default; zero is
    /// refused by [`ClientBuilder::build`]).
    pub fn response_timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.response_timeout = limit;
        self
    }

    /// `TCP_NODELAY` (default on).
    pub fn tcp_nodelay(mut self, on: bool) -> Self {
        self.config.tcp.nodelay = on;
        self
    }

    /// TCP keepalive idle time (`None`: off). Default 60 s. From 1 s to 32767 s,
    /// whole seconds (the kernel's unit and range); others are refused by
    /// [`ClientBuilder::build`].
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

    /// Most dedicated connections (blocking commands, transactions) open at once.
    /// Default 32; 0 is taken as 1.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.config.pool.max_connections = n.max(1);
        self
    }

    /// Backoff between reconnect attempts: the first wait and the cap
    /// (doubling per failure, with jitter). Default 50 ms, capped at 2 s.
    /// A cap below `first` is raised to `first`; no wait is longer than one
    /// hour, whatever the values. A zero `first` turns the backoff off.
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
    /// [`crate::ErrorKind::QueueFull`]. 0 is refused by [`ClientBuilder::build`].
    /// See [`Config::max_in_flight`].
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.config.max_in_flight = requests;
        self
    }

    /// How long the shared connection may owe replies while receiving
    /// nothing before it is replaced (default 30 s; `None`: never; zero is
    /// refused by [`ClientBuilder::build`]). See [`Config::unresponsive_timeout`].
    pub fn unresponsive_timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.unresponsive_timeout = limit;
        self
    }

    /// All settings of the pool of dedicated connections. A zero
    /// `acquire_timeout` or `idle_timeout` (use `None` for no limit) and a
    /// `max_connections` of 0 are refused by [`ClientBuilder::build`].
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

    pub(crate) fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// The client. Does no I/O; fails with an [`crate::ErrorKind::Config`]
    /// error when a setting is invalid (see [`Config::validate`]) or when no
    /// runtime can be chosen.
    pub fn build(self) -> Result<Client> {
        self.config.validate()?;
        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => Runtime::from_features()?,
        };
        Ok(Client::from_parts(self.config.instrumented(), runtime))
    }
}

#[cfg(test)]
// Mirrors how users outside the crate (where the types are non_exhaustive) set fields.
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn build_error(builder: ClientBuilder) -> String {
        let e = builder.runtime(test_runtime()).build().map(|_| ()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
        e.to_string()
    }

    /// Any runtime: `build` does no I/O.
    fn test_runtime() -> Runtime {
        crate::rt::test_runtime()
    }

    #[test]
    fn zero_limits_are_refused_at_build() {
        let zero = Some(Duration::ZERO);
        assert!(build_error(ClientBuilder::new().response_timeout(zero)).contains("use `none`"));
        assert!(build_error(ClientBuilder::new().connect_timeout(zero)).contains("connect_timeout"));
        let mut pool = PoolConfig::default();
        pool.acquire_timeout = zero;
        assert!(build_error(ClientBuilder::new().pool(pool)).contains("acquire_timeout"));
        assert!(build_error(ClientBuilder::new().tcp_keepalive(zero)).contains("keepalive"));
        assert!(build_error(ClientBuilder::new().host("h", 0)).contains("port 0"));
    }

    #[test]
    fn huge_limits_build() {
        let max = Some(Duration::MAX);
        let mut pool = PoolConfig::default();
        pool.acquire_timeout = max;
        pool.idle_timeout = max;
        pool.health_check_after = Duration::MAX;
        ClientBuilder::new()
            .connect_timeout(max)
            .response_timeout(max)
            .reconnect_backoff(Duration::MAX, Duration::MAX)
            .pool(pool)
            .runtime(test_runtime())
            .build()
            .unwrap();
    }

    #[test]
    fn client_certificates_are_secret() {
        let b = ClientBuilder::new().tls_client_cert_pem(b"CERT".to_vec(), "KEY-hunter2");
        let tls = b.config().tls.as_ref().unwrap();
        assert_eq!(tls.client_cert_pem.as_ref().unwrap().1.expose(), "KEY-hunter2");
        assert!(!format!("{b:?}").contains("hunter2"));
    }
}
