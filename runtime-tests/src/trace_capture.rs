//! A `tracing` subscriber for tests: installed once for the whole test
//! binary, it keeps what anyredis emits (spans with their fields, events),
//! so a case can check the spans of its own server (by port) and look for
//! secrets in everything.
//!
//! Only callsites whose target starts with `anyredis` are enabled, at every
//! level (TRACE included). Spans are kept only for ports a case asked to
//! [`watch`]; events are all kept (they are few: one per connect,
//! handshake, backoff wait, pool wait). Every span and record, kept or not,
//! is searched for [`CANARY`] (from any test of the binary), and those that
//! hold it are kept in [`leaks`].

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// One span: its name and fields as text (later records included).
#[derive(Clone, Debug)]
pub struct CapturedSpan {
    pub name: String,
    pub level: String,
    pub fields: BTreeMap<String, String>,
}

/// The secret the canary cases use as a password: it must never reach a span or event.
pub const CANARY: &str = "S3cr3t-canary";

/// The ports whose spans are kept (read on every span: a read lock only).
fn ports() -> &'static RwLock<HashSet<u16>> {
    static PORTS: OnceLock<RwLock<HashSet<u16>>> = OnceLock::new();
    PORTS.get_or_init(Default::default)
}

fn watched(port: u16) -> bool {
    ports().read().unwrap_or_else(|p| p.into_inner()).contains(&port)
}

#[derive(Default)]
struct Store {
    /// Kept spans, by id.
    spans: BTreeMap<u64, (u16, CapturedSpan)>,
    /// Every event: level, message and fields as text.
    events: Vec<String>,
    /// Spans and records that hold the canary.
    leaks: Vec<String>,
}

fn store() -> MutexGuard<'static, Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

struct Capture {
    next: AtomicU64,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("anyredis")
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let port = fields.get("server.port").and_then(|p| p.parse::<u16>().ok());
        // A span's fields could hold a secret whatever its port: look at all of them.
        let text = format!("{} {:?}", attrs.metadata().name(), fields);
        if text.contains(CANARY) {
            store().leaks.push(format!("span {text}"));
        }
        if let Some(port) = port.filter(|p| watched(*p)) {
            let span = CapturedSpan {
                name: attrs.metadata().name().to_owned(),
                level: attrs.metadata().level().to_string(),
                fields,
            };
            store().spans.insert(id, (port, span));
        }
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = BTreeMap::new();
        values.record(&mut Fields(&mut fields));
        let text = format!("{fields:?}");
        if text.contains(CANARY) {
            store().leaks.push(format!("record {text}"));
        }
        if let Some((_, kept)) = store().spans.get_mut(&span.into_u64()) {
            kept.fields.extend(fields);
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let mut line = format!("event {} {}", event.metadata().level(), event.metadata().target());
        for (k, v) in &fields {
            let _ = write!(line, " {k}={v}");
        }
        let mut store = store();
        if line.contains(CANARY) {
            store.leaks.push(line.clone());
        }
        store.events.push(line);
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Installs the capturing subscriber (once per process) and keeps the spans
/// of servers on `port` from now on.
pub fn watch(port: u16) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let capture = Capture {
            next: AtomicU64::new(1),
        };
        tracing::subscriber::set_global_default(capture).expect("no other global subscriber in this test binary");
    });
    ports().write().unwrap_or_else(|p| p.into_inner()).insert(port);
}

/// The spans kept for `port`, oldest first.
pub fn spans(port: u16) -> Vec<CapturedSpan> {
    store()
        .spans
        .values()
        .filter(|(p, _)| *p == port)
        .map(|(_, span)| span.clone())
        .collect()
}

/// Spans, records and events seen so far that hold [`CANARY`].
pub fn leaks() -> Vec<String> {
    store().leaks.clone()
}

/// Events whose text contains `needle`.
pub fn events_with(needle: &str) -> Vec<String> {
    store()
        .events
        .iter()
        .filter(|e| e.starts_with("event") && e.contains(needle))
        .cloned()
        .collect()
}
