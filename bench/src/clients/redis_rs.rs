//! redis-rs: `MultiplexedConnection` from `Client::get_multiplexed_async_connection` (tokio).

use redis::AsyncCommands;

use super::{Error, Handle};

#[derive(Clone)]
pub struct RedisRs(redis::aio::MultiplexedConnection);

impl RedisRs {
    pub async fn connect(url: &str) -> Result<RedisRs, Error> {
        let client = redis::Client::open(url)?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        let pong: String = redis::cmd("PING").query_async(&mut conn).await?;
        if pong != "PONG" {
            return Err(format!("PING replied {pong:?}").into());
        }
        Ok(RedisRs(conn))
    }
}

impl Handle for RedisRs {
    type Val = Vec<u8>;

    async fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.0.get::<_, Option<Vec<u8>>>(key).await?)
    }

    async fn set(&mut self, key: &str, value: &[u8]) -> Result<(), Error> {
        Ok(self.0.set::<_, _, ()>(key, value).await?)
    }

    async fn pipeline_set(&mut self, keys: &[String], value: &[u8]) -> Result<(), Error> {
        let mut pipe = redis::pipe();
        for key in keys {
            pipe.set(key.as_str(), value);
        }
        let replies: Vec<redis::Value> = pipe.query_async(&mut self.0).await?;
        super::check_oks(&replies, keys.len(), |r| matches!(r, redis::Value::Okay))
    }
}
