//! `FromValue` for sequences, sets, maps and tuples, from RESP2 and RESP3 forms.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use super::{attr, bulk, conv, fail, server_err, simple};
use crate::resp::Value;
use crate::value::ConversionErrorKind;

fn ints(ns: &[i64]) -> Vec<Value> {
    ns.iter().map(|&n| Value::Integer(n)).collect()
}

fn strs(ss: &[&str]) -> Vec<Value> {
    ss.iter().map(|s| bulk(s)).collect()
}

#[test]
fn vec_from_array_set_push_and_nil() {
    assert_eq!(conv::<Vec<i64>>(Value::Array(ints(&[1, 2, 3]))), Ok(vec![1, 2, 3]));
    assert_eq!(conv::<Vec<i64>>(Value::Set(ints(&[4]))), Ok(vec![4]));
    assert_eq!(
        conv::<Vec<String>>(Value::Push(strs(&["message", "ch", "hi"]))),
        Ok(vec!["message".into(), "ch".into(), "hi".into()])
    );
    assert_eq!(conv::<Vec<i64>>(Value::Array(vec![])), Ok(vec![]));
    assert_eq!(conv::<Vec<i64>>(Value::Nil), Ok(vec![]));
    assert_eq!(
        conv::<Vec<i64>>(attr(Value::Array(vec![attr(Value::Integer(1))]))),
        Ok(vec![1])
    );
    assert_eq!(
        conv::<VecDeque<i64>>(Value::Array(ints(&[1, 2]))),
        Ok(VecDeque::from([1, 2]))
    );
    assert_eq!(
        conv::<Vec<Value>>(Value::Array(vec![Value::Nil, server_err("E")])),
        Ok(vec![Value::Nil, server_err("E")])
    );
}

#[test]
fn vec_from_map_is_flattened_like_resp2() {
    let resp3 = Value::Map(vec![(bulk("a"), bulk("1")), (bulk("b"), bulk("2"))]);
    let resp2 = Value::Array(strs(&["a", "1", "b", "2"]));
    let expected: Vec<String> = ["a", "1", "b", "2"].map(String::from).to_vec();
    assert_eq!(conv::<Vec<String>>(resp3), Ok(expected.clone()));
    assert_eq!(conv::<Vec<String>>(resp2), Ok(expected));
}

#[test]
fn vec_rejects() {
    let e = fail::<Vec<i64>>(Value::Integer(1));
    assert_eq!(e.kind(), ConversionErrorKind::TypeMismatch);
    assert_eq!(e.to_string(), "cannot convert an integer (1) to Vec");
    let e = fail::<Vec<i64>>(Value::Array(vec![Value::Integer(1), bulk("x")]));
    assert_eq!(e.context(), Some("element 1"));
    assert_eq!(e.expected(), "i64");
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("x") to i64: not an integer (in element 1)"#
    );
    let e = fail::<Vec<i64>>(Value::Array(vec![Value::Integer(1), server_err("ERR inner")]));
    assert_eq!(e.server_message(), Some("ERR inner"));
    assert_eq!(e.to_string(), "server error: ERR inner (in element 1)");
}

#[test]
fn vec_of_options() {
    let v = Value::Array(vec![bulk("a"), Value::Nil, simple("c")]);
    assert_eq!(
        conv::<Vec<Option<String>>>(v),
        Ok(vec![Some("a".into()), None, Some("c".into())])
    );
}

#[test]
fn sets() {
    let v = Value::Set(strs(&["b", "a", "b"]));
    assert_eq!(
        conv::<HashSet<String>>(v.clone()),
        Ok(HashSet::from(["a".into(), "b".into()]))
    );
    assert_eq!(
        conv::<BTreeSet<String>>(v),
        Ok(BTreeSet::from(["a".into(), "b".into()]))
    );
    assert_eq!(
        conv::<BTreeSet<i64>>(Value::Array(strs(&["3", "1"]))),
        Ok(BTreeSet::from([1, 3]))
    );
    assert_eq!(conv::<HashSet<i64>>(Value::Nil), Ok(HashSet::new()));
    let e = fail::<HashSet<String>>(simple("OK"));
    assert_eq!(e.to_string(), r#"cannot convert a simple string ("OK") to HashSet"#);
    assert_eq!(fail::<BTreeSet<i64>>(Value::Integer(0)).expected(), "BTreeSet");
}

#[test]
fn maps_from_resp3_map_and_resp2_flat_array() {
    let resp3 = Value::Map(vec![(bulk("f1"), bulk("1")), (simple("f2"), Value::Integer(2))]);
    let resp2 = Value::Array(vec![bulk("f1"), bulk("1"), bulk("f2"), bulk("2")]);
    let expected = HashMap::from([("f1".to_owned(), 1i64), ("f2".to_owned(), 2)]);
    assert_eq!(conv::<HashMap<String, i64>>(resp3.clone()), Ok(expected.clone()));
    assert_eq!(conv::<HashMap<String, i64>>(resp2.clone()), Ok(expected));
    let sorted = BTreeMap::from([("f1".to_owned(), 1i64), ("f2".to_owned(), 2)]);
    assert_eq!(conv::<BTreeMap<String, i64>>(resp3), Ok(sorted.clone()));
    assert_eq!(conv::<BTreeMap<String, i64>>(resp2), Ok(sorted));
    assert_eq!(conv::<HashMap<String, i64>>(Value::Nil), Ok(HashMap::new()));
    assert_eq!(conv::<BTreeMap<String, i64>>(Value::Array(vec![])), Ok(BTreeMap::new()));
}

#[test]
fn maps_from_nested_pairs() {
    let nested = Value::Array(vec![
        Value::Array(vec![bulk("a"), Value::Double(1.5)]),
        Value::Array(vec![bulk("b"), Value::Double(2.0)]),
    ]);
    assert_eq!(
        conv::<BTreeMap<String, f64>>(nested),
        Ok(BTreeMap::from([("a".into(), 1.5), ("b".into(), 2.0)]))
    );
}

#[test]
fn map_duplicate_keys_keep_last() {
    let v = Value::Array(strs(&["k", "1", "k", "2"]));
    assert_eq!(conv::<HashMap<String, i64>>(v), Ok(HashMap::from([("k".into(), 2)])));
}

#[test]
fn map_of_vectors() {
    let resp3 = Value::Map(vec![
        (bulk("x"), Value::Array(ints(&[1, 2]))),
        (bulk("y"), Value::Array(vec![])),
    ]);
    let got = conv::<HashMap<String, Vec<i64>>>(resp3).unwrap();
    assert_eq!(got, HashMap::from([("x".into(), vec![1, 2]), ("y".into(), vec![])]));
}

#[test]
fn map_rejects() {
    let e = fail::<HashMap<String, String>>(Value::Array(strs(&["a", "b", "c"])));
    assert_eq!(e.kind(), ConversionErrorKind::Length);
    assert_eq!(e.expected(), "array with an even number of elements");
    assert_eq!(e.received(), "array of 3 elements");
    assert_eq!(
        e.to_string(),
        "expected an array with an even number of elements, received an array of 3 elements"
    );
    let e = fail::<HashMap<String, i64>>(Value::Integer(3));
    assert_eq!(e.to_string(), "cannot convert an integer (3) to HashMap");
    assert_eq!(fail::<BTreeMap<String, i64>>(bulk("m")).expected(), "BTreeMap");

    let e = fail::<HashMap<String, i64>>(Value::Map(vec![
        (bulk("a"), Value::Integer(1)),
        (bulk("scores"), bulk("x")),
    ]));
    assert_eq!(e.context(), Some(r#"value for key "scores""#));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("x") to i64: not an integer (in value for key "scores")"#
    );

    let e = fail::<HashMap<i64, String>>(Value::Array(strs(&["1", "a", "two", "b"])));
    assert_eq!(e.context(), Some("key of pair 1"));
    assert_eq!(e.received(), r#"bulk string ("two")"#);

    let e = fail::<HashMap<String, Vec<i64>>>(Value::Map(vec![(
        bulk("x"),
        Value::Array(vec![Value::Integer(1), bulk("y")]),
    )]));
    assert_eq!(e.context(), Some(r#"element 1 of value for key "x""#));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("y") to i64: not an integer (in element 1 of value for key "x")"#
    );

    let e = fail::<HashMap<i64, i64>>(Value::Map(vec![(Value::Integer(7), bulk("z"))]));
    assert_eq!(e.context(), Some("value for key 7"));
}

#[test]
fn vec_of_pairs_from_every_form() {
    let expected: Vec<(String, f64)> = vec![("m1".into(), 1.0), ("m2".into(), 2.5)];
    // RESP2 ZRANGE ... WITHSCORES: flat.
    let flat = Value::Array(strs(&["m1", "1", "m2", "2.5"]));
    // RESP3 ZRANGE ... WITHSCORES: nested pairs with doubles.
    let nested = Value::Array(vec![
        Value::Array(vec![bulk("m1"), Value::Double(1.0)]),
        Value::Array(vec![bulk("m2"), Value::Double(2.5)]),
    ]);
    let map = Value::Map(vec![(bulk("m1"), Value::Double(1.0)), (bulk("m2"), Value::Double(2.5))]);
    assert_eq!(conv::<Vec<(String, f64)>>(flat), Ok(expected.clone()));
    assert_eq!(conv::<Vec<(String, f64)>>(nested), Ok(expected.clone()));
    assert_eq!(conv::<Vec<(String, f64)>>(map), Ok(expected));
    assert_eq!(conv::<Vec<(String, f64)>>(Value::Nil), Ok(vec![]));
    let e = fail::<Vec<(String, f64)>>(Value::Array(strs(&["m1"])));
    assert_eq!(e.kind(), ConversionErrorKind::Length);
    assert_eq!(e.received(), "array of 1 element");
    // Elements that are not all pairs fall back to the flat form.
    let e = fail::<Vec<(String, String)>>(Value::Array(vec![Value::Array(strs(&["a", "b"])), bulk("c")]));
    assert_eq!(
        e.to_string(),
        "cannot convert an array of 2 elements to String (in key of pair 0)"
    );
}

#[test]
fn tuples_from_arrays() {
    assert_eq!(conv::<(i64,)>(Value::Array(ints(&[1]))), Ok((1,)));
    assert_eq!(
        conv::<(String, i64)>(Value::Array(vec![bulk("a"), Value::Integer(1)])),
        Ok(("a".into(), 1))
    );
    assert_eq!(
        conv::<(String, i64)>(Value::Map(vec![(bulk("a"), bulk("1"))])),
        Ok(("a".into(), 1))
    );
    // BLPOP: RESP2 array, nil on timeout.
    let popped = Value::Array(strs(&["list", "item"]));
    assert_eq!(
        conv::<Option<(String, String)>>(popped),
        Ok(Some(("list".into(), "item".into())))
    );
    assert_eq!(conv::<Option<(String, String)>>(Value::Nil), Ok(None));
    // Pub/sub message: RESP2 array, RESP3 push.
    let resp2 = Value::Array(strs(&["message", "ch", "hello"]));
    let resp3 = Value::Push(strs(&["message", "ch", "hello"]));
    let expected = ("message".to_owned(), "ch".to_owned(), b"hello".to_vec());
    assert_eq!(conv::<(String, String, Vec<u8>)>(resp2), Ok(expected.clone()));
    assert_eq!(conv::<(String, String, Vec<u8>)>(resp3), Ok(expected));
    assert_eq!(
        conv::<(i64, i64, i64, i64)>(Value::Set(ints(&[1, 2, 3, 4]))),
        Ok((1, 2, 3, 4))
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64)>(Value::Array(ints(&[1, 2, 3, 4, 5]))),
        Ok((1, 2, 3, 4, 5))
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64, i64)>(Value::Array(ints(&[1, 2, 3, 4, 5, 6])))
            .unwrap()
            .5,
        6
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64, i64, i64)>(Value::Array(ints(&[1, 2, 3, 4, 5, 6, 7])))
            .unwrap()
            .6,
        7
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64, i64, i64, i64)>(Value::Array(ints(&[1, 2, 3, 4, 5, 6, 7, 8])))
            .unwrap()
            .7,
        8
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64, i64, i64, i64, i64)>(Value::Array(ints(&[1, 2, 3, 4, 5, 6, 7, 8, 9])))
            .unwrap()
            .8,
        9
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)>(Value::Array(ints(&[
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        ])))
        .unwrap()
        .9,
        10
    );
    assert_eq!(
        conv::<(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)>(Value::Array(ints(&[
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
        ])))
        .unwrap()
        .10,
        11
    );
    let twelve = conv::<(
        String,
        i64,
        f64,
        bool,
        Option<i64>,
        Vec<i64>,
        (),
        Value,
        u16,
        i8,
        Bytes,
        (i64, i64),
    )>(Value::Array(vec![
        bulk("s"),
        Value::Integer(2),
        Value::Double(3.5),
        Value::Boolean(true),
        Value::Nil,
        Value::Array(ints(&[6])),
        simple("OK"),
        Value::Nil,
        Value::Integer(9),
        Value::Integer(-10),
        bulk("b"),
        Value::Array(ints(&[1, 2])),
    ]))
    .unwrap();
    assert_eq!(
        twelve,
        (
            "s".into(),
            2,
            3.5,
            true,
            None,
            vec![6],
            (),
            Value::Nil,
            9,
            -10,
            Bytes::from_static(b"b"),
            (1, 2)
        )
    );
}

use bytes::Bytes;

#[test]
fn tuples_reject() {
    let e = fail::<(i64, i64)>(Value::Array(ints(&[1, 2, 3])));
    assert_eq!(e.kind(), ConversionErrorKind::Length);
    assert_eq!(e.expected(), "array of 2 elements");
    assert_eq!(e.received(), "array of 3 elements");
    assert_eq!(
        e.to_string(),
        "expected an array of 2 elements, received an array of 3 elements"
    );
    let e = fail::<(i64, i64, i64)>(Value::Push(ints(&[1])));
    assert_eq!(
        e.to_string(),
        "expected an array of 3 elements, received a push of 1 element"
    );
    let e = fail::<(i64,)>(Value::Array(vec![]));
    assert_eq!(
        e.to_string(),
        "expected an array of 1 element, received an array of 0 elements"
    );
    let e = fail::<(i64, i64)>(Value::Map(vec![]));
    assert_eq!(e.to_string(), "expected a map of 1 pair, received a map of 0 pairs");
    let e = fail::<(i64, i64)>(Value::Integer(5));
    assert_eq!(e.kind(), ConversionErrorKind::TypeMismatch);
    assert_eq!(e.to_string(), "cannot convert an integer (5) to (_, _)");
    assert_eq!(
        fail::<(i64, i64, i64)>(Value::Nil).to_string(),
        "cannot convert nil to (_, _, _)"
    );
    let e = fail::<(String, i64, i64)>(Value::Array(vec![bulk("a"), Value::Integer(1), bulk("z")]));
    assert_eq!(
        e.to_string(),
        r#"cannot convert a bulk string ("z") to i64: not an integer (in element 2)"#
    );
    let e = fail::<(String, i64)>(Value::Array(vec![Value::Nil, Value::Integer(1)]));
    assert_eq!(e.context(), Some("element 0"));
}

#[test]
fn exec_results_keep_each_error() {
    // EXEC whose second command failed.
    let exec = Value::Array(vec![simple("OK"), server_err("WRONGTYPE bad"), Value::Integer(3)]);
    let e = fail::<((), i64, i64)>(exec.clone());
    assert_eq!(e.server_message(), Some("WRONGTYPE bad"));
    assert_eq!(e.context(), Some("element 1"));
    assert_eq!(e.to_string(), "server error: WRONGTYPE bad (in element 1)");
    let raw = conv::<Vec<Value>>(exec).unwrap();
    assert_eq!(raw[1], server_err("WRONGTYPE bad"));
}

#[test]
fn deep_nesting() {
    // XRANGE-like: [[id, [field, value, ...]], ...]
    let entry = |id: &str, fields: &[&str]| Value::Array(vec![bulk(id), Value::Array(strs(fields))]);
    let v = Value::Array(vec![entry("1-0", &["a", "1"]), entry("2-0", &["b", "2", "c", "3"])]);
    let got = conv::<Vec<(String, BTreeMap<String, i64>)>>(v).unwrap();
    assert_eq!(
        got,
        vec![
            ("1-0".into(), BTreeMap::from([("a".into(), 1)])),
            ("2-0".into(), BTreeMap::from([("b".into(), 2), ("c".into(), 3)])),
        ]
    );
    let v = Value::Array(vec![Value::Array(vec![Value::Nil, bulk("x")]), Value::Nil]);
    assert_eq!(
        conv::<Vec<Vec<Option<String>>>>(v),
        Ok(vec![vec![None, Some("x".into())], vec![]])
    );
}
