//! `Args` and the exact bytes of every `ToArgs` impl.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::{arg_strings, encode};
use crate::value::{Args, ToArgs, ToSingleArg};

#[test]
fn push_writes_bulk_strings() {
    let mut args = Args::new();
    assert!(args.is_empty());
    assert_eq!(args.first(), None);
    args.push(b"GET");
    args.push(b"");
    args.push(b"a\r\nb\0");
    assert_eq!(args.len(), 3);
    assert!(!args.is_empty());
    assert_eq!(args.encoded(), b"$3\r\nGET\r\n$0\r\n\r\n$5\r\na\r\nb\0\r\n");
    assert_eq!(args.first(), Some(&b"GET"[..]));
    let all: Vec<&[u8]> = args.iter().collect();
    assert_eq!(all, [&b"GET"[..], b"", b"a\r\nb\0"]);
    assert_eq!(args.iter().len(), 3);
    let via_into_iter: Vec<&[u8]> = (&args).into_iter().collect();
    assert_eq!(via_into_iter, all);
}

#[test]
fn long_argument_length_header() {
    let data = vec![b'x'; 1234];
    let mut args = Args::with_capacity(2000);
    args.push(&data);
    assert_eq!(&args.encoded()[..7], b"$1234\r\n");
    assert_eq!(args.encoded().len(), 7 + 1234 + 2);
    assert_eq!(args.first(), Some(&data[..]));
}

#[test]
fn clear_keeps_nothing() {
    let mut args = Args::new();
    args.push(b"PING");
    args.clear();
    assert_eq!(args.len(), 0);
    assert!(args.is_empty());
    assert_eq!(args.encoded(), b"");
    assert_eq!(args.iter().count(), 0);
    args.push(b"ECHO");
    assert_eq!(args.encoded(), b"$4\r\nECHO\r\n");
}

#[test]
fn write_frame_prepends_array_header() {
    let mut args = Args::new();
    args.push(b"SET");
    args.push_args(&("k", 10));
    let mut out = BytesMut::from(&b"prev"[..]);
    args.write_frame(&mut out);
    assert_eq!(&out[..], b"prev*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n10\r\n");
    let mut empty = BytesMut::new();
    Args::new().write_frame(&mut empty);
    assert_eq!(&empty[..], b"*0\r\n");
}

#[test]
fn push_int_and_uint() {
    let mut args = Args::new();
    args.push_int(0);
    args.push_int(-1);
    args.push_int(i64::MIN);
    args.push_uint(u64::MAX);
    assert_eq!(
        args.encoded(),
        &b"$1\r\n0\r\n$2\r\n-1\r\n$20\r\n-9223372036854775808\r\n$20\r\n18446744073709551615\r\n"[..]
    );
}

#[test]
fn push_float_formats() {
    let cases: &[(f64, &str)] = &[
        (1.5, "1.5"),
        (1.0, "1"),
        (0.0, "0"),
        (-0.0, "-0"),
        (-2.25, "-2.25"),
        (0.1, "0.1"),
        (123456789.0, "123456789"),
        (1e16, "1e16"),
        (1e300, "1e300"),
        (1e-7, "1e-7"),
        (0.0001, "0.0001"),
        (f64::MAX, "1.7976931348623157e308"),
        (-f64::MIN_POSITIVE, "-2.2250738585072014e-308"),
        (5e-324, "5e-324"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
    ];
    for &(f, text) in cases {
        let mut args = Args::new();
        args.push_float(f);
        assert_eq!(args.first(), Some(text.as_bytes()), "{f:?}");
        assert_eq!(encode(&f), format!("${}\r\n{text}\r\n", text.len()).into_bytes());
    }
}

#[test]
fn integer_impls() {
    assert_eq!(encode(&-8i8), b"$2\r\n-8\r\n");
    assert_eq!(encode(&i16::MIN), b"$6\r\n-32768\r\n");
    assert_eq!(encode(&i32::MAX), b"$10\r\n2147483647\r\n");
    assert_eq!(encode(&-5i64), b"$2\r\n-5\r\n");
    assert_eq!(
        encode(&i128::MIN),
        b"$40\r\n-170141183460469231731687303715884105728\r\n"
    );
    assert_eq!(encode(&-7isize), b"$2\r\n-7\r\n");
    assert_eq!(encode(&65535u16), b"$5\r\n65535\r\n");
    assert_eq!(encode(&7u32), b"$1\r\n7\r\n");
    assert_eq!(encode(&u64::MAX), b"$20\r\n18446744073709551615\r\n");
    assert_eq!(
        encode(&u128::MAX),
        b"$39\r\n340282366920938463463374607431768211455\r\n"
    );
    assert_eq!(encode(&12usize), b"$2\r\n12\r\n");
}

#[test]
fn float_and_bool_impls() {
    assert_eq!(encode(&0.1f32), b"$3\r\n0.1\r\n");
    assert_eq!(encode(&2.0f32), b"$1\r\n2\r\n");
    assert_eq!(encode(&f32::NEG_INFINITY), b"$4\r\n-inf\r\n");
    assert_eq!(encode(&0.1f64), b"$3\r\n0.1\r\n");
    assert_eq!(encode(&true), b"$1\r\n1\r\n");
    assert_eq!(encode(&false), b"$1\r\n0\r\n");
}

#[test]
fn string_and_byte_impls() {
    assert_eq!(encode("héllo"), "$6\r\nhéllo\r\n".as_bytes());
    assert_eq!(encode(&"key"), b"$3\r\nkey\r\n");
    assert_eq!(encode(&String::from("key")), b"$3\r\nkey\r\n");
    assert_eq!(encode(&b"\x00\xff"[..]), b"$2\r\n\x00\xff\r\n");
    assert_eq!(encode(&vec![1u8, 2, 3]), b"$3\r\n\x01\x02\x03\r\n");
    assert_eq!(encode(&Vec::<u8>::new()), b"$0\r\n\r\n");
    assert_eq!(encode(b"abc"), b"$3\r\nabc\r\n"); // &[u8; 3]
    assert_eq!(encode(&[b'a'; 2]), b"$2\r\naa\r\n");
    assert_eq!(encode(&Bytes::from_static(b"xy")), b"$2\r\nxy\r\n");
    assert_eq!(encode(&BytesMut::from(&b"xy"[..])), b"$2\r\nxy\r\n");
}

#[test]
fn pointer_impls() {
    let s = String::from("v");
    assert_eq!(encode(&&s), b"$1\r\nv\r\n");
    assert_eq!(encode(&&&5i64), b"$1\r\n5\r\n");
    assert_eq!(encode(&Box::new(5i64)), b"$1\r\n5\r\n");
    assert_eq!(encode(&Box::<str>::from("b")), b"$1\r\nb\r\n");
    assert_eq!(encode(&Arc::<str>::from("a")), b"$1\r\na\r\n");
    assert_eq!(encode(&Rc::new(vec![1u8])), b"$1\r\n\x01\r\n");
    assert_eq!(encode(&Cow::Borrowed("c")), b"$1\r\nc\r\n");
    assert_eq!(encode(&Cow::<[u8]>::Owned(vec![b'd'])), b"$1\r\nd\r\n");
}

#[test]
fn option_impl() {
    assert_eq!(encode(&Some("x")), b"$1\r\nx\r\n");
    assert_eq!(encode(&None::<&str>), b"");
    assert_eq!(arg_strings(&("SET", "k", "v", None::<(&str, u64)>)), ["SET", "k", "v"]);
    assert_eq!(
        arg_strings(&("SET", "k", "v", Some(("EX", 10u64)))),
        ["SET", "k", "v", "EX", "10"]
    );
}

#[test]
fn sequence_impls() {
    assert_eq!(encode(&vec!["a", "b"]), b"$1\r\na\r\n$1\r\nb\r\n");
    assert_eq!(encode(&Vec::<&str>::new()), b"");
    assert_eq!(encode(&[1i64, 2][..]), b"$1\r\n1\r\n$1\r\n2\r\n");
    assert_eq!(encode(&[1i64, 2]), b"$1\r\n1\r\n$1\r\n2\r\n");
    assert_eq!(encode(&VecDeque::from([3u32])), b"$1\r\n3\r\n");
    // A Vec of byte vectors is one argument per element.
    assert_eq!(encode(&vec![vec![b'a'], vec![b'b', b'c']]), b"$1\r\na\r\n$2\r\nbc\r\n");
    assert_eq!(encode(&vec![Some("a"), None, Some("c")]), b"$1\r\na\r\n$1\r\nc\r\n");
    assert_eq!(arg_strings(&BTreeSet::from(["b", "a"])), ["a", "b"]);
    assert_eq!(arg_strings(&HashSet::from(["only"])), ["only"]);
    let mut from_hash_set = arg_strings(&HashSet::from([1i64, 2, 3]));
    from_hash_set.sort();
    assert_eq!(from_hash_set, ["1", "2", "3"]);
}

#[test]
fn map_impls() {
    assert_eq!(arg_strings(&BTreeMap::from([("b", 2), ("a", 1)])), ["a", "1", "b", "2"]);
    assert_eq!(arg_strings(&HashMap::from([("f", "v")])), ["f", "v"]);
    let pairs = arg_strings(&HashMap::from([("f1", 1i64), ("f2", 2)]));
    let mut pairs: Vec<_> = pairs.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect();
    pairs.sort();
    assert_eq!(pairs, [("f1".into(), "1".into()), ("f2".into(), "2".into())]);
    assert_eq!(
        encode(&BTreeMap::from([("k", vec![1i64, 2])])),
        b"$1\r\nk\r\n$1\r\n1\r\n$1\r\n2\r\n"
    );
}

#[test]
fn tuple_impls() {
    assert_eq!(encode(&("a",)), b"$1\r\na\r\n");
    assert_eq!(encode(&("f", 1.5)), b"$1\r\nf\r\n$3\r\n1.5\r\n");
    assert_eq!(arg_strings(&[("f1", "v1"), ("f2", "v2")]), ["f1", "v1", "f2", "v2"]);
    assert_eq!(arg_strings(&(1i64, 2i64, 3i64)), ["1", "2", "3"]);
    assert_eq!(arg_strings(&(1i8, 2i16, 3i32, 4i64)), ["1", "2", "3", "4"]);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5)), ["1", "2", "3", "4", "5"]);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5, 6)).len(), 6);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5, 6, 7)).len(), 7);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5, 6, 7, 8)).len(), 8);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5, 6, 7, 8, 9)).len(), 9);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).len(), 10);
    assert_eq!(arg_strings(&(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)).len(), 11);
    assert_eq!(
        arg_strings(&(
            "a",
            2u16,
            3.5,
            true,
            b"e",
            Some("f"),
            None::<i8>,
            vec!["h", "i"],
            "j",
            10u64,
            11i32,
            'l'.to_string()
        )),
        ["a", "2", "3.5", "1", "e", "f", "h", "i", "j", "10", "11", "l"]
    );
}

#[test]
fn args_as_args_appends() {
    let mut inner = Args::new();
    inner.push(b"x");
    inner.push_int(2);
    let mut outer = Args::new();
    outer.push(b"CMD");
    outer.push_args(&inner).push_args(&inner);
    assert_eq!(outer.len(), 5);
    assert_eq!(
        outer.encoded(),
        b"$3\r\nCMD\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\nx\r\n$1\r\n2\r\n"
    );
}

#[test]
fn args_equality_and_clone() {
    let mut a = Args::new();
    ("GET", "k").write_args(&mut a);
    let b = a.clone();
    assert_eq!(a, b);
    a.push(b"more");
    assert_ne!(a, b);
}

/// Compiles only if every listed type is a single argument.
#[test]
fn single_arg_types() {
    fn single<T: ToSingleArg + ?Sized>(_: &T) -> usize {
        1
    }
    let count = single("s")
        + single(&String::new())
        + single(&b"b"[..])
        + single(&vec![0u8])
        + single(b"xyz")
        + single(&Bytes::new())
        + single(&BytesMut::new())
        + single(&1i8)
        + single(&1i16)
        + single(&1i32)
        + single(&1i64)
        + single(&1i128)
        + single(&1isize)
        + single(&1u16)
        + single(&1u32)
        + single(&1u64)
        + single(&1u128)
        + single(&1usize)
        + single(&1.0f32)
        + single(&1.0f64)
        + single(&true)
        + single(&&"ref")
        + single(&Box::<str>::from("b"))
        + single(&Arc::<str>::from("a"))
        + single(&Rc::new(1i64))
        + single(&Cow::Borrowed("c"));
    assert_eq!(count, 26);
}

#[test]
fn debug_shows_arguments() {
    let mut args = Args::new();
    ("SET", "key", b"\xffbin").write_args(&mut args);
    assert_eq!(format!("{args:?}"), "[\"SET\", \"key\", \"\u{fffd}bin\"]");
    assert_eq!(format!("{:?}", Args::new()), "[]");
}

#[test]
fn debug_cuts_long_arguments() {
    let mut args = Args::new();
    args.push(b"SET");
    args.push(&[b'a'; 100]);
    let expected = format!(r#"["SET", "{}"... (100 bytes)]"#, "a".repeat(64));
    assert_eq!(format!("{args:?}"), expected);
}

#[test]
fn debug_redacts_secrets() {
    let shown = |parts: &[&str]| {
        let mut args = Args::new();
        parts.write_args(&mut args);
        format!("{args:?}")
    };
    assert_eq!(shown(&["AUTH", "hunter2"]), r#"["AUTH", <1 arg redacted>]"#);
    assert_eq!(shown(&["auth", "alice", "hunter2"]), r#"["auth", <2 args redacted>]"#);
    assert_eq!(
        shown(&["Hello", "3", "AUTH", "alice", "hunter2"]),
        r#"["Hello", <4 args redacted>]"#
    );
    assert_eq!(
        shown(&["MIGRATE", "h", "6379", "", "0", "5000", "AUTH2", "u", "pw", "KEYS", "k"]),
        r#"["MIGRATE", <10 args redacted>]"#
    );
    assert_eq!(
        shown(&["ACL", "SETUSER", "alice", "on", ">hunter2"]),
        r#"["ACL", "SETUSER", <3 args redacted>]"#
    );
    assert_eq!(
        shown(&["CONFIG", "SET", "requirepass", "hunter2"]),
        r#"["CONFIG", "SET", <2 args redacted>]"#
    );
    assert_eq!(
        shown(&["SENTINEL", "SET", "m", "auth-pass", "hunter2"]),
        r#"["SENTINEL", "SET", <3 args redacted>]"#
    );
    assert_eq!(shown(&["AUTH"]), r#"["AUTH"]"#);
    for text in [
        shown(&["AUTH", "hunter2"]),
        shown(&["hello", "3", "auth", "u", "hunter2"]),
        shown(&["acl", "setuser", "u", ">hunter2"]),
        shown(&["config", "set", "masterauth", "hunter2"]),
    ] {
        assert!(!text.contains("hunter2"), "{text}");
    }
    // Not a secret-carrying command: shown in full.
    assert_eq!(shown(&["GET", "AUTH"]), r#"["GET", "AUTH"]"#);
}
