//! Every class of malformed input gives its own error, never a panic.

use bytes::BytesMut;

use super::decode_err;
use crate::resp::{Decoder, ProtocolError as E, Value};

#[test]
fn unknown_type_byte() {
    assert_eq!(decode_err(b"?x\r\n"), E::UnknownType { byte: b'?', offset: 0 });
    assert_eq!(decode_err(b"*1\r\nhello\r\n"), E::UnknownType { byte: b'h', offset: 4 });
    assert_eq!(decode_err(b"\r\n"), E::UnknownType { byte: b'\r', offset: 0 });
    // RESP3 streamed-chunk markers are not supported.
    assert_eq!(decode_err(b";4\r\nabcd\r\n"), E::UnknownType { byte: b';', offset: 0 });
}

#[test]
fn bad_integers() {
    for input in [
        &b":\r\n"[..],
        b":-\r\n",
        b":+\r\n",
        b":12a\r\n",
        b": 1\r\n",
        b":1.0\r\n",
        b":--1\r\n",
    ] {
        assert_eq!(decode_err(input), E::InvalidInteger { offset: 0 }, "{input:?}");
    }
    assert_eq!(decode_err(b":9223372036854775808\r\n"), E::InvalidInteger { offset: 0 });
    assert_eq!(
        decode_err(b":-9223372036854775809\r\n"),
        E::InvalidInteger { offset: 0 }
    );
    assert_eq!(
        decode_err(b":99999999999999999999999\r\n"),
        E::InvalidInteger { offset: 0 }
    );
}

#[test]
fn bad_lengths() {
    for input in [
        &b"$\r\n"[..],
        b"$-2\r\n",
        b"$-0\r\n",
        b"$+1\r\n",
        b"$1x\r\n",
        b"$?\r\n",
        b"*-2\r\n",
        b"*x\r\n",
        b"!-1\r\n",
        b"=-1\r\n",
        b"%-1\r\n",
        b"~-1\r\n",
        b">-1\r\n",
        b"|-1\r\n",
        b"*?\r\n",
        b"$99999999999999999999999\r\n",
    ] {
        assert_eq!(decode_err(input), E::InvalidLength { offset: 0 }, "{input:?}");
    }
    assert_eq!(decode_err(b"*2\r\n:1\r\n$-5\r\n"), E::InvalidLength { offset: 8 });
}

#[test]
fn cr_without_lf() {
    assert_eq!(decode_err(b"+OK\rX\n"), E::MissingLf { offset: 3 });
    assert_eq!(decode_err(b"*1\r\n:1\r:"), E::MissingLf { offset: 6 });
}

#[test]
fn bulk_payload_without_crlf() {
    assert_eq!(decode_err(b"$3\r\nabcd\r\n"), E::MissingBulkCrlf { offset: 7 });
    assert_eq!(decode_err(b"$3\r\nabc\n\r"), E::MissingBulkCrlf { offset: 7 });
    assert_eq!(decode_err(b"*1\r\n!1\r\nab\r\n"), E::MissingBulkCrlf { offset: 9 });
}

#[test]
fn bad_doubles() {
    for input in [
        &b",\r\n"[..],
        b",abc\r\n",
        b",1.2.3\r\n",
        b",infinity\r\n",
        b", 1\r\n",
        b",1e\r\n",
        b",0x10\r\n",
        b",--1\r\n",
    ] {
        assert_eq!(decode_err(input), E::InvalidDouble { offset: 0 }, "{input:?}");
    }
}

#[test]
fn bad_booleans() {
    for input in [&b"#\r\n"[..], b"#T\r\n", b"#true\r\n", b"#1\r\n", b"#tf\r\n"] {
        assert_eq!(decode_err(input), E::InvalidBoolean { offset: 0 }, "{input:?}");
    }
}

#[test]
fn bad_nulls() {
    assert_eq!(decode_err(b"_x\r\n"), E::InvalidNull { offset: 0 });
    assert_eq!(decode_err(b"_-1\r\n"), E::InvalidNull { offset: 0 });
}

#[test]
fn bad_verbatim() {
    assert_eq!(decode_err(b"=3\r\ntxt\r\n"), E::InvalidVerbatim { offset: 0 });
    assert_eq!(decode_err(b"=0\r\n\r\n"), E::InvalidVerbatim { offset: 0 });
    assert_eq!(decode_err(b"=5\r\ntxt;x\r\n"), E::InvalidVerbatim { offset: 0 });
    assert_eq!(decode_err(b"*1\r\n=4\r\nabcd\r\n"), E::InvalidVerbatim { offset: 4 });
}

#[test]
fn bad_big_numbers() {
    for input in [
        &b"(\r\n"[..],
        b"(-\r\n",
        b"(12a\r\n",
        b"(1.5\r\n",
        b"( 1\r\n",
        b"(--1\r\n",
    ] {
        assert_eq!(decode_err(input), E::InvalidBigNumber { offset: 0 }, "{input:?}");
    }
}

#[test]
fn offsets_count_bytes_of_earlier_frames() {
    let mut d = Decoder::default();
    let mut buf = BytesMut::from(&b"+OK\r\n:1\r\n#x\r\n"[..]);
    assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::SimpleString("OK".into())));
    assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::Integer(1)));
    assert_eq!(d.decode(&mut buf), Err(E::InvalidBoolean { offset: 9 }));
}

#[test]
fn errors_are_sticky_until_reset() {
    let mut d = Decoder::default();
    let mut buf = BytesMut::from(&b"?\r\n"[..]);
    let err = d.decode(&mut buf).unwrap_err();
    buf.clear();
    buf.extend_from_slice(b"+OK\r\n");
    assert_eq!(d.decode(&mut buf), Err(err));
    d.reset();
    assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::SimpleString("OK".into())));
}

#[test]
fn an_error_is_found_before_the_frame_completes() {
    // The bad element is reported as soon as it arrives, not when the frame ends.
    let mut d = Decoder::default();
    let mut buf = BytesMut::from(&b"*1000\r\n:1\r\n:x\r\n"[..]);
    assert_eq!(d.decode(&mut buf), Err(E::InvalidInteger { offset: 11 }));
}

#[test]
fn messages_are_readable() {
    let msg = decode_err(b"?\r\n").to_string();
    assert_eq!(msg, "unknown RESP type byte 0x3f ('?') at byte 0");
    let msg = decode_err(b"\x01\r\n").to_string();
    assert_eq!(msg, "unknown RESP type byte 0x01 (non-printable) at byte 0");
    let msg = decode_err(b"$3\r\nabcd\r\n").to_string();
    assert_eq!(msg, "missing CRLF after bulk payload at byte 7");
}
