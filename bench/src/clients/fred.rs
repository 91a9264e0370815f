//! fred: one `Client` (tokio), `init().await`, default performance settings
//! (auto-pipelining on).

use bytes::Bytes;
use fred::prelude::*;

use super::{Error, Handle};

#[derive(Clone)]
pub struct Fred(fred::clients::Client);

impl Fred {
    pub async fn connect(url: &str) -> Result<Fred, Error> {
        let config = Config::from_url(url)?;
        let client = Builder::from_config(config).build()?;
        client.init().await?;
        let pong: String = client.ping(None).await?;
        if pong != "PONG" {
            return Err(format!("PING replied {pong:?}").into());
        }
        Ok(Fred(client))
    }
}

fn is_ok(v: &Value) -> bool {
    matches!(v, Value::String(s) if &**s == "OK")
}

impl Handle for Fred {
    type Val = Bytes;

    async fn get(&mut self, key: &str) -> Result<Option<Bytes>, Error> {
        Ok(self.0.get::<Option<Bytes>, _>(key).await?)
    }

    async fn set(&mut self, key: &str, value: &[u8]) -> Result<(), Error> {
        let reply: Value = self.0.set(key, value, None, None, false).await?;
        if !is_ok(&reply) {
            return Err(format!("SET replied {reply:?}").into());
        }
        Ok(())
    }

    async fn pipeline_set(&mut self, keys: &[String], value: &[u8]) -> Result<(), Error> {
        let pipe = self.0.pipeline();
        for key in keys {
            // Returns once the command is buffered in memory.
            let () = pipe.set(key.as_str(), value, None, None, false).await?;
        }
        let replies: Vec<Value> = pipe.all().await?;
        super::check_oks(&replies, keys.len(), is_ok)
    }
}
