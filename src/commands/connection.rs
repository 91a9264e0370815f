//! Connection commands: <https://redis.io/docs/latest/commands/?group=connection>.

use std::future::Future;

use super::{command, Commands};
use crate::Result;

/// Connection commands that are safe on a shared connection.
pub trait ConnectionCommands: Commands {
    /// Checks the server answers; returns `"PONG"`. [PING](https://redis.io/docs/latest/commands/ping/)
    fn ping(&self) -> impl Future<Output = Result<String>> + Send {
        self.run(command("PING"))
    }
}
