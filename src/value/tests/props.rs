//! Round-trip properties: what `Args` writes, `FromValue` and Redis read back exactly.

use bytes::Bytes;
use proptest::prelude::*;

use super::conv;
use crate::resp::Value;
use crate::value::{Args, ToArgs};

/// The single argument `write` pushes, as a bulk-string reply.
fn as_reply(write: impl FnOnce(&mut Args)) -> Value {
    let mut args = Args::new();
    write(&mut args);
    assert_eq!(args.len(), 1);
    Value::BulkString(Bytes::copy_from_slice(args.first().unwrap()))
}

fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

proptest! {
    #[test]
    fn ints_round_trip(n in any::<i64>()) {
        let reply = as_reply(|a| a.push_int(n));
        prop_assert_eq!(conv::<i64>(reply.clone()), Ok(n));
        prop_assert_eq!(conv::<String>(reply), Ok(n.to_string()));
    }

    #[test]
    fn uints_round_trip(n in any::<u64>()) {
        prop_assert_eq!(conv::<u64>(as_reply(|a| a.push_uint(n))), Ok(n));
    }

    #[test]
    fn wide_ints_round_trip(n in any::<i128>(), m in any::<u128>()) {
        prop_assert_eq!(conv::<i128>(as_reply(|a| n.write_args(a))), Ok(n));
        prop_assert_eq!(conv::<u128>(as_reply(|a| m.write_args(a))), Ok(m));
    }

    #[test]
    fn floats_round_trip_exactly(f in finite()) {
        let reply = as_reply(|a| a.push_float(f));
        let back = conv::<f64>(reply.clone()).unwrap();
        prop_assert_eq!(back.to_bits(), f.to_bits());
        // What Redis's strtod would parse, too: plain decimal or exponent form.
        let text = conv::<String>(reply).unwrap();
        prop_assert!(text.bytes().all(|b| b.is_ascii_digit() || b"-.e".contains(&b)), "{}", text);
        // A RESP3 double and the RESP2 text of it give the same String.
        prop_assert_eq!(conv::<String>(Value::Double(f)), Ok(text));
    }

    #[test]
    fn f32_round_trips_exactly(f in any::<f32>().prop_filter("finite", |f| f.is_finite())) {
        let back = conv::<f32>(as_reply(|a| f.write_args(a))).unwrap();
        prop_assert_eq!(back.to_bits(), f.to_bits());
    }

    #[test]
    fn binary_args_round_trip(parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..8)) {
        let mut args = Args::new();
        parts.write_args(&mut args);
        prop_assert_eq!(args.len(), parts.len());
        let back: Vec<Vec<u8>> = args.iter().map(<[u8]>::to_vec).collect();
        prop_assert_eq!(back, parts);
    }

    #[test]
    fn integral_doubles_convert_like_their_text(n in -(1i64 << 53)..(1i64 << 53)) {
        let resp3 = conv::<i64>(Value::Double(n as f64));
        let resp2 = conv::<i64>(as_reply(|a| a.push_float(n as f64)));
        prop_assert_eq!(resp3, Ok(n));
        prop_assert_eq!(resp2, Ok(n));
    }
}
