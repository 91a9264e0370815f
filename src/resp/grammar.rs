//! The RESP grammar of one header line: which type byte means what, and how numbers,
//! lengths, doubles, booleans and big numbers are spelled. Shared by the decoder's
//! scanner (which validates) and its builder (which makes values).

use super::{Limits, ProtocolError};

/// What one header line declares.
#[derive(Clone, Copy)]
pub(super) enum Head {
    /// `+` or `-`: the line is the value.
    Line(u8),
    Int(i64),
    Double(f64),
    Bool(bool),
    Nil,
    /// `(`: the line is the value.
    BigNumber,
    /// `$`, `!` or `=` with its payload length.
    Bulk(u8, usize),
    /// `*`, `~`, `>`, `%` or `|` with its declared element (or pair) count.
    Agg(u8, usize),
}

/// Checks one header line (`line` is between the type byte and the CR) against the
/// grammar and the limits. `at` is the stream offset of the type byte, for errors.
#[inline(always)]
pub(super) fn classify(ty: u8, line: &[u8], limits: &Limits, at: u64) -> Result<Head, ProtocolError> {
    let offset = at;
    Ok(match ty {
        b'+' | b'-' => Head::Line(ty),
        b':' => Head::Int(parse_i64(line).ok_or(ProtocolError::InvalidInteger { offset })?),
        b'$' | b'!' | b'=' => match parse_len(line) {
            Some(Len::Null) if ty == b'$' => Head::Nil,
            Some(Len::N(n)) => match usize::try_from(n) {
                Ok(len) if len <= limits.max_bulk_len => {
                    if ty == b'=' && len < 4 {
                        return Err(ProtocolError::InvalidVerbatim { offset });
                    }
                    Head::Bulk(ty, len)
                }
                _ => {
                    let limit = limits.max_bulk_len;
                    return Err(ProtocolError::BulkTooLong { len: n, limit, offset });
                }
            },
            _ => return Err(ProtocolError::InvalidLength { offset }),
        },
        b'*' | b'~' | b'>' | b'%' | b'|' => match parse_len(line) {
            Some(Len::Null) if ty == b'*' => Head::Nil,
            Some(Len::N(n)) => match usize::try_from(n) {
                Ok(len) if len <= limits.max_aggregate_len => Head::Agg(ty, len),
                _ => {
                    let limit = limits.max_aggregate_len;
                    return Err(ProtocolError::AggregateTooLong { len: n, limit, offset });
                }
            },
            _ => return Err(ProtocolError::InvalidLength { offset }),
        },
        b'_' if line.is_empty() => Head::Nil,
        b'_' => return Err(ProtocolError::InvalidNull { offset }),
        b'#' => match line {
            b"t" => Head::Bool(true),
            b"f" => Head::Bool(false),
            _ => return Err(ProtocolError::InvalidBoolean { offset }),
        },
        b',' => Head::Double(parse_double(line).ok_or(ProtocolError::InvalidDouble { offset })?),
        b'(' if is_big_number(line) => Head::BigNumber,
        b'(' => return Err(ProtocolError::InvalidBigNumber { offset }),
        _ => return Err(ProtocolError::UnknownType { byte: ty, offset }),
    })
}

#[inline]
pub(super) fn is_type_byte(ty: u8) -> bool {
    matches!(
        ty,
        b'+' | b'-' | b':' | b'$' | b'*' | b'_' | b',' | b'#' | b'(' | b'!' | b'=' | b'%' | b'~' | b'|' | b'>'
    )
}

/// Elements the scanner must see inside an aggregate: maps and attributes hold pairs,
/// and an attribute is followed by the value it describes.
#[inline]
pub(super) fn element_count(ty: u8, n: usize) -> Option<usize> {
    match ty {
        b'%' => n.checked_mul(2),
        b'|' => n.checked_mul(2)?.checked_add(1),
        _ => Some(n),
    }
}

enum Len {
    /// `-1`: RESP2 null.
    Null,
    N(u64),
}

#[inline]
fn parse_len(s: &[u8]) -> Option<Len> {
    if s == b"-1" {
        return Some(Len::Null);
    }
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &c in s {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(Len::N(n))
}

#[inline]
fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate negatively so that i64::MIN parses.
    let mut n: i64 = 0;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_sub(i64::from(d))?;
    }
    if neg {
        Some(n)
    } else {
        n.checked_neg()
    }
}

fn parse_double(s: &[u8]) -> Option<f64> {
    let unsigned = match s.split_first() {
        Some((b'-' | b'+', rest)) => rest,
        _ => s,
    };
    if unsigned.eq_ignore_ascii_case(b"inf") {
        return Some(if s.first() == Some(&b'-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if unsigned.eq_ignore_ascii_case(b"nan") {
        return Some(f64::NAN);
    }
    // Only plain decimal notation: keeps out Rust-only spellings such as "infinity".
    let plain = |c: &u8| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.' | b'e' | b'E');
    if !s.iter().all(plain) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn is_big_number(s: &[u8]) -> bool {
    let digits = match s.split_first() {
        Some((b'-' | b'+', rest)) => rest,
        _ => s,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}
