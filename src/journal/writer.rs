//! The journal's writer: a dedicated thread with its own connection, fed by a
//! bounded queue in memory (`pending`) that never blocks the sender. Each
//! record is one transaction (events and the feed cursor together). When the
//! disk or the file fails (full, read-only, deleted, I/O error), the record
//! waits and is tried again with backoff while the others wait behind it;
//! the failure, its start and its end are published (`JournalHealth`) and
//! logged.

use super::codec;
use super::diff::{Change, ObservedChange, diff_snapshots};
use super::health::{JournalCause, JournalFailure, JournalHealth};
use super::pending::{Cmd, Shared, WriterOptions};
use super::store::{self, Journal, JournalError, Result, seq_param};
use crate::domain::{Auction, Bid, Event, EventKind, Lot, Timestamp};
use crate::platform::wire::{AuctionBody, WireLot, WireResult};
use crate::rates::{RateSource, RateTable};
use crate::sync::{Backfill, DataIssue, SyncMsg};

/// The field under which a seq gap is stored as a data issue.
pub const SEQ_GAP_FIELD: &str = "events.seq";
use rusqlite::{Connection, Transaction, params};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::sync_channel;
use std::time::Duration;
use tokio::sync::watch;
/// The anomaly kind of events the journal could not get from the feed.
pub const JOURNAL_GAP: &str = "journal_gap";
/// Attempts per transaction before the record is given up (and reported).
const ATTEMPTS: u32 = 5;

/// When a record was received: this machine's wall clock, and the server
/// clock estimate at that moment when one exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub local: Timestamp,
    pub server_est: Option<Timestamp>,
}

impl Receipt {
    /// Now, by this machine's wall clock.
    pub fn now(server_est: Option<Timestamp>) -> Receipt {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Receipt {
            local: Timestamp(ms),
            server_est,
        }
    }
}

/// What the journal appends.
#[derive(Clone, Debug)]
pub enum JournalRecord {
    Auction(Auction),
    /// Every lot at feed position `seq`; compared with the journal's view of
    /// the lots to record the changes no event explained.
    Snapshot {
        seq: u64,
        lots: Vec<Lot>,
        rejected: Vec<DataIssue>,
    },
    Events(Vec<Event>),
    Bids {
        lot_id: String,
        bids: Vec<Bid>,
    },
    Rates(RateTable),
    Anomaly {
        lot_id: Option<String>,
        server_at: Option<Timestamp>,
        kind: String,
        evidence: String,
    },
    DataIssue(DataIssue),
}

impl JournalRecord {
    fn kind(&self) -> &'static str {
        match self {
            JournalRecord::Auction(_) => "auction",
            JournalRecord::Snapshot { .. } => "snapshot",
            JournalRecord::Events(_) => "events",
            JournalRecord::Bids { .. } => "bids",
            JournalRecord::Rates(_) => "rates",
            JournalRecord::Anomaly { .. } => "anomaly",
            JournalRecord::DataIssue(_) => "data_issue",
        }
    }

    /// The record for a sync message; None for those the journal does not
    /// keep (clock samples, link state: the app derives anomalies from them).
    pub fn from_sync_msg(msg: &SyncMsg) -> Option<JournalRecord> {
        Some(match msg {
            SyncMsg::Auction(a) => JournalRecord::Auction(a.clone()),
            SyncMsg::Snapshot {
                seq,
                lots,
                rejected,
            } => JournalRecord::Snapshot {
                seq: *seq,
                lots: lots.clone(),
                rejected: rejected.clone(),
            },
            SyncMsg::Events(v) => JournalRecord::Events(v.clone()),
            SyncMsg::Bids { lot_id, bids } => JournalRecord::Bids {
                lot_id: lot_id.clone(),
                bids: bids.clone(),
            },
            SyncMsg::Rates(t) => JournalRecord::Rates(t.clone()),
            SyncMsg::DataIssue(d) => JournalRecord::DataIssue(d.clone()),
            SyncMsg::Backfill(Backfill::Events(v)) => JournalRecord::Events(v.clone()),
            SyncMsg::Backfill(Backfill::Lost { from, to, why }) => JournalRecord::Anomaly {
                lot_id: None,
                server_at: None,
                kind: JOURNAL_GAP.into(),
                evidence: Backfill::lost_evidence(*from, *to, why),
            },
            // Stored as the data issue it was before it had a type of its own.
            SyncMsg::SeqGap(g) => JournalRecord::DataIssue(DataIssue {
                lot_id: None,
                field: SEQ_GAP_FIELD.into(),
                problem: g.to_string(),
            }),
            SyncMsg::Backfill(Backfill::Start { .. } | Backfill::End)
            | SyncMsg::Clock(_)
            | SyncMsg::Link(_) => return None,
        })
    }
}

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

impl Journal {
    /// Starts the writer thread for `auction`, with its own connection to
    /// this journal's file.
    pub fn writer(&self, auction: &str) -> Result<JournalWriter> {
        self.writer_with(auction, WriterOptions::default())
    }

    /// `writer` with other bounds and retry pacing.
    pub fn writer_with(&self, auction: &str, opts: WriterOptions) -> Result<JournalWriter> {
        let path = self.path().to_path_buf();
        let (conn, file_id) = open_for_writing(&path).map_err(|source| JournalError::Sqlite {
            path: path.clone(),
            source,
        })?;
        let mut state = WriterState {
            conn,
            path: path.clone(),
            file_id,
            auction: auction.to_string(),
            view: None,
        };
        state.view = state.load_view().map_err(|e| JournalError::Corrupt {
            path: path.clone(),
            detail: e,
        })?;
        let shared = Arc::new(Shared::new(opts));
        let sh = shared.clone();
        std::thread::Builder::new()
            .name("journal-writer".into())
            .spawn(move || state.run(&sh))
            .map_err(|e| {
                JournalError::WriterGone(format!("cannot start the writer thread: {e}"))
            })?;
        Ok(JournalWriter {
            owner: Arc::new(Owner(shared)),
        })
    }
}

/// The writer's connection to `path`, and the file's identity (device and
/// inode), to notice it being deleted or replaced.
fn open_for_writing(path: &std::path::Path) -> rusqlite::Result<(Connection, Option<(u64, u64)>)> {
    let conn = Connection::open(path)?;
    super::schema::configure(&conn, false)?;
    Ok((conn, file_id(path)))
}

fn file_id(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Why one attempt at a record failed.
enum Failure {
    /// The disk or the file: the record waits and is tried again.
    Disk(JournalCause),
    /// The record itself (or SQLite): tried a few times, then given up.
    Record(String),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        match super::health::cause_of_sqlite(&e) {
            Some(c) => Failure::Disk(c),
            None => Failure::Record(e.to_string()),
        }
    }
}

/// The lots as the journal knows them (last snapshot plus later events), to
/// tell which changes in the next snapshot no event explained.
#[derive(Clone, Debug)]
struct View {
    seq: u64,
    lots: Vec<Lot>,
}

impl View {
    fn apply(&mut self, events: &[Event]) {
        for e in events {
            if e.seq <= self.seq {
                continue;
            }
            match (&e.kind, &e.lot_id) {
                (EventKind::Lot(l), _) if !self.lots.iter().any(|x| x.id == l.id) => {
                    self.lots.push((**l).clone())
                }
                (_, Some(id)) => {
                    if let Some(l) = self.lots.iter_mut().find(|l| &l.id == id) {
                        l.apply(e);
                    }
                }
                _ => {}
            }
            self.seq = e.seq;
        }
    }
}

/// A snapshot's seq, its lots and the later events, as stored JSON.
type RawView = (i64, Vec<String>, Vec<String>);

struct WriterState {
    conn: Connection,
    path: PathBuf,
    /// The file's device and inode when it was opened.
    file_id: Option<(u64, u64)>,
    auction: String,
    view: Option<View>,
}

impl WriterState {
    fn run(mut self, shared: &Shared) {
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
                Cmd::Write(record, receipt) => {
                    if !self.write_until_done(shared, &record, receipt) {
                        return;
                    }
                }
            }
        }
    }

    /// Writes one record, waiting out a failing disk or file (with backoff)
    /// and giving up only a record at fault. False when the writer is to
    /// stop: closed while the disk still fails.
    fn write_until_done(&mut self, shared: &Shared, record: &JournalRecord, r: Receipt) -> bool {
        let mut delay = shared.opts.retry_first;
        let mut attempts = 0u32;
        loop {
            let outcome = match self.check_file() {
                Ok(()) => self.write(record, r).map_err(Failure::from),
                Err(f) => Err(f),
            };
            match outcome {
                Ok(added) => {
                    let mut s = shared.lock();
                    s.in_hand = None;
                    if let Some(n) = added {
                        s.status.committed += 1;
                        s.status.events += n;
                    }
                    if let Some(f) = s.failing.take() {
                        let (records, events) = pending_counts(&s);
                        tracing::warn!(
                            journal = %self.path.display(),
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
                        match &mut s.failing {
                            Some(f) if f.cause == cause => {}
                            Some(f) => f.cause = cause.clone(),
                            None => {
                                tracing::error!(
                                    journal = %self.path.display(),
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
                    if cause == JournalCause::Deleted {
                        self.reopen();
                    }
                }
                Err(Failure::Record(e)) => {
                    attempts += 1;
                    tracing::warn!(attempt = attempts, "journal write attempt failed: {e}");
                    if attempts >= ATTEMPTS {
                        tracing::error!(journal = %self.path.display(), kind = record.kind(), "journal write failed: {e}");
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

    /// The file is still the one opened, and writable by its mode (a file
    /// made read-only is left alone even where this user could write it).
    fn check_file(&self) -> std::result::Result<(), Failure> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        match std::fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Failure::Disk(JournalCause::Deleted))
            }
            Err(e) => Err(Failure::Disk(JournalCause::Io(e.to_string()))),
            Ok(m) if self.file_id.is_some_and(|id| id != (m.dev(), m.ino())) => {
                Err(Failure::Disk(JournalCause::Deleted))
            }
            Ok(m) if m.permissions().mode() & 0o222 == 0 => {
                Err(Failure::Disk(JournalCause::ReadOnly))
            }
            Ok(_) => Ok(()),
        }
    }

    /// After the file was deleted or replaced: a journal at the path again
    /// (a new one when nothing is there, its stale WAL removed first), so
    /// that what is held in memory is written somewhere the user can find.
    fn reopen(&mut self) {
        if !self.path.exists() {
            for ext in ["-wal", "-shm"] {
                let mut side = self.path.clone().into_os_string();
                side.push(ext);
                let _ = std::fs::remove_file(side);
            }
        }
        let fresh = Journal::open(&self.path)
            .map_err(|e| e.to_string())
            .and_then(|_| open_for_writing(&self.path).map_err(|e| e.to_string()));
        match fresh {
            Ok((conn, id)) => {
                self.conn = conn;
                self.file_id = id;
                self.view = self.load_view().unwrap_or(None);
                tracing::warn!(journal = %self.path.display(), "journal file opened again after it was deleted or replaced");
            }
            Err(e) => {
                tracing::warn!(journal = %self.path.display(), "journal file cannot be opened again: {e}")
            }
        }
    }

    /// One record in one transaction. Returns None when it added nothing
    /// (every event already stored), Some(new events) otherwise.
    fn write(&mut self, record: &JournalRecord, r: Receipt) -> rusqlite::Result<Option<u64>> {
        let auction = self.auction.clone();
        let mut next_view = self.view.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO messages (auction, kind, received_at, server_est) VALUES (?1, ?2, ?3, ?4)",
            params![auction, record.kind(), r.local.0, r.server_est.map(|t| t.0)],
        )?;
        let mid = tx.last_insert_rowid();
        let mut rows = 0usize;
        let mut new_events = 0u64;
        match record {
            JournalRecord::Events(events) => {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO events (auction, seq, message_id, server_at, received_at, lot_id, type, amount, bidder, body) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
                )?;
                for e in events {
                    let (amount, bidder) = match &e.kind {
                        EventKind::Bid { amount, bidder, .. } => {
                            (Some(amount.to_wire()), Some(bidder.as_str()))
                        }
                        _ => (None, None),
                    };
                    let n = stmt.execute(params![
                        auction,
                        seq_param(e.seq),
                        mid,
                        e.at.0,
                        r.local.0,
                        e.lot_id,
                        e.kind.type_name(),
                        amount,
                        bidder,
                        codec::encode_event(e)
                    ])?;
                    new_events += n as u64;
                }
                drop(stmt);
                rows += new_events as usize;
                if let Some(max) = events.iter().map(|e| e.seq).max() {
                    rows += advance_cursor(&tx, mid, &auction, max)?;
                }
                if let Some(v) = next_view.as_mut() {
                    let mut sorted: Vec<Event> = events.clone();
                    sorted.sort_by_key(|e| e.seq);
                    v.apply(&sorted);
                }
            }
            JournalRecord::Snapshot {
                seq,
                lots,
                rejected,
            } => {
                let n = tx.execute(
                    "INSERT INTO snapshots (auction, seq, message_id, lot_count) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![auction, seq_param(*seq), mid, lots.len() as i64],
                )?;
                if n == 1 {
                    rows += 1;
                    let mut stmt = tx.prepare_cached(
                        "INSERT INTO snapshot_lots (auction, seq, ord, lot_id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?;
                    for (i, l) in lots.iter().enumerate() {
                        stmt.execute(params![
                            auction,
                            seq_param(*seq),
                            i as i64,
                            l.id,
                            codec::encode_lot(l)
                        ])?;
                    }
                    drop(stmt);
                    match &next_view {
                        Some(v) if v.seq < *seq => {
                            for c in diff_snapshots(&v.lots, lots) {
                                insert_change(&tx, mid, &auction, *seq, &c, r)?;
                            }
                            next_view = Some(View {
                                seq: *seq,
                                lots: lots.clone(),
                            });
                        }
                        Some(_) => {}
                        None => {
                            next_view = Some(View {
                                seq: *seq,
                                lots: lots.clone(),
                            })
                        }
                    }
                }
                for d in rejected {
                    rows += insert_data_issue(&tx, mid, &auction, d, r)?;
                }
                rows += advance_cursor(&tx, mid, &auction, *seq)?;
            }
            JournalRecord::Bids { lot_id, bids } => {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO bids (auction, seq, message_id, lot_id, at, amount, bidder) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                )?;
                for b in bids {
                    rows += stmt.execute(params![
                        auction,
                        seq_param(b.seq),
                        mid,
                        lot_id,
                        b.at.0,
                        b.amount.to_wire(),
                        b.bidder
                    ])?;
                }
            }
            JournalRecord::Auction(a) => {
                let body = serde_json::to_string(&auction_body(a, r))
                    .expect("wire structs always serialize");
                let last: Option<String> = tx
                    .query_row(
                        "SELECT body FROM auction_info WHERE auction = ?1 ORDER BY rowid DESC LIMIT 1",
                        [&auction],
                        |row| row.get(0),
                    )
                    .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
                let same = last
                    .and_then(|l| super::replay::auction_from_json(&l).ok())
                    .as_ref()
                    == Some(a);
                if !same {
                    rows += tx.execute(
                        "INSERT INTO auction_info (message_id, auction, body) VALUES (?1, ?2, ?3)",
                        params![mid, auction, body],
                    )?;
                }
            }
            JournalRecord::Rates(t) => {
                let source = match t.source {
                    RateSource::Nbk => Some("nbk"),
                    RateSource::Platform => Some("platform"),
                    // User-given rates are not the official rate of any day.
                    RateSource::Fixed => None,
                };
                if let (Some(source), Some(date)) = (source, t.date) {
                    let mut stmt = tx.prepare_cached(
                        "INSERT INTO rates (date, source, currency, rate, fetched_at, message_id) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                    )?;
                    for (cur, rate) in &t.rates {
                        rows += stmt.execute(params![
                            date.to_string(),
                            source,
                            cur.code(),
                            rate.0.to_string(),
                            t.fetched_at.0,
                            mid
                        ])?;
                    }
                }
            }
            JournalRecord::Anomaly {
                lot_id,
                server_at,
                kind,
                evidence,
            } => {
                rows += tx.execute(
                    "INSERT INTO anomalies (message_id, auction, lot_id, server_at, kind, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![mid, auction, lot_id, server_at.or(r.server_est).map(|t| t.0), kind, evidence],
                )?;
            }
            JournalRecord::DataIssue(d) => rows += insert_data_issue(&tx, mid, &auction, d, r)?,
        }
        if rows == 0 {
            tx.rollback()?;
            return Ok(None);
        }
        // The hash chain's records and head go in with the rows and the cursor.
        super::chain::seal(&tx, Some(mid))?;
        tx.commit()?;
        self.view = next_view;
        Ok(Some(new_events))
    }

    /// The journal's view after a restart: the newest snapshot plus the
    /// events stored after it.
    fn load_view(&self) -> std::result::Result<Option<View>, String> {
        let conn = &self.conn;
        let q = || -> rusqlite::Result<Option<RawView>> {
            let seq: Option<i64> = conn.query_row(
                "SELECT max(seq) FROM snapshots WHERE auction = ?1",
                [&self.auction],
                |r| r.get(0),
            )?;
            let Some(seq) = seq else { return Ok(None) };
            let lots = store::load_snapshot_lots(conn, &self.auction, seq)?;
            let mut stmt = conn
                .prepare("SELECT body FROM events WHERE auction = ?1 AND seq > ?2 ORDER BY seq")?;
            let events = stmt
                .query_map(params![self.auction, seq], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some((seq, lots, events)))
        };
        let Some((seq, lots, events)) = q().map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let lots = lots
            .iter()
            .map(|b| codec::decode_lot(b))
            .collect::<std::result::Result<Vec<_>, _>>();
        let events = events
            .iter()
            .map(|b| codec::decode_event(b))
            .collect::<std::result::Result<Vec<_>, _>>();
        let (lots, events) = (
            lots.map_err(|e| e.to_string())?,
            events.map_err(|e| e.to_string())?,
        );
        let mut v = View {
            seq: u64::try_from(seq).unwrap_or(0),
            lots,
        };
        v.apply(&events);
        Ok(Some(v))
    }
}

/// Appends a cursor row when `seq` is past the stored cursor; returns rows added.
fn advance_cursor(
    tx: &Transaction<'_>,
    mid: i64,
    auction: &str,
    seq: u64,
) -> rusqlite::Result<usize> {
    match store::read_cursor(tx, auction)? {
        Some(c) if c >= seq => Ok(0),
        _ => tx.execute(
            "INSERT INTO cursor (message_id, auction, seq) VALUES (?1, ?2, ?3)",
            params![mid, auction, seq_param(seq)],
        ),
    }
}

fn insert_data_issue(
    tx: &Transaction<'_>,
    mid: i64,
    auction: &str,
    d: &DataIssue,
    r: Receipt,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO anomalies (message_id, auction, lot_id, server_at, kind, evidence) VALUES (?1, ?2, ?3, ?4, 'data_issue', ?5)",
        params![mid, auction, d.lot_id, r.server_est.map(|t| t.0), format!("{}: {}", d.field, d.problem)],
    )
}

fn insert_change(
    tx: &Transaction<'_>,
    mid: i64,
    auction: &str,
    snapshot_seq: u64,
    c: &ObservedChange,
    r: Receipt,
) -> rusqlite::Result<usize> {
    let body = match &c.change {
        Change::Added(l) | Change::Terms(l) => {
            serde_json::json!({ "lot": WireLot::from(l.as_ref()) })
        }
        Change::Removed => serde_json::json!({}),
        Change::Bid {
            high,
            closes_at,
            bid_count,
            new_bids,
        } => serde_json::json!({
            "amount": high.amount.to_wire(), "bidder": high.bidder, "at": high.at.to_rfc3339(), "seq": high.seq,
            "closes_at": closes_at.to_rfc3339(), "bid_count": bid_count, "new_bids": new_bids,
        }),
        Change::Extended {
            closes_at,
            extensions,
        } => {
            serde_json::json!({ "closes_at": closes_at.to_rfc3339(), "extensions": extensions })
        }
        Change::Status {
            from,
            to,
            closes_at,
            result,
        } => serde_json::json!({
            "from": from.as_str(), "to": to.as_str(), "closes_at": closes_at.to_rfc3339(),
            "result": result.as_ref().map(WireResult::from),
        }),
    };
    tx.execute(
        "INSERT INTO changes (message_id, auction, snapshot_seq, lot_id, kind, server_at, amount, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            mid,
            auction,
            seq_param(snapshot_seq),
            c.lot_id,
            c.change.kind_name(),
            c.server_at().or(r.server_est).map(|t| t.0),
            c.amount().map(|m| m.to_wire()),
            body.to_string()
        ],
    )
}

fn auction_body(a: &Auction, r: Receipt) -> AuctionBody {
    AuctionBody {
        server_time: r.server_est.unwrap_or(r.local).to_rfc3339(),
        id: a.id.clone(),
        title: a.title.clone(),
        venue: a.venue.clone(),
        timezone: a.timezone.clone(),
        currency: a.currency.clone(),
        starts_at: a.starts_at.to_rfc3339(),
        ends_at: a.ends_at.to_rfc3339(),
        status: a.status.as_str().to_string(),
    }
}
