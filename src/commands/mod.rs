//! Typed command methods, one file per command family.
//!
//! Each family is a trait with provided methods built on one primitive,
//! [`Commands::run`], so a command is written once for every handle that
//! implements it. Bring the traits into scope with `use anyredis::Commands;`
//! (or `use anyredis::prelude::*`).

mod connection;
mod keys;
mod strings;

use std::future::Future;

use crate::value::{Args, FromValue};
use crate::Result;

pub use connection::ConnectionCommands;
pub use keys::KeyCommands;
pub use strings::StringCommands;

/// The primitive every typed command is built on: send one command, convert its reply.
pub trait Commands {
    /// Sends the command in `args` (name first) and converts the reply.
    fn run<T: FromValue + Send>(&self, args: Args) -> impl Future<Output = Result<T>> + Send;
}

impl Commands for crate::Client {
    fn run<T: FromValue + Send>(&self, args: Args) -> impl Future<Output = Result<T>> + Send {
        async move { Ok(T::from_value(self.request(&args).await?)?) }
    }
}

impl<C: Commands> ConnectionCommands for C {}
impl<C: Commands> KeyCommands for C {}
impl<C: Commands> StringCommands for C {}

/// Starts the arguments of a command named `name`.
pub(crate) fn command(name: &'static str) -> Args {
    let mut args = Args::with_capacity(64);
    args.push(name.as_bytes());
    args
}
