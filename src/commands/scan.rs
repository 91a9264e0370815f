//! The `SCAN` family: the options shared by the single-step methods (`scan`,
//! `hscan`) and the streams, and the whole iteration as a [`Stream`] whose
//! cursor is handled internally ([`ScanCommands`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{FusedStream, Stream};

use super::keys::{with_key, KeyType};
use super::{command, AsyncCommandTarget};
use crate::request::ReplyFuture;
use crate::value::{Args, FromValue, ToArgs, ToSingleArg};
use crate::Result;

/// Options of `SCAN`, `SSCAN`, `HSCAN` and `ZSCAN`: `MATCH`, `COUNT` and (`SCAN` only) `TYPE`.
///
/// ```
/// use anyredis::commands::{KeyType, ScanOptions};
/// use anyredis::value::{Args, ToArgs};
///
/// let opts = ScanOptions::new().pattern("user:*").count(100).key_type(KeyType::Hash);
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"MATCH"[..], b"user:*", b"COUNT", b"100", b"TYPE", b"hash"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    args: Args,
}

impl ScanOptions {
    /// No options: every element, the server's default batch size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only elements matching the glob-style `pattern` (`MATCH`). The filter is applied
    /// after a batch is read, so a page may be empty while the scan goes on.
    pub fn pattern(mut self, pattern: impl ToSingleArg) -> Self {
        self.args.push(b"MATCH");
        pattern.write_args(&mut self.args);
        self
    }

    /// A hint of how much work the server does per call (`COUNT`, default 10).
    pub fn count(mut self, count: u64) -> Self {
        self.args.push(b"COUNT");
        self.args.push_uint(count);
        self
    }

    /// Only keys of this type (`TYPE`). Valid for `SCAN` only: the other scans answer
    /// with a syntax error.
    pub fn key_type(mut self, key_type: KeyType) -> Self {
        self.args.push(b"TYPE");
        key_type.write_args(&mut self.args);
        self
    }
}

impl ToArgs for ScanOptions {
    fn write_args(&self, out: &mut Args) {
        self.args.write_args(out);
    }
}

/// One `SCAN`-family reply: the next cursor and a batch of elements.
type Page<T> = (u64, Vec<T>);

/// Sends the request for one page, given the cursor.
type PageRequest<'a, T> = Box<dyn Fn(u64) -> ReplyFuture<Page<T>> + Send + Sync + 'a>;

/// Every element of a `SCAN`-family iteration, as a [`Stream`] of `Result<T>`.
///
/// Returned by the [`ScanCommands`] methods. Each page is requested when the
/// previous one has been consumed; the stream ends when the server returns cursor
/// `0`. A failed request (a server error such as `WRONGTYPE`, a lost connection, a
/// conversion error) is yielded as one `Err` item and ends the stream. Dropping the
/// stream at any point is safe.
///
/// As with any `SCAN`, an element present for the whole iteration is yielded at
/// least once (once, unless the collection is rehashed meanwhile), and elements
/// added or removed during the iteration may or may not appear.
#[must_use = "streams do nothing unless polled"]
pub struct ScanStream<'a, T> {
    request: PageRequest<'a, T>,
    pending: Option<ReplyFuture<Page<T>>>,
    buffer: std::vec::IntoIter<T>,
    /// The cursor of the next request; `None` when the server has said it is done.
    cursor: Option<u64>,
}

// Items are moved out of the buffer, never pinned; `ReplyFuture` is `Unpin`.
impl<T> Unpin for ScanStream<'_, T> {}

impl<'a, T: FromValue + 'a> ScanStream<'a, T> {
    /// A stream that sends `prefix` (command name and key), the cursor, then `options`.
    fn new<C: AsyncCommandTarget + ?Sized>(handle: &'a C, prefix: Args, options: ScanOptions) -> Self {
        let request = move |cursor: u64| {
            let mut args = prefix.clone();
            args.push_uint(cursor);
            options.write_args(&mut args);
            handle.request(args)
        };
        ScanStream {
            request: Box::new(request),
            pending: None,
            buffer: Vec::new().into_iter(),
            cursor: Some(0),
        }
    }
}

impl<T: FromValue> Stream for ScanStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            let pending = match &mut this.pending {
                Some(pending) => pending,
                None => match this.cursor {
                    Some(cursor) => this.pending.insert((this.request)(cursor)),
                    None => return Poll::Ready(None),
                },
            };
            let page = std::task::ready!(Pin::new(pending).poll(cx));
            this.pending = None;
            match page {
                Ok((cursor, items)) => {
                    this.cursor = (cursor != 0).then_some(cursor);
                    this.buffer = items.into_iter();
                }
                Err(e) => {
                    this.cursor = None;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffer.len();
        let more = self.cursor.is_some() || self.pending.is_some();
        (buffered, if more { None } else { Some(buffered) })
    }
}

impl<T: FromValue> FusedStream for ScanStream<'_, T> {
    fn is_terminated(&self) -> bool {
        self.buffer.len() == 0 && self.pending.is_none() && self.cursor.is_none()
    }
}

impl<T> std::fmt::Debug for ScanStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanStream")
            .field("buffered", &self.buffer.len())
            .field("cursor", &self.cursor)
            .field("waiting", &self.pending.is_some())
            .finish()
    }
}

/// `SCAN`, `SSCAN`, `HSCAN` and `ZSCAN` as streams of items, with the cursor handled
/// internally. Works on [`Client`](crate::Client) and
/// [`Connection`](crate::Connection).
///
/// ```no_run
/// # use anyredis::prelude::*;
/// # use anyredis::commands::ScanOptions;
/// # use futures_util::TryStreamExt;
/// # async fn demo(client: &Client) -> anyredis::Result<()> {
/// let keys: Vec<String> = client.scan_iter(ScanOptions::new().pattern("user:*")).try_collect().await?;
/// # Ok(()) }
/// ```
pub trait ScanCommands: AsyncCommandTarget {
    /// Every key of the current database (filtered by `options`). [SCAN](https://redis.io/docs/latest/commands/scan/)
    fn scan_iter<'a, T: FromValue + 'a>(&'a self, options: ScanOptions) -> ScanStream<'a, T> {
        ScanStream::new(self, command("SCAN"), options)
    }

    /// Every member of the set at `key`. [SSCAN](https://redis.io/docs/latest/commands/sscan/)
    fn sscan_iter<'a, T: FromValue + 'a>(&'a self, key: impl ToSingleArg, options: ScanOptions) -> ScanStream<'a, T> {
        ScanStream::new(self, with_key(command("SSCAN"), key), options)
    }

    /// Every `(field, value)` pair of the hash at `key`. [HSCAN](https://redis.io/docs/latest/commands/hscan/)
    fn hscan_iter<'a, F: FromValue + 'a, V: FromValue + 'a>(
        &'a self,
        key: impl ToSingleArg,
        options: ScanOptions,
    ) -> ScanStream<'a, (F, V)> {
        ScanStream::new(self, with_key(command("HSCAN"), key), options)
    }

    /// Every `(member, score)` pair of the sorted set at `key`. [ZSCAN](https://redis.io/docs/latest/commands/zscan/)
    fn zscan_iter<'a, M: FromValue + 'a>(
        &'a self,
        key: impl ToSingleArg,
        options: ScanOptions,
    ) -> ScanStream<'a, (M, f64)> {
        ScanStream::new(self, with_key(command("ZSCAN"), key), options)
    }
}
