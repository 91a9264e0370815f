//! The herd side of [`super::HerdCache`]: entries that keep their logical
//! expiry beside the value, and the two Lua scripts that store them and
//! check-and-extend them atomically.
//!
//! An entry is a hash: `v`, the stored value, and `e`, its logical expiry
//! in Unix milliseconds of the *server's* clock (`TIME`, read inside the
//! scripts, so clients with skewed clocks agree). The key's real expiry is
//! the logical one plus the herd timeout. The lookup script returns the
//! value while the logical expiry is ahead; the first lookup at or after it
//! moves it forward by the extend time (and the real expiry with it) and
//! tells its caller to recompute, all in one script, so exactly one caller
//! per expiry is told so, whatever the number of processes.

use std::time::Duration;

use bytes::Bytes;

use super::core::Found;
use crate::value::ConversionError;
use crate::{Client, Pipeline, Result, Script, Value};

/// Stores an entry. KEYS[1]: the entry; ARGV[1]: the value; ARGV[2]: the
/// logical TTL in ms (0: none); ARGV[3]: the herd timeout in ms.
const SET: &str = r"
local ttl = tonumber(ARGV[2])
redis.call('DEL', KEYS[1])
if ttl > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', string.format('%.0f', now + ttl))
  redis.call('PEXPIRE', KEYS[1], string.format('%.0f', ttl + tonumber(ARGV[3])))
else
  redis.call('HSET', KEYS[1], 'v', ARGV[1])
end
return 1
";

/// Looks an entry up. KEYS[1]: the entry; ARGV[1]: the extend time in ms;
/// ARGV[2]: the herd timeout in ms. Returns nil (no entry), `{value}` (live)
/// or `{value, 1}` (was logically expired: extended now; recompute).
const GET: &str = r"
local entry = redis.call('HMGET', KEYS[1], 'v', 'e')
local value = entry[1]
if not value then return false end
local expiry = tonumber(entry[2])
if not expiry then return {value} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < expiry then return {value} end
local extend = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'e', string.format('%.0f', now + extend))
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', extend + tonumber(ARGV[2])))
return {value, 1}
";

/// The longest duration the scripts take, in ms (about 100 years): their
/// arithmetic is in Lua's doubles, exact far beyond that.
const MAX_MILLIS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// `d` in whole milliseconds, rounded up, at most [`MAX_MILLIS`].
pub(super) fn millis(d: Duration) -> u64 {
    let nanos = d.as_nanos();
    let ms = (nanos / 1_000_000).saturating_add(u128::from(nanos % 1_000_000 != 0));
    u64::try_from(ms).unwrap_or(u64::MAX).min(MAX_MILLIS)
}

/// A herd cache's timings and scripts.
#[derive(Debug)]
pub(super) struct Herd {
    pub(super) herd_timeout: Duration,
    pub(super) extend_time: Duration,
    get: Script,
    set: Script,
}

impl Herd {
    pub(super) fn new(herd_timeout: Duration, extend_time: Duration) -> Herd {
        Herd {
            herd_timeout,
            // Zero would leave the entry expired for the next reader too.
            extend_time: extend_time.max(Duration::from_millis(1)),
            get: Script::new(GET),
            set: Script::new(SET),
        }
    }

    pub(super) async fn lookup(&self, client: &Client, redis_key: &str) -> Result<Found> {
        let reply: Value = self
            .get
            .key(redis_key)
            .arg(millis(self.extend_time))
            .arg(millis(self.herd_timeout))
            .invoke(client)
            .await?;
        read_lookup(reply)
    }

    fn store_call(&self, redis_key: &str, stored: &[u8], ttl: Option<Duration>) -> crate::ScriptCall {
        // A zero TTL is one millisecond, like `Cache`'s; none is 0.
        let ttl = ttl.map_or(0, |ttl| millis(ttl).max(1));
        self.set
            .key(redis_key)
            .arg(stored)
            .arg(ttl)
            .arg(millis(self.herd_timeout))
    }

    pub(super) async fn store(
        &self,
        client: &Client,
        redis_key: &str,
        stored: &[u8],
        ttl: Option<Duration>,
    ) -> Result<()> {
        self.store_call(redis_key, stored, ttl)
            .invoke::<Value, _>(client)
            .await
            .map(drop)
    }

    pub(super) fn queue_store(&self, pipe: &Pipeline, redis_key: &str, stored: &[u8], ttl: Option<Duration>) {
        self.store_call(redis_key, stored, ttl).queue(pipe);
    }
}

/// The lookup script's reply.
fn read_lookup(reply: Value) -> Result<Found> {
    let unexpected = |reply: &Value| -> crate::Error {
        ConversionError::type_mismatch("a herd cache lookup (nil, [value] or [value, 1])", reply).into()
    };
    match reply {
        Value::Nil => Ok(Found::Missing),
        Value::Array(items) => {
            let mut items = items.into_iter();
            match (items.next(), items.next(), items.next()) {
                (Some(Value::BulkString(value)), None, None) => Ok(Found::Fresh(value)),
                (Some(Value::BulkString(value)), Some(Value::Integer(1)), None) => Ok(Found::Stale(value)),
                (first, second, _) => Err(unexpected(&Value::Array(first.into_iter().chain(second).collect()))),
            }
        }
        other => Err(unexpected(&other)),
    }
}

/// What [`super::HerdCache::lookup`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HerdLookup<T> {
    /// No entry.
    Missing,
    /// The entry, before its logical expiry.
    Fresh(T),
    /// The entry was past its logical expiry, and this call was the first to
    /// see it so: the expiry was moved forward by the extend time, so other
    /// readers keep getting this value, and the caller is expected to
    /// compute the new value and set it.
    Stale(T),
}

impl<T> HerdLookup<T> {
    /// The value, fresh or stale.
    pub fn value(self) -> Option<T> {
        match self {
            HerdLookup::Fresh(value) | HerdLookup::Stale(value) => Some(value),
            HerdLookup::Missing => None,
        }
    }

    /// Whether the caller should compute the value and set it (missing or stale).
    pub fn needs_refresh(&self) -> bool {
        !matches!(self, HerdLookup::Fresh(_))
    }
}

/// Stored bytes, as found.
pub(super) fn found_bytes(found: Found) -> HerdLookup<Bytes> {
    match found {
        Found::Missing => HerdLookup::Missing,
        Found::Fresh(bytes) => HerdLookup::Fresh(bytes),
        Found::Stale(bytes) => HerdLookup::Stale(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_up_and_saturate() {
        assert_eq!(millis(Duration::ZERO), 0);
        assert_eq!(millis(Duration::from_nanos(1)), 1);
        assert_eq!(millis(Duration::from_micros(1500)), 2);
        assert_eq!(millis(Duration::from_secs(2)), 2000);
        assert_eq!(millis(Duration::MAX), MAX_MILLIS);
    }

    #[test]
    fn lookup_replies() {
        let v = || Value::BulkString(Bytes::from_static(b"x"));
        assert!(matches!(read_lookup(Value::Nil), Ok(Found::Missing)));
        assert!(matches!(read_lookup(Value::Array(vec![v()])), Ok(Found::Fresh(b)) if b == "x"));
        assert!(matches!(
            read_lookup(Value::Array(vec![v(), Value::Integer(1)])),
            Ok(Found::Stale(b)) if b == "x"
        ));
        for bad in [
            Value::Integer(3),
            Value::Array(vec![]),
            Value::Array(vec![v(), Value::Integer(2)]),
            Value::Array(vec![v(), Value::Integer(1), v()]),
            Value::Array(vec![Value::Integer(1)]),
        ] {
            let err = read_lookup(bad).err().expect("refused");
            assert!(err.is_conversion(), "{err}");
        }
    }
}
