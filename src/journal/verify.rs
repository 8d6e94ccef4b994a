//! `lotwatch verify`: checks a journal against tampering: SQLite's integrity
//! check, the append-only triggers, and the hash chain record by record (an
//! edited, deleted or inserted row, a cut-off tail), and words the outcome.
//! Read-only (`shell/verify.rs` migrates first when asked).

use super::chain::{self, CHAINED};
use super::schema;
use crate::domain::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Exit status: every check passed.
pub const EXIT_OK: u8 = 0;
/// Exit status: the file could not be read as a journal (missing, not SQLite,
/// not lotwatch's, from a newer build), as `export` uses it.
pub const EXIT_BAD_FILE: u8 = 3;
/// Exit status: the journal was read and a check failed.
pub const EXIT_FAILED: u8 = 4;

/// What `lotwatch verify` is asked to do (the command line's plain form).
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    pub journal: PathBuf,
    /// Start the chain of a journal written before chains (writes to it).
    pub migrate: bool,
    /// A head printed on a protocol: the chain must contain it.
    pub head: Option<String>,
}

/// Where the chain begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// When the chain was started (this machine's clock).
    pub started_at: Timestamp,
    /// True when the journal existed before its chain (migrated).
    pub migrated: bool,
    /// Rows there before the chain began (counted, not covered), by table.
    pub before: Vec<(String, u64)>,
    /// The first message the chain covers (None: none yet).
    pub first_message: Option<i64>,
    /// The chain's first record of journal data (after its start records).
    pub first_record: Option<i64>,
}

impl Coverage {
    /// Rows there before the chain, in all tables.
    pub fn rows_before(&self) -> u64 {
        self.before.iter().map(|b| b.1).sum()
    }

    /// Messages there before the chain.
    fn messages_before(&self) -> u64 {
        self.before
            .iter()
            .find(|b| b.0 == "messages")
            .map_or(0, |b| b.1)
    }
}

/// A journal that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub records: u64,
    pub head: String,
    pub coverage: Coverage,
    pub triggers: usize,
}

/// A record of the chain, named for a person: its number, table, rowid and
/// what the row is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordName {
    pub n: Option<i64>,
    pub table: String,
    pub rowid: i64,
    pub what: Option<String>,
}

impl fmt::Display for RecordName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.n {
            write!(f, "record {n} (")?;
        }
        write!(f, "{} row {}", self.table, self.rowid)?;
        if let Some(w) = &self.what {
            write!(f, ": {w}")?;
        }
        if self.n.is_some() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// The first thing that does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error(
        "the journal has no hash chain (written before lotwatch chained its journals), so nothing in it is covered; `lotwatch verify --journal PATH --migrate` starts the chain now"
    )]
    NoChain,
    #[error("SQLite's integrity check failed: {0}")]
    Integrity(String),
    #[error(
        "the append-only trigger {0} is missing: rows could have been changed or deleted without a trace in SQLite"
    )]
    TriggerMissing(String),
    #[error("the append-only trigger {0} is not the one lotwatch creates: it was replaced")]
    TriggerAltered(String),
    #[error("{0} does not match its hash: the row was changed after it was written")]
    Changed(RecordName),
    #[error("{0} is missing: the row was deleted")]
    Deleted(RecordName),
    #[error(
        "record {0} is missing from the chain (records must run 1, 2, 3, ...): the chain was cut"
    )]
    ChainGap(i64),
    #[error("record {n} names table {table:?}, which is not chained: the chain was forged")]
    UnknownTable { n: i64, table: String },
    #[error("{0} is not in the chain: the row was added outside lotwatch")]
    Inserted(RecordName),
    #[error(
        "table {table} held {expected} rows when the chain began and has {found} of them now: rows written before the chain were deleted"
    )]
    BeforeChain {
        table: String,
        expected: i64,
        found: i64,
    },
    #[error("the chain's start (table chain_start) is damaged: {0}")]
    Start(String),
    #[error(
        "the head stored with the cursor says record {stored} but the chain ends at record {ends}: records {} to {stored} were cut off the tail",
        .ends + 1
    )]
    Truncated { stored: i64, ends: i64 },
    #[error(
        "record {n}'s hash is {chain}, but the head stored with the cursor for it is {stored}: the chain was rewritten"
    )]
    HeadMismatch {
        n: i64,
        chain: String,
        stored: String,
    },
    #[error(
        "record {records} (the chain's last) is not covered by any head stored with the cursor: records were added outside lotwatch"
    )]
    NoHead { records: i64 },
    #[error(
        "no record of this journal's chain has the head {0}: the journal is not the one that protocol was printed from, or it was cut or rewritten since"
    )]
    HeadNotFound(String),
}

/// Why verification could not even start.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("journal {} does not exist (check the path)", .0.display())]
    Missing(PathBuf),
    #[error("{} cannot be read as a journal: {detail}", path.display())]
    Unreadable { path: PathBuf, detail: String },
    #[error("{} is not a lotwatch journal (it has other tables)", .0.display())]
    NotAJournal(PathBuf),
    #[error("journal {} was written by a newer lotwatch (schema {found}, this build reads {}); upgrade lotwatch", path.display(), schema::SCHEMA_VERSION)]
    NewerSchema { path: PathBuf, found: i64 },
    #[error("journal {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// The outcome of the checks on a readable journal.
type Outcome = Result<Verified, Failure>;

/// Opens `path` read-only and runs every check.
pub fn verify_path(path: &Path) -> Result<Outcome, VerifyError> {
    use rusqlite::ffi::ErrorCode;
    if !path.is_file() {
        return Err(VerifyError::Missing(path.to_path_buf()));
    }
    let run = || -> rusqlite::Result<Result<Outcome, VerifyError>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        schema::configure(&conn, true)?;
        if let Err(f) = integrity(&conn)? {
            return Ok(Ok(Err(f)));
        }
        match schema::version(&conn)? {
            None => return Ok(Err(VerifyError::NotAJournal(path.to_path_buf()))),
            Some(v) if v > schema::SCHEMA_VERSION => {
                return Ok(Err(VerifyError::NewerSchema {
                    path: path.to_path_buf(),
                    found: v,
                }));
            }
            Some(_) => {}
        }
        verify_checked(&conn).map(Ok)
    };
    match run() {
        Ok(r) => r,
        // A page SQLite cannot read is damage the integrity check would name.
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) => {
            Ok(Err(Failure::Integrity(e.to_string())))
        }
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(VerifyError::Unreadable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })
        }
        Err(source) => Err(VerifyError::Sqlite {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Records of the chain that only the `-wal` file beside `path` holds (the
/// file read alone, as a copy of it would be, ends before them): None when
/// there is no such file or it adds nothing, or when it cannot be told.
pub fn records_only_in_wal(path: &Path) -> Option<(u64, u64)> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).map_or(true, |m| m.len() == 0) {
        return None;
    }
    let count = |conn: &Connection| {
        conn.query_row("SELECT COALESCE(MAX(n), 0) FROM chain", [], |r| {
            r.get::<_, i64>(0)
        })
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let whole = count(&Connection::open_with_flags(path, flags).ok()?).ok()?;
    // `immutable=1`: SQLite reads the file alone and leaves the WAL unread.
    let uri = format!("file:{}?immutable=1", uri_path(path)?);
    let alone = Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).ok()?;
    let alone = count(&alone).unwrap_or(0);
    let (whole, alone) = (u64::try_from(whole).ok()?, u64::try_from(alone).ok()?);
    (whole > alone).then_some((whole - alone, whole))
}

/// A path as the path part of an SQLite URI (absolute, `%`, `?` and `#`
/// escaped).
fn uri_path(path: &Path) -> Option<String> {
    let abs = std::path::absolute(path).ok()?;
    let text = abs.to_str()?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    Some(out)
}

/// The warning for records only the `-wal` file holds.
pub fn wal_warning(path: &Path, only_in_wal: u64, records: u64) -> String {
    format!(
        "warning: {only_in_wal} of the {records} records are only in {}-wal, not in the file itself: \
         a copy of {} alone would lack them (and still verify). Keep the -wal file with it; \
         lotwatch folds it into the file when the monitor or `watch` writing it quits",
        path.display(),
        path.display()
    )
}

/// The checks after the integrity check: the chain record by record, rows
/// outside it, the heads stored with the cursor, then the triggers.
pub fn verify_checked(conn: &Connection) -> rusqlite::Result<Outcome> {
    if !chain::has_chain(conn)? {
        return Ok(Err(Failure::NoChain));
    }
    let coverage = match coverage(conn)? {
        Ok(c) => c,
        Err(f) => return Ok(Err(f)),
    };
    let (records, head) = match walk(conn)? {
        Ok(v) => v,
        Err(f) => return Ok(Err(f)),
    };
    if let Err(f) = unchained_rows(conn)? {
        return Ok(Err(f));
    }
    if let Err(f) = check_heads(conn, records, &head)? {
        return Ok(Err(f));
    }
    // Last: a changed row is named even when its trigger was dropped too.
    let triggers = match check_triggers(conn)? {
        Ok(n) => n,
        Err(f) => return Ok(Err(f)),
    };
    Ok(Ok(Verified {
        records: u64::try_from(records).unwrap_or(0),
        head: chain::hex(&head),
        coverage,
        triggers,
    }))
}

/// All of it on an open connection: integrity, triggers, chain.
pub fn verify(conn: &Connection) -> rusqlite::Result<Outcome> {
    if let Err(f) = integrity(conn)? {
        return Ok(Err(f));
    }
    verify_checked(conn)
}

fn integrity(conn: &Connection) -> rusqlite::Result<Result<(), Failure>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .take(5)
        .collect::<rusqlite::Result<_>>()?;
    Ok(if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        Err(Failure::Integrity(rows.join("; ")))
    })
}

/// Whitespace collapsed and `IF NOT EXISTS` dropped, as SQLite may store it.
fn normalized(sql: &str) -> String {
    sql.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" IF NOT EXISTS", "")
        .trim_end_matches(';')
        .to_string()
}

fn check_triggers(conn: &Connection) -> rusqlite::Result<Result<usize, Failure>> {
    let mut stmt =
        conn.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1")?;
    let mut n = 0;
    for table in schema::GUARDED {
        for (op, suffix) in [("UPDATE", "update"), ("DELETE", "delete")] {
            let name = format!("{table}_no_{suffix}");
            let sql: Option<Option<String>> = stmt.query_row([&name], |r| r.get(0)).optional()?;
            match sql.flatten() {
                None => return Ok(Err(Failure::TriggerMissing(name))),
                Some(s) if normalized(&s) != normalized(&schema::trigger_sql(table, op)) => {
                    return Ok(Err(Failure::TriggerAltered(name)));
                }
                Some(_) => n += 1,
            }
        }
    }
    Ok(Ok(n))
}

fn coverage(conn: &Connection) -> rusqlite::Result<Result<Coverage, Failure>> {
    let mut stmt = conn.prepare(
        "SELECT tbl, rows, max_rowid, started_at, migrated FROM chain_start ORDER BY rowid",
    )?;
    let rows: Vec<(String, i64, i64, i64, i64)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut before = Vec::new();
    for (table, _) in CHAINED.iter().skip(1) {
        let Some(r) = rows.iter().find(|r| r.0 == *table) else {
            return Ok(Err(Failure::Start(format!("no row for table {table}"))));
        };
        let found: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE rowid <= ?1"),
            [r.2],
            |x| x.get(0),
        )?;
        if found != r.1 {
            return Ok(Err(Failure::BeforeChain {
                table: table.to_string(),
                expected: r.1,
                found,
            }));
        }
        if r.1 > 0 {
            before.push((table.to_string(), u64::try_from(r.1).unwrap_or(0)));
        }
    }
    let Some(first) = rows.first() else {
        return Ok(Err(Failure::Start("empty".into())));
    };
    let messages_max = rows.iter().find(|r| r.0 == "messages").map_or(0, |r| r.2);
    let first_message: Option<i64> = conn.query_row(
        "SELECT min(id) FROM messages WHERE id > ?1",
        [messages_max],
        |r| r.get(0),
    )?;
    let first_record: Option<i64> = conn.query_row(
        "SELECT min(n) FROM chain WHERE tbl <> 'chain_start'",
        [],
        |r| r.get(0),
    )?;
    Ok(Ok(Coverage {
        started_at: Timestamp(first.3),
        migrated: first.4 != 0,
        before,
        first_message,
        first_record,
    }))
}

/// A short description of a row, for naming it.
fn describe(conn: &Connection, table: &str, rowid: i64) -> Option<String> {
    let sql = match table {
        "messages" => "SELECT 'message ' || id || ' (' || kind || ')' FROM messages",
        "events" => {
            "SELECT 'event seq ' || seq || ', ' || type || coalesce(' on lot ' || lot_id, '') FROM events"
        }
        "cursor" => "SELECT 'the cursor at seq ' || seq FROM cursor",
        "snapshots" => "SELECT 'the snapshot at seq ' || seq FROM snapshots",
        "snapshot_lots" => {
            "SELECT 'lot ' || lot_id || ' in the snapshot at seq ' || seq FROM snapshot_lots"
        }
        "changes" => "SELECT 'a ' || kind || ' change of lot ' || lot_id FROM changes",
        "bids" => "SELECT 'bid seq ' || seq || ' on lot ' || lot_id FROM bids",
        "auction_info" => {
            "SELECT 'the auction description of message ' || message_id FROM auction_info"
        }
        "rates" => "SELECT 'the ' || source || ' ' || currency || ' rate of ' || date FROM rates",
        "anomalies" => {
            "SELECT 'a ' || kind || ' anomaly' || coalesce(' on lot ' || lot_id, '') FROM anomalies"
        }
        "chain_start" => "SELECT 'the chain start of table ' || tbl FROM chain_start",
        _ => return None,
    };
    // The row's text is outside text (the server's, or a tamperer's).
    conn.query_row(&format!("{sql} WHERE rowid = ?1"), [rowid], |r| {
        r.get::<_, Option<String>>(0)
    })
    .optional()
    .ok()
    .flatten()
    .flatten()
    .map(|w: String| outside(&w))
}

fn name(conn: &Connection, n: Option<i64>, table: &str, rowid: i64) -> RecordName {
    RecordName {
        n,
        table: table.to_string(),
        rowid,
        what: describe(conn, table, rowid),
    }
}

/// Recomputes every record in order; returns (records, head).
fn walk(conn: &Connection) -> rusqlite::Result<Result<(i64, chain::Hash), Failure>> {
    let mut lookups: HashMap<&str, (rusqlite::Statement<'_>, usize)> = HashMap::new();
    for (table, cols) in CHAINED {
        let stmt = conn.prepare(&chain::select_sql(table, cols, "rowid = ?1"))?;
        lookups.insert(table, (stmt, cols.len()));
    }
    let mut records = conn.prepare("SELECT n, tbl, row_id, hash FROM chain ORDER BY n")?;
    let mut rows = records.query([])?;
    let mut prev = chain::ZERO;
    let mut expected = 1i64;
    let mut buf = Vec::with_capacity(1024);
    while let Some(r) = rows.next()? {
        let n: i64 = r.get(0)?;
        let table: String = r.get(1)?;
        let rowid: i64 = r.get(2)?;
        let stored: String = r.get(3)?;
        if n != expected {
            return Ok(Err(Failure::ChainGap(expected)));
        }
        let Some((stmt, cols)) = lookups.get_mut(table.as_str()) else {
            return Ok(Err(Failure::UnknownTable { n, table }));
        };
        let mut found = stmt.query([rowid])?;
        let Some(row) = found.next()? else {
            return Ok(Err(Failure::Deleted(name(conn, Some(n), &table, rowid))));
        };
        chain::canonical(&mut buf, &table, row, *cols)?;
        prev = chain::link(&prev, &buf);
        if chain::parse_hex(&stored) != Some(prev) {
            return Ok(Err(Failure::Changed(name(conn, Some(n), &table, rowid))));
        }
        expected += 1;
    }
    Ok(Ok((expected - 1, prev)))
}

/// Every row after the chain's start must be a record.
fn unchained_rows(conn: &Connection) -> rusqlite::Result<Result<(), Failure>> {
    for (table, _) in CHAINED {
        let after: i64 = conn.query_row(
            "SELECT coalesce((SELECT max_rowid FROM chain_start WHERE tbl = ?1), 0)",
            [table],
            |r| r.get(0),
        )?;
        let (rows, chained): (i64, i64) = conn.query_row(
            &format!(
                "SELECT (SELECT count(*) FROM {table} WHERE rowid > ?1), \
                        (SELECT count(*) FROM chain WHERE tbl = ?2)"
            ),
            params![after, table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if rows != chained {
            let extra: Option<i64> = conn
                .query_row(
                    &format!(
                        "SELECT t.rowid FROM {table} t WHERE t.rowid > ?1 AND NOT EXISTS \
                         (SELECT 1 FROM chain c WHERE c.tbl = ?2 AND c.row_id = t.rowid) ORDER BY t.rowid LIMIT 1"
                    ),
                    params![after, table],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(rowid) = extra {
                return Ok(Err(Failure::Inserted(name(conn, None, table, rowid))));
            }
        }
    }
    Ok(Ok(()))
}

/// The heads stored with the cursor must be hashes of the chain, and the
/// last one its end.
fn check_heads(
    conn: &Connection,
    records: i64,
    head: &chain::Hash,
) -> rusqlite::Result<Result<(), Failure>> {
    let mut stmt = conn.prepare("SELECT records, head FROM chain_head ORDER BY rowid")?;
    let heads: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if let Some(stored) = heads.iter().map(|h| h.0).max()
        && stored > records
    {
        return Ok(Err(Failure::Truncated {
            stored,
            ends: records,
        }));
    }
    let mut at = conn.prepare("SELECT hash FROM chain WHERE n = ?1")?;
    for (n, stored) in &heads {
        let chain: Option<String> = at.query_row([n], |r| r.get(0)).optional()?;
        if chain.as_deref() != Some(stored.as_str()) {
            return Ok(Err(Failure::HeadMismatch {
                n: *n,
                chain: chain.unwrap_or_default(),
                stored: stored.clone(),
            }));
        }
    }
    match heads.last() {
        Some((n, h)) if *n == records && chain::parse_hex(h).as_ref() == Some(head) => Ok(Ok(())),
        _ if records == 0 => Ok(Ok(())),
        _ => Ok(Err(Failure::NoHead { records })),
    }
}

/// The record number whose hash is `head`, if any.
pub fn find_head(conn: &Connection, head: &str) -> rusqlite::Result<Option<i64>> {
    let Some(h) = chain::parse_hex(head) else {
        return Ok(None);
    };
    conn.query_row(
        "SELECT n FROM chain WHERE hash = ?1",
        [chain::hex(&h)],
        |r| r.get(0),
    )
    .optional()
}

/// The coverage line of a verified journal, in English.
fn coverage_text(c: &Coverage) -> String {
    let when = astana(c.started_at);
    if c.migrated {
        let from = match (c.first_record, c.first_message) {
            (Some(r), Some(m)) => format!("from record {r} (message {m}) on"),
            _ => "no record of journal data yet".to_string(),
        };
        format!(
            "since the migration of {when} (Astana): {from}; the {} rows written before it ({} messages) are counted, not covered",
            c.rows_before(),
            c.messages_before()
        )
    } else {
        format!("every record since the journal began ({when}, Astana)")
    }
}

fn astana(t: Timestamp) -> String {
    t.astana()
        .map(|z| z.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| t.to_rfc3339())
}

/// Writes the report of a verification to `out`; returns the exit status.
/// `head` is a head given to look for, and the record that has it.
pub fn report(
    path: &Path,
    outcome: &Outcome,
    head: Option<(&str, Option<i64>)>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let file = outside(&path.display().to_string());
    let failure = match (outcome, head) {
        (Err(f), _) => f.clone(),
        (Ok(_), Some((h, None))) => Failure::HeadNotFound(h.to_string()),
        (Ok(v), _) => {
            writeln!(out, "journal {file}: OK")?;
            writeln!(out, "records: {}", v.records)?;
            writeln!(out, "head:    {}", v.head)?;
            writeln!(out, "covered: {}", coverage_text(&v.coverage))?;
            writeln!(
                out,
                "checked: SQLite integrity, {} append-only triggers, {} records of the chain",
                v.triggers, v.records
            )?;
            if let Some((_, Some(n))) = head {
                writeln!(out, "the given head is record {n} of this chain")?;
            }
            return Ok(EXIT_OK);
        }
    };
    writeln!(out, "journal {file}: FAILED")?;
    writeln!(out, "{}", outside(&failure.to_string()))?;
    Ok(EXIT_FAILED)
}

/// Text read from a journal, made safe for a terminal, Markdown or HTML's
/// source: a tampered row may hold escape sequences (`\r\e[1A\e[2K…OK`
/// would paint "OK" over "FAILED"), so it passes the one sanitizer as the
/// server's text did (escapes and controls out, bounded).
pub fn outside(text: &str) -> String {
    crate::platform::sanitize::clean(text, crate::platform::sanitize::MAX_NOTICE)
}
