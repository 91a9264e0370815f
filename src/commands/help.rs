//! The `HELP` subcommands of container commands: the server's own usage text,
//! one line per entry.

use super::{subcommand, CommandTarget};

/// `<CONTAINER> HELP`: the server's usage text for a container command's subcommands.
pub trait HelpCommands: CommandTarget {
    /// Usage of the `ACL` subcommands. [ACL HELP](https://redis.io/docs/latest/commands/acl-help/)
    fn acl_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("ACL", "HELP"))
    }

    /// Usage of the `CLIENT` subcommands. [CLIENT HELP](https://redis.io/docs/latest/commands/client-help/)
    fn client_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("CLIENT", "HELP"))
    }

    /// Usage of the `CLUSTER` subcommands. [CLUSTER HELP](https://redis.io/docs/latest/commands/cluster-help/)
    fn cluster_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("CLUSTER", "HELP"))
    }

    /// Usage of the `COMMAND` subcommands. [COMMAND HELP](https://redis.io/docs/latest/commands/command-help/)
    fn command_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("COMMAND", "HELP"))
    }

    /// Usage of the `CONFIG` subcommands. [CONFIG HELP](https://redis.io/docs/latest/commands/config-help/)
    fn config_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("CONFIG", "HELP"))
    }

    /// Usage of the `FUNCTION` subcommands. [FUNCTION HELP](https://redis.io/docs/latest/commands/function-help/)
    fn function_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("FUNCTION", "HELP"))
    }

    /// Usage of the `LATENCY` subcommands. [LATENCY HELP](https://redis.io/docs/latest/commands/latency-help/)
    fn latency_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("LATENCY", "HELP"))
    }

    /// Usage of the `MEMORY` subcommands. [MEMORY HELP](https://redis.io/docs/latest/commands/memory-help/)
    fn memory_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("MEMORY", "HELP"))
    }

    /// Usage of the `MODULE` subcommands. [MODULE HELP](https://redis.io/docs/latest/commands/module-help/)
    fn module_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("MODULE", "HELP"))
    }

    /// Usage of the `OBJECT` subcommands. [OBJECT HELP](https://redis.io/docs/latest/commands/object-help/)
    fn object_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("OBJECT", "HELP"))
    }

    /// Usage of the `PUBSUB` subcommands. [PUBSUB HELP](https://redis.io/docs/latest/commands/pubsub-help/)
    fn pubsub_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("PUBSUB", "HELP"))
    }

    /// Usage of the `SCRIPT` subcommands. [SCRIPT HELP](https://redis.io/docs/latest/commands/script-help/)
    fn script_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("SCRIPT", "HELP"))
    }

    /// Usage of the `SLOWLOG` subcommands. [SLOWLOG HELP](https://redis.io/docs/latest/commands/slowlog-help/)
    fn slowlog_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("SLOWLOG", "HELP"))
    }

    /// Usage of the `XGROUP` subcommands. [XGROUP HELP](https://redis.io/docs/latest/commands/xgroup-help/)
    fn xgroup_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("XGROUP", "HELP"))
    }

    /// Usage of the `XINFO` subcommands. [XINFO HELP](https://redis.io/docs/latest/commands/xinfo-help/)
    fn xinfo_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("XINFO", "HELP"))
    }
}
