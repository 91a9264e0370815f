//! Generic key commands: <https://redis.io/docs/latest/commands/?group=generic>.

use std::future::Future;

use super::{command, Commands};
use crate::value::ToArgs;
use crate::Result;

/// Commands on keys of any type.
pub trait KeyCommands: Commands {
    /// Deletes the given key(s); returns how many existed. [DEL](https://redis.io/docs/latest/commands/del/)
    fn del(&self, keys: impl ToArgs) -> impl Future<Output = Result<u64>> + Send {
        let mut args = command("DEL");
        keys.write_args(&mut args);
        self.run(args)
    }
}
