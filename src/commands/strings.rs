//! String commands: <https://redis.io/docs/latest/commands/?group=string>.

use std::future::Future;

use super::{command, Commands};
use crate::value::{FromValue, ToSingleArg};
use crate::Result;

/// String commands.
pub trait StringCommands: Commands {
    /// Gets the value of `key` (`None`-able: ask for `Option<T>`). [GET](https://redis.io/docs/latest/commands/get/)
    fn get<T: FromValue + Send>(&self, key: impl ToSingleArg) -> impl Future<Output = Result<T>> + Send {
        let mut args = command("GET");
        key.write_args(&mut args);
        self.run(args)
    }

    /// Sets `key` to `value`. [SET](https://redis.io/docs/latest/commands/set/)
    fn set(&self, key: impl ToSingleArg, value: impl ToSingleArg) -> impl Future<Output = Result<()>> + Send {
        let mut args = command("SET");
        key.write_args(&mut args);
        value.write_args(&mut args);
        self.run(args)
    }

    /// Adds 1 to the integer at `key` and returns the new value. [INCR](https://redis.io/docs/latest/commands/incr/)
    fn incr(&self, key: impl ToSingleArg) -> impl Future<Output = Result<i64>> + Send {
        let mut args = command("INCR");
        key.write_args(&mut args);
        self.run(args)
    }
}
