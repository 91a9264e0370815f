//! `MONITOR`: every command the server runs, as a stream of parsed lines, on
//! a connection of its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::Stream;

use crate::multiplex::{Finished, Multiplexer, PushMode, Pushes, QueueLimits};
use crate::pubsub::queue::{Bounds, DeliveryPolicy, Entry, Parse, Queue};
use crate::request::wait;
use crate::resp::Value;
use crate::{Client, Result};

/// One line of `MONITOR` output: a command the server ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorLine {
    /// When the server ran it.
    pub time: SystemTime,
    /// The database it ran in.
    pub db: u32,
    /// Who sent it: `127.0.0.1:52344`, `unix:/path`, `lua` (a script) and the like.
    pub client: String,
    /// The command and its arguments, unescaped (binary-safe).
    pub args: Vec<Bytes>,
}

impl MonitorLine {
    /// The command's name in uppercase (`SET`), or empty.
    pub fn command(&self) -> String {
        self.args
            .first()
            .map(|a| String::from_utf8_lossy(a).to_ascii_uppercase())
            .unwrap_or_default()
    }

    /// Parses `1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.
    pub fn parse(line: &[u8]) -> Option<MonitorLine> {
        let space = line.iter().position(|&b| b == b' ')?;
        let time = std::str::from_utf8(line.get(..space)?).ok()?;
        let (secs, micros) = time.split_once('.').unwrap_or((time, "0"));
        let secs: u64 = secs.parse().ok()?;
        let micros: u32 = micros.parse().ok()?;
        let time = UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))?
            .checked_add(Duration::from_micros(u64::from(micros)))?;
        let rest = line.get(space.checked_add(1)?..)?.strip_prefix(b"[")?;
        let close = rest.iter().position(|&b| b == b']')?;
        let origin = std::str::from_utf8(rest.get(..close)?).ok()?;
        let (db, client) = origin.split_once(' ')?;
        let db = db.parse().ok()?;
        let args = unquote_all(rest.get(close.checked_add(1)?..)?)?;
        Some(MonitorLine {
            time,
            db,
            client: client.to_owned(),
            args,
        })
    }
}

/// The quoted, escaped arguments of a monitor line (the server's
/// `sdscatrepr`: `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`, `\xHH`).
fn unquote_all(mut rest: &[u8]) -> Option<Vec<Bytes>> {
    let mut args = Vec::new();
    loop {
        while let Some(tail) = rest.strip_prefix(b" ") {
            rest = tail;
        }
        if rest.is_empty() {
            return Some(args);
        }
        rest = rest.strip_prefix(b"\"")?;
        let mut arg = Vec::new();
        loop {
            let (&b, tail) = rest.split_first()?;
            rest = tail;
            match b {
                b'"' => break,
                b'\\' => {
                    let (&e, tail) = rest.split_first()?;
                    rest = tail;
                    arg.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'a' => 0x07,
                        b'b' => 0x08,
                        b'x' => {
                            let hex = std::str::from_utf8(rest.get(..2)?).ok()?;
                            rest = rest.get(2..)?;
                            u8::from_str_radix(hex, 16).ok()?
                        }
                        other => other,
                    });
                }
                other => arg.push(other),
            }
        }
        args.push(Bytes::from(arg));
    }
}

pub(crate) struct LineParser {
    unparsed: AtomicU64,
}

impl Parse<MonitorLine> for LineParser {
    fn parse(&self, frame: Value) -> Option<MonitorLine> {
        let parsed = match &frame {
            Value::SimpleString(line) | Value::BulkString(line) => MonitorLine::parse(line),
            _ => None,
        };
        if parsed.is_none() {
            self.unparsed.fetch_add(1, Ordering::Relaxed);
        }
        parsed
    }

    fn size(&self, line: &MonitorLine) -> usize {
        line.args.iter().map(Bytes::len).fold(64, usize::saturating_add)
    }
}

type LineQueue = Queue<MonitorLine, LineParser>;

/// A `Stream` of [`MonitorLine`]s from [`Client::monitor`]; it ends when the
/// connection ends (no reconnect: a monitor that silently resumed would hide
/// the gap). Dropping it closes the connection.
///
/// Reading is backpressured: while the buffer (8,192 lines) is full, the
/// connection is not read, and the server keeps the output for this client
/// (`MONITOR` clients have no output-buffer limit by default): read
/// promptly, or drop the monitor.
pub struct Monitor {
    mux: Multiplexer,
    queue: Arc<LineQueue>,
    finished: Finished,
}

impl Client {
    /// Starts `MONITOR` on a new connection (with the client's settings) and
    /// returns the stream of commands the server runs.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use futures_util::StreamExt;
    /// # let client = anyredis::Client::open("redis://127.0.0.1")?;
    /// let mut monitor = client.monitor().await?;
    /// while let Some(line) = monitor.next().await {
    ///     println!("db {} {}: {:?}", line.db, line.client, line.args);
    /// }
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn monitor(&self) -> Result<Monitor> {
        let parser = LineParser {
            unparsed: AtomicU64::new(0),
        };
        let bounds = Bounds {
            messages: 8192,
            bytes: 64 << 20,
        };
        let queue = Arc::new(Queue::new(bounds, DeliveryPolicy::Backpressure, parser));
        let pushes = Pushes {
            sink: queue.clone(),
            mode: PushMode::Monitor,
        };
        let config = self.config();
        let mux = Multiplexer::open_with(config, self.runtime(), QueueLimits::dedicated(config), Some(pushes)).await?;
        let monitor = Monitor {
            finished: mux.finished(),
            mux,
            queue,
        };
        let args = crate::commands::command("MONITOR");
        wait(monitor.mux.send(&args, None)?, config.response_timeout, self.runtime()).await?;
        Ok(monitor)
    }
}

impl Monitor {
    /// Lines that could not be parsed and were skipped (none from a real server).
    pub fn unparsed(&self) -> u64 {
        self.queue.parser().unparsed.load(Ordering::Relaxed)
    }
}

impl Stream for Monitor {
    type Item = MonitorLine;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<MonitorLine>> {
        let this = self.get_mut();
        loop {
            return match this.queue.poll_next(cx) {
                Poll::Ready(Some(Entry::Item(line))) => Poll::Ready(Some(line)),
                Poll::Ready(Some(Entry::Gap(_))) => continue,
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => match Pin::new(&mut this.finished).poll(cx) {
                    // Ended: what was buffered before the end was read above.
                    Poll::Ready(()) => match this.queue.poll_next(cx) {
                        Poll::Ready(Some(Entry::Item(line))) => Poll::Ready(Some(line)),
                        _ => Poll::Ready(None),
                    },
                    Poll::Pending => Poll::Pending,
                },
            };
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.mux.abort();
        self.queue.close();
    }
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor")
            .field("closed", &self.mux.is_closed())
            .field("buffered", &self.queue.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines() {
        let line = MonitorLine::parse(br#"1339518083.107412 [0 127.0.0.1:60866] "keys" "*""#).unwrap();
        assert_eq!(
            (line.db, line.client.as_str(), line.command()),
            (0, "127.0.0.1:60866", "KEYS".to_owned())
        );
        assert_eq!(line.args, [Bytes::from_static(b"keys"), Bytes::from_static(b"*")]);
        assert_eq!(
            line.time.duration_since(UNIX_EPOCH).unwrap(),
            Duration::new(1_339_518_083, 107_412_000)
        );
        let line = MonitorLine::parse(br#"1.000001 [3 lua] "set" "a\"b\\c" "\r\n\x00\xff""#).unwrap();
        assert_eq!((line.db, line.client.as_str()), (3, "lua"));
        assert_eq!(&line.args[1][..], b"a\"b\\c");
        assert_eq!(&line.args[2][..], b"\r\n\x00\xff");
        let line = MonitorLine::parse(br#"5.5 [0 unix:/tmp/r.sock] "ping""#).unwrap();
        assert_eq!(line.client, "unix:/tmp/r.sock");
        for bad in [
            &b""[..],
            b"x [0 a] \"b\"",
            b"1.0 0 a] \"b\"",
            b"1.0 [0 a] \"b",
            b"1.0 [0 a] \"\\x4\"",
        ] {
            assert!(MonitorLine::parse(bad).is_none(), "{bad:?}");
        }
    }
}
