//! Each limit accepts a value exactly at it and rejects one past it.

use bytes::BytesMut;

use super::{bulk, decode_err_with};
use crate::resp::{Decoder, Limits, ProtocolError as E, Value};

fn decode_with(limits: Limits, input: &[u8]) -> Value {
    let mut buf = BytesMut::from(input);
    let v = Decoder::new(limits).decode(&mut buf).unwrap().expect("complete");
    assert!(buf.is_empty());
    v
}

fn nested(depth: usize, leaf: &str) -> Vec<u8> {
    let mut s = "*1\r\n".repeat(depth);
    s.push_str(leaf);
    s.into_bytes()
}

#[test]
fn defaults_are_documented_values() {
    let l = Limits::default();
    assert_eq!(l, Limits::DEFAULT);
    assert_eq!(l.max_bulk_len, 512 * 1024 * 1024);
    assert_eq!(l.max_aggregate_len, 1 << 24);
    assert_eq!(l.max_depth, 128);
    assert_eq!(l.max_inline_len, 64 * 1024);
    assert_eq!(l.max_frame_len, 1024 * 1024 * 1024);
    assert_eq!(Decoder::default().limits(), l);
}

#[test]
fn frame_len() {
    // `*2\r\n$3\r\nabc\r\n$3\r\ndef\r\n` is 22 bytes.
    let frame = b"*2\r\n$3\r\nabc\r\n$3\r\ndef\r\n";
    assert_eq!(frame.len(), 22);
    let l = Limits::default().with_max_frame_len(22);
    assert_eq!(decode_with(l, frame), Value::Array(vec![bulk("abc"), bulk("def")]));
    let l = Limits::default().with_max_frame_len(21);
    // Refused when the second bulk's header arrives, before its payload.
    assert_eq!(
        decode_err_with(l, b"*2\r\n$3\r\nabc\r\n$3\r\n"),
        E::FrameTooLong { limit: 21, offset: 13 }
    );
    // Many small elements add up the same way.
    let l = Limits::default().with_max_frame_len(100);
    let mut many = b"*1000\r\n".to_vec();
    many.extend(b":1\r\n".repeat(30));
    assert!(matches!(decode_err_with(l, &many), E::FrameTooLong { limit: 100, .. }));
}

#[test]
fn bulk_len() {
    let l = Limits::default().with_max_bulk_len(5);
    assert_eq!(decode_with(l, b"$5\r\nhello\r\n"), bulk("hello"));
    assert_eq!(
        decode_err_with(l, b"$6\r\n"),
        E::BulkTooLong {
            len: 6,
            limit: 5,
            offset: 0
        }
    );
    assert_eq!(
        decode_err_with(l, b"*1\r\n!6\r\n"),
        E::BulkTooLong {
            len: 6,
            limit: 5,
            offset: 4
        }
    );
    assert_eq!(
        decode_err_with(l, b"=6\r\n"),
        E::BulkTooLong {
            len: 6,
            limit: 5,
            offset: 0
        }
    );
    let e = decode_err_with(Limits::default(), b"$536870913\r\n");
    assert_eq!(
        e,
        E::BulkTooLong {
            len: 536870913,
            limit: 536870912,
            offset: 0
        }
    );
    // Exactly at the default limit is accepted: the decoder just waits for the payload.
    let mut buf = BytesMut::from(&b"$536870912\r\n"[..]);
    assert_eq!(Decoder::default().decode(&mut buf), Ok(None));
    let l = Limits::default().with_max_bulk_len(usize::MAX);
    let e = decode_err_with(l, format!("${}\r\n", usize::MAX).as_bytes());
    assert!(matches!(e, E::BulkTooLong { .. }), "{e:?}");
}

#[test]
fn aggregate_len() {
    let l = Limits::default().with_max_aggregate_len(2);
    let two = Value::Array(vec![Value::Integer(1), Value::Integer(2)]);
    assert_eq!(decode_with(l, b"*2\r\n:1\r\n:2\r\n"), two);
    assert_eq!(
        decode_err_with(l, b"*3\r\n"),
        E::AggregateTooLong {
            len: 3,
            limit: 2,
            offset: 0
        }
    );
    for ty in ["~", ">", "%", "|"] {
        let e = decode_err_with(l, format!("{ty}3\r\n").as_bytes());
        assert_eq!(
            e,
            E::AggregateTooLong {
                len: 3,
                limit: 2,
                offset: 0
            },
            "{ty}"
        );
    }
    // Maps and attributes count pairs.
    let map = decode_with(l, b"%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n");
    assert!(matches!(map, Value::Map(ref p) if p.len() == 2), "{map:?}");
    let e = decode_err_with(Limits::default(), b"*16777217\r\n");
    assert_eq!(
        e,
        E::AggregateTooLong {
            len: 16777217,
            limit: 1 << 24,
            offset: 0
        }
    );
}

#[test]
fn a_huge_declared_aggregate_allocates_nothing_up_front() {
    let l = Limits::default().with_max_aggregate_len(usize::MAX);
    let mut d = Decoder::new(l);
    let mut buf = BytesMut::from(&b"*2000000000\r\n%2000000000\r\n:1\r\n"[..]);
    assert_eq!(d.decode(&mut buf), Ok(None));
    assert_eq!(buf.len(), 30);
}

#[test]
fn depth() {
    let l = Limits::default().with_max_depth(3);
    let v = decode_with(l, &nested(3, ":1\r\n"));
    let expected = Value::Array(vec![Value::Array(vec![Value::Array(vec![Value::Integer(1)])])]);
    assert_eq!(v, expected);
    assert_eq!(
        decode_err_with(l, &nested(4, ":1\r\n")),
        E::TooDeep { limit: 3, offset: 12 }
    );
    // Empty aggregates count as a level too, and so do maps and attributes.
    assert_eq!(
        decode_err_with(l, &nested(3, "*0\r\n")),
        E::TooDeep { limit: 3, offset: 12 }
    );
    assert_eq!(
        decode_err_with(l, b"%1\r\n|1\r\n~1\r\n>0\r\n"),
        E::TooDeep { limit: 3, offset: 12 }
    );
    let l0 = Limits::default().with_max_depth(0);
    assert_eq!(decode_with(l0, b":1\r\n"), Value::Integer(1));
    assert_eq!(decode_err_with(l0, b"*0\r\n"), E::TooDeep { limit: 0, offset: 0 });
}

#[test]
fn default_depth_and_deep_nesting_without_recursion() {
    assert!(matches!(
        decode_with(Limits::default(), &nested(128, "_\r\n")),
        Value::Array(_)
    ));
    let e = decode_err_with(Limits::default(), &nested(129, "_\r\n"));
    assert_eq!(
        e,
        E::TooDeep {
            limit: 128,
            offset: 128 * 4
        }
    );
    // A very deep frame builds (and drops) without recursion in the decoder.
    let l = Limits::default().with_max_depth(usize::MAX);
    let v = decode_with(l, &nested(2_000, "_\r\n"));
    let mut depth = 0;
    let mut cur = &v;
    while let Value::Array(items) = cur {
        depth += 1;
        cur = &items[0];
    }
    assert_eq!((depth, cur), (2_000, &Value::Nil));
}

#[test]
fn inline_len() {
    let l = Limits::default().with_max_inline_len(4);
    assert_eq!(decode_with(l, b"+abcd\r\n"), Value::SimpleString("abcd".into()));
    assert_eq!(
        decode_err_with(l, b"+abcde\r\n"),
        E::LineTooLong { limit: 4, offset: 0 }
    );
    // Found without waiting for a CRLF that may never come.
    assert_eq!(
        decode_err_with(l, b"*1\r\n-abcde"),
        E::LineTooLong { limit: 4, offset: 4 }
    );
    let mut buf = BytesMut::from(&b"-abcd"[..]);
    let mut d = Decoder::new(l);
    assert_eq!(d.decode(&mut buf), Ok(None));
    buf.extend_from_slice(b"\r");
    assert_eq!(d.decode(&mut buf), Ok(None));
    buf.extend_from_slice(b"\n");
    assert_eq!(d.decode(&mut buf), Ok(Some(Value::Error("abcd".into()))));
    // Headers are lines too, and bulk payloads are not.
    assert_eq!(
        decode_err_with(l, b"$12345\r\n"),
        E::LineTooLong { limit: 4, offset: 0 }
    );
    assert_eq!(
        decode_with(l, b"$10\r\n0123456789\r\n"),
        Value::BulkString("0123456789".into())
    );
}

#[test]
fn default_inline_len() {
    let at = format!("+{}\r\n", "a".repeat(64 * 1024));
    assert!(matches!(decode_with(Limits::default(), at.as_bytes()), Value::SimpleString(s) if s.len() == 65536));
    let past = format!("+{}", "a".repeat(64 * 1024 + 1));
    let e = decode_err_with(Limits::default(), past.as_bytes());
    assert_eq!(
        e,
        E::LineTooLong {
            limit: 65536,
            offset: 0
        }
    );
}
