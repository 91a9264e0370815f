//! String commands: <https://redis.io/docs/latest/commands/?group=string>.

use super::{command, Commands};
use crate::value::{FromValue, ToSingleArg};

/// String commands.
pub trait StringCommands: Commands {
    /// Gets the value of `key` (`None`-able: ask for `Option<T>`). [GET](https://redis.io/docs/latest/commands/get/)
    fn get<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, T> {
        let mut args = command("GET");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Sets `key` to `value`. [SET](https://redis.io/docs/latest/commands/set/)
    fn set(&self, key: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("SET");
        key.write_args(&mut args);
        value.write_args(&mut args);
        self.command(args)
    }

    /// Adds 1 to the integer at `key` and returns the new value. [INCR](https://redis.io/docs/latest/commands/incr/)
    fn incr(&self, key: impl ToSingleArg) -> Self::Output<'_, i64> {
        let mut args = command("INCR");
        key.write_args(&mut args);
        self.command(args)
    }
}
