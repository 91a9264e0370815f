//! Typed replies of `COMMAND`, `COMMAND INFO` and `COMMAND DOCS`.

use std::collections::HashMap;

use crate::commands::reply::{item, items, Fields};
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// What the server says about one command, from `COMMAND` / `COMMAND INFO`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CommandInfo {
    /// The command's name in lowercase (`get`, or `config|get` for a subcommand).
    pub name: String,
    /// The number of arguments including the name; negative means "at least |arity|".
    pub arity: i64,
    /// The command flags (`readonly`, `fast`, `write`, `denyoom`, ...).
    pub flags: Vec<String>,
    /// The position of the first key argument (0 if none).
    pub first_key: i64,
    /// The position of the last key argument (negative counts from the end).
    pub last_key: i64,
    /// The step between key arguments.
    pub step: i64,
    /// The ACL categories (`@read`, `@string`, ...).
    pub acl_categories: Vec<String>,
    /// Hints for clients and proxies (`request_policy:all_shards`, ...).
    pub tips: Vec<String>,
    /// The key specifications, as sent (maps describing where keys are found).
    pub key_specs: Vec<Value>,
    /// The command's subcommands, for container commands such as `CONFIG`.
    pub subcommands: Vec<CommandInfo>,
}

impl FromValue for CommandInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        const NAME: &str = "CommandInfo";
        let mut parts = items(value, 6, NAME)?;
        Ok(CommandInfo {
            name: item(&mut parts, 0, NAME)?,
            arity: item(&mut parts, 1, NAME)?,
            flags: item(&mut parts, 2, NAME)?,
            first_key: item(&mut parts, 3, NAME)?,
            last_key: item(&mut parts, 4, NAME)?,
            step: item(&mut parts, 5, NAME)?,
            acl_categories: item(&mut parts, 6, NAME)?,
            tips: item(&mut parts, 7, NAME)?,
            key_specs: item(&mut parts, 8, NAME)?,
            subcommands: item(&mut parts, 9, NAME)?,
        })
    }
}

/// The documentation of one command, from `COMMAND DOCS`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CommandDocs {
    /// A one-line summary.
    pub summary: String,
    /// The Redis version that added the command.
    pub since: String,
    /// The command group (`string`, `server`, ...).
    pub group: String,
    /// The time complexity, if documented.
    pub complexity: Option<String>,
    /// The module that provides the command, for module commands.
    pub module: Option<String>,
    /// Documentation flags (`deprecated`, `syscmd`).
    pub doc_flags: Vec<String>,
    /// The version that deprecated the command, if any.
    pub deprecated_since: Option<String>,
    /// What replaces a deprecated command.
    pub replaced_by: Option<String>,
    /// `(version, change)` for each documented behaviour change.
    pub history: Vec<(String, String)>,
    /// The command's arguments.
    pub arguments: Vec<CommandArgument>,
    /// The documentation of each subcommand, by full name (`config|get`).
    pub subcommands: HashMap<String, CommandDocs>,
}

impl FromValue for CommandDocs {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut f = Fields::new(value, "CommandDocs")?;
        Ok(CommandDocs {
            summary: f.optional("summary")?.unwrap_or_default(),
            since: f.optional("since")?.unwrap_or_default(),
            group: f.optional("group")?.unwrap_or_default(),
            complexity: f.optional("complexity")?,
            module: f.optional("module")?,
            doc_flags: f.optional("doc_flags")?.unwrap_or_default(),
            deprecated_since: f.optional("deprecated_since")?,
            replaced_by: f.optional("replaced_by")?,
            history: f.optional("history")?.unwrap_or_default(),
            arguments: f.optional("arguments")?.unwrap_or_default(),
            subcommands: f.optional("subcommands")?.unwrap_or_default(),
        })
    }
}

/// One argument in a command's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandArgument {
    /// The argument's name.
    pub name: String,
    /// Its type: `string`, `integer`, `double`, `key`, `pattern`, `unix-time`,
    /// `pure-token`, `oneof` or `block`.
    pub kind: String,
    /// The name shown in syntax summaries, if different.
    pub display_text: Option<String>,
    /// For keys: the index of the key spec in [`CommandInfo::key_specs`].
    pub key_spec_index: Option<i64>,
    /// The literal token that precedes the argument (`EX`, `NX`, ...).
    pub token: Option<String>,
    /// A short description.
    pub summary: Option<String>,
    /// The Redis version that added the argument.
    pub since: Option<String>,
    /// The version that deprecated the argument.
    pub deprecated_since: Option<String>,
    /// `optional`, `multiple`, `multiple_token`.
    pub flags: Vec<String>,
    /// The nested arguments of a `oneof` or `block`.
    pub arguments: Vec<CommandArgument>,
}

impl FromValue for CommandArgument {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut f = Fields::new(value, "CommandArgument")?;
        Ok(CommandArgument {
            name: f.require("name")?,
            kind: f.require("type")?,
            display_text: f.optional("display_text")?,
            key_spec_index: f.optional("key_spec_index")?,
            token: f.optional("token")?,
            summary: f.optional("summary")?,
            since: f.optional("since")?,
            deprecated_since: f.optional("deprecated_since")?,
            flags: f.optional("flags")?.unwrap_or_default(),
            arguments: f.optional("arguments")?.unwrap_or_default(),
        })
    }
}
