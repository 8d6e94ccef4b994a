//! The records waiting for the journal's writer thread: a bounded queue in
//! memory, shared by the handles and the thread. Handing a record over never
//! blocks, so the screen and `q` never wait for the disk; past the bound
//! (records or their size) a record is dropped and counted, never silently.
//! The same lock keeps what the writer has done and whether it is failing,
//! and publishes `JournalHealth` when that changes.

use super::health::{JournalFailure, JournalHealth};
use super::writer::{JournalRecord, Receipt, WriterStatus};
use std::collections::VecDeque;
use std::sync::mpsc::SyncSender;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// Bounds and retry pacing of one writer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterOptions {
    /// Records held in memory at most while the disk is behind or failing.
    pub max_records: usize,
    /// Their size at most: events, lots and bids, counted one each.
    pub max_items: usize,
    /// The first retry after a failure of the disk or the file, doubling...
    pub retry_first: Duration,
    /// ...up to this.
    pub retry_max: Duration,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            max_records: 100_000,
            max_items: 500_000,
            retry_first: Duration::from_millis(100),
            retry_max: Duration::from_secs(5),
        }
    }
}

pub(super) enum Cmd {
    Write(Box<JournalRecord>, Receipt),
    Flush(SyncSender<()>),
    /// Moves everything from the write-ahead log into the file itself.
    Checkpoint(SyncSender<()>),
}

impl JournalRecord {
    /// The size a record counts for against `max_items`.
    pub(super) fn items(&self) -> usize {
        match self {
            JournalRecord::Events(v) => v.len(),
            JournalRecord::Snapshot { lots, rejected, .. } => lots.len() + rejected.len(),
            JournalRecord::Bids { bids, .. } => bids.len(),
            JournalRecord::Rates(t) => t.rates.len(),
            _ => 1,
        }
        .max(1)
    }

    /// The feed events in a record.
    pub(super) fn events(&self) -> u64 {
        match self {
            JournalRecord::Events(v) => v.len() as u64,
            _ => 0,
        }
    }
}

#[derive(Default)]
pub(super) struct State {
    pub queue: VecDeque<Cmd>,
    queued_items: usize,
    queued_records: u64,
    queued_events: u64,
    /// The record the thread is writing (or retrying): its events.
    pub in_hand: Option<u64>,
    /// Every handle is gone: the thread ends once the queue is written.
    pub closed: bool,
    pub status: WriterStatus,
    pub failing: Option<JournalFailure>,
    /// The sink's connection is plain text to another machine.
    pub unencrypted: bool,
}

impl State {
    pub fn health(&self) -> JournalHealth {
        let (records, events) = match &self.failing {
            Some(_) => (
                self.queued_records + u64::from(self.in_hand.is_some()),
                self.queued_events + self.in_hand.unwrap_or(0),
            ),
            None => (0, 0),
        };
        JournalHealth {
            failing: self.failing.clone(),
            unwritten_records: records,
            unwritten_events: events,
            lost_records: self.status.lost_records,
            lost_events: self.status.lost_events,
            connecting: false,
            unencrypted: self.unencrypted,
        }
    }

    /// Takes the next command; a write becomes the record in hand.
    pub fn pop(&mut self) -> Option<Cmd> {
        let cmd = self.queue.pop_front()?;
        if let Cmd::Write(r, _) = &cmd {
            self.queued_items -= r.items();
            self.queued_records -= 1;
            self.queued_events -= r.events();
            self.in_hand = Some(r.events());
        }
        Some(cmd)
    }
}

/// The queue, its lock and its signal, and the health channel.
pub(super) struct Shared {
    state: Mutex<State>,
    pub wake: Condvar,
    health: watch::Sender<JournalHealth>,
    pub opts: WriterOptions,
}

impl Shared {
    pub fn new(opts: WriterOptions) -> Shared {
        Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            health: watch::channel(JournalHealth::default()).0,
            opts,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing in State is left half-changed by a panic.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Publishes the health when it changed (cheap when it did not).
    pub fn publish(&self, s: &State) {
        let now = s.health();
        self.health.send_if_modified(|h| {
            let changed = *h != now;
            if changed {
                *h = now;
            }
            changed
        });
    }

    pub fn subscribe(&self) -> watch::Receiver<JournalHealth> {
        self.health.subscribe()
    }

    /// Queues a record, or counts it lost past the bounds.
    pub fn push(&self, record: JournalRecord, at: Receipt) {
        let (items, events) = (record.items(), record.events());
        let mut s = self.lock();
        let full = s.queued_records as usize >= self.opts.max_records
            || (s.queued_records > 0 && s.queued_items + items > self.opts.max_items);
        if full {
            if s.status.lost_records == 0 {
                tracing::error!(
                    held = s.queued_records,
                    "journal: the records waiting for the disk reached their bound; further ones are lost (counted)"
                );
            }
            s.status.lost_records += 1;
            s.status.lost_events += events;
            self.publish(&s);
            return;
        }
        s.queue.push_back(Cmd::Write(Box::new(record), at));
        s.queued_items += items;
        s.queued_records += 1;
        s.queued_events += events;
        if s.failing.is_some() {
            self.publish(&s);
        }
        drop(s);
        self.wake.notify_one();
    }

    pub fn push_flush(&self, ack: SyncSender<()>) {
        self.lock().queue.push_back(Cmd::Flush(ack));
        self.wake.notify_one();
    }

    pub fn push_checkpoint(&self, ack: SyncSender<()>) {
        self.lock().queue.push_back(Cmd::Checkpoint(ack));
        self.wake.notify_one();
    }

    pub fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_one();
    }
}
