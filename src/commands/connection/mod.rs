//! Connection commands: <https://redis.io/docs/latest/commands/?group=connection>.
//!
//! The commands here are safe on the shared connection of a `Client`. Left out
//! on purpose:
//!
//! - `AUTH`, `HELLO`: done by the handshake from the URL / config; on a dedicated
//!   connection, re-authenticate with [`DedicatedCommands::auth`](super::DedicatedCommands::auth).
//! - `QUIT`, `RESET`: would break the shared connection (`RESET` is on
//!   [`DedicatedCommands`](super::DedicatedCommands); drop a dedicated connection instead of `QUIT`).
//! - `SELECT`, `CLIENT SETNAME`, `CLIENT TRACKING`, `CLIENT CACHING`, `CLIENT NO-EVICT`,
//!   `CLIENT NO-TOUCH`: per-connection state, on [`DedicatedCommands`](super::DedicatedCommands)
//!   only (the shared connection takes its name from the config).
//! - `CLIENT REPLY`: replies are matched to callers in order; suppressing them would
//!   desynchronise the connection.
//! - `CLIENT SETINFO`: sent by the handshake.

mod options;
mod types;

use std::time::Duration;

use super::time::millis_ceil;
use super::{command, subcommand, CommandTarget};
use crate::value::{FromValue, ToArgs, ToSingleArg};

pub use options::{ClientKillFilter, ClientListFilter, ClientType, PauseMode, UnblockMode};
pub use types::{ClientInfo, ClientList, TrackingInfo, TrackingRedirect};

/// Connection commands that are safe on a shared connection.
pub trait ConnectionCommands: CommandTarget {
    /// Checks the server answers; returns `"PONG"`. [PING](https://redis.io/docs/latest/commands/ping/)
    fn ping(&self) -> Self::Output<'_, String> {
        self.command(command("PING"))
    }

    /// Sends `message` with a `PING`; the server returns it unchanged (ask for `String`
    /// or `Vec<u8>`). [PING](https://redis.io/docs/latest/commands/ping/)
    fn ping_message<R: FromValue>(&self, message: impl ToSingleArg) -> Self::Output<'_, R> {
        let mut args = command("PING");
        message.write_args(&mut args);
        self.command(args)
    }

    /// Returns `message` unchanged (ask for `String` or `Vec<u8>`). [ECHO](https://redis.io/docs/latest/commands/echo/)
    fn echo<R: FromValue>(&self, message: impl ToSingleArg) -> Self::Output<'_, R> {
        let mut args = command("ECHO");
        message.write_args(&mut args);
        self.command(args)
    }

    /// The id of the connection the command runs on. [CLIENT ID](https://redis.io/docs/latest/commands/client-id/)
    fn client_id(&self) -> Self::Output<'_, u64> {
        self.command(subcommand("CLIENT", "ID"))
    }

    /// The connection's name, `None` when it has none. [CLIENT GETNAME](https://redis.io/docs/latest/commands/client-getname/)
    fn client_getname(&self) -> Self::Output<'_, Option<String>> {
        self.command(subcommand("CLIENT", "GETNAME"))
    }

    /// Describes the connection the command runs on. [CLIENT INFO](https://redis.io/docs/latest/commands/client-info/)
    fn client_info(&self) -> Self::Output<'_, ClientInfo> {
        self.command(subcommand("CLIENT", "INFO"))
    }

    /// Describes every client connection. [CLIENT LIST](https://redis.io/docs/latest/commands/client-list/)
    fn client_list(&self) -> Self::Output<'_, ClientList> {
        self.command(subcommand("CLIENT", "LIST"))
    }

    /// Describes the client connections that pass `filter` (a type, or a list of ids).
    /// [CLIENT LIST](https://redis.io/docs/latest/commands/client-list/)
    fn client_list_options(&self, filter: ClientListFilter) -> Self::Output<'_, ClientList> {
        let mut args = subcommand("CLIENT", "LIST");
        filter.write_args(&mut args);
        self.command(args)
    }

    /// Closes the connections that match every filter in `filter`; returns how many.
    /// [CLIENT KILL](https://redis.io/docs/latest/commands/client-kill/)
    fn client_kill(&self, filter: ClientKillFilter) -> Self::Output<'_, u64> {
        let mut args = subcommand("CLIENT", "KILL");
        filter.write_args(&mut args);
        self.command(args)
    }

    /// Holds back clients' commands (all, or only writes) for `timeout` (whole
    /// milliseconds, rounded up).
    /// [CLIENT PAUSE](https://redis.io/docs/latest/commands/client-pause/)
    fn client_pause(&self, timeout: Duration, mode: PauseMode) -> Self::Output<'_, ()> {
        let mut args = subcommand("CLIENT", "PAUSE");
        args.push_uint(millis_ceil(timeout));
        mode.write_args(&mut args);
        self.command(args)
    }

    /// Ends a `CLIENT PAUSE` early. [CLIENT UNPAUSE](https://redis.io/docs/latest/commands/client-unpause/)
    fn client_unpause(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("CLIENT", "UNPAUSE"))
    }

    /// Ends the blocking command (`BLPOP`, `XREAD BLOCK`, ...) of client `id`; `false` when
    /// that client was not blocked. [CLIENT UNBLOCK](https://redis.io/docs/latest/commands/client-unblock/)
    fn client_unblock(&self, id: u64, mode: UnblockMode) -> Self::Output<'_, bool> {
        let mut args = subcommand("CLIENT", "UNBLOCK");
        args.push_uint(id);
        mode.write_args(&mut args);
        self.command(args)
    }

    /// Where this connection's tracking invalidations go.
    /// [CLIENT GETREDIR](https://redis.io/docs/latest/commands/client-getredir/)
    fn client_getredir(&self) -> Self::Output<'_, TrackingRedirect> {
        self.command(subcommand("CLIENT", "GETREDIR"))
    }

    /// This connection's client-side caching state.
    /// [CLIENT TRACKINGINFO](https://redis.io/docs/latest/commands/client-trackinginfo/)
    fn client_trackinginfo(&self) -> Self::Output<'_, TrackingInfo> {
        self.command(subcommand("CLIENT", "TRACKINGINFO"))
    }

    /// Usage of the `CLIENT` subcommands. [CLIENT HELP](https://redis.io/docs/latest/commands/client-help/)
    fn client_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("CLIENT", "HELP"))
    }
}

#[cfg(test)]
mod tests;
