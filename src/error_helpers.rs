//! The questions programs ask of an [`Error`] before deciding what to do:
//! was it a timeout, is the connection at fault, may the call simply be made
//! again, and which code did the server answer with.

use crate::error::{Error, ErrorKind, RequestState};

/// Server error codes that mean "not now" rather than "never": the server
/// did not run the command and will accept it again shortly.
///
/// - `LOADING`: the server is loading its data set after a restart;
/// - `BUSY`: a script or function is running too long (`SCRIPT KILL` ends it);
/// - `TRYAGAIN`: a multi-key command during a cluster resharding;
/// - `CLUSTERDOWN`: the cluster cannot serve the slot right now;
/// - `MASTERDOWN`: a replica lost its master (`replica-serve-stale-data no`).
pub const TRANSIENT_SERVER_CODES: [&str; 5] = ["LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN"];

impl Error {
    /// Whether the connection is at fault: it could not be opened or it broke
    /// (an I/O error, a lost connection, invalid bytes from the server, a TLS
    /// failure). The next command opens a new connection; whether this
    /// command ran on the server says [`Error::request_state`].
    ///
    /// Broader than [`Error::is_connection`] (I/O and lost connections only):
    /// it also counts [`ErrorKind::Protocol`] and [`ErrorKind::Tls`], which
    /// end their connection too. Timeouts are not counted: see
    /// [`Error::is_timeout`].
    ///
    /// ```
    /// # #[cfg(feature = "smol")] {
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    /// // Nothing listens on port 1: the connect fails.
    /// let client = Client::builder().host("127.0.0.1", 1).runtime(anyredis::Runtime::smol()).build()?;
    /// let err = client.ping().await.unwrap_err();
    /// assert!(err.is_connection_error());
    /// assert!(err.is_retryable()); // never sent: safe to try again later
    /// assert_eq!(err.server_code(), None);
    /// # Ok::<(), anyredis::Error>(())
    /// # }).unwrap();
    /// # }
    /// ```
    pub fn is_connection_error(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Io | ErrorKind::ConnectionLost | ErrorKind::Protocol | ErrorKind::Tls
        )
    }

    /// Whether making the same call again may succeed **and** the failed
    /// attempt cannot have changed anything on the server, so a retry (after
    /// a pause) is safe for any command, `INCR` included:
    ///
    /// - connection errors and timeouts of a command that was never sent
    ///   ([`RequestState::NotSent`], e.g. the server was down when connecting);
    /// - [`ErrorKind::QueueFull`] (nothing was sent; the queue drains);
    /// - [`ErrorKind::WatchConflict`] (run the transaction again);
    /// - server errors whose code is in [`TRANSIENT_SERVER_CODES`]
    ///   (`LOADING`, `BUSY`, `TRYAGAIN`, `CLUSTERDOWN`, `MASTERDOWN`).
    ///
    /// A command that was sent and not answered
    /// ([`RequestState::SentUnanswered`]: a lost connection, a response
    /// timeout) is *not* retryable by this rule, since the server may have run it;
    /// for commands that are safe to run twice, [`crate::ReplyFuture::idempotent`]
    /// retries those once by itself. Configuration, usage, conversion and
    /// other server errors fail the same way every time.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::Io | ErrorKind::ConnectionLost | ErrorKind::Timeout | ErrorKind::Tls => {
                self.request_state() == RequestState::NotSent
            }
            ErrorKind::QueueFull | ErrorKind::WatchConflict => true,
            ErrorKind::Server => self.code().is_some_and(|code| TRANSIENT_SERVER_CODES.contains(&code)),
            _ => false,
        }
    }

    /// The server's error code (`WRONGTYPE`, `NOAUTH`, `NOSCRIPT`, `LOADING`, ...)
    /// when the server answered with an error; `None` for every other kind.
    /// The same as [`Error::code`], under the name redis-py and redis-rs users
    /// look for. The full text is in [`Error::server_error`].
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    /// let client = Client::open("redis://127.0.0.1")?;
    /// client.set("greeting", "hello").await?;
    /// let err = client.lpush("greeting", "x").await.unwrap_err();
    /// assert_eq!(err.server_code(), Some("WRONGTYPE"));
    /// assert!(!err.is_retryable());
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn server_code(&self) -> Option<&str> {
        self.code()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;
    use crate::error::ServerError;

    fn server(text: &'static str) -> Error {
        ServerError::new(Bytes::from_static(text.as_bytes())).into()
    }

    #[test]
    fn retryable_follows_the_request_state() {
        let never_sent = Error::connection_lost("down", RequestState::NotSent);
        assert!(never_sent.is_connection_error() && never_sent.is_retryable());
        let maybe_ran = Error::connection_lost("down", RequestState::SentUnanswered);
        assert!(maybe_ran.is_connection_error() && !maybe_ran.is_retryable());
        let connect_timeout = Error::timeout("connecting", Duration::from_secs(1), RequestState::NotSent);
        assert!(connect_timeout.is_timeout() && connect_timeout.is_retryable());
        assert!(!connect_timeout.is_connection_error());
        let reply_timeout = Error::timeout("waiting", Duration::from_secs(1), RequestState::SentUnanswered);
        assert!(!reply_timeout.is_retryable());
        assert!(Error::queue_full("full").is_retryable());
        assert!(Error::watch_conflict(3).is_retryable());
        assert!(!Error::usage("no").is_retryable());
        assert!(!Error::config("bad").is_retryable());
        assert!(!Error::closed().is_retryable());
    }

    #[test]
    fn server_codes() {
        let loading = server("LOADING Redis is loading the dataset in memory");
        assert_eq!(loading.server_code(), Some("LOADING"));
        assert!(loading.is_retryable() && !loading.is_connection_error());
        let wrong = server("WRONGTYPE Operation against a key holding the wrong kind of value");
        assert_eq!(wrong.server_code(), Some("WRONGTYPE"));
        assert!(!wrong.is_retryable());
        assert_eq!(server("no code here").server_code(), Some("ERR"));
        assert_eq!(Error::closed().server_code(), None);
    }

    #[test]
    fn protocol_and_tls_errors_are_connection_errors() {
        let protocol: Error = crate::resp::ProtocolError::InvalidLength { offset: 0 }.into();
        assert!(protocol.is_connection_error() && !protocol.is_connection());
        assert!(Error::tls("handshake").is_connection_error());
        assert!(!Error::usage("no").is_connection_error());
    }
}
