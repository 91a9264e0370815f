//! The decoded form of one RESP2 or RESP3 frame.

use bytes::Bytes;

/// One reply (or part of one) as the server sent it.
///
/// Every RESP2 and RESP3 type has a variant. Both RESP2 null forms (`$-1`, `*-1`)
/// and the RESP3 null (`_`) decode to [`Value::Nil`]. Simple errors (`-`) and bulk
/// errors (`!`) both decode to [`Value::Error`]. Payloads are [`Bytes`] slices of
/// the connection's read buffer: decoding does not copy them.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// Null: RESP2 `$-1` and `*-1`, RESP3 `_`.
    Nil,
    /// Simple string (`+OK`). Never contains CR or LF.
    SimpleString(Bytes),
    /// Simple error (`-ERR ...`) or bulk error (`!`): the whole line, e.g. `WRONGTYPE Operation...`.
    Error(Bytes),
    /// Integer (`:`), signed 64-bit.
    Integer(i64),
    /// Bulk string (`$`): binary-safe bytes.
    BulkString(Bytes),
    /// Array (`*`).
    Array(Vec<Value>),
    /// Double (`,`), including `inf`, `-inf` and `nan`.
    Double(f64),
    /// Boolean (`#t` / `#f`).
    Boolean(bool),
    /// Big number (`(`): the decimal digits, with an optional leading `-`.
    BigNumber(Bytes),
    /// Verbatim string (`=`): a three-byte format such as `txt` or `mkd`, and the text.
    Verbatim {
        /// The format, e.g. `*b"txt"`.
        format: [u8; 3],
        /// The text after the `xxx:` prefix.
        text: Bytes,
    },
    /// Map (`%`): key/value pairs in the order sent.
    Map(Vec<(Value, Value)>),
    /// Set (`~`): elements in the order sent.
    Set(Vec<Value>),
    /// Attribute (`|`): out-of-band data attached to the value that follows it.
    Attribute {
        /// The attribute pairs.
        attributes: Vec<(Value, Value)>,
        /// The reply the attributes describe.
        value: Box<Value>,
    },
    /// Push (`>`): an out-of-band message (pub/sub, invalidation, ...).
    Push(Vec<Value>),
}

impl Value {
    /// A short lowercase name of this value's RESP type, used in error messages
    /// (`"bulk string"`, `"integer"`, `"nil"`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::SimpleString(_) => "simple string",
            Value::Error(_) => "error",
            Value::Integer(_) => "integer",
            Value::BulkString(_) => "bulk string",
            Value::Array(_) => "array",
            Value::Double(_) => "double",
            Value::Boolean(_) => "boolean",
            Value::BigNumber(_) => "big number",
            Value::Verbatim { .. } => "verbatim string",
            Value::Map(_) => "map",
            Value::Set(_) => "set",
            Value::Attribute { .. } => "attribute",
            Value::Push(_) => "push",
        }
    }

    /// Whether this value is [`Value::Nil`].
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}
