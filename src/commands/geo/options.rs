//! Options of geospatial commands: units, `GEOADD` flags, the `GEOSEARCH` query and `WITH*` flags.

use crate::value::{Args, ToArgs, ToSingleArg};

/// A distance unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GeoUnit {
    /// Meters (`m`).
    Meters,
    /// Kilometers (`km`).
    Kilometers,
    /// Miles (`mi`).
    Miles,
    /// Feet (`ft`).
    Feet,
}

impl ToArgs for GeoUnit {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            GeoUnit::Meters => b"m",
            GeoUnit::Kilometers => b"km",
            GeoUnit::Miles => b"mi",
            GeoUnit::Feet => b"ft",
        });
    }
}
impl ToSingleArg for GeoUnit {}

/// Flags of `GEOADD`: `NX` / `XX` and `CH`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GeoAddOptions {
    existence: Option<&'static str>,
    changed: bool,
}

impl GeoAddOptions {
    /// No flags: add new members, update existing ones.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only add new members (`NX`; replaces `XX`).
    pub fn nx(mut self) -> Self {
        self.existence = Some("NX");
        self
    }

    /// Only update existing members (`XX`; replaces `NX`).
    pub fn xx(mut self) -> Self {
        self.existence = Some("XX");
        self
    }

    /// Count moved members as well as added ones in the reply (`CH`).
    pub fn ch(mut self) -> Self {
        self.changed = true;
        self
    }
}

impl ToArgs for GeoAddOptions {
    fn write_args(&self, out: &mut Args) {
        (self.existence, self.changed.then_some("CH")).write_args(out);
    }
}

/// The area a `GEOSEARCH` looks in, around its center.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum GeoShape {
    /// A circle (`BYRADIUS`).
    Radius {
        /// The circle's radius.
        radius: f64,
        /// The unit of `radius`.
        unit: GeoUnit,
    },
    /// An axis-aligned rectangle (`BYBOX`).
    Box {
        /// East-west extent.
        width: f64,
        /// North-south extent.
        height: f64,
        /// The unit of `width` and `height`.
        unit: GeoUnit,
    },
}

impl GeoShape {
    /// A circle of `radius` (`BYRADIUS`).
    pub fn radius(radius: f64, unit: GeoUnit) -> Self {
        GeoShape::Radius { radius, unit }
    }

    /// A `width` × `height` rectangle (`BYBOX`).
    pub fn rect(width: f64, height: f64, unit: GeoUnit) -> Self {
        GeoShape::Box { width, height, unit }
    }
}

impl ToArgs for GeoShape {
    fn write_args(&self, out: &mut Args) {
        match *self {
            GeoShape::Radius { radius, unit } => ("BYRADIUS", radius, unit).write_args(out),
            GeoShape::Box { width, height, unit } => ("BYBOX", width, height, unit).write_args(out),
        }
    }
}

/// A `GEOSEARCH` / `GEOSEARCHSTORE` query: a center (a member or a position), a
/// [`GeoShape`], and optionally an order and a count.
///
/// ```
/// use anyredis::commands::{GeoSearch, GeoShape, GeoUnit};
/// use anyredis::value::{Args, ToArgs};
///
/// // The three members nearest to Palermo within 200 km.
/// let q = GeoSearch::from_member("Palermo", GeoShape::radius(200.0, GeoUnit::Kilometers))
///     .asc()
///     .count(3);
/// let mut args = Args::new();
/// q.write_args(&mut args);
/// let expected: [&[u8]; 8] = [b"FROMMEMBER", b"Palermo", b"BYRADIUS", b"200", b"km", b"ASC", b"COUNT", b"3"];
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), expected);
///
/// // Everything in a 400 km square around a position.
/// let area = GeoSearch::from_lonlat(15.0, 37.0, GeoShape::rect(400.0, 400.0, GeoUnit::Kilometers));
/// args.clear();
/// area.write_args(&mut args);
/// let expected: [&[u8]; 7] = [b"FROMLONLAT", b"15", b"37", b"BYBOX", b"400", b"400", b"km"];
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), expected);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GeoSearch {
    center: Args,
    shape: GeoShape,
    order: Option<&'static str>,
    count: Option<(u64, bool)>,
}

impl GeoSearch {
    /// Centered on an existing `member` of the set (`FROMMEMBER`).
    pub fn from_member(member: impl ToSingleArg, shape: GeoShape) -> Self {
        let mut center = Args::new();
        ("FROMMEMBER", member).write_args(&mut center);
        Self::new(center, shape)
    }

    /// Centered on a position (`FROMLONLAT`).
    pub fn from_lonlat(longitude: f64, latitude: f64, shape: GeoShape) -> Self {
        let mut center = Args::new();
        ("FROMLONLAT", longitude, latitude).write_args(&mut center);
        Self::new(center, shape)
    }

    fn new(center: Args, shape: GeoShape) -> Self {
        GeoSearch {
            center,
            shape,
            order: None,
            count: None,
        }
    }

    /// Nearest first (`ASC`; replaces `DESC`).
    pub fn asc(mut self) -> Self {
        self.order = Some("ASC");
        self
    }

    /// Farthest first (`DESC`; replaces `ASC`).
    pub fn desc(mut self) -> Self {
        self.order = Some("DESC");
        self
    }

    /// At most `count` matches, the nearest ones (`COUNT`).
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some((count, false));
        self
    }

    /// At most `count` matches, returned as soon as that many are found, not
    /// necessarily the nearest (`COUNT ... ANY`).
    pub fn count_any(mut self, count: u64) -> Self {
        self.count = Some((count, true));
        self
    }
}

impl ToArgs for GeoSearch {
    fn write_args(&self, out: &mut Args) {
        (&self.center, self.shape, self.order).write_args(out);
        if let Some((count, any)) = self.count {
            ("COUNT", count, any.then_some("ANY")).write_args(out);
        }
    }
}

/// Which details a search returns with each member (`WITHCOORD`, `WITHDIST`, `WITHHASH`),
/// read into the matching fields of [`GeoMember`](super::GeoMember).
///
/// ```
/// use anyredis::commands::GeoWith;
/// use anyredis::value::{Args, ToArgs};
///
/// let with = GeoWith::new().dist().coord();
///
/// let mut args = Args::new();
/// with.write_args(&mut args);
/// // Always in the same order, whatever the order of the calls.
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"WITHCOORD"[..], b"WITHDIST"]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GeoWith {
    coord: bool,
    dist: bool,
    hash: bool,
}

impl GeoWith {
    /// No details (just the member).
    pub fn new() -> Self {
        Self::default()
    }

    /// Every detail: coordinates, distance and geohash.
    pub fn all() -> Self {
        GeoWith {
            coord: true,
            dist: true,
            hash: true,
        }
    }

    /// The member's longitude and latitude (`WITHCOORD`).
    pub fn coord(mut self) -> Self {
        self.coord = true;
        self
    }

    /// The distance from the center, in the search's unit (`WITHDIST`).
    pub fn dist(mut self) -> Self {
        self.dist = true;
        self
    }

    /// The raw 52-bit geohash score (`WITHHASH`).
    pub fn hash(mut self) -> Self {
        self.hash = true;
        self
    }
}

impl ToArgs for GeoWith {
    fn write_args(&self, out: &mut Args) {
        let flag = |on: bool, name: &'static str| on.then_some(name);
        (
            flag(self.coord, "WITHCOORD"),
            flag(self.dist, "WITHDIST"),
            flag(self.hash, "WITHHASH"),
        )
            .write_args(out);
    }
}
