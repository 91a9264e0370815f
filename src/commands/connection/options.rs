//! Options of the connection commands: client filters and modes.

use std::time::Duration;

use crate::value::{Args, ToArgs, ToSingleArg};

/// A kind of client connection, as `CLIENT LIST TYPE` and `CLIENT KILL TYPE` name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientType {
    /// Ordinary clients.
    Normal,
    /// The connection a replica keeps to its master (seen on the replica).
    Master,
    /// Replicas connected to this server.
    Replica,
    /// Clients subscribed to pub/sub channels.
    PubSub,
}

impl ClientType {
    fn token(self) -> &'static str {
        match self {
            ClientType::Normal => "NORMAL",
            ClientType::Master => "MASTER",
            ClientType::Replica => "REPLICA",
            ClientType::PubSub => "PUBSUB",
        }
    }
}

impl ToArgs for ClientType {
    fn write_args(&self, out: &mut Args) {
        out.push(self.token().as_bytes());
    }
}

/// Which clients `CLIENT LIST` shows (the server takes one filter at a time).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientListFilter {
    /// Clients of one type (`TYPE`).
    Type(ClientType),
    /// Clients with these ids (`ID`); unknown ids are left out of the answer.
    Ids(Vec<u64>),
}

impl ToArgs for ClientListFilter {
    fn write_args(&self, out: &mut Args) {
        match self {
            ClientListFilter::Type(t) => {
                out.push(b"TYPE");
                t.write_args(out);
            }
            ClientListFilter::Ids(ids) => {
                out.push(b"ID");
                ids.write_args(out);
            }
        }
    }
}

/// The filters of `CLIENT KILL`: a client is killed when it matches all of them.
///
/// ```
/// use anyredis::commands::ClientKillFilter;
/// use anyredis::value::{Args, ToArgs};
///
/// let filter = ClientKillFilter::new().user("worker").skip_me(true);
///
/// let mut args = Args::new();
/// filter.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"USER"[..], b"worker", b"SKIPME", b"yes"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientKillFilter {
    args: Args,
}

impl ClientKillFilter {
    /// No filter yet (the server rejects a `CLIENT KILL` without any).
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, token: &'static str, value: &dyn ToArgs) -> Self {
        self.args.push(token.as_bytes());
        value.write_args(&mut self.args);
        self
    }

    /// The client with this id (`ID`).
    pub fn id(self, id: u64) -> Self {
        self.with("ID", &id)
    }

    /// Clients of this type (`TYPE`).
    pub fn client_type(self, client_type: ClientType) -> Self {
        self.with("TYPE", &client_type)
    }

    /// Clients authenticated as this ACL user (`USER`).
    pub fn user(self, username: impl ToSingleArg) -> Self {
        self.with("USER", &username)
    }

    /// The client connected from `ip:port` (`ADDR`), as `CLIENT LIST` shows it in `addr`.
    pub fn addr(self, addr: impl ToSingleArg) -> Self {
        self.with("ADDR", &addr)
    }

    /// Clients connected to the server's local `ip:port` (`LADDR`, the `laddr` field).
    pub fn laddr(self, laddr: impl ToSingleArg) -> Self {
        self.with("LADDR", &laddr)
    }

    /// Whether the calling connection is spared (`SKIPME yes`, the server's
    /// default) or may be killed too (`SKIPME no`).
    pub fn skip_me(self, skip: bool) -> Self {
        self.with("SKIPME", &if skip { "yes" } else { "no" })
    }

    /// Clients connected for longer than `age` (`MAXAGE`, whole seconds, rounded
    /// up). Redis 7.4+.
    pub fn max_age(self, age: Duration) -> Self {
        self.with("MAXAGE", &crate::commands::time::secs_ceil(age))
    }
}

impl ToArgs for ClientKillFilter {
    fn write_args(&self, out: &mut Args) {
        self.args.write_args(out);
    }
}

/// Which commands `CLIENT PAUSE` holds back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PauseMode {
    /// Every command of every normal and pub/sub client (`ALL`, the server's default).
    #[default]
    All,
    /// Only commands that may write (`WRITE`); reads go on.
    Write,
}

impl ToArgs for PauseMode {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            PauseMode::All => b"ALL",
            PauseMode::Write => b"WRITE",
        });
    }
}

/// How `CLIENT UNBLOCK` ends a blocked command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnblockMode {
    /// As if its timeout had passed (`TIMEOUT`, the server's default): a nil-like reply.
    #[default]
    Timeout,
    /// With an `UNBLOCKED` error reply (`ERROR`).
    Error,
}

impl ToArgs for UnblockMode {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            UnblockMode::Timeout => b"TIMEOUT",
            UnblockMode::Error => b"ERROR",
        });
    }
}
