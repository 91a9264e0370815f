//! [`Script`]: a Lua script run by its SHA1 (`EVALSHA`), loaded on demand, so
//! callers never see `NOSCRIPT`, in pipelines and transactions too.

use std::sync::Arc;

use crate::commands::AsyncCommandTarget;
use crate::pipeline::Pipeline;
use crate::value::{Args, FromValue, ToArgs};
use crate::Result;

/// A Lua script, identified by its SHA1 (computed once, locally).
///
/// [`Script::key`] / [`Script::arg`] start a call; [`ScriptCall::invoke`] runs
/// it with `EVALSHA` on a [`crate::Client`], a dedicated
/// [`crate::Connection`] or a [`crate::Transaction`]. When the server does not
/// know the script (`NOSCRIPT`: a restart, `SCRIPT FLUSH`, a failover, or a
/// server that never saw it), the call loads it with `SCRIPT LOAD` and runs
/// it again, once, in the same round trip. [`ScriptCall::queue`] puts a call
/// in a [`Pipeline`]: the pipeline then loads its scripts in the same write,
/// just before its commands (before `MULTI` for an atomic one), so it never
/// fails with `NOSCRIPT` either. A script object is not tied to a client:
/// invoke it anywhere. Errors raised by the script come back as
/// [`crate::ErrorKind::Server`] errors with the script's message.
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use anyredis::prelude::*;
/// use anyredis::Script;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let multiply = Script::new("return redis.call('GET', KEYS[1]) * ARGV[1]");
/// client.set("foo", 2).await?;
/// let n: i64 = multiply.key("foo").arg(5).invoke(&client).await?;
/// assert_eq!(n, 10);
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
///
/// The SHA1 is the one Redis computes:
///
/// ```
/// let script = anyredis::Script::new("return 1");
/// assert_eq!(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Script {
    inner: Arc<Inner>,
}

#[derive(PartialEq, Eq)]
struct Inner {
    code: String,
    sha1: String,
}

impl Script {
    /// A script with this Lua source; its SHA1 is computed here, once.
    pub fn new(code: impl Into<String>) -> Script {
        let code = code.into();
        let sha1 = sha1_smol::Sha1::from(code.as_bytes()).digest().to_string();
        Script {
            inner: Arc::new(Inner { code, sha1 }),
        }
    }

    /// The Lua source.
    pub fn code(&self) -> &str {
        &self.inner.code
    }

    /// The SHA1 of the source, in lowercase hex: what `EVALSHA` names.
    pub fn sha1(&self) -> &str {
        &self.inner.sha1
    }

    /// Starts a call with a first key (`KEYS[1]`).
    pub fn key(&self, key: impl ToArgs) -> ScriptCall {
        self.call().key(key)
    }

    /// Starts a call with a first argument (`ARGV[1]`).
    pub fn arg(&self, arg: impl ToArgs) -> ScriptCall {
        self.call().arg(arg)
    }

    /// Starts a call with no keys or arguments yet.
    pub fn call(&self) -> ScriptCall {
        ScriptCall {
            script: self.clone(),
            keys: Args::new(),
            args: Args::new(),
            read_only: false,
        }
    }

    /// `SCRIPT LOAD` for this script.
    pub(crate) fn load_args(&self) -> Args {
        let mut args = Args::new();
        args.push(b"SCRIPT");
        args.push(b"LOAD");
        args.push(self.inner.code.as_bytes());
        args
    }
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("sha1", &self.inner.sha1)
            .finish_non_exhaustive()
    }
}

/// One call of a [`Script`]: its keys and arguments. Made by [`Script::key`],
/// [`Script::arg`] or [`Script::call`].
#[derive(Clone, Debug)]
#[must_use = "a script call does nothing until `invoke` or `queue`"]
pub struct ScriptCall {
    script: Script,
    keys: Args,
    args: Args,
    read_only: bool,
}

impl ScriptCall {
    /// Adds key(s) (`KEYS[n]`).
    pub fn key(mut self, key: impl ToArgs) -> ScriptCall {
        key.write_args(&mut self.keys);
        self
    }

    /// Adds argument(s) (`ARGV[n]`).
    pub fn arg(mut self, arg: impl ToArgs) -> ScriptCall {
        arg.write_args(&mut self.args);
        self
    }

    /// Runs it with `EVALSHA_RO` (Redis 7.0+): allowed on read-only replicas;
    /// the server refuses a script that writes.
    pub fn read_only(mut self) -> ScriptCall {
        self.read_only = true;
        self
    }

    /// The `EVALSHA` (or `EVALSHA_RO`) command of this call.
    fn evalsha(&self) -> Args {
        let mut args = Args::new();
        args.push(if self.read_only { b"EVALSHA_RO" } else { b"EVALSHA" });
        args.push(self.script.sha1().as_bytes());
        args.push_uint(u64::try_from(self.keys.len()).unwrap_or(u64::MAX));
        self.keys.write_args(&mut args);
        self.args.write_args(&mut args);
        args
    }

    /// Runs the script on `target` and converts its reply to `R`. On
    /// `NOSCRIPT` the script is loaded and run again, once (`SCRIPT LOAD` and
    /// `EVALSHA` sent together).
    pub async fn invoke<R: FromValue, T: AsyncCommandTarget + ?Sized>(&self, target: &T) -> Result<R> {
        match target.request::<R>(self.evalsha()).await {
            Err(e) if e.code() == Some("NOSCRIPT") => {
                let load = target.request::<String>(self.script.load_args());
                let run = target.request::<R>(self.evalsha());
                let (loaded, ran) = futures_util::future::join(load, run).await;
                // A script that does not compile fails its load: that error says why.
                loaded?;
                ran
            }
            other => other,
        }
    }

    /// Queues the call in `pipe`; the pipeline loads the script just before it
    /// runs, so the call cannot fail with `NOSCRIPT`.
    pub fn queue(self, pipe: &Pipeline) -> &Pipeline {
        pipe.push_script(&self.script, self.evalsha())
    }
}
