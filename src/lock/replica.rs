//! The replica-checked lock (redis-py's `ClusterLock` idea): take the lock on
//! the primary, then `WAIT` on the same connection until enough replicas
//! acknowledged the write, all within the TTL.

use std::time::{Duration, Instant};

use super::acquire::ttl_millis;
use super::scripts;
use super::LockInner;
use crate::commands::{DedicatedCommands, Role, ServerCommands};
use crate::{Error, Result};

/// How many replicas must acknowledge a lock before it counts
/// ([`super::LockBuilder::replica_check`]).
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::time::Duration;
/// use anyredis::{Client, lock::ReplicaCheck};
///
/// let client = Client::open("redis://primary.example")?;
/// let lock = client
///     .lock("ledger")
///     .ttl(Duration::from_secs(10))
///     .replica_check(ReplicaCheck::Majority)      // WAIT for n/2+1 replicas
///     .replica_timeout(Duration::from_millis(500))
///     .build()?;
/// match lock.try_acquire().await {
///     Ok(Some(guard)) => guard.release().await?,  // on the primary and a majority of replicas
///     Ok(None) => {}                              // held elsewhere
///     Err(e) if e.kind() == anyredis::ErrorKind::LockQuorum => {} // replicas lagging: released
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplicaCheck {
    /// More than half of the replicas `ROLE` lists as connected when the
    /// attempt starts (`n / 2 + 1`: 2 of 2, 2 of 3, 3 of 4). A primary with
    /// no connected replica cannot give a majority: the attempt fails.
    Majority,
    /// At least this many replicas (0 checks nothing).
    AtLeast(u64),
}

/// One attempt on a dedicated connection: the acquire script, then `WAIT`.
/// `Ok(Some(fence))` when taken and acknowledged, `Ok(None)` when held
/// elsewhere. Without enough acknowledgements the lock is released (on the
/// same connection) and the error is [`crate::ErrorKind::LockQuorum`].
pub(super) async fn acquire(
    lock: &LockInner,
    check: ReplicaCheck,
    token: &str,
    ttl: Duration,
    started: Instant,
) -> Result<Option<u64>> {
    // WAIT counts the writes of its own connection: both run on this one.
    let conn = lock.client.dedicated().await?;
    let needed = match check {
        ReplicaCheck::AtLeast(n) => n,
        ReplicaCheck::Majority => match conn.role().await? {
            Role::Master { replicas, .. } => u64::try_from(replicas.len() / 2).unwrap_or(u64::MAX).saturating_add(1),
            _ => {
                return Err(Error::usage(
                    "a replica-checked lock must be taken on a primary (ROLE did not say master)",
                ))
            }
        },
    };
    let fence: u64 = scripts::acquire()
        .key(&lock.name)
        .key(&lock.fence_key)
        .arg(token)
        .arg(ttl_millis(ttl))
        .invoke(&conn)
        .await?;
    if fence == 0 {
        return Ok(None);
    }
    let left = ttl.saturating_sub(started.elapsed());
    let budget = lock.replica_timeout.min(left);
    // WAIT 0 would wait forever: wait at least 1 ms (the TTL check below
    // still counts that millisecond).
    let acked = if needed == 0 {
        0
    } else {
        conn.wait(needed, budget.max(Duration::from_millis(1))).await?
    };
    let in_time = started.elapsed() < ttl;
    if acked >= needed && in_time {
        return Ok(Some(fence));
    }
    let _released: i64 = scripts::release().key(&lock.name).arg(token).invoke(&conn).await?;
    let why = if in_time {
        format!(
            "{acked} of the {needed} replicas needed acknowledged lock {:?} within {budget:?}; it was released",
            lock.name
        )
    } else {
        format!(
            "the TTL of lock {:?} ({ttl:?}) ran out while waiting for {needed} replicas; it was released",
            lock.name
        )
    };
    Err(Error::lock_quorum(why, None))
}
