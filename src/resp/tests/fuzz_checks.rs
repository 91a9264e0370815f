// The decoder's fuzz checks, shared by the fuzz target
// (`fuzz/fuzz_targets/decode.rs`) and the replay test on stable Rust
// (`src/resp/tests/fuzz_replay.rs`), which `include!` this file after
// importing `Decoder`, `Limits`, `ProtocolError`, `Value`, `write_value` and
// `BytesMut`.
//
// Input layout: the first byte seeds the piece sizes and picks small or
// default limits; the rest is the stream. The decoder must not panic;
// splitting the input must not change the values or the error; an error is
// sticky; every decoded value re-encodes to bytes that decode to it again.

/// Runs every check on one input; panics on a violation.
pub fn check_input(data: &[u8]) {
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };
    let limits = if seed & 1 == 1 {
        Limits::default()
            .with_max_bulk_len(16)
            .with_max_aggregate_len(4)
            .with_max_depth(3)
            .with_max_inline_len(8)
    } else {
        Limits::default()
    };
    let whole = decode(stream, limits, &mut |_| usize::MAX);
    let mut state = u32::from(seed) | 0x100;
    let split = decode(stream, limits, &mut |_| {
        // xorshift: piece sizes from 1 to 16 bytes.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 16) as usize + 1
    });
    assert!(all_same(&whole.0, &split.0), "split changed the values: {data:?}");
    assert_eq!(whole.1, split.1, "split changed the error: {data:?}");

    for value in &whole.0 {
        let mut wire = BytesMut::new();
        write_value(&mut wire, value);
        let relaxed = Limits::default()
            .with_max_inline_len(usize::MAX)
            .with_max_depth(usize::MAX);
        let (again, err) = decode(&wire, relaxed, &mut |_| usize::MAX);
        assert_eq!(err, None, "re-encoded value did not decode: {value:?}");
        assert!(all_same(&again, std::slice::from_ref(value)), "{value:?} -> {again:?}");
    }
}

/// Decodes `stream` appended in pieces whose sizes `piece` chooses; returns the values
/// and the error that stopped decoding, if any.
fn decode(stream: &[u8], limits: Limits, piece: &mut dyn FnMut(usize) -> usize) -> (Vec<Value>, Option<ProtocolError>) {
    let mut decoder = Decoder::new(limits);
    let mut buf = BytesMut::new();
    let mut values = Vec::new();
    let mut from = 0;
    while from < stream.len() {
        let to = from.saturating_add(piece(from)).min(stream.len());
        buf.extend_from_slice(&stream[from..to]);
        from = to;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(v)) => values.push(v),
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(decoder.decode(&mut buf), Err(e.clone()), "error not sticky");
                    return (values, Some(e));
                }
            }
        }
    }
    (values, None)
}

fn all_same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

/// Equality in which NaN doubles equal each other.
fn same(a: &Value, b: &Value) -> bool {
    let pairs = |x: &[(Value, Value)], y: &[(Value, Value)]| {
        x.len() == y.len() && x.iter().zip(y).all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
    };
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Value::Array(x), Value::Array(y)) | (Value::Set(x), Value::Set(y)) | (Value::Push(x), Value::Push(y)) => {
            all_same(x, y)
        }
        (Value::Map(x), Value::Map(y)) => pairs(x, y),
        (
            Value::Attribute {
                attributes: a1,
                value: v1,
            },
            Value::Attribute {
                attributes: a2,
                value: v2,
            },
        ) => pairs(a1, a2) && same(v1, v2),
        _ => a == b,
    }
}
