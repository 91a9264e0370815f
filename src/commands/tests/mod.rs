//! The routing class every typed method sets, checked against what
//! [`Args::classify`] says for the same arguments. A recorder stands in for a
//! handle: it keeps the arguments instead of sending them.

use std::cell::RefCell;
use std::time::{Duration, UNIX_EPOCH};

use super::*;

mod sweep;

use crate::value::{BlockTime, CommandClass};
use sweep::sweep;

/// A [`CommandTarget`] that records the arguments of every command.
#[derive(Default)]
struct Recorder {
    sent: RefCell<Vec<Args>>,
}

impl CommandTarget for Recorder {
    type Output<'a, T: FromValue + 'a> = ();

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) {
        self.sent.borrow_mut().push(args);
    }
}

impl DedicatedCommands for Recorder {}

impl Recorder {
    /// The recorded commands, emptying the recorder.
    fn take(&self) -> Vec<Args> {
        std::mem::take(&mut *self.sent.borrow_mut())
    }

    /// The one command recorded since the last call.
    fn last(&self) -> Args {
        let mut sent = self.take();
        assert_eq!(sent.len(), 1, "expected one command");
        sent.pop().unwrap_or_default()
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn for_ms(n: u64) -> Option<BlockTime> {
    Some(BlockTime::For(ms(n)))
}

/// Every typed command that is not `Shared`, with its class and block time.
#[test]
fn non_shared_classes() {
    let r = Recorder::default();
    let check = |class: CommandClass, block: Option<BlockTime>| {
        let args = r.last();
        assert_eq!((args.class(), args.block_time()), (class, block), "{args:?}");
    };
    let blocking = CommandClass::Blocking;
    let forever = Some(BlockTime::Forever);
    let k = ["a", "b"];

    r.blpop::<Option<(String, String)>>(k, Duration::from_secs(2));
    check(blocking, for_ms(2000));
    r.blpop::<Option<(String, String)>>(k, Duration::ZERO);
    check(blocking, forever);
    r.brpop::<Option<(String, String)>>(k, Duration::from_micros(1));
    check(blocking, for_ms(10));
    r.brpoplpush::<Option<String>>("a", "b", ms(1500));
    check(blocking, for_ms(1500));
    r.blmove::<Option<String>>("a", "b", Side::Left, Side::Right, Duration::from_micros(10_001));
    check(blocking, for_ms(11));
    r.blmpop::<Option<(String, Vec<String>)>>(k, Side::Left, 2, Duration::ZERO);
    check(blocking, forever);
    r.bzpopmin::<Option<(String, String, f64)>>(k, ms(9));
    check(blocking, for_ms(10));
    r.bzpopmax::<Option<(String, String, f64)>>(k, Duration::MAX);
    check(blocking, for_ms(time::MAX_MILLIS));
    r.bzmpop::<Option<(String, Vec<(String, f64)>)>>(ms(250), k, MinMax::Max, 1);
    check(blocking, for_ms(250));
    r.xread_options::<Vec<(String, String)>>(["s"], ["$"], XReadOptions::new().block(ms(100)));
    check(blocking, for_ms(100));
    r.xread_options::<Vec<(String, String)>>(["s"], ["$"], XReadOptions::new().count(1).block(Duration::ZERO));
    check(blocking, forever);
    r.xread_options::<Vec<(String, String)>>(["s"], ["0"], XReadOptions::new().count(1));
    check(CommandClass::Shared, None);
    let group = XReadGroupOptions::new().block(ms(1)).no_ack();
    r.xreadgroup_options::<Vec<(String, String)>>("g", "c", ["s"], [">"], group);
    check(blocking, for_ms(10));
    r.xreadgroup_options::<Vec<(String, String)>>("g", "c", ["s"], [">"], XReadGroupOptions::new());
    check(CommandClass::Shared, None);
    r.debug_sleep(ms(200));
    check(blocking, for_ms(200));
    r.debug_sleep(Duration::from_nanos(1500));
    check(blocking, Some(BlockTime::For(Duration::from_micros(2))));

    let state = CommandClass::ConnectionState;
    r.wait(1, ms(100));
    check(state, for_ms(100));
    r.wait(1, Duration::ZERO);
    check(state, forever);
    r.wait(1, Duration::from_micros(1));
    check(state, for_ms(1));
    r.waitaof(1, 0, ms(50));
    check(state, for_ms(50));
    r.select(1);
    check(state, None);
    r.watch(k);
    check(state, None);
    r.unwatch();
    check(state, None);
    r.multi();
    check(state, None);
    r.exec::<Option<Vec<String>>>();
    check(state, None);
    r.discard();
    check(state, None);
    r.client_setname("me");
    check(state, None);
    r.client_tracking(Tracking::on().bcast());
    check(state, None);
    r.client_caching(true);
    check(state, None);
    r.client_no_evict(true);
    check(state, None);
    r.client_no_touch(true);
    check(state, None);
    r.readonly();
    check(state, None);
    r.readwrite();
    check(state, None);
    r.asking();
    check(state, None);
    r.reset();
    check(state, None);
    r.auth("secret");
    check(state, None);
    r.auth_user("alice", "secret");
    check(state, None);
}

/// The sweep calls every method of every typed command trait, so that the
/// agreement test covers them all (a new method must be added to the sweep).
#[test]
fn sweep_calls_every_typed_method() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut sources = Vec::new();
    let mut pending = vec![dir];
    while let Some(path) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                // This test's own directory holds the sweep, not typed methods.
                if !path.ends_with("commands/tests") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push(std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let this = include_str!("sweep.rs");
    let mut missing = Vec::new();
    let mut methods = 0;
    for source in &sources {
        let mut in_trait = false;
        for line in source.lines() {
            if line.starts_with("pub trait ") && line.contains("Commands: CommandTarget") {
                in_trait = true;
            } else if line.starts_with('}') {
                in_trait = false;
            } else if let Some(rest) = line.strip_prefix("    fn ").filter(|_| in_trait) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                methods += 1;
                if !this.contains(&format!("r.{name}(")) && !this.contains(&format!("r.{name}::<")) {
                    missing.push(name);
                }
            }
        }
    }
    assert!(methods > 300, "found only {methods} typed methods");
    assert!(missing.is_empty(), "typed methods missing from the sweep: {missing:?}");
}

/// For every command the sweep sends, the class (and block time) a typed
/// method sets agrees with what the name-based classification of raw commands
/// says for the same arguments.
#[test]
fn typed_classes_agree_with_classify() {
    let r = Recorder::default();
    sweep(&r);
    let sent = r.take();
    assert!(sent.len() > 400, "{}", sent.len());
    for args in sent {
        let mut raw = args.clone();
        raw.classify();
        assert_eq!(args.class(), raw.class(), "{args:?}");
        match (args.block_time(), raw.block_time()) {
            // The raw rule reads the decimal text back as a float: allow rounding.
            (Some(BlockTime::For(typed)), Some(BlockTime::For(read))) => {
                let diff = typed.abs_diff(read);
                assert!(diff <= Duration::from_micros(1), "{args:?}: {typed:?} vs {read:?}");
            }
            (typed, read) => assert_eq!(typed, read, "{args:?}"),
        }
    }
}

/// What the duration arguments are sent as: rounded up, never truncated.
#[test]
fn durations_are_rounded_up() {
    let r = Recorder::default();
    let sent = |r: &Recorder| -> Vec<String> {
        r.last()
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect()
    };
    let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_001);

    r.expire("k", ms(900));
    assert_eq!(sent(&r), ["EXPIRE", "k", "1"]);
    r.expire_if("k", ms(1001), ExpireCondition::Gt);
    assert_eq!(sent(&r), ["EXPIRE", "k", "2", "GT"]);
    r.pexpire("k", Duration::from_micros(1));
    assert_eq!(sent(&r), ["PEXPIRE", "k", "1"]);
    r.expire_at("k", at);
    assert_eq!(sent(&r), ["EXPIREAT", "k", "1700000001"]);
    r.pexpire_at("k", at + Duration::from_nanos(1));
    assert_eq!(sent(&r), ["PEXPIREAT", "k", "1700000000002"]);
    r.setex("k", ms(1500), "v");
    assert_eq!(sent(&r), ["SETEX", "k", "2", "v"]);
    r.setex("k", ms(500), "v");
    assert_eq!(sent(&r), ["SETEX", "k", "1", "v"]);
    r.psetex("k", Duration::from_nanos(1), "v");
    assert_eq!(sent(&r), ["PSETEX", "k", "1", "v"]);
    r.set_options("k", "v", SetOptions::new().ex(ms(1500)));
    assert_eq!(sent(&r), ["SET", "k", "v", "EX", "2"]);
    r.set_options("k", "v", SetOptions::new().px(Duration::from_micros(1500)));
    assert_eq!(sent(&r), ["SET", "k", "v", "PX", "2"]);
    r.getex::<String>("k", Expiry::ExAt(at));
    assert_eq!(sent(&r), ["GETEX", "k", "EXAT", "1700000001"]);
    r.set_options("k", "v", SetOptions::new().ex(Duration::MAX));
    assert_eq!(
        sent(&r),
        ["SET", "k", "v", "EX", &(time::MAX_MILLIS / 1000).to_string()]
    );
    r.restore_options(
        "k",
        "p",
        RestoreOptions::new().ttl(Duration::from_micros(1)).idle_time(ms(1)),
    );
    assert_eq!(sent(&r), ["RESTORE", "k", "1", "p", "IDLETIME", "1"]);
    r.restore_options("k", "p", RestoreOptions::new().ttl(Duration::ZERO));
    assert_eq!(sent(&r), ["RESTORE", "k", "0", "p"]);
    r.client_pause(Duration::from_micros(1), PauseMode::All);
    assert_eq!(sent(&r), ["CLIENT", "PAUSE", "1", "ALL"]);
    r.client_kill(ClientKillFilter::new().max_age(ms(1500)));
    assert_eq!(sent(&r), ["CLIENT", "KILL", "MAXAGE", "2"]);
    r.xclaim_justid("s", "g", "c", Duration::from_micros(1), ["1-0"], XClaimOptions::new());
    assert_eq!(sent(&r), ["XCLAIM", "s", "g", "c", "1", "1-0", "JUSTID"]);
    r.blpop::<Option<(String, String)>>("l", Duration::from_micros(1));
    assert_eq!(sent(&r), ["BLPOP", "l", "0.01"]);
    r.bzmpop::<Option<(String, Vec<(String, f64)>)>>(Duration::from_micros(1_500_100), ["z"], MinMax::Min, 1);
    assert_eq!(sent(&r), ["BZMPOP", "1.501", "1", "z", "MIN", "COUNT", "1"]);
    r.xread_options::<Vec<(String, String)>>(["s"], ["$"], XReadOptions::new().block(ms(1)));
    assert_eq!(sent(&r), ["XREAD", "BLOCK", "10", "STREAMS", "s", "$"]);
    r.debug_sleep(Duration::from_nanos(1));
    assert_eq!(sent(&r), ["DEBUG", "SLEEP", "1e-6"]);
    r.wait(1, Duration::from_nanos(1));
    assert_eq!(sent(&r), ["WAIT", "1", "1"]);
}
