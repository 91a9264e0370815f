//! `#[derive(FromValue)]` / `#[derive(ToArgs)]` round trips (feature `derive`).

use bytes::Bytes;

use crate::resp::Value;
use crate::value::{Args, ConversionErrorKind, FromValue, ToArgs};

#[derive(crate::FromValue, crate::ToArgs, Debug, PartialEq, Clone, Default)]
struct Profile {
    name: String,
    #[redis(rename = "e-mail")]
    email: Option<String>,
    age: u32,
    score: f64,
    #[redis(default)]
    visits: u64,
    #[redis(skip)]
    cached: Vec<String>,
    r#type: String,
    avatar: Option<Vec<u8>>,
}

fn profile() -> Profile {
    Profile {
        name: "ada".into(),
        email: Some("ada@example.com".into()),
        age: 36,
        score: -1.5,
        visits: 3,
        cached: Vec::new(),
        r#type: "admin".into(),
        avatar: Some(vec![0, 159, 255]),
    }
}

/// What `HGETALL` answers after `HSET key <args>`: RESP3's map or RESP2's flat array.
fn replies(args: &Args) -> [Value; 2] {
    let parts: Vec<Value> = args
        .iter()
        .map(|a| Value::BulkString(Bytes::copy_from_slice(a)))
        .collect();
    let map = parts.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    [Value::Map(map), Value::Array(parts)]
}

fn written(value: &impl ToArgs) -> Args {
    let mut args = Args::new();
    value.write_args(&mut args);
    args
}

#[test]
fn round_trip_with_renames_options_defaults_and_skips() {
    let mut original = profile();
    original.cached = vec!["not written".into()];
    let args = written(&original);
    let names: Vec<&[u8]> = args.iter().step_by(2).collect();
    assert_eq!(
        names,
        [&b"name"[..], b"e-mail", b"age", b"score", b"visits", b"type", b"avatar"]
    );
    for reply in replies(&args) {
        let back = Profile::from_value(reply).unwrap();
        assert_eq!(
            back,
            Profile {
                cached: Vec::new(),
                ..original.clone()
            }
        );
    }
}

#[test]
fn none_is_not_written_and_missing_optional_fields_are_none() {
    let sparse = Profile {
        email: None,
        avatar: None,
        ..profile()
    };
    let args = written(&sparse);
    assert_eq!(args.len(), 10);
    assert!(!args.iter().any(|a| a == b"e-mail" || a == b"avatar"));
    let [map, _] = replies(&args);
    assert_eq!(Profile::from_value(map).unwrap(), sparse);
    // `visits` has `default`: its absence is fine.
    let mut args = Args::new();
    ("name", "x", "age", 1, "score", 2, "type", "t").write_args(&mut args);
    let [map, _] = replies(&args);
    let back = Profile::from_value(map).unwrap();
    assert_eq!((back.visits, back.email, back.age), (0, None, 1));
}

#[test]
fn errors_name_the_missing_or_wrong_field() {
    let mut args = Args::new();
    ("name", "x", "score", 2, "type", "t").write_args(&mut args);
    let [map, _] = replies(&args);
    let err = Profile::from_value(map).unwrap_err();
    assert!(err.to_string().contains("missing field `age`"), "{err}");
    assert!(err.to_string().contains("Profile"), "{err}");

    let mut args = Args::new();
    ("name", "x", "age", "thirty", "score", 2, "type", "t").write_args(&mut args);
    for reply in replies(&args) {
        let err = Profile::from_value(reply).unwrap_err();
        assert_eq!(err.kind(), ConversionErrorKind::InvalidValue);
        assert_eq!(err.context(), Some("field `age` of Profile"), "{err}");
    }
    let err = Profile::from_value(Value::Integer(7)).unwrap_err();
    assert_eq!(err.kind(), ConversionErrorKind::TypeMismatch);
    let odd = Value::Array(vec![Value::BulkString("name".into())]);
    assert_eq!(
        Profile::from_value(odd).unwrap_err().kind(),
        ConversionErrorKind::Length
    );
    let err = Profile::from_value(Value::Error("WRONGTYPE x".into())).unwrap_err();
    assert!(err.is_server_error());
    // A missing key (empty reply) lacks the required fields.
    assert!(Profile::from_value(Value::Map(Vec::new())).is_err());
}

#[test]
fn non_text_keys_and_nested_replies_are_errors_not_panics() {
    let reply = Value::Map(vec![(Value::Integer(1), Value::Integer(2))]);
    assert!(Profile::from_value(reply).is_err());
    let mut args = Args::new();
    ("name", "x", "score", 2, "type", "t").write_args(&mut args);
    let [Value::Map(mut pairs), _] = replies(&args) else {
        unreachable!()
    };
    pairs.push((Value::BulkString("age".into()), Value::Array(vec![Value::Nil])));
    let err = Profile::from_value(Value::Map(pairs)).unwrap_err();
    assert_eq!(err.context(), Some("field `age` of Profile"), "{err}");
}

#[cfg(feature = "serde")]
mod with_json {
    use super::*;
    use crate::value::Json;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
    struct Address {
        city: String,
        lines: Vec<String>,
    }

    #[derive(crate::FromValue, crate::ToArgs, Debug, PartialEq)]
    struct Customer {
        id: i64,
        address: Json<Address>,
        previous: Option<Json<Vec<Address>>>,
    }

    #[test]
    fn nested_types_through_json_fields() {
        let address = Address {
            city: "Zürich".into(),
            lines: vec!["a \"quoted\" line".into(), "\r\n".into()],
        };
        let customer = Customer {
            id: -5,
            address: Json(address.clone()),
            previous: Some(Json(vec![address])),
        };
        for reply in replies(&written(&customer)) {
            assert_eq!(Customer::from_value(reply).unwrap(), customer);
        }
    }
}
