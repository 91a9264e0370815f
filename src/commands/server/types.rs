//! Typed replies of the server commands: `ROLE`, `SLOWLOG GET`, `LATENCY`,
//! `MODULE LIST`, `MEMORY STATS`, and Unix times (`LASTSAVE`, `TIME`).

use std::time::{Duration, SystemTime};

use crate::commands::reply::{item, items, unix_seconds, Fields};
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// A Unix time: an integer of seconds (`LASTSAVE`) or the `[seconds, microseconds]`
/// pair of `TIME`.
impl FromValue for SystemTime {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Array(_) | Value::Set(_) => {
                let (secs, micros): (u64, u64) = FromValue::from_value(value)?;
                Ok(crate::commands::reply::epoch_plus(
                    Duration::from_secs(secs).saturating_add(Duration::from_micros(micros)),
                ))
            }
            other => u64::from_value(other).map(unix_seconds),
        }
    }
}

/// The reply of `ROLE`: what this server is in replication.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// A master, with its connected replicas.
    Master {
        /// The master's replication offset.
        replication_offset: u64,
        /// The connected replicas.
        replicas: Vec<ReplicaInfo>,
    },
    /// A replica (`slave` in the reply).
    Replica {
        /// The master's host.
        master_host: String,
        /// The master's port.
        master_port: u16,
        /// The state of the link to the master.
        state: ReplicationState,
        /// The data received from the master so far, as a replication offset
        /// (-1 while connecting).
        replication_offset: i64,
    },
    /// A sentinel, with the names of the masters it monitors.
    Sentinel {
        /// The monitored master names.
        master_names: Vec<String>,
    },
}

/// One replica connected to a master, as listed by `ROLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplicaInfo {
    /// The replica's IP address.
    pub ip: String,
    /// The replica's listening port.
    pub port: u16,
    /// The replication offset the replica acknowledged.
    pub offset: u64,
}

/// The state of a replica's link to its master, as `ROLE` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplicationState {
    /// `connect`: the replica needs to connect to its master.
    Connect,
    /// `connecting`: the connection is being made.
    Connecting,
    /// `handshake`: the replica and master are in the replication handshake.
    Handshake,
    /// `sync`: the master and replica are synchronising (full or partial).
    Sync,
    /// `connected`: the replica is online.
    Connected,
    /// A state this client does not know.
    Other(String),
}

impl From<String> for ReplicationState {
    fn from(state: String) -> Self {
        match state.as_str() {
            "connect" => ReplicationState::Connect,
            "connecting" => ReplicationState::Connecting,
            "handshake" => ReplicationState::Handshake,
            "sync" => ReplicationState::Sync,
            "connected" => ReplicationState::Connected,
            _ => ReplicationState::Other(state),
        }
    }
}

impl FromValue for Role {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        const NAME: &str = "Role";
        let mut parts = items(value, 2, NAME)?;
        let role: String = item(&mut parts, 0, NAME)?;
        match role.as_str() {
            "master" => {
                let replicas: Vec<(String, u16, u64)> = item(&mut parts, 2, NAME)?;
                Ok(Role::Master {
                    replication_offset: item(&mut parts, 1, NAME)?,
                    replicas: replicas
                        .into_iter()
                        .map(|(ip, port, offset)| ReplicaInfo { ip, port, offset })
                        .collect(),
                })
            }
            "slave" | "replica" => Ok(Role::Replica {
                master_host: item(&mut parts, 1, NAME)?,
                master_port: item(&mut parts, 2, NAME)?,
                state: item::<String>(&mut parts, 3, NAME)?.into(),
                replication_offset: item(&mut parts, 4, NAME)?,
            }),
            "sentinel" => Ok(Role::Sentinel {
                master_names: item(&mut parts, 1, NAME)?,
            }),
            _ => Err(ConversionError::invalid_value(
                NAME,
                &Value::BulkString(role.into()),
                "unknown role",
            )),
        }
    }
}

/// One entry of `SLOWLOG GET`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlowlogEntry {
    /// The entry's unique, increasing id.
    pub id: u64,
    /// When the command ran (whole seconds).
    pub time: SystemTime,
    /// How long the command took to execute.
    pub duration: Duration,
    /// The command and its arguments (the server shortens long ones; binary data
    /// is shown lossily as UTF-8).
    pub args: Vec<String>,
    /// The client's `ip:port`.
    pub client_addr: String,
    /// The client's name (`CLIENT SETNAME`), empty when unset.
    pub client_name: String,
}

impl FromValue for SlowlogEntry {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        const NAME: &str = "SlowlogEntry";
        let mut parts = items(value, 4, NAME)?;
        let args: Vec<Vec<u8>> = item(&mut parts, 3, NAME)?;
        Ok(SlowlogEntry {
            id: item(&mut parts, 0, NAME)?,
            time: unix_seconds(item(&mut parts, 1, NAME)?),
            duration: Duration::from_micros(item(&mut parts, 2, NAME)?),
            args: args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect(),
            client_addr: item::<Option<String>>(&mut parts, 4, NAME)?.unwrap_or_default(),
            client_name: item::<Option<String>>(&mut parts, 5, NAME)?.unwrap_or_default(),
        })
    }
}

/// The latest spike of one latency event, from `LATENCY LATEST`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LatencyEvent {
    /// The event name (`command`, `fast-command`, `fork`, ...).
    pub name: String,
    /// When the latest spike happened.
    pub time: SystemTime,
    /// The latest spike's latency (milliseconds precision).
    pub latest: Duration,
    /// The highest latency recorded for this event.
    pub max: Duration,
}

impl FromValue for LatencyEvent {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        const NAME: &str = "LatencyEvent";
        let mut parts = items(value, 4, NAME)?;
        Ok(LatencyEvent {
            name: item(&mut parts, 0, NAME)?,
            time: unix_seconds(item(&mut parts, 1, NAME)?),
            latest: Duration::from_millis(item(&mut parts, 2, NAME)?),
            max: Duration::from_millis(item(&mut parts, 3, NAME)?),
        })
    }
}

/// One sample of `LATENCY HISTORY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LatencySample {
    /// When the spike happened.
    pub time: SystemTime,
    /// Its latency (milliseconds precision).
    pub latency: Duration,
}

impl FromValue for LatencySample {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (secs, millis): (u64, u64) = FromValue::from_value(value)?;
        Ok(LatencySample {
            time: unix_seconds(secs),
            latency: Duration::from_millis(millis),
        })
    }
}

/// The latency histogram of one command, from `LATENCY HISTOGRAM`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LatencyHistogram {
    /// How many times the command was called.
    pub calls: u64,
    /// `(upper bound in microseconds, calls)` for each non-empty bucket, in
    /// increasing order; the counts are cumulative, as the server sends them.
    pub buckets: Vec<(u64, u64)>,
}

impl FromValue for LatencyHistogram {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut fields = Fields::new(value, "LatencyHistogram")?;
        let mut buckets: Vec<(u64, u64)> = fields.require("histogram_usec")?;
        buckets.sort_unstable();
        Ok(LatencyHistogram {
            calls: fields.require("calls")?,
            buckets,
        })
    }
}

/// One loaded module, from `MODULE LIST`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModuleInfo {
    /// The module's name.
    pub name: String,
    /// The module's version.
    pub version: i64,
    /// The path it was loaded from (Redis 7.2+).
    pub path: Option<String>,
    /// The arguments it was loaded with (Redis 7.2+; empty before).
    pub args: Vec<String>,
}

impl FromValue for ModuleInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut fields = Fields::new(value, "ModuleInfo")?;
        Ok(ModuleInfo {
            name: fields.require("name")?,
            version: fields.require("ver")?,
            path: fields.optional("path")?,
            args: fields.optional("args")?.unwrap_or_default(),
        })
    }
}

/// The reply of `MEMORY STATS`: memory usage figures by name.
///
/// Typed accessors cover the common figures; [`get`](Self::get) reads any other
/// (the per-database `db.N` entries are nested maps).
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryStats {
    fields: Vec<(String, Value)>,
}

impl MemoryStats {
    /// The raw value of the figure `name` (e.g. `"keys.count"`, `"db.0"`).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The figure `name` converted to `T` (`None` if absent or not convertible).
    pub fn get_as<T: FromValue>(&self, name: &str) -> Option<T> {
        self.get(name).and_then(|v| T::from_value(v.clone()).ok())
    }

    /// All figures, in the order the server sent them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// `peak.allocated`: the highest memory use, in bytes.
    pub fn peak_allocated(&self) -> Option<u64> {
        self.get_as("peak.allocated")
    }

    /// `total.allocated`: the memory in use, in bytes.
    pub fn total_allocated(&self) -> Option<u64> {
        self.get_as("total.allocated")
    }

    /// `dataset.bytes`: the memory used by the data itself, in bytes.
    pub fn dataset_bytes(&self) -> Option<u64> {
        self.get_as("dataset.bytes")
    }

    /// `keys.count`: the number of keys in all databases.
    pub fn keys_count(&self) -> Option<u64> {
        self.get_as("keys.count")
    }

    /// `fragmentation`: the allocator's fragmentation ratio.
    pub fn fragmentation(&self) -> Option<f64> {
        self.get_as("fragmentation")
    }
}

impl FromValue for MemoryStats {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        Ok(MemoryStats {
            fields: Fields::new(value, "MemoryStats")?.rest(),
        })
    }
}
