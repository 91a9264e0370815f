//! Typed replies of the connection commands.

use std::collections::HashMap;
use std::ops::Deref;
use std::time::Duration;

use crate::commands::reply::{Fields, TextFields};
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// One client connection as `CLIENT INFO` and `CLIENT LIST` describe it.
///
/// The common fields are typed; every field the server sent (including ones
/// newer than this type) is in [`fields`](Self::fields). A field the server
/// did not send (older versions) is left at its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientInfo {
    /// Unique client id (`id`).
    pub id: u64,
    /// The client's address, `ip:port` (`addr`).
    pub addr: String,
    /// The server address the client connected to, `ip:port` (`laddr`, Redis 6.2+).
    pub laddr: String,
    /// The name set with `CLIENT SETNAME`, `None` when unnamed (`name`).
    pub name: Option<String>,
    /// How long the connection has been open (`age`, whole seconds).
    pub age: Duration,
    /// How long the connection has been idle (`idle`, whole seconds).
    pub idle: Duration,
    /// The flag letters (`flags`), e.g. `N` for none, `x` in MULTI, `e` no-evict;
    /// see [`has_flag`](Self::has_flag).
    pub flags: String,
    /// The selected database (`db`).
    pub db: i64,
    /// Number of channel subscriptions (`sub`).
    pub sub: u64,
    /// Number of pattern subscriptions (`psub`).
    pub psub: u64,
    /// Number of commands queued in a `MULTI`, `None` outside a transaction (`multi`).
    pub multi: Option<u64>,
    /// The last command run (`cmd`), e.g. `client|info`.
    pub cmd: String,
    /// The authenticated ACL user (`user`, Redis 6+).
    pub user: String,
    /// The protocol version, 2 or 3 (`resp`, Redis 7+).
    pub resp: Option<u8>,
    /// Every `key=value` field of the line, as sent.
    pub fields: HashMap<String, String>,
}

impl ClientInfo {
    /// Parses one `key=value key=value ...` line.
    fn parse(line: &str) -> Result<ClientInfo, ConversionError> {
        let f = TextFields::parse("ClientInfo", line.split_ascii_whitespace(), '=');
        let seconds = |key| f.num_or_default(key).map(Duration::from_secs);
        let multi: i64 = f.num("multi")?.unwrap_or(-1);
        Ok(ClientInfo {
            id: f.num_or_default("id")?,
            addr: f.text("addr"),
            laddr: f.text("laddr"),
            name: f.get("name").filter(|n| !n.is_empty()).map(str::to_owned),
            age: seconds("age")?,
            idle: seconds("idle")?,
            flags: f.text("flags"),
            db: f.num_or_default("db")?,
            sub: f.num_or_default("sub")?,
            psub: f.num_or_default("psub")?,
            multi: u64::try_from(multi).ok(),
            cmd: f.text("cmd"),
            user: f.text("user"),
            resp: f.num("resp")?,
            fields: f.into_map(),
        })
    }

    /// Whether the `flags` field holds the flag letter `flag` (e.g. `'x'`: in MULTI).
    pub fn has_flag(&self, flag: char) -> bool {
        self.flags.contains(flag)
    }

    /// Any field of the line by its name (`"qbuf"`, `"tot-mem"`, ...).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
}

impl FromValue for ClientInfo {
    /// From the one-line text reply of `CLIENT INFO`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        ClientInfo::parse(String::from_value(value)?.trim_end())
    }
}

/// The clients listed by `CLIENT LIST`, one [`ClientInfo`] per line.
///
/// Derefs to `Vec<ClientInfo>`; [`into_vec`](Self::into_vec) takes the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientList(Vec<ClientInfo>);

impl ClientList {
    /// The clients, in the order the server listed them.
    pub fn into_vec(self) -> Vec<ClientInfo> {
        self.0
    }
}

impl Deref for ClientList {
    type Target = Vec<ClientInfo>;

    fn deref(&self) -> &Vec<ClientInfo> {
        &self.0
    }
}

impl IntoIterator for ClientList {
    type Item = ClientInfo;
    type IntoIter = std::vec::IntoIter<ClientInfo>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromValue for ClientList {
    /// From the text reply of `CLIENT LIST`, one client per line.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let text = String::from_value(value)?;
        let lines = text.lines().filter(|l| !l.trim().is_empty());
        let clients = lines
            .enumerate()
            .map(|(i, line)| ClientInfo::parse(line).map_err(|e| e.with_context(format_args!("line {i}"))))
            .collect::<Result<_, _>>()?;
        Ok(ClientList(clients))
    }
}

/// Where a connection's client-side caching invalidations go
/// (`CLIENT GETREDIR`, the `redirect` field of `CLIENT TRACKINGINFO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrackingRedirect {
    /// Tracking is off (`-1`).
    Off,
    /// Tracking is on and invalidations come on this connection (`0`).
    NotRedirected,
    /// Tracking is on and invalidations go to the client with this id.
    To(u64),
}

impl FromValue for TrackingRedirect {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        Ok(match i64::from_value(value)? {
            n if n < 0 => TrackingRedirect::Off,
            0 => TrackingRedirect::NotRedirected,
            n => TrackingRedirect::To(n.unsigned_abs()),
        })
    }
}

/// A connection's client-side caching state (`CLIENT TRACKINGINFO`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrackingInfo {
    /// The tracking flags, e.g. `["off"]` or `["on", "bcast", "noloop"]`.
    pub flags: Vec<String>,
    /// Where invalidations go.
    pub redirect: TrackingRedirect,
    /// The key prefixes tracked in broadcasting mode.
    pub prefixes: Vec<String>,
}

impl TrackingInfo {
    /// Whether `flags` holds `flag` (e.g. `"bcast"`, `"optin"`, `"caching-yes"`).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

impl FromValue for TrackingInfo {
    /// From the map reply (RESP3 map or RESP2 flat array).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut map = Fields::new(value, "TrackingInfo")?;
        Ok(TrackingInfo {
            flags: map.take("flags")?,
            redirect: map.take("redirect")?,
            prefixes: map.take("prefixes")?,
        })
    }
}
