//! The journal's SQLite schema: append-only tables (triggers refuse UPDATE and
//! DELETE), the schema version, the connection settings every opener uses,
//! and the migration of older files (the hash chain's tables, `chain.rs`).

use rusqlite::Connection;

/// Bumped when the tables change; a journal from a newer build is refused.
/// 2: the hash chain (`chain_start`, `chain`, `chain_head`).
pub const SCHEMA_VERSION: i64 = 2;

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
CREATE TABLE IF NOT EXISTS chain_start (
    tbl        TEXT NOT NULL UNIQUE,  -- a chained table
    rows       INTEGER NOT NULL,      -- its rows when the chain began (not covered)
    max_rowid  INTEGER NOT NULL,      -- the highest rowid among them (0: none)
    started_at INTEGER NOT NULL,      -- local wall clock, ms
    migrated   INTEGER NOT NULL       -- 1 when the file existed before the chain
);
CREATE TABLE IF NOT EXISTS chain (
    n      INTEGER PRIMARY KEY,       -- record number, from 1
    tbl    TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    hash   TEXT NOT NULL,             -- hex SHA-256(previous hash || canonical bytes)
    UNIQUE (tbl, row_id)
);
CREATE TABLE IF NOT EXISTS chain_head (
    message_id INTEGER,               -- the transaction it closes (NULL: the start)
    records    INTEGER NOT NULL,
    head       TEXT NOT NULL
);
"#;

/// The tables the triggers guard.
pub const GUARDED: [&str; 14] = [
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
    "chain_start",
    "chain",
    "chain_head",
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

/// The trigger that keeps `table` append-only against `op` (`UPDATE` or
/// `DELETE`), as `sqlite_master` stores it; `verify` compares with this.
pub fn trigger_sql(table: &str, op: &str) -> String {
    let name = if op == "UPDATE" { "update" } else { "delete" };
    format!(
        "CREATE TRIGGER {table}_no_{name} BEFORE {op} ON {table} \
         BEGIN SELECT RAISE(ABORT, 'the journal is append-only: {op} on {table} refused'); END"
    )
}

/// Creates what is missing, records the schema version and starts the hash
/// chain, in one transaction. Idempotent. A schema-1 file (before the chain)
/// is migrated: its chain starts now, and the rows already there are counted
/// but not covered (see `chain::start`).
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let r = create_in_transaction(conn);
    match r {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn create_in_transaction(conn: &Connection) -> rusqlite::Result<()> {
    let before = version(conn)?;
    let mut sql = String::from(TABLES);
    for t in GUARDED {
        for op in ["UPDATE", "DELETE"] {
            let create =
                trigger_sql(t, op).replacen("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1);
            sql.push_str(&create);
            sql.push_str(";\n");
        }
    }
    sql.push_str(&format!(
        "INSERT INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}') ON CONFLICT DO NOTHING;\n\
         INSERT INTO meta (key, value) VALUES ('created_by', 'lotwatch {}') ON CONFLICT DO NOTHING;\n",
        env!("CARGO_PKG_VERSION")
    ));
    conn.execute_batch(&sql)?;
    if before.is_some_and(|v| v < SCHEMA_VERSION) {
        // meta is append-only too: the version row is rewritten with its
        // trigger lifted inside this one transaction, never outside it.
        conn.execute_batch(&format!(
            "DROP TRIGGER meta_no_update;\n\
             UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';\n\
             {};\n\
             INSERT INTO meta (key, value) VALUES ('migrated_by', 'lotwatch {}') ON CONFLICT DO NOTHING;",
            trigger_sql("meta", "UPDATE"),
            env!("CARGO_PKG_VERSION")
        ))?;
    }
    super::chain::start(conn)
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
