//! Writes RESP straight into a buffer.
//!
//! Commands go to Redis as an array of bulk strings: [`write_array_len`] once, then
//! [`write_bulk`] per argument, appended directly to the connection's write buffer.
//! [`write_value`] encodes any [`Value`] as RESP3, for tests, fuzzing and tools.

use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};

use super::Value;

/// Writes an array header, `*<len>\r\n`.
///
/// ```
/// use anyredis::resp::{write_array_len, write_bulk};
/// use bytes::BytesMut;
///
/// let mut buf = BytesMut::new();
/// write_array_len(&mut buf, 2);
/// write_bulk(&mut buf, b"GET");
/// write_bulk(&mut buf, b"key");
/// assert_eq!(&buf[..], b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
/// ```
#[inline]
pub fn write_array_len(buf: &mut BytesMut, len: usize) {
    write_header(buf, b'*', len);
}

/// Writes a bulk string, `$<len>\r\n<data>\r\n`. `data` may hold any bytes.
#[inline]
pub fn write_bulk(buf: &mut BytesMut, data: &[u8]) {
    write_bulk_as(buf, b'$', data);
}

/// Encodes `value` as RESP3.
///
/// The output decodes back to an equal value, with these normalisations:
/// [`Value::Error`] is written as a simple error (`-`) unless it holds CR or LF, then as
/// a bulk error (`!`); [`Value::Nil`] is written as `_`. A [`Value::SimpleString`] or
/// [`Value::BigNumber`] is written as is, so it must not hold CR or LF (the grammar
/// cannot carry them; a caller building one from untrusted data should use a bulk string).
///
/// ```
/// use anyredis::resp::{write_value, Value};
/// use bytes::BytesMut;
///
/// let mut buf = BytesMut::new();
/// write_value(&mut buf, &Value::Map(vec![(Value::SimpleString("a".into()), Value::Boolean(true))]));
/// assert_eq!(&buf[..], b"%1\r\n+a\r\n#t\r\n");
/// ```
pub fn write_value(buf: &mut BytesMut, value: &Value) {
    match value {
        Value::Nil => buf.put_slice(b"_\r\n"),
        Value::SimpleString(s) => write_line(buf, b'+', s),
        Value::Error(e) if e.iter().any(|&c| c == b'\r' || c == b'\n') => write_bulk_as(buf, b'!', e),
        Value::Error(e) => write_line(buf, b'-', e),
        Value::Integer(i) => {
            buf.put_u8(b':');
            buf.put_slice(itoa::Buffer::new().format(*i).as_bytes());
            buf.put_slice(b"\r\n");
        }
        Value::BulkString(data) => write_bulk(buf, data),
        Value::Array(items) => write_items(buf, b'*', items),
        Value::Double(d) => write_double(buf, *d),
        Value::Boolean(true) => buf.put_slice(b"#t\r\n"),
        Value::Boolean(false) => buf.put_slice(b"#f\r\n"),
        Value::BigNumber(digits) => write_line(buf, b'(', digits),
        Value::Verbatim { format, text } => {
            write_header(buf, b'=', text.len().saturating_add(4));
            buf.reserve(text.len().saturating_add(6));
            buf.put_slice(format);
            buf.put_u8(b':');
            buf.put_slice(text);
            buf.put_slice(b"\r\n");
        }
        Value::Map(pairs) => write_pairs(buf, b'%', pairs),
        Value::Set(items) => write_items(buf, b'~', items),
        Value::Attribute { attributes, value } => {
            write_pairs(buf, b'|', attributes);
            write_value(buf, value);
        }
        Value::Push(items) => write_items(buf, b'>', items),
    }
}

#[inline]
fn write_header(buf: &mut BytesMut, ty: u8, len: usize) {
    let mut num = itoa::Buffer::new();
    let digits = num.format(len).as_bytes();
    buf.reserve(digits.len().saturating_add(3));
    buf.put_u8(ty);
    buf.put_slice(digits);
    buf.put_slice(b"\r\n");
}

#[inline]
fn write_bulk_as(buf: &mut BytesMut, ty: u8, data: &[u8]) {
    write_header(buf, ty, data.len());
    buf.reserve(data.len().saturating_add(2));
    buf.put_slice(data);
    buf.put_slice(b"\r\n");
}

fn write_line(buf: &mut BytesMut, ty: u8, line: &[u8]) {
    buf.reserve(line.len().saturating_add(3));
    buf.put_u8(ty);
    buf.put_slice(line);
    buf.put_slice(b"\r\n");
}

fn write_items(buf: &mut BytesMut, ty: u8, items: &[Value]) {
    write_header(buf, ty, items.len());
    for item in items {
        write_value(buf, item);
    }
}

fn write_pairs(buf: &mut BytesMut, ty: u8, pairs: &[(Value, Value)]) {
    write_header(buf, ty, pairs.len());
    for (k, v) in pairs {
        write_value(buf, k);
        write_value(buf, v);
    }
}

fn write_double(buf: &mut BytesMut, d: f64) {
    buf.put_u8(b',');
    if d.is_nan() {
        buf.put_slice(b"nan");
    } else if d.is_infinite() {
        buf.put_slice(if d > 0.0 { &b"inf"[..] } else { &b"-inf"[..] });
    } else {
        // `{:?}` is the shortest text that parses back to the same f64, and switches to
        // exponent notation for very large or small magnitudes. Writing to a BytesMut
        // cannot fail.
        let _ = write!(buf, "{d:?}");
    }
    buf.put_slice(b"\r\n");
}
