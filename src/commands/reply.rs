//! Helpers shared by the command families for typed replies: named fields of
//! map replies (a RESP3 map or a RESP2 flat `[name, value, ...]` array),
//! positional items of array replies, and `key=value` / `key:value` text.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The named fields of a reply that is a RESP3 map or a RESP2 flat
/// `[name, value, name, value...]` array. Fields the caller does not ask for
/// are ignored, so newer servers' additions do not break a conversion.
pub(crate) struct Fields {
    type_name: &'static str,
    pairs: Vec<(String, Value)>,
}

impl Fields {
    /// Reads the field list of `value`, for the type `type_name` (named in errors).
    pub(crate) fn new(value: Value, type_name: &'static str) -> Result<Self, ConversionError> {
        let pairs = Vec::<(String, Value)>::from_value(value).map_err(|e| e.with_context(type_name))?;
        Ok(Fields { type_name, pairs })
    }

    /// Removes the field `name`, if present.
    fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.pairs.iter().position(|(k, _)| k == name)?;
        Some(self.pairs.swap_remove(at).1)
    }

    /// The field `name` converted to `T`; a missing field converts from nil
    /// (so an `Option` is `None` and a collection empty).
    pub(crate) fn take<T: FromValue>(&mut self, name: &str) -> Result<T, ConversionError> {
        convert(self.remove(name).unwrap_or(Value::Nil), name, self.type_name)
    }

    /// The field `name` converted to `T`; an error if the server did not send it.
    pub(crate) fn require<T: FromValue>(&mut self, name: &str) -> Result<T, ConversionError> {
        match self.remove(name) {
            Some(value) => convert(value, name, self.type_name),
            None => Err(
                ConversionError::invalid_value(self.type_name, &Value::Nil, "missing field")
                    .with_context(format_args!("field {name:?}")),
            ),
        }
    }

    /// The field `name` converted to `T`, or `None` when the server did not send it.
    pub(crate) fn optional<T: FromValue>(&mut self, name: &str) -> Result<Option<T>, ConversionError> {
        self.remove(name).map(|v| convert(v, name, self.type_name)).transpose()
    }

    /// The field `name` holding milliseconds, as a [`Duration`].
    pub(crate) fn millis(&mut self, name: &str) -> Result<Duration, ConversionError> {
        self.take(name).map(Duration::from_millis)
    }

    /// The fields not taken so far.
    pub(crate) fn rest(self) -> Vec<(String, Value)> {
        self.pairs
    }
}

fn convert<T: FromValue>(value: Value, field: &str, type_name: &str) -> Result<T, ConversionError> {
    T::from_value(value).map_err(|e| e.with_context(format_args!("field {field:?} of {type_name}")))
}

/// The elements of an array reply that must have at least `min` of them.
pub(crate) fn items(value: Value, min: usize, type_name: &'static str) -> Result<Vec<Value>, ConversionError> {
    let items = Vec::<Value>::from_value(value).map_err(|e| e.with_context(type_name))?;
    if items.len() < min {
        let shape = format!("array of at least {min} elements for {type_name}");
        return Err(ConversionError::length_mismatch(shape, &Value::Array(items)));
    }
    Ok(items)
}

/// Converts element `index` of `items` (taking it out) to `T`.
pub(crate) fn item<T: FromValue>(items: &mut [Value], index: usize, type_name: &str) -> Result<T, ConversionError> {
    let value = items
        .get_mut(index)
        .map_or(Value::Nil, |v| std::mem::replace(v, Value::Nil));
    T::from_value(value).map_err(|e| e.with_context(format_args!("element {index} of {type_name}")))
}

/// The Unix epoch plus `since`, saturating: a time from the server too far
/// in the future for `SystemTime` becomes about 136,000 years from 1970
/// instead of a panic.
pub(crate) fn epoch_plus(since: Duration) -> SystemTime {
    const FAR: Duration = Duration::from_secs(u32::MAX as u64 * 1000);
    UNIX_EPOCH
        .checked_add(since)
        .or_else(|| UNIX_EPOCH.checked_add(FAR))
        .unwrap_or(UNIX_EPOCH)
}

/// A Unix time in whole seconds as a `SystemTime` (saturating).
pub(crate) fn unix_seconds(secs: u64) -> SystemTime {
    epoch_plus(Duration::from_secs(secs))
}

/// A Unix time in milliseconds as a `SystemTime` (saturating).
pub(crate) fn unix_millis(millis: u64) -> SystemTime {
    epoch_plus(Duration::from_millis(millis))
}

/// A conversion error about a piece of `text` (a reply line or field).
pub(crate) fn invalid(expected: &'static str, text: &str, reason: &'static str) -> ConversionError {
    let shown = Value::BulkString(Bytes::copy_from_slice(text.as_bytes()));
    ConversionError::invalid_value(expected, &shown, reason)
}

/// Named text fields of one reply (or one line of it), with typed look-ups.
pub(crate) struct TextFields {
    /// The type being built, for errors.
    expected: &'static str,
    map: HashMap<String, String>,
}

impl TextFields {
    /// Splits `text` into `key<sep>value` pairs on `items` (whitespace for
    /// `CLIENT LIST` lines, line ends for `CLUSTER INFO`). Items without the
    /// separator are skipped.
    pub(crate) fn parse<'a>(expected: &'static str, items: impl Iterator<Item = &'a str>, sep: char) -> TextFields {
        let map = items
            .filter_map(|item| item.split_once(sep))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        TextFields { expected, map }
    }

    /// The field `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }

    /// The field `key` as text; empty when absent.
    pub(crate) fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or_default().to_owned()
    }

    /// The field `key` parsed as `T`; `None` when absent, an error when it does not parse.
    pub(crate) fn num<T: FromStr>(&self, key: &str) -> Result<Option<T>, ConversionError> {
        self.get(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| invalid(self.expected, v, "not a number").with_context(format_args!("field {key:?}")))
            })
            .transpose()
    }

    /// The field `key` parsed as `T`; `T::default()` when absent.
    pub(crate) fn num_or_default<T: FromStr + Default>(&self, key: &str) -> Result<T, ConversionError> {
        Ok(self.num(key)?.unwrap_or_default())
    }

    /// All the fields.
    pub(crate) fn into_map(self) -> HashMap<String, String> {
        self.map
    }
}

#[cfg(test)]
mod epoch_tests {
    use super::*;

    #[test]
    fn server_times_saturate_instead_of_panicking() {
        assert_eq!(unix_seconds(0), UNIX_EPOCH);
        assert_eq!(unix_millis(1500), UNIX_EPOCH + Duration::from_millis(1500));
        // A hostile or corrupt reply: the largest values a server can send.
        assert!(unix_seconds(u64::MAX) > UNIX_EPOCH);
        assert!(epoch_plus(Duration::MAX) > UNIX_EPOCH);
    }
}
