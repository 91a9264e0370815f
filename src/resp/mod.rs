//! The RESP2/RESP3 wire format: a pure codec, with no I/O and no async.
//!
//! - [`Decoder`] takes bytes as they arrive from the socket, appended to a
//!   [`BytesMut`](bytes::BytesMut), and hands out one [`Value`] per complete frame.
//!   `Ok(None)` means "append more bytes and call again"; a call only scans the bytes
//!   that arrived since the last one. Payloads in the returned values are slices of
//!   the read buffer, never copies.
//! - [`write_array_len`] and [`write_bulk`] write commands straight into the
//!   connection's write buffer; [`write_value`] encodes any [`Value`] as RESP3.
//! - [`Limits`] bound what the decoder accepts from the server (bulk length, aggregate
//!   length, nesting depth, line length). Anything malformed or past a limit is a
//!   [`ProtocolError`], never a panic or an unbounded allocation.
//!
//! # Grammar accepted
//!
//! | type byte | RESP | decodes to |
//! |---|---|---|
//! | `+` | simple string | [`Value::SimpleString`] |
//! | `-` / `!` | simple / bulk error | [`Value::Error`] (the whole text) |
//! | `:` | integer (must fit `i64`) | [`Value::Integer`] |
//! | `$` | bulk string; `$-1` is null | [`Value::BulkString`] / [`Value::Nil`] |
//! | `*` | array; `*-1` is null | [`Value::Array`] / [`Value::Nil`] |
//! | `_` | null | [`Value::Nil`] |
//! | `,` | double, also `inf`, `-inf`, `nan` in any case | [`Value::Double`] |
//! | `#` | boolean, `t` or `f` | [`Value::Boolean`] |
//! | `(` | big number, optional sign and digits | [`Value::BigNumber`] |
//! | `=` | verbatim string, `xxx:` prefix | [`Value::Verbatim`] |
//! | `%` | map | [`Value::Map`] |
//! | `~` | set | [`Value::Set`] |
//! | `\|` | attribute, then the value it describes | [`Value::Attribute`] |
//! | `>` | push | [`Value::Push`] |
//!
//! Lines end at their first CR, which must be followed by LF. Negative lengths other
//! than `-1` are errors, as are RESP3 streamed strings and aggregates (`$?`, `*?`),
//! which Redis does not send.

mod decoder;
mod encoder;
mod error;
mod grammar;
mod limits;
mod value;

pub use decoder::Decoder;
pub use encoder::{write_array_len, write_bulk, write_value};
pub use error::ProtocolError;
pub use limits::Limits;
pub use value::Value;

#[cfg(test)]
mod tests;
