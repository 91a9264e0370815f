//! Commands that change or depend on a connection's state (`SELECT`, `WATCH`,
//! ...). They are offered only on a dedicated [`Connection`], never on the
//! shared connection of a `Client`, where they would affect every caller.

use super::Commands;
use crate::connection::Connection;

/// Commands for a dedicated [`Connection`] only.
pub trait DedicatedCommands: Commands {}

impl DedicatedCommands for Connection {}
