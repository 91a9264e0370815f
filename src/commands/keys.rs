//! Generic key commands: <https://redis.io/docs/latest/commands/?group=generic>.

use super::{command, Commands};
use crate::value::ToArgs;

/// Commands on keys of any type.
pub trait KeyCommands: Commands {
    /// Deletes the given key(s); returns how many existed. [DEL](https://redis.io/docs/latest/commands/del/)
    fn del(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("DEL");
        keys.write_args(&mut args);
        self.command(args)
    }
}
