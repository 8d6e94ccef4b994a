//! The journal's writer: a dedicated thread with its own connection, fed by a
//! bounded queue in memory (`pending`) that never blocks the sender. Each
//! record is one transaction (events and the feed cursor together). When the
//! storage fails (the disk full, the file read-only or deleted, an I/O error,
//! the database unreachable), the record waits and is tried again with
//! backoff while the others wait behind it; the failure, its start and its
//! end are published (`JournalHealth`) and logged. The loop is the same for
//! both backends ([`Sink`]: `sqlite_sink`, `pg::sink`).

use super::health::{JournalCause, JournalFailure, JournalHealth};
use super::pending::{Cmd, Shared, WriterOptions};
use super::store::{Journal, JournalError, Result};
use crate::sync::SyncMsg;
use std::sync::Arc;
use std::sync::mpsc::sync_channel;
use std::time::Duration;
use tokio::sync::watch;

pub use super::record::{JOURNAL_GAP, JournalRecord, Receipt, SEQ_GAP_FIELD};

/// Attempts per transaction before the record is given up (and reported).
const ATTEMPTS: u32 = 5;

/// What the writer has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriterStatus {
    /// Transactions committed.
    pub committed: u64,
    /// Events newly stored (duplicates not counted).
    pub events: u64,
    /// Records given up after every attempt failed (the record was at fault).
    pub failed: u64,
    pub last_error: Option<String>,
    /// Records dropped because the memory bound was reached, and their events.
    pub lost_records: u64,
    pub lost_events: u64,
    /// Records not written yet (queued or being tried), and their events.
    pub unwritten_records: u64,
    pub unwritten_events: u64,
    /// Why the disk or the file fails, while it does.
    pub failing: Option<JournalCause>,
}

/// Ends the writer thread when the last handle goes (after it wrote what
/// is queued, or, with the disk failing, after its next try).
struct Owner(Arc<Shared>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A cheap, cloneable handle to the writer thread of one auction's journal.
#[derive(Clone)]
pub struct JournalWriter {
    owner: Arc<Owner>,
}

impl JournalWriter {
    fn shared(&self) -> &Shared {
        &self.owner.0
    }

    /// Queues a record. Never blocks: past the memory bound (see
    /// `WriterOptions`) the record is dropped and counted in the status and
    /// the health, never silently.
    pub fn append(&self, record: JournalRecord, received: Receipt) -> Result<()> {
        self.shared().push(record, received);
        Ok(())
    }

    /// Queues what the journal keeps of a sync message (see
    /// [`JournalRecord::from_sync_msg`]).
    pub fn record_sync_msg(&self, msg: &SyncMsg, received: Receipt) -> Result<()> {
        match JournalRecord::from_sync_msg(msg) {
            Some(r) => self.append(r, received),
            None => Ok(()),
        }
    }

    /// Waits until everything queued before this call is on disk (for ever
    /// while the disk fails: see `flush_within`).
    pub fn flush(&self) -> Result<()> {
        let (ack_tx, ack_rx) = sync_channel(1);
        self.shared().push_flush(ack_tx);
        ack_rx.recv().map_err(|_| self.gone())
    }

    /// Waits at most `limit` for everything queued before this call to be on
    /// disk; false when it is not yet.
    pub fn flush_within(&self, limit: Duration) -> Result<bool> {
        let (ack_tx, ack_rx) = sync_channel(1);
        self.shared().push_flush(ack_tx);
        match ack_rx.recv_timeout(limit) {
            Ok(()) => Ok(true),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(false),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(self.gone()),
        }
    }

    /// Waits at most `limit` for everything queued before this call to be
    /// on disk and then in the journal file itself (SQLite's
    /// `wal_checkpoint(TRUNCATE)`: the `-wal` beside it left empty), so a
    /// copy of the file alone is the whole journal. False when not done by
    /// then.
    pub fn checkpoint_within(&self, limit: Duration) -> Result<bool> {
        let (ack_tx, ack_rx) = sync_channel(1);
        self.shared().push_checkpoint(ack_tx);
        match ack_rx.recv_timeout(limit) {
            Ok(()) => Ok(true),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(false),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(self.gone()),
        }
    }

    pub fn status(&self) -> WriterStatus {
        let s = self.shared().lock();
        let h = s.health();
        let mut st = s.status.clone();
        // Counted whether failing or not (the health shows them only then).
        let (records, events) = pending_counts(&s);
        st.unwritten_records = records;
        st.unwritten_events = events;
        st.failing = h.failing.map(|f| f.cause);
        st
    }

    /// The journal's health as it changes (for the header).
    pub fn health(&self) -> watch::Receiver<JournalHealth> {
        self.shared().subscribe()
    }

    fn gone(&self) -> JournalError {
        JournalError::WriterGone(
            self.status()
                .last_error
                .unwrap_or_else(|| "the thread ended".into()),
        )
    }
}

fn pending_counts(s: &super::pending::State) -> (u64, u64) {
    let mut records = u64::from(s.in_hand.is_some());
    let mut events = s.in_hand.unwrap_or(0);
    for c in &s.queue {
        if let Cmd::Write(r, _) = c {
            records += 1;
            events += r.events();
        }
    }
    (records, events)
}

/// Why one attempt at a record failed.
pub(super) enum Failure {
    /// The storage (disk, file, database server): the record waits and is
    /// tried again.
    Disk(JournalCause),
    /// The record itself: tried a few times, then given up.
    Record(String),
}

/// One backend's side of the writer thread.
pub(super) trait Sink: Send + 'static {
    /// What the log names: the file's path, or the database's masked URL.
    fn label(&self) -> String;
    /// Before each attempt: the storage is there (the file is the one
    /// opened, the connection is up or made again).
    fn check(&mut self) -> std::result::Result<(), Failure>;
    /// One record in one transaction: None when it added nothing, Some(new
    /// events) otherwise.
    fn write(
        &mut self,
        record: &JournalRecord,
        r: Receipt,
    ) -> std::result::Result<Option<u64>, Failure>;
    /// After a failure of `cause`, before the next attempt (open the file
    /// again, drop a broken connection).
    fn recover(&mut self, cause: &JournalCause);
    /// True while the storage is reached in plain text over the network.
    fn unencrypted(&self) -> bool {
        false
    }
    /// Before the writer ends: the backend's own log folded into the
    /// journal (a file's WAL), so the journal is whole by itself.
    fn checkpoint(&mut self) {}
}

impl JournalWriter {
    /// Starts the writer thread over `sink`.
    pub(super) fn start(sink: impl Sink, opts: WriterOptions) -> Result<JournalWriter> {
        let shared = Arc::new(Shared::new(opts));
        let sh = shared.clone();
        std::thread::Builder::new()
            .name("journal-writer".into())
            .spawn(move || run(sink, &sh))
            .map_err(|e| {
                JournalError::WriterGone(format!("cannot start the writer thread: {e}"))
            })?;
        Ok(JournalWriter {
            owner: Arc::new(Owner(shared)),
        })
    }
}

impl Journal {
    /// Starts the writer thread for `auction`, with its own connection to
    /// this journal.
    pub fn writer(&self, auction: &str) -> Result<JournalWriter> {
        self.writer_with(auction, WriterOptions::default())
    }

    /// `writer` under another monitor name than this process's (a shared
    /// journal's; a file has no names).
    pub fn writer_named(&self, auction: &str, monitor: &str) -> Result<JournalWriter> {
        match self.remote() {
            Some(pg) => {
                let mut pg = pg.clone();
                pg.monitor = super::pg::clean_name(monitor);
                JournalWriter::start(
                    super::pg::sink::PgSink::open(&pg, auction)?,
                    WriterOptions::default(),
                )
            }
            None => self.writer(auction),
        }
    }

    /// `writer` with other bounds and retry pacing.
    pub fn writer_with(&self, auction: &str, opts: WriterOptions) -> Result<JournalWriter> {
        match self.remote() {
            Some(pg) => JournalWriter::start(super::pg::sink::PgSink::open(pg, auction)?, opts),
            None => JournalWriter::start(
                super::sqlite_sink::SqliteSink::open(self.path(), auction)?,
                opts,
            ),
        }
    }
}

fn run(mut sink: impl Sink, shared: &Shared) {
    loop {
        let cmd = {
            let mut s = shared.lock();
            loop {
                if let Some(c) = s.pop() {
                    break c;
                }
                if s.closed {
                    return;
                }
                s = shared.wake.wait(s).unwrap_or_else(|e| e.into_inner());
            }
        };
        match cmd {
            Cmd::Flush(ack) => {
                let _ = ack.send(());
            }
            Cmd::Checkpoint(ack) => {
                sink.checkpoint();
                let _ = ack.send(());
            }
            Cmd::Write(record, receipt) => {
                if !write_until_done(&mut sink, shared, &record, receipt) {
                    return;
                }
            }
        }
    }
}

/// Writes one record, waiting out a failing disk or file (with backoff)
/// and giving up only a record at fault. False when the writer is to
/// stop: closed while the disk still fails.
fn write_until_done(
    sink: &mut impl Sink,
    shared: &Shared,
    record: &JournalRecord,
    r: Receipt,
) -> bool {
    let mut delay = shared.opts.retry_first;
    let mut attempts = 0u32;
    loop {
        let outcome = match sink.check() {
            Ok(()) => sink.write(record, r),
            Err(f) => Err(f),
        };
        match outcome {
            Ok(added) => {
                let mut s = shared.lock();
                s.unencrypted = sink.unencrypted();
                s.in_hand = None;
                if let Some(n) = added {
                    s.status.committed += 1;
                    s.status.events += n;
                }
                if let Some(f) = s.failing.take() {
                    let (records, events) = pending_counts(&s);
                    tracing::warn!(
                        journal = %sink.label(),
                        cause = %f.cause,
                        waiting = records,
                        events,
                        "journal writing again: the records held in memory follow"
                    );
                }
                shared.publish(&s);
                return true;
            }
            Err(Failure::Disk(cause)) => {
                {
                    let mut s = shared.lock();
                    s.unencrypted = sink.unencrypted();
                    match &mut s.failing {
                        Some(f) if f.cause == cause => {}
                        Some(f) => f.cause = cause.clone(),
                        None => {
                            tracing::error!(
                                journal = %sink.label(),
                                kind = record.kind(),
                                "journal cannot write: {cause}; holding records in memory and trying again"
                            );
                            s.failing = Some(JournalFailure {
                                cause: cause.clone(),
                                since: r.server_est.unwrap_or(r.local),
                            });
                        }
                    }
                    shared.publish(&s);
                    if s.closed {
                        return false;
                    }
                }
                std::thread::sleep(delay);
                delay = (delay * 2).min(shared.opts.retry_max);
                sink.recover(&cause);
            }
            Err(Failure::Record(e)) => {
                attempts += 1;
                tracing::warn!(attempt = attempts, "journal write attempt failed: {e}");
                if attempts >= ATTEMPTS {
                    tracing::error!(journal = %sink.label(), kind = record.kind(), "journal write failed: {e}");
                    let mut s = shared.lock();
                    s.in_hand = None;
                    s.status.failed += 1;
                    s.status.last_error = Some(e);
                    shared.publish(&s);
                    return true;
                }
                std::thread::sleep(Duration::from_millis(20 << attempts));
            }
        }
    }
}
