//! [`Info`], the parsed reply of `INFO`.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::time::Duration;

use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The reply of `INFO`, parsed into sections of `field: value` pairs.
///
/// Section names are matched without regard to case (`"server"` finds
/// `# Server`). RESP2 sends the text as a bulk string, RESP3 as a verbatim
/// string; both parse the same.
///
/// ```
/// use anyredis::commands::Info;
///
/// let info = Info::parse("# Server\r\nredis_version:7.0.15\r\nuptime_in_seconds:42\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=500\r\n");
/// assert_eq!(info.get("server", "redis_version"), Some("7.0.15"));
/// assert_eq!(info.redis_version(), Some("7.0.15"));
/// assert_eq!(info.get_as::<u64>("Server", "uptime_in_seconds"), Some(42));
/// assert_eq!(info.keyspace()[&0].keys, 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Info {
    sections: Vec<(String, HashMap<String, String>)>,
}

impl Info {
    /// Parses the text of an `INFO` reply. Lines that are not `field:value` are
    /// skipped; fields before any `# Section` header go in a section named `""`.
    pub fn parse(text: &str) -> Info {
        let mut info = Info::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(name) = line.strip_prefix('#') {
                info.sections.push((name.trim().to_ascii_lowercase(), HashMap::new()));
                continue;
            }
            let Some((field, value)) = line.split_once(':') else {
                continue;
            };
            if info.sections.is_empty() {
                info.sections.push((String::new(), HashMap::new()));
            }
            if let Some((_, fields)) = info.sections.last_mut() {
                fields.insert(field.to_owned(), value.to_owned());
            }
        }
        info
    }

    /// The fields of one section (`"server"`, `"memory"`, `"keyspace"`, ...).
    pub fn section(&self, name: &str) -> Option<&HashMap<String, String>> {
        self.sections
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, fields)| fields)
    }

    /// The section names (lowercase) and fields, in the order the server sent them.
    pub fn sections(&self) -> impl Iterator<Item = (&str, &HashMap<String, String>)> {
        self.sections.iter().map(|(n, f)| (n.as_str(), f))
    }

    /// The value of `field` in `section`, e.g. `info.get("server", "redis_version")`.
    pub fn get(&self, section: &str, field: &str) -> Option<&str> {
        self.section(section)?.get(field).map(String::as_str)
    }

    /// The value of `field` in `section`, parsed (`None` if absent or unparsable).
    pub fn get_as<T: FromStr>(&self, section: &str, field: &str) -> Option<T> {
        self.get(section, field)?.parse().ok()
    }

    /// The value of `field` in whichever section holds it.
    pub fn find(&self, field: &str) -> Option<&str> {
        self.sections
            .iter()
            .find_map(|(_, fields)| fields.get(field))
            .map(String::as_str)
    }

    /// A value made of `name=value` pairs separated by commas, split up: e.g.
    /// `info.subfields("commandstats", "cmdstat_get")` gives `calls`, `usec`, ...
    pub fn subfields(&self, section: &str, field: &str) -> Option<HashMap<&str, &str>> {
        Some(split_subfields(self.get(section, field)?))
    }

    /// `redis_version` (section `server`).
    pub fn redis_version(&self) -> Option<&str> {
        self.get("server", "redis_version")
    }

    /// `uptime_in_seconds` (section `server`).
    pub fn uptime(&self) -> Option<Duration> {
        self.get_as("server", "uptime_in_seconds").map(Duration::from_secs)
    }

    /// `role` (section `replication`): `master` or `slave`.
    pub fn role(&self) -> Option<&str> {
        self.get("replication", "role")
    }

    /// `connected_clients` (section `clients`).
    pub fn connected_clients(&self) -> Option<u64> {
        self.get_as("clients", "connected_clients")
    }

    /// `used_memory` in bytes (section `memory`).
    pub fn used_memory(&self) -> Option<u64> {
        self.get_as("memory", "used_memory")
    }

    /// The `keyspace` section: key counts per database number. Empty when the
    /// section was not requested or every database is empty.
    pub fn keyspace(&self) -> BTreeMap<u32, KeyspaceInfo> {
        let Some(fields) = self.section("keyspace") else {
            return BTreeMap::new();
        };
        fields
            .iter()
            .filter_map(|(db, value)| {
                let db = db.strip_prefix("db")?.parse().ok()?;
                let sub = split_subfields(value);
                let num = |name| sub.get(name).and_then(|v| v.parse().ok()).unwrap_or(0);
                let info = KeyspaceInfo {
                    keys: num("keys"),
                    expires: num("expires"),
                    avg_ttl: Duration::from_millis(num("avg_ttl")),
                };
                Some((db, info))
            })
            .collect()
    }
}

fn split_subfields(value: &str) -> HashMap<&str, &str> {
    value.split(',').filter_map(|pair| pair.split_once('=')).collect()
}

/// One database's line in the `keyspace` section of `INFO`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyspaceInfo {
    /// The number of keys.
    pub keys: u64,
    /// The number of keys with an expiry.
    pub expires: u64,
    /// The estimated average time to live of the keys with an expiry.
    pub avg_ttl: Duration,
}

impl FromStr for Info {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Info::parse(text))
    }
}

impl FromValue for Info {
    /// A bulk string (RESP2) or verbatim string (RESP3) of `INFO` text.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        String::from_value(value).map(|text| Info::parse(&text))
    }
}
