//! Opening a journal file (checks, schema, settings), the default path, and
//! reading it back: events, the feed cursor, messages for replay, rates.

use super::codec::{self, DecodeError};
use super::schema;
use super::target::Target;
use crate::domain::{Event, Lot, Timestamp};
use crate::platform::sanitize::{MAX_NAME, MAX_NOTICE, clean};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a journal could not be used. The messages say what to do.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {} does not exist (check the path, or run the monitor with --journal to record one)", .0.display())]
    Missing(PathBuf),
    #[error(
        "journal {} is damaged or is not a lotwatch journal ({detail}): check the path; \
         to record a new journal there, move this file aside first",
        path.display()
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("{} is {what}, not a journal file: give the path of the journal's .sqlite file", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("{} is not a lotwatch journal (it has other tables); pass --journal with another path", .0.display())]
    NotAJournal(PathBuf),
    #[error("journal {} was written by a newer lotwatch (schema {found}, this build reads {}); upgrade lotwatch", path.display(), schema::SCHEMA_VERSION)]
    NewerSchema { path: PathBuf, found: i64 },
    #[error("journal {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("journal {}: cannot create its directory: {source}", path.display())]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("journal {}: cannot create the file: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the journal writer has stopped: {0}")]
    WriterGone(String),
    #[error("{0}")]
    NotAJournalUrl(#[from] super::target::NotAJournalUrl),
    #[error("journal {0}")]
    Postgres(#[from] super::pg::PgError),
}

/// A path that exists but is no file a journal can be (a directory, a
/// device such as /dev/null, a pipe).
fn not_a_file(path: &Path) -> Option<JournalError> {
    let m = std::fs::metadata(path).ok()?;
    let what = if m.is_dir() {
        "a directory"
    } else if m.is_file() {
        return None;
    } else {
        "a device or a pipe"
    };
    Some(JournalError::NotAFile {
        path: path.to_path_buf(),
        what,
    })
}

impl JournalError {
    /// Missing, damaged or foreign files: the export's exit code 3.
    pub fn is_bad_file(&self) -> bool {
        matches!(
            self,
            JournalError::Missing(_)
                | JournalError::NotAFile { .. }
                | JournalError::Corrupt { .. }
                | JournalError::NotAJournal(_)
                | JournalError::NewerSchema { .. }
                | JournalError::NotAJournalUrl(_)
                | JournalError::Postgres(
                    super::pg::PgError::NoDatabase { .. } | super::pg::PgError::NewerSchema { .. }
                )
        )
    }
}

pub type Result<T, E = JournalError> = std::result::Result<T, E>;

/// One event as the journal holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub auction: String,
    pub seq: u64,
    pub server_at: Timestamp,
    pub received_at: Timestamp,
    pub event: Event,
}

/// One message as it arrived (one writer transaction), for replay.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    pub id: i64,
    pub auction: String,
    pub kind: String,
    pub received_at: Timestamp,
    pub server_est: Option<Timestamp>,
}

/// An open journal: a SQLite file, or a shared PostgreSQL journal (read
/// through an in-memory copy of its rows in the same tables,
/// `pg::read`). Reads go through this connection; writes go through a
/// [`super::JournalWriter`] and its own thread and connection.
pub struct Journal {
    /// The file, or the database's URL with its password masked.
    path: PathBuf,
    conn: Connection,
    remote: Option<super::pg::Remote>,
}

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> JournalError + '_ {
    move |e| classify(path, e)
}

/// SQLite's "not a database" and "malformed" codes mean a damaged file.
fn classify(path: &Path, e: rusqlite::Error) -> JournalError {
    use rusqlite::ffi::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => JournalError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        _ => JournalError::Sqlite {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Journal {
    /// Opens the journal at `path` for the monitor, creating it (and its
    /// directory) when missing. Runs `PRAGMA integrity_check` first.
    pub fn open(path: &Path) -> Result<Journal> {
        if let Target::Postgres { url, masked } = Target::parse(path)? {
            return Journal::open_shared(&url, &masked, true);
        }
        if let Some(e) = not_a_file(path) {
            return Err(e);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| JournalError::Dir {
                path: path.to_path_buf(),
                source,
            })?;
        }
        super::private_file::ensure(path).map_err(|source| JournalError::Create {
            path: path.to_path_buf(),
            source,
        })?;
        let conn = Connection::open(path).map_err(sql_err(path))?;
        let j = Journal {
            path: path.to_path_buf(),
            conn,
            remote: None,
        };
        j.check()?;
        schema::configure(&j.conn, false).map_err(sql_err(path))?;
        if schema::is_empty(&j.conn).map_err(sql_err(path))? || j.schema_version()?.is_some() {
            schema::create(&j.conn).map_err(sql_err(path))?;
        }
        j.check_schema()?;
        Ok(j)
    }

    /// Opens an existing journal read-only (export, replay). A missing file is
    /// an error, never created.
    pub fn open_existing(path: &Path) -> Result<Journal> {
        if let Target::Postgres { url, masked } = Target::parse(path)? {
            return Journal::open_shared(&url, &masked, false);
        }
        if !path.is_file() {
            return Err(
                not_a_file(path).unwrap_or_else(|| JournalError::Missing(path.to_path_buf()))
            );
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(sql_err(path))?;
        let j = Journal {
            path: path.to_path_buf(),
            conn,
            remote: None,
        };
        j.check()?;
        schema::configure(&j.conn, true).map_err(sql_err(path))?;
        j.check_schema()?;
        Ok(j)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the shared journal at `url`: a monitor's (`write`: creates and
    /// migrates the schema, copies nothing) or a reader's (refuses a newer
    /// schema, copies every row into memory).
    fn open_shared(url: &str, masked: &str, write: bool) -> Result<Journal> {
        let remote = super::pg::Remote::new(url, masked, &super::monitor_name())?;
        let r = remote.clone();
        let conn = super::pg::blocking(move || async move {
            let mut client = r.connect().await?;
            let found = if write {
                super::pg::schema::migrate(&mut client).await
            } else {
                super::pg::schema::check(&client).await
            };
            match found {
                Ok(_) => {}
                Err(super::pg::schema::MigrateError::Newer(v)) => {
                    return Err(super::pg::PgError::NewerSchema {
                        url: r.masked.clone(),
                        found: v,
                    });
                }
                Err(super::pg::schema::MigrateError::Sql(e)) => return Err(r.query_error(&e)),
            }
            let other = |detail: String| super::pg::PgError::Other {
                url: r.masked.clone(),
                detail: r.clean(&detail),
            };
            let conn = super::pg::read::memory_copy().map_err(|e| other(e.to_string()))?;
            if !write {
                let mut copied = super::pg::read::Copied::default();
                super::pg::read::copy_new(&client, &conn, &mut copied)
                    .await
                    .map_err(other)?;
            }
            Ok(conn)
        })
        .map_err(|detail| super::pg::PgError::Other {
            url: masked.to_string(),
            detail,
        })??;
        Ok(Journal::from_copy(conn, masked, remote))
    }

    /// A journal over an in-memory copy of a shared journal's rows.
    pub(super) fn from_copy(conn: Connection, masked: &str, remote: super::pg::Remote) -> Journal {
        Journal {
            path: PathBuf::from(masked),
            conn,
            remote: Some(remote),
        }
    }

    /// The shared journal's connection settings and this monitor's name,
    /// when this journal is in PostgreSQL.
    pub fn remote(&self) -> Option<&super::pg::Remote> {
        self.remote.as_ref()
    }

    fn check(&self) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(sql_err(&self.path))?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.take(5).collect())
            .map_err(sql_err(&self.path))?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(JournalError::Corrupt {
                path: self.path.clone(),
                detail: rows.join("; "),
            })
        }
    }

    fn schema_version(&self) -> Result<Option<i64>> {
        schema::version(&self.conn).map_err(sql_err(&self.path))
    }

    fn check_schema(&self) -> Result<()> {
        match self.schema_version()? {
            None => Err(JournalError::NotAJournal(self.path.clone())),
            Some(v) if v > schema::SCHEMA_VERSION => Err(JournalError::NewerSchema {
                path: self.path.clone(),
                found: v,
            }),
            Some(_) => Ok(()),
        }
    }

    /// The feed position this journal has recorded for `auction`: the
    /// highest seq written by an events batch or a snapshot. The sync engine
    /// resumes its feed after it, so a restart fills the gap.
    pub fn cursor(&self, auction: &str) -> Result<Option<u64>> {
        if let Some(r) = &self.remote {
            return super::pg::read::cursor_blocking(r, auction).map_err(JournalError::from);
        }
        read_cursor(&self.conn, auction).map_err(sql_err(&self.path))
    }

    /// The auctions this file holds, in the order first seen.
    pub fn auctions(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT auction FROM messages GROUP BY auction ORDER BY min(id)")
            .map_err(sql_err(&self.path))?;
        let v = stmt
            .query_map([], |r| text(r, 0))
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        Ok(v)
    }

    /// Every event, in seq order, optionally of one lot only.
    pub fn events(&self, lot: Option<&str>) -> Result<Vec<StoredEvent>> {
        let sql = "SELECT auction, seq, server_at, received_at, body FROM events \
                   WHERE (?1 IS NULL OR lot_id = ?1) ORDER BY auction, seq";
        self.collect_events(sql, params![lot])
    }

    /// The events one message wrote, in seq order.
    pub fn events_of_message(&self, message_id: i64) -> Result<Vec<StoredEvent>> {
        let sql = "SELECT auction, seq, server_at, received_at, body FROM events WHERE message_id = ?1 ORDER BY seq";
        self.collect_events(sql, params![message_id])
    }

    fn collect_events(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<StoredEvent>> {
        let mut stmt = self.conn.prepare(sql).map_err(sql_err(&self.path))?;
        let rows: Vec<(String, i64, i64, i64, String)> = stmt
            .query_map(p, |r| {
                Ok((text(r, 0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        rows.into_iter()
            .map(|(auction, seq, server_at, received_at, body)| {
                let event = codec::decode_event(&body)
                    .map_err(|e| self.damaged(&format!("event seq {seq}"), e))?;
                Ok(StoredEvent {
                    auction,
                    seq: to_u64(seq),
                    server_at: Timestamp(server_at),
                    received_at: Timestamp(received_at),
                    event,
                })
            })
            .collect()
    }

    fn damaged(&self, what: &str, e: DecodeError) -> JournalError {
        // The decoder may quote the row's text.
        JournalError::Corrupt {
            path: self.path.clone(),
            detail: clean(&format!("{what}: {e}"), MAX_NOTICE),
        }
    }

    /// Every message in arrival order.
    pub fn messages(&self) -> Result<Vec<StoredMessage>> {
        self.messages_after(i64::MIN)
    }

    /// The messages after id `after`, in arrival order.
    pub fn messages_after(&self, after: i64) -> Result<Vec<StoredMessage>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, auction, kind, received_at, server_est FROM messages WHERE id > ?1 ORDER BY id")
            .map_err(sql_err(&self.path))?;
        let v = stmt
            .query_map([after], |r| {
                Ok(StoredMessage {
                    id: r.get(0)?,
                    auction: text(r, 1)?,
                    kind: text(r, 2)?,
                    received_at: Timestamp(r.get(3)?),
                    server_est: r.get::<_, Option<i64>>(4)?.map(Timestamp),
                })
            })
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        Ok(v)
    }

    /// The snapshot a message wrote: its seq and lots in the order received.
    pub fn snapshot_of_message(&self, message_id: i64) -> Result<Option<(u64, Vec<Lot>)>> {
        let row: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT auction, seq FROM snapshots WHERE message_id = ?1",
                [message_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql_err(&self.path))?;
        let Some((auction, seq)) = row else {
            return Ok(None);
        };
        let lots = load_snapshot_lots(&self.conn, &auction, seq).map_err(sql_err(&self.path))?;
        let lots = lots
            .into_iter()
            .map(|b| codec::decode_lot(&b).map_err(|e| self.damaged(&format!("snapshot {seq}"), e)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some((to_u64(seq), lots)))
    }

    /// The auction description a message wrote, as JSON (`AuctionBody`).
    pub fn auction_of_message(&self, message_id: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT body FROM auction_info WHERE message_id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql_err(&self.path))
    }

    /// The rates a message wrote: (date, source, currency, rate).
    pub fn rates_of_message(
        &self,
        message_id: i64,
    ) -> Result<Vec<(String, String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT date, source, currency, rate FROM rates WHERE message_id = ?1 ORDER BY currency")
            .map_err(sql_err(&self.path))?;
        let v = stmt
            .query_map([message_id], |r| {
                Ok((text(r, 0)?, text(r, 1)?, text(r, 2)?, text(r, 3)?))
            })
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        Ok(v)
    }

    /// Every dated rate seen: (date, source) -> currency -> rate string.
    pub fn rates(&self) -> Result<BTreeMap<(String, String), BTreeMap<String, String>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT date, source, currency, rate FROM rates")
            .map_err(sql_err(&self.path))?;
        let rows: Vec<(String, String, String, String)> = stmt
            .query_map([], |r| {
                Ok((text(r, 0)?, text(r, 1)?, text(r, 2)?, text(r, 3)?))
            })
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        let mut out: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
        for (date, source, cur, rate) in rows {
            out.entry((date, source)).or_default().insert(cur, rate);
        }
        Ok(out)
    }

    /// Anomalies recorded, in the order written.
    pub fn anomalies(&self) -> Result<Vec<StoredAnomaly>> {
        self.query_anomalies("", params![])
    }

    fn query_anomalies(
        &self,
        filter: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<StoredAnomaly>> {
        let sql = format!(
            "SELECT auction, lot_id, server_at, kind, evidence FROM anomalies {filter} ORDER BY rowid"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(sql_err(&self.path))?;
        let v = stmt
            .query_map(p, |r| {
                Ok(StoredAnomaly {
                    auction: text(r, 0)?,
                    lot_id: r.get::<_, Option<String>>(1)?.map(|s| clean(&s, MAX_NAME)),
                    server_at: r.get::<_, Option<i64>>(2)?.map(Timestamp),
                    kind: text(r, 3)?,
                    evidence: clean(&r.get::<_, String>(4)?, MAX_NOTICE),
                })
            })
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        Ok(v)
    }

    /// The anomalies one message wrote.
    pub fn anomalies_of_message(&self, message_id: i64) -> Result<Vec<StoredAnomaly>> {
        self.query_anomalies("WHERE message_id = ?1", params![message_id])
    }

    /// Changes derived by comparing snapshots: (lot, kind, JSON body).
    pub fn changes(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT lot_id, kind, body FROM changes ORDER BY rowid")
            .map_err(sql_err(&self.path))?;
        let v = stmt
            .query_map([], |r| Ok((text(r, 0)?, text(r, 1)?, r.get(2)?)))
            .and_then(|r| r.collect())
            .map_err(sql_err(&self.path))?;
        Ok(v)
    }

    /// Convenience for tools: opens `path` read-only and reads its events.
    pub fn read_events(path: &Path, lot: Option<&str>) -> Result<Vec<StoredEvent>> {
        Journal::open_existing(path)?.events(lot)
    }

    /// The raw connection, for tests that prove the triggers hold.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// A short text column as read back: outside text (the server's, or a
/// tamperer's), sanitized like the server's text was (escapes and controls
/// out, bounded), since a journal's rows can be edited.
fn text(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(clean(&r.get::<_, String>(i)?, MAX_NAME))
}

/// An anomaly as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAnomaly {
    pub auction: String,
    pub lot_id: Option<String>,
    pub server_at: Option<Timestamp>,
    pub kind: String,
    pub evidence: String,
}

pub(crate) fn read_cursor(conn: &Connection, auction: &str) -> rusqlite::Result<Option<u64>> {
    let v: Option<i64> = conn.query_row(
        "SELECT max(seq) FROM cursor WHERE auction = ?1",
        [auction],
        |r| r.get(0),
    )?;
    Ok(v.map(to_u64))
}

pub(crate) fn load_snapshot_lots(
    conn: &Connection,
    auction: &str,
    seq: i64,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn
        .prepare("SELECT body FROM snapshot_lots WHERE auction = ?1 AND seq = ?2 ORDER BY ord")?;
    stmt.query_map(params![auction, seq], |r| r.get(0))?
        .collect()
}

pub(crate) fn seq_param(seq: u64) -> i64 {
    to_i64(seq)
}

/// The journal file named `id` in the user's data directory:
/// `<data dir>/lotwatch/<id>.sqlite` (a source's name, `api:HOST[:PORT]`,
/// `site:HOST[:PORT]`, from `shell::journal_name`; or, as an earlier
/// lotwatch named the API's, an auction's id:
/// `~/.local/share/lotwatch/kz-subsoil-2025-06.sqlite`). None when the
/// system has no per-user data directory.
pub fn default_path(auction_id: &str) -> Option<PathBuf> {
    dirs::data_dir().map(|d| {
        d.join("lotwatch")
            .join(format!("{}.sqlite", file_stem(auction_id)))
    })
}

/// An auction id made safe as a file name: ASCII letters, digits, `-`, `_`
/// and inner `.` kept, anything else replaced by `_`, at most 64 characters.
/// When anything had to change, a short hash of the original id is appended
/// so that two ids never share a file.
pub fn file_stem(auction_id: &str) -> String {
    let mut s: String = auction_id
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s != auction_id || s.is_empty() {
        // FNV-1a: stable across builds and platforms, unlike std's hasher.
        let h = auction_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        s = format!(
            "{}-{:08x}",
            if s.is_empty() { "auction" } else { &s },
            h as u32
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe_and_distinct() {
        assert_eq!(file_stem("kz-subsoil-2025-06"), "kz-subsoil-2025-06");
        for hostile in [
            "../../etc/passwd",
            "a/b",
            "a\\b",
            "..",
            ".hidden",
            "",
            "Аукцион 1",
            "x\0y",
            "con:",
        ] {
            let s = file_stem(hostile);
            assert!(!s.is_empty() && !s.starts_with('.'), "{hostile:?} -> {s:?}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                "{hostile:?} -> {s:?}"
            );
        }
        assert_ne!(file_stem("a/b"), file_stem("a_b"));
        assert_ne!(file_stem("a/b"), file_stem("a\\b"));
        assert!(file_stem(&"x".repeat(500)).len() <= 64 + 9);
    }

    #[test]
    fn default_path_is_one_file_per_auction() {
        if let Some(p) = default_path("kz-subsoil-2025-06") {
            assert!(
                p.ends_with("lotwatch/kz-subsoil-2025-06.sqlite"),
                "{}",
                p.display()
            );
        }
    }
}
