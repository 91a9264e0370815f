//! ACL commands: <https://redis.io/docs/latest/commands/?group=server>.

mod rules;
mod types;

use super::{subcommand, CommandTarget};
use crate::value::{ToArgs, ToSingleArg};

pub use rules::AclRule;
pub use types::{AclDryRun, AclLogEntry, AclLogReason, AclSelectorInfo, AclUserInfo};

/// ACL commands.
pub trait AclCommands: CommandTarget {
    /// The ACL categories. [ACL CAT](https://redis.io/docs/latest/commands/acl-cat/)
    fn acl_cat(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("ACL", "CAT"))
    }

    /// The commands in one ACL category (name without `@`). [ACL CAT](https://redis.io/docs/latest/commands/acl-cat/)
    fn acl_cat_commands(&self, category: impl ToSingleArg) -> Self::Output<'_, Vec<String>> {
        let mut args = subcommand("ACL", "CAT");
        category.write_args(&mut args);
        self.command(args)
    }

    /// Deletes one or more users (closing their connections); returns how many existed.
    /// [ACL DELUSER](https://redis.io/docs/latest/commands/acl-deluser/)
    fn acl_deluser(&self, usernames: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = subcommand("ACL", "DELUSER");
        usernames.write_args(&mut args);
        self.command(args)
    }

    /// Whether `username` could run a full command line (name first), without running it.
    /// [ACL DRYRUN](https://redis.io/docs/latest/commands/acl-dryrun/)
    fn acl_dryrun(&self, username: impl ToSingleArg, command_line: impl ToArgs) -> Self::Output<'_, AclDryRun> {
        let mut args = subcommand("ACL", "DRYRUN");
        username.write_args(&mut args);
        command_line.write_args(&mut args);
        self.command(args)
    }

    /// A random 256-bit password as 64 hex characters. [ACL GENPASS](https://redis.io/docs/latest/commands/acl-genpass/)
    fn acl_genpass(&self) -> Self::Output<'_, String> {
        self.command(subcommand("ACL", "GENPASS"))
    }

    /// A random password of `bits` bits (rounded up to 4), as hex characters.
    /// [ACL GENPASS](https://redis.io/docs/latest/commands/acl-genpass/)
    fn acl_genpass_bits(&self, bits: u32) -> Self::Output<'_, String> {
        let mut args = subcommand("ACL", "GENPASS");
        args.push_uint(u64::from(bits));
        self.command(args)
    }

    /// A user's rules; `None` if there is no such user. [ACL GETUSER](https://redis.io/docs/latest/commands/acl-getuser/)
    fn acl_getuser(&self, username: impl ToSingleArg) -> Self::Output<'_, Option<AclUserInfo>> {
        let mut args = subcommand("ACL", "GETUSER");
        username.write_args(&mut args);
        self.command(args)
    }

    /// Every user's rules, one `user ...` line each (passwords as hashes).
    /// [ACL LIST](https://redis.io/docs/latest/commands/acl-list/)
    fn acl_list(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("ACL", "LIST"))
    }

    /// Reloads the users from the ACL file. [ACL LOAD](https://redis.io/docs/latest/commands/acl-load/)
    fn acl_load(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("ACL", "LOAD"))
    }

    /// The recent denied commands and failed logins, newest first (the server sends 10 by default).
    /// [ACL LOG](https://redis.io/docs/latest/commands/acl-log/)
    fn acl_log(&self) -> Self::Output<'_, Vec<AclLogEntry>> {
        self.command(subcommand("ACL", "LOG"))
    }

    /// The `count` most recent ACL log entries. [ACL LOG](https://redis.io/docs/latest/commands/acl-log/)
    fn acl_log_count(&self, count: u64) -> Self::Output<'_, Vec<AclLogEntry>> {
        let mut args = subcommand("ACL", "LOG");
        args.push_uint(count);
        self.command(args)
    }

    /// Clears the ACL log. [ACL LOG](https://redis.io/docs/latest/commands/acl-log/)
    fn acl_log_reset(&self) -> Self::Output<'_, ()> {
        let mut args = subcommand("ACL", "LOG");
        args.push(b"RESET");
        self.command(args)
    }

    /// Writes the users to the ACL file. [ACL SAVE](https://redis.io/docs/latest/commands/acl-save/)
    fn acl_save(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("ACL", "SAVE"))
    }

    /// Creates a user or changes its rules ([`AclRule`]s or strings such as `">secret"`);
    /// rules apply left to right. [ACL SETUSER](https://redis.io/docs/latest/commands/acl-setuser/)
    fn acl_setuser(&self, username: impl ToSingleArg, rules: impl ToArgs) -> Self::Output<'_, ()> {
        let mut args = subcommand("ACL", "SETUSER");
        username.write_args(&mut args);
        rules.write_args(&mut args);
        self.command(args)
    }

    /// The names of all users. [ACL USERS](https://redis.io/docs/latest/commands/acl-users/)
    fn acl_users(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("ACL", "USERS"))
    }

    /// The user this connection is authenticated as. [ACL WHOAMI](https://redis.io/docs/latest/commands/acl-whoami/)
    fn acl_whoami(&self) -> Self::Output<'_, String> {
        self.command(subcommand("ACL", "WHOAMI"))
    }

    /// Usage of the `ACL` subcommands. [ACL HELP](https://redis.io/docs/latest/commands/acl-help/)
    fn acl_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("ACL", "HELP"))
    }
}
