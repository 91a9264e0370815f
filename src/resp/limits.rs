//! Bounds the decoder enforces on untrusted input.
//!
//! A Redis server (or anything pretending to be one) decides how long a bulk string
//! is, how many elements an array has and how deeply replies nest. These limits turn
//! an absurd or hostile declaration into a clear [`ProtocolError`] instead of
//! unbounded buffering, allocation or recursion.
//!
//! [`ProtocolError`]: super::ProtocolError

/// Limits applied by [`Decoder`](super::Decoder) while it scans a frame.
///
/// Every limit is inclusive: a value exactly at the limit is accepted, one past it is
/// rejected. Build one from [`Limits::default()`] and adjust with the `with_*` methods:
///
/// ```
/// use anyredis::resp::Limits;
///
/// let limits = Limits::default().with_max_bulk_len(1 << 20).with_max_depth(16);
/// assert_eq!(limits.max_bulk_len, 1 << 20);
/// assert_eq!(limits.max_aggregate_len, Limits::DEFAULT.max_aggregate_len);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted payload of a bulk string (`$`), bulk error (`!`) or verbatim
    /// string (`=`), in bytes. Default: 512 MiB, Redis's own `proto-max-bulk-len`.
    pub max_bulk_len: usize,
    /// Largest accepted element count of an array (`*`), set (`~`) or push (`>`), and
    /// largest pair count of a map (`%`) or attribute (`|`). Default: 2^24
    /// (16,777,216), far above what a sane single reply holds.
    pub max_aggregate_len: usize,
    /// Deepest accepted nesting of aggregates (arrays, maps, sets, pushes, attributes).
    /// A flat array has depth 1; a scalar has depth 0. Default: 128.
    pub max_depth: usize,
    /// Longest accepted line, in bytes between the type byte and the CRLF: simple
    /// strings, simple errors, numbers, booleans, doubles, big numbers and length
    /// headers. A line that grows past it without a CRLF is an error rather than
    /// something to buffer forever. Default: 64 KiB.
    pub max_inline_len: usize,
    /// Largest accepted whole frame (one reply with everything nested in it),
    /// in bytes: a reply is buffered whole before it is handed over, so this
    /// bounds the memory one reply can take. Checked as each header arrives,
    /// before its payload is buffered. Default: 1 GiB.
    pub max_frame_len: usize,
}

impl Limits {
    /// The default limits, usable in `const` contexts.
    pub const DEFAULT: Limits = Limits {
        max_bulk_len: 512 * 1024 * 1024,
        max_aggregate_len: 1 << 24,
        max_depth: 128,
        max_inline_len: 64 * 1024,
        max_frame_len: 1024 * 1024 * 1024,
    };

    /// Returns these limits with [`max_bulk_len`](Limits::max_bulk_len) set to `n` bytes.
    #[must_use]
    pub const fn with_max_bulk_len(mut self, n: usize) -> Limits {
        self.max_bulk_len = n;
        self
    }

    /// Returns these limits with [`max_aggregate_len`](Limits::max_aggregate_len) set to `n`.
    #[must_use]
    pub const fn with_max_aggregate_len(mut self, n: usize) -> Limits {
        self.max_aggregate_len = n;
        self
    }

    /// Returns these limits with [`max_depth`](Limits::max_depth) set to `n`.
    #[must_use]
    pub const fn with_max_depth(mut self, n: usize) -> Limits {
        self.max_depth = n;
        self
    }

    /// Returns these limits with [`max_frame_len`](Limits::max_frame_len) set to `n` bytes.
    #[must_use]
    pub const fn with_max_frame_len(mut self, n: usize) -> Limits {
        self.max_frame_len = n;
        self
    }

    /// Returns these limits with [`max_inline_len`](Limits::max_inline_len) set to `n` bytes.
    #[must_use]
    pub const fn with_max_inline_len(mut self, n: usize) -> Limits {
        self.max_inline_len = n;
        self
    }
}

impl Default for Limits {
    /// The same as [`Limits::DEFAULT`].
    fn default() -> Limits {
        Limits::DEFAULT
    }
}
