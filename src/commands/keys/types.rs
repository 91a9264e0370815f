//! Replies of the key commands: [`Ttl`], [`ExpireTime`] and [`KeyType`].

use std::time::{Duration, SystemTime};

use crate::resp::Value;
use crate::value::{Args, ConversionError, FromValue, ToArgs, ToSingleArg};

/// Reads the integer reply of `TTL`-like commands: `-2` (no such key), `-1` (no
/// expiry) or a non-negative amount, in milliseconds when `millis`, else seconds.
fn read_timed(value: Value, name: &'static str, millis: bool) -> Result<Option<Option<Duration>>, ConversionError> {
    match i64::from_value(value)? {
        -2 => Ok(None),
        -1 => Ok(Some(None)),
        n if n >= 0 && millis => Ok(Some(Some(Duration::from_millis(n as u64)))),
        n if n >= 0 => Ok(Some(Some(Duration::from_secs(n as u64)))),
        n => Err(ConversionError::invalid_value(
            name,
            &Value::Integer(n),
            "not -2, -1 or a positive amount",
        )),
    }
}

/// The remaining time to live of a key, from [`ttl`](super::KeyCommands::ttl)
/// (`Ttl`, whole seconds) or [`pttl`](super::KeyCommands::pttl) (`Ttl<true>`,
/// milliseconds).
///
/// The const parameter only says which unit the server's number is in; match on the
/// variants the same way for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ttl<const MILLIS: bool = false> {
    /// The key expires after this long.
    Expires(Duration),
    /// The key exists and has no expiry (the server's `-1`).
    Persistent,
    /// The key does not exist (the server's `-2`).
    Missing,
}

impl<const MILLIS: bool> Ttl<MILLIS> {
    /// The time left, if the key exists and expires.
    pub fn duration(&self) -> Option<Duration> {
        match self {
            Ttl::Expires(d) => Some(*d),
            _ => None,
        }
    }
}

impl<const MILLIS: bool> FromValue for Ttl<MILLIS> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        Ok(match read_timed(value, "Ttl", MILLIS)? {
            None => Ttl::Missing,
            Some(None) => Ttl::Persistent,
            Some(Some(d)) => Ttl::Expires(d),
        })
    }
}

/// When a key expires, from [`expire_time`](super::KeyCommands::expire_time)
/// (`ExpireTime`, whole seconds) or [`pexpire_time`](super::KeyCommands::pexpire_time)
/// (`ExpireTime<true>`, milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpireTime<const MILLIS: bool = false> {
    /// The key expires at this time.
    At(SystemTime),
    /// The key exists and has no expiry (the server's `-1`).
    Persistent,
    /// The key does not exist (the server's `-2`).
    Missing,
}

impl<const MILLIS: bool> ExpireTime<MILLIS> {
    /// The expiry time, if the key exists and expires.
    pub fn time(&self) -> Option<SystemTime> {
        match self {
            ExpireTime::At(t) => Some(*t),
            _ => None,
        }
    }
}

impl<const MILLIS: bool> FromValue for ExpireTime<MILLIS> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        Ok(match read_timed(value, "ExpireTime", MILLIS)? {
            None => ExpireTime::Missing,
            Some(None) => ExpireTime::Persistent,
            Some(Some(since_epoch)) => ExpireTime::At(super::super::reply::epoch_plus(since_epoch)),
        })
    }
}

/// The type of the value at a key, from [`key_type`](super::KeyCommands::key_type);
/// also a [`ScanOptions::key_type`](crate::commands::ScanOptions::key_type) filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// `string`
    String,
    /// `list`
    List,
    /// `set`
    Set,
    /// `zset` (sorted set)
    ZSet,
    /// `hash`
    Hash,
    /// `stream`
    Stream,
    /// The key does not exist (the server's `none`).
    Missing,
    /// A type this client does not know (e.g. a module's type), as the server named it.
    Other(String),
}

impl KeyType {
    /// The name the server uses for this type.
    pub fn as_str(&self) -> &str {
        match self {
            KeyType::String => "string",
            KeyType::List => "list",
            KeyType::Set => "set",
            KeyType::ZSet => "zset",
            KeyType::Hash => "hash",
            KeyType::Stream => "stream",
            KeyType::Missing => "none",
            KeyType::Other(name) => name,
        }
    }

    /// The type named `name` by the server.
    pub fn from_name(name: &str) -> KeyType {
        match name {
            "string" => KeyType::String,
            "list" => KeyType::List,
            "set" => KeyType::Set,
            "zset" => KeyType::ZSet,
            "hash" => KeyType::Hash,
            "stream" => KeyType::Stream,
            "none" => KeyType::Missing,
            other => KeyType::Other(other.to_owned()),
        }
    }
}

impl FromValue for KeyType {
    /// A simple (or bulk) string naming the type.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        String::from_value(value).map(|name| KeyType::from_name(&name))
    }
}

impl ToArgs for KeyType {
    fn write_args(&self, out: &mut Args) {
        out.push(self.as_str().as_bytes());
    }
}

impl ToSingleArg for KeyType {}
