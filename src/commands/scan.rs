//! The `SCAN` family as `Stream`s: the cursor is handled internally.

use super::AsyncCommands;

/// `SCAN`, `SSCAN`, `HSCAN` and `ZSCAN` as streams of items.
pub trait ScanCommands: AsyncCommands {}
