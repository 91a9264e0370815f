//! Decoding every RESP type from its wire form, and encode/decode round trips.

use bytes::{Bytes, BytesMut};

use super::{bulk, decode_one, encode, same, simple};
use crate::resp::{write_array_len, write_bulk, Decoder, Value};

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

#[test]
fn decodes_every_type() {
    let cases: Vec<(&[u8], Value)> = vec![
        (b"+OK\r\n", simple("OK")),
        (b"+\r\n", simple("")),
        (b"-ERR unknown command\r\n", Value::Error(b("ERR unknown command"))),
        (
            b"!21\r\nSYNTAX invalid syntax\r\n",
            Value::Error(b("SYNTAX invalid syntax")),
        ),
        (b":0\r\n", Value::Integer(0)),
        (b":-42\r\n", Value::Integer(-42)),
        (b":+7\r\n", Value::Integer(7)),
        (b":9223372036854775807\r\n", Value::Integer(i64::MAX)),
        (b":-9223372036854775808\r\n", Value::Integer(i64::MIN)),
        (b"$5\r\nhello\r\n", bulk("hello")),
        (b"$0\r\n\r\n", bulk("")),
        (b"$4\r\na\r\nb\r\n", bulk("a\r\nb")),
        (b"$-1\r\n", Value::Nil),
        (b"*-1\r\n", Value::Nil),
        (b"_\r\n", Value::Nil),
        (b"*0\r\n", Value::Array(vec![])),
        (
            b"*2\r\n:1\r\n$1\r\nx\r\n",
            Value::Array(vec![Value::Integer(1), bulk("x")]),
        ),
        (b",1.5\r\n", Value::Double(1.5)),
        (b",-2\r\n", Value::Double(-2.0)),
        (b",1e3\r\n", Value::Double(1000.0)),
        (b",1.25E-2\r\n", Value::Double(0.0125)),
        (b",inf\r\n", Value::Double(f64::INFINITY)),
        (b",-inf\r\n", Value::Double(f64::NEG_INFINITY)),
        (b",INF\r\n", Value::Double(f64::INFINITY)),
        (b",-Inf\r\n", Value::Double(f64::NEG_INFINITY)),
        (b"#t\r\n", Value::Boolean(true)),
        (b"#f\r\n", Value::Boolean(false)),
        (
            b"(3492890328409238509324850943850943825024385\r\n",
            Value::BigNumber(b("3492890328409238509324850943850943825024385")),
        ),
        (b"(-12\r\n", Value::BigNumber(b("-12"))),
        (
            b"=15\r\ntxt:Some string\r\n",
            Value::Verbatim {
                format: *b"txt",
                text: b("Some string"),
            },
        ),
        (
            b"=4\r\nmkd:\r\n",
            Value::Verbatim {
                format: *b"mkd",
                text: b(""),
            },
        ),
        (
            b"%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
            Value::Map(vec![
                (simple("first"), Value::Integer(1)),
                (simple("second"), Value::Integer(2)),
            ]),
        ),
        (b"%0\r\n", Value::Map(vec![])),
        (b"~2\r\n+a\r\n+b\r\n", Value::Set(vec![simple("a"), simple("b")])),
        (b"~0\r\n", Value::Set(vec![])),
        (
            b">3\r\n+message\r\n+chan\r\n$2\r\nhi\r\n",
            Value::Push(vec![simple("message"), simple("chan"), bulk("hi")]),
        ),
        (
            b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n",
            Value::Attribute {
                attributes: vec![(
                    simple("key-popularity"),
                    Value::Map(vec![(bulk("a"), Value::Double(0.19))]),
                )],
                value: Box::new(Value::Array(vec![Value::Integer(2039123), Value::Integer(9543892)])),
            },
        ),
        (
            b"|0\r\n:1\r\n",
            Value::Attribute {
                attributes: vec![],
                value: Box::new(Value::Integer(1)),
            },
        ),
        (
            b"*2\r\n|1\r\n+ttl\r\n:3\r\n+v\r\n:9\r\n",
            Value::Array(vec![
                Value::Attribute {
                    attributes: vec![(simple("ttl"), Value::Integer(3))],
                    value: Box::new(simple("v")),
                },
                Value::Integer(9),
            ]),
        ),
    ];
    for (input, expected) in cases {
        let got = decode_one(input);
        assert_eq!(got, expected, "input {:?}", Bytes::from_static(input));
    }
}

#[test]
fn nan_in_any_case() {
    for input in [&b",nan\r\n"[..], b",NaN\r\n", b",NAN\r\n", b",-nan\r\n"] {
        match decode_one(input) {
            Value::Double(d) => assert!(d.is_nan(), "{input:?}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn writers_produce_exact_bytes() {
    let mut buf = BytesMut::new();
    write_array_len(&mut buf, 3);
    write_bulk(&mut buf, b"SET");
    write_bulk(&mut buf, b"k");
    write_bulk(&mut buf, b"");
    assert_eq!(&buf[..], b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    assert_eq!(&encode(&Value::Nil)[..], b"_\r\n");
    assert_eq!(&encode(&Value::Integer(-5))[..], b":-5\r\n");
    assert_eq!(&encode(&Value::Double(f64::NEG_INFINITY))[..], b",-inf\r\n");
    assert_eq!(&encode(&Value::Double(2.5))[..], b",2.5\r\n");
    assert_eq!(&encode(&Value::Error(b("ERR x")))[..], b"-ERR x\r\n");
    assert_eq!(&encode(&Value::Error(b("a\nb")))[..], b"!3\r\na\nb\r\n");
    let verbatim = Value::Verbatim {
        format: *b"txt",
        text: b("hi"),
    };
    assert_eq!(&encode(&verbatim)[..], b"=6\r\ntxt:hi\r\n");
}

fn samples() -> Vec<Value> {
    let leaf = vec![
        Value::Nil,
        simple("OK"),
        simple(""),
        Value::Error(b("ERR bad")),
        Value::Error(b("multi\r\nline")),
        Value::Integer(0),
        Value::Integer(i64::MIN),
        Value::Integer(i64::MAX),
        bulk(""),
        Value::BulkString(Bytes::from_static(b"\x00\xff\r\n\r\nbinary")),
        Value::Double(0.1),
        Value::Double(-1e300),
        Value::Double(5e-324),
        Value::Double(f64::INFINITY),
        Value::Double(f64::NEG_INFINITY),
        Value::Double(f64::NAN),
        Value::Boolean(true),
        Value::Boolean(false),
        Value::BigNumber(b("-123456789012345678901234567890")),
        Value::Verbatim {
            format: *b"txt",
            text: b(""),
        },
        Value::Verbatim {
            format: *b"mkd",
            text: b("# title\r\nbody"),
        },
    ];
    let mut all = leaf.clone();
    all.push(Value::Array(vec![]));
    all.push(Value::Map(vec![]));
    all.push(Value::Set(vec![]));
    all.push(Value::Push(vec![]));
    all.push(Value::Array(leaf.clone()));
    all.push(Value::Set(leaf.clone()));
    all.push(Value::Push(leaf.clone()));
    all.push(Value::Map(
        leaf.iter().cloned().zip(leaf.iter().rev().cloned()).collect(),
    ));
    all.push(Value::Attribute {
        attributes: vec![],
        value: Box::new(Value::Array(vec![])),
    });
    let nested = Value::Array(vec![
        Value::Map(vec![(
            Value::Array(vec![Value::Set(vec![])]),
            Value::Push(vec![Value::Nil]),
        )]),
        Value::Attribute {
            attributes: vec![(
                simple("a"),
                Value::Attribute {
                    attributes: vec![],
                    value: Box::new(bulk("x")),
                },
            )],
            value: Box::new(Value::Map(vec![(bulk("k"), Value::Array(leaf))])),
        },
    ]);
    all.push(Value::Attribute {
        attributes: vec![(simple("meta"), nested.clone())],
        value: Box::new(nested),
    });
    all
}

#[test]
fn every_variant_round_trips() {
    for v in samples() {
        let bytes = encode(&v);
        let back = decode_one(&bytes);
        assert!(same(&v, &back), "{v:?} came back as {back:?}");
    }
}

#[test]
fn round_trip_of_all_samples_in_one_buffer() {
    let samples = samples();
    let mut buf = BytesMut::new();
    for v in &samples {
        buf.extend_from_slice(&encode(v));
    }
    let mut d = Decoder::default();
    for v in &samples {
        let back = d.decode(&mut buf).unwrap().unwrap();
        assert!(same(v, &back), "{v:?} came back as {back:?}");
    }
    assert!(buf.is_empty());
    assert_eq!(d.decode(&mut buf).unwrap(), None);
}

#[test]
fn payloads_share_the_read_buffer() {
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nabc\r\n+de\r\n"[..]);
    let start = buf.as_ptr() as usize;
    let v = Decoder::default().decode(&mut buf).unwrap().unwrap();
    let Value::Array(items) = v else { panic!() };
    let (Value::BulkString(abc), Value::SimpleString(de)) = (&items[0], &items[1]) else {
        panic!()
    };
    assert_eq!(abc.as_ptr() as usize, start + 8);
    assert_eq!(de.as_ptr() as usize, start + 14);
}

#[test]
fn lone_strings_share_the_read_buffer() {
    let mut buf = BytesMut::from(&b"$3\r\nabc\r\n+de\r\n-ERR f\r\n"[..]);
    let start = buf.as_ptr() as usize;
    let mut d = Decoder::default();
    let Some(Value::BulkString(abc)) = d.decode(&mut buf).unwrap() else {
        panic!()
    };
    let Some(Value::SimpleString(de)) = d.decode(&mut buf).unwrap() else {
        panic!()
    };
    let Some(Value::Error(f)) = d.decode(&mut buf).unwrap() else {
        panic!()
    };
    assert_eq!((&abc[..], &de[..], &f[..]), (&b"abc"[..], &b"de"[..], &b"ERR f"[..]));
    assert_eq!(abc.as_ptr() as usize, start + 4);
    assert_eq!(de.as_ptr() as usize, start + 10);
    assert_eq!(f.as_ptr() as usize, start + 15);
}
