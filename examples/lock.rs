//! Distributed locks against `$REDIS_URL` (default `redis://127.0.0.1:6379`):
//! the redis-py walk-through (acquire, a second acquire that does not wait,
//! release, acquire again), fencing tokens, auto-extend, and a lost lock.
//!
//! `cargo run --example lock`

use std::time::Duration;

use anyredis::prelude::*;
use anyredis::ErrorKind;

fn main() -> anyredis::Result<()> {
    smol::block_on(async {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let client = Client::open(&url)?;
        let name = "anyredis:example:lock";
        // The lock key only: the fence counter must never be reset.
        client.del(name).await?;

        // acquire, acquire(blocking=false), release, acquire
        let lock = client.lock(name).ttl(Duration::from_secs(5)).build()?;
        let first = lock.acquire().await?;
        println!("acquire: {}", first.is_some());
        let second = lock.try_acquire().await?;
        println!("acquire(blocking=false): {}", second.is_some());
        if let Some(guard) = first {
            guard.release().await?;
            println!("release: ok");
        }
        let again = lock.acquire().await?.expect("the lock is free again");
        println!("acquire: true");

        // Fencing tokens: strictly increasing per lock name.
        let fence = again.fencing_token();
        again.release().await?;
        let next = lock.acquire().await?.expect("free");
        assert!(next.fencing_token() > fence);
        println!("fencing tokens: {fence} then {}", next.fencing_token());
        next.release().await?;

        // A holder that stalls past its TTL loses the lock; its release is refused.
        let short = client.lock(name).ttl(Duration::from_millis(200)).build()?;
        let a = short.acquire().await?.expect("free");
        smol::Timer::after(Duration::from_millis(300)).await;
        let b = short.try_acquire().await?.expect("expired, so free");
        match a.release().await {
            Err(e) if e.kind() == ErrorKind::LockNotOwned => println!("stale release refused: {e}"),
            other => panic!("expected LockNotOwned, got {other:?}"),
        }
        assert!(b.owned().await?);
        b.release().await?;

        // Auto-extend keeps a 300 ms lock through 1 s of work.
        let kept = client
            .lock(name)
            .ttl(Duration::from_millis(300))
            .auto_extend(true)
            .build()?
            .acquire()
            .await?
            .expect("free");
        smol::Timer::after(Duration::from_secs(1)).await;
        println!(
            "auto-extended for 1 s: owned {}, lost {}",
            kept.owned().await?,
            kept.is_lost()
        );
        kept.release().await?;
        Ok(())
    })
}
