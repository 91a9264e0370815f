//! anyredis on async-std: `cargo run --example async_std --no-default-features --features async-std`.

use anyredis::prelude::*;

#[async_std::main]
async fn main() -> anyredis::Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let client = Client::open(&url)?;
    client.set("example:async-std", "hi from async-std").await?;
    let value: String = client.get("example:async-std").await?;
    println!("{} -> {value}", client.runtime().name());
    client.del("example:async-std").await?;
    Ok(())
}
