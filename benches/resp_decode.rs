//! Micro-benchmark of the RESP decoder. Run with `cargo bench --bench resp_decode`.
//!
//! Plain `std::time::Instant`, no harness: each case decodes a prepared buffer a few
//! times to warm up, then several measured rounds; the best round is reported as MB/s
//! of wire bytes and frames/s. The buffer copy that feeds each round is not timed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyredis::resp::{write_array_len, write_bulk, write_value, Decoder, Value};
use bytes::BytesMut;

const WARMUP: usize = 3;
const ROUNDS: usize = 10;

struct Case {
    name: &'static str,
    wire: BytesMut,
    frames: usize,
    /// Bytes appended per read: `None` feeds the whole buffer at once.
    chunk: Option<usize>,
}

fn small_scalars() -> Case {
    let mut wire = BytesMut::new();
    let frames = 200_000;
    for i in 0..frames / 2 {
        wire.extend_from_slice(b"+OK\r\n");
        write_value(&mut wire, &Value::Integer(i as i64 * 7919));
    }
    Case {
        name: "small simple strings + integers",
        wire,
        frames,
        chunk: None,
    }
}

fn bulk16() -> Case {
    let mut wire = BytesMut::new();
    let frames = 200_000;
    for _ in 0..frames {
        write_bulk(&mut wire, b"0123456789abcdef");
    }
    Case {
        name: "16-byte bulk strings",
        wire,
        frames,
        chunk: None,
    }
}

fn arrays_of_100(chunk: Option<usize>, name: &'static str) -> Case {
    let mut wire = BytesMut::new();
    let frames = 2_000;
    for f in 0..frames {
        write_array_len(&mut wire, 100);
        for i in 0..100 {
            write_bulk(&mut wire, format!("member:{f}:{i:05}").as_bytes());
        }
    }
    Case {
        name,
        wire,
        frames,
        chunk,
    }
}

fn one_mib() -> Case {
    let mut wire = BytesMut::new();
    write_bulk(&mut wire, &vec![b'x'; 1 << 20]);
    Case {
        name: "one 1 MiB bulk string",
        wire,
        frames: 1,
        chunk: None,
    }
}

fn one_mib_streamed() -> Case {
    Case {
        name: "one 1 MiB bulk string, 16 KiB reads",
        chunk: Some(16 * 1024),
        ..one_mib()
    }
}

fn resp3_maps() -> Case {
    // Shaped like HELLO / CLIENT INFO / HGETALL replies: maps of mixed RESP3 scalars.
    let mut wire = BytesMut::new();
    let frames = 5_000;
    for f in 0..frames {
        let mut pairs = Vec::new();
        for i in 0..20 {
            let key = Value::BulkString(format!("field-{i}").into());
            let value = match i % 5 {
                0 => Value::Integer(f * 31 + i),
                1 => Value::Double(i as f64 * 0.25),
                2 => Value::Boolean(i % 2 == 0),
                3 => Value::SimpleString("value".into()),
                _ => Value::Map(vec![
                    (Value::SimpleString("id".into()), Value::Integer(i)),
                    (Value::SimpleString("name".into()), Value::BulkString("redis".into())),
                ]),
            };
            pairs.push((key, value));
        }
        write_value(&mut wire, &Value::Map(pairs));
    }
    Case {
        name: "RESP3 maps (20 mixed pairs)",
        wire,
        frames: frames as usize,
        chunk: None,
    }
}

fn run_once(case: &Case) -> Duration {
    let mut decoder = Decoder::default();
    let mut decoded = 0;
    match case.chunk {
        None => {
            let mut buf = case.wire.clone();
            let start = Instant::now();
            while let Some(v) = decoder.decode(&mut buf).expect("valid input") {
                black_box(&v);
                decoded += 1;
            }
            let elapsed = start.elapsed();
            assert_eq!(decoded, case.frames);
            elapsed
        }
        Some(chunk) => {
            let mut buf = BytesMut::with_capacity(case.wire.len());
            let start = Instant::now();
            for piece in case.wire.chunks(chunk) {
                buf.extend_from_slice(piece);
                while let Some(v) = decoder.decode(&mut buf).expect("valid input") {
                    black_box(&v);
                    decoded += 1;
                }
            }
            let elapsed = start.elapsed();
            assert_eq!(decoded, case.frames);
            elapsed
        }
    }
}

fn main() {
    let cases = [
        small_scalars(),
        bulk16(),
        arrays_of_100(None, "arrays of 100 bulk strings"),
        arrays_of_100(Some(4096), "arrays of 100 bulk strings, 4 KiB reads"),
        one_mib(),
        one_mib_streamed(),
        resp3_maps(),
    ];
    println!("{:<42} {:>10} {:>14} {:>12}", "case", "MB/s", "frames/s", "bytes");
    for case in &cases {
        for _ in 0..WARMUP {
            run_once(case);
        }
        let best = (0..ROUNDS).map(|_| run_once(case)).min().unwrap_or_default();
        let secs = best.as_secs_f64().max(1e-9);
        println!(
            "{:<42} {:>10.0} {:>14.0} {:>12}",
            case.name,
            case.wire.len() as f64 / secs / 1e6,
            case.frames as f64 / secs,
            case.wire.len()
        );
    }
}
