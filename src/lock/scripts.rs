//! The lock's Lua scripts: each check-and-act is one atomic script, run by
//! SHA1 ([`Script`]: `EVALSHA`, loaded on `NOSCRIPT`). Every script answers
//! an integer, so RESP2 and RESP3 read the same.

use std::sync::OnceLock;

use crate::Script;

/// `KEYS[1]` lock key, `KEYS[2]` fence counter; `ARGV[1]` token, `ARGV[2]`
/// TTL in ms. Sets the key with its TTL in one `SET NX PX` (never a key
/// without a TTL), then increments the fence counter and returns it (>= 1);
/// 0 when the lock is held.
const ACQUIRE: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
";

/// As [`ACQUIRE`] without a fence counter (Redlock: independent servers
/// cannot give one increasing number): 1 when taken, 0 when held.
const ACQUIRE_PLAIN: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
";

/// `KEYS[1]` lock key; `ARGV[1]` token. Deletes the key only when it holds
/// the token: 1 when deleted, 0 when not ours (expired or another holder's).
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// `KEYS[1]` lock key; `ARGV[1]` token, `ARGV[2]` mode, `ARGV[3]` ms.
/// Only when the key holds the token: `add` adds ms to the remaining TTL,
/// `set` sets the TTL to ms, `persist` removes the TTL, `check` changes
/// nothing. Returns the key's PTTL afterwards (-1: no TTL), or
/// [`NOT_OWNED`] / [`NO_TTL`].
const EXTEND: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -2
end
local mode = ARGV[2]
if mode == 'add' then
  local pttl = redis.call('PTTL', KEYS[1])
  if pttl < 0 then
    return -3
  end
  redis.call('PEXPIRE', KEYS[1], pttl + tonumber(ARGV[3]))
elseif mode == 'set' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
elseif mode == 'persist' then
  redis.call('PERSIST', KEYS[1])
end
return redis.call('PTTL', KEYS[1])
";

/// [`EXTEND`]'s answer when the key does not hold the token.
pub(crate) const NOT_OWNED: i64 = -2;
/// [`EXTEND`]'s answer to `add` on a key without a TTL.
pub(crate) const NO_TTL: i64 = -3;

fn cached(cell: &'static OnceLock<Script>, code: &'static str) -> &'static Script {
    cell.get_or_init(|| Script::new(code))
}

pub(crate) fn acquire() -> &'static Script {
    static CELL: OnceLock<Script> = OnceLock::new();
    cached(&CELL, ACQUIRE)
}

pub(crate) fn acquire_plain() -> &'static Script {
    static CELL: OnceLock<Script> = OnceLock::new();
    cached(&CELL, ACQUIRE_PLAIN)
}

pub(crate) fn release() -> &'static Script {
    static CELL: OnceLock<Script> = OnceLock::new();
    cached(&CELL, RELEASE)
}

pub(crate) fn extend() -> &'static Script {
    static CELL: OnceLock<Script> = OnceLock::new();
    cached(&CELL, EXTEND)
}

/// What [`EXTEND`] is asked to do.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ExtendMode {
    /// Add to the remaining TTL.
    Add(u64),
    /// Set the TTL.
    Set(u64),
    /// Remove the TTL.
    Persist,
    /// Only check ownership.
    Check,
}

impl ExtendMode {
    pub(crate) fn words(self) -> (&'static str, u64) {
        match self {
            ExtendMode::Add(ms) => ("add", ms),
            ExtendMode::Set(ms) => ("set", ms),
            ExtendMode::Persist => ("persist", 0),
            ExtendMode::Check => ("check", 0),
        }
    }
}
