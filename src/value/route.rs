//! What kind of command an [`Args`] holds, decided once when it is built, so the
//! request layer can route it without parsing its bytes back.
//!
//! Typed methods set the class directly ([`Args::blocking`],
//! [`Args::with_class`]); a raw command ([`crate::cmd`]) is classified once
//! from its name ([`Args::classify`]) when it is sent or queued.

use std::time::Duration;

use super::Args;

/// How a command may use the connection it runs on. See [`Args::class`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandClass {
    /// An ordinary command: runs on the shared, auto-pipelined connection.
    #[default]
    Shared,
    /// Blocks its connection until data arrives or its own timeout passes
    /// (`BLPOP`, `XREAD ... BLOCK`, `DEBUG SLEEP`): a [`crate::Client`] runs it
    /// on a pooled dedicated connection; its response timeout is extended by
    /// its [`BlockTime`].
    Blocking,
    /// Changes or reports on the state of the connection it runs on (`SELECT`,
    /// `WATCH`, `MULTI`, `CLIENT REPLY`, `CLIENT TRACKING`, `AUTH`, `HELLO`,
    /// `RESET`, `QUIT`, `READONLY`, `WAIT`, ...): dedicated connections only.
    ConnectionState,
    /// The subscribe family (`SUBSCRIBE`, `PSUBSCRIBE`, `SSUBSCRIBE` and their
    /// un-forms): dedicated connections only; answered by push frames.
    Subscribe,
    /// `MONITOR`: turns its connection into a stream; dedicated connections only.
    Monitor,
}

impl CommandClass {
    /// Whether a command of this class may run on a connection shared with
    /// other callers.
    pub fn allowed_on_shared(self) -> bool {
        matches!(self, CommandClass::Shared | CommandClass::Blocking)
    }

    /// A short description for error messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            CommandClass::Shared => "an ordinary command",
            CommandClass::Blocking => "a blocking command",
            CommandClass::ConnectionState => "a command that changes or reports on its connection's state",
            CommandClass::Subscribe => "a subscribe-family command",
            CommandClass::Monitor => "MONITOR",
        }
    }
}

/// How long a blocking command may keep its connection busy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockTime {
    /// A timeout of 0: until data arrives.
    Forever,
    /// At most this long.
    For(Duration),
}

impl BlockTime {
    /// The longer of two block times (forever is the longest).
    pub fn max(self, other: BlockTime) -> BlockTime {
        match (self, other) {
            (BlockTime::For(a), BlockTime::For(b)) => BlockTime::For(a.max(b)),
            _ => BlockTime::Forever,
        }
    }

    /// The response timeout for a command blocking this long: its own time
    /// plus `extra` (the configured response timeout, or a margin when none is
    /// configured); `None` (no limit) for [`BlockTime::Forever`]. Saturates.
    pub fn response_timeout(self, extra: Duration) -> Option<Duration> {
        match self {
            BlockTime::Forever => None,
            BlockTime::For(block) => Some(block.saturating_add(extra)),
        }
    }
}

/// Where a command keeps its blocking timeout (raw commands only).
enum TimeoutAt {
    /// The last argument, in seconds (fractions allowed).
    LastSeconds,
    /// The last argument, in milliseconds.
    LastMillis,
    /// The first argument after the name, in seconds.
    FirstSeconds,
    /// The second argument after the name, in seconds (`DEBUG SLEEP n`).
    SecondSeconds,
    /// The argument after `BLOCK`, in milliseconds; not blocking without it.
    BlockOption,
}

/// Classifies a command by its name (and, for blocking ones, its timeout argument).
fn classify(args: &Args) -> (CommandClass, Option<BlockTime>) {
    let Some(name) = args.first() else {
        return (CommandClass::Shared, None);
    };
    let mut upper = [0u8; 16];
    let Some(upper) = upper.get_mut(..name.len()) else {
        return (CommandClass::Shared, None);
    };
    upper.copy_from_slice(name);
    upper.make_ascii_uppercase();
    let sub = || args.iter().nth(1).map(<[u8]>::to_ascii_uppercase).unwrap_or_default();
    let timeout = match &*upper {
        b"BLPOP" | b"BRPOP" | b"BRPOPLPUSH" | b"BLMOVE" | b"BZPOPMIN" | b"BZPOPMAX" => TimeoutAt::LastSeconds,
        b"BLMPOP" | b"BZMPOP" => TimeoutAt::FirstSeconds,
        b"XREAD" | b"XREADGROUP" => TimeoutAt::BlockOption,
        b"DEBUG" if sub() == b"SLEEP" => TimeoutAt::SecondSeconds,
        b"WAIT" | b"WAITAOF" => {
            return (CommandClass::ConnectionState, timeout_of(args, TimeoutAt::LastMillis));
        }
        b"SELECT" | b"WATCH" | b"UNWATCH" | b"MULTI" | b"EXEC" | b"DISCARD" | b"RESET" | b"QUIT" | b"AUTH"
        | b"HELLO" | b"READONLY" | b"READWRITE" => return (CommandClass::ConnectionState, None),
        b"CLIENT" if matches!(&*sub(), b"REPLY" | b"TRACKING" | b"CACHING") => {
            return (CommandClass::ConnectionState, None)
        }
        b"SUBSCRIBE" | b"PSUBSCRIBE" | b"SSUBSCRIBE" | b"UNSUBSCRIBE" | b"PUNSUBSCRIBE" | b"SUNSUBSCRIBE" => {
            return (CommandClass::Subscribe, None)
        }
        b"MONITOR" => return (CommandClass::Monitor, None),
        _ => return (CommandClass::Shared, None),
    };
    match timeout_of(args, timeout) {
        Some(block) => (CommandClass::Blocking, Some(block)),
        None => (CommandClass::Shared, None),
    }
}

/// The block time a raw command states; `None` when it does not block (XREAD
/// without BLOCK) or its timeout is not a valid number (the server will reject
/// it, so the error comes back quickly on the shared connection).
fn timeout_of(args: &Args, at: TimeoutAt) -> Option<BlockTime> {
    let (value, millis) = match at {
        TimeoutAt::LastSeconds => (args.iter().last()?, false),
        TimeoutAt::LastMillis => (args.iter().last()?, true),
        TimeoutAt::FirstSeconds => (args.iter().nth(1)?, false),
        TimeoutAt::SecondSeconds => (args.iter().nth(2)?, false),
        TimeoutAt::BlockOption => {
            let mut iter = args.iter().skip(1);
            iter.find(|arg| arg.eq_ignore_ascii_case(b"BLOCK"))?;
            (iter.next()?, true)
        }
    };
    let number: f64 = std::str::from_utf8(value).ok()?.trim().parse().ok()?;
    if !number.is_finite() || number < 0.0 {
        return None;
    }
    if number == 0.0 {
        return Some(BlockTime::Forever);
    }
    let seconds = if millis { number / 1000.0 } else { number };
    // Capped far beyond any real use, so the conversion cannot fail.
    Some(BlockTime::For(Duration::from_secs_f64(seconds.min(1.0e9))))
}

impl Args {
    /// This command's routing class (see [`CommandClass`]).
    pub fn class(&self) -> CommandClass {
        self.class
    }

    /// How long this command may block its connection, for blocking commands
    /// (and `WAIT`).
    pub fn block_time(&self) -> Option<BlockTime> {
        self.block
    }

    /// Sets the routing class.
    #[must_use]
    pub fn with_class(mut self, class: CommandClass) -> Args {
        self.class = class;
        self
    }

    /// Marks a blocking command and how long it may block.
    #[must_use]
    pub fn blocking(mut self, block: BlockTime) -> Args {
        self.class = CommandClass::Blocking;
        self.block = Some(block);
        self
    }

    /// Records how long a command of another class may block (`WAIT`).
    #[must_use]
    pub fn with_block_time(mut self, block: BlockTime) -> Args {
        self.block = Some(block);
        self
    }

    /// Classifies a raw command from its name (and its timeout argument, for
    /// blocking commands). Called once when a raw command is sent or queued.
    pub fn classify(&mut self) {
        let (class, block) = classify(self);
        self.class = class;
        self.block = block;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(parts: &[&str]) -> Args {
        let mut args = Args::new();
        for part in parts {
            args.push(part.as_bytes());
        }
        args.classify();
        args
    }

    fn secs(s: f64) -> Option<BlockTime> {
        Some(BlockTime::For(Duration::from_secs_f64(s)))
    }

    #[test]
    fn classifies_blocking_commands() {
        let blocking = |parts: &[&str]| {
            let a = args(parts);
            assert_eq!(a.class(), CommandClass::Blocking, "{parts:?}");
            a.block_time()
        };
        assert_eq!(blocking(&["BLPOP", "a", "b", "5"]), secs(5.0));
        assert_eq!(blocking(&["brpop", "a", "0.5"]), secs(0.5));
        assert_eq!(blocking(&["BLPOP", "a", "0"]), Some(BlockTime::Forever));
        assert_eq!(blocking(&["BLMOVE", "a", "b", "LEFT", "RIGHT", "2"]), secs(2.0));
        assert_eq!(blocking(&["BZMPOP", "1.5", "1", "z", "MIN"]), secs(1.5));
        assert_eq!(blocking(&["debug", "sleep", "0.25"]), secs(0.25));
        assert_eq!(
            blocking(&["XREAD", "COUNT", "2", "BLOCK", "100", "STREAMS", "s", "$"]),
            secs(0.1)
        );
    }

    #[test]
    fn classifies_the_rest() {
        let class = |parts: &[&str]| args(parts).class();
        assert_eq!(
            class(&["XREAD", "COUNT", "2", "STREAMS", "s", "0"]),
            CommandClass::Shared
        );
        assert_eq!(class(&["GET", "k"]), CommandClass::Shared);
        assert_eq!(class(&["BITCOUNT", "k"]), CommandClass::Shared);
        assert_eq!(class(&["BLPOP", "k", "soon"]), CommandClass::Shared);
        assert_eq!(class(&["DEBUG", "OBJECT", "k"]), CommandClass::Shared);
        assert_eq!(class(&["a-very-long-command-name-indeed"]), CommandClass::Shared);
        for state in [
            &["select", "1"][..],
            &["WATCH", "k"],
            &["UNWATCH"],
            &["MULTI"],
            &["EXEC"],
            &["DISCARD"],
            &["RESET"],
            &["QUIT"],
            &["AUTH", "p"],
            &["HELLO", "3"],
            &["READONLY"],
            &["READWRITE"],
            &["client", "reply", "off"],
            &["CLIENT", "TRACKING", "on"],
            &["CLIENT", "CACHING", "yes"],
        ] {
            assert_eq!(class(state), CommandClass::ConnectionState, "{state:?}");
        }
        assert_eq!(class(&["CLIENT", "LIST"]), CommandClass::Shared);
        let wait = args(&["WAIT", "1", "250"]);
        assert_eq!(wait.class(), CommandClass::ConnectionState);
        assert_eq!(wait.block_time(), secs(0.25));
        for sub in [
            "SUBSCRIBE",
            "psubscribe",
            "SSUBSCRIBE",
            "UNSUBSCRIBE",
            "PUNSUBSCRIBE",
            "sunsubscribe",
        ] {
            assert_eq!(class(&[sub, "ch"]), CommandClass::Subscribe);
        }
        assert_eq!(class(&["MONITOR"]), CommandClass::Monitor);
        assert_eq!(Args::new().class(), CommandClass::Shared);
    }

    #[test]
    fn response_timeout_follows_the_command() {
        let five = BlockTime::For(Duration::from_secs(5));
        assert_eq!(
            five.response_timeout(Duration::from_secs(1)),
            Some(Duration::from_secs(6))
        );
        assert_eq!(five.response_timeout(Duration::MAX), Some(Duration::MAX));
        assert_eq!(BlockTime::Forever.response_timeout(Duration::from_secs(1)), None);
        assert_eq!(five.max(BlockTime::Forever), BlockTime::Forever);
        assert_eq!(
            five.max(BlockTime::For(Duration::from_secs(7))),
            BlockTime::For(Duration::from_secs(7))
        );
    }
}
