//! Arguments of the bitmap commands: [`BitRange`], [`BitOp`] and the
//! [`BitField`] builder with its [`BitEncoding`], [`BitOffset`] and [`Overflow`].

use crate::value::{Args, ToArgs};

/// A range of a string for [`bitcount_range`](super::BitmapCommands::bitcount_range)
/// and [`bitpos_range`](super::BitmapCommands::bitpos_range): from `start` to `end`,
/// both included, counted in bytes or in bits. Negative values count from the end
/// (`-1` is the last byte or bit).
///
/// ```
/// use anyredis::commands::BitRange;
/// use anyredis::value::{Args, ToArgs};
///
/// let second_byte = BitRange::bytes(1, 1);
/// let mut args = Args::new();
/// second_byte.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [b"1", b"1"]);
///
/// let first_ten_bits = BitRange::bits(0, 9); // Redis 7.0+
/// args.clear();
/// first_ten_bits.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"0"[..], b"9", b"BIT"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitRange {
    start: i64,
    end: i64,
    bits: bool,
}

impl BitRange {
    /// Bytes `start` to `end`, both included (Redis's default unit).
    pub fn bytes(start: i64, end: i64) -> Self {
        BitRange {
            start,
            end,
            bits: false,
        }
    }

    /// Bits `start` to `end`, both included (`BIT`, Redis 7.0+).
    pub fn bits(start: i64, end: i64) -> Self {
        BitRange { start, end, bits: true }
    }
}

impl ToArgs for BitRange {
    fn write_args(&self, out: &mut Args) {
        out.push_int(self.start);
        out.push_int(self.end);
        if self.bits {
            out.push(b"BIT");
        }
    }
}

/// The operation of [`bitop`](super::BitmapCommands::bitop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BitOp {
    /// Bitwise AND of all the keys.
    And,
    /// Bitwise OR of all the keys.
    Or,
    /// Bitwise XOR of all the keys.
    Xor,
    /// Bitwise NOT of exactly one key.
    Not,
}

impl ToArgs for BitOp {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            BitOp::And => b"AND",
            BitOp::Or => b"OR",
            BitOp::Xor => b"XOR",
            BitOp::Not => b"NOT",
        });
    }
}

/// The type of a bit field: a signed integer of 1 to 64 bits or an unsigned one of
/// 1 to 63 bits (Redis rejects other widths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitEncoding {
    signed: bool,
    bits: u8,
}

impl BitEncoding {
    /// A signed integer of `bits` bits (`i<bits>`), 1 to 64.
    pub fn signed(bits: u8) -> Self {
        BitEncoding { signed: true, bits }
    }

    /// An unsigned integer of `bits` bits (`u<bits>`), 1 to 63.
    pub fn unsigned(bits: u8) -> Self {
        BitEncoding { signed: false, bits }
    }
}

impl ToArgs for BitEncoding {
    fn write_args(&self, out: &mut Args) {
        push_prefixed(out, if self.signed { b'i' } else { b'u' }, u64::from(self.bits));
    }
}

/// Pushes one argument: `prefix` followed by the decimal digits of `n`.
fn push_prefixed(out: &mut Args, prefix: u8, n: u64) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n).as_bytes();
    let mut text = Vec::with_capacity(digits.len().saturating_add(1));
    text.push(prefix);
    text.extend_from_slice(digits);
    out.push(&text);
}

/// Where a bit field starts: at a bit offset, or at an index counted in fields of
/// the operation's width (`#<index>`: index 2 of a `u8` field is bit 16).
///
/// A plain integer converts to a bit offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitOffset {
    offset: u64,
    scaled: bool,
}

impl BitOffset {
    /// At bit `offset`.
    pub fn bit(offset: u64) -> Self {
        BitOffset { offset, scaled: false }
    }

    /// At field `index`, i.e. bit `index` times the field's width (`#<index>`).
    pub fn index(index: u64) -> Self {
        BitOffset {
            offset: index,
            scaled: true,
        }
    }
}

impl From<u64> for BitOffset {
    fn from(offset: u64) -> Self {
        BitOffset::bit(offset)
    }
}

impl ToArgs for BitOffset {
    fn write_args(&self, out: &mut Args) {
        if self.scaled {
            push_prefixed(out, b'#', self.offset);
        } else {
            out.push_uint(self.offset);
        }
    }
}

/// What the `SET` and `INCRBY` operations after it in a [`BitField`] do when a
/// value does not fit the field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Overflow {
    /// Wrap around (Redis's default).
    #[default]
    Wrap,
    /// Saturate at the field's minimum or maximum.
    Sat,
    /// Do nothing; the operation's reply is `None`.
    Fail,
}

/// The operations of one [`bitfield`](super::BitmapCommands::bitfield) call, run in
/// order.
///
/// ```
/// use anyredis::commands::{BitEncoding, BitField, BitOffset, Overflow};
/// use anyredis::value::{Args, ToArgs};
///
/// let u8 = BitEncoding::unsigned(8);
/// let ops = BitField::new()
///     .set(u8, BitOffset::index(1), 200) // bits 8..16
///     .overflow(Overflow::Sat)
///     .incrby(u8, BitOffset::index(1), 100) // saturates at 255
///     .get(BitEncoding::signed(4), 0u64);
///
/// let mut args = Args::new();
/// ops.write_args(&mut args);
/// let expected: [&[u8]; 13] = [
///     b"SET", b"u8", b"#1", b"200",
///     b"OVERFLOW", b"SAT",
///     b"INCRBY", b"u8", b"#1", b"100",
///     b"GET", b"i4", b"0",
/// ];
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), expected);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitField {
    args: Args,
}

impl BitField {
    /// No operations yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn op(mut self, name: &'static [u8], encoding: BitEncoding, offset: impl Into<BitOffset>) -> Self {
        self.args.push(name);
        self.args.push_args(&encoding).push_args(&offset.into());
        self
    }

    /// Reads the field (`GET`); replies with its value.
    pub fn get(self, encoding: BitEncoding, offset: impl Into<BitOffset>) -> Self {
        self.op(b"GET", encoding, offset)
    }

    /// Writes `value` to the field (`SET`); replies with the field's old value.
    pub fn set(self, encoding: BitEncoding, offset: impl Into<BitOffset>, value: i64) -> Self {
        let mut this = self.op(b"SET", encoding, offset);
        this.args.push_int(value);
        this
    }

    /// Adds `increment` (may be negative) to the field (`INCRBY`); replies with the
    /// new value.
    pub fn incrby(self, encoding: BitEncoding, offset: impl Into<BitOffset>, increment: i64) -> Self {
        let mut this = self.op(b"INCRBY", encoding, offset);
        this.args.push_int(increment);
        this
    }

    /// Sets how the `SET` and `INCRBY` operations after this one handle overflow
    /// (`OVERFLOW`); no reply of its own.
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.args.push(b"OVERFLOW");
        self.args.push(match overflow {
            Overflow::Wrap => b"WRAP",
            Overflow::Sat => b"SAT",
            Overflow::Fail => b"FAIL",
        });
        self
    }
}

impl ToArgs for BitField {
    fn write_args(&self, out: &mut Args) {
        self.args.write_args(out);
    }
}
