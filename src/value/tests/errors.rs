//! `ConversionError` contents: previews, articles, contexts.

use bytes::Bytes;

use super::{big, bulk, fail, server_err, simple, verbatim};
use crate::resp::Value;
use crate::value::{ConversionError, ConversionErrorKind};

#[test]
fn previews_are_short() {
    let long = "x".repeat(10_000);
    let e = fail::<i64>(bulk(&long));
    assert_eq!(e.received(), format!(r#"bulk string ("{}"...)"#, "x".repeat(32)));
    assert!(e.to_string().len() < 100);

    let exactly = "y".repeat(32);
    assert_eq!(
        fail::<i64>(bulk(&exactly)).received(),
        format!(r#"bulk string ("{exactly}")"#)
    );

    // Multi-byte characters are counted as characters and never split.
    let e = fail::<i64>(bulk(&"é".repeat(40)));
    assert_eq!(e.received(), format!(r#"bulk string ("{}"...)"#, "é".repeat(32)));

    // Doubles are shown in their short form.
    assert_eq!(fail::<i64>(Value::Double(1e300)).received(), "double (1e300)");
    assert_eq!(fail::<i64>(Value::Double(f64::NAN)).received(), "double (nan)");

    // Control characters are escaped.
    let e = fail::<i64>(Value::BulkString(Bytes::from_static(b"a\r\n\"b")));
    assert_eq!(e.received(), r#"bulk string ("a\r\n\"b")"#);
}

#[test]
fn received_names_each_type() {
    let cases = [
        (simple("OK"), r#"simple string ("OK")"#, "a simple string"),
        (verbatim("hi"), r#"verbatim string ("hi")"#, "a verbatim string"),
        (big("12"), "big number (12)", "a big number"),
        (Value::Integer(-1), "integer (-1)", "an integer"),
        (Value::Double(0.5), "double (0.5)", "a double"),
        (Value::Boolean(false), "boolean (false)", "a boolean"),
        (Value::Nil, "nil", "nil"),
        (Value::Array(vec![Value::Nil; 2]), "array of 2 elements", "an array"),
        (Value::Set(vec![Value::Nil]), "set of 1 element", "a set"),
        (Value::Push(vec![]), "push of 0 elements", "a push"),
        (Value::Map(vec![(Value::Nil, Value::Nil)]), "map of 1 pair", "a map"),
    ];
    for (value, received, display) in cases {
        let e = fail::<(i64, i64, i64)>(value);
        assert_eq!(e.received(), received);
        assert!(e.to_string().contains(&format!(" {display} ")), "{e}");
    }
}

#[test]
fn context_reads_innermost_first() {
    let e = ConversionError::type_mismatch("i64", &Value::Nil)
        .with_context("element 3")
        .with_context(r#"value for key "x""#)
        .with_context("element 0");
    assert_eq!(e.context(), Some(r#"element 3 of value for key "x" of element 0"#));
    assert_eq!(
        e.to_string(),
        r#"cannot convert nil to i64 (in element 3 of value for key "x" of element 0)"#
    );
}

#[test]
fn constructors_and_accessors() {
    let e = ConversionError::invalid_value("Point", &bulk("1,2,3"), "too many coordinates");
    assert_eq!(e.kind(), ConversionErrorKind::InvalidValue);
    assert_eq!(e.expected(), "Point");
    assert_eq!(e.reason(), Some("too many coordinates"));
    assert_eq!(e.context(), None);
    assert_eq!(e.server_message(), None);
    assert!(!e.is_server_error());
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("1,2,3") to Point: too many coordinates"#
    );
    let owned = ConversionError::length_mismatch(format!("array of {} elements", 4), &Value::Array(vec![]));
    assert_eq!(owned.expected(), "array of 4 elements");
    let cloned = owned.clone();
    assert_eq!(cloned, owned);
    assert_ne!(cloned, e);
    let server = ConversionError::server_error("i64", b"ERR x");
    assert_eq!(server.received(), r#"error ("ERR x")"#);
    assert_eq!(server, fail::<i64>(server_err("ERR x")));
}

#[test]
fn error_is_small_and_std_error() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    let e = fail::<i64>(Value::Nil);
    is_error(&e);
    assert_eq!(std::mem::size_of::<ConversionError>(), std::mem::size_of::<usize>());
}
