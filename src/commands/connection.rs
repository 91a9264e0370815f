//! Connection commands: <https://redis.io/docs/latest/commands/?group=connection>.

use super::{command, Commands};

/// Connection commands that are safe on a shared connection.
pub trait ConnectionCommands: Commands {
    /// Checks the server answers; returns `"PONG"`. [PING](https://redis.io/docs/latest/commands/ping/)
    fn ping(&self) -> Self::Output<'_, String> {
        self.command(command("PING"))
    }
}
