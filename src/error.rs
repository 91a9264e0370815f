//! The one public error type, its kinds, and the server's own errors.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::resp::ProtocolError;
use crate::value::ConversionError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, broadly. Match on this; read the message for detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration (a URL, a builder option) is invalid.
    Config,
    /// An I/O error while connecting, reading or writing.
    Io,
    /// The connection was closed or lost. [`Error::request_state`] tells whether
    /// the command had been written to the server before that happened.
    ConnectionLost,
    /// The server sent bytes that are not valid RESP, or passed a decoder limit.
    Protocol,
    /// The server answered with an error reply (`WRONGTYPE`, `NOAUTH`, ...).
    Server,
    /// The reply could not be converted to the requested Rust type, or a
    /// cached value ([`crate::cache`]) could not be encoded or decoded (the
    /// message names its key).
    Conversion,
    /// A connect or response timeout passed.
    Timeout,
    /// TLS could not be set up (bad certificate, handshake failure, ...).
    Tls,
    /// The async runtime could not do what was asked (no runtime running, spawn failed).
    Runtime,
    /// The client was closed by the user.
    Closed,
    /// An optimistic transaction gave up: a watched key changed on every attempt.
    WatchConflict,
    /// The command cannot run where it was sent: a command that changes or
    /// reports on its connection's state (`SELECT`, `WATCH`, `CLIENT REPLY`,
    /// `WAIT`, ...), the subscribe family or `MONITOR` on the shared
    /// connection, or inside a transaction's reads. Nothing was sent; the
    /// message says where it can run (usually a dedicated connection from
    /// [`crate::Client::dedicated`]).
    Usage,
    /// The shared connection's queue is full (the server or network is not
    /// keeping up): the command was not sent. See
    /// [`crate::ClientBuilder::max_queued_bytes`] and
    /// [`crate::ClientBuilder::max_in_flight`].
    QueueFull,
    /// A lock operation (`release`, `extend`, `reacquire`) found that the
    /// lock is no longer held with this guard's token: it expired, or another
    /// holder has it now. Nothing was changed on the server.
    LockNotOwned,
    /// A lock was taken on too few places to count: a replica-checked lock
    /// whose write too few replicas acknowledged in time, or a Redlock that
    /// reached too few servers. What was taken has been released.
    LockQuorum,
}

/// How far a command got before it failed with a connection error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestState {
    /// The command was never written to a socket: the server did not run it.
    NotSent,
    /// The command was written but no reply arrived: the server may or may not have run it.
    SentUnanswered,
    /// Not known, or not about a single command.
    Unknown,
}

/// An error reply from the server, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ServerError {
    line: Bytes,
}

impl ServerError {
    /// Wraps the text of an error reply (without the leading `-` or `!`).
    pub fn new(line: Bytes) -> ServerError {
        ServerError { line }
    }

    /// The error code: the first word when it is in capitals (`WRONGTYPE`, `NOAUTH`, `ERR`), else `ERR`.
    pub fn code(&self) -> &str {
        let text = self.text();
        let word = text.split(' ').next().unwrap_or("");
        if !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        {
            word
        } else {
            "ERR"
        }
    }

    /// The message after the code (or the whole text when there is no code).
    pub fn message(&self) -> &str {
        let text = self.text();
        match text.split_once(' ') {
            Some((first, rest)) if first == self.code() => rest,
            _ => text,
        }
    }

    /// The whole error text as sent.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.line).unwrap_or("<error reply is not UTF-8>")
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerError")
            .field("code", &self.code())
            .field("message", &self.message())
            .finish()
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl std::error::Error for ServerError {}

/// The error of every fallible anyredis operation.
///
/// Use [`Error::kind`] to branch, and the predicates (`is_timeout`, `is_server`, ...)
/// for the common cases. Errors never contain passwords.
///
/// Errors are cheap to clone (callers that waited on the same failed
/// connection attempt share its error, with its kind and code).
#[derive(Clone)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Debug, Clone)]
enum Repr {
    Config(String),
    Io {
        context: &'static str,
        source: Arc<io::Error>,
        state: RequestState,
    },
    ConnectionLost {
        reason: String,
        state: RequestState,
        /// What broke the connection, when known.
        cause: Option<Arc<Error>>,
    },
    Protocol(ProtocolError),
    Server {
        error: ServerError,
        /// The failing command's position in a pipeline.
        index: Option<usize>,
    },
    Conversion(ConversionError),
    Timeout {
        what: &'static str,
        after: Duration,
        state: RequestState,
    },
    // Built only by the `tls` feature's code.
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    Tls(String),
    Runtime(String),
    Closed(&'static str),
    Usage(String),
    QueueFull(String),
    Watch {
        attempts: usize,
    },
    LockNotOwned(String),
    LockQuorum {
        message: String,
        /// The first error met on the way, when one was.
        cause: Option<Arc<Error>>,
    },
    /// A cache value that could not be encoded or decoded (see `crate::cache`).
    CacheCodec {
        /// What failed: "serialize", "deserialize", "compress" or "decompress".
        step: &'static str,
        /// The cache key, and the Redis key it is stored under.
        key: String,
        redis_key: String,
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::from_repr(Repr::Config(message.into()))
    }

    pub(crate) fn io(context: &'static str, source: io::Error) -> Error {
        Error::from_repr(Repr::Io {
            context,
            source: Arc::new(source),
            state: RequestState::Unknown,
        })
    }

    pub(crate) fn connection_lost(reason: impl Into<String>, state: RequestState) -> Error {
        Error::from_repr(Repr::ConnectionLost {
            reason: reason.into(),
            state,
            cause: None,
        })
    }

    /// A connection broken by `cause` (kept as this error's `source()`).
    pub(crate) fn connection_broken(cause: Error, state: RequestState) -> Error {
        let reason = cause.to_string();
        let cause = match *cause.repr {
            // Already a lost connection: keep its cause rather than nesting.
            Repr::ConnectionLost { cause, .. } => cause,
            _ => Some(Arc::new(cause)),
        };
        Error::from_repr(Repr::ConnectionLost { reason, state, cause })
    }

    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::from_repr(Repr::Usage(message.into()))
    }

    pub(crate) fn queue_full(message: impl Into<String>) -> Error {
        Error::from_repr(Repr::QueueFull(message.into()))
    }

    /// A server error reply to the command at `index` of a pipeline.
    pub(crate) fn in_pipeline(error: ServerError, index: usize) -> Error {
        Error::from_repr(Repr::Server {
            error,
            index: Some(index),
        })
    }

    pub(crate) fn timeout(what: &'static str, after: Duration, state: RequestState) -> Error {
        Error::from_repr(Repr::Timeout { what, after, state })
    }

    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    pub(crate) fn tls(message: impl Into<String>) -> Error {
        Error::from_repr(Repr::Tls(message.into()))
    }

    pub(crate) fn runtime(message: impl Into<String>) -> Error {
        Error::from_repr(Repr::Runtime(message.into()))
    }

    pub(crate) fn watch_conflict(attempts: usize) -> Error {
        Error::from_repr(Repr::Watch { attempts })
    }

    pub(crate) fn lock_not_owned(message: impl Into<String>) -> Error {
        Error::from_repr(Repr::LockNotOwned(message.into()))
    }

    pub(crate) fn lock_quorum(message: impl Into<String>, cause: Option<Error>) -> Error {
        Error::from_repr(Repr::LockQuorum {
            message: message.into(),
            cause: cause.map(Arc::new),
        })
    }

    pub(crate) fn closed() -> Error {
        Error::from_repr(Repr::Closed("the client was closed"))
    }

    /// A handle used after what it stood for ended (a transaction attempt, a
    /// dedicated connection given back).
    pub(crate) fn closed_because(why: &'static str) -> Error {
        Error::from_repr(Repr::Closed(why))
    }

    /// Marks an I/O or connection error with how far the command got.
    pub(crate) fn with_state(mut self, new: RequestState) -> Error {
        match &mut *self.repr {
            Repr::Io { state, .. } | Repr::ConnectionLost { state, .. } | Repr::Timeout { state, .. } => *state = new,
            _ => {}
        }
        self
    }

    /// A cache value under `key` (stored at `redis_key`) that failed at `step`.
    pub(crate) fn cache_codec(
        step: &'static str,
        key: &str,
        redis_key: &str,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> Error {
        Error::from_repr(Repr::CacheCodec {
            step,
            key: key.to_owned(),
            redis_key: redis_key.to_owned(),
            source: Arc::from(source),
        })
    }

    fn from_repr(repr: Repr) -> Error {
        Error { repr: Box::new(repr) }
    }

    /// The broad kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match &*self.repr {
            Repr::Config(_) => ErrorKind::Config,
            Repr::Io { .. } => ErrorKind::Io,
            Repr::ConnectionLost { .. } => ErrorKind::ConnectionLost,
            Repr::Protocol(_) => ErrorKind::Protocol,
            Repr::Server { .. } => ErrorKind::Server,
            Repr::Conversion(_) | Repr::CacheCodec { .. } => ErrorKind::Conversion,
            Repr::Timeout { .. } => ErrorKind::Timeout,
            Repr::Tls(_) => ErrorKind::Tls,
            Repr::Runtime(_) => ErrorKind::Runtime,
            Repr::Closed(_) => ErrorKind::Closed,
            Repr::Usage(_) => ErrorKind::Usage,
            Repr::QueueFull(_) => ErrorKind::QueueFull,
            Repr::Watch { .. } => ErrorKind::WatchConflict,
            Repr::LockNotOwned(_) => ErrorKind::LockNotOwned,
            Repr::LockQuorum { .. } => ErrorKind::LockQuorum,
        }
    }

    /// For connection, I/O and timeout errors: whether the command reached the server.
    ///
    /// Errors raised before anything was sent ([`ErrorKind::Usage`],
    /// [`ErrorKind::QueueFull`], [`ErrorKind::Closed`]) say
    /// [`RequestState::NotSent`].
    pub fn request_state(&self) -> RequestState {
        match &*self.repr {
            Repr::Io { state, .. } | Repr::ConnectionLost { state, .. } | Repr::Timeout { state, .. } => *state,
            Repr::Usage(_) | Repr::QueueFull(_) | Repr::Closed(_) => RequestState::NotSent,
            _ => RequestState::Unknown,
        }
    }

    /// The server's error reply, when this is a [`ErrorKind::Server`] error.
    pub fn server_error(&self) -> Option<&ServerError> {
        match &*self.repr {
            Repr::Server { error, .. } => Some(error),
            _ => None,
        }
    }

    /// For a server error reply inside a pipeline: the failing command's
    /// position (0-based, not counting `MULTI`).
    pub fn command_index(&self) -> Option<usize> {
        match &*self.repr {
            Repr::Server { index, .. } => *index,
            _ => None,
        }
    }

    /// The server's error code (`WRONGTYPE`, `NOAUTH`, ...), when this is a server error.
    pub fn code(&self) -> Option<&str> {
        self.server_error().map(ServerError::code)
    }

    /// Whether a connect or response timeout passed.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// Whether this is an I/O error.
    pub fn is_io(&self) -> bool {
        self.kind() == ErrorKind::Io
    }

    /// Whether the server answered with an error reply.
    pub fn is_server(&self) -> bool {
        self.kind() == ErrorKind::Server
    }

    /// Whether the connection failed (I/O error or lost connection): a new
    /// connection is made on the next call.
    pub fn is_connection(&self) -> bool {
        matches!(self.kind(), ErrorKind::Io | ErrorKind::ConnectionLost)
    }

    /// Whether the client was closed by [`crate::Client::close`].
    pub fn is_closed(&self) -> bool {
        self.kind() == ErrorKind::Closed
    }

    /// Whether the reply could not be converted to the requested type.
    pub fn is_conversion(&self) -> bool {
        self.kind() == ErrorKind::Conversion
    }

    /// The connection was lost after the command may have reached the server
    /// (what an idempotent retry is for).
    pub(crate) fn lost_after_send(&self) -> bool {
        self.kind() == ErrorKind::ConnectionLost && self.request_state() != RequestState::NotSent
    }

    /// Whether the connection can no longer be trusted after this error
    /// (I/O, protocol, connection-lost and TLS errors).
    pub(crate) fn breaks_connection(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Io | ErrorKind::ConnectionLost | ErrorKind::Protocol | ErrorKind::Tls
        )
    }
}

fn state_note(state: RequestState) -> &'static str {
    match state {
        RequestState::NotSent => " (the command was not sent)",
        RequestState::SentUnanswered => " (the command was sent; the server may have run it)",
        RequestState::Unknown => "",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.repr {
            Repr::Config(m) => write!(f, "invalid configuration: {m}"),
            Repr::Io { context, source, state } => {
                write!(f, "I/O error while {context}: {source}{}", state_note(*state))
            }
            Repr::ConnectionLost { reason, state, .. } => {
                write!(f, "connection lost: {reason}{}", state_note(*state))
            }
            Repr::Protocol(e) => write!(f, "protocol error: {e}"),
            Repr::Server { error, index: None } => write!(f, "server error: {error}"),
            Repr::Server {
                error,
                index: Some(index),
            } => write!(f, "server error in pipeline command #{index}: {error}"),
            Repr::Conversion(e) => write!(f, "{e}"),
            Repr::Timeout { what, after, state } => write!(f, "{what} timed out after {after:?}{}", state_note(*state)),
            Repr::Tls(m) => write!(f, "TLS error: {m}"),
            Repr::Runtime(m) => write!(f, "runtime error: {m}"),
            Repr::Closed(why) => f.write_str(why),
            Repr::Usage(m) => f.write_str(m),
            Repr::QueueFull(m) => write!(f, "queue full, command not sent: {m}"),
            Repr::Watch { attempts } => {
                write!(
                    f,
                    "transaction aborted: a watched key changed during each of {attempts} attempts"
                )
            }
            Repr::LockNotOwned(m) => write!(f, "lock not owned: {m}"),
            Repr::LockQuorum { message, cause: None } => write!(f, "lock not confirmed: {message}"),
            Repr::LockQuorum {
                message,
                cause: Some(cause),
            } => write!(f, "lock not confirmed: {message} (first error: {cause})"),
            Repr::CacheCodec {
                step,
                key,
                redis_key,
                source,
            } => write!(
                f,
                "cannot {step} the cached value of {key:?} (Redis key {redis_key:?}): {source}"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("detail", &self.repr)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.repr {
            Repr::Io { source, .. } => Some(&**source),
            Repr::ConnectionLost { cause: Some(cause), .. } => Some(&**cause),
            Repr::Protocol(e) => Some(e),
            Repr::Server { error, .. } => Some(error),
            Repr::Conversion(e) => Some(e),
            Repr::LockQuorum { cause: Some(cause), .. } => Some(&**cause),
            Repr::CacheCodec { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Error {
        Error::from_repr(Repr::Protocol(e))
    }
}

impl From<ConversionError> for Error {
    fn from(e: ConversionError) -> Error {
        Error::from_repr(Repr::Conversion(e))
    }
}

impl From<ServerError> for Error {
    fn from(e: ServerError) -> Error {
        Error::from_repr(Repr::Server { error: e, index: None })
    }
}
