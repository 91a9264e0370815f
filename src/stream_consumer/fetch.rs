//! The consumer's reading state ([`Worker`]) and one fetch: acknowledge what
//! was handled, then get the next batch of entries, in this order of
//! preference: entries of a read whose reply was lost, own pending entries,
//! claims that are due, new entries (blocking).
//!
//! A fetch owns the worker while it runs and hands it back with its result,
//! so the consumer can keep a fetch in flight across cancelled `next()`
//! calls: nothing a read returns is ever dropped with a `next()` future.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::claim::{self, Take};
use super::{Delivery, Receipt, Settings};
use crate::commands::{ConnectionCommands, StreamCommands, StreamId, StreamRead, XReadGroupOptions};
use crate::error::RequestState;
use crate::resp::Value;
use crate::{Client, Connection, Error, ErrorKind, Result};

/// Claim scans run at most this often, whatever `claim_idle` is.
const MIN_CLAIM_INTERVAL: Duration = Duration::from_millis(10);
/// The first wait before fetching again after a failed fetch (doubling up to [`RETRY_CAP`]).
const RETRY_BASE: Duration = Duration::from_millis(50);
/// The longest wait before fetching again after failures.
const RETRY_CAP: Duration = Duration::from_secs(5);

/// What the consumer and its acknowledgers share.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) client: Client,
    pub(super) settings: Settings,
    /// Set by `close`: the worker starts no new blocking read.
    pub(super) closing: AtomicBool,
    /// `CLIENT ID` of the connection the blocking reads use (0: none yet),
    /// for `CLIENT UNBLOCK` at close.
    pub(super) reader_id: AtomicU64,
    /// Entries this consumer moved to the dead-letter stream.
    pub(super) dead_lettered: AtomicU64,
    /// Pending entries this consumer acknowledged because they were deleted from their stream.
    pub(super) deleted: AtomicU64,
}

impl Shared {
    /// Counts what a page did besides delivering.
    fn count(&self, page: &claim::Page) {
        let add = |counter: &AtomicU64, n: usize| {
            counter.fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
        };
        add(&self.dead_lettered, page.dead.len());
        add(&self.deleted, page.gone.len());
    }
}

/// Per stream: how far the consumer got.
#[derive(Debug)]
struct StreamState {
    key: Bytes,
    /// The largest id delivered from this stream so far.
    floor: Option<StreamId>,
    /// Where the next page of own pending entries starts, while reading them.
    own: Option<StreamId>,
    /// Where the next page of the claim scan starts, while scanning.
    claim: Option<StreamId>,
}

/// The reading state, owned by one fetch at a time.
#[derive(Debug)]
pub(super) struct Worker {
    shared: Arc<Shared>,
    /// The dedicated connection for the blocking reads (`None`: take one
    /// from the pool at the next read).
    reader: Option<Connection>,
    streams: Vec<StreamState>,
    /// A read of new entries may have been delivered without its reply
    /// reaching us: read own pending entries above the floors first.
    recover: bool,
    /// When the next claim scan starts (`None`: claims are off).
    next_claim: Option<Instant>,
    /// Failed fetches in a row (a fetch after failures waits first).
    failures: u32,
}

impl Worker {
    pub(super) fn new(shared: Arc<Shared>, reader: Connection) -> Worker {
        let settings = &shared.settings;
        let own = settings.pending_first.then_some(StreamId::MIN);
        let streams = settings
            .streams
            .iter()
            .map(|key| StreamState {
                key: key.clone(),
                floor: None,
                own,
                claim: None,
            })
            .collect();
        let next_claim = settings.claim_idle.map(|_| Instant::now());
        Worker {
            shared,
            reader: Some(reader),
            streams,
            recover: false,
            next_claim,
            failures: 0,
        }
    }

    /// Acknowledges `handled`, then returns the next non-empty batch; an
    /// empty batch only once the consumer is closing.
    pub(super) async fn fetch(mut self, handled: Vec<Receipt>) -> (Worker, Result<Vec<Delivery<Value>>>) {
        let result = self.fetch_inner(handled).await;
        match &result {
            Ok(_) => self.failures = 0,
            Err(_) => self.failures = self.failures.saturating_add(1),
        }
        (self, result)
    }

    async fn fetch_inner(&mut self, handled: Vec<Receipt>) -> Result<Vec<Delivery<Value>>> {
        if !handled.is_empty() {
            ack(&self.shared, handled).await?;
        }
        if self.failures > 0 {
            let wait = crate::backoff::delay(RETRY_BASE, RETRY_CAP, self.failures);
            self.shared.client.runtime().sleep(wait).await;
        }
        loop {
            if self.shared.closing.load(Ordering::SeqCst) {
                return Ok(Vec::new());
            }
            if self.recover {
                for stream in &mut self.streams {
                    // Entries of the lost read have ids above everything delivered so far.
                    stream.own = Some(stream.floor.map_or(StreamId::MIN, |id| id.next()));
                }
                self.recover = false;
            }
            let batch = self.own_pending().await?;
            if !batch.is_empty() {
                return Ok(batch);
            }
            let batch = self.claims().await?;
            if !batch.is_empty() {
                return Ok(batch);
            }
            let batch = self.read_new().await?;
            if !batch.is_empty() {
                return Ok(batch);
            }
        }
    }

    /// The next page of own pending entries of the first stream still being read.
    async fn own_pending(&mut self) -> Result<Vec<Delivery<Value>>> {
        let shared = self.shared.clone();
        for stream in &mut self.streams {
            while let Some(start) = stream.own {
                let page = claim::take(&shared.client, &shared.settings, &stream.key, Take::Own, start).await?;
                shared.count(&page);
                stream.own = page.next;
                let batch = stream.deliveries(page.claimed);
                if !batch.is_empty() {
                    return Ok(batch);
                }
            }
        }
        Ok(Vec::new())
    }

    /// The next page of the claim scan, when one is due or under way.
    async fn claims(&mut self) -> Result<Vec<Delivery<Value>>> {
        let (Some(due), Some(idle)) = (self.next_claim, self.shared.settings.claim_idle) else {
            return Ok(Vec::new());
        };
        let scanning = self.streams.iter().any(|s| s.claim.is_some());
        if !scanning {
            if Instant::now() < due {
                return Ok(Vec::new());
            }
            for stream in &mut self.streams {
                stream.claim = Some(StreamId::MIN);
            }
        }
        let shared = self.shared.clone();
        for index in 0..self.streams.len() {
            let Some(stream) = self.streams.get_mut(index) else {
                break;
            };
            while let Some(start) = stream.claim {
                let page = claim::take(&shared.client, &shared.settings, &stream.key, Take::Idle(idle), start).await?;
                shared.count(&page);
                stream.claim = page.next;
                let batch = stream.deliveries(page.claimed);
                if !batch.is_empty() {
                    self.claim_scan_done();
                    return Ok(batch);
                }
            }
        }
        self.claim_scan_done();
        Ok(Vec::new())
    }

    /// Schedules the next claim scan once every stream has been scanned.
    fn claim_scan_done(&mut self) {
        let (Some(_), Some(idle)) = (self.next_claim, self.shared.settings.claim_idle) else {
            return;
        };
        if self.streams.iter().all(|s| s.claim.is_none()) {
            let interval = idle.checked_div(2).unwrap_or_default().max(MIN_CLAIM_INTERVAL);
            self.next_claim = Some(Instant::now().checked_add(interval).unwrap_or_else(Instant::now));
        }
    }

    /// One blocking read of new entries on the dedicated connection; an
    /// empty batch when it timed out.
    async fn read_new(&mut self) -> Result<Vec<Delivery<Value>>> {
        let settings = &self.shared.settings;
        let mut wait = settings.block;
        if let Some(due) = self.next_claim {
            wait = wait.min(due.saturating_duration_since(Instant::now()));
        }
        // `BLOCK 0` would wait forever; the shortest wait is 10 ms anyway.
        let wait = wait.max(Duration::from_millis(10));
        let reader = match &self.reader {
            Some(reader) if !reader.is_closed() => reader,
            _ => {
                self.reader = None;
                let reader = self.shared.client.dedicated().await?;
                let id = reader.client_id().await?;
                self.shared.reader_id.store(id, Ordering::SeqCst);
                self.reader.insert(reader)
            }
        };
        if self.shared.closing.load(Ordering::SeqCst) {
            return Ok(Vec::new());
        }
        let ids = vec![">"; settings.streams.len()];
        let options = XReadGroupOptions::new().count(settings.batch).block(wait);
        let read = reader
            .xreadgroup_options::<Value>(&settings.group, &settings.consumer, &settings.streams, ids, options)
            .await;
        let reads: Vec<StreamRead<Value>> = match read {
            Ok(reads) => reads,
            Err(e) => {
                if e.request_state() != RequestState::NotSent || e.kind() == ErrorKind::Timeout {
                    // The server may have delivered entries whose reply is lost.
                    self.recover = true;
                }
                if e.breaks_connection() || e.is_timeout() {
                    self.reader = None;
                }
                return Err(e);
            }
        };
        let mut batch = Vec::new();
        for read in reads {
            let Some(stream) = self.streams.iter_mut().find(|s| s.key == read.key) else {
                // The server names only the streams it was asked about.
                return Err(Error::from(crate::value::ConversionError::invalid_value(
                    "stream key",
                    &Value::BulkString(read.key),
                    "not one of the consumer's streams",
                )));
            };
            let entries = read.entries.into_iter().map(|e| (e.id, e.fields, 1));
            batch.extend(stream.deliveries(entries.collect()));
        }
        Ok(batch)
    }
}

impl StreamState {
    /// Deliveries of this stream's entries (id, raw fields, delivery
    /// count), raising the floor to the largest id.
    fn deliveries(&mut self, entries: Vec<(StreamId, Value, u64)>) -> Vec<Delivery<Value>> {
        entries
            .into_iter()
            .map(|(id, fields, deliveries)| {
                self.floor = self.floor.max(Some(id));
                Delivery {
                    stream: self.key.clone(),
                    id,
                    fields,
                    deliveries,
                }
            })
            .collect()
    }
}

/// `XACK`s `receipts`, one command per stream, sent together; returns how
/// many were still pending.
pub(super) async fn ack(shared: &Shared, receipts: Vec<Receipt>) -> Result<u64> {
    let mut by_stream: Vec<(Bytes, Vec<StreamId>)> = Vec::new();
    for receipt in receipts {
        match by_stream.iter_mut().find(|(key, _)| *key == receipt.stream) {
            Some((_, ids)) => ids.push(receipt.id),
            None => by_stream.push((receipt.stream, vec![receipt.id])),
        }
    }
    let group = &shared.settings.group;
    let acks = by_stream.iter().map(|(key, ids)| shared.client.xack(key, group, ids));
    let counts = futures_util::future::try_join_all(acks).await?;
    Ok(counts.into_iter().fold(0u64, u64::saturating_add))
}
