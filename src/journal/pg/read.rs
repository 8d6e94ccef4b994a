//! Reading a shared journal back: its rows copied, in the order written,
//! into an in-memory SQLite journal of the same tables, so that export,
//! replay, the protocol and the follower read both backends through one
//! interface (`Journal`'s read methods). Copies everything, or only the
//! messages after a given id (the follower's increments).
//!
//! A message of a monitor's that stored nothing of the platform's (its
//! receipts of events another monitor had stored first) is copied too: it
//! has no rows in the copy's tables, and readers skip it as they skip
//! any message without rows.

use rusqlite::Connection;
use tokio_postgres::Client;

/// The tables copied, each with its columns (the same names in both
/// backends) and the column that says which message wrote a row.
const COPIED: [(&str, &str); 10] = [
    (
        "events",
        "auction, seq, message_id, server_at, received_at, lot_id, type, amount, bidder, body",
    ),
    ("cursor", "message_id, auction, seq"),
    ("snapshots", "auction, seq, message_id, lot_count"),
    (
        "changes",
        "message_id, auction, snapshot_seq, lot_id, kind, server_at, amount, body",
    ),
    (
        "bids",
        "auction, seq, message_id, lot_id, at, amount, bidder",
    ),
    ("auction_info", "message_id, auction, body"),
    (
        "rates",
        "date, source, currency, rate, fetched_at, message_id",
    ),
    (
        "anomalies",
        "message_id, auction, lot_id, server_at, kind, evidence",
    ),
    ("snapshot_lots", "auction, seq, ord, lot_id, body"),
    ("messages", "id, auction, kind, received_at, server_est"),
];

/// What a copy reached: the messages copied (their ids), to copy the next
/// ones without doubling any.
#[derive(Clone, Debug, Default)]
pub struct Copied {
    /// Every message id copied above `floor`.
    pub seen: std::collections::BTreeSet<i64>,
    /// Every message at or below it is copied (ids come from a sequence and
    /// commit out of order, so a few below the highest may still arrive).
    pub floor: i64,
    /// Rows copied in all.
    pub rows: u64,
}

/// How far below the highest id seen a later commit may still land.
const REORDER_WINDOW: i64 = 1_000;

/// A value of any of the copied columns; an error naming the column for
/// one that does not read as the schema's type (an altered table), never a
/// panic.
fn value(row: &tokio_postgres::Row, i: usize) -> Result<rusqlite::types::Value, String> {
    use rusqlite::types::Value;
    use tokio_postgres::types::Type;
    let col = &row.columns()[i];
    let bad = |e: tokio_postgres::Error| {
        format!(
            "column {} does not read as the journal's ({e})",
            crate::platform::sanitize::clean(col.name(), 64)
        )
    };
    let ty = col.type_();
    Ok(if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)
            .map_err(bad)?
            .map_or(Value::Null, Value::Integer)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)
            .map_err(bad)?
            .map_or(Value::Null, |v| Value::Integer(i64::from(v)))
    } else {
        row.try_get::<_, Option<String>>(i)
            .map_err(bad)?
            .map_or(Value::Null, Value::Text)
    })
}

/// Copies the messages not copied yet (all of them the first time) and
/// their rows into `into`, in id order. Returns the ids newly copied.
pub async fn copy_new(
    c: &Client,
    into: &Connection,
    state: &mut Copied,
) -> Result<Vec<i64>, String> {
    let low = state.floor;
    let ids: Vec<i64> = c
        .query("SELECT id FROM messages WHERE id > $1 ORDER BY id", &[&low])
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| r.try_get::<_, i64>(0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|id| !state.seen.contains(id))
        .collect();
    if ids.is_empty() {
        return Ok(ids);
    }
    let tx = into.unchecked_transaction().map_err(|e| e.to_string())?;
    for (table, cols) in COPIED {
        let filter = if table == "snapshot_lots" {
            "(auction, seq) IN (SELECT auction, seq FROM snapshots WHERE message_id = ANY($1))"
        } else if table == "messages" {
            "id = ANY($1)"
        } else {
            "message_id = ANY($1)"
        };
        let order = match table {
            "messages" => "id",
            "snapshot_lots" => "auction, seq, ord",
            "events" | "bids" | "cursor" => "message_id, seq",
            "snapshots" => "message_id, seq",
            "rates" => "message_id, currency",
            _ => "id",
        };
        let rows = c
            .query(
                &format!("SELECT {cols} FROM {table} WHERE {filter} ORDER BY {order}"),
                &[&ids],
            )
            .await
            .map_err(|e| e.to_string())?;
        let n = cols.split(", ").count();
        let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        let mut stmt = tx
            .prepare(&format!(
                "INSERT OR IGNORE INTO {table} ({cols}) VALUES ({})",
                marks.join(", ")
            ))
            .map_err(|e| e.to_string())?;
        for r in &rows {
            let vals: Vec<rusqlite::types::Value> = (0..n)
                .map(|i| value(r, i))
                .collect::<Result<_, _>>()
                .map_err(|e| format!("{table}: {e}"))?;
            stmt.execute(rusqlite::params_from_iter(vals))
                .map_err(|e| format!("{table}: {e}"))?;
            state.rows += 1;
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    state.seen.extend(ids.iter().copied());
    if let Some(max) = state.seen.last().copied() {
        let floor = max - REORDER_WINDOW;
        if floor > state.floor {
            state.floor = floor;
            state.seen = state.seen.split_off(&(floor + 1));
        }
    }
    Ok(ids)
}

/// The newest record's receipt time, and how many monitors wrote in all.
pub async fn freshness(c: &Client) -> Result<(Option<i64>, u64), String> {
    let row = c
        .query_one(
            "SELECT max(received_at), count(DISTINCT monitor) FROM messages",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    let e = |e: tokio_postgres::Error| e.to_string();
    Ok((
        row.try_get(0).map_err(e)?,
        u64::try_from(row.try_get::<_, i64>(1).map_err(e)?).unwrap_or(0),
    ))
}

/// An empty in-memory journal with the SQLite schema, to copy into. The
/// copy's own chain is not the shared journal's (that one is checked in the
/// database, `chain::verify`).
pub fn memory_copy() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    super::super::schema::configure(&conn, true)?;
    super::super::schema::create(&conn)?;
    // Readers ask for messages in id order: a message's rows may refer to
    // it before it is copied within the same transaction.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    Ok(conn)
}

/// The feed position a shared journal has recorded for `auction`.
pub fn cursor_blocking(
    remote: &super::Remote,
    auction: &str,
) -> Result<Option<u64>, super::PgError> {
    let (r, a) = (remote.clone(), auction.to_string());
    super::blocking(move || async move {
        let c = r.connect().await?;
        let v: Option<i64> = c
            .query_one("SELECT max(seq) FROM cursor WHERE auction = $1", &[&a])
            .await
            .map_err(|e| r.query_error(&e))?
            .try_get(0)
            .map_err(|e| r.query_error(&e))?;
        Ok(v.map(|v| u64::try_from(v).unwrap_or(0)))
    })
    .map_err(|detail| super::PgError::Other {
        url: remote.masked.clone(),
        detail,
    })?
}
