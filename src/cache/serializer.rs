//! Serializers: a cached value to bytes and back.

use super::BoxError;

/// Turns values of type `T` into bytes and back.
///
/// A cache is generic over its serializer (`Cache<S>`); its methods accept
/// every `T` the serializer handles. Three come with anyredis:
///
/// - [`DefaultSerializer`]: byte vectors and strings pass through as they
///   are; with the `serde` feature, every other `Serialize +
///   DeserializeOwned` type is stored as JSON;
/// - [`Raw`]: byte vectors, [`bytes::Bytes`] and strings only, as they are
///   (leaving serialization out);
/// - `Json` (feature `serde`): every type as JSON, strings and byte vectors
///   included.
///
/// A serializer of your own:
///
/// ```
/// use anyredis::cache::{BoxError, Serializer};
///
/// #[derive(Debug)]
/// struct Decimal;
///
/// impl Serializer<u64> for Decimal {
///     fn serialize(&self, value: &u64) -> Result<Vec<u8>, BoxError> {
///         Ok(value.to_string().into_bytes())
///     }
///     fn deserialize(&self, bytes: &[u8]) -> Result<u64, BoxError> {
///         Ok(std::str::from_utf8(bytes)?.parse()?)
///     }
/// }
///
/// assert_eq!(Decimal.serialize(&42).unwrap(), b"42");
/// assert!(Decimal.deserialize(b"4x").is_err());
/// ```
///
/// Errors become [`crate::ErrorKind::Conversion`] errors that name the entry's
/// key; a serializer must not panic on bytes it did not write.
pub trait Serializer<T>: Send + Sync + 'static {
    /// The bytes to store for `value`.
    fn serialize(&self, value: &T) -> Result<Vec<u8>, BoxError>;

    /// The value stored as `bytes`.
    fn deserialize(&self, bytes: &[u8]) -> Result<T, BoxError>;
}

/// Byte vectors, [`bytes::Bytes`] and strings, stored as they are: no
/// serialization. Strings must be UTF-8 when read back.
///
/// ```
/// use anyredis::cache::{Raw, Serializer};
///
/// assert_eq!(Raw.serialize(&"héllo".to_owned()).unwrap(), "héllo".as_bytes());
/// let text: Result<String, _> = Raw.deserialize(b"\xff");
/// assert!(text.is_err(), "not UTF-8");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Raw;

impl Serializer<Vec<u8>> for Raw {
    fn serialize(&self, value: &Vec<u8>) -> Result<Vec<u8>, BoxError> {
        Ok(value.clone())
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<Vec<u8>, BoxError> {
        Ok(bytes.to_vec())
    }
}

impl Serializer<bytes::Bytes> for Raw {
    fn serialize(&self, value: &bytes::Bytes) -> Result<Vec<u8>, BoxError> {
        Ok(value.to_vec())
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<bytes::Bytes, BoxError> {
        Ok(bytes::Bytes::copy_from_slice(bytes))
    }
}

impl Serializer<String> for Raw {
    fn serialize(&self, value: &String) -> Result<Vec<u8>, BoxError> {
        Ok(value.as_bytes().to_vec())
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<String, BoxError> {
        Ok(std::str::from_utf8(bytes)?.to_owned())
    }
}

/// The default serializer.
///
/// `Vec<u8>` and `String` pass through as they are, with or without the
/// `serde` feature (so turning the feature on never changes how they are
/// stored). With the `serde` feature, every other `Serialize +
/// DeserializeOwned + 'static` type is stored as JSON (`serde_json`); without
/// it, only those two types can be cached (use [`Raw`] for
/// [`bytes::Bytes`], or a serializer of your own).
///
/// ```
/// use anyredis::cache::{DefaultSerializer, Serializer};
///
/// let bytes = DefaultSerializer.serialize(&"plain text".to_owned()).unwrap();
/// assert_eq!(bytes, b"plain text");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultSerializer;

#[cfg(not(feature = "serde"))]
impl Serializer<Vec<u8>> for DefaultSerializer {
    fn serialize(&self, value: &Vec<u8>) -> Result<Vec<u8>, BoxError> {
        Raw.serialize(value)
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<Vec<u8>, BoxError> {
        Raw.deserialize(bytes)
    }
}

#[cfg(not(feature = "serde"))]
impl Serializer<String> for DefaultSerializer {
    fn serialize(&self, value: &String) -> Result<Vec<u8>, BoxError> {
        Raw.serialize(value)
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<String, BoxError> {
        Raw.deserialize(bytes)
    }
}

#[cfg(feature = "serde")]
impl<T> Serializer<T> for DefaultSerializer
where
    T: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    fn serialize(&self, value: &T) -> Result<Vec<u8>, BoxError> {
        use std::any::Any;
        let any: &dyn Any = value;
        if let Some(bytes) = any.downcast_ref::<Vec<u8>>() {
            return Raw.serialize(bytes);
        }
        if let Some(text) = any.downcast_ref::<String>() {
            return Raw.serialize(text);
        }
        Json.serialize(value)
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<T, BoxError> {
        use std::any::{Any, TypeId};
        let raw: Box<dyn Any> = if TypeId::of::<T>() == TypeId::of::<Vec<u8>>() {
            Box::new(<Raw as Serializer<Vec<u8>>>::deserialize(&Raw, bytes)?)
        } else if TypeId::of::<T>() == TypeId::of::<String>() {
            Box::new(<Raw as Serializer<String>>::deserialize(&Raw, bytes)?)
        } else {
            return Json.deserialize(bytes);
        };
        match raw.downcast::<T>() {
            Ok(value) => Ok(*value),
            // Unreachable: the type ids matched.
            Err(_) => Err("internal error: pass-through type mismatch".into()),
        }
    }
}

/// Every type as JSON (`serde_json`), strings and byte vectors included
/// (a string is stored with its quotes, a `Vec<u8>` as an array of numbers).
///
/// ```
/// use anyredis::cache::{Json, Serializer};
///
/// assert_eq!(Json.serialize(&vec![1u32, 2]).unwrap(), b"[1,2]");
/// assert_eq!(Json.serialize(&"a".to_owned()).unwrap(), b"\"a\"");
/// let bad: Result<Vec<u32>, _> = Json.deserialize(b"[1,");
/// assert!(bad.is_err());
/// ```
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json;

#[cfg(feature = "serde")]
impl<T> Serializer<T> for Json
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    fn serialize(&self, value: &T) -> Result<Vec<u8>, BoxError> {
        Ok(serde_json::to_vec(value)?)
    }

    fn deserialize(&self, bytes: &[u8]) -> Result<T, BoxError> {
        Ok(serde_json::from_slice(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_round_trips() {
        let bytes = vec![0u8, 255, 10];
        assert_eq!(Raw.deserialize(&Raw.serialize(&bytes).unwrap()).ok(), Some(bytes));
        let text = "naïve".to_owned();
        assert_eq!(
            <Raw as Serializer<String>>::deserialize(&Raw, text.as_bytes()).ok(),
            Some(text)
        );
        let b = bytes::Bytes::from_static(b"\x00\x01");
        assert_eq!(Raw.deserialize(&Raw.serialize(&b).unwrap()).ok(), Some(b));
    }

    #[test]
    fn default_passes_bytes_and_strings_through() {
        let bytes = vec![0u8, 255, b'"'];
        assert_eq!(DefaultSerializer.serialize(&bytes).unwrap(), bytes);
        assert_eq!(DefaultSerializer.serialize(&"\"q\"".to_owned()).unwrap(), b"\"q\"");
        let back: Vec<u8> = DefaultSerializer.deserialize(&bytes).unwrap();
        assert_eq!(back, bytes);
        let text: Result<String, _> = DefaultSerializer.deserialize(b"\xc3");
        assert!(text.is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn default_uses_json_for_other_types() {
        use std::collections::BTreeMap;
        let map: BTreeMap<String, i64> = [("a".to_owned(), 1), ("b".to_owned(), -2)].into();
        let bytes = DefaultSerializer.serialize(&map).unwrap();
        assert_eq!(bytes, br#"{"a":1,"b":-2}"#);
        let back: BTreeMap<String, i64> = DefaultSerializer.deserialize(&bytes).unwrap();
        assert_eq!(back, map);
        let wrong: Result<Vec<bool>, _> = DefaultSerializer.deserialize(&bytes);
        assert!(wrong.is_err());
    }
}
