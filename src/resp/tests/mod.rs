//! Tests of the RESP codec. Shared helpers live here.

mod fuzz_replay;
mod limits;
mod malformed;
mod proptest;
mod roundtrip;
mod splits;

use bytes::{Bytes, BytesMut};

use super::{write_value, Decoder, Limits, ProtocolError, Value};

/// Decodes `input` fed whole with default limits; expects exactly one frame and no
/// bytes left over.
fn decode_one(input: &[u8]) -> Value {
    let mut buf = BytesMut::from(input);
    let v = Decoder::default().decode(&mut buf).unwrap().expect("a complete frame");
    assert!(buf.is_empty(), "bytes left after the frame: {:?}", buf);
    v
}

/// The error `input` produces with `limits` when fed whole.
fn decode_err_with(limits: Limits, input: &[u8]) -> ProtocolError {
    let mut buf = BytesMut::from(input);
    let mut d = Decoder::new(limits);
    loop {
        match d.decode(&mut buf) {
            Err(e) => return e,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("no error for {:?}", Bytes::copy_from_slice(input)),
        }
    }
}

fn decode_err(input: &[u8]) -> ProtocolError {
    decode_err_with(Limits::default(), input)
}

fn encode(v: &Value) -> BytesMut {
    let mut buf = BytesMut::new();
    write_value(&mut buf, v);
    buf
}

/// Equality that treats NaN doubles as equal to each other.
fn same(a: &Value, b: &Value) -> bool {
    use Value::*;
    let all = |x: &[Value], y: &[Value]| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q));
    let pairs = |x: &[(Value, Value)], y: &[(Value, Value)]| {
        x.len() == y.len() && x.iter().zip(y).all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
    };
    match (a, b) {
        (Double(x), Double(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Array(x), Array(y)) | (Set(x), Set(y)) | (Push(x), Push(y)) => all(x, y),
        (Map(x), Map(y)) => pairs(x, y),
        (
            Attribute {
                attributes: a1,
                value: v1,
            },
            Attribute {
                attributes: a2,
                value: v2,
            },
        ) => pairs(a1, a2) && same(v1, v2),
        _ => a == b,
    }
}

fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn simple(s: &str) -> Value {
    Value::SimpleString(Bytes::copy_from_slice(s.as_bytes()))
}
