//! Lua scripts against `$REDIS_URL` (default `redis://127.0.0.1:6379`): the
//! redis-py `multiply` walk-through, a script that survives `SCRIPT FLUSH`,
//! scripts in plain and atomic pipelines and in a transaction, a script's
//! own error, and the read-only form.
//!
//! `cargo run --example scripts`

use anyredis::prelude::*;
use anyredis::Script;

fn main() -> anyredis::Result<()> {
    smol::block_on(async {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let client = Client::open(&url)?;

        // The seeds' example: SET foo 2, then multiply it by 5 in Lua.
        client.set("scripts:foo", 2).await?;
        let multiply = client.register_script("return redis.call('GET', KEYS[1]) * ARGV[1]");
        println!("script sha1 {} (computed locally)", multiply.sha1());
        let n: i64 = multiply.key("scripts:foo").arg(5).invoke(&client).await?;
        println!("multiply(foo=2, 5) -> {n}");

        // The server forgets it; the next call loads it again (EVALSHA, NOSCRIPT, load, retry).
        client.script_flush(None).await?;
        let n: i64 = multiply.key("scripts:foo").arg(7).invoke(&client).await?;
        println!("after SCRIPT FLUSH -> {n}");

        // In pipelines the script is loaded first, in the same write: never NOSCRIPT.
        client.script_flush(None).await?;
        let pipe = client.pipeline();
        multiply.key("scripts:foo").arg(3).queue(&pipe);
        pipe.get::<i64>("scripts:foo");
        let (tripled, value): (i64, i64) = pipe.query().await?;
        println!("pipeline: multiply -> {tripled}, GET -> {value}");
        let atomic = client.pipeline().atomic();
        multiply.key("scripts:foo").arg(10).queue(&atomic);
        let (n,): (i64,) = atomic.query().await?;
        println!("atomic pipeline (MULTI/EXEC) -> {n}");

        // In a WATCH transaction.
        let (n,): (i64,) = client
            .transaction("scripts:foo", |tx| {
                let multiply = multiply.clone();
                async move {
                    let pipe = tx.pipeline();
                    multiply.key("scripts:foo").arg(100).queue(&pipe);
                    Ok(pipe)
                }
            })
            .await?;
        println!("transaction -> {n}");

        // A script's error is an ordinary server error with the script's message.
        let failing = Script::new("return redis.error_reply('MYERR the input was wrong')");
        let err = failing.call().invoke::<i64, _>(&client).await.unwrap_err();
        println!("script error -> {:?}, code {:?}: {err}", err.kind(), err.code());

        // The read-only form (EVALSHA_RO, Redis 7.0+) runs on replicas too.
        let read = Script::new("return redis.call('GET', KEYS[1])");
        match read.key("scripts:foo").read_only().invoke::<i64, _>(&client).await {
            Ok(n) => println!("read-only script -> {n}"),
            Err(e) => println!("read-only script not supported by this server: {e}"),
        }

        client.del("scripts:foo").await?;
        Ok(())
    })
}
