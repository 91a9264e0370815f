//! # anyredis
//!
//! An async Redis client that runs unchanged on **smol**, **async-std** and **tokio**.
//!
//! ```no_run
//! # futures_lite::future::block_on(async {
//! use anyredis::prelude::*;
//!
//! let client = Client::open("redis://127.0.0.1:6379/0")?; // no I/O yet
//! client.set("counter", 10).await?;                       // connects on first use
//! let n = client.incr("counter").await?;
//! assert_eq!(n, 11);
//! // Any command, typed reply:
//! let len: i64 = client.cmd("STRLEN").arg("counter").query().await?;
//! assert_eq!(len, 2);
//! # Ok::<(), anyredis::Error>(())
//! # });
//! ```
//!
//! ## Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `smol` | yes | [`Runtime::smol`]: smol's executor and the async-io reactor |
//! | `async-std` | no | [`Runtime::async_std`] (async-std is unmaintained upstream; it shares smol's async-io code path) |
//! | `tokio` | no | [`Runtime::tokio`] and [`Runtime::tokio_with_handle`] |
//! | `tls` | no | `rediss://` URLs and [`TlsConfig`], with rustls (ring) and the webpki root set |
//!
//! Features are additive. With exactly one runtime feature on, it is the
//! default; with several, choose one with [`ClientBuilder::runtime`] (otherwise
//! [`ClientBuilder::build`] returns a clear [`ErrorKind::Config`] error). Any
//! other runtime plugs in through the traits in [`rt`].
//!
//! ## How commands travel
//!
//! All clones of a [`Client`] share one connection. Concurrent commands are
//! written together and their replies matched in order, so concurrency is
//! pipelining:
//!
//! ```text
//!  task A ─ GET a ─┐                         ┌─> reply a ─> task A
//!  task B ─ GET b ─┼─> write buffer ─> one ──┤   (in order)
//!  task C ─ SET c ─┘                  write  └─> reply b ─> task B, OK ─> task C
//! ```
//!
//! A caller that drops its future never desynchronises the connection: its
//! reply is read and thrown away. Each command carries a routing class
//! ([`value::CommandClass`]), set when it is built: blocking commands
//! (`BLPOP`, `XREAD ... BLOCK`) run on a pooled dedicated connection so they
//! never stall the shared one; commands that change a connection's state
//! (`SELECT`, `WATCH`, `SUBSCRIBE`, `CLIENT TRACKING`, ...) are refused on the
//! shared connection with [`ErrorKind::Usage`] and run on a [`Connection`] of
//! your own ([`Client::dedicated`]). Reply futures own what they need
//! (`'static + Send`), so they can be spawned.
//!
//! ## Errors
//!
//! Every operation returns [`Error`]; [`Error::kind`] says what went wrong
//! ([`ErrorKind`]). Server errors keep the server's code (`WRONGTYPE`,
//! `NOAUTH`, ...) via [`Error::code`]. Passwords never appear in `Debug`,
//! `Display` or errors.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Lint policy: nothing a user configures or a server sends can reach an
// unchecked `+`, an index, an `unwrap` or a `panic!` (tests excepted); the few
// reviewed exceptions say why in place.
#![deny(unsafe_code, missing_docs, missing_debug_implementations)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing
    )
)]

mod backoff;
mod builder;
mod client;
mod cmd;
pub mod commands;
pub mod config;
mod connection;
mod dedicated;
mod error;
mod key_slot;
pub mod lock;
mod monitor;
mod multiplex;
mod pipeline;
mod pool;
pub mod pubsub;
mod request;
pub mod resp;
pub mod rt;
mod script;
mod transaction;
pub mod value;

pub use client::{BoundCmd, Client, ClientBuilder, PoolStatus};
pub use cmd::{cmd, Cmd};
pub use commands::CommandTarget;
pub use config::{Addr, Config, Protocol, TlsConfig};
pub use dedicated::Connection;
pub use error::{Error, ErrorKind, RequestState, Result, ServerError};
pub use key_slot::{key_slot, SLOT_COUNT};
pub use monitor::{Monitor, MonitorLine};
pub use pipeline::Pipeline;
pub use pool::PoolConfig;
pub use pubsub::PubSub;
pub use request::{ReplyFuture, BLOCKING_MARGIN};
pub use resp::Value;
pub use rt::Runtime;
pub use script::{Script, ScriptCall};
pub use transaction::{Transaction, DEFAULT_TRANSACTION_ATTEMPTS};
pub use value::{FromValue, ToArgs, ToSingleArg};

/// The README's code blocks, compiled (not run) as doc tests so they cannot
/// drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Everything most programs need: `use anyredis::prelude::*;`.
pub mod prelude {
    pub use crate::commands::{
        AclCommands, BitmapCommands, ClusterCommands, ConnectionCommands, DedicatedCommands, GeoCommands, HashCommands,
        HyperLogLogCommands, KeyCommands, ListCommands, PubSubCommands, ScanCommands, ScriptingCommands,
        ServerCommands, SetCommands, SortedSetCommands, StreamCommands, StringCommands,
    };
    pub use crate::{cmd, Client, Error, ErrorKind, FromValue, Result, ToArgs, Value};
}
