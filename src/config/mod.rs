//! What a client connects to and how: address, credentials, database, protocol,
//! timeouts, TLS. Built from a URL ([`Config::from_url`]) or field by field.

mod duration;
#[cfg(feature = "tls")]
mod tls_cache;
mod url;
mod validate;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::pool::PoolConfig;
use crate::resp::Limits;
use crate::rt::TcpOptions;

/// Where the server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Addr {
    /// A TCP host (name, IPv4 or IPv6 address without brackets) and port.
    Tcp {
        /// Host name or IP address.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// A Unix domain socket path.
    Unix(PathBuf),
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            Addr::Tcp { host, port } => write!(f, "{host}:{port}"),
            Addr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// The RESP protocol version to speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// RESP2: what every Redis version speaks.
    Resp2,
    /// RESP3 (Redis 6+, via `HELLO 3`). The default; anyredis falls back to RESP2
    /// on servers without `HELLO`.
    #[default]
    Resp3,
}

/// A password or other secret: never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// TLS settings (`rediss://`). Certificates and host names are verified unless
/// [`TlsConfig::danger_accept_invalid_certs`] is set.
///
/// The TLS handshake has its own time limit: the smaller of the connect
/// timeout and 10 s ([`TlsConfig::HANDSHAKE_LIMIT`]). A server that does not
/// answer it (typically a plain-text port given to `rediss://`) fails fast with
/// an [`crate::ErrorKind::Tls`] error saying so, instead of using up the whole
/// connect timeout.
///
/// The rustls client configuration (root store, client certificate) is built
/// on the first connect and reused by every later connect with the same
/// settings, clones included.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct TlsConfig {
    /// Extra trusted root certificates (PEM). When empty, the Mozilla root set
    /// (webpki-roots) is used.
    pub root_certs_pem: Vec<Vec<u8>>,
    /// A client certificate chain and private key (PEM), for servers with
    /// `tls-auth-clients yes`.
    pub client_cert_pem: Option<(Vec<u8>, Secret)>,
    /// Verify against this name instead of the host in the address.
    pub server_name: Option<String>,
    /// Skip certificate and host name verification. Only for tests against
    /// servers you control: anyone on the path can read and change the traffic.
    pub danger_accept_invalid_certs: bool,
    /// The rustls configuration built from the fields above, shared by clones.
    #[cfg(feature = "tls")]
    pub(crate) cache: tls_cache::TlsCache,
}

impl TlsConfig {
    /// The longest a TLS handshake may take (less when the connect timeout is shorter).
    pub const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);
}

impl PartialEq for TlsConfig {
    fn eq(&self, other: &TlsConfig) -> bool {
        // The cache is derived from these fields.
        self.root_certs_pem == other.root_certs_pem
            && self.client_cert_pem == other.client_cert_pem
            && self.server_name == other.server_name
            && self.danger_accept_invalid_certs == other.danger_accept_invalid_certs
    }
}

impl Eq for TlsConfig {}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("root_certs", &self.root_certs_pem.len())
            .field("client_cert", &self.client_cert_pem.is_some())
            .field("server_name", &self.server_name)
            .field("danger_accept_invalid_certs", &self.danger_accept_invalid_certs)
            .finish()
    }
}

/// Everything needed to open and set up one connection.
///
/// [`Config::validate`] lists the values refused (zero timeouts, port 0, ...).
///
/// Defaults: `127.0.0.1:6379`, database 0, RESP3, no credentials, connect
/// timeout 10 s, no response timeout, TCP_NODELAY on, TCP keepalive 60 s,
/// [`Limits::default`] for replies, `CLIENT SETINFO` sent,
/// [`PoolConfig::default`] for dedicated connections, at most 64 MiB of
/// commands waiting to be written and 1,048,576 requests in flight per
/// connection, and a shared connection silent for 30 s while owing replies
/// replaced.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// Where the server listens.
    pub addr: Addr,
    /// TLS, when set.
    pub tls: Option<TlsConfig>,
    /// ACL user name (Redis 6+); `None` authenticates as `default`.
    pub username: Option<String>,
    /// Password; with no user name, the `requirepass` password.
    pub password: Option<Secret>,
    /// Database index selected after connecting.
    pub db: i64,
    /// RESP version.
    pub protocol: Protocol,
    /// Name set with `CLIENT SETNAME` (shown by `CLIENT LIST`).
    pub client_name: Option<String>,
    /// Limit on connecting (TCP/TLS set-up plus handshake). `None`: no limit;
    /// zero is refused.
    pub connect_timeout: Option<Duration>,
    /// Limit on waiting for each reply. `None` waits as long as the connection
    /// lives; zero is refused.
    pub response_timeout: Option<Duration>,
    /// TCP socket options.
    pub tcp: TcpOptions,
    /// Limits on reply sizes accepted from the server.
    pub limits: Limits,
    /// Send `CLIENT SETINFO LIB-NAME/LIB-VER` (errors from older servers are ignored).
    pub set_lib_info: bool,
    /// The pool of dedicated connections (blocking commands, transactions).
    pub pool: PoolConfig,
    /// Backoff between attempts to reconnect the shared connection: the first
    /// wait and the cap (each failure doubles it, with jitter). The first must
    /// not exceed the cap; waits longer than one hour are cut to one hour.
    pub reconnect_backoff: (Duration, Duration),
    /// Most bytes of commands waiting to be written on one connection; past
    /// it, commands fail at once with [`crate::ErrorKind::QueueFull`] (one
    /// request larger than this is still accepted when nothing else waits).
    pub max_queued_bytes: usize,
    /// Most requests (commands or pipelines) queued or awaiting replies on
    /// one connection; past it, commands fail with [`crate::ErrorKind::QueueFull`].
    pub max_in_flight: usize,
    /// The shared connection is closed and replaced when it owes replies and
    /// receives nothing for this long (checked within one to two periods);
    /// its callers get [`crate::ErrorKind::ConnectionLost`]. Commands that
    /// legitimately run longer on the shared connection (a slow script, `KEYS`
    /// on a huge database) need a larger value or a dedicated connection;
    /// blocking commands run on pooled connections, which are not checked.
    /// `None` disables the check.
    pub unresponsive_timeout: Option<Duration>,
    /// The client's hook and counters (not configuration: ignored by `==`).
    pub(crate) instruments: crate::telemetry::Instruments,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: Addr::Tcp {
                host: "127.0.0.1".into(),
                port: 6379,
            },
            tls: None,
            username: None,
            password: None,
            db: 0,
            protocol: Protocol::Resp3,
            client_name: None,
            connect_timeout: Some(Duration::from_secs(10)),
            response_timeout: None,
            tcp: TcpOptions::default(),
            limits: Limits::default(),
            set_lib_info: true,
            pool: PoolConfig::default(),
            reconnect_backoff: (Duration::from_millis(50), Duration::from_secs(2)),
            max_queued_bytes: 64 * 1024 * 1024,
            max_in_flight: 1 << 20,
            unresponsive_timeout: Some(Duration::from_secs(30)),
            instruments: Default::default(),
        }
    }
}

impl Config {
    /// Parses a connection URL. See [`crate::Client::open`] for the forms accepted.
    ///
    /// Options are percent-decoded; an invalid escape, an unknown or repeated
    /// option, port 0, a zero timeout or anything [`Config::validate`] refuses
    /// is an [`crate::ErrorKind::Config`] error that never shows the password.
    pub fn from_url(url: &str) -> crate::Result<Config> {
        url::parse(url)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("db", &self.db)
            .field("protocol", &self.protocol)
            .field("client_name", &self.client_name)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("tcp", &self.tcp)
            .field("limits", &self.limits)
            .field("set_lib_info", &self.set_lib_info)
            .field("pool", &self.pool)
            .field("reconnect_backoff", &self.reconnect_backoff)
            .finish()
    }
}

impl fmt::Display for Config {
    /// The URL form of this configuration, with the password shown as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match (&self.addr, self.tls.is_some()) {
            (Addr::Unix(_), _) => "unix",
            (_, true) => "rediss",
            (_, false) => "redis",
        };
        write!(f, "{scheme}://")?;
        match (&self.username, &self.password) {
            (Some(user), Some(_)) => write!(f, "{user}:***@")?,
            (Some(user), None) => write!(f, "{user}@")?,
            (None, Some(_)) => f.write_str(":***@")?,
            (None, None) => {}
        }
        match &self.addr {
            Addr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}/{}", self.db),
            Addr::Tcp { host, port } => write!(f, "{host}:{port}/{}", self.db),
            Addr::Unix(path) => write!(f, "{}?db={}", path.display(), self.db),
        }
    }
}
