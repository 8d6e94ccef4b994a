//! The shared journal's schema, created and migrated by the monitors:
//! numbered migrations applied in order, each in one transaction under an
//! advisory lock (three monitors starting at once migrate once), each
//! recorded in `lotwatch_schema`. A database whose version is newer than
//! this build's is refused. Every table is append-only: a trigger refuses
//! UPDATE, DELETE and TRUNCATE.
//!
//! What differs from the SQLite journal: `messages` rows carry the monitor
//! that wrote them and their place in its chain (`n`, `hash`); `receipts`
//! holds each monitor's receipt of each event, stored once in `events`;
//! `platform_chain` holds the checkpoints of the chain over the events in
//! seq order (`chain.rs`).

use tokio_postgres::Client;

/// The newest migration this build knows.
pub const VERSION: i32 = 1;

/// The tables whose rows are guarded by the append-only trigger.
pub const TABLES: [&str; 13] = [
    "lotwatch_schema",
    "messages",
    "events",
    "receipts",
    "cursor",
    "snapshots",
    "snapshot_lots",
    "changes",
    "bids",
    "auction_info",
    "rates",
    "anomalies",
    "platform_chain",
];

/// Migration 1: the tables, their indexes and the append-only trigger.
/// Child rows point at their message with a deferred foreign key: the
/// message row is written last in its transaction, sealed with the hash of
/// what it added.
const V1: &str = r#"
CREATE TABLE messages (
    id          BIGSERIAL PRIMARY KEY,
    monitor     TEXT NOT NULL,
    n           BIGINT NOT NULL,       -- its place in the monitor's chain, from 1
    auction     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    received_at BIGINT NOT NULL,       -- the monitor's wall clock, ms
    server_est  BIGINT,                -- its server clock estimate, ms
    hash        TEXT NOT NULL,         -- hex SHA-256(previous hash of the monitor || canonical)
    UNIQUE (monitor, n)
);
CREATE INDEX messages_auction ON messages (auction, id);
CREATE TABLE events (
    auction     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    message_id  BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    server_at   BIGINT NOT NULL,
    received_at BIGINT NOT NULL,       -- the first monitor's receipt
    lot_id      TEXT,
    type        TEXT NOT NULL,
    amount      TEXT,
    bidder      TEXT,
    body        TEXT NOT NULL,
    PRIMARY KEY (auction, seq)
);
CREATE INDEX events_message ON events (message_id);
CREATE INDEX events_lot ON events (auction, lot_id, seq);
CREATE TABLE receipts (
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    auction    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (message_id, seq)
);
CREATE TABLE cursor (
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    auction    TEXT NOT NULL,
    seq        BIGINT NOT NULL
);
CREATE INDEX cursor_auction ON cursor (auction, seq);
CREATE INDEX cursor_message ON cursor (message_id);
CREATE TABLE snapshots (
    auction    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    lot_count  BIGINT NOT NULL,
    PRIMARY KEY (auction, seq)
);
CREATE INDEX snapshots_message ON snapshots (message_id);
CREATE TABLE snapshot_lots (
    auction TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    ord     BIGINT NOT NULL,
    lot_id  TEXT NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (auction, seq, ord)
);
CREATE TABLE changes (
    id           BIGSERIAL PRIMARY KEY,
    message_id   BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    auction      TEXT NOT NULL,
    snapshot_seq BIGINT NOT NULL,
    lot_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    server_at    BIGINT,
    amount       TEXT,
    body         TEXT NOT NULL
);
CREATE INDEX changes_message ON changes (message_id);
CREATE TABLE bids (
    auction    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    lot_id     TEXT NOT NULL,
    at         BIGINT NOT NULL,
    amount     TEXT NOT NULL,
    bidder     TEXT NOT NULL,
    PRIMARY KEY (auction, seq)
);
CREATE INDEX bids_message ON bids (message_id);
CREATE TABLE auction_info (
    id         BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    auction    TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX auction_info_message ON auction_info (message_id);
CREATE TABLE rates (
    date       TEXT NOT NULL,
    source     TEXT NOT NULL,
    currency   TEXT NOT NULL,
    rate       TEXT NOT NULL,
    fetched_at BIGINT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (date, source, currency)
);
CREATE INDEX rates_message ON rates (message_id);
CREATE TABLE anomalies (
    id         BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    auction    TEXT NOT NULL,
    lot_id     TEXT,
    server_at  BIGINT,
    kind       TEXT NOT NULL,
    evidence   TEXT NOT NULL
);
CREATE INDEX anomalies_message ON anomalies (message_id);
CREATE TABLE platform_chain (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED,
    auction    TEXT NOT NULL,
    upto_seq   BIGINT NOT NULL,          -- the checkpoint covers every event up to this seq
    records    BIGINT NOT NULL,          -- how many events that is
    head       TEXT NOT NULL             -- hex hash of the last of them
);
CREATE INDEX platform_chain_auction ON platform_chain (auction, message_id);
CREATE OR REPLACE FUNCTION lotwatch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$;
"#;

/// The `lotwatch_schema` table itself (before any migration).
const SCHEMA_TABLE: &str = "CREATE TABLE IF NOT EXISTS lotwatch_schema (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    build      TEXT NOT NULL
)";

/// The migrations, in order: (version, SQL).
fn migrations() -> Vec<(i32, String)> {
    let mut v1 = String::from(V1);
    for t in TABLES {
        v1.push_str(&format!(
            "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} \
             FOR EACH ROW EXECUTE FUNCTION lotwatch_append_only();\n\
             CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} \
             FOR EACH STATEMENT EXECUTE FUNCTION lotwatch_append_only();\n"
        ));
    }
    vec![(1, v1)]
}

/// The database's schema version (None: no lotwatch tables, 0: the version
/// table alone).
pub async fn version(c: &Client) -> Result<Option<i32>, tokio_postgres::Error> {
    let exists: bool = c
        .query_one("SELECT to_regclass('lotwatch_schema') IS NOT NULL", &[])
        .await?
        .try_get(0)?;
    if !exists {
        return Ok(None);
    }
    let v: Option<i32> = c
        .query_one("SELECT max(version) FROM lotwatch_schema", &[])
        .await?
        .try_get(0)?;
    Ok(Some(v.unwrap_or(0)))
}

/// Why the schema could not be made current.
#[derive(Debug)]
pub enum MigrateError {
    Newer(i32),
    Sql(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for MigrateError {
    fn from(e: tokio_postgres::Error) -> Self {
        MigrateError::Sql(e)
    }
}

/// Brings the schema to [`VERSION`], or refuses a newer one. Returns the
/// version found before.
pub async fn migrate(c: &mut Client) -> Result<i32, MigrateError> {
    let tx = c.transaction().await?;
    // One migrator at a time, whoever starts first.
    tx.execute("SELECT pg_advisory_xact_lock(7460211)", &[])
        .await?;
    tx.batch_execute(SCHEMA_TABLE).await?;
    let found: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM lotwatch_schema", &[])
        .await?
        .try_get(0)?;
    if found > VERSION {
        return Err(MigrateError::Newer(found));
    }
    for (v, sql) in migrations() {
        if v <= found {
            continue;
        }
        tx.batch_execute(&sql).await?;
        tx.execute(
            "INSERT INTO lotwatch_schema (version, build) VALUES ($1, $2)",
            &[&v, &format!("lotwatch {}", env!("CARGO_PKG_VERSION"))],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(found)
}

/// Refuses a database without lotwatch's tables or with a newer version
/// (for readers, which never migrate).
pub async fn check(c: &Client) -> Result<i32, MigrateError> {
    match version(c).await? {
        Some(v) if v > VERSION => Err(MigrateError::Newer(v)),
        Some(v) => Ok(v),
        None => Ok(0),
    }
}
