//! What a dead-lettered entry looks like: [`DeadLetter`].

use bytes::Bytes;

use crate::commands::StreamId;
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The names of the fields a dead-letter copy starts with, in this order:
/// the stream it came from, its id there, the group, the consumer that had
/// it last, and how many times it was delivered.
pub(super) const FIELDS: [&str; 5] = [
    "dead-letter:stream",
    "dead-letter:id",
    "dead-letter:group",
    "dead-letter:consumer",
    "dead-letter:deliveries",
];

/// The field that replaces the original fields of an entry with more than
/// 3,500 fields (Lua's `unpack` cannot pass that many to `XADD`); its value
/// is how many fields were left out.
pub(super) const OMITTED: &str = "dead-letter:omitted-fields";

/// An entry of a dead-letter stream, as a [`StreamConsumer`](super::StreamConsumer)
/// with [`dead_letter`](super::StreamConsumerBuilder::dead_letter) writes it.
///
/// The copy's fields are five fields about its history
/// (`dead-letter:stream`, `dead-letter:id`, `dead-letter:group`,
/// `dead-letter:consumer`, `dead-letter:deliveries`), then the original
/// entry's fields, in order (for an entry with more than 3,500 fields, the
/// single field `dead-letter:omitted-fields` with how many there were
/// instead: a script cannot pass more to `XADD`). Read the dead-letter stream with any stream
/// command and ask for `DeadLetter<F>` as the fields' type; `F` is what the
/// original fields convert to (by default the raw pairs).
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::collections::HashMap;
/// use anyredis::prelude::*;
/// use anyredis::commands::StreamEntry;
/// use anyredis::stream_consumer::DeadLetter;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let dead: Vec<StreamEntry<DeadLetter<HashMap<String, String>>>> =
///     client.xrange("orders:dead", "-", "+").await?;
/// for entry in dead {
///     let letter = entry.fields;
///     println!("{:?} {} failed {} times: {:?}", letter.stream, letter.id, letter.deliveries, letter.fields);
/// }
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeadLetter<F = Vec<(Bytes, Bytes)>> {
    /// The stream the entry was read from.
    pub stream: Bytes,
    /// The entry's id in that stream.
    pub id: StreamId,
    /// The consumer group that gave up on it.
    pub group: Bytes,
    /// The consumer that had it last.
    pub consumer: Bytes,
    /// How many times it was delivered.
    pub deliveries: u64,
    /// The original entry's fields.
    pub fields: F,
}

impl<F: FromValue> FromValue for DeadLetter<F> {
    /// The fields of a dead-letter copy: a flat array (or a map) of
    /// field/value pairs starting with the five history fields.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let invalid = |value: &Value| ConversionError::invalid_value("DeadLetter", value, "not a dead-letter entry");
        let snapshot = value.clone();
        let pairs = Vec::<(Bytes, Value)>::from_value(value).map_err(|e| e.with_context("DeadLetter"))?;
        let mut pairs = pairs.into_iter();
        let mut meta = Vec::with_capacity(FIELDS.len());
        for name in FIELDS {
            match pairs.next() {
                Some((field, value)) if field == name.as_bytes() => meta.push(value),
                _ => return Err(invalid(&snapshot)),
            }
        }
        let mut meta = meta.into_iter();
        let mut next = |what: &'static str| {
            let value = meta.next().unwrap_or(Value::Nil);
            (value, move |e: ConversionError| {
                e.with_context(format_args!("{what} of DeadLetter"))
            })
        };
        let (stream, stream_err) = next("stream");
        let (id, id_err) = next("id");
        let (group, group_err) = next("group");
        let (consumer, consumer_err) = next("consumer");
        let (deliveries, deliveries_err) = next("deliveries");
        let rest: Vec<Value> = pairs
            .flat_map(|(field, value)| [Value::BulkString(field), value])
            .collect();
        Ok(DeadLetter {
            stream: Bytes::from_value(stream).map_err(stream_err)?,
            id: StreamId::from_value(id).map_err(id_err)?,
            group: Bytes::from_value(group).map_err(group_err)?,
            consumer: Bytes::from_value(consumer).map_err(consumer_err)?,
            deliveries: u64::from_value(deliveries).map_err(deliveries_err)?,
            fields: F::from_value(Value::Array(rest)).map_err(|e| e.with_context("fields of DeadLetter"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn copy(names: [&str; 5]) -> Value {
        let values = ["orders", "5-1", "billing", "w1", "3"];
        let mut flat = Vec::new();
        for (name, value) in names.iter().zip(values) {
            flat.push(bulk(name));
            flat.push(bulk(value));
        }
        flat.extend([bulk("sku"), bulk("42"), bulk("qty"), bulk("1")]);
        Value::Array(flat)
    }

    #[test]
    fn reads_its_own_format() {
        let letter = DeadLetter::<Vec<(String, u32)>>::from_value(copy(FIELDS)).unwrap();
        assert_eq!(letter.stream, "orders");
        assert_eq!(letter.id, StreamId::new(5, 1));
        assert_eq!(
            (letter.group.as_ref(), letter.consumer.as_ref()),
            (&b"billing"[..], &b"w1"[..])
        );
        assert_eq!(letter.deliveries, 3);
        assert_eq!(letter.fields, [("sku".to_owned(), 42), ("qty".to_owned(), 1)]);
        let raw = DeadLetter::<Vec<(Bytes, Bytes)>>::from_value(copy(FIELDS)).unwrap();
        assert_eq!(raw.fields.len(), 2);
    }

    #[test]
    fn refuses_other_entries() {
        let mut names = FIELDS;
        names[2] = "group";
        let err = DeadLetter::<Vec<(Bytes, Bytes)>>::from_value(copy(names)).unwrap_err();
        assert_eq!(err.reason(), Some("not a dead-letter entry"));
        assert!(DeadLetter::<Vec<(Bytes, Bytes)>>::from_value(Value::Array(vec![bulk("a")])).is_err());
        assert!(DeadLetter::<Vec<(Bytes, Bytes)>>::from_value(Value::Integer(1)).is_err());
    }
}
