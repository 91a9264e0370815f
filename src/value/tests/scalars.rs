//! `FromValue` for scalars, from every accepted RESP2 and RESP3 form and the
//! rejected ones.

use bytes::Bytes;

use super::{attr, big, bulk, conv, fail, server_err, simple, verbatim};
use crate::resp::Value;
use crate::value::ConversionErrorKind;

#[test]
fn value_is_identity() {
    let cases = [
        Value::Nil,
        server_err("ERR x"),
        attr(Value::Integer(1)),
        Value::Array(vec![bulk("a")]),
        Value::Double(f64::INFINITY),
    ];
    for v in cases {
        assert_eq!(conv::<Value>(v.clone()).unwrap(), v);
    }
}

#[test]
fn unit_accepts_anything_but_errors() {
    for v in [
        Value::Nil,
        simple("OK"),
        Value::Integer(3),
        Value::Array(vec![]),
        attr(bulk("x")),
    ] {
        assert_eq!(conv::<()>(v), Ok(()));
    }
    let e = fail::<()>(server_err("ERR nope"));
    assert_eq!(e.kind(), ConversionErrorKind::Server);
    assert_eq!(e.server_message(), Some("ERR nope"));
}

#[test]
fn integers_from_each_form() {
    assert_eq!(conv::<i64>(Value::Integer(-42)), Ok(-42));
    assert_eq!(conv::<i64>(bulk("-42")), Ok(-42));
    assert_eq!(conv::<i64>(simple("42")), Ok(42));
    assert_eq!(conv::<i64>(verbatim("7")), Ok(7));
    assert_eq!(conv::<i64>(big("-9223372036854775808")), Ok(i64::MIN));
    assert_eq!(conv::<i64>(Value::Double(3.0)), Ok(3));
    assert_eq!(conv::<i64>(Value::Double(-0.0)), Ok(0));
    assert_eq!(conv::<i64>(attr(Value::Integer(5))), Ok(5));
    assert_eq!(conv::<i8>(Value::Integer(-128)), Ok(-128));
    assert_eq!(conv::<i16>(bulk("1000")), Ok(1000));
    assert_eq!(conv::<i32>(Value::Integer(1 << 30)), Ok(1 << 30));
    assert_eq!(conv::<isize>(Value::Integer(-3)), Ok(-3));
    assert_eq!(conv::<u16>(Value::Integer(65535)), Ok(65535));
    assert_eq!(conv::<u32>(bulk("4294967295")), Ok(u32::MAX));
    assert_eq!(conv::<u64>(bulk("18446744073709551615")), Ok(u64::MAX));
    assert_eq!(conv::<u64>(big("18446744073709551615")), Ok(u64::MAX));
    assert_eq!(conv::<usize>(Value::Integer(9)), Ok(9));
    assert_eq!(
        conv::<i128>(big("-170141183460469231731687303715884105728")),
        Ok(i128::MIN)
    );
    assert_eq!(conv::<i128>(Value::Double(1e20)), Ok(100_000_000_000_000_000_000));
    assert_eq!(
        conv::<u128>(big("340282366920938463463374607431768211455")),
        Ok(u128::MAX)
    );
    assert_eq!(conv::<u128>(Value::Integer(5)), Ok(5));
    assert_eq!(conv::<u128>(Value::Double(2f64.powi(127))), Ok(1u128 << 127));
    assert_eq!(conv::<u128>(bulk("12")), Ok(12));
}

#[test]
fn integer_overflow_names_the_type() {
    let e = fail::<i8>(Value::Integer(300));
    assert_eq!(e.kind(), ConversionErrorKind::InvalidValue);
    assert_eq!(e.expected(), "i8");
    assert_eq!(e.received(), "integer (300)");
    assert_eq!(e.reason(), Some("out of range"));
    assert_eq!(e.to_string(), "cannot convert an integer (300) to i8: out of range");

    let e = fail::<u32>(Value::Integer(-1));
    assert_eq!(e.to_string(), "cannot convert an integer (-1) to u32: out of range");
    let e = fail::<u64>(bulk("-1"));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("-1") to u64: out of range"#
    );
    let e = fail::<i64>(bulk("9223372036854775808"));
    assert_eq!(e.reason(), Some("out of range"));
    let e = fail::<i64>(big("123456789012345678901234567890123456789012345"));
    assert_eq!(e.reason(), Some("out of range"));
    assert_eq!(e.received(), "big number (12345678901234567890123456789012...)");
    let e = fail::<i64>(Value::Double(1e19));
    assert_eq!(e.to_string(), "cannot convert a double (1e19) to i64: out of range");
    let e = fail::<u16>(Value::Double(-1.0));
    assert_eq!(e.reason(), Some("out of range"));
    let e = fail::<u128>(bulk("-5"));
    assert_eq!(e.reason(), Some("out of range"));
    let e = fail::<u128>(bulk("340282366920938463463374607431768211456"));
    assert_eq!(e.reason(), Some("out of range"));
    let e = fail::<u128>(Value::Double(-2.0));
    assert_eq!(e.reason(), Some("out of range"));
    let e = fail::<i128>(Value::Double(f64::INFINITY));
    assert_eq!(e.reason(), Some("out of range"));
}

#[test]
fn integer_rejects_non_integers() {
    let e = fail::<i64>(bulk("abc"));
    assert_eq!(e.kind(), ConversionErrorKind::InvalidValue);
    assert_eq!(e.expected(), "i64");
    assert_eq!(e.received(), r#"bulk string ("abc")"#);
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("abc") to i64: not an integer"#
    );
    for v in [
        bulk(""),
        bulk("1.5"),
        bulk(" 1"),
        simple("OK"),
        Value::BulkString(Bytes::from_static(b"\xff")),
    ] {
        assert_eq!(fail::<i64>(v).reason(), Some("not an integer"));
    }
    let e = fail::<i64>(Value::Double(1.5));
    assert_eq!(e.to_string(), "cannot convert a double (1.5) to i64: not an integer");
    assert_eq!(fail::<i32>(Value::Double(f64::NAN)).reason(), Some("not an integer"));
    assert_eq!(fail::<u128>(Value::Double(0.5)).reason(), Some("not an integer"));
    assert_eq!(fail::<u128>(bulk("x")).reason(), Some("not an integer"));

    for (v, received) in [
        (Value::Nil, "nil"),
        (Value::Boolean(true), "boolean (true)"),
        (Value::Array(vec![Value::Integer(1)]), "array of 1 element"),
        (Value::Map(vec![]), "map of 0 pairs"),
    ] {
        let e = fail::<i64>(v);
        assert_eq!(e.kind(), ConversionErrorKind::TypeMismatch);
        assert_eq!(e.expected(), "i64");
        assert_eq!(e.received(), received);
        assert_eq!(e.reason(), None);
    }
    assert_eq!(fail::<i64>(Value::Nil).to_string(), "cannot convert nil to i64");
    assert_eq!(
        fail::<u128>(Value::Boolean(false)).to_string(),
        "cannot convert a boolean (false) to u128"
    );
}

#[test]
fn floats_from_each_form() {
    assert_eq!(conv::<f64>(Value::Double(1.5)), Ok(1.5));
    assert_eq!(conv::<f64>(Value::Integer(-3)), Ok(-3.0));
    assert_eq!(conv::<f64>(bulk("2.5")), Ok(2.5));
    assert_eq!(conv::<f64>(bulk("1e3")), Ok(1000.0));
    assert_eq!(conv::<f64>(simple("0.1")), Ok(0.1));
    assert_eq!(conv::<f64>(verbatim("4")), Ok(4.0));
    assert_eq!(conv::<f64>(big("12345678901234567890")), Ok(12345678901234567890.0));
    assert_eq!(conv::<f64>(bulk("inf")), Ok(f64::INFINITY));
    assert_eq!(conv::<f64>(bulk("+inf")), Ok(f64::INFINITY));
    assert_eq!(conv::<f64>(bulk("-inf")), Ok(f64::NEG_INFINITY));
    assert!(conv::<f64>(bulk("nan")).unwrap().is_nan());
    assert_eq!(conv::<f64>(Value::Double(f64::NEG_INFINITY)), Ok(f64::NEG_INFINITY));
    assert_eq!(conv::<f64>(attr(Value::Double(2.0))), Ok(2.0));
    assert_eq!(conv::<f32>(Value::Double(0.5)), Ok(0.5));
    assert_eq!(conv::<f32>(bulk("0.1")), Ok(0.1f32));
    assert_eq!(conv::<f32>(Value::Integer(7)), Ok(7.0));
    assert_eq!(conv::<f32>(bulk("-inf")), Ok(f32::NEG_INFINITY));
}

#[test]
fn floats_reject() {
    let e = fail::<f64>(bulk("abc"));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("abc") to f64: not a number"#
    );
    assert_eq!(e.kind(), ConversionErrorKind::InvalidValue);
    assert_eq!(fail::<f64>(bulk("")).reason(), Some("not a number"));
    assert_eq!(fail::<f32>(simple("OK")).reason(), Some("not a number"));
    let e = fail::<f64>(Value::Boolean(true));
    assert_eq!(e.kind(), ConversionErrorKind::TypeMismatch);
    assert_eq!(e.to_string(), "cannot convert a boolean (true) to f64");
    assert_eq!(fail::<f32>(Value::Nil).to_string(), "cannot convert nil to f32");
}

#[test]
fn bool_from_each_form() {
    assert_eq!(conv::<bool>(Value::Boolean(true)), Ok(true));
    assert_eq!(conv::<bool>(Value::Boolean(false)), Ok(false));
    assert_eq!(conv::<bool>(Value::Integer(1)), Ok(true));
    assert_eq!(conv::<bool>(Value::Integer(0)), Ok(false));
    assert_eq!(conv::<bool>(bulk("1")), Ok(true));
    assert_eq!(conv::<bool>(bulk("0")), Ok(false));
    assert_eq!(conv::<bool>(simple("1")), Ok(true));
    assert_eq!(conv::<bool>(simple("OK")), Ok(true));
    assert_eq!(conv::<bool>(Value::Nil), Ok(false));
    assert_eq!(conv::<bool>(attr(Value::Boolean(true))), Ok(true));
}

#[test]
fn bool_rejects() {
    let e = fail::<bool>(Value::Integer(2));
    assert_eq!(e.to_string(), "cannot convert an integer (2) to bool: not 0 or 1");
    let e = fail::<bool>(bulk("true"));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("true") to bool: not 0 or 1"#
    );
    assert_eq!(fail::<bool>(bulk("OK")).reason(), Some("not 0 or 1"));
    assert_eq!(fail::<bool>(simple("QUEUED")).reason(), Some("not 0 or 1"));
    let e = fail::<bool>(Value::Double(1.0));
    assert_eq!(e.kind(), ConversionErrorKind::TypeMismatch);
    assert_eq!(e.to_string(), "cannot convert a double (1) to bool");
}

#[test]
fn string_from_each_form() {
    assert_eq!(conv::<String>(bulk("héllo")), Ok("héllo".to_owned()));
    assert_eq!(conv::<String>(simple("OK")), Ok("OK".to_owned()));
    assert_eq!(conv::<String>(verbatim("# Server")), Ok("# Server".to_owned()));
    assert_eq!(conv::<String>(Value::Integer(-12)), Ok("-12".to_owned()));
    assert_eq!(conv::<String>(Value::Double(1.5)), Ok("1.5".to_owned()));
    assert_eq!(conv::<String>(Value::Double(3.0)), Ok("3".to_owned()));
    assert_eq!(conv::<String>(Value::Double(f64::NEG_INFINITY)), Ok("-inf".to_owned()));
    assert_eq!(
        conv::<String>(big("123456789012345678901234567890")),
        Ok("123456789012345678901234567890".to_owned())
    );
    assert_eq!(conv::<String>(attr(bulk("x"))), Ok("x".to_owned()));
    assert_eq!(conv::<String>(bulk("")), Ok(String::new()));
}

#[test]
fn string_rejects() {
    let e = fail::<String>(Value::BulkString(Bytes::from_static(b"ab\xff")));
    assert_eq!(e.kind(), ConversionErrorKind::InvalidValue);
    assert_eq!(e.reason(), Some("invalid UTF-8"));
    assert_eq!(
        e.to_string(),
        "cannot convert a bulk string (\"ab\u{fffd}\") to String: invalid UTF-8"
    );
    for (v, text) in [
        (Value::Nil, "cannot convert nil to String"),
        (Value::Boolean(true), "cannot convert a boolean (true) to String"),
        (Value::Array(vec![]), "cannot convert an array of 0 elements to String"),
        (
            Value::Set(vec![bulk("a"), bulk("b")]),
            "cannot convert a set of 2 elements to String",
        ),
        (Value::Push(vec![]), "cannot convert a push of 0 elements to String"),
    ] {
        let e = fail::<String>(v);
        assert_eq!(e.kind(), ConversionErrorKind::TypeMismatch);
        assert_eq!(e.to_string(), text);
    }
}

#[test]
fn bytes_from_each_form() {
    assert_eq!(
        conv::<Vec<u8>>(Value::BulkString(Bytes::from_static(b"\x00\xff"))),
        Ok(vec![0, 0xff])
    );
    assert_eq!(conv::<Vec<u8>>(simple("OK")), Ok(b"OK".to_vec()));
    assert_eq!(conv::<Vec<u8>>(verbatim("txt")), Ok(b"txt".to_vec()));
    assert_eq!(conv::<Vec<u8>>(Value::Integer(5)), Ok(b"5".to_vec()));
    assert_eq!(conv::<Vec<u8>>(Value::Double(0.25)), Ok(b"0.25".to_vec()));
    assert_eq!(conv::<Vec<u8>>(big("-1")), Ok(b"-1".to_vec()));
    assert_eq!(conv::<Bytes>(simple("PONG")), Ok(Bytes::from_static(b"PONG")));
    assert_eq!(conv::<Bytes>(Value::Integer(10)), Ok(Bytes::from_static(b"10")));
    assert_eq!(conv::<Bytes>(attr(bulk("a"))), Ok(Bytes::from_static(b"a")));

    // Bytes shares the reply's buffer.
    let payload = Bytes::from(vec![7u8; 100]);
    let converted = conv::<Bytes>(Value::BulkString(payload.clone())).unwrap();
    assert_eq!(converted.as_ptr(), payload.as_ptr());

    let e = fail::<Vec<u8>>(Value::Nil);
    assert_eq!(e.to_string(), "cannot convert nil to Vec<u8>");
    let e = fail::<Bytes>(Value::Array(vec![]));
    assert_eq!(e.to_string(), "cannot convert an array of 0 elements to Bytes");
    assert_eq!(
        fail::<Bytes>(Value::Boolean(true)).kind(),
        ConversionErrorKind::TypeMismatch
    );
}

#[test]
fn option_from_each_form() {
    assert_eq!(conv::<Option<String>>(Value::Nil), Ok(None));
    assert_eq!(conv::<Option<String>>(attr(Value::Nil)), Ok(None));
    assert_eq!(conv::<Option<String>>(bulk("a")), Ok(Some("a".to_owned())));
    assert_eq!(conv::<Option<i64>>(Value::Integer(1)), Ok(Some(1)));
    assert_eq!(conv::<Option<bool>>(Value::Nil), Ok(None));
    assert_eq!(
        conv::<Option<Value>>(server_err("ERR x")),
        Ok(Some(server_err("ERR x")))
    );
    assert_eq!(conv::<Option<Option<i64>>>(Value::Nil), Ok(None));
    let e = fail::<Option<i64>>(bulk("x"));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("x") to i64: not an integer"#
    );
}

#[test]
fn server_errors_become_conversion_errors() {
    let message = "WRONGTYPE Operation against a key holding the wrong kind of value";
    let e = fail::<i64>(server_err(message));
    assert_eq!(e.kind(), ConversionErrorKind::Server);
    assert!(e.is_server_error());
    assert_eq!(e.expected(), "i64");
    assert_eq!(e.received(), r#"error ("WRONGTYPE Operation against a ke"...)"#);
    assert_eq!(e.server_message(), Some(message));
    assert_eq!(e.to_string(), format!("server error: {message}"));
    for e in [
        fail::<String>(server_err("ERR a")),
        fail::<Option<String>>(server_err("ERR a")),
        fail::<bool>(attr(server_err("ERR a"))),
        fail::<Vec<i64>>(server_err("ERR a")),
        fail::<(i64, i64)>(server_err("ERR a")),
        fail::<std::collections::HashMap<String, String>>(server_err("ERR a")),
    ] {
        assert_eq!(e.server_message(), Some("ERR a"));
        assert_eq!(e.context(), None);
    }
}
