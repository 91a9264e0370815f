//! anyredis on tokio: `cargo run --example tokio --no-default-features --features tokio`.

use anyredis::prelude::*;

#[tokio::main]
async fn main() -> anyredis::Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let client = Client::open(&url)?; // tokio is the only runtime feature: it is the default
    client.set("example:tokio", "hi from tokio").await?;
    let value: String = client.get("example:tokio").await?;
    println!("{} -> {value}", client.runtime().name());
    client.del("example:tokio").await?;
    Ok(())
}
