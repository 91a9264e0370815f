//! Replies of the string commands: [`LcsMatches`] and [`LcsMatch`].

use std::ops::RangeInclusive;

use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The reply of [`lcs_idx`](super::StringCommands::lcs_idx): where the longest
/// common subsequence of two strings lies in each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LcsMatches {
    /// The matching runs, from the end of the strings towards the start (the order
    /// Redis sends).
    pub matches: Vec<LcsMatch>,
    /// The length of the whole common subsequence.
    pub len: u64,
}

/// One run of the common subsequence, in [`LcsMatches::matches`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LcsMatch {
    /// The run's byte range in the first key's string (both ends included).
    pub first: RangeInclusive<u64>,
    /// The run's byte range in the second key's string (both ends included).
    pub second: RangeInclusive<u64>,
    /// The run's length, when asked for with
    /// [`LcsOptions::with_match_len`](super::LcsOptions::with_match_len).
    pub len: Option<u64>,
}

impl FromValue for LcsMatches {
    /// Takes the RESP3 map `{matches: [...], len: n}` and its RESP2 form, the flat
    /// array `[matches, [...], len, n]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut fields: Vec<(String, Value)> = FromValue::from_value(value)?;
        let (Some(matches), Some(len)) = (take(&mut fields, "matches"), take(&mut fields, "len")) else {
            let received = Value::Map(
                fields
                    .into_iter()
                    .map(|(name, field)| (Value::BulkString(name.into()), field))
                    .collect(),
            );
            return Err(ConversionError::invalid_value(
                "LcsMatches",
                &received,
                "no \"matches\" or no \"len\"",
            ));
        };
        Ok(LcsMatches {
            matches: FromValue::from_value(matches).map_err(|e| e.with_context("matches"))?,
            len: FromValue::from_value(len).map_err(|e| e.with_context("len"))?,
        })
    }
}

/// Removes the field called `name` from `fields`.
fn take(fields: &mut Vec<(String, Value)>, name: &str) -> Option<Value> {
    let at = fields.iter().position(|(field, _)| field == name)?;
    Some(fields.swap_remove(at).1)
}

impl FromValue for LcsMatch {
    /// Takes `[[start1, end1], [start2, end2]]`, with the length as a third
    /// element when `WITHMATCHLEN` was given.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let items: Vec<Value> = FromValue::from_value(value)?;
        if !(2..=3).contains(&items.len()) {
            return Err(ConversionError::length_mismatch(
                "array of 2 or 3 elements",
                &Value::Array(items),
            ));
        }
        let mut items = items.into_iter();
        let mut range = |what: &'static str| {
            let item = items.next().unwrap_or(Value::Nil);
            <(u64, u64)>::from_value(item)
                .map(|(start, end)| start..=end)
                .map_err(|e| e.with_context(what))
        };
        let first = range("first range")?;
        let second = range("second range")?;
        let len = items.next().map(u64::from_value).transpose()?;
        Ok(LcsMatch { first, second, len })
    }
}
