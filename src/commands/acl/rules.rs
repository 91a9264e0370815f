//! [`AclRule`], one rule of `ACL SETUSER`.

use std::fmt;

use crate::value::{Args, ToArgs, ToSingleArg};

/// One rule of `ACL SETUSER`, written as one argument.
///
/// Plain strings work as rules too (`["on", ">secret", "~app:*", "+@read"]`);
/// this enum spells them out. `Debug` never shows passwords or password hashes
/// (and the arguments of every `ACL` command are hidden in the `Debug` of
/// [`Args`]).
///
/// ```
/// use anyredis::commands::AclRule;
///
/// let rules = [AclRule::On, AclRule::password("s3cret"), AclRule::key_pattern("app:*"), AclRule::allow_category("read")];
/// assert!(!format!("{rules:?}").contains("s3cret"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AclRule {
    /// `on`: enable the user.
    On,
    /// `off`: disable the user (existing connections stay authenticated).
    Off,
    /// `>password`: add a valid password.
    AddPassword(String),
    /// `<password`: remove a valid password.
    RemovePassword(String),
    /// `#hash`: add a password by its SHA-256 hash (64 hex characters).
    AddHashedPassword(String),
    /// `!hash`: remove a password by its SHA-256 hash.
    RemoveHashedPassword(String),
    /// `nopass`: any password works (and all passwords are removed).
    NoPass,
    /// `resetpass`: remove all passwords and `nopass`.
    ResetPass,
    /// `~pattern`: allow read and write access to keys matching a glob pattern.
    KeyPattern(String),
    /// `%R~pattern`: allow read access to keys matching a glob pattern.
    ReadKeyPattern(String),
    /// `%W~pattern`: allow write access to keys matching a glob pattern.
    WriteKeyPattern(String),
    /// `allkeys`: the same as `~*`.
    AllKeys,
    /// `resetkeys`: remove all key patterns.
    ResetKeys,
    /// `&pattern`: allow Pub/Sub channels matching a glob pattern.
    ChannelPattern(String),
    /// `allchannels`: the same as `&*`.
    AllChannels,
    /// `resetchannels`: remove all channel patterns.
    ResetChannels,
    /// `+command` or `+command|subcommand`: allow a command.
    AllowCommand(String),
    /// `-command` or `-command|subcommand`: deny a command.
    DenyCommand(String),
    /// `+@category`: allow the commands of an ACL category (name without `@`).
    AllowCategory(String),
    /// `-@category`: deny the commands of an ACL category (name without `@`).
    DenyCategory(String),
    /// `allcommands`: the same as `+@all`.
    AllCommands,
    /// `nocommands`: the same as `-@all`.
    NoCommands,
    /// `(rules)`: add a selector, written as its rules separated by spaces.
    Selector(String),
    /// `clearselectors`: remove all selectors.
    ClearSelectors,
    /// `reset`: back to a new user's state (`resetpass resetkeys resetchannels off -@all`).
    Reset,
    /// Any other rule, written as is. Hidden in `Debug` when it starts with
    /// `>`, `<`, `#` or `!` (a password or hash).
    Raw(String),
}

impl AclRule {
    /// `>password`: add a valid password.
    pub fn password(password: impl Into<String>) -> Self {
        AclRule::AddPassword(password.into())
    }

    /// `~pattern`: allow keys matching a glob pattern.
    pub fn key_pattern(pattern: impl Into<String>) -> Self {
        AclRule::KeyPattern(pattern.into())
    }

    /// `&pattern`: allow channels matching a glob pattern.
    pub fn channel_pattern(pattern: impl Into<String>) -> Self {
        AclRule::ChannelPattern(pattern.into())
    }

    /// `+command`: allow a command (`"get"`, `"config|get"`).
    pub fn allow_command(command: impl Into<String>) -> Self {
        AclRule::AllowCommand(command.into())
    }

    /// `-command`: deny a command.
    pub fn deny_command(command: impl Into<String>) -> Self {
        AclRule::DenyCommand(command.into())
    }

    /// `+@category`: allow an ACL category (`"read"`, `"string"`, ...).
    pub fn allow_category(category: impl Into<String>) -> Self {
        AclRule::AllowCategory(category.into())
    }

    /// `-@category`: deny an ACL category.
    pub fn deny_category(category: impl Into<String>) -> Self {
        AclRule::DenyCategory(category.into())
    }

    /// The rule's fixed word or prefix, and the text after it.
    fn parts(&self) -> (&'static str, &str) {
        match self {
            AclRule::On => ("on", ""),
            AclRule::Off => ("off", ""),
            AclRule::AddPassword(p) => (">", p),
            AclRule::RemovePassword(p) => ("<", p),
            AclRule::AddHashedPassword(h) => ("#", h),
            AclRule::RemoveHashedPassword(h) => ("!", h),
            AclRule::NoPass => ("nopass", ""),
            AclRule::ResetPass => ("resetpass", ""),
            AclRule::KeyPattern(p) => ("~", p),
            AclRule::ReadKeyPattern(p) => ("%R~", p),
            AclRule::WriteKeyPattern(p) => ("%W~", p),
            AclRule::AllKeys => ("allkeys", ""),
            AclRule::ResetKeys => ("resetkeys", ""),
            AclRule::ChannelPattern(p) => ("&", p),
            AclRule::AllChannels => ("allchannels", ""),
            AclRule::ResetChannels => ("resetchannels", ""),
            AclRule::AllowCommand(c) => ("+", c),
            AclRule::DenyCommand(c) => ("-", c),
            AclRule::AllowCategory(c) => ("+@", c),
            AclRule::DenyCategory(c) => ("-@", c),
            AclRule::AllCommands => ("allcommands", ""),
            AclRule::NoCommands => ("nocommands", ""),
            AclRule::Selector(s) => ("(", s),
            AclRule::ClearSelectors => ("clearselectors", ""),
            AclRule::Reset => ("reset", ""),
            AclRule::Raw(r) => ("", r),
        }
    }

    /// The rule as one argument.
    fn text(&self) -> String {
        let (prefix, rest) = self.parts();
        let close = if matches!(self, AclRule::Selector(_)) { ")" } else { "" };
        format!("{prefix}{rest}{close}")
    }

    /// Whether the rule holds a password or a password hash.
    fn is_secret(&self) -> bool {
        match self {
            AclRule::AddPassword(_)
            | AclRule::RemovePassword(_)
            | AclRule::AddHashedPassword(_)
            | AclRule::RemoveHashedPassword(_) => true,
            AclRule::Raw(r) => r.starts_with(['>', '<', '#', '!']),
            _ => false,
        }
    }
}

impl ToArgs for AclRule {
    fn write_args(&self, out: &mut Args) {
        out.push(self.text().as_bytes());
    }
}

impl ToSingleArg for AclRule {}

impl fmt::Debug for AclRule {
    /// The rule as written (`AclRule("~app:*")`), with passwords and hashes
    /// replaced: `AclRule("><redacted>")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_secret() {
            let (prefix, rest) = self.parts();
            let prefix = if prefix.is_empty() {
                rest.get(..1).unwrap_or("")
            } else {
                prefix
            };
            write!(f, "AclRule(\"{prefix}<redacted>\")")
        } else {
            write!(f, "AclRule({:?})", self.text())
        }
    }
}
