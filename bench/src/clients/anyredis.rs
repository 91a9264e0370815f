//! anyredis: one `Client` (auto-pipelined shared connection), on any of the three runtimes.

use std::future::Future;

use anyredis::prelude::*;
use bytes::Bytes;

use super::{Error, Handle};

#[derive(Clone)]
pub struct Anyredis(anyredis::Client);

impl Anyredis {
    pub async fn connect(url: &str, runtime: anyredis::Runtime) -> Result<Anyredis, Error> {
        let client = anyredis::ClientBuilder::from_url(url)?.runtime(runtime).build()?;
        let pong: String = client.cmd("PING").query().await?;
        if pong != "PONG" {
            return Err(format!("PING replied {pong:?}").into());
        }
        Ok(Anyredis(client))
    }
}

impl Handle for Anyredis {
    type Val = Bytes;

    fn get(&mut self, key: &str) -> impl Future<Output = Result<Option<Bytes>, Error>> + Send {
        async move { Ok(self.0.get::<Option<Bytes>>(key).await?) }
    }

    fn set(&mut self, key: &str, value: &[u8]) -> impl Future<Output = Result<(), Error>> + Send {
        async move { Ok(self.0.set(key, value).await?) }
    }

    #[cfg(feature = "anyredis-pipeline")]
    fn pipeline_set(&mut self, keys: &[String], value: &[u8]) -> impl Future<Output = Result<(), Error>> + Send {
        async move {
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

    // TODO(pipelines): `Client::pipeline` is not on main yet; build with
    // `--features anyredis-pipeline` once it is (and then make that the default).
    #[cfg(not(feature = "anyredis-pipeline"))]
    fn pipeline_set(&mut self, _keys: &[String], _value: &[u8]) -> impl Future<Output = Result<(), Error>> + Send {
        async { Err("anyredis pipelines are not built (feature anyredis-pipeline)".into()) }
    }

    fn has_pipelines(&self) -> bool {
        cfg!(feature = "anyredis-pipeline")
    }
}
