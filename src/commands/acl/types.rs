//! Typed replies of the ACL commands: `ACL GETUSER`, `ACL LOG`, `ACL DRYRUN`.

use std::time::{Duration, SystemTime};

use crate::commands::reply::{unix_millis, Fields};
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// A user's ACL rules, from `ACL GETUSER`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AclUserInfo {
    /// Flags: `on` or `off`, and e.g. `nopass`, `skip-sanitize-payload`.
    pub flags: Vec<String>,
    /// The SHA-256 hashes of the user's passwords (never the passwords).
    pub passwords: Vec<String>,
    /// The command rules, e.g. `"-@all +get"`.
    pub commands: String,
    /// The key patterns, e.g. `"~app:* %R~ro:*"` (empty when none).
    pub keys: String,
    /// The channel patterns, e.g. `"&*"` (empty when none).
    pub channels: String,
    /// The user's selectors (Redis 7.0+).
    pub selectors: Vec<AclSelectorInfo>,
}

impl AclUserInfo {
    /// Whether the user is enabled (`on`).
    pub fn is_enabled(&self) -> bool {
        self.flags.iter().any(|f| f == "on")
    }

    /// Whether any password is accepted (`nopass`).
    pub fn is_nopass(&self) -> bool {
        self.flags.iter().any(|f| f == "nopass")
    }
}

impl FromValue for AclUserInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut f = Fields::new(value, "AclUserInfo")?;
        Ok(AclUserInfo {
            flags: f.require("flags")?,
            passwords: f.require("passwords")?,
            commands: f.require("commands")?,
            keys: f.optional::<Joined>("keys")?.unwrap_or_default().0,
            channels: f.optional::<Joined>("channels")?.unwrap_or_default().0,
            selectors: f.optional("selectors")?.unwrap_or_default(),
        })
    }
}

/// One selector of a user, from `ACL GETUSER`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AclSelectorInfo {
    /// The command rules.
    pub commands: String,
    /// The key patterns.
    pub keys: String,
    /// The channel patterns.
    pub channels: String,
}

impl FromValue for AclSelectorInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut f = Fields::new(value, "AclSelectorInfo")?;
        Ok(AclSelectorInfo {
            commands: f.require("commands")?,
            keys: f.optional::<Joined>("keys")?.unwrap_or_default().0,
            channels: f.optional::<Joined>("channels")?.unwrap_or_default().0,
        })
    }
}

/// Patterns sent as one string (Redis 7) or as a list (Redis 6), as one string.
#[derive(Default)]
struct Joined(String);

impl FromValue for Joined {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Array(_) | Value::Set(_) => Ok(Joined(Vec::<String>::from_value(value)?.join(" "))),
            other => String::from_value(other).map(Joined),
        }
    }
}

/// Why an `ACL LOG` entry was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AclLogReason {
    /// `auth`: a failed authentication.
    Auth,
    /// `command`: a command the user may not run.
    Command,
    /// `key`: a key the user may not access.
    Key,
    /// `channel`: a channel the user may not access.
    Channel,
    /// A reason this client does not know.
    Other(String),
}

impl From<String> for AclLogReason {
    fn from(reason: String) -> Self {
        match reason.as_str() {
            "auth" => AclLogReason::Auth,
            "command" => AclLogReason::Command,
            "key" => AclLogReason::Key,
            "channel" => AclLogReason::Channel,
            _ => AclLogReason::Other(reason),
        }
    }
}

/// One entry of `ACL LOG`: a denied command or failed authentication.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AclLogEntry {
    /// How many similar events this entry groups.
    pub count: u64,
    /// Why it was logged.
    pub reason: AclLogReason,
    /// Where: `toplevel`, `multi`, `lua` or `module`.
    pub context: String,
    /// The command, key or channel that was denied (`auth` for authentication).
    pub object: String,
    /// The user name.
    pub username: String,
    /// How long ago the entry was last updated.
    pub age: Duration,
    /// The client's description, as `CLIENT LIST` shows it.
    pub client_info: String,
    /// The entry's id (Redis 7.2+).
    pub entry_id: Option<u64>,
    /// When the entry was created (Redis 7.2+).
    pub created: Option<SystemTime>,
    /// When the entry was last updated (Redis 7.2+).
    pub last_updated: Option<SystemTime>,
}

impl FromValue for AclLogEntry {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut f = Fields::new(value, "AclLogEntry")?;
        let age: f64 = f.require("age-seconds")?;
        Ok(AclLogEntry {
            count: f.require("count")?,
            reason: f.require::<String>("reason")?.into(),
            context: f.require("context")?,
            object: f.require("object")?,
            username: f.require("username")?,
            age: Duration::try_from_secs_f64(age).unwrap_or_default(),
            client_info: f.require("client-info")?,
            entry_id: f.optional("entry-id")?,
            created: f.optional("timestamp-created")?.map(unix_millis),
            last_updated: f.optional("timestamp-last-updated")?.map(unix_millis),
        })
    }
}

/// The reply of `ACL DRYRUN`: whether the user could run the command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AclDryRun {
    /// The command would be allowed.
    Allowed,
    /// The command would be denied, with the server's explanation.
    Denied(String),
}

impl AclDryRun {
    /// Whether the command would be allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, AclDryRun::Allowed)
    }
}

impl FromValue for AclDryRun {
    /// `OK` (a simple string) is allowed; a bulk or verbatim string is the denial.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::SimpleString(ref s) if &s[..] == b"OK" => Ok(AclDryRun::Allowed),
            Value::Attribute { value, .. } => AclDryRun::from_value(*value),
            other => String::from_value(other).map(AclDryRun::Denied),
        }
    }
}
