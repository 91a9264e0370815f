//! The Lua script that takes pending entries of one stream, a batch at a
//! time: this consumer's own (after a restart or a lost read) or any
//! consumer's idle ones (claims), dead-lettering those delivered too often.
//!
//! It runs atomically, so a delivery count read by `XPENDING` is still true
//! when the script acts on it: two consumers never both claim or both
//! dead-letter one entry, and an entry is never copied to the dead-letter
//! stream without being acknowledged in the same step.

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;

use super::dead_letter::{FIELDS, OMITTED};
use super::Settings;
use crate::commands::StreamId;
use crate::resp::Value;
use crate::{Client, Result, Script};

/// `KEYS[1]`: the stream; `KEYS[2]`: the dead-letter stream (only when
/// dead-lettering). `ARGV`: group, consumer, which entries (`own`: the
/// consumer's own pending entries; otherwise a minimum idle time in ms),
/// start id (inclusive), batch size, max deliveries (0: no dead-lettering),
/// then the five dead-letter field names and [`OMITTED`].
///
/// Returns `{last id listed or false, how many were listed, {{id, fields,
/// deliveries}...} claimed, {{id, deliveries}...} dead-lettered, {id...}
/// gone (deleted from the stream, so acknowledged)}`.
const SOURCE: &str = r"
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local count, max = tonumber(ARGV[5]), tonumber(ARGV[6])
-- Lua's unpack() takes at most ~8000 values: larger entries are copied without their fields.
local MAX_COPIED = 7000
local pending
if ARGV[3] == 'own' then
  pending = redis.call('XPENDING', stream, group, ARGV[4], '+', count, consumer)
else
  pending = redis.call('XPENDING', stream, group, 'IDLE', ARGV[3], ARGV[4], '+', count)
end
local claimed, dead, gone = {}, {}, {}
local last = false
for _, p in ipairs(pending) do
  local id, owner, n = p[1], p[2], p[4]
  last = id
  if max > 0 and n >= max then
    local found = redis.call('XRANGE', stream, id, id)[1]
    if found then
      local copy = {ARGV[7], stream, ARGV[8], id, ARGV[9], group, ARGV[10], owner, ARGV[11], n}
      local fields = found[2]
      if #fields > MAX_COPIED then
        copy[#copy + 1] = ARGV[12]
        copy[#copy + 1] = #fields / 2
      else
        for _, v in ipairs(fields) do copy[#copy + 1] = v end
      end
      redis.call('XADD', KEYS[2], '*', unpack(copy))
      dead[#dead + 1] = {id, n}
    else
      gone[#gone + 1] = id
    end
    redis.call('XACK', stream, group, id)
  else
    local entry = redis.call('XCLAIM', stream, group, consumer, 0, id)[1]
    if entry then
      claimed[#claimed + 1] = {id, entry[2], n + 1}
    else
      redis.call('XACK', stream, group, id)
      gone[#gone + 1] = id
    end
  end
end
return {last, #pending, claimed, dead, gone}
";

/// The script, hashed once per process.
fn script() -> &'static Script {
    static SCRIPT: OnceLock<Script> = OnceLock::new();
    SCRIPT.get_or_init(|| Script::new(SOURCE))
}

/// Which pending entries a page takes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Take {
    /// This consumer's own pending entries.
    Own,
    /// Any consumer's entries pending at least this long.
    Idle(Duration),
}

/// One batch taken by the script.
#[derive(Debug)]
pub(super) struct Page {
    /// The entries now delivered to this consumer: id, raw fields, delivery count.
    pub(super) claimed: Vec<(StreamId, Value, u64)>,
    /// Entries moved to the dead-letter stream, with their delivery counts.
    pub(super) dead: Vec<(StreamId, u64)>,
    /// Entries acknowledged because they were deleted from the stream.
    pub(super) gone: Vec<StreamId>,
    /// Where the next page starts, `None` when this was the last.
    pub(super) next: Option<StreamId>,
}

/// Takes one page of at most `settings.batch` pending entries of `stream`
/// from `start` on.
pub(super) async fn take(
    client: &Client,
    settings: &Settings,
    stream: &Bytes,
    which: Take,
    start: StreamId,
) -> Result<Page> {
    let mut call = script().key(stream);
    if let Some((dead_letter, _)) = &settings.dead_letter {
        call = call.key(dead_letter);
    }
    let mode = match which {
        Take::Own => Bytes::from_static(b"own"),
        Take::Idle(idle) => Bytes::from(millis_ceil(idle).to_string()),
    };
    let max = settings.dead_letter.as_ref().map_or(0, |(_, max)| *max);
    let call = call
        .arg(&settings.group)
        .arg(&settings.consumer)
        .arg(mode)
        .arg(start)
        .arg(settings.batch)
        .arg(max)
        .arg(FIELDS)
        .arg(OMITTED);
    type Reply = (
        Option<StreamId>,
        u64,
        Vec<(StreamId, Value, u64)>,
        Vec<(StreamId, u64)>,
        Vec<StreamId>,
    );
    let (last, listed, claimed, dead, gone): Reply = call.invoke(client).await?;
    let next = match last {
        Some(last) if listed >= settings.batch && last < StreamId::MAX => Some(last.next()),
        _ => None,
    };
    Ok(Page {
        claimed,
        dead,
        gone,
        next,
    })
}

/// `d` in whole milliseconds, rounded up (saturating).
fn millis_ceil(d: Duration) -> u64 {
    let ms = d.as_nanos().div_ceil(1_000_000);
    u64::try_from(ms).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_times_round_up_and_saturate() {
        assert_eq!(millis_ceil(Duration::ZERO), 0);
        assert_eq!(millis_ceil(Duration::from_nanos(1)), 1);
        assert_eq!(millis_ceil(Duration::from_micros(1500)), 2);
        assert_eq!(millis_ceil(Duration::MAX), u64::MAX);
    }
}
