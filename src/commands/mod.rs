//! Typed command methods, one file per command family.
//!
//! Each family is a trait with provided methods built on one primitive,
//! [`Commands::run`], so a command is written once for every handle that
//! implements it. Bring the traits into scope with `use anyredis::Commands;`
//! (or `use anyredis::prelude::*`).

mod connection;
mod keys;
mod strings;

use crate::connection::Connection;
use crate::multiplex::ReplyFuture;
use crate::value::{Args, FromValue};
use crate::Client;

pub use connection::ConnectionCommands;
pub use keys::KeyCommands;
pub use strings::StringCommands;

/// The primitive every typed command is built on.
///
/// A typed method builds the command's arguments and hands them to
/// [`Commands::command`]; what comes back depends on the handle: a
/// [`ReplyFuture`] on a [`Client`] or [`Connection`] (await it for the reply).
/// So each command is written once, for every handle.
pub trait Commands {
    /// What a typed method returns on this handle.
    type Output<'a, T: FromValue + 'a>
    where
        Self: 'a;

    /// Sends (or queues) the command in `args` (name first); its reply converts to `T`.
    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> Self::Output<'a, T>;
}

impl Commands for Client {
    type Output<'a, T: FromValue + 'a> = ReplyFuture<'a, T>;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<'a, T> {
        self.send(args)
    }
}

impl Commands for Connection {
    type Output<'a, T: FromValue + 'a> = ReplyFuture<'a, T>;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<'a, T> {
        self.send(args)
    }
}

impl<C: Commands + ?Sized> ConnectionCommands for C {}
impl<C: Commands + ?Sized> KeyCommands for C {}
impl<C: Commands + ?Sized> StringCommands for C {}

/// Starts the arguments of a command named `name`.
pub(crate) fn command(name: &'static str) -> Args {
    let mut args = Args::with_capacity(64);
    args.push(name.as_bytes());
    args
}
