//! [`PoolConn`]: a pooled connection, closed when dropped.

use std::ops::Deref;

use crate::config::Config;
use crate::multiplex::{Multiplexer, QueueLimits};
use crate::rt::Runtime;
use crate::value::Args;
use crate::Result;

/// One dedicated connection owned by the pool (idle, or inside a lease).
/// Dropping it closes the socket at once.
pub(crate) struct PoolConn {
    mux: Multiplexer,
}

impl PoolConn {
    /// Connects and runs the handshake, within the connect timeout.
    pub(crate) async fn connect(config: &Config, runtime: &Runtime) -> Result<PoolConn> {
        let mux = Multiplexer::open(config, runtime, QueueLimits::dedicated(config)).await?;
        Ok(PoolConn { mux })
    }

    /// Sends `PING` and waits for the answer (cancel-safe: a dropped check
    /// leaves a reply owed, so the connection is not reused).
    pub(crate) async fn ping(&self) -> Result<()> {
        let mut args = Args::new();
        args.push(b"PING");
        match self.mux.send(&args, None)?.await {
            Ok(reply) => reply.map(drop),
            Err(_) => Err(crate::Error::connection_lost(
                "the connection's driver stopped",
                crate::RequestState::Unknown,
            )),
        }
    }
}

impl Deref for PoolConn {
    type Target = Multiplexer;

    fn deref(&self) -> &Multiplexer {
        &self.mux
    }
}

impl Drop for PoolConn {
    fn drop(&mut self) {
        // Idle and unusable connections alike: nothing may keep the socket
        // open once the pool lets go of it.
        self.mux.abort();
    }
}
