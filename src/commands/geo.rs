//! Geospatial commands: <https://redis.io/docs/latest/commands/?group=geo>.

use super::Commands;

/// Geospatial commands.
pub trait GeoCommands: Commands {}
