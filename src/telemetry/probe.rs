//! [`Probe`]: the instrumentation of one request (a command or a pipeline):
//! counters always, and when a hook is set or a tracing span is enabled, the
//! name, start time and span, boxed (so nothing is allocated without them).

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use super::{CommandInfo, Outcome, Telemetry};
use crate::value::Args;
use crate::{ErrorKind, Result};

/// Longest command name kept; longer ones show as `OTHER`.
const NAME_BYTES: usize = 32;

/// A command's name in capitals, inline (no allocation).
#[derive(Clone, Copy)]
pub(crate) struct CommandName {
    bytes: [u8; NAME_BYTES],
    len: u8,
}

impl CommandName {
    pub(crate) fn of(args: &Args) -> CommandName {
        CommandName::new(args.first().unwrap_or(b"OTHER"))
    }

    pub(crate) fn new(raw: &[u8]) -> CommandName {
        let mut bytes = [0u8; NAME_BYTES];
        let fits = !raw.is_empty() && raw.len() <= NAME_BYTES && raw.iter().all(u8::is_ascii_graphic);
        let raw = if fits { raw } else { b"OTHER" };
        let mut len = 0u8;
        for (to, from) in bytes.iter_mut().zip(raw) {
            *to = from.to_ascii_uppercase();
            len = len.saturating_add(1);
        }
        CommandName { bytes, len }
    }

    pub(crate) fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or("OTHER")
    }
}

/// What a request knows about itself when someone looks (a hook or a span).
struct Detail {
    name: CommandName,
    batch: Option<usize>,
    start: Instant,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

/// One request's instrumentation. Ends exactly once: [`Probe::finish`], or
/// [`Probe::cancel`] when its future is dropped first.
pub(crate) struct Probe {
    detail: Option<Box<Detail>>,
    ended: bool,
}

impl Probe {
    /// A single command starts.
    pub(crate) fn command(telemetry: &Telemetry, args: &Args) -> Probe {
        Probe::start(telemetry, || CommandName::of(args), None, Some(args))
    }

    /// A pipeline of `count` commands starts.
    pub(crate) fn pipeline(telemetry: &Telemetry, count: usize, atomic: bool) -> Probe {
        let name = if atomic { "MULTI" } else { "PIPELINE" };
        Probe::start(telemetry, || CommandName::new(name.as_bytes()), Some(count), None)
    }

    /// The name is worked out only when someone looks (a hook, an enabled span).
    fn start(
        telemetry: &Telemetry,
        name: impl FnOnce() -> CommandName,
        batch: Option<usize>,
        args: Option<&Args>,
    ) -> Probe {
        let counters = &telemetry.counters;
        counters.hot().requests.fetch_add(1, Relaxed);
        #[cfg(feature = "tracing")]
        let traced = super::trace::enabled();
        #[cfg(not(feature = "tracing"))]
        let traced = false;
        if telemetry.hook.is_none() && !traced {
            return Probe {
                detail: None,
                ended: false,
            };
        }
        let name = name();
        #[cfg(not(feature = "tracing"))]
        let _ = args;
        #[cfg(feature = "tracing")]
        let span = match traced {
            true => super::trace::command_span(telemetry, name.as_str(), batch, args),
            false => tracing::Span::none(),
        };
        let detail = Box::new(Detail {
            name,
            batch,
            start: Instant::now(),
            #[cfg(feature = "tracing")]
            span,
        });
        if let Some(hook) = &telemetry.hook {
            hook.on_start(&info(telemetry, &detail));
        }
        Probe {
            detail: Some(detail),
            ended: false,
        }
    }

    /// Enters the request's span for one poll (events of a connect made on
    /// its behalf become its children).
    #[cfg(feature = "tracing")]
    pub(crate) fn enter(&self) -> Option<tracing::span::EnteredSpan> {
        let span = &self.detail.as_ref()?.span;
        (!span.is_disabled()).then(|| span.clone().entered())
    }

    /// The request's span, when it is enabled (for pipelines, entered on
    /// each poll of their future).
    #[cfg(feature = "tracing")]
    pub(crate) fn span(&self) -> Option<tracing::Span> {
        let span = &self.detail.as_ref()?.span;
        (!span.is_disabled()).then(|| span.clone())
    }

    /// The request ended with `result`; `commands` is how many replies a
    /// success or a server error means (1, or a pipeline's size).
    pub(crate) fn finish<T>(&mut self, telemetry: &Telemetry, result: &Result<T>, commands: usize) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        let counters = &telemetry.counters;
        let outcome = match result {
            Ok(_) => {
                counters.hot().ok.fetch_add(1, Relaxed);
                Outcome::Ok
            }
            Err(e) => {
                counters.error(e.kind());
                Outcome::Error(e)
            }
        };
        let replied = match result {
            Ok(_) => true,
            Err(e) => matches!(e.kind(), ErrorKind::Server | ErrorKind::Conversion),
        };
        if replied {
            counters
                .hot()
                .replies
                .fetch_add(u64::try_from(commands).unwrap_or(u64::MAX), Relaxed);
        }
        self.report(telemetry, outcome);
    }

    /// The request's future was dropped before it ended.
    pub(crate) fn cancel(&mut self, telemetry: &Telemetry) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        telemetry.counters.hot().cancelled.fetch_add(1, Relaxed);
        self.report(telemetry, Outcome::Cancelled);
    }

    fn report(&self, telemetry: &Telemetry, outcome: Outcome<'_>) {
        let Some(detail) = &self.detail else {
            return;
        };
        #[cfg(feature = "tracing")]
        super::trace::record_outcome(&detail.span, &outcome);
        if let Some(hook) = &telemetry.hook {
            hook.on_end(&info(telemetry, detail), outcome, detail.start.elapsed());
        }
    }
}

fn info<'a>(telemetry: &'a Telemetry, detail: &'a Detail) -> CommandInfo<'a> {
    CommandInfo {
        name: detail.name.as_str(),
        batch: detail.batch,
        server: &telemetry.server,
        db: telemetry.db,
    }
}

/// A [`Probe`] that cancels itself when dropped before it finished: for
/// requests run by an `async fn` (pipelines), whose future may be dropped
/// at any await.
pub(crate) struct Scoped<'a> {
    telemetry: &'a Telemetry,
    pub(crate) probe: Probe,
}

impl<'a> Scoped<'a> {
    pub(crate) fn new(telemetry: &'a Telemetry, probe: Probe) -> Scoped<'a> {
        Scoped { telemetry, probe }
    }

    pub(crate) fn finish<T>(mut self, result: &Result<T>, commands: usize) {
        self.probe.finish(self.telemetry, result, commands);
    }
}

impl Drop for Scoped<'_> {
    fn drop(&mut self) {
        self.probe.cancel(self.telemetry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_short_ascii_capitals() {
        assert_eq!(CommandName::new(b"get").as_str(), "GET");
        assert_eq!(CommandName::new(b"Client").as_str(), "CLIENT");
        let longest = [b'x'; NAME_BYTES];
        assert_eq!(CommandName::new(&longest).as_str(), "X".repeat(NAME_BYTES));
        for hostile in [
            &b""[..],
            &[b'x'; NAME_BYTES + 1],
            "gét".as_bytes(),
            b"GET key",
            b"\r\n",
            &[0xff, 0xfe],
        ] {
            assert_eq!(CommandName::new(hostile).as_str(), "OTHER", "{hostile:?}");
        }
        let mut args = Args::new();
        args.push(b"hset");
        args.push(b"secret-key");
        assert_eq!(CommandName::of(&args).as_str(), "HSET");
        assert_eq!(CommandName::of(&Args::new()).as_str(), "OTHER");
    }
}
