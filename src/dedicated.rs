//! [`Connection`]: a connection of your own, not shared with other callers.

use std::sync::Arc;

use crate::client::BoundCmd;
use crate::config::{Config, Protocol};
use crate::connection::serial::Serial;
use crate::multiplex::{Multiplexer, QueueLimits};
use crate::pipeline::Pipeline;
use crate::pool::Lease;
use crate::request::{FixedSource, ReplyFuture, Sharing, Source};
use crate::rt::{BoxSocket, Runtime};
use crate::value::Args;
use crate::Result;

/// A connection of your own: not shared with other callers of a [`crate::Client`].
///
/// Use one for commands that change the connection's state (`SELECT`,
/// `CLIENT TRACKING`, `WATCH`, ...; see [`crate::commands::DedicatedCommands`]),
/// which a `Client` refuses on its shared connection. Requests can still be
/// issued concurrently through `&self`; they are pipelined in order, and a
/// dropped request future is safe (its reply is read and discarded). When the
/// connection breaks, it stays broken: get a new one.
///
/// Made by [`crate::Client::dedicated`] (from the client's pool: dropping it
/// gives it back, unless its state was changed or a reply is still owed, in
/// which case it is closed), [`Connection::connect`] (a new socket, closed on
/// drop), or over a stream you opened yourself with
/// [`Connection::from_socket`] (proxies, tests, exotic transports).
///
/// Request futures own what they need (`'static`); once the `Connection` is
/// dropped, those not yet answered fail (with [`crate::ErrorKind::Closed`] or
/// a connection error), so nothing can reach the next holder of a pooled
/// connection.
pub struct Connection {
    source: Arc<FixedSource>,
    lease: Option<Lease>,
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
        let mux = Multiplexer::start(serial, runtime, QueueLimits::dedicated(config))?;
        let source = FixedSource::new(mux, runtime.clone(), config.response_timeout, Sharing::Dedicated, false)
            .with_telemetry(config.instruments.live());
        Ok(Connection {
            source: Arc::new(source),
            lease: None,
        })
    }

    /// A pooled connection, given back to the pool when dropped.
    pub(crate) fn leased(lease: Lease, config: &Config, runtime: &Runtime) -> Connection {
        let mux = Multiplexer::clone(&lease);
        let source = FixedSource::new(mux, runtime.clone(), config.response_timeout, Sharing::Dedicated, true)
            .with_telemetry(config.instruments.live());
        Connection {
            source: Arc::new(source),
            lease: Some(lease),
        }
    }

    /// The protocol agreed with the server (RESP2 when the server has no `HELLO`).
    pub fn protocol(&self) -> Protocol {
        self.source.mux().protocol()
    }

    /// Starts a raw command on this connection:
    /// `conn.cmd("CLIENT").arg("ID").query::<i64>().await`.
    pub fn cmd(&self, name: &str) -> BoundCmd {
        BoundCmd::new(self.source(), name)
    }

    pub(crate) fn send<T>(&self, args: Args) -> ReplyFuture<T> {
        ReplyFuture::new(self.source(), args)
    }

    fn source(&self) -> Arc<dyn Source> {
        self.source.clone()
    }

    /// A pipeline of commands to send together on this connection.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(self.source())
    }

    /// Whether the connection has ended (broken, or closed by the server).
    pub fn is_closed(&self) -> bool {
        self.source.mux().is_closed()
    }
}

impl Drop for Connection {
    /// A pooled connection goes back to the pool when it is idle and its
    /// state unchanged; otherwise (and always for one of its own) the socket
    /// is closed at once, so a blocking command cannot keep it open.
    fn drop(&mut self) {
        match self.lease.take() {
            Some(mut lease) => {
                if self.source.state_changed() {
                    lease.mark_dirty();
                }
                drop(lease);
            }
            None => self.source.mux().abort(),
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("runtime", self.source.runtime())
            .field("protocol", &self.protocol())
            .field("pooled", &self.lease.is_some())
            .field("closed", &self.is_closed())
            .finish()
    }
}
