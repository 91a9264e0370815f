//! Metrics and stats: a [`Hook`] feeding a Prometheus registry (the
//! `prometheus-client` crate: commands by name and outcome, a latency
//! histogram), `Client::stats()`, and serde/derive values.
//! `cargo run --example metrics --features serde,derive` against `$REDIS_URL`
//! (default `redis://127.0.0.1:6379`); without those features it skips the
//! serde and derive part.

use std::sync::Arc;
use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{CommandInfo, Hook, Outcome};
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabels {
    command: String,
    outcome: String,
}

/// Counts commands by name and outcome and records their latency.
struct PrometheusHook {
    commands: Family<CommandLabels, Counter>,
    latency: Histogram,
}

impl Hook for PrometheusHook {
    fn on_end(&self, command: &CommandInfo<'_>, outcome: Outcome<'_>, elapsed: Duration) {
        let outcome = match outcome {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Error(e) => match e.server_code() {
                Some(code) => code.to_lowercase(),
                None => format!("{:?}", e.kind()).to_lowercase(),
            },
            Outcome::Cancelled => "cancelled".to_owned(),
            _ => "other".to_owned(),
        };
        let labels = CommandLabels {
            command: command.name.to_owned(),
            outcome,
        };
        self.commands.get_or_create(&labels).inc();
        self.latency.observe(elapsed.as_secs_f64());
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    smol::block_on(async {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let hook = Arc::new(PrometheusHook {
            commands: Family::default(),
            latency: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
        });
        let mut registry = Registry::default();
        registry.register(
            "redis_commands",
            "Redis commands by name and outcome",
            hook.commands.clone(),
        );
        registry.register("redis_command_seconds", "Redis command latency", hook.latency.clone());

        let client = anyredis::ClientBuilder::from_url(&url)?.hook(hook.clone()).build()?;
        for i in 0..100 {
            client.set(format!("example:metrics:{i}"), i).await?;
            let _: Option<i64> = client.get(format!("example:metrics:{i}")).await?;
        }
        let err = client.lpush("example:metrics:0", "x").await.unwrap_err();
        assert_eq!(err.server_code(), Some("WRONGTYPE"));
        let pipe = client.pipeline();
        pipe.incr("example:metrics:n").incr("example:metrics:n");
        let _: (i64, i64) = pipe.query().await?;
        values(&client).await?;

        let mut text = String::new();
        encode(&mut text, &registry)?;
        for line in text.lines().filter(|l| l.starts_with("redis_commands_total")) {
            println!("{line}");
        }
        let stats = client.stats();
        println!(
            "stats: {} requests ({} ok, {} errors), {} commands sent, {} bytes out, {} bytes in, {} connect(s)",
            stats.requests,
            stats.ok,
            stats.errors.total(),
            stats.commands_sent,
            stats.bytes_out,
            stats.bytes_in,
            stats.connects
        );
        let keys: Vec<String> = (0..100).map(|i| format!("example:metrics:{i}")).collect();
        client.del(keys).await?;
        client
            .del(("example:metrics:n", "example:metrics:user", "example:metrics:prefs"))
            .await?;
        Ok(())
    })
}

/// A struct to and from a hash, and a value as JSON.
#[cfg(all(feature = "serde", feature = "derive"))]
async fn values(client: &Client) -> anyredis::Result<()> {
    use anyredis::{FromValue, Json, ToArgs};

    #[derive(FromValue, ToArgs, Debug, PartialEq)]
    struct User {
        name: String,
        age: u32,
        #[redis(rename = "e-mail")]
        email: Option<String>,
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Prefs {
        theme: String,
        languages: Vec<String>,
    }

    let ada = User {
        name: "ada".into(),
        age: 36,
        email: Some("ada@example.com".into()),
    };
    client.hset_pairs("example:metrics:user", &ada).await?;
    let back: User = client.hgetall("example:metrics:user").await?;
    assert_eq!(back, ada);
    let prefs = Prefs {
        theme: "dark".into(),
        languages: vec!["en".into(), "fr".into()],
    };
    client.set("example:metrics:prefs", Json(&prefs)).await?;
    let stored: Json<Prefs> = client.get("example:metrics:prefs").await?;
    assert_eq!(stored.0, prefs);
    println!("derive and serde: {back:?}, {:?}", stored.0);
    Ok(())
}

#[cfg(not(all(feature = "serde", feature = "derive")))]
async fn values(_client: &Client) -> anyredis::Result<()> {
    println!("(serde and derive skipped: run with --features serde,derive)");
    Ok(())
}
