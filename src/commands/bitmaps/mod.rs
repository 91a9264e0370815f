//! Bitmap and bitfield commands: <https://redis.io/docs/latest/commands/?group=bitmap>.
//!
//! Bit offsets count from the most significant bit of the first byte, as Redis
//! does: bit 0 is the top bit of byte 0.

mod options;

pub use options::{BitEncoding, BitField, BitOffset, BitOp, BitRange, Overflow};

use super::{command, CommandTarget};
use crate::resp::Value;
use crate::value::{ConversionError, FromValue, ToArgs, ToSingleArg};

/// Bitmap and bitfield commands.
pub trait BitmapCommands: CommandTarget {
    /// The number of bits set to 1 in the string at `key` (0 for a missing key).
    /// [BITCOUNT](https://redis.io/docs/latest/commands/bitcount/)
    fn bitcount(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("BITCOUNT");
        key.write_args(&mut args);
        self.command(args)
    }

    /// The number of bits set to 1 within `range` of the string at `key`.
    /// [BITCOUNT](https://redis.io/docs/latest/commands/bitcount/)
    fn bitcount_range(&self, key: impl ToSingleArg, range: BitRange) -> Self::Output<'_, u64> {
        let mut args = command("BITCOUNT");
        args.push_args(&key).push_args(&range);
        self.command(args)
    }

    /// Runs the `GET`, `SET` and `INCRBY` operations of `ops` on the bit fields of
    /// the string at `key`; one reply per `GET`/`SET`/`INCRBY`, `None` where
    /// [`Overflow::Fail`] stopped an operation.
    /// [BITFIELD](https://redis.io/docs/latest/commands/bitfield/)
    fn bitfield(&self, key: impl ToSingleArg, ops: &BitField) -> Self::Output<'_, Vec<Option<i64>>> {
        let mut args = command("BITFIELD");
        args.push_args(&key).push_args(ops);
        self.command(args)
    }

    /// The read-only form of [`bitfield`](Self::bitfield), allowed on replicas:
    /// `ops` may hold only [`get`](BitField::get) operations (the server rejects
    /// others). [BITFIELD_RO](https://redis.io/docs/latest/commands/bitfield_ro/)
    fn bitfield_ro(&self, key: impl ToSingleArg, ops: &BitField) -> Self::Output<'_, Vec<i64>> {
        let mut args = command("BITFIELD_RO");
        args.push_args(&key).push_args(ops);
        self.command(args)
    }

    /// Stores in `dest` the bitwise `op` of the strings at one or more `keys`
    /// ([`BitOp::Not`] takes exactly one); returns the length of the result.
    /// [BITOP](https://redis.io/docs/latest/commands/bitop/)
    fn bitop(&self, op: BitOp, dest: impl ToSingleArg, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("BITOP");
        args.push_args(&op).push_args(&dest).push_args(&keys);
        self.command(args)
    }

    /// The position of the first bit set to `bit` in the string at `key`.
    /// [BITPOS](https://redis.io/docs/latest/commands/bitpos/)
    fn bitpos(&self, key: impl ToSingleArg, bit: bool) -> Self::Output<'_, BitPosition> {
        let mut args = command("BITPOS");
        args.push_args(&key).push_args(&bit);
        self.command(args)
    }

    /// The position of the first bit set to `bit` within `range` of the string at
    /// `key` (counted from the start of the string).
    /// [BITPOS](https://redis.io/docs/latest/commands/bitpos/)
    fn bitpos_range(&self, key: impl ToSingleArg, bit: bool, range: BitRange) -> Self::Output<'_, BitPosition> {
        let mut args = command("BITPOS");
        args.push_args(&key).push_args(&bit).push_args(&range);
        self.command(args)
    }

    /// The bit at `offset` in the string at `key` (`false` past the end or for a
    /// missing key). [GETBIT](https://redis.io/docs/latest/commands/getbit/)
    fn getbit(&self, key: impl ToSingleArg, offset: u64) -> Self::Output<'_, bool> {
        let mut args = command("GETBIT");
        args.push_args(&key).push_uint(offset);
        self.command(args)
    }

    /// Sets the bit at `offset` in the string at `key` to `bit` (growing the string
    /// as needed); returns the bit's old value.
    /// [SETBIT](https://redis.io/docs/latest/commands/setbit/)
    fn setbit(&self, key: impl ToSingleArg, offset: u64, bit: bool) -> Self::Output<'_, bool> {
        let mut args = command("SETBIT");
        args.push_args(&key).push_uint(offset);
        bit.write_args(&mut args);
        self.command(args)
    }
}

/// The reply of [`bitpos`](BitmapCommands::bitpos): where the bit was found, if
/// anywhere (Redis answers `-1` for "not found").
///
/// Looking for a 0 bit in a string of only 1 bits, without an explicit end,
/// finds the first bit past the string's end, as Redis treats the string as
/// padded with zeros on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitPosition(Option<u64>);

impl BitPosition {
    /// The bit's position, `None` when no such bit was found.
    pub fn get(self) -> Option<u64> {
        self.0
    }
}

impl From<BitPosition> for Option<u64> {
    fn from(position: BitPosition) -> Self {
        position.0
    }
}

impl FromValue for BitPosition {
    /// Takes an integer: a position, or `-1` for none.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match i64::from_value(value)? {
            -1 => Ok(BitPosition(None)),
            n => u64::try_from(n)
                .map(|n| BitPosition(Some(n)))
                .map_err(|_| ConversionError::invalid_value("BitPosition", &Value::Integer(n), "negative position")),
        }
    }
}
