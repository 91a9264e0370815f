//! A serde `Deserializer` over a reply [`Value`]: what [`super::Serde`] reads
//! through. Scalars asked for by type are converted as [`FromValue`] does
//! (so a hash's `"36"` becomes a `u32`); maps and RESP2 flat field/value
//! arrays become structs and maps; errors say where they happened.

use std::fmt::Display;
use std::vec::IntoIter;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use crate::resp::Value;
use crate::value::error::key_context;
use crate::value::from_value::resolve;
use crate::value::{ConversionError, FromValue};

impl de::Error for ConversionError {
    fn custom<T: Display>(msg: T) -> Self {
        ConversionError::custom("the requested type", msg.to_string())
    }
}

/// Deserializes one reply; `expected` names the requested type in errors.
pub(crate) struct ValueDeserializer {
    value: Value,
    expected: &'static str,
}

impl ValueDeserializer {
    pub(crate) fn new(value: Value, expected: &'static str) -> ValueDeserializer {
        ValueDeserializer { value, expected }
    }

    /// The value with attributes unwrapped; an error reply is an error.
    fn resolved(self) -> Result<Value> {
        resolve(self.value, self.expected)
    }
}

type Result<T> = std::result::Result<T, ConversionError>;

/// A scalar converted by its [`FromValue`] rules, then visited.
macro_rules! scalar {
    ($($method:ident: $t:ty => $visit:ident,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(<$t>::from_value(self.value)?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = ConversionError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let expected = self.expected;
        match self.resolved()? {
            Value::Nil => visitor.visit_unit(),
            Value::SimpleString(b) | Value::BulkString(b) | Value::BigNumber(b) | Value::Verbatim { text: b, .. } => {
                match std::str::from_utf8(&b) {
                    Ok(text) => visitor.visit_str(text),
                    Err(_) => visitor.visit_bytes(&b),
                }
            }
            Value::Integer(n) => visitor.visit_i64(n),
            Value::Double(d) => visitor.visit_f64(d),
            Value::Boolean(b) => visitor.visit_bool(b),
            Value::Array(items) | Value::Set(items) | Value::Push(items) => {
                visitor.visit_seq(Seq::new(items, expected))
            }
            Value::Map(pairs) => visitor.visit_map(Map::new(pairs, expected)),
            // `resolved` unwrapped these.
            other @ (Value::Error(_) | Value::Attribute { .. }) => {
                Err(ConversionError::type_mismatch(expected, &other))
            }
        }
    }

    scalar! {
        deserialize_bool: bool => visit_bool,
        deserialize_i8: i8 => visit_i8,
        deserialize_i16: i16 => visit_i16,
        deserialize_i32: i32 => visit_i32,
        deserialize_i64: i64 => visit_i64,
        deserialize_i128: i128 => visit_i128,
        deserialize_u16: u16 => visit_u16,
        deserialize_u32: u32 => visit_u32,
        deserialize_u64: u64 => visit_u64,
        deserialize_u128: u128 => visit_u128,
        deserialize_f32: f32 => visit_f32,
        deserialize_f64: f64 => visit_f64,
        deserialize_string: String => visit_string,
        deserialize_str: String => visit_string,
        deserialize_bytes: Vec<u8> => visit_byte_buf,
        deserialize_byte_buf: Vec<u8> => visit_byte_buf,
        deserialize_identifier: String => visit_string,
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // `u8` has no `FromValue` (so that `Vec<u8>` means bytes): through u16.
        let value = self.value.clone();
        let n = u16::from_value(self.value)?;
        let n = u8::try_from(n).map_err(|_| ConversionError::invalid_value("u8", &value, "out of range"))?;
        visitor.visit_u8(n)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let value = self.value.clone();
        let text = String::from_value(self.value)?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(ConversionError::invalid_value("char", &value, "not a single character")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Nil => visitor.visit_none(),
            Value::Attribute { value, .. } => self_with(*value, self.expected).deserialize_option(visitor),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.resolved()?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let expected = self.expected;
        match self.resolved()? {
            Value::Array(items) | Value::Set(items) | Value::Push(items) => {
                visitor.visit_seq(Seq::new(items, expected))
            }
            // A map read as a sequence: its keys and values in turn, as RESP2 sends it.
            Value::Map(pairs) => {
                let flat = pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
                visitor.visit_seq(Seq::new(flat, expected))
            }
            // A missing key read as an empty collection, as `FromValue` does.
            Value::Nil => visitor.visit_seq(Seq::new(Vec::new(), expected)),
            other => Err(ConversionError::type_mismatch("a sequence", &other)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let expected = self.expected;
        match self.resolved()? {
            Value::Map(pairs) => visitor.visit_map(Map::new(pairs, expected)),
            // RESP2's form of a hash: field, value, field, value, ...
            Value::Array(items) if items.len() % 2 == 0 => visitor.visit_map(Map::new(pairs_of(items), expected)),
            // HGETALL of a missing key on RESP2 is an empty array, handled above.
            Value::Nil => visitor.visit_map(Map::new(Vec::new(), expected)),
            other => Err(ConversionError::type_mismatch("a map", &other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let expected = self.expected;
        match self.resolved()? {
            // A unit variant by name.
            value @ (Value::SimpleString(_) | Value::BulkString(_) | Value::Verbatim { .. }) => {
                let name = String::from_value(value)?;
                visitor.visit_enum(name.into_deserializer())
            }
            // `{"Variant": content}`.
            Value::Map(pairs) if pairs.len() == 1 => visitor.visit_enum(Map::new(pairs, expected)),
            other => Err(ConversionError::type_mismatch("an enum variant", &other)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

fn self_with(value: Value, expected: &'static str) -> ValueDeserializer {
    ValueDeserializer::new(value, expected)
}

/// `[k1, v1, k2, v2]` as `[(k1, v1), (k2, v2)]` (an even number of items).
fn pairs_of(items: Vec<Value>) -> Vec<(Value, Value)> {
    let mut pairs = Vec::with_capacity(items.len() / 2);
    let mut items = items.into_iter();
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        pairs.push((k, v));
    }
    pairs
}

/// The elements of an array, each with its index for errors.
struct Seq {
    items: IntoIter<Value>,
    index: usize,
    expected: &'static str,
}

impl Seq {
    fn new(items: Vec<Value>, expected: &'static str) -> Seq {
        Seq {
            items: items.into_iter(),
            index: 0,
            expected,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Seq {
    type Error = ConversionError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index = self.index.saturating_add(1);
        seed.deserialize(ValueDeserializer::new(item, self.expected))
            .map(Some)
            .map_err(|e| e.with_context(format_args!("element {index}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The pairs of a map; a value's errors name its key (the struct field).
struct Map {
    pairs: IntoIter<(Value, Value)>,
    /// The value of the pair whose key was just read, and how to name that key.
    pending: Option<(Value, String)>,
    expected: &'static str,
}

impl Map {
    fn new(pairs: Vec<(Value, Value)>, expected: &'static str) -> Map {
        Map {
            pairs: pairs.into_iter(),
            pending: None,
            expected,
        }
    }
}

impl<'de> de::MapAccess<'de> for Map {
    type Error = ConversionError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((key, value)) = self.pairs.next() else {
            return Ok(None);
        };
        let name = key_context(&key);
        let key = seed
            .deserialize(ValueDeserializer::new(key, self.expected))
            .map_err(|e| e.with_context(&name))?;
        self.pending = Some((value, name));
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let (value, name) = self
            .pending
            .take()
            .ok_or_else(|| ConversionError::custom(self.expected, "a map value was asked for before its key"))?;
        seed.deserialize(ValueDeserializer::new(value, self.expected))
            .map_err(|e| e.with_context(format_args!("value for {name}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len())
    }
}

impl<'de> de::EnumAccess<'de> for Map {
    type Error = ConversionError;
    type Variant = ValueDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(mut self, seed: V) -> Result<(V::Value, ValueDeserializer)> {
        let expected = self.expected;
        let Some((key, value)) = self.pairs.next() else {
            return Err(ConversionError::custom(expected, "an empty map is no enum variant"));
        };
        let variant = seed.deserialize(ValueDeserializer::new(key, expected))?;
        Ok((variant, ValueDeserializer::new(value, expected)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer {
    type Error = ConversionError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
