//! Tests of the value conversion layer: exact encodings of every [`ToArgs`] impl,
//! every [`FromValue`] rule from its RESP2 and RESP3 forms, error contents, and
//! round-trip properties.

use bytes::Bytes;

use crate::resp::Value;
use crate::value::{Args, ConversionError, FromValue, ToArgs};

mod args;
mod collections;
mod errors;
mod props;
mod scalars;

/// The encoded bytes `value` writes.
fn encode<T: ToArgs + ?Sized>(value: &T) -> Vec<u8> {
    let mut args = Args::new();
    value.write_args(&mut args);
    args.encoded().to_vec()
}

/// The arguments `value` writes, as lossy strings.
fn arg_strings<T: ToArgs + ?Sized>(value: &T) -> Vec<String> {
    let mut args = Args::new();
    value.write_args(&mut args);
    args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
}

fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn simple(s: &str) -> Value {
    Value::SimpleString(Bytes::copy_from_slice(s.as_bytes()))
}

fn verbatim(s: &str) -> Value {
    Value::Verbatim {
        format: *b"txt",
        text: Bytes::copy_from_slice(s.as_bytes()),
    }
}

fn big(s: &str) -> Value {
    Value::BigNumber(Bytes::copy_from_slice(s.as_bytes()))
}

fn server_err(s: &str) -> Value {
    Value::Error(Bytes::copy_from_slice(s.as_bytes()))
}

fn attr(inner: Value) -> Value {
    Value::Attribute {
        attributes: vec![(bulk("ttl"), Value::Integer(3))],
        value: Box::new(inner),
    }
}

fn conv<T: FromValue>(value: Value) -> Result<T, ConversionError> {
    T::from_value(value)
}

/// Converts `value` and returns the error, failing if the conversion succeeds.
#[track_caller]
fn fail<T: FromValue + std::fmt::Debug>(value: Value) -> ConversionError {
    match T::from_value(value) {
        Ok(v) => panic!("expected an error, converted to {v:?}"),
        Err(e) => e,
    }
}
