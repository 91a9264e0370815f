//! Small helpers for turning structured replies into typed structs.
//!
//! Used by the server and ACL families; a candidate for `commands/mod.rs` once
//! other families need it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The named fields of a reply that is a RESP3 map or a RESP2 flat
/// `[name, value, name, value...]` array.
pub(crate) struct Fields {
    type_name: &'static str,
    pairs: Vec<(String, Value)>,
}

impl Fields {
    /// Reads the field list of `value`, for the struct `type_name`.
    pub(crate) fn new(value: Value, type_name: &'static str) -> Result<Self, ConversionError> {
        let pairs = Vec::<(String, Value)>::from_value(value).map_err(|e| e.with_context(type_name))?;
        Ok(Fields { type_name, pairs })
    }

    /// Removes the field `name`, if present.
    fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.pairs.iter().position(|(k, _)| k == name)?;
        Some(self.pairs.swap_remove(at).1)
    }

    /// The field `name` converted to `T`; an error if it is missing.
    pub(crate) fn take<T: FromValue>(&mut self, name: &str) -> Result<T, ConversionError> {
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

/// A Unix time in whole seconds as a `SystemTime`.
pub(crate) fn unix_seconds(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A Unix time in milliseconds as a `SystemTime`.
pub(crate) fn unix_millis(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}
