//! The journal's hash chain: every row the writer adds is a record whose hash
//! is `SHA-256(previous hash ‖ canonical bytes of the row)`, so that any later
//! edit, deletion or insertion shows. The writer seals each transaction
//! ([`seal`]) just before it commits: the new records and one `chain_head`
//! row (the head and the record count) go in with the events and the cursor.
//!
//! The canonical bytes of a row (documented in `docs/protocol.md`): the table
//! name, the rowid, then each column of [`CHAINED`] in that order, every value
//! as a tag byte and its payload: `0` NULL; `1` INTEGER, 8 bytes big-endian;
//! `2` REAL, the 8 bytes of the IEEE-754 double big-endian; `3` TEXT and `4`
//! BLOB, a 4-byte big-endian length and the bytes (UTF-8 for text). The
//! table name is encoded as TEXT and the rowid as INTEGER. Record 0's
//! "previous hash" is 32 zero bytes.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// The tables whose rows are chained, in the order a transaction's new rows
/// are sealed, each with the columns of its canonical form.
pub const CHAINED: [(&str, &[&str]); 11] = [
    (
        "chain_start",
        &["tbl", "rows", "max_rowid", "started_at", "migrated"],
    ),
    (
        "messages",
        &["id", "auction", "kind", "received_at", "server_est"],
    ),
    (
        "events",
        &[
            "auction",
            "seq",
            "message_id",
            "server_at",
            "received_at",
            "lot_id",
            "type",
            "amount",
            "bidder",
            "body",
        ],
    ),
    ("cursor", &["message_id", "auction", "seq"]),
    ("snapshots", &["auction", "seq", "message_id", "lot_count"]),
    (
        "snapshot_lots",
        &["auction", "seq", "ord", "lot_id", "body"],
    ),
    (
        "changes",
        &[
            "message_id",
            "auction",
            "snapshot_seq",
            "lot_id",
            "kind",
            "server_at",
            "amount",
            "body",
        ],
    ),
    (
        "bids",
        &[
            "auction",
            "seq",
            "message_id",
            "lot_id",
            "at",
            "amount",
            "bidder",
        ],
    ),
    ("auction_info", &["message_id", "auction", "body"]),
    (
        "rates",
        &[
            "date",
            "source",
            "currency",
            "rate",
            "fetched_at",
            "message_id",
        ],
    ),
    (
        "anomalies",
        &[
            "message_id",
            "auction",
            "lot_id",
            "server_at",
            "kind",
            "evidence",
        ],
    ),
];

/// A hash: 32 bytes of SHA-256.
pub type Hash = [u8; 32];

/// The "previous hash" of record 1.
pub const ZERO: Hash = [0; 32];

/// The chain's end after a seal: how many records, and the last one's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub records: u64,
    pub head: String,
}

/// Lower-case hex, as the journal stores hashes.
pub fn hex(h: &Hash) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in h {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Parses 64 hex digits (either case); None for anything else.
pub fn parse_hex(s: &str) -> Option<Hash> {
    let s = s.trim().as_bytes();
    if s.len() != 64 {
        return None;
    }
    let mut out = ZERO;
    for (i, pair) in s.chunks(2).enumerate() {
        let d = |c: u8| char::from(c).to_digit(16);
        out[i] = u8::try_from(d(pair[0])? * 16 + d(pair[1])?).ok()?;
    }
    Some(out)
}

/// Appends one value of the canonical form to `out`.
pub fn push_value(out: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => out.push(0),
        ValueRef::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            out.push(2);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) => push_bytes(out, 3, t),
        ValueRef::Blob(b) => push_bytes(out, 4, b),
    }
}

fn push_bytes(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
    out.push(tag);
    // Rows are far below 4 GiB (SQLite's own limit is 1 GB).
    out.extend_from_slice(&u32::try_from(b.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(b);
}

/// `SHA-256(prev ‖ canonical)`.
pub fn link(prev: &Hash, canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical);
    h.finalize().into()
}

/// `SELECT rowid, <columns> FROM <table>` and a rowid condition.
pub fn select_sql(table: &str, cols: &[&str], condition: &str) -> String {
    format!(
        "SELECT rowid, {} FROM {table} WHERE {condition}",
        cols.join(", ")
    )
}

/// The canonical bytes of the current row of a `select_sql` query.
pub fn canonical(
    out: &mut Vec<u8>,
    table: &str,
    row: &rusqlite::Row<'_>,
    columns: usize,
) -> rusqlite::Result<()> {
    out.clear();
    push_value(out, ValueRef::Text(table.as_bytes()));
    for i in 0..=columns {
        push_value(out, row.get_ref(i)?);
    }
    Ok(())
}

/// True when the file has the chain's tables (schema 2 and later).
pub fn has_chain(conn: &Connection) -> rusqlite::Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('chain_start', 'chain', 'chain_head')",
        [],
        |r| r.get(0),
    )?;
    Ok(n == 3)
}

/// Starts the chain when it has not started: one `chain_start` row per
/// chained table with the rows it already holds (none in a new journal;
/// in a journal written before the chain, those rows are counted but not
/// covered), sealed as the chain's first records. Runs inside the schema's
/// transaction.
pub fn start(conn: &Connection) -> rusqlite::Result<()> {
    let started: i64 = conn.query_row("SELECT count(*) FROM chain_start", [], |r| r.get(0))?;
    if started > 0 {
        return Ok(());
    }
    let now = crate::journal::Receipt::now(None).local.0;
    let mut counts = Vec::new();
    for (table, _) in CHAINED.iter().skip(1) {
        let (rows, max): (i64, Option<i64>) = conn.query_row(
            &format!("SELECT count(*), max(rowid) FROM {table}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        counts.push((*table, rows, max.unwrap_or(0)));
    }
    let migrated = counts.iter().any(|c| c.1 > 0);
    for (table, rows, max) in counts {
        conn.execute(
            "INSERT INTO chain_start (tbl, rows, max_rowid, started_at, migrated) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![table, rows, max, now, i64::from(migrated)],
        )?;
    }
    seal(conn, None).map(|_| ())
}

/// The last record: its number and hash (0 and [`ZERO`] for an empty chain).
fn last_record(conn: &Connection) -> rusqlite::Result<(i64, Hash)> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT n, hash FROM chain ORDER BY n DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match last {
        None => (0, ZERO),
        Some((n, h)) => (n, parse_hex(&h).unwrap_or(ZERO)),
    })
}

/// The highest rowid of `table` already accounted for: chained, or there
/// before the chain began.
fn sealed_up_to(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT coalesce((SELECT max(row_id) FROM chain WHERE tbl = ?1), \
                         (SELECT max_rowid FROM chain_start WHERE tbl = ?1), 0)",
    )?
    .query_row([table], |r| r.get(0))
}

/// Chains every row added since the last seal, in [`CHAINED`] order and
/// rowid order within a table, and appends the new head to `chain_head`
/// with `message_id`. Call inside the transaction that added the rows,
/// just before it commits. Returns the head (None when nothing was new).
pub fn seal(conn: &Connection, message_id: Option<i64>) -> rusqlite::Result<Option<Head>> {
    let (mut n, mut prev) = last_record(conn)?;
    let first = n;
    let mut buf = Vec::with_capacity(1024);
    let mut insert =
        conn.prepare_cached("INSERT INTO chain (n, tbl, row_id, hash) VALUES (?1, ?2, ?3, ?4)")?;
    for (table, cols) in CHAINED {
        let from = sealed_up_to(conn, table)?;
        let mut stmt =
            conn.prepare_cached(&select_sql(table, cols, "rowid > ?1 ORDER BY rowid"))?;
        let mut rows = stmt.query([from])?;
        while let Some(row) = rows.next()? {
            canonical(&mut buf, table, row, cols.len())?;
            prev = link(&prev, &buf);
            n += 1;
            let rowid: i64 = row.get(0)?;
            insert.execute(params![n, table, rowid, hex(&prev)])?;
        }
    }
    if n == first {
        return Ok(None);
    }
    let head = hex(&prev);
    conn.execute(
        "INSERT INTO chain_head (message_id, records, head) VALUES (?1, ?2, ?3)",
        params![message_id, n, head],
    )?;
    Ok(Some(Head {
        records: u64::try_from(n).unwrap_or(0),
        head,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let h = link(&ZERO, b"lotwatch");
        assert_eq!(parse_hex(&hex(&h)), Some(h));
        assert_eq!(parse_hex(&hex(&h).to_uppercase()), Some(h));
        assert_eq!(parse_hex("00"), None);
        assert_eq!(parse_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn link_is_sha256_of_prev_and_bytes() {
        // SHA-256 of 32 zero bytes followed by "abc", from an independent
        // implementation (Python's hashlib).
        assert_eq!(
            hex(&link(&ZERO, b"abc")),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370"
        );
    }

    #[test]
    fn canonical_values_are_tagged_and_length_prefixed() {
        let mut out = Vec::new();
        push_value(&mut out, ValueRef::Null);
        push_value(&mut out, ValueRef::Integer(258));
        push_value(&mut out, ValueRef::Text("ab".as_bytes()));
        push_value(&mut out, ValueRef::Blob(&[9]));
        assert_eq!(
            out,
            [
                0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 2, b'a', b'b', 4, 0, 0, 0, 1, 9
            ]
        );
    }
}
