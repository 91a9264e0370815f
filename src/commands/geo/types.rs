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
            return Err(ConversionError::length_mismatch(
                "array of 1 to 4 elements",
                &Value::Array(Vec::new()),
            ));
        };
        let mut out = GeoMember {
            member: M::from_value(member).map_err(|e| e.with_context("element 0"))?,
            distance: None,
            hash: None,
            coordinates: None,
        };
        for (i, item) in items.enumerate() {
            let context = |e: ConversionError| e.with_context(format_args!("element {}", i.saturating_add(1)));
            match item {
                Value::Integer(_) => out.hash = Some(u64::from_value(item).map_err(context)?),
                Value::Array(_) => out.coordinates = Some(FromValue::from_value(item).map_err(context)?),
                other => out.distance = Some(f64::from_value(other).map_err(context)?),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.to_owned().into())
    }

    #[test]
    fn details_are_recognised_by_type() {
        let coords = Value::Array(vec![Value::Double(15.5), bulk("37.5")]);
        let full = Value::Array(vec![bulk("Catania"), Value::Double(56.4), Value::Integer(42), coords]);
        let m = GeoMember::<String>::from_value(full).unwrap();
        assert_eq!(m.member, "Catania");
        assert_eq!(
            (m.distance, m.hash, m.coordinates),
            (Some(56.4), Some(42), Some((15.5, 37.5)))
        );

        let dist = GeoMember::<String>::from_value(Value::Array(vec![bulk("a"), bulk("1.25")])).unwrap();
        assert_eq!((dist.distance, dist.hash, dist.coordinates), (Some(1.25), None, None));

        let bare = GeoMember::<String>::from_value(bulk("a")).unwrap();
        assert_eq!((bare.member.as_str(), bare.distance), ("a", None));
    }

    #[test]
    fn bad_details_are_errors() {
        assert!(GeoMember::<String>::from_value(Value::Array(vec![])).is_err());
        let bad = Value::Array(vec![bulk("a"), bulk("far")]);
        let err = GeoMember::<String>::from_value(bad).unwrap_err();
        assert_eq!(err.context(), Some("element 1"));
    }
}
