//! [`Args`], the encoded arguments of one command, and [`ToArgs`], the trait that
//! writes Rust values into it.

use std::fmt;

use bytes::BytesMut;

use buf::ArgBuf;

use super::route::{BlockTime, CommandClass};

mod buf;
mod impls;

/// The encoded arguments of one command: each argument already written as a RESP
/// bulk string (`$<len>\r\n<bytes>\r\n`).
///
/// Arguments are encoded as they are pushed, so sending a command only has to
/// prepend the array header (`*<len>\r\n`, see [`Args::write_frame`]) and copy
/// [`Args::encoded`] into the connection's write buffer. Integers and floats are
/// formatted straight into the buffer, without an intermediate `String`.
///
/// ```
/// use anyredis::value::Args;
///
/// let mut args = Args::new();
/// args.push(b"SET");
/// args.push(b"key");
/// args.push_int(-42);
/// assert_eq!(args.len(), 3);
/// assert_eq!(args.encoded(), b"$3\r\nSET\r\n$3\r\nkey\r\n$3\r\n-42\r\n");
/// assert_eq!(args.first(), Some(&b"SET"[..]));
/// ```
///
/// `Debug` shows each argument as lossy UTF-8, cut after 64 bytes, and hides the
/// arguments of commands that may carry passwords (`AUTH`, `HELLO`, `ACL`,
/// `MIGRATE`, `CONFIG`, `SENTINEL`):
///
/// ```
/// # use anyredis::value::{Args, ToArgs};
/// let mut args = Args::new();
/// ("AUTH", "alice", "hunter2").write_args(&mut args);
/// assert_eq!(format!("{args:?}"), r#"["AUTH", <2 args redacted>]"#);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Args {
    buf: ArgBuf,
    count: usize,
    /// The routing class, set by typed methods or [`Args::classify`].
    pub(super) class: CommandClass,
    /// How long the command may block its connection, when it may.
    pub(super) block: Option<BlockTime>,
    /// Why the command must not be sent (an argument could not be encoded).
    refused: Option<std::sync::Arc<str>>,
}

impl Args {
    /// An empty argument list.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty argument list with room for `bytes` encoded bytes.
    pub fn with_capacity(bytes: usize) -> Self {
        Args {
            buf: ArgBuf::with_capacity(bytes),
            count: 0,
            class: CommandClass::Shared,
            block: None,
            refused: None,
        }
    }

    /// Appends one argument (binary safe).
    pub fn push(&mut self, arg: &[u8]) {
        self.buf.push_bulk(arg);
        self.count = self.count.saturating_add(1);
    }

    /// Appends a signed integer in decimal, without allocating.
    pub fn push_int(&mut self, n: i64) {
        self.push(itoa::Buffer::new().format(n).as_bytes());
    }

    /// Appends an unsigned integer in decimal, without allocating.
    pub fn push_uint(&mut self, n: u64) {
        self.push(itoa::Buffer::new().format(n).as_bytes());
    }

    /// Appends a float, without allocating.
    ///
    /// Finite values use the shortest text that parses back to exactly the same
    /// `f64` (`1.5`, `0.1`, `1e-7`, `1e300`; integral values without `.0`: `3`).
    /// Infinities are written `inf` and `-inf`, which Redis accepts (e.g. as sorted
    /// set scores). NaN is written `nan`; Redis rejects it with an error reply.
    pub fn push_float(&mut self, f: f64) {
        let mut buf = FloatBuf::new();
        self.push(format_f64(f, &mut buf));
    }

    /// Appends everything `value` writes (zero or more arguments).
    pub fn push_args<T: ToArgs + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.write_args(self);
        self
    }

    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no arguments.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The concatenated bulk strings, without the array header.
    pub fn encoded(&self) -> &[u8] {
        self.buf.as_slice()
    }

    /// Writes the whole command as one RESP array (`*<len>\r\n` then
    /// [`encoded`](Self::encoded)) to `out`.
    pub fn write_frame(&self, out: &mut BytesMut) {
        // `*<count>\r\n` built on the stack, then two copies.
        let mut count = itoa::Buffer::new();
        let count = count.format(self.count).as_bytes();
        let mut head = [0u8; 24];
        let head_len = count.len().saturating_add(3);
        if let Some(target) = head.get_mut(..head_len) {
            let (star, rest) = target.split_at_mut(1);
            star.copy_from_slice(b"*");
            let (digits, crlf) = rest.split_at_mut(count.len());
            digits.copy_from_slice(count);
            crlf.copy_from_slice(b"\r\n");
        }
        out.reserve(head_len.saturating_add(self.buf.len()));
        out.extend_from_slice(head.get(..head_len).unwrap_or_default());
        out.extend_from_slice(self.buf.as_slice());
    }

    /// The first argument's raw bytes (normally the command name).
    pub fn first(&self) -> Option<&[u8]> {
        split_bulk(self.buf.as_slice()).map(|(arg, _)| arg)
    }

    /// Each argument's raw bytes, in order.
    pub fn iter(&self) -> ArgsIter<'_> {
        ArgsIter {
            rest: self.buf.as_slice(),
            remaining: self.count,
        }
    }

    /// Removes all arguments, keeping the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.count = 0;
        self.class = CommandClass::Shared;
        self.block = None;
        self.refused = None;
    }

    /// Marks the command as impossible to send, for `reason` (an argument
    /// could not be encoded, e.g. a value whose serialization failed). A
    /// [`ToArgs`] implementation that cannot write its value calls this
    /// instead of writing something wrong: the command is then refused with
    /// [`crate::ErrorKind::Usage`] before anything is sent. The first reason
    /// is kept.
    ///
    /// ```
    /// use anyredis::value::Args;
    /// let mut args = Args::new();
    /// args.push(b"SET");
    /// args.refuse("the value could not be serialized");
    /// assert_eq!(args.refused(), Some("the value could not be serialized"));
    /// ```
    pub fn refuse(&mut self, reason: impl Into<String>) {
        if self.refused.is_none() {
            self.refused = Some(reason.into().into());
        }
    }

    /// Why the command must not be sent, when [`Args::refuse`] was called.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }
}

/// Splits the first bulk string off `buf`, which must be in the form [`Args`]
/// writes. Returns `None` at the end (or, defensively, on malformed input).
fn split_bulk(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = buf.strip_prefix(b"$")?;
    let digits = rest.iter().position(|&b| b == b'\r')?;
    let len: usize = std::str::from_utf8(rest.get(..digits)?).ok()?.parse().ok()?;
    let data = rest.get(digits.checked_add(2)?..)?;
    let arg = data.get(..len)?;
    let rest = data.get(len.checked_add(2)?..)?;
    Some((arg, rest))
}

/// Iterator over the arguments of an [`Args`], see [`Args::iter`].
#[derive(Clone, Debug)]
pub struct ArgsIter<'a> {
    rest: &'a [u8],
    remaining: usize,
}

impl<'a> Iterator for ArgsIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (arg, rest) = split_bulk(self.rest)?;
        self.rest = rest;
        self.remaining = self.remaining.saturating_sub(1);
        Some(arg)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for ArgsIter<'_> {}

impl<'a> IntoIterator for &'a Args {
    type Item = &'a [u8];
    type IntoIter = ArgsIter<'a>;

    fn into_iter(self) -> ArgsIter<'a> {
        self.iter()
    }
}

/// Commands whose arguments may contain passwords, and how many leading arguments
/// (the command name, a subcommand) may still be shown.
fn visible_args(first: &[u8]) -> Option<usize> {
    const ONLY_NAME: &[&[u8]] = &[b"AUTH", b"HELLO", b"MIGRATE"];
    const NAME_AND_SUBCOMMAND: &[&[u8]] = &[b"ACL", b"CONFIG", b"SENTINEL"];
    if ONLY_NAME.iter().any(|c| c.eq_ignore_ascii_case(first)) {
        Some(1)
    } else if NAME_AND_SUBCOMMAND.iter().any(|c| c.eq_ignore_ascii_case(first)) {
        Some(2)
    } else {
        None
    }
}

/// Longest argument shown in full by `Debug`, in bytes.
const DEBUG_ARG_BYTES: usize = 64;

impl fmt::Debug for Args {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Shown<'a>(&'a [u8]);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let head = self.0.get(..DEBUG_ARG_BYTES).unwrap_or(self.0);
                write!(f, "{:?}", String::from_utf8_lossy(head))?;
                if head.len() < self.0.len() {
                    write!(f, "... ({} bytes)", self.0.len())?;
                }
                Ok(())
            }
        }
        struct Redacted(usize);
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let s = if self.0 == 1 { "" } else { "s" };
                write!(f, "<{} arg{s} redacted>", self.0)
            }
        }

        let visible = self.first().and_then(visible_args).unwrap_or(usize::MAX);
        let mut list = f.debug_list();
        for arg in self.iter().take(visible) {
            list.entry(&Shown(arg));
        }
        if self.count > visible {
            list.entry(&Redacted(self.count.saturating_sub(visible)));
        }
        list.finish()
    }
}

/// A stack buffer that floats are formatted into before being pushed.
pub(crate) struct FloatBuf {
    bytes: [u8; 64],
    len: usize,
}

impl FloatBuf {
    pub(crate) fn new() -> Self {
        FloatBuf { bytes: [0; 64], len: 0 }
    }
}

impl fmt::Write for FloatBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Formats `f` the way [`Args::push_float`] documents, into `buf`.
pub(crate) fn format_f64(f: f64, buf: &mut FloatBuf) -> &[u8] {
    format_float(f.is_nan(), f.is_infinite(), f.is_sign_negative(), &f, buf)
}

/// Formats `f` like [`format_f64`], with the shortest text for an `f32`.
pub(crate) fn format_f32(f: f32, buf: &mut FloatBuf) -> &[u8] {
    format_float(f.is_nan(), f.is_infinite(), f.is_sign_negative(), &f, buf)
}

fn format_float<'a>(
    nan: bool,
    infinite: bool,
    negative: bool,
    value: &dyn fmt::Debug,
    buf: &'a mut FloatBuf,
) -> &'a [u8] {
    use fmt::Write;
    if nan {
        return b"nan";
    }
    if infinite {
        return if negative { b"-inf" } else { b"inf" };
    }
    // `Debug` for floats is the shortest text that round-trips, with an exponent
    // for very large and very small magnitudes. It fits in 64 bytes (at most 17
    // significant digits, sign, point, exponent).
    buf.len = 0;
    if write!(buf, "{value:?}").is_err() {
        // Cannot happen (the text fits); an empty argument would be refused
        // by the server rather than sent wrong.
        buf.len = 0;
    }
    let text = buf.bytes.get(..buf.len).unwrap_or_default();
    text.strip_suffix(b".0").unwrap_or(text)
}

/// Anything that turns into zero or more command arguments.
///
/// Scalars (strings, byte strings, integers, floats, `bool`) write one argument;
/// collections write each element's arguments in order; maps write each key then
/// its value; tuples write each field's arguments; `None` writes nothing.
///
/// `Vec<u8>`, `[u8]`, `[u8; N]` and [`Bytes`](bytes::Bytes) are one binary
/// argument. For that reason `u8` itself does not implement `ToArgs`: write a byte
/// as a number with `u16::from(byte)` or [`Args::push_uint`].
///
/// ```
/// use std::collections::BTreeMap;
/// use anyredis::value::{Args, ToArgs};
///
/// let fields = BTreeMap::from([("a", 1), ("b", 2)]);
/// let mut args = Args::new();
/// ("HSET", "key", &fields).write_args(&mut args);
/// let shown: Vec<&[u8]> = args.iter().collect();
/// assert_eq!(shown, [&b"HSET"[..], b"key", b"a", b"1", b"b", b"2"]);
/// ```
pub trait ToArgs {
    /// Appends this value's arguments to `out`.
    fn write_args(&self, out: &mut Args);
}

/// Marker for types that always write exactly one argument.
///
/// Typed command methods take key parameters as `K: ToSingleArg`, so a collection
/// cannot be passed where one key is expected.
pub trait ToSingleArg: ToArgs {}
