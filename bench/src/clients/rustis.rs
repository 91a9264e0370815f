//! rustis: one `Client` (tokio runtime feature), values passed as raw bytes.

use bytes::Bytes;
use rustis::client::{BatchPreparedCommand, Client};
use rustis::commands::{ConnectionCommands, StringCommands};
use rustis::resp::Value;

use super::{Error, Handle};

#[derive(Clone)]
pub struct Rustis(Client);

/// `&[u8]` as one binary argument (serde would make a plain slice a sequence).
struct Raw<'a>(&'a [u8]);

impl serde::Serialize for Raw<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl Rustis {
    pub async fn connect(url: &str) -> Result<Rustis, Error> {
        let client = Client::connect(url).await?;
        let pong: String = client.ping(()).await?;
        if pong != "PONG" {
            return Err(format!("PING replied {pong:?}").into());
        }
        Ok(Rustis(client))
    }
}

impl Handle for Rustis {
    type Val = Bytes;

    async fn get(&mut self, key: &str) -> Result<Option<Bytes>, Error> {
        Ok(self.0.get::<Option<Bytes>>(key).await?)
    }

    async fn set(&mut self, key: &str, value: &[u8]) -> Result<(), Error> {
        Ok(self.0.set(key, Raw(value)).await?)
    }

    async fn pipeline_set(&mut self, keys: &[String], value: &[u8]) -> Result<(), Error> {
        let mut pipe = self.0.create_pipeline();
        for key in keys {
            pipe.set(key.as_str(), Raw(value)).queue();
        }
        let replies: Vec<Value> = pipe.execute().await?;
        super::check_oks(
            &replies,
            keys.len(),
            |r| matches!(r, Value::SimpleString(s) if s == "OK"),
        )
    }
}
