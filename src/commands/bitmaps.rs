//! Bitmap and bitfield commands: <https://redis.io/docs/latest/commands/?group=bitmap>.

use super::Commands;

/// Bitmap and bitfield commands.
pub trait BitmapCommands: Commands {}
