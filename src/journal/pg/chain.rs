//! The shared journal's two kinds of hash chain, and `verify` over them.
//!
//! - **The platform chain**, one per auction, over the events in seq order,
//!   whichever monitor stored each first: record i's hash is
//!   `SHA-256(hash of record i-1 ‖ canonical event)`, the canonical event
//!   being the platform's fields only (auction, seq, server_at, lot_id,
//!   type, amount, bidder, body; never the receipt or the monitor), each
//!   encoded as in the SQLite chain (`journal::chain::push_value`). Every
//!   transaction that stores new events appends a checkpoint to
//!   `platform_chain` (the seq it reaches, the count, the head), under a
//!   per-auction advisory lock, so the chain is the same whatever the order
//!   in which the writers came.
//! - **A chain per monitor**, over its own messages in order (`n` = 1, 2,
//!   ...): a message's hash is `SHA-256(the monitor's previous hash ‖
//!   canonical message)`, where the canonical message holds its fields and
//!   a digest of every row it added besides events (receipts, cursor,
//!   snapshots and their lots, changes, bids, auction info, rates,
//!   anomalies), read back from the database as JSON arrays in a fixed order.

use super::super::chain::{Hash, ZERO, hex, link, push_value};
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use tokio_postgres::GenericClient;

/// One event's platform fields, as the chain reads them.
pub struct ChainEvent {
    pub auction: String,
    pub seq: i64,
    pub server_at: i64,
    pub lot_id: Option<String>,
    pub kind: String,
    pub amount: Option<String>,
    pub bidder: Option<String>,
    pub body: String,
}

fn opt(out: &mut Vec<u8>, v: &Option<String>) {
    match v {
        Some(s) => push_value(out, ValueRef::Text(s.as_bytes())),
        None => push_value(out, ValueRef::Null),
    }
}

/// The next platform hash after `prev`.
pub fn link_event(prev: &Hash, e: &ChainEvent) -> Hash {
    let mut out = Vec::with_capacity(e.body.len() + 96);
    push_value(&mut out, ValueRef::Text(b"events"));
    push_value(&mut out, ValueRef::Text(e.auction.as_bytes()));
    push_value(&mut out, ValueRef::Integer(e.seq));
    push_value(&mut out, ValueRef::Integer(e.server_at));
    opt(&mut out, &e.lot_id);
    push_value(&mut out, ValueRef::Text(e.kind.as_bytes()));
    opt(&mut out, &e.amount);
    opt(&mut out, &e.bidder);
    push_value(&mut out, ValueRef::Text(e.body.as_bytes()));
    link(prev, &out)
}

/// A message's fields, as its monitor's chain reads them.
pub struct ChainMessage<'a> {
    pub monitor: &'a str,
    pub n: i64,
    pub auction: &'a str,
    pub kind: &'a str,
    pub received_at: i64,
    pub server_est: Option<i64>,
    pub digest: Hash,
}

/// The next hash of a monitor's chain after `prev`.
pub fn link_message(prev: &Hash, m: &ChainMessage<'_>) -> Hash {
    let mut out = Vec::with_capacity(160);
    push_value(&mut out, ValueRef::Text(b"messages"));
    push_value(&mut out, ValueRef::Text(m.monitor.as_bytes()));
    push_value(&mut out, ValueRef::Integer(m.n));
    push_value(&mut out, ValueRef::Text(m.auction.as_bytes()));
    push_value(&mut out, ValueRef::Text(m.kind.as_bytes()));
    push_value(&mut out, ValueRef::Integer(m.received_at));
    match m.server_est {
        Some(v) => push_value(&mut out, ValueRef::Integer(v)),
        None => push_value(&mut out, ValueRef::Null),
    }
    push_value(&mut out, ValueRef::Blob(&m.digest));
    link(prev, &out)
}

/// The rows a message added besides its events, one per line: (message id,
/// table, order key, the row as a JSON array). The same query seals (one
/// message) and verifies (all of them).
fn own_rows_sql(filter: &str) -> String {
    let parts: [(&str, &str, &str); 9] = [
        ("receipts", "seq", "auction, seq"),
        ("cursor", "seq", "auction, seq"),
        ("snapshots", "seq", "auction, seq, lot_count"),
        (
            "snapshot_lots",
            "t.seq * 100000 + t.ord",
            "auction, seq, ord, lot_id, body",
        ),
        (
            "changes",
            "id",
            "auction, snapshot_seq, lot_id, kind, server_at, amount, body",
        ),
        ("bids", "seq", "auction, seq, lot_id, at, amount, bidder"),
        ("auction_info", "id", "auction, body"),
        ("rates", "0", "date, source, currency, rate, fetched_at"),
        (
            "anomalies",
            "id",
            "auction, lot_id, server_at, kind, evidence",
        ),
    ];
    let selects: Vec<String> = parts
        .iter()
        .map(|(t, key, cols)| {
            if *t == "snapshot_lots" {
                // Lots point at their snapshot, and it at the message.
                format!(
                    "SELECT s.message_id AS mid, '{t}' AS tbl, ({key})::bigint AS k, \
                     json_build_array(t.{})::text AS j FROM {t} t \
                     JOIN snapshots s ON s.auction = t.auction AND s.seq = t.seq WHERE {}",
                    cols.replace(", ", ", t."),
                    filter.replace("message_id", "s.message_id")
                )
            } else {
                let key = if key.starts_with(|c: char| c.is_ascii_digit()) {
                    (*key).to_string()
                } else {
                    format!("t.{key}")
                };
                format!(
                    "SELECT t.message_id AS mid, '{t}' AS tbl, ({key})::bigint AS k, \
                     json_build_array(t.{})::text AS j FROM {t} t WHERE {}",
                    cols.replace(", ", ", t."),
                    filter.replace("message_id", "t.message_id")
                )
            }
        })
        .collect();
    format!("{} ORDER BY mid, tbl, k, j", selects.join(" UNION ALL "))
}

/// Folds rows of `own_rows_sql` into per-message digests.
struct Digests {
    current: Option<(i64, Sha256)>,
}

fn row_bytes(h: &mut Sha256, tbl: &str, j: &str) {
    let mut out = Vec::with_capacity(j.len() + 32);
    push_value(&mut out, ValueRef::Text(tbl.as_bytes()));
    push_value(&mut out, ValueRef::Text(j.as_bytes()));
    h.update(&out);
}

/// The query of one message's own rows (`$1`: its id), built once.
pub fn own_rows_of_one() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| own_rows_sql("message_id = $1"))
}

/// The digest of one message's own rows, from [`own_rows_of_one`].
pub fn digest_rows(rows: &[tokio_postgres::Row]) -> Result<Hash, tokio_postgres::Error> {
    let mut h = Sha256::new();
    for r in rows {
        row_bytes(&mut h, r.try_get(1)?, r.try_get(3)?);
    }
    Ok(h.finalize().into())
}

/// The digest of every message with own rows (the others': the empty
/// digest), keyed by message id.
async fn all_digests(
    c: &impl GenericClient,
) -> Result<std::collections::HashMap<i64, Hash>, tokio_postgres::Error> {
    let rows = c
        .query(&own_rows_sql("message_id IS NOT NULL"), &[])
        .await?;
    let mut out = std::collections::HashMap::new();
    let mut d = Digests { current: None };
    for r in rows {
        let mid: i64 = r.try_get(0)?;
        match &mut d.current {
            Some((m, h)) if *m == mid => row_bytes(h, r.try_get(1)?, r.try_get(3)?),
            _ => {
                if let Some((m, h)) = d.current.take() {
                    out.insert(m, h.finalize().into());
                }
                let mut h = Sha256::new();
                row_bytes(&mut h, r.try_get(1)?, r.try_get(3)?);
                d.current = Some((mid, h));
            }
        }
    }
    if let Some((m, h)) = d.current.take() {
        out.insert(m, h.finalize().into());
    }
    Ok(out)
}

/// The digest of a message that added nothing of its own.
fn empty_digest() -> Hash {
    Sha256::new().finalize().into()
}

/// Every event of an auction in seq order, as the chain reads them.
pub const EVENTS_SQL: &str = "SELECT seq, server_at, lot_id, type, amount, bidder, body FROM events WHERE auction = $1 ORDER BY seq";

/// A row of [`EVENTS_SQL`]; an error for a row that does not read as one
/// (a tampered column), never a panic.
pub fn event_of_row(
    auction: &str,
    r: &tokio_postgres::Row,
) -> Result<ChainEvent, tokio_postgres::Error> {
    Ok(ChainEvent {
        auction: auction.to_string(),
        seq: r.try_get(0)?,
        server_at: r.try_get(1)?,
        lot_id: r.try_get(2)?,
        kind: r.try_get(3)?,
        amount: r.try_get(4)?,
        bidder: r.try_get(5)?,
        body: r.try_get(6)?,
    })
}

/// What `verify` found in a shared journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedVerified {
    /// Per auction: the events (all covered by the platform chain), its head.
    pub platform: Vec<(String, u64, String)>,
    /// Checkpoints written before an event below their seq was stored (a
    /// hole filled late), so no longer a prefix of the chain; the newest
    /// checkpoint covers those events.
    pub superseded: u64,
    /// Per monitor: its messages and its chain's head.
    pub monitors: Vec<(String, u64, String)>,
}

/// The first thing that does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SharedFailure {
    #[error(
        "auction {auction}: the platform chain does not match its newest checkpoint (it says {expected}, the events give {found}): an event was changed, removed or added"
    )]
    Platform {
        auction: String,
        expected: String,
        found: String,
    },
    #[error("auction {auction}: the events have no checkpoint of the platform chain")]
    Uncovered { auction: String },
    #[error("monitor {monitor:?}: message {n} does not fit its chain ({why})")]
    Monitor {
        monitor: String,
        n: i64,
        why: String,
    },
    #[error("table {table}: the append-only trigger is missing or disabled")]
    Trigger { table: String },
}

/// Checks both kinds of chain and the triggers.
pub async fn verify(
    c: &impl GenericClient,
) -> Result<Result<SharedVerified, SharedFailure>, tokio_postgres::Error> {
    for t in super::schema::TABLES {
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) \
                 AND tgname = $1 || '_append_only' AND tgenabled <> 'D'",
                &[&t],
            )
            .await?
            .try_get(0)?;
        if n == 0 {
            return Ok(Err(SharedFailure::Trigger {
                table: t.to_string(),
            }));
        }
    }
    let mut out = SharedVerified {
        platform: Vec::new(),
        superseded: 0,
        monitors: Vec::new(),
    };
    let auctions: Vec<String> = c
        .query("SELECT DISTINCT auction FROM events ORDER BY auction", &[])
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    for auction in auctions {
        let checkpoints = c
            .query(
                "SELECT upto_seq, records, head, message_id FROM platform_chain WHERE auction = $1 ORDER BY upto_seq, message_id",
                &[&auction],
            )
            .await?;
        let newest = checkpoints
            .iter()
            .max_by_key(|p| p.try_get::<_, i64>(3).unwrap_or(i64::MIN));
        let Some(newest) = newest else {
            return Ok(Err(SharedFailure::Uncovered { auction }));
        };
        let events = c.query(EVENTS_SQL, &[&auction]).await?;
        let mut cp = checkpoints.iter().peekable();
        let (mut head, mut count) = (ZERO, 0i64);
        let mut matched = 0u64;
        let check = |p: &tokio_postgres::Row, count: i64, head: &Hash| {
            p.try_get::<_, i64>(1).ok() == Some(count)
                && p.try_get::<_, String>(2).ok() == Some(hex(head))
        };
        for r in &events {
            let e = event_of_row(&auction, r)?;
            // Checkpoints that end before this event.
            while let Some(p) = cp.next_if(|p| p.try_get::<_, i64>(0).is_ok_and(|s| s < e.seq)) {
                matched += u64::from(check(p, count, &head));
            }
            head = link_event(&head, &e);
            count += 1;
        }
        for p in cp {
            matched += u64::from(check(p, count, &head));
        }
        let expected = format!(
            "{} events, head {}",
            newest.try_get::<_, i64>(1)?,
            super::super::verify::outside(&newest.try_get::<_, String>(2)?)
        );
        if !check(newest, count, &head) {
            return Ok(Err(SharedFailure::Platform {
                auction,
                expected,
                found: format!("{count} events, head {}", hex(&head)),
            }));
        }
        out.superseded += checkpoints.len() as u64 - matched;
        out.platform
            .push((auction, u64::try_from(count).unwrap_or(0), hex(&head)));
    }
    let digests = all_digests(c).await?;
    let messages = c
        .query(
            "SELECT id, monitor, n, auction, kind, received_at, server_est, hash FROM messages ORDER BY monitor, n",
            &[],
        )
        .await?;
    let mut current: Option<(String, i64, Hash)> = None;
    for r in &messages {
        let (id, monitor, n): (i64, String, i64) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        let (prev, expected_n) = match &current {
            Some((m, last, h)) if *m == monitor => (*h, last + 1),
            _ => {
                if let Some((m, last, h)) = current.take() {
                    out.monitors
                        .push((m, u64::try_from(last).unwrap_or(0), hex(&h)));
                }
                (ZERO, 1)
            }
        };
        if n != expected_n {
            return Ok(Err(SharedFailure::Monitor {
                monitor,
                n,
                why: format!("expected message {expected_n}: one is missing"),
            }));
        }
        let m = ChainMessage {
            monitor: &monitor,
            n,
            auction: r.try_get(3)?,
            kind: r.try_get(4)?,
            received_at: r.try_get(5)?,
            server_est: r.try_get(6)?,
            digest: digests.get(&id).copied().unwrap_or_else(empty_digest),
        };
        let h = link_message(&prev, &m);
        let stored: String = r.try_get(7)?;
        if stored != hex(&h) {
            return Ok(Err(SharedFailure::Monitor {
                monitor,
                n,
                why: "its hash does not match its rows".into(),
            }));
        }
        current = Some((monitor, n, h));
    }
    if let Some((m, last, h)) = current.take() {
        out.monitors
            .push((m, u64::try_from(last).unwrap_or(0), hex(&h)));
    }
    Ok(Ok(out))
}

/// `verify` on the shared journal at `remote` (its own thread).
pub fn verify_blocking(
    remote: &super::Remote,
) -> Result<Result<SharedVerified, SharedFailure>, super::PgError> {
    let r = remote.clone();
    super::blocking(move || async move {
        let c = r.connect().await?;
        match super::schema::check(&c).await {
            Ok(0) => {
                return Err(super::PgError::Other {
                    url: r.masked.clone(),
                    detail: "no lotwatch journal in this database (a monitor creates it: lotwatch --journal URL)".into(),
                });
            }
            Ok(_) => {}
            Err(super::schema::MigrateError::Newer(v)) => {
                return Err(super::PgError::NewerSchema { url: r.masked.clone(), found: v });
            }
            Err(super::schema::MigrateError::Sql(e)) => return Err(r.query_error(&e)),
        }
        verify(&c).await.map_err(|e| r.query_error(&e))
    })
    .map_err(|detail| super::PgError::Other { url: remote.masked.clone(), detail })?
}

/// The report of a shared journal's verification; the exit status.
pub fn report(
    masked: &str,
    outcome: &Result<SharedVerified, SharedFailure>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<u8> {
    use super::super::verify::{EXIT_FAILED, EXIT_OK, outside};
    match outcome {
        Ok(v) => {
            writeln!(out, "journal {masked}: OK")?;
            for (auction, n, head) in &v.platform {
                let auction = outside(auction);
                writeln!(out, "platform chain {auction}: {n} events, head {head}")?;
            }
            if v.superseded > 0 {
                writeln!(
                    out,
                    "checkpoints superseded by events stored later below their seq (holes filled): {}",
                    v.superseded
                )?;
            }
            for (monitor, n, head) in &v.monitors {
                let monitor = outside(monitor);
                writeln!(out, "monitor {monitor}: {n} messages, head {head}")?;
            }
            writeln!(
                out,
                "checked: {} append-only triggers, {} platform chains, {} monitor chains",
                super::schema::TABLES.len(),
                v.platform.len(),
                v.monitors.len()
            )?;
            Ok(EXIT_OK)
        }
        Err(f) => {
            writeln!(out, "journal {masked}: FAILED")?;
            writeln!(out, "{}", outside(&f.to_string()))?;
            Ok(EXIT_FAILED)
        }
    }
}
