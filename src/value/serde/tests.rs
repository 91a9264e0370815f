use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;
use crate::value::ConversionErrorKind;

fn bulk(s: &str) -> Value {
    Value::BulkString(bytes::Bytes::copy_from_slice(s.as_bytes()))
}

fn hash(pairs: &[(&str, &str)]) -> Value {
    Value::Map(pairs.iter().map(|(k, v)| (bulk(k), bulk(v))).collect())
}

fn flat(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().flat_map(|(k, v)| [bulk(k), bulk(v)]).collect())
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Role {
    Admin,
    Reader { since: u32 },
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Inner {
    tags: Vec<String>,
    scores: BTreeMap<String, f64>,
    role: Role,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Outer {
    id: u64,
    name: Option<String>,
    inner: Inner,
    others: Vec<Inner>,
}

fn sample() -> Outer {
    let inner = Inner {
        tags: vec!["a".into(), "ü\"\n".into()],
        scores: [("x".to_owned(), 1.5), ("y".to_owned(), -0.25)].into_iter().collect(),
        role: Role::Reader { since: 7 },
    };
    Outer {
        id: u64::MAX,
        name: None,
        inner: inner.clone(),
        others: vec![Inner {
            role: Role::Admin,
            ..inner
        }],
    }
}

#[test]
fn json_round_trip_of_nested_types() {
    let value = sample();
    let mut args = Args::new();
    Json(&value).write_args(&mut args);
    assert_eq!(args.len(), 1);
    assert_eq!(args.refused(), None);
    let written = args.first().unwrap().to_vec();
    let back: Json<Outer> = FromValue::from_value(Value::BulkString(written.into())).unwrap();
    assert_eq!(back.into_inner(), value);
}

#[test]
fn json_nil_needs_option_and_bad_json_says_why() {
    let none: Option<Json<Outer>> = FromValue::from_value(Value::Nil).unwrap();
    assert!(none.is_none());
    assert!(<Json<Outer>>::from_value(Value::Nil).is_err());
    let err = <Json<Inner>>::from_value(bulk(r#"{"tags": [], "scores": {}, "role": 3}"#)).unwrap_err();
    assert_eq!(err.kind(), ConversionErrorKind::InvalidValue);
    assert!(err.to_string().contains("invalid JSON"), "{err}");
    let err = <Json<Inner>>::from_value(Value::Integer(1)).unwrap_err();
    assert_eq!(err.kind(), ConversionErrorKind::TypeMismatch);
    let err = <Json<Inner>>::from_value(Value::Error("WRONGTYPE no".into())).unwrap_err();
    assert!(err.is_server_error());
}

/// Serialization that fails refuses the command instead of writing something wrong.
#[test]
fn json_serialization_failure_refuses_the_command() {
    let mut bad = std::collections::HashMap::new();
    bad.insert((1, 2), "tuple keys are not JSON object keys");
    let mut args = Args::new();
    args.push(b"SET");
    args.push(b"k");
    Json(&bad).write_args(&mut args);
    assert_eq!(args.len(), 3, "still exactly one argument");
    assert!(args.refused().unwrap().contains("JSON"), "{:?}", args.refused());
}

#[derive(Deserialize, Debug, PartialEq)]
struct User {
    name: String,
    age: u32,
    #[serde(rename = "e-mail")]
    email: Option<String>,
    #[serde(default)]
    admin: bool,
    balance: f64,
}

#[test]
fn hashes_into_structs_on_resp2_and_resp3() {
    let fields = [
        ("name", "ada"),
        ("age", "36"),
        ("e-mail", "ada@example.com"),
        ("balance", "-1.5"),
    ];
    let want = User {
        name: "ada".into(),
        age: 36,
        email: Some("ada@example.com".into()),
        admin: false,
        balance: -1.5,
    };
    let Serde(resp3): Serde<User> = FromValue::from_value(hash(&fields)).unwrap();
    let Serde(resp2): Serde<User> = FromValue::from_value(flat(&fields)).unwrap();
    assert_eq!(resp3, want);
    assert_eq!(resp2, want);
    // Booleans as Redis stores them, absent Option fields, unknown fields ignored.
    let Serde(other): Serde<User> = FromValue::from_value(hash(&[
        ("name", "bob"),
        ("age", "1"),
        ("admin", "1"),
        ("balance", "0"),
        ("unknown", "x"),
    ]))
    .unwrap();
    assert!(other.admin && other.email.is_none());
}

#[test]
fn errors_name_the_field() {
    let err = <Serde<User>>::from_value(hash(&[("name", "ada"), ("age", "old"), ("balance", "1")])).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("\"age\"") && text.contains("not an integer"), "{text}");
    let err = <Serde<User>>::from_value(hash(&[("name", "ada"), ("balance", "1")])).unwrap_err();
    assert!(err.to_string().contains("missing field `age`"), "{err}");
    let err = <Serde<User>>::from_value(hash(&[("name", "ada"), ("age", "-1"), ("balance", "1")])).unwrap_err();
    assert!(err.to_string().contains("\"age\""), "{err}");
    let err = <Serde<User>>::from_value(Value::Integer(3)).unwrap_err();
    assert_eq!(err.kind(), ConversionErrorKind::TypeMismatch);
    // An odd flat array is not a hash.
    assert!(<Serde<User>>::from_value(Value::Array(vec![bulk("name")])).is_err());
}

#[test]
fn other_shapes_through_serde() {
    let Serde(list): Serde<Vec<String>> = FromValue::from_value(flat(&[("a", "1")])).unwrap();
    assert_eq!(list, ["a", "1"]);
    let Serde(pairs): Serde<Vec<(String, i64)>> =
        FromValue::from_value(Value::Array(vec![Value::Array(vec![bulk("a"), bulk("1")])])).unwrap();
    assert_eq!(pairs, [("a".to_owned(), 1)]);
    let Serde(map): Serde<BTreeMap<String, u8>> = FromValue::from_value(hash(&[("a", "255")])).unwrap();
    assert_eq!(map["a"], 255);
    assert!(<Serde<BTreeMap<String, u8>>>::from_value(hash(&[("a", "256")])).is_err());
    let Serde(role): Serde<Role> = FromValue::from_value(bulk("Admin")).unwrap();
    assert_eq!(role, Role::Admin);
    let Serde(role): Serde<Role> =
        FromValue::from_value(Value::Map(vec![(bulk("Reader"), hash(&[("since", "3")]))])).unwrap();
    assert_eq!(role, Role::Reader { since: 3 });
    let Serde(nothing): Serde<Option<u8>> = FromValue::from_value(Value::Nil).unwrap();
    assert_eq!(nothing, None);
    let Serde(c): Serde<char> = FromValue::from_value(bulk("é")).unwrap();
    assert_eq!(c, 'é');
    let Serde(any): Serde<serde_json::Value> =
        FromValue::from_value(Value::Array(vec![Value::Integer(1), Value::Boolean(true), Value::Nil])).unwrap();
    assert_eq!(any, serde_json::json!([1, true, null]));
}
