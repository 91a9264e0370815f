//! Feeding frames in pieces gives the same values as feeding them whole.

use bytes::BytesMut;

use super::{bulk, decode_one, same, simple};
use crate::resp::{Decoder, Value};

const TRAILER: &[u8] = b"+next\r\n";

fn frames() -> Vec<&'static [u8]> {
    vec![
        b"+OK\r\n",
        b"-ERR wrong\r\n",
        b":-1234567\r\n",
        b"$5\r\nhello\r\n",
        b"$0\r\n\r\n",
        b"$-1\r\n",
        b"*-1\r\n",
        b"_\r\n",
        b",3.25e1\r\n",
        b",-inf\r\n",
        b"#t\r\n",
        b"(123456789012345678901234567890\r\n",
        b"!8\r\nERR a\r\nb\r\n",
        b"=9\r\ntxt:a\r\nbc\r\n",
        b"*0\r\n",
        b"*3\r\n$3\r\nSET\r\n$1\r\n\r\r\n$2\r\n\n\n\r\n",
        b"%2\r\n+a\r\n*2\r\n:1\r\n:2\r\n$1\r\nb\r\n%0\r\n",
        b"~3\r\n#f\r\n_\r\n,nan\r\n",
        b">4\r\n+pubsub\r\n+message\r\n$2\r\nch\r\n$4\r\nbody\r\n",
        b"|1\r\n+ttl\r\n:10\r\n*2\r\n|0\r\n+x\r\n~1\r\n*1\r\n*0\r\n",
        b"*2\r\n*2\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n*0\r\n%1\r\n_\r\n=4\r\ntxt:\r\n",
    ]
}

/// Feeds `input` followed by TRAILER in pieces cut at `cuts`; returns the first value
/// and checks that the trailer is left in the buffer, undecoded.
fn feed(input: &[u8], cuts: &[usize]) -> Value {
    let mut whole = input.to_vec();
    whole.extend_from_slice(TRAILER);
    let mut d = Decoder::default();
    let mut buf = BytesMut::new();
    let mut from = 0;
    let mut got = None;
    for &cut in cuts.iter().chain(std::iter::once(&whole.len())) {
        buf.extend_from_slice(&whole[from..cut]);
        from = cut;
        if got.is_none() {
            got = d.decode(&mut buf).unwrap();
            if got.is_none() {
                assert!(cut < input.len(), "frame complete at {cut} but not returned");
            }
        }
    }
    let got = got.expect("frame never completed");
    assert_eq!(&buf[..], TRAILER);
    assert_eq!(d.decode(&mut buf).unwrap(), Some(simple("next")));
    got
}

#[test]
fn every_single_split_point() {
    for input in frames() {
        let whole = decode_one(input);
        for cut in 0..=input.len() {
            let got = feed(input, &[cut]);
            assert!(same(&got, &whole), "{input:?} cut at {cut}: {got:?}");
        }
    }
}

#[test]
fn every_pair_of_split_points() {
    for input in frames() {
        let whole = decode_one(input);
        for a in 0..=input.len() {
            for b in a..=input.len() {
                let got = feed(input, &[a, b]);
                assert!(same(&got, &whole), "{input:?} cut at {a},{b}: {got:?}");
            }
        }
    }
}

#[test]
fn byte_by_byte() {
    for input in frames() {
        let whole = decode_one(input);
        let cuts: Vec<usize> = (1..input.len() + TRAILER.len()).collect();
        let got = feed(input, &cuts);
        assert!(same(&got, &whole), "{input:?}: {got:?}");
    }
}

#[test]
fn several_frames_in_one_buffer() {
    let all: Vec<u8> = frames().concat();
    let mut buf = BytesMut::from(&all[..]);
    let mut d = Decoder::default();
    for input in frames() {
        let got = d.decode(&mut buf).unwrap().unwrap();
        assert!(same(&got, &decode_one(input)), "{input:?}: {got:?}");
    }
    assert!(buf.is_empty());
    assert_eq!(d.decode(&mut buf).unwrap(), None);
}

#[test]
fn several_frames_byte_by_byte() {
    let all: Vec<u8> = frames().concat();
    let mut d = Decoder::default();
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    for &byte in &all {
        buf.extend_from_slice(&[byte]);
        while let Some(v) = d.decode(&mut buf).unwrap() {
            got.push(v);
        }
    }
    let expected: Vec<Value> = frames().into_iter().map(decode_one).collect();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert!(same(g, e), "{g:?} != {e:?}");
    }
}

#[test]
fn long_line_and_bulk_fed_in_small_pieces() {
    let text = "x".repeat(60_000);
    let mut input = format!("*2\r\n+{text}\r\n${}\r\n", text.len()).into_bytes();
    input.extend_from_slice(text.as_bytes());
    input.extend_from_slice(b"\r\n");
    let mut d = Decoder::default();
    let mut buf = BytesMut::new();
    let mut got = None;
    for chunk in input.chunks(3) {
        assert!(got.is_none());
        buf.extend_from_slice(chunk);
        got = d.decode(&mut buf).unwrap();
    }
    assert_eq!(got, Some(Value::Array(vec![simple(&text), bulk(&text)])));
}

#[test]
fn a_shrunk_buffer_restarts_the_frame() {
    let mut d = Decoder::default();
    let mut buf = BytesMut::from(&b"*2\r\n:1\r\n"[..]);
    assert_eq!(d.decode(&mut buf).unwrap(), None);
    buf.clear();
    buf.extend_from_slice(b":5\r\n");
    assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::Integer(5)));
}
