//! The journal's SQLite schema: append-only tables (triggers refuse UPDATE and
//! DELETE), the schema version, and the connection settings every opener uses.

use rusqlite::Connection;

/// Bumped when the tables change; a journal from a newer build is refused.
pub const SCHEMA_VERSION: i64 = 1;

/// Every table is append-only. Each transaction the writer makes adds one
/// `messages` row; the rows it adds elsewhere point at it, so replay can
/// rebuild the messages in the order they arrived.
const TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id          INTEGER PRIMARY KEY,
    auction     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    received_at INTEGER NOT NULL,  -- local wall clock, ms since the epoch
    server_est  INTEGER            -- the server clock estimate at receipt, ms
);
CREATE TABLE IF NOT EXISTS events (
    auction     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    server_at   INTEGER NOT NULL,  -- the event's `at`, ms
    received_at INTEGER NOT NULL,
    lot_id      TEXT,
    type        TEXT NOT NULL,
    amount      TEXT,              -- the exact wire string, never a float
    bidder      TEXT,
    body        TEXT NOT NULL,     -- the event in the contract's JSON form
    UNIQUE (auction, seq)
);
CREATE INDEX IF NOT EXISTS events_lot ON events (auction, lot_id, seq);
CREATE INDEX IF NOT EXISTS events_message ON events (message_id);
CREATE TABLE IF NOT EXISTS cursor (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    auction    TEXT NOT NULL,
    seq        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cursor_auction ON cursor (auction, seq);
CREATE TABLE IF NOT EXISTS snapshots (
    auction    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    lot_count  INTEGER NOT NULL,
    UNIQUE (auction, seq)
);
CREATE TABLE IF NOT EXISTS snapshot_lots (
    auction TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    ord     INTEGER NOT NULL,
    lot_id  TEXT NOT NULL,
    body    TEXT NOT NULL,         -- the lot in the contract's JSON form
    UNIQUE (auction, seq, ord)
);
CREATE TABLE IF NOT EXISTS changes (
    message_id   INTEGER NOT NULL REFERENCES messages(id),
    auction      TEXT NOT NULL,
    snapshot_seq INTEGER NOT NULL,
    lot_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    server_at    INTEGER,
    amount       TEXT,
    body         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bids (
    auction    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    lot_id     TEXT NOT NULL,
    at         INTEGER NOT NULL,
    amount     TEXT NOT NULL,
    bidder     TEXT NOT NULL,
    UNIQUE (auction, seq)
);
CREATE TABLE IF NOT EXISTS auction_info (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    auction    TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rates (
    date       TEXT NOT NULL,      -- YYYY-MM-DD, Astana calendar
    source     TEXT NOT NULL,      -- nbk | platform
    currency   TEXT NOT NULL,
    rate       TEXT NOT NULL,      -- tenge per unit, exact decimal string
    fetched_at INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    UNIQUE (date, source, currency)
);
CREATE TABLE IF NOT EXISTS anomalies (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    auction    TEXT NOT NULL,
    lot_id     TEXT,
    server_at  INTEGER,
    kind       TEXT NOT NULL,
    evidence   TEXT NOT NULL
);
"#;

/// The tables the triggers guard.
pub const GUARDED: [&str; 11] = [
    "meta",
    "messages",
    "events",
    "cursor",
    "snapshots",
    "snapshot_lots",
    "changes",
    "bids",
    "auction_info",
    "rates",
    "anomalies",
];

/// Connection settings: WAL so readers never block the writer, FULL sync so a
/// committed transaction survives a power cut, and a busy timeout so a second
/// reader (export while the monitor runs) waits instead of failing.
pub fn configure(conn: &Connection, read_only: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Creates what is missing and records the schema version. Idempotent.
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    let mut sql = String::from("BEGIN IMMEDIATE;\n");
    sql.push_str(TABLES);
    for t in GUARDED {
        sql.push_str(&format!(
            "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} \
             BEGIN SELECT RAISE(ABORT, 'the journal is append-only: UPDATE on {t} refused'); END;\n\
             CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} \
             BEGIN SELECT RAISE(ABORT, 'the journal is append-only: DELETE on {t} refused'); END;\n"
        ));
    }
    sql.push_str(&format!(
        "INSERT INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}') ON CONFLICT DO NOTHING;\n\
         INSERT INTO meta (key, value) VALUES ('created_by', 'lotwatch {}') ON CONFLICT DO NOTHING;\n\
         COMMIT;",
        env!("CARGO_PKG_VERSION")
    ));
    conn.execute_batch(&sql)
}

/// The schema version the file was written with; None for a file without
/// lotwatch's tables.
pub fn version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_meta: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get(0),
    )?;
    if has_meta == 0 {
        return Ok(None);
    }
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| {
            if e == rusqlite::Error::QueryReturnedNoRows {
                Ok(None)
            } else {
                Err(e)
            }
        })?;
    Ok(v.and_then(|s| s.parse().ok()))
}

/// True when the file holds no tables at all (a new journal).
pub fn is_empty(conn: &Connection) -> rusqlite::Result<bool> {
    let n: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok(n == 0)
}
