//! serde support (feature `serde`): [`Json`] stores any `Serialize` /
//! `Deserialize` type as a JSON bulk string, and [`Serde`] reads a reply
//! (typically a hash from `HGETALL`) into any `Deserialize` type.

mod de;

use std::any::type_name;
use std::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::from_value::resolve;
use super::{Args, ConversionError, FromValue, ToArgs, ToSingleArg};
use crate::resp::Value;

/// A value stored as JSON: written as one bulk string argument, read back
/// from a string reply. For any type implementing serde's `Serialize`
/// (to write) and `Deserialize` (to read), nested types included.
///
/// A nil reply (a missing key) is a conversion error: ask for
/// `Option<Json<T>>`. A reply that is not valid JSON for `T` is an
/// [`crate::ErrorKind::Conversion`] error with serde_json's reason (which
/// names the field and position). Should `T`'s serialization fail (a map
/// with non-string keys, a `Serialize` implementation returning an error),
/// the command is not sent: it fails with [`crate::ErrorKind::Usage`] (see
/// [`Args::refuse`]).
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use anyredis::prelude::*;
/// use anyredis::Json;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct Session { user: String, roles: Vec<String> }
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let session = Session { user: "ada".into(), roles: vec!["admin".into()] };
/// client.set("session:1", Json(&session)).await?;
/// let back: Option<Json<Session>> = client.get("session:1").await?;
/// assert_eq!(back.map(Json::into_inner), Some(session));
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value inside.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Json<T> {
        Json(value)
    }
}

impl<T: Serialize> ToArgs for Json<T> {
    fn write_args(&self, out: &mut Args) {
        match serde_json::to_vec(&self.0) {
            Ok(json) => out.push(&json),
            Err(e) => {
                // Still exactly one argument (`ToSingleArg`), but the command is refused.
                out.push(b"");
                out.refuse(format!("an argument could not be serialized to JSON: {e}"));
            }
        }
    }
}

impl<T: Serialize> ToSingleArg for Json<T> {}

impl<T: DeserializeOwned> FromValue for Json<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let expected = type_name::<Json<T>>();
        let value = resolve(value, expected)?;
        let parsed = match &value {
            Value::BulkString(b) | Value::SimpleString(b) => serde_json::from_slice(b),
            Value::Verbatim { text, .. } => serde_json::from_slice(text),
            other => return Err(ConversionError::type_mismatch(expected, other)),
        };
        parsed
            .map(Json)
            .map_err(|e| ConversionError::invalid_value(expected, &value, format!("invalid JSON: {e}")))
    }
}

/// Any reply read through serde's `Deserialize`: most usefully a hash
/// (`HGETALL`, a RESP3 map or RESP2's flat field/value array) into a struct.
///
/// Field values arrive as strings; numbers, booleans (`1`/`0`,
/// `true`/`false`) and nested `Option`s are parsed from them by the type
/// asked for, as [`FromValue`] does. Fields missing from the hash are an
/// error unless they are `Option` or `#[serde(default)]`; `#[serde(rename)]`
/// and the other serde attributes work as usual. A value of the wrong type
/// is a [`crate::ErrorKind::Conversion`] error naming the field (`value for
/// key "age"`). For structs without serde, see `#[derive(FromValue)]`
/// (feature `derive`).
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use anyredis::prelude::*;
/// use anyredis::value::Serde;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct User { name: String, age: u32, #[serde(rename = "e-mail")] email: Option<String> }
///
/// let client = Client::open("redis://127.0.0.1")?;
/// client.hset_pairs("user:1", [("name", "ada"), ("age", "36")]).await?;
/// let Serde(user): Serde<User> = client.hgetall("user:1").await?;
/// assert_eq!((user.name.as_str(), user.age, user.email), ("ada", 36, None));
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Serde<T>(pub T);

impl<T> Serde<T> {
    /// The value inside.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Serde<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromValue for Serde<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        T::deserialize(de::ValueDeserializer::new(value, type_name::<T>())).map(Serde)
    }
}

#[cfg(test)]
mod tests;
