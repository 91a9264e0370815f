//! `MIGRATE`'s options and reply.

use crate::config::Secret;
use crate::resp::Value;
use crate::value::{Args, ConversionError, FromValue, ToArgs};

/// Options of [`migrate`](super::KeyCommands::migrate).
///
/// ```
/// use anyredis::commands::MigrateOptions;
/// let options = MigrateOptions::new().copy().replace().auth_user("mover", "s3cret");
/// assert!(!format!("{options:?}").contains("s3cret"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    copy: bool,
    replace: bool,
    auth: Option<(Option<String>, Secret)>,
}

impl MigrateOptions {
    /// No options: move the keys, fail if one exists on the target.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep the keys on this server too (`COPY`).
    pub fn copy(mut self) -> Self {
        self.copy = true;
        self
    }

    /// Overwrite keys that exist on the target (`REPLACE`).
    pub fn replace(mut self) -> Self {
        self.replace = true;
        self
    }

    /// Authenticate to the target with its `requirepass` password (`AUTH`).
    pub fn auth(mut self, password: impl Into<String>) -> Self {
        self.auth = Some((None, Secret::new(password)));
        self
    }

    /// Authenticate to the target as an ACL user (`AUTH2`).
    pub fn auth_user(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some((Some(user.into()), Secret::new(password)));
        self
    }
}

impl ToArgs for MigrateOptions {
    fn write_args(&self, out: &mut Args) {
        if self.copy {
            out.push(b"COPY");
        }
        if self.replace {
            out.push(b"REPLACE");
        }
        match &self.auth {
            None => {}
            Some((None, password)) => {
                out.push(b"AUTH");
                out.push(password.expose().as_bytes());
            }
            Some((Some(user), password)) => {
                out.push(b"AUTH2");
                out.push(user.as_bytes());
                out.push(password.expose().as_bytes());
            }
        }
    }
}

/// What [`migrate`](super::KeyCommands::migrate) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MigrateOutcome {
    /// The keys were transferred (`OK`).
    Migrated,
    /// None of the keys existed on this server (`NOKEY`).
    NoKeys,
}

impl FromValue for MigrateOutcome {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match &value {
            Value::SimpleString(s) if s.as_ref() == b"OK" => Ok(MigrateOutcome::Migrated),
            Value::SimpleString(s) if s.as_ref() == b"NOKEY" => Ok(MigrateOutcome::NoKeys),
            _ => Err(ConversionError::type_mismatch("OK or NOKEY", &value)),
        }
    }
}
