//! anyredis: one `Client` (auto-pipelined shared connection), on any of the three runtimes.

use anyredis::prelude::*;
use bytes::Bytes;

use super::{Error, Handle};

#[derive(Clone)]
pub struct Anyredis(anyredis::Client);

impl Anyredis {
    pub async fn connect(url: &str, runtime: anyredis::Runtime) -> Result<Anyredis, Error> {
        Anyredis::connect_with(anyredis::ClientBuilder::from_url(url)?.runtime(runtime)).await
    }

    /// With a hook that does nothing: the cost of the hook machinery itself.
    pub async fn connect_with_noop_hook(url: &str, runtime: anyredis::Runtime) -> Result<Anyredis, Error> {
        struct NoOp;
        impl anyredis::Hook for NoOp {}
        let builder = anyredis::ClientBuilder::from_url(url)?.runtime(runtime);
        Anyredis::connect_with(builder.hook(std::sync::Arc::new(NoOp))).await
    }

    async fn connect_with(builder: anyredis::ClientBuilder) -> Result<Anyredis, Error> {
        let client = builder.build()?;
        let pong: String = client.cmd("PING").query().await?;
        if pong != "PONG" {
            return Err(format!("PING replied {pong:?}").into());
        }
        Ok(Anyredis(client))
    }
}

impl Handle for Anyredis {
    type Val = Bytes;

    async fn get(&mut self, key: &str) -> Result<Option<Bytes>, Error> {
        Ok(self.0.get::<Option<Bytes>>(key).await?)
    }

    async fn set(&mut self, key: &str, value: &[u8]) -> Result<(), Error> {
        Ok(self.0.set(key, value).await?)
    }

    async fn pipeline_set(&mut self, keys: &[String], value: &[u8]) -> Result<(), Error> {
        let pipe = self.0.pipeline();
        for key in keys {
            pipe.set(key.as_str(), value);
        }
        let replies: Vec<anyredis::Value> = pipe.query().await?;
        super::check_oks(
            &replies,
            keys.len(),
            |r| matches!(r, anyredis::Value::SimpleString(s) if &s[..] == b"OK"),
        )
    }
}
