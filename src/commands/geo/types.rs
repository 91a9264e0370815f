//! Replies of geospatial commands.

use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// One match of a search with [`GeoWith`](super::GeoWith) details: each field is
/// `Some` exactly when its detail was asked for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GeoMember<M> {
    /// The member.
    pub member: M,
    /// The distance from the search's center, in the search's unit (`WITHDIST`).
    pub distance: Option<f64>,
    /// The raw 52-bit geohash score (`WITHHASH`).
    pub hash: Option<u64>,
    /// `(longitude, latitude)` (`WITHCOORD`).
    pub coordinates: Option<(f64, f64)>,
}

impl<M: FromValue> FromValue for GeoMember<M> {
    /// Takes `[member, details...]`, where each detail is recognised by its type
    /// (a number or string is the distance, an integer the hash, an array the
    /// coordinates), and a bare member (no details asked for). RESP2 and RESP3 alike.
    fn from_value(mut value: Value) -> Result<Self, ConversionError> {
        while let Value::Attribute { value: inner, .. } = value {
            value = *inner;
        }
        let items = match value {
            Value::Array(items) => items,
            other => {
                return Ok(GeoMember {
                    member: M::from_value(other)?,
                    distance: None,
                    hash: None,
                    coordinates: None,
                })
            }
        };
        let mut items = items.into_iter();
        let Some(member) = items.next() else {
            return Err(ConversionError::length_mismatch("array of 1 to 4 elements", &Value::Array(Vec::new())));
        };
        let mut out = GeoMember {
            member: M::from_value(member).map_err(|e| e.with_context("element 0"))?,
            distance: None,
            hash: None,
            coordinates: None,
        };
        for (i, item) in items.enumerate() {
            let context = |e: ConversionError| e.with_context(format_args!("element {}", i + 1));
            match item {
                Value::Integer(_) => out.hash = Some(u64::from_value(item).map_err(context)?),
                Value::Array(_) => out.coordinates = Some(FromValue::from_value(item).map_err(context)?),
                other => out.distance = Some(f64::from_value(other).map_err(context)?),
            }
        }
        Ok(out)
    }
}
