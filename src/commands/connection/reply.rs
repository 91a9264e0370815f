//! Helpers for typed replies that arrive as text (`key=value` lines, `key:value`
//! lines) or as maps (RESP3 maps, RESP2 flat arrays). Used by the connection and
//! cluster families.

use std::collections::HashMap;
use std::str::FromStr;

use bytes::Bytes;

use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

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

/// The fields of a map reply (a RESP3 map or a RESP2 flat `[k1, v1, ...]` array).
pub(crate) struct MapFields(HashMap<String, Value>);

impl MapFields {
    pub(crate) fn from_value(value: Value) -> Result<MapFields, ConversionError> {
        HashMap::from_value(value).map(MapFields)
    }

    /// Takes the field `key` as `T` (an absent field converts like nil).
    pub(crate) fn take<T: FromValue>(&mut self, key: &str) -> Result<T, ConversionError> {
        T::from_value(self.0.remove(key).unwrap_or(Value::Nil))
            .map_err(|e| e.with_context(format_args!("field {key:?}")))
    }
}
