//! Geospatial commands: <https://redis.io/docs/latest/commands/?group=geo>.
//!
//! Positions are `(longitude, latitude)` pairs of `f64`, longitude first as in
//! the Redis commands.

mod options;
mod types;

pub use options::{GeoAddOptions, GeoSearch, GeoShape, GeoUnit, GeoWith};
pub use types::GeoMember;

use super::with;
use super::{command, CommandTarget};
use crate::value::{FromValue, ToArgs, ToSingleArg};

/// Geospatial commands.
///
/// ```no_run
/// # async fn demo(c: anyredis::Client) -> anyredis::Result<()> {
/// use anyredis::prelude::*;
/// use anyredis::commands::{GeoSearch, GeoShape, GeoUnit};
///
/// c.geoadd("sicily", [(13.361389, 38.115556, "Palermo"), (15.087269, 37.502669, "Catania")]).await?;
/// let near: Vec<String> = c
///     .geosearch("sicily", GeoSearch::from_lonlat(15.0, 37.0, GeoShape::radius(100.0, GeoUnit::Kilometers)))
///     .await?;
/// assert_eq!(near, ["Catania"]);
/// # Ok(()) }
/// ```
pub trait GeoCommands: CommandTarget {
    /// Adds or moves one or more `(longitude, latitude, member)` triples; returns how
    /// many members were added. [GEOADD](https://redis.io/docs/latest/commands/geoadd/)
    fn geoadd(&self, key: impl ToSingleArg, items: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("GEOADD"), (key, items)))
    }

    /// `GEOADD` with `NX`/`XX`/`CH`; returns how many members were added (with `CH`:
    /// added or moved). [GEOADD](https://redis.io/docs/latest/commands/geoadd/)
    fn geoadd_options(&self, key: impl ToSingleArg, items: impl ToArgs, opts: GeoAddOptions) -> Self::Output<'_, u64> {
        self.command(with(command("GEOADD"), (key, opts, items)))
    }

    /// The distance between two members in `unit`, `None` if either is missing.
    /// [GEODIST](https://redis.io/docs/latest/commands/geodist/)
    fn geodist(
        &self,
        key: impl ToSingleArg,
        member1: impl ToSingleArg,
        member2: impl ToSingleArg,
        unit: GeoUnit,
    ) -> Self::Output<'_, Option<f64>> {
        self.command(with(command("GEODIST"), (key, member1, member2, unit)))
    }

    /// The 11-character geohash strings of one or more members, `None` for missing ones.
    /// [GEOHASH](https://redis.io/docs/latest/commands/geohash/)
    fn geohash(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, Vec<Option<String>>> {
        self.command(with(command("GEOHASH"), (key, members)))
    }

    /// The `(longitude, latitude)` of one or more members, `None` for missing ones.
    /// [GEOPOS](https://redis.io/docs/latest/commands/geopos/)
    fn geopos(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, Vec<Option<(f64, f64)>>> {
        self.command(with(command("GEOPOS"), (key, members)))
    }

    /// The members inside the area of `search`. Redis 6.2+.
    /// [GEOSEARCH](https://redis.io/docs/latest/commands/geosearch/)
    fn geosearch<M: FromValue>(&self, key: impl ToSingleArg, search: GeoSearch) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("GEOSEARCH"), (key, search)))
    }

    /// The members inside the area of `search`, with the `details` asked for.
    /// Redis 6.2+. [GEOSEARCH](https://redis.io/docs/latest/commands/geosearch/)
    fn geosearch_with<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        search: GeoSearch,
        details: GeoWith,
    ) -> Self::Output<'_, Vec<GeoMember<M>>> {
        self.command(with(command("GEOSEARCH"), (key, search, details)))
    }

    /// Stores the members of `src` inside the area of `search` at `dst`, with their
    /// positions; returns how many. Redis 6.2+. [GEOSEARCHSTORE](https://redis.io/docs/latest/commands/geosearchstore/)
    fn geosearchstore(&self, dst: impl ToSingleArg, src: impl ToSingleArg, search: GeoSearch) -> Self::Output<'_, u64> {
        self.command(with(command("GEOSEARCHSTORE"), (dst, src, search)))
    }

    /// Like [`geosearchstore`](Self::geosearchstore), but stores each member's distance
    /// from the center as its score (`STOREDIST`). Redis 6.2+.
    /// [GEOSEARCHSTORE](https://redis.io/docs/latest/commands/geosearchstore/)
    fn geosearchstore_dist(
        &self,
        dst: impl ToSingleArg,
        src: impl ToSingleArg,
        search: GeoSearch,
    ) -> Self::Output<'_, u64> {
        self.command(with(command("GEOSEARCHSTORE"), (dst, src, search, "STOREDIST")))
    }

    /// The members within `radius` of a position; older form of
    /// [`geosearch`](Self::geosearch) (deprecated in Redis 6.2).
    /// [GEORADIUS_RO](https://redis.io/docs/latest/commands/georadius_ro/)
    fn georadius_ro<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        longitude: f64,
        latitude: f64,
        radius: f64,
        unit: GeoUnit,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("GEORADIUS_RO"), (key, longitude, latitude, radius, unit)))
    }

    /// The members within `radius` of `member`; older form of [`geosearch`](Self::geosearch)
    /// (deprecated in Redis 6.2). [GEORADIUSBYMEMBER_RO](https://redis.io/docs/latest/commands/georadiusbymember_ro/)
    fn georadiusbymember_ro<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        member: impl ToSingleArg,
        radius: f64,
        unit: GeoUnit,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("GEORADIUSBYMEMBER_RO"), (key, member, radius, unit)))
    }

    /// The members within `radius` of a point (the writable form of
    /// [`georadius_ro`](Self::georadius_ro); deprecated in Redis 6.2 in favour of
    /// [`geosearch`](Self::geosearch) and [`geosearchstore`](Self::geosearchstore)).
    /// [GEORADIUS](https://redis.io/docs/latest/commands/georadius/)
    fn georadius<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        longitude: f64,
        latitude: f64,
        radius: f64,
        unit: GeoUnit,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("GEORADIUS"), (key, longitude, latitude, radius, unit)))
    }

    /// The members within `radius` of `member` (the writable form of
    /// [`georadiusbymember_ro`](Self::georadiusbymember_ro); deprecated in Redis 6.2).
    /// [GEORADIUSBYMEMBER](https://redis.io/docs/latest/commands/georadiusbymember/)
    fn georadiusbymember<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        member: impl ToSingleArg,
        radius: f64,
        unit: GeoUnit,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("GEORADIUSBYMEMBER"), (key, member, radius, unit)))
    }
}
