//! Property tests: arbitrary values round trip through any split of their bytes, and
//! arbitrary bytes never panic the decoder.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;

use super::{encode, same};
use crate::resp::{Decoder, Limits, ProtocolError, Value};

fn bytes_without_cr_lf() -> impl Strategy<Value = Bytes> {
    vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..20,
    )
    .prop_map(Bytes::from)
}

fn any_bytes() -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..40).prop_map(Bytes::from)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        bytes_without_cr_lf().prop_map(Value::SimpleString),
        any_bytes().prop_map(Value::Error),
        any::<i64>().prop_map(Value::Integer),
        any_bytes().prop_map(Value::BulkString),
        any::<f64>().prop_map(Value::Double),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-0.0)].prop_map(Value::Double),
        any::<bool>().prop_map(Value::Boolean),
        "[-+]?[0-9]{1,60}".prop_map(|s| Value::BigNumber(Bytes::from(s))),
        (any::<[u8; 3]>(), any_bytes()).prop_map(|(format, text)| Value::Verbatim { format, text }),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        let pairs = vec((inner.clone(), inner.clone()), 0..6);
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec(inner.clone(), 0..6).prop_map(Value::Set),
            vec(inner.clone(), 0..6).prop_map(Value::Push),
            pairs.clone().prop_map(Value::Map),
            (pairs, inner).prop_map(|(attributes, v)| Value::Attribute {
                attributes,
                value: Box::new(v)
            }),
        ]
    })
}

/// Decodes `input` appended in pieces ending at the sorted `cuts`; returns the values
/// and the first error, if any.
fn decode_in_pieces(input: &[u8], cuts: &[usize], limits: Limits) -> (Vec<Value>, Option<ProtocolError>) {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    cuts.push(input.len());
    cuts.sort_unstable();
    let mut d = Decoder::new(limits);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut from = 0;
    for cut in cuts {
        buf.extend_from_slice(&input[from..cut]);
        from = cut;
        loop {
            match d.decode(&mut buf) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

fn all_same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn values_round_trip_through_any_split(values in vec(value(), 1..4), cuts in vec(any::<usize>(), 0..8)) {
        let mut wire = BytesMut::new();
        for v in &values {
            wire.extend_from_slice(&encode(v));
        }
        let (got, err) = decode_in_pieces(&wire, &cuts, Limits::default());
        prop_assert_eq!(err, None);
        prop_assert!(all_same(&got, &values), "{:?} != {:?}", got, values);
    }

    #[test]
    fn random_bytes_never_panic_and_splits_agree(input in vec(any::<u8>(), 0..200), cuts in vec(any::<usize>(), 0..8)) {
        let whole = decode_in_pieces(&input, &[], Limits::default());
        let split = decode_in_pieces(&input, &cuts, Limits::default());
        prop_assert!(all_same(&whole.0, &split.0));
        prop_assert_eq!(whole.1, split.1);
    }

    #[test]
    fn mutated_frames_never_panic_and_splits_agree(
        v in value(),
        edits in vec((any::<usize>(), any::<u8>()), 1..4),
        cuts in vec(any::<usize>(), 0..8),
        small in any::<bool>(),
    ) {
        let mut wire = encode(&v).to_vec();
        for (at, byte) in edits {
            let at = at % wire.len();
            wire[at] = byte;
        }
        let limits = if small {
            Limits::default().with_max_bulk_len(8).with_max_aggregate_len(3).with_max_depth(2).with_max_inline_len(6)
        } else {
            Limits::default()
        };
        let whole = decode_in_pieces(&wire, &[], limits);
        let split = decode_in_pieces(&wire, &cuts, limits);
        prop_assert!(all_same(&whole.0, &split.0));
        prop_assert_eq!(whole.1, split.1);
    }
}
