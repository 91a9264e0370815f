//! Options of the server commands: flush modes, `SHUTDOWN`, `FAILOVER`,
//! `REPLICAOF`, `COMMAND LIST` filters and `MODULE LOADEX`.

use std::time::Duration;

use crate::value::{Args, ToArgs};

/// How `FLUSHALL`, `FLUSHDB`, `SCRIPT FLUSH` and `FUNCTION FLUSH` free memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FlushMode {
    /// `ASYNC`: the keys are freed in a background thread.
    Async,
    /// `SYNC`: the keys are freed before the command returns.
    Sync,
}

impl ToArgs for FlushMode {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            FlushMode::Async => b"ASYNC",
            FlushMode::Sync => b"SYNC",
        });
    }
}

/// Options of `SHUTDOWN`.
///
/// ```
/// use anyredis::commands::ShutdownOptions;
/// use anyredis::value::{Args, ToArgs};
///
/// let opts = ShutdownOptions::new().nosave().now().force();
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"NOSAVE"[..], b"NOW", b"FORCE"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownOptions {
    save: Option<bool>,
    now: bool,
    force: bool,
    abort: bool,
}

impl ShutdownOptions {
    /// No options: the server saves if save points are configured.
    pub fn new() -> Self {
        Self::default()
    }

    /// `NOSAVE`: do not save the dataset, even with save points configured.
    pub fn nosave(mut self) -> Self {
        self.save = Some(false);
        self
    }

    /// `SAVE`: save the dataset, even without save points configured.
    pub fn save(mut self) -> Self {
        self.save = Some(true);
        self
    }

    /// `NOW`: do not wait for lagging replicas.
    pub fn now(mut self) -> Self {
        self.now = true;
        self
    }

    /// `FORCE`: shut down even if saving or rewriting the AOF fails.
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// `ABORT`: cancel a shutdown that is waiting for replicas. Not combined with the other options.
    pub fn abort(mut self) -> Self {
        self.abort = true;
        self
    }
}

impl ToArgs for ShutdownOptions {
    fn write_args(&self, out: &mut Args) {
        match self.save {
            Some(true) => out.push(b"SAVE"),
            Some(false) => out.push(b"NOSAVE"),
            None => {}
        }
        for (on, word) in [(self.now, "NOW"), (self.force, "FORCE"), (self.abort, "ABORT")] {
            if on {
                out.push(word.as_bytes());
            }
        }
    }
}

/// Options of `FAILOVER`.
///
/// ```
/// use std::time::Duration;
/// use anyredis::commands::FailoverOptions;
/// use anyredis::value::{Args, ToArgs};
///
/// let opts = FailoverOptions::new().to("10.0.0.2", 6379).timeout(Duration::from_secs(5));
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// // The timeout is sent in milliseconds.
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"TO"[..], b"10.0.0.2", b"6379", b"TIMEOUT", b"5000"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailoverOptions {
    to: Option<(String, u16)>,
    force: bool,
    abort: bool,
    timeout: Option<Duration>,
}

impl FailoverOptions {
    /// No options: fail over to any replica that catches up.
    pub fn new() -> Self {
        Self::default()
    }

    /// `TO host port`: the replica to promote.
    pub fn to(mut self, host: impl Into<String>, port: u16) -> Self {
        self.to = Some((host.into(), port));
        self
    }

    /// `FORCE`: promote the replica named by [`to`](Self::to) even if it has not
    /// caught up when the timeout passes (needs `to` and `timeout`).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// `ABORT`: cancel a failover in progress.
    pub fn abort(mut self) -> Self {
        self.abort = true;
        self
    }

    /// `TIMEOUT ms`: how long to wait for the replica to catch up (whole
    /// milliseconds, rounded up).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl ToArgs for FailoverOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some((host, port)) = &self.to {
            out.push(b"TO");
            out.push(host.as_bytes());
            out.push_uint(u64::from(*port));
        }
        if self.force {
            out.push(b"FORCE");
        }
        if self.abort {
            out.push(b"ABORT");
        }
        if let Some(timeout) = self.timeout {
            out.push(b"TIMEOUT");
            out.push_uint(crate::commands::time::millis_ceil(timeout));
        }
    }
}

/// The target of `REPLICAOF` / `SLAVEOF`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplicaOf {
    /// `NO ONE`: stop replicating and become a master.
    NoOne,
    /// Replicate the master at `host:port`.
    Master {
        /// The master's host name or address.
        host: String,
        /// The master's port.
        port: u16,
    },
}

impl ReplicaOf {
    /// Replicate the master at `host:port`.
    pub fn master(host: impl Into<String>, port: u16) -> Self {
        ReplicaOf::Master {
            host: host.into(),
            port,
        }
    }
}

impl ToArgs for ReplicaOf {
    fn write_args(&self, out: &mut Args) {
        match self {
            ReplicaOf::NoOne => {
                out.push(b"NO");
                out.push(b"ONE");
            }
            ReplicaOf::Master { host, port } => {
                out.push(host.as_bytes());
                out.push_uint(u64::from(*port));
            }
        }
    }
}

/// The filter of `COMMAND LIST FILTERBY`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandListFilter {
    /// `MODULE name`: the commands of one module.
    Module(String),
    /// `ACLCAT category`: the commands in one ACL category (`"read"`, `"admin"`, ...).
    AclCategory(String),
    /// `PATTERN glob`: the commands whose names match a glob pattern.
    Pattern(String),
}

impl ToArgs for CommandListFilter {
    fn write_args(&self, out: &mut Args) {
        out.push(b"FILTERBY");
        let (word, value): (&[u8], &str) = match self {
            CommandListFilter::Module(v) => (b"MODULE", v),
            CommandListFilter::AclCategory(v) => (b"ACLCAT", v),
            CommandListFilter::Pattern(v) => (b"PATTERN", v),
        };
        out.push(word);
        out.push(value.as_bytes());
    }
}

/// Configuration and arguments of `MODULE LOADEX`.
///
/// ```
/// use anyredis::commands::ModuleLoadOptions;
/// use anyredis::value::{Args, ToArgs};
///
/// let opts = ModuleLoadOptions::new().config("mymod.level", "3").arg("verbose");
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"CONFIG"[..], b"mymod.level", b"3", b"ARGS", b"verbose"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleLoadOptions {
    configs: Vec<(String, String)>,
    args: Vec<String>,
}

impl ModuleLoadOptions {
    /// No configuration and no arguments.
    pub fn new() -> Self {
        Self::default()
    }

    /// `CONFIG name value`: sets one of the module's configuration parameters.
    pub fn config(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.configs.push((name.into(), value.into()));
        self
    }

    /// Adds one argument passed to the module's `OnLoad` (after `ARGS`).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }
}

impl ToArgs for ModuleLoadOptions {
    fn write_args(&self, out: &mut Args) {
        for (name, value) in &self.configs {
            out.push(b"CONFIG");
            out.push(name.as_bytes());
            out.push(value.as_bytes());
        }
        if !self.args.is_empty() {
            out.push(b"ARGS");
            for arg in &self.args {
                out.push(arg.as_bytes());
            }
        }
    }
}
