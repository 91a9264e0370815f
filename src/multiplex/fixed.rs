//! One fixed connection as a [`MuxSource`]: dedicated connections and
//! transactions, which must never silently move to another connection.

use std::time::Duration;

use super::{Multiplexer, MuxSource};
use crate::rt::{BoxFuture, Runtime};
use crate::Result;

/// A fixed connection as a [`MuxSource`] (dedicated connections, transactions).
#[derive(Clone)]
pub(crate) struct FixedMux {
    pub(crate) mux: Multiplexer,
    pub(crate) runtime: Runtime,
    pub(crate) response_timeout: Option<Duration>,
}

impl MuxSource for FixedMux {
    fn live(&self) -> Option<Multiplexer> {
        Some(self.mux.clone())
    }

    fn connect(&self) -> BoxFuture<'_, Result<Multiplexer>> {
        let mux = self.mux.clone();
        Box::pin(async move { Ok(mux) })
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    fn response_timeout(&self) -> Option<Duration> {
        self.response_timeout
    }
}
