//! Raw commands: the escape hatch for anything without a typed method.

use std::fmt;

use crate::value::{Args, ToArgs};

/// A command built argument by argument.
///
/// ```
/// let cmd = anyredis::cmd("SET").arg("greeting").arg("hello").arg("EX").arg(60);
/// assert_eq!(cmd.args().len(), 5);
/// ```
#[derive(Clone, Default)]
pub struct Cmd {
    args: Args,
}

/// Starts a command with its name, e.g. `cmd("HSET")`.
pub fn cmd(name: &str) -> Cmd {
    Cmd::new(name)
}

impl Cmd {
    /// A command named `name` with no arguments yet.
    pub fn new(name: &str) -> Cmd {
        let mut args = Args::new();
        args.push(name.as_bytes());
        Cmd { args }
    }

    /// Adds argument(s): a scalar adds one, a collection or tuple adds each element.
    #[must_use]
    pub fn arg(mut self, arg: impl ToArgs) -> Cmd {
        arg.write_args(&mut self.args);
        self
    }

    /// Adds argument(s) in place.
    pub fn push_arg(&mut self, arg: impl ToArgs) -> &mut Cmd {
        arg.write_args(&mut self.args);
        self
    }

    /// The encoded arguments, name first.
    pub fn args(&self) -> &Args {
        &self.args
    }

    /// The command's arguments, name first.
    pub fn into_args(self) -> Args {
        self.args
    }
}

impl From<Args> for Cmd {
    fn from(args: Args) -> Cmd {
        Cmd { args }
    }
}

impl fmt::Debug for Cmd {
    /// Shows the arguments, with secrets (AUTH, HELLO ... AUTH, ...) redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cmd").field(&self.args).finish()
    }
}
