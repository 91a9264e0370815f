//! anyredis on smol (the default): `cargo run --example smol`.

use anyredis::prelude::*;

fn main() -> anyredis::Result<()> {
    smol::block_on(async {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let client = Client::open(&url)?;
        client.set("example:smol", "hi from smol").await?;
        let value: String = client.get("example:smol").await?;
        println!("{} -> {value}", client.runtime().name());
        client.del("example:smol").await?;
        Ok(())
    })
}
