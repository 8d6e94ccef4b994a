//! The SQLite side of the journal's writer: its own connection to the file,
//! the file's identity (a file deleted, replaced or made read-only under the
//! monitor is noticed before each transaction), and one record written as
//! one transaction, sealed into the hash chain (`chain::seal`).

use super::codec;
use super::health::JournalCause;
use super::record::{JournalRecord, Receipt, auction_body, change_body};
use super::store::{self, Journal, JournalError, Result, seq_param};
use super::view::View;
use super::writer::{Failure, Sink};
use crate::domain::EventKind;
use crate::domain::change::LotChange;
use crate::rates::RateSource;
use crate::sync::DataIssue;
use rusqlite::{Connection, Transaction, params};
use std::path::{Path, PathBuf};

/// The writer's connection to `path`, and the file's identity (device and
/// inode), to notice it being deleted or replaced.
fn open_for_writing(path: &Path) -> rusqlite::Result<(Connection, Option<(u64, u64)>)> {
    let conn = Connection::open(path)?;
    super::schema::configure(&conn, false)?;
    Ok((conn, file_id(path)))
}

fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        match super::health::cause_of_sqlite(&e) {
            Some(c) => Failure::Disk(c),
            None => Failure::Record(e.to_string()),
        }
    }
}

/// A snapshot's seq, its lots and the later events, as stored JSON.
type RawView = (i64, Vec<String>, Vec<String>);

pub(super) struct SqliteSink {
    conn: Connection,
    path: PathBuf,
    /// The file's device and inode when it was opened.
    file_id: Option<(u64, u64)>,
    auction: String,
    view: Option<View>,
}

impl SqliteSink {
    /// The writer's own connection to the journal at `path`, and the view
    /// of `auction`'s lots the file holds.
    pub fn open(path: &Path, auction: &str) -> Result<SqliteSink> {
        let (conn, file_id) = open_for_writing(path).map_err(|source| JournalError::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let mut sink = SqliteSink {
            conn,
            path: path.to_path_buf(),
            file_id,
            auction: auction.to_string(),
            view: None,
        };
        sink.view = sink.load_view().map_err(|e| JournalError::Corrupt {
            path: path.to_path_buf(),
            detail: e,
        })?;
        Ok(sink)
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
                next_view = View::after_events(&self.view, events);
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
                    let (changes, after) = View::after_snapshot(&next_view, *seq, lots);
                    for c in &changes {
                        insert_change(&tx, mid, &auction, *seq, c, r)?;
                    }
                    next_view = after;
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
        View::from_stored(seq, &lots, &events).map(Some)
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
    c: &LotChange,
    r: Receipt,
) -> rusqlite::Result<usize> {
    let body = change_body(c);
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
impl Sink for SqliteSink {
    fn label(&self) -> String {
        self.path.display().to_string()
    }

    fn check(&mut self) -> std::result::Result<(), Failure> {
        self.check_file()
    }

    fn write(
        &mut self,
        record: &JournalRecord,
        r: Receipt,
    ) -> std::result::Result<Option<u64>, Failure> {
        SqliteSink::write(self, record, r).map_err(Failure::from)
    }

    fn recover(&mut self, cause: &JournalCause) {
        if *cause == JournalCause::Deleted {
            self.reopen();
        }
    }

    fn checkpoint(&mut self) {
        // (busy, pages in the log, pages moved): busy when a reader holds
        // the log (a follower); its pages are then moved next time.
        let done = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            });
        match done {
            Ok((0, _, _)) => {
                tracing::info!(journal = %self.path.display(), "journal checkpointed: the file holds every record")
            }
            Ok((_, log, moved)) => {
                tracing::warn!(journal = %self.path.display(), "journal checkpoint incomplete ({moved} of {log} pages moved): a reader holds the -wal file; keep it beside the journal")
            }
            Err(e) => {
                tracing::warn!(journal = %self.path.display(), "journal checkpoint failed: {e}; keep the -wal file beside the journal")
            }
        }
    }
}
