//! Scripting and function commands: <https://redis.io/docs/latest/commands/?group=scripting>.
//!
//! Scripts and functions take their keys and their other arguments as two
//! separate parameters (each zero or more values); the number of keys is counted
//! for you. Pass an empty array (`[""; 0]`) or `Vec` for none.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;

use super::reply::Fields;
use super::{command, subcommand, CommandTarget, FlushMode};
use crate::resp::Value;
use crate::value::{Args, ConversionError, FromValue, ToArgs, ToSingleArg};

/// Scripting and function commands.
pub trait ScriptingCommands: CommandTarget {
    /// Runs the Lua `script` with `keys` and `args` (each zero or more); the
    /// script's result converts to the type you ask for (`Option<_>` if it may
    /// return nil). [EVAL](https://redis.io/docs/latest/commands/eval/)
    fn eval<R: FromValue>(
        &self,
        script: impl ToSingleArg,
        keys: impl ToArgs,
        args: impl ToArgs,
    ) -> Self::Output<'_, R> {
        self.command(script_call(command("EVAL"), script, keys, args))
    }

    /// Runs the cached script with SHA1 digest `sha1` (see
    /// [`script_load`](Self::script_load)); a `NOSCRIPT` error when it is not
    /// cached. [EVALSHA](https://redis.io/docs/latest/commands/evalsha/)
    fn evalsha<R: FromValue>(
        &self,
        sha1: impl ToSingleArg,
        keys: impl ToArgs,
        args: impl ToArgs,
    ) -> Self::Output<'_, R> {
        self.command(script_call(command("EVALSHA"), sha1, keys, args))
    }

    /// Runs a read-only Lua script (it may run on replicas; writes fail).
    /// [EVAL_RO](https://redis.io/docs/latest/commands/eval_ro/)
    fn eval_ro<R: FromValue>(
        &self,
        script: impl ToSingleArg,
        keys: impl ToArgs,
        args: impl ToArgs,
    ) -> Self::Output<'_, R> {
        self.command(script_call(command("EVAL_RO"), script, keys, args))
    }

    /// Runs a cached read-only script. [EVALSHA_RO](https://redis.io/docs/latest/commands/evalsha_ro/)
    fn evalsha_ro<R: FromValue>(
        &self,
        sha1: impl ToSingleArg,
        keys: impl ToArgs,
        args: impl ToArgs,
    ) -> Self::Output<'_, R> {
        self.command(script_call(command("EVALSHA_RO"), sha1, keys, args))
    }

    /// Calls the library function `function` with `keys` and `args` (each zero or
    /// more). [FCALL](https://redis.io/docs/latest/commands/fcall/)
    fn fcall<R: FromValue>(
        &self,
        function: impl ToSingleArg,
        keys: impl ToArgs,
        args: impl ToArgs,
    ) -> Self::Output<'_, R> {
        self.command(script_call(command("FCALL"), function, keys, args))
    }

    /// Calls a function flagged `no-writes`. [FCALL_RO](https://redis.io/docs/latest/commands/fcall_ro/)
    fn fcall_ro<R: FromValue>(
        &self,
        function: impl ToSingleArg,
        keys: impl ToArgs,
        args: impl ToArgs,
    ) -> Self::Output<'_, R> {
        self.command(script_call(command("FCALL_RO"), function, keys, args))
    }

    /// Whether each script digest (one or more) is cached, in order.
    /// [SCRIPT EXISTS](https://redis.io/docs/latest/commands/script-exists/)
    fn script_exists(&self, sha1s: impl ToArgs) -> Self::Output<'_, Vec<bool>> {
        let mut args = subcommand("SCRIPT", "EXISTS");
        sha1s.write_args(&mut args);
        self.command(args)
    }

    /// Empties the script cache, in the background or not (`None`: the server's
    /// default). [SCRIPT FLUSH](https://redis.io/docs/latest/commands/script-flush/)
    fn script_flush(&self, mode: Option<FlushMode>) -> Self::Output<'_, ()> {
        let mut args = subcommand("SCRIPT", "FLUSH");
        mode.write_args(&mut args);
        self.command(args)
    }

    /// Caches `script` without running it; returns its SHA1 digest (hex) for
    /// [`evalsha`](Self::evalsha). [SCRIPT LOAD](https://redis.io/docs/latest/commands/script-load/)
    fn script_load(&self, script: impl ToSingleArg) -> Self::Output<'_, String> {
        let mut args = subcommand("SCRIPT", "LOAD");
        script.write_args(&mut args);
        self.command(args)
    }

    /// Stops the running script if it has not written yet (`NOTBUSY` error when
    /// none runs). [SCRIPT KILL](https://redis.io/docs/latest/commands/script-kill/)
    fn script_kill(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("SCRIPT", "KILL"))
    }

    /// Loads a function library from its source `code` (starting `#!lua name=...`);
    /// returns the library's name. Fails when the library exists.
    /// [FUNCTION LOAD](https://redis.io/docs/latest/commands/function-load/)
    fn function_load(&self, code: impl ToSingleArg) -> Self::Output<'_, String> {
        let mut args = subcommand("FUNCTION", "LOAD");
        code.write_args(&mut args);
        self.command(args)
    }

    /// Loads a function library, replacing one of the same name (`REPLACE`).
    /// [FUNCTION LOAD](https://redis.io/docs/latest/commands/function-load/)
    fn function_load_replace(&self, code: impl ToSingleArg) -> Self::Output<'_, String> {
        let mut args = subcommand("FUNCTION", "LOAD");
        args.push(b"REPLACE");
        code.write_args(&mut args);
        self.command(args)
    }

    /// Deletes the function library `library`. [FUNCTION DELETE](https://redis.io/docs/latest/commands/function-delete/)
    fn function_delete(&self, library: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = subcommand("FUNCTION", "DELETE");
        library.write_args(&mut args);
        self.command(args)
    }

    /// Deletes every function library (`None`: the server's default mode).
    /// [FUNCTION FLUSH](https://redis.io/docs/latest/commands/function-flush/)
    fn function_flush(&self, mode: Option<FlushMode>) -> Self::Output<'_, ()> {
        let mut args = subcommand("FUNCTION", "FLUSH");
        mode.write_args(&mut args);
        self.command(args)
    }

    /// The loaded function libraries and their functions. [FUNCTION LIST](https://redis.io/docs/latest/commands/function-list/)
    fn function_list(&self) -> Self::Output<'_, Vec<LibraryInfo>> {
        self.command(subcommand("FUNCTION", "LIST"))
    }

    /// The libraries whose name matches a pattern, with or without their code.
    /// [FUNCTION LIST](https://redis.io/docs/latest/commands/function-list/)
    fn function_list_options(&self, options: FunctionListOptions) -> Self::Output<'_, Vec<LibraryInfo>> {
        let mut args = subcommand("FUNCTION", "LIST");
        options.write_args(&mut args);
        self.command(args)
    }

    /// Every library serialised, for [`function_restore`](Self::function_restore).
    /// [FUNCTION DUMP](https://redis.io/docs/latest/commands/function-dump/)
    fn function_dump(&self) -> Self::Output<'_, Bytes> {
        self.command(subcommand("FUNCTION", "DUMP"))
    }

    /// Restores libraries from a [`function_dump`](Self::function_dump) payload;
    /// `policy` says what happens to existing ones (`None`: `APPEND`).
    /// [FUNCTION RESTORE](https://redis.io/docs/latest/commands/function-restore/)
    fn function_restore(&self, payload: impl ToSingleArg, policy: Option<RestorePolicy>) -> Self::Output<'_, ()> {
        let mut args = subcommand("FUNCTION", "RESTORE");
        (payload, policy).write_args(&mut args);
        self.command(args)
    }

    /// The running function, if any, and the loaded libraries per engine.
    /// [FUNCTION STATS](https://redis.io/docs/latest/commands/function-stats/)
    fn function_stats(&self) -> Self::Output<'_, FunctionStats> {
        self.command(subcommand("FUNCTION", "STATS"))
    }

    /// Stops the running function if it has not written yet (`NOTBUSY` error when
    /// none runs). [FUNCTION KILL](https://redis.io/docs/latest/commands/function-kill/)
    fn function_kill(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("FUNCTION", "KILL"))
    }

    /// Usage of the `FUNCTION` subcommands. [FUNCTION HELP](https://redis.io/docs/latest/commands/function-help/)
    fn function_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("FUNCTION", "HELP"))
    }
    /// Usage of the `SCRIPT` subcommands. [SCRIPT HELP](https://redis.io/docs/latest/commands/script-help/)
    fn script_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("SCRIPT", "HELP"))
    }
}

/// `args` (a script or function call) with the script / function, the number of
/// keys, the keys and the other arguments.
fn script_call(mut args: Args, target: impl ToArgs, keys: impl ToArgs, argv: impl ToArgs) -> Args {
    let mut key_args = Args::new();
    keys.write_args(&mut key_args);
    target.write_args(&mut args);
    args.push_uint(key_args.len() as u64);
    (key_args, argv).write_args(&mut args);
    args
}

/// What `FUNCTION RESTORE` does with the libraries already loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RestorePolicy {
    /// Delete them all first (`FLUSH`).
    Flush,
    /// Keep them; fail on a library name that exists (`APPEND`, the default).
    Append,
    /// Replace the ones with the same names (`REPLACE`).
    Replace,
}

impl ToArgs for RestorePolicy {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            RestorePolicy::Flush => b"FLUSH",
            RestorePolicy::Append => b"APPEND",
            RestorePolicy::Replace => b"REPLACE",
        });
    }
}

/// Options of `FUNCTION LIST`: a library name pattern and `WITHCODE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionListOptions {
    pattern: Option<Bytes>,
    with_code: bool,
}

impl FunctionListOptions {
    /// No options: every library, without code.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only libraries whose name matches the glob-style `pattern` (`LIBRARYNAME`).
    pub fn library_name(mut self, pattern: impl AsRef<[u8]>) -> Self {
        self.pattern = Some(Bytes::copy_from_slice(pattern.as_ref()));
        self
    }

    /// Include each library's source code (`WITHCODE`).
    pub fn with_code(mut self) -> Self {
        self.with_code = true;
        self
    }
}

impl ToArgs for FunctionListOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(pattern) = &self.pattern {
            out.push(b"LIBRARYNAME");
            out.push(pattern);
        }
        if self.with_code {
            out.push(b"WITHCODE");
        }
    }
}

/// One function library, from `FUNCTION LIST`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibraryInfo {
    /// The library's name.
    pub name: String,
    /// Its engine (`LUA`).
    pub engine: String,
    /// Its functions.
    pub functions: Vec<FunctionInfo>,
    /// Its source code, when listed `WITHCODE`.
    pub code: Option<String>,
}

impl FromValue for LibraryInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "LibraryInfo")?;
        Ok(LibraryInfo {
            name: m.take("library_name")?,
            engine: m.take("engine")?,
            functions: m.take("functions")?,
            code: m.take("library_code")?,
        })
    }
}

/// One function of a [`LibraryInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionInfo {
    /// The function's name.
    pub name: String,
    /// Its description, if it has one.
    pub description: Option<String>,
    /// Its flags (`no-writes`, `allow-oom`, ...).
    pub flags: Vec<String>,
}

impl FromValue for FunctionInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "FunctionInfo")?;
        Ok(FunctionInfo {
            name: m.take("name")?,
            description: m.take("description")?,
            flags: m.take("flags")?,
        })
    }
}

/// The reply of `FUNCTION STATS`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionStats {
    /// The function running now, if any.
    pub running_script: Option<RunningFunction>,
    /// Per engine (`LUA`), how many libraries and functions are loaded.
    pub engines: HashMap<String, EngineStats>,
}

impl FromValue for FunctionStats {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "FunctionStats")?;
        Ok(FunctionStats {
            running_script: m.take("running_script")?,
            engines: m.take("engines")?,
        })
    }
}

/// The function running now, in [`FunctionStats`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunningFunction {
    /// The function's name.
    pub name: String,
    /// The command that called it, with its arguments.
    pub command: Vec<Bytes>,
    /// How long it has been running.
    pub duration: Duration,
}

impl FromValue for RunningFunction {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "RunningFunction")?;
        Ok(RunningFunction {
            name: m.take("name")?,
            command: m.take("command")?,
            duration: m.millis("duration_ms")?,
        })
    }
}

/// The libraries and functions of one engine, in [`FunctionStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EngineStats {
    /// How many libraries are loaded.
    pub libraries_count: u64,
    /// How many functions they have.
    pub functions_count: u64,
}

impl FromValue for EngineStats {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "EngineStats")?;
        Ok(EngineStats {
            libraries_count: m.take("libraries_count")?,
            functions_count: m.take("functions_count")?,
        })
    }
}
