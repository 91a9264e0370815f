//! [`FromValue`]: converting a reply to a Rust type, and the scalar conversions.
//!
//! Collections, maps and tuples are in [`collections`].

use std::num::IntErrorKind;

use bytes::Bytes;

use super::args::{format_f64, FloatBuf};
use super::error::ConversionError;
use crate::resp::Value;

mod collections;

/// A reply converted to a Rust type.
///
/// The conversions are chosen so that a RESP2 and a RESP3 server give the same Rust
/// result for the same command: a RESP3 map and a RESP2 flat key/value array both
/// become a `HashMap`, a RESP3 double and a RESP2 bulk string `"1.5"` both become an
/// `f64`, a RESP3 boolean and a RESP2 integer `1` both become `true`.
///
/// For every target except [`Value`] itself, an attribute (`|`) is unwrapped to the
/// value it describes, and an error reply ([`Value::Error`], e.g. one element of an
/// `EXEC` result) becomes a [`ConversionError`] of kind
/// [`Server`](super::ConversionErrorKind::Server) carrying the server's message.
///
/// | target | accepts |
/// |---|---|
/// | [`Value`] | anything, unchanged (attributes and errors included) |
/// | `()` | anything except an error reply |
/// | integers (`i8`–`i128`, `u16`–`u128`, `isize`, `usize`) | integer; bulk/simple/verbatim string or big number of decimal digits; double with an integral value. Out of range is an error naming the type. |
/// | `f64`, `f32` | double; integer; bulk/simple/verbatim string or big number that parses as a float, including `inf`, `-inf`, `+inf`, `nan` |
/// | `bool` | boolean; integer `0`/`1`; bulk or simple string `"0"`/`"1"`; simple string `OK` (true); nil (false) |
/// | `String` | bulk/simple/verbatim string (UTF-8 checked); integer and double (formatted); big number (its digits) |
/// | `Vec<u8>`, [`Bytes`] | the same as `String` without the UTF-8 check; `Bytes` shares the reply's buffer |
/// | `Option<T>` | nil is `None`, anything else `Some(T)` |
/// | `Vec<T>`, `VecDeque<T>`, `HashSet<T>`, `BTreeSet<T>` | array, set, push; a map is flattened to key, value, key, value...; nil is empty |
/// | `Vec<(K, V)>`, `HashMap<K, V>`, `BTreeMap<K, V>` | map; flat array `[k1, v1, k2, v2...]` (odd length is an error); array of 2-element arrays `[[k1, v1], ...]`; nil is empty |
/// | tuples of 1 to 12 elements | array, set or push of exactly that length; a 2-tuple also takes a map of exactly one pair |
///
/// Points worth knowing:
///
/// - Nil converts to an empty collection, as RESP2 sends `*-1` where a command has
///   nothing to return. Ask for `Option<Vec<T>>` to tell nil from empty (e.g. an
///   `EXEC` aborted by `WATCH`).
/// - A double converts to an integer only when it is integral (`3.0`, not `3.5`),
///   so a RESP3 double and its RESP2 text (`"3"`) agree. Booleans never convert to
///   numbers or strings.
/// - An array whose elements are all 2-element arrays is read as nested pairs by
///   `Vec<(K, V)>` and maps; any other even-length array as the flat form.
/// - The contents of errors: see [`ConversionError`].
///
/// `u8` does not implement `FromValue`, so that `Vec<u8>` can mean "the bytes of one
/// bulk string". Read a small number as `u16` or `i16` and narrow it.
///
/// ```
/// use anyredis::resp::Value;
/// use anyredis::value::FromValue;
///
/// let reply = Value::Array(vec![
///     Value::BulkString("a".into()),
///     Value::BulkString("1".into()),
/// ]);
/// let pairs: Vec<(String, i64)> = FromValue::from_value(reply).unwrap();
/// assert_eq!(pairs, [("a".to_owned(), 1)]);
/// ```
pub trait FromValue: Sized {
    /// Converts a reply.
    fn from_value(value: Value) -> Result<Self, ConversionError>;

    /// Converts the elements of an array (or set or push) one by one into `out`.
    /// Overridden by 2-tuples, which also take the flat `[k1, v1, k2, v2]` form.
    #[doc(hidden)]
    fn extend_from_items<C: Extend<Self>>(items: Vec<Value>, out: &mut C) -> Result<(), ConversionError> {
        for (i, item) in items.into_iter().enumerate() {
            let item = Self::from_value(item).map_err(|e| e.with_context(format_args!("element {i}")))?;
            out.extend(Some(item));
        }
        Ok(())
    }

    /// Converts the pairs of a map into `out`: by default each key and each value
    /// becomes one element, as the RESP2 flat form would. Overridden by 2-tuples.
    #[doc(hidden)]
    fn extend_from_pairs<C: Extend<Self>>(pairs: Vec<(Value, Value)>, out: &mut C) -> Result<(), ConversionError> {
        for (i, (key, value)) in pairs.into_iter().enumerate() {
            let value = Self::from_value(value)
                .map_err(|e| e.with_context(format_args!("value for {}", super::error::key_context(&key))))?;
            let key = Self::from_value(key).map_err(|e| e.with_context(format_args!("key of pair {i}")))?;
            out.extend([key, value]);
        }
        Ok(())
    }
}

/// Unwraps attributes and turns an error reply into a server [`ConversionError`].
pub(crate) fn resolve(mut value: Value, expected: &'static str) -> Result<Value, ConversionError> {
    loop {
        match value {
            Value::Attribute { value: inner, .. } => value = *inner,
            Value::Error(message) => return Err(ConversionError::server_error(expected, &message)),
            other => return Ok(other),
        }
    }
}

/// Whether `value` is nil, looking through attributes.
fn is_nil(value: &Value) -> bool {
    match value {
        Value::Nil => true,
        Value::Attribute { value, .. } => is_nil(value),
        _ => false,
    }
}

const NOT_AN_INTEGER: &str = "not an integer";
const OUT_OF_RANGE: &str = "out of range";
const NOT_A_NUMBER: &str = "not a number";
const INVALID_UTF8: &str = "invalid UTF-8";

impl FromValue for Value {
    /// The reply unchanged.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        Ok(value)
    }
}

impl FromValue for () {
    /// Ignores the reply, unless it is an error reply.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        resolve(value, "()").map(drop)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    /// Nil (also behind an attribute) is `None`, anything else `Some(T)`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        if is_nil(&value) {
            Ok(None)
        } else {
            T::from_value(value).map(Some)
        }
    }
}

/// The bytes of a text-like reply: bulk, simple and verbatim strings.
fn text(value: &Value) -> Option<&Bytes> {
    match value {
        Value::BulkString(b) | Value::SimpleString(b) => Some(b),
        Value::Verbatim { text, .. } => Some(text),
        _ => None,
    }
}

/// Parses decimal digits (with an optional sign) as an `i128`.
fn parse_i128(digits: &[u8]) -> Result<i128, &'static str> {
    let s = std::str::from_utf8(digits).map_err(|_| NOT_AN_INTEGER)?;
    s.parse::<i128>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => OUT_OF_RANGE,
        _ => NOT_AN_INTEGER,
    })
}

/// An integral double as an `i128`.
fn double_to_i128(d: f64) -> Result<i128, &'static str> {
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0; // 2^127
    if d.is_nan() || (d.is_finite() && d.fract() != 0.0) {
        Err(NOT_AN_INTEGER)
    } else if (-LIMIT..LIMIT).contains(&d) {
        Ok(d as i128)
    } else {
        Err(OUT_OF_RANGE) // also the infinities
    }
}

/// The integer a reply holds, as an `i128`, or `None` for a type that never holds one.
fn wide_integer(value: &Value) -> Option<Result<i128, &'static str>> {
    Some(match value {
        Value::Integer(n) => Ok(i128::from(*n)),
        Value::BigNumber(b) => parse_i128(b),
        Value::Double(d) => double_to_i128(*d),
        other => parse_i128(text(other)?),
    })
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, ConversionError> {
                const NAME: &str = stringify!($t);
                let value = resolve(value, NAME)?;
                let Some(wide) = wide_integer(&value) else {
                    return Err(ConversionError::type_mismatch(NAME, &value));
                };
                wide.and_then(|n| <$t>::try_from(n).map_err(|_| OUT_OF_RANGE))
                    .map_err(|reason| ConversionError::invalid_value(NAME, &value, reason))
            }
        }
    )*};
}
int_from_value!(i8, i16, i32, i64, i128, isize, u16, u32, u64, usize);

impl FromValue for u128 {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        const NAME: &str = "u128";
        const LIMIT: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0; // 2^128
        let value = resolve(value, NAME)?;
        let digits = match &value {
            Value::BigNumber(b) => Some(b),
            other => text(other),
        };
        let parsed = match (&value, digits) {
            (Value::Integer(n), _) => u128::try_from(*n).map_err(|_| OUT_OF_RANGE),
            (Value::Double(d), _) if *d >= 0.0 && *d < LIMIT => {
                if d.fract() == 0.0 {
                    Ok(*d as u128)
                } else {
                    Err(NOT_AN_INTEGER)
                }
            }
            (Value::Double(d), _) => double_to_i128(*d).and(Err(OUT_OF_RANGE)),
            (_, Some(digits)) => std::str::from_utf8(digits).map_err(|_| NOT_AN_INTEGER).and_then(|s| {
                s.parse::<u128>().map_err(|e| match e.kind() {
                    IntErrorKind::PosOverflow => OUT_OF_RANGE,
                    // "-5" is a valid integer, just not an unsigned one.
                    _ if s.parse::<i128>().is_ok() => OUT_OF_RANGE,
                    _ => NOT_AN_INTEGER,
                })
            }),
            (_, None) => return Err(ConversionError::type_mismatch(NAME, &value)),
        };
        parsed.map_err(|reason| ConversionError::invalid_value(NAME, &value, reason))
    }
}

macro_rules! float_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, ConversionError> {
                const NAME: &str = stringify!($t);
                let value = resolve(value, NAME)?;
                let digits = match &value {
                    Value::Double(d) => return Ok(*d as $t),
                    Value::Integer(n) => return Ok(*n as $t),
                    Value::BigNumber(b) => b,
                    other => match text(other) {
                        Some(b) => b,
                        None => return Err(ConversionError::type_mismatch(NAME, &value)),
                    },
                };
                std::str::from_utf8(digits)
                    .ok()
                    .and_then(|s| s.parse::<$t>().ok())
                    .ok_or_else(|| ConversionError::invalid_value(NAME, &value, NOT_A_NUMBER))
            }
        }
    )*};
}
float_from_value!(f32, f64);

impl FromValue for bool {
    /// True: boolean true, integer 1, string `"1"`, simple string `OK`.
    /// False: boolean false, integer 0, string `"0"`, nil.
    ///
    /// Nil is false because Lua `false` reaches a RESP2 client as nil (and a RESP3
    /// client as `#f`), and `SET ... NX` answers `OK` or nil.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let value = resolve(value, "bool")?;
        match &value {
            Value::Boolean(b) => Ok(*b),
            Value::Nil => Ok(false),
            Value::Integer(0) => Ok(false),
            Value::Integer(1) => Ok(true),
            Value::Integer(_) => Err(ConversionError::invalid_value("bool", &value, "not 0 or 1")),
            Value::SimpleString(b) if &b[..] == b"OK" => Ok(true),
            Value::SimpleString(b) | Value::BulkString(b) => match &b[..] {
                b"1" => Ok(true),
                b"0" => Ok(false),
                _ => Err(ConversionError::invalid_value("bool", &value, "not 0 or 1")),
            },
            _ => Err(ConversionError::type_mismatch("bool", &value)),
        }
    }
}

/// The bytes a string-like target gets from a reply: the payload of a text reply or
/// big number, or the decimal text of an integer or double.
fn string_bytes(value: Value, name: &'static str) -> Result<Bytes, ConversionError> {
    match resolve(value, name)? {
        Value::BulkString(b) | Value::SimpleString(b) | Value::BigNumber(b) => Ok(b),
        Value::Verbatim { text, .. } => Ok(text),
        Value::Integer(n) => Ok(Bytes::copy_from_slice(itoa::Buffer::new().format(n).as_bytes())),
        Value::Double(d) => Ok(Bytes::copy_from_slice(format_f64(d, &mut FloatBuf::new()))),
        other => Err(ConversionError::type_mismatch(name, &other)),
    }
}

impl FromValue for Bytes {
    /// Shares the reply's buffer: no copy.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        string_bytes(value, "Bytes")
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        string_bytes(value, "Vec<u8>").map(Vec::from)
    }
}

impl FromValue for String {
    /// Doubles are written like [`Args::push_float`](super::Args::push_float)
    /// (`1.5`, `3`, `inf`).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let value = resolve(value, "String")?;
        let bytes = match &value {
            Value::BulkString(b) | Value::SimpleString(b) | Value::BigNumber(b) => b,
            Value::Verbatim { text, .. } => text,
            Value::Integer(n) => return Ok(itoa::Buffer::new().format(*n).to_owned()),
            Value::Double(d) => {
                let text = format_f64(*d, &mut FloatBuf::new()).to_vec();
                // Formatted floats are ASCII; lossy conversion cannot lose anything.
                return Ok(String::from_utf8_lossy(&text).into_owned());
            }
            _ => return Err(ConversionError::type_mismatch("String", &value)),
        };
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(ConversionError::invalid_value("String", &value, INVALID_UTF8)),
        }
    }
}
