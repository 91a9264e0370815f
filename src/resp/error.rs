//! What can be wrong with the bytes a server sent.

/// Malformed RESP input, or input that passes one of the decoder's [`Limits`].
///
/// Every `offset` is the position of the offending byte in the whole stream the
/// [`Decoder`] has seen: bytes it already returned as frames count too, so the number
/// matches a packet capture of the connection. After this error the stream is out of
/// sync and must be closed; the decoder keeps returning the same error.
///
/// [`Limits`]: super::Limits
/// [`Decoder`]: super::Decoder
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// A frame started with a byte that is no RESP2 or RESP3 type.
    #[error("unknown RESP type byte {byte:#04x} ({}) at byte {offset}", show_byte(*byte))]
    UnknownType {
        /// The byte found where a type byte was expected.
        byte: u8,
        /// Stream offset of that byte.
        offset: u64,
    },
    /// An integer (`:`) that is not an optional sign followed by decimal digits, or
    /// does not fit in a signed 64-bit integer.
    #[error("invalid integer at byte {offset}: expected an optional sign and digits fitting in i64")]
    InvalidInteger {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// A bulk or aggregate length that is not `-1` or a non-negative decimal number
    /// (RESP3 streamed lengths `?` are not supported either).
    #[error("invalid length at byte {offset}: expected -1 or a non-negative decimal number")]
    InvalidLength {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// A line grew past [`Limits::max_inline_len`](super::Limits::max_inline_len)
    /// bytes without a CRLF.
    #[error("line starting at byte {offset} is longer than {limit} bytes without a CRLF")]
    LineTooLong {
        /// The limit in force.
        limit: usize,
        /// Stream offset of the line's type byte.
        offset: u64,
    },
    /// A CR inside a line was not followed by LF.
    #[error("CR not followed by LF at byte {offset}")]
    MissingLf {
        /// Stream offset of the CR.
        offset: u64,
    },
    /// The two bytes after a bulk payload were not CRLF: the declared length is wrong.
    #[error("missing CRLF after bulk payload at byte {offset}")]
    MissingBulkCrlf {
        /// Stream offset where the CRLF should have been.
        offset: u64,
    },
    /// A frame (one whole reply) grew, or declared a payload that would make
    /// it grow, past [`Limits::max_frame_len`](super::Limits::max_frame_len) bytes.
    #[error("reply frame passes the limit of {limit} bytes at byte {offset}")]
    FrameTooLong {
        /// The limit in force.
        limit: usize,
        /// Stream offset of the header that would pass it.
        offset: u64,
    },
    /// A bulk string, bulk error or verbatim string declared more bytes than
    /// [`Limits::max_bulk_len`](super::Limits::max_bulk_len).
    #[error("bulk payload of {len} bytes at byte {offset} exceeds the limit of {limit} bytes")]
    BulkTooLong {
        /// The declared length.
        len: u64,
        /// The limit in force.
        limit: usize,
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// An aggregate declared more elements (pairs for maps and attributes) than
    /// [`Limits::max_aggregate_len`](super::Limits::max_aggregate_len).
    #[error("aggregate of {len} elements at byte {offset} exceeds the limit of {limit}")]
    AggregateTooLong {
        /// The declared element (or pair) count.
        len: u64,
        /// The limit in force.
        limit: usize,
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// Aggregates nested deeper than [`Limits::max_depth`](super::Limits::max_depth).
    #[error("aggregates nested deeper than {limit} levels at byte {offset}")]
    TooDeep {
        /// The limit in force.
        limit: usize,
        /// Stream offset of the aggregate that went one level too deep.
        offset: u64,
    },
    /// A double (`,`) that is not a decimal float, `inf`, `-inf` or `nan`.
    #[error("invalid double at byte {offset}")]
    InvalidDouble {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// A boolean (`#`) other than `#t` or `#f`.
    #[error("invalid boolean at byte {offset}: expected `t` or `f`")]
    InvalidBoolean {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// A null (`_`) with something between `_` and the CRLF.
    #[error("invalid null at byte {offset}: expected nothing between `_` and CRLF")]
    InvalidNull {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// A verbatim string (`=`) shorter than 4 bytes or without `:` as its 4th byte.
    #[error("invalid verbatim string at byte {offset}: expected a `xxx:` format prefix")]
    InvalidVerbatim {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
    /// A big number (`(`) that is not an optional sign followed by decimal digits.
    #[error("invalid big number at byte {offset}: expected an optional sign and digits")]
    InvalidBigNumber {
        /// Stream offset of the frame's type byte.
        offset: u64,
    },
}

/// A printable rendering of one byte for messages: `'x'` or `non-printable`.
fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() || b == b' ' {
        format!("'{}'", b as char)
    } else {
        "non-printable".to_owned()
    }
}
