//! One connection to one server: opening the socket (TCP, Unix, TLS), the
//! handshake, and [`Connection`], a dedicated connection.

pub(crate) mod buffer;
mod connect;
mod handshake;
pub(crate) mod serial;
#[cfg(feature = "tls")]
mod tls;

use crate::cmd::Cmd;
use crate::config::{Config, Protocol};
use crate::multiplex::{FixedMux, Multiplexer, ReplyFuture};
use crate::pipeline::Pipeline;
use crate::rt::{BoxSocket, Runtime};
use crate::value::{Args, FromValue};
use crate::Result;

use serial::Serial;

/// A connection of your own: not shared with other callers of a [`crate::Client`].
///
/// Use one for commands that change the connection's state (`SELECT`,
/// `WATCH`, `CLIENT REPLY`, ...) or that block (`BLPOP`). Requests can still
/// be issued concurrently through `&self`; they are pipelined in order.
/// Dropping a request future is safe: its reply is read and discarded. When
/// the connection breaks, it stays broken: open a new one.
///
/// Made by [`crate::Client::dedicated`], [`Connection::connect`], or over a
/// stream you opened yourself with [`Connection::from_socket`] (proxies,
/// tests, exotic transports).
pub struct Connection {
    fixed: FixedMux,
    protocol: Protocol,
}

impl Connection {
    /// Connects to the server in `config` and runs the handshake, within the connect timeout.
    pub async fn connect(config: &Config, runtime: &Runtime) -> Result<Connection> {
        let serial = Serial::connect(config, runtime).await?;
        Connection::start(serial, config, runtime)
    }

    /// Runs the handshake (HELLO / AUTH / SELECT / CLIENT SETNAME) over a stream
    /// you opened yourself; `config.addr` and `config.tls` are not used.
    pub async fn from_socket(socket: BoxSocket, config: &Config, runtime: &Runtime) -> Result<Connection> {
        let serial = Serial::from_socket(socket, config, runtime).await?;
        Connection::start(serial, config, runtime)
    }

    fn start(serial: Serial, config: &Config, runtime: &Runtime) -> Result<Connection> {
        let protocol = serial.protocol();
        let fixed = FixedMux {
            mux: Multiplexer::start(serial, runtime)?,
            runtime: runtime.clone(),
            response_timeout: config.response_timeout,
        };
        Ok(Connection { fixed, protocol })
    }

    /// The protocol agreed with the server (RESP2 when the server has no `HELLO`).
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Sends `cmd` and converts its reply.
    pub fn query<T: FromValue>(&self, cmd: &Cmd) -> ReplyFuture<'_, T> {
        self.send(cmd.args().clone())
    }

    pub(crate) fn send<T>(&self, args: Args) -> ReplyFuture<'_, T> {
        ReplyFuture::new(&self.fixed, args)
    }

    /// A pipeline of commands to send together on this connection.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(Box::new(self.fixed.clone()))
    }

    /// Whether the connection has ended (broken, or closed by the server).
    pub fn is_closed(&self) -> bool {
        self.fixed.mux.is_closed()
    }

    pub(crate) fn fixed(&self) -> &FixedMux {
        &self.fixed
    }

    /// Replies the server still owes this connection.
    pub(crate) fn outstanding(&self) -> usize {
        self.fixed.mux.outstanding()
    }
}

impl Drop for Connection {
    /// Closes the socket at once: no request of this connection can still be
    /// waiting (they borrow it), and a blocking command must not keep it open.
    fn drop(&mut self) {
        self.fixed.mux.abort();
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("runtime", &self.fixed.runtime)
            .field("protocol", &self.protocol)
            .field("closed", &self.is_closed())
            .finish()
    }
}
