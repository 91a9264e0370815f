//! One fixed connection as a [`Source`]: dedicated connections, pooled
//! connections lent to a pipeline, and transactions. Such a connection never
//! silently moves elsewhere.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{Sharing, Source};
use crate::multiplex::Multiplexer;
use crate::rt::{BoxFuture, Runtime};
use crate::telemetry::Telemetry;
use crate::Result;

/// A fixed connection as a [`Source`].
pub(crate) struct FixedSource {
    mux: Multiplexer,
    runtime: Runtime,
    response_timeout: Option<Duration>,
    sharing: Sharing,
    /// Set for a connection that changes hands (pooled): only this holder's
    /// epoch may send.
    epoch: Option<u64>,
    /// Whether a command that changes the connection's state was sent.
    changed: AtomicBool,
    /// The instruments of the client the connection came from.
    telemetry: Option<Arc<Telemetry>>,
}

impl FixedSource {
    /// A source for `mux`; `held` when the connection changes hands later, so
    /// this source stops working once it does.
    pub(crate) fn new(
        mux: Multiplexer,
        runtime: Runtime,
        response_timeout: Option<Duration>,
        sharing: Sharing,
        held: bool,
    ) -> FixedSource {
        let epoch = held.then(|| mux.epoch());
        FixedSource {
            mux,
            runtime,
            response_timeout,
            sharing,
            epoch,
            changed: AtomicBool::new(false),
            telemetry: None,
        }
    }

    /// Reports to these instruments (a client's), when there are any.
    pub(crate) fn with_telemetry(mut self, telemetry: Option<&Arc<Telemetry>>) -> FixedSource {
        self.telemetry = telemetry.cloned();
        self
    }

    pub(crate) fn mux(&self) -> &Multiplexer {
        &self.mux
    }

    /// Whether a state-changing command (`SELECT`, `CLIENT TRACKING`, ...) was sent.
    pub(crate) fn state_changed(&self) -> bool {
        self.changed.load(Ordering::Acquire)
    }
}

impl Source for FixedSource {
    fn live(&self) -> Option<Multiplexer> {
        Some(self.mux.clone())
    }

    fn connect(self: Arc<Self>) -> BoxFuture<'static, Result<Multiplexer>> {
        Box::pin(async move { Ok(self.mux.clone()) })
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    fn response_timeout(&self) -> Option<Duration> {
        self.response_timeout
    }

    fn sharing(&self) -> Sharing {
        self.sharing
    }

    fn epoch(&self) -> Option<u64> {
        self.epoch
    }

    fn note_state_change(&self) {
        self.changed.store(true, Ordering::Release);
    }

    fn telemetry(&self) -> Option<&Telemetry> {
        self.telemetry.as_deref()
    }
}
