//! Commands that change or depend on a connection's state (`SELECT`, `WATCH`,
//! `WAIT`, ...). They are offered only on a dedicated [`Connection`], never on the
//! shared connection of a `Client`, where they would affect every caller (or, for
//! `WAIT`, mean nothing). Each sets the routing class
//! [`CommandClass::ConnectionState`].
//!
//! Left out on purpose, even here:
//!
//! - `CLIENT REPLY`: replies are matched to requests in order; suppressing them
//!   (`OFF`, `SKIP`) would desynchronise the connection and leave requests waiting.
//! - `HELLO`: the protocol is agreed by the handshake; switching it later would make
//!   [`Connection::protocol`] wrong.
//! - `QUIT`: drop the [`Connection`] instead.
//! - `SUBSCRIBE` and `MONITOR`: they turn the connection into a message stream;
//!   they belong to the pub/sub handle.

use std::time::Duration;

use super::time::millis_ceil;
use super::{command, subcommand, CommandTarget};
use crate::dedicated::Connection;
use crate::value::{Args, BlockTime, CommandClass, FromValue, ToArgs, ToSingleArg};

/// `args` marked as changing (or depending on) the state of its connection.
fn state(args: Args) -> Args {
    args.with_class(CommandClass::ConnectionState)
}

/// `WAIT`'s and `WAITAOF`'s timeout: whole milliseconds rounded up (0: no limit),
/// and how long the command may block.
fn wait_timeout(args: &mut Args, timeout: Duration) -> BlockTime {
    let ms = millis_ceil(timeout);
    args.push_uint(ms);
    if ms == 0 {
        BlockTime::Forever
    } else {
        BlockTime::For(Duration::from_millis(ms))
    }
}

/// Commands for a dedicated [`Connection`] only.
///
/// A transaction: `WATCH` the keys you read, `MULTI`, send the commands, `EXEC`.
/// While a `MULTI` is open the server answers every command with `QUEUED`, so
/// send the queued commands with a reply type that accepts a status (`()`, as
/// [`StringCommands::set`](super::StringCommands::set) has) or with
/// [`Connection::cmd`]; their results come back from [`exec`](Self::exec).
pub trait DedicatedCommands: CommandTarget {
    /// Switches this connection to database `db`. [SELECT](https://redis.io/docs/latest/commands/select/)
    fn select(&self, db: i64) -> Self::Output<'_, ()> {
        let mut args = command("SELECT");
        args.push_int(db);
        self.command(state(args))
    }

    /// Watches one or more keys: a later `EXEC` is aborted if any of them changes first.
    /// [WATCH](https://redis.io/docs/latest/commands/watch/)
    fn watch(&self, keys: impl ToArgs) -> Self::Output<'_, ()> {
        let mut args = command("WATCH");
        keys.write_args(&mut args);
        self.command(state(args))
    }

    /// Forgets every watched key. [UNWATCH](https://redis.io/docs/latest/commands/unwatch/)
    fn unwatch(&self) -> Self::Output<'_, ()> {
        self.command(state(command("UNWATCH")))
    }

    /// Starts a transaction: later commands are queued until `EXEC`.
    /// [MULTI](https://redis.io/docs/latest/commands/multi/)
    fn multi(&self) -> Self::Output<'_, ()> {
        self.command(state(command("MULTI")))
    }

    /// Runs the queued commands and returns their replies, nil when a watched key changed
    /// and nothing ran: ask for `Option<_>` of `Vec<Value>` or a tuple with one element per
    /// queued command, e.g. `Option<(i64, String)>`. A command that failed inside the
    /// transaction is an error element. [EXEC](https://redis.io/docs/latest/commands/exec/)
    fn exec<R: FromValue>(&self) -> Self::Output<'_, R> {
        self.command(state(command("EXEC")))
    }

    /// Drops the queued commands and ends the transaction (and unwatches every key).
    /// [DISCARD](https://redis.io/docs/latest/commands/discard/)
    fn discard(&self) -> Self::Output<'_, ()> {
        self.command(state(command("DISCARD")))
    }

    /// Names this connection (no spaces; an empty name removes it).
    /// [CLIENT SETNAME](https://redis.io/docs/latest/commands/client-setname/)
    fn client_setname(&self, name: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = subcommand("CLIENT", "SETNAME");
        name.write_args(&mut args);
        self.command(state(args))
    }

    /// Turns server-assisted client-side caching on or off for this connection.
    ///
    /// On a RESP3 connection without `REDIRECT`, invalidations arrive as push messages,
    /// which the connection currently drops: redirect them to a connection that reads them.
    /// [CLIENT TRACKING](https://redis.io/docs/latest/commands/client-tracking/)
    fn client_tracking(&self, tracking: Tracking) -> Self::Output<'_, ()> {
        let mut args = subcommand("CLIENT", "TRACKING");
        tracking.write_args(&mut args);
        self.command(state(args))
    }

    /// Whether the keys read by the next command are tracked (`YES` in `OPTIN` mode,
    /// `NO` in `OPTOUT` mode). [CLIENT CACHING](https://redis.io/docs/latest/commands/client-caching/)
    fn client_caching(&self, yes: bool) -> Self::Output<'_, ()> {
        let mut args = subcommand("CLIENT", "CACHING");
        args.push(if yes { b"YES" } else { b"NO" });
        self.command(state(args))
    }

    /// Protects this connection from client eviction (`maxmemory-clients`), or not.
    /// [CLIENT NO-EVICT](https://redis.io/docs/latest/commands/client-no-evict/)
    fn client_no_evict(&self, on: bool) -> Self::Output<'_, ()> {
        let mut args = subcommand("CLIENT", "NO-EVICT");
        args.push(on_off(on));
        self.command(state(args))
    }

    /// Whether this connection's reads leave keys' LRU/LFU stats untouched. Redis 7.2+.
    /// [CLIENT NO-TOUCH](https://redis.io/docs/latest/commands/client-no-touch/)
    fn client_no_touch(&self, on: bool) -> Self::Output<'_, ()> {
        let mut args = subcommand("CLIENT", "NO-TOUCH");
        args.push(on_off(on));
        self.command(state(args))
    }

    /// Lets this connection read from a cluster replica.
    /// [READONLY](https://redis.io/docs/latest/commands/readonly/)
    fn readonly(&self) -> Self::Output<'_, ()> {
        self.command(state(command("READONLY")))
    }

    /// Ends `READONLY`: reads on a replica are redirected to the master again.
    /// [READWRITE](https://redis.io/docs/latest/commands/readwrite/)
    fn readwrite(&self) -> Self::Output<'_, ()> {
        self.command(state(command("READWRITE")))
    }

    /// Lets the next command reach a slot being imported (after an `-ASK` redirect).
    /// [ASKING](https://redis.io/docs/latest/commands/asking/)
    fn asking(&self) -> Self::Output<'_, ()> {
        self.command(state(command("ASKING")))
    }

    /// Resets the connection as if new: discards a transaction, unwatches, turns tracking
    /// off, leaves pub/sub, selects db 0, removes the name, authenticates as `default`
    /// and returns to RESP2. What the handshake set up from the config is lost, and
    /// [`Connection::protocol`] still reports the handshake's protocol.
    /// [RESET](https://redis.io/docs/latest/commands/reset/)
    fn reset(&self) -> Self::Output<'_, ()> {
        self.command(state(command("RESET")))
    }

    /// Re-authenticates this connection as the `default` user with `password`.
    /// [AUTH](https://redis.io/docs/latest/commands/auth/)
    fn auth(&self, password: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("AUTH");
        password.write_args(&mut args);
        self.command(state(args))
    }

    /// Re-authenticates this connection as the ACL user `username`.
    /// [AUTH](https://redis.io/docs/latest/commands/auth/)
    fn auth_user(&self, username: impl ToSingleArg, password: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("AUTH");
        username.write_args(&mut args);
        password.write_args(&mut args);
        self.command(state(args))
    }

    /// Waits until the writes sent before on this connection reach `replicas`
    /// replicas or `timeout` passes; returns how many replicas acknowledged.
    /// `timeout` is sent in whole milliseconds, rounded up (a non-zero timeout never
    /// becomes 0); `Duration::ZERO` waits without limit. Blocks this connection
    /// meanwhile. [WAIT](https://redis.io/docs/latest/commands/wait/)
    fn wait(&self, replicas: u64, timeout: Duration) -> Self::Output<'_, u64> {
        let mut args = command("WAIT");
        args.push_uint(replicas);
        let block = wait_timeout(&mut args, timeout);
        self.command(state(args).with_block_time(block))
    }

    /// Waits until the writes sent before on this connection are fsynced to the
    /// append-only file of the local server (when `local` is 1) and of at least
    /// `replicas` replicas, or `timeout` passes; returns how many local servers
    /// (none or one) and how many replicas did. `timeout` as for [`wait`](Self::wait).
    /// Redis 7.2+.
    /// [WAITAOF](https://redis.io/docs/latest/commands/waitaof/)
    fn waitaof(&self, local: u64, replicas: u64, timeout: Duration) -> Self::Output<'_, (u64, u64)> {
        let mut args = command("WAITAOF");
        args.push_uint(local);
        args.push_uint(replicas);
        let block = wait_timeout(&mut args, timeout);
        self.command(state(args).with_block_time(block))
    }
}

impl DedicatedCommands for Connection {}

fn on_off(on: bool) -> &'static [u8] {
    if on {
        b"ON"
    } else {
        b"OFF"
    }
}

/// The arguments of `CLIENT TRACKING`: on (with options) or off.
///
/// ```
/// use anyredis::commands::Tracking;
/// use anyredis::value::{Args, ToArgs};
///
/// let broadcast = Tracking::on().bcast().prefix("user:").noloop();
///
/// let mut args = Args::new();
/// broadcast.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"ON"[..], b"BCAST", b"PREFIX", b"user:", b"NOLOOP"]);
///
/// args.clear();
/// Tracking::off().write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [b"OFF"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    args: Args,
}

impl Tracking {
    /// Tracking on (`ON`); add options with the other methods.
    pub fn on() -> Self {
        Self::start(true)
    }

    /// Tracking off (`OFF`).
    pub fn off() -> Self {
        Self::start(false)
    }

    fn start(on: bool) -> Self {
        let mut args = Args::new();
        args.push(on_off(on));
        Tracking { args }
    }

    fn token(mut self, token: &'static str) -> Self {
        self.args.push(token.as_bytes());
        self
    }

    /// Sends invalidations to the client with this id (`REDIRECT`).
    pub fn redirect(mut self, client_id: u64) -> Self {
        self = self.token("REDIRECT");
        self.args.push_uint(client_id);
        self
    }

    /// In broadcasting mode, tracks keys starting with `prefix` (`PREFIX`; call once per prefix).
    pub fn prefix(mut self, prefix: impl ToSingleArg) -> Self {
        self = self.token("PREFIX");
        prefix.write_args(&mut self.args);
        self
    }

    /// Broadcasting mode: invalidations for every key of the prefixes, read or not (`BCAST`).
    pub fn bcast(self) -> Self {
        self.token("BCAST")
    }

    /// Tracks only the keys of commands preceded by `CLIENT CACHING yes` (`OPTIN`).
    pub fn optin(self) -> Self {
        self.token("OPTIN")
    }

    /// Tracks every key except those of commands preceded by `CLIENT CACHING no` (`OPTOUT`).
    pub fn optout(self) -> Self {
        self.token("OPTOUT")
    }

    /// No invalidations for keys this connection modified itself (`NOLOOP`).
    pub fn noloop(self) -> Self {
        self.token("NOLOOP")
    }
}

impl ToArgs for Tracking {
    fn write_args(&self, out: &mut Args) {
        self.args.write_args(out);
    }
}
