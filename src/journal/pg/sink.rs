//! The PostgreSQL side of the journal's writer: one connection, made again
//! when it breaks (the writer's loop waits with backoff meanwhile and holds
//! the records in memory), and one record written as one transaction:
//! platform rows stored once (`ON CONFLICT DO NOTHING`), this monitor's
//! receipts and anomalies under its name, the platform chain's checkpoint
//! when new events came, and last the message row sealed into this
//! monitor's chain. A notification on the auction's channel follows the
//! commit, for the followers.

use super::super::chain::{Hash, ZERO, hex, parse_hex};
use super::super::codec;
use super::super::health::JournalCause;
use super::super::record::{JournalRecord, Receipt, auction_body, change_body};
use super::super::view::View;
use super::super::writer::{Failure, Sink};
use super::chain::{ChainEvent, ChainMessage, link_event, link_message};
use super::{PgError, Remote};
use crate::domain::EventKind;
use crate::rates::RateSource;
use tokio::runtime::Runtime;
use tokio_postgres::{Client, Transaction};

/// The writer's connection to a shared journal, for one auction.
pub struct PgSink {
    rt: Runtime,
    remote: Remote,
    client: Option<Client>,
    auction: String,
    view: Option<View>,
    /// This monitor's chain: its last message number and hash.
    n: i64,
    prev: Hash,
    /// The statements prepared on this connection.
    cache: Cache,
}

fn unreachable(e: &PgError) -> Failure {
    Failure::Disk(JournalCause::Io(format!("database: {}", e.short())))
}

impl PgSink {
    /// The sink for `auction`; it connects, and reads this monitor's chain
    /// end and the journal's view, on the writer's thread.
    pub fn open(remote: &Remote, auction: &str) -> Result<PgSink, PgError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| PgError::Other {
                url: remote.masked.clone(),
                detail: e.to_string(),
            })?;
        let sink = PgSink {
            rt,
            remote: remote.clone(),
            client: None,
            auction: auction.to_string(),
            view: None,
            n: 0,
            prev: ZERO,
            cache: Cache::default(),
        };
        // Connected on the writer's thread, before its first record (this
        // may run inside the monitor's runtime, where it must not block).
        Ok(sink)
    }

    /// A fresh connection, and this monitor's chain end and view read again
    /// (a transaction whose commit was lost with the connection may have
    /// landed).
    fn connect(&mut self) -> Result<(), PgError> {
        self.client = None;
        self.cache.borrow_mut().clear();
        let remote = self.remote.clone();
        let client = self.rt.block_on(remote.connect())?;
        let (n, prev, view) = self
            .rt
            .block_on(load(&client, &remote.monitor, &self.auction))
            .map_err(|e| remote.query_error(&e))?;
        self.n = n;
        self.prev = prev;
        self.view = view;
        self.client = Some(client);
        Ok(())
    }
}

/// This monitor's chain end, and the view of the auction's lots.
async fn load(
    c: &Client,
    monitor: &str,
    auction: &str,
) -> Result<(i64, Hash, Option<View>), tokio_postgres::Error> {
    let last = c
        .query_opt(
            "SELECT n, hash FROM messages WHERE monitor = $1 ORDER BY n DESC LIMIT 1",
            &[&monitor],
        )
        .await?;
    let (n, prev) = match last {
        Some(r) => (r.get::<_, i64>(0), parse_hex(r.get(1)).unwrap_or(ZERO)),
        None => (0, ZERO),
    };
    let seq: Option<i64> = c
        .query_one(
            "SELECT max(seq) FROM snapshots WHERE auction = $1",
            &[&auction],
        )
        .await?
        .get(0);
    let view = match seq {
        None => None,
        Some(seq) => {
            let lots: Vec<String> = c
                .query(
                    "SELECT body FROM snapshot_lots WHERE auction = $1 AND seq = $2 ORDER BY ord",
                    &[&auction, &seq],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let events: Vec<String> = c
                .query(
                    "SELECT body FROM events WHERE auction = $1 AND seq > $2 ORDER BY seq",
                    &[&auction, &seq],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            View::from_stored(seq, &lots, &events).ok()
        }
    };
    Ok((n, prev, view))
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Statements prepared once per connection: a query by its text alone is
/// parsed and described again each time (one more round trip).
type Cache = std::cell::RefCell<std::collections::HashMap<&'static str, tokio_postgres::Statement>>;

/// A transaction whose statements come from the connection's cache.
struct Tx<'a> {
    tx: &'a Transaction<'a>,
    cache: &'a Cache,
}

impl Tx<'_> {
    async fn st(
        &self,
        sql: &'static str,
    ) -> Result<tokio_postgres::Statement, tokio_postgres::Error> {
        if let Some(st) = self.cache.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(sql).await?;
        self.cache.borrow_mut().insert(sql, st.clone());
        Ok(st)
    }

    async fn execute(
        &self,
        sql: &'static str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, tokio_postgres::Error> {
        self.tx.execute(&self.st(sql).await?, params).await
    }

    async fn query(
        &self,
        sql: &'static str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        self.tx.query(&self.st(sql).await?, params).await
    }

    async fn query_one(
        &self,
        sql: &'static str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<tokio_postgres::Row, tokio_postgres::Error> {
        self.tx.query_one(&self.st(sql).await?, params).await
    }

    async fn query_opt(
        &self,
        sql: &'static str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Option<tokio_postgres::Row>, tokio_postgres::Error> {
        self.tx.query_opt(&self.st(sql).await?, params).await
    }
}

/// What one transaction did.
struct Written {
    rows: u64,
    new_events: u64,
    view: Option<View>,
}

impl Sink for PgSink {
    fn label(&self) -> String {
        self.remote.masked.clone()
    }

    fn check(&mut self) -> Result<(), Failure> {
        if self.client.as_ref().is_some_and(|c| !c.is_closed()) {
            return Ok(());
        }
        self.connect().map_err(|e| unreachable(&e))
    }

    fn write(&mut self, record: &JournalRecord, r: Receipt) -> Result<Option<u64>, Failure> {
        let Some(client) = self.client.as_mut() else {
            return Err(Failure::Disk(JournalCause::Io(
                "database: not connected".into(),
            )));
        };
        let n = self.n + 1;
        let (monitor, auction) = (self.remote.monitor.clone(), self.auction.clone());
        let view = self.view.clone();
        let prev = self.prev;
        let cache = &self.cache;
        let out = self.rt.block_on(async {
            let txn = client.transaction().await?;
            let tx = Tx { tx: &txn, cache };
            if matches!(record, JournalRecord::Events(v) if !v.is_empty()) {
                // One writer of an auction's events at a time, and the
                // message ids of their transactions in the order they
                // commit: the newest checkpoint is the one with the highest.
                tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&auction]).await?;
            }
            let mid: i64 = tx
                .query_one("SELECT nextval(pg_get_serial_sequence('messages', 'id'))", &[])
                .await?
                .get(0);
            let w = write_rows(&tx, mid, &auction, record, r, &view).await?;
            if w.rows == 0 {
                txn.rollback().await?;
                return Ok(None);
            }
            let rows = tx.query(super::chain::own_rows_of_one(), &[&mid]).await?;
            let digest = super::chain::digest_rows(&rows);
            let m = ChainMessage {
                monitor: &monitor,
                n,
                auction: &auction,
                kind: record.kind(),
                received_at: r.local.0,
                server_est: r.server_est.map(|t| t.0),
                digest,
            };
            let hash = link_message(&prev, &m);
            tx.execute(
                "INSERT INTO messages (id, monitor, n, auction, kind, received_at, server_est, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[&mid, &monitor, &n, &auction, &m.kind, &m.received_at, &m.server_est, &hex(&hash)],
            )
            .await?;
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&super::channel(&auction), &mid.to_string()],
            )
            .await?;
            txn.commit().await?;
            Ok::<_, tokio_postgres::Error>(Some((w, hash)))
        });
        match out {
            Ok(None) => Ok(None),
            Ok(Some((w, hash))) => {
                self.n = n;
                self.prev = hash;
                self.view = w.view;
                Ok(Some(w.new_events))
            }
            Err(e) => {
                let closed = self.client.as_ref().is_none_or(|c| c.is_closed());
                if closed || super::is_transient(&e) {
                    Err(unreachable(&self.remote.classify(&e, false)))
                } else {
                    Err(Failure::Record(e.to_string()))
                }
            }
        }
    }

    fn recover(&mut self, _cause: &JournalCause) {
        if self.client.as_ref().is_some_and(|c| c.is_closed()) {
            self.client = None;
        }
    }
}

/// The record's rows in `tx`, pointing at message `mid`.
async fn write_rows(
    tx: &Tx<'_>,
    mid: i64,
    auction: &str,
    record: &JournalRecord,
    r: Receipt,
    view: &Option<View>,
) -> Result<Written, tokio_postgres::Error> {
    let mut w = Written {
        rows: 0,
        new_events: 0,
        view: view.clone(),
    };
    let est = r.server_est.map(|t| t.0);
    match record {
        JournalRecord::Events(events) => {
            if events.is_empty() {
                return Ok(w);
            }
            let last = tx
                .query_opt(
                    "SELECT upto_seq, records, head FROM platform_chain WHERE auction = $1 \
                     ORDER BY message_id DESC LIMIT 1",
                    &[&auction],
                )
                .await?;
            let (upto, records, head) = match last {
                Some(row) => (
                    row.get::<_, i64>(0),
                    row.get::<_, i64>(1),
                    parse_hex(row.get(2)).unwrap_or(ZERO),
                ),
                None => (0, 0, ZERO),
            };
            let mut sorted = events.clone();
            sorted.sort_by_key(|e| e.seq);
            let mut seqs = Vec::new();
            let (mut at, mut lots, mut types, mut amounts, mut bidders, mut bodies) = (
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
            );
            for e in &sorted {
                let (amount, bidder) = match &e.kind {
                    EventKind::Bid { amount, bidder, .. } => {
                        (Some(amount.to_wire()), Some(bidder.clone()))
                    }
                    _ => (None, None),
                };
                seqs.push(i64_of(e.seq));
                at.push(e.at.0);
                lots.push(e.lot_id.clone());
                types.push(e.kind.type_name().to_string());
                amounts.push(amount);
                bidders.push(bidder);
                bodies.push(codec::encode_event(e));
            }
            let inserted = tx
                .query(
                    "INSERT INTO events (auction, seq, message_id, server_at, received_at, lot_id, type, amount, bidder, body) \
                     SELECT $1, s, $2, a, $3, l, t, m, b, j FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[], \
                     $8::text[], $9::text[], $10::text[]) AS u(s, a, l, t, m, b, j) \
                     ON CONFLICT DO NOTHING RETURNING seq",
                    &[&auction, &mid, &r.local.0, &seqs, &at, &lots, &types, &amounts, &bidders, &bodies],
                )
                .await?;
            let mut new: Vec<i64> = inserted.iter().map(|row| row.get(0)).collect();
            new.sort_unstable();
            w.new_events = new.len() as u64;
            w.rows += tx
                .execute(
                    "INSERT INTO receipts (message_id, auction, seq) SELECT $1, $2, s FROM unnest($3::bigint[]) AS u(s) \
                     ON CONFLICT DO NOTHING",
                    &[&mid, &auction, &seqs],
                )
                .await?;
            if let Some(&first) = new.first() {
                let cp = if first > upto {
                    // The usual case: the chain goes on over the new events.
                    let chained = sorted
                        .iter()
                        .filter(|e| new.binary_search(&i64_of(e.seq)).is_ok());
                    let mut cp = (upto, records, head);
                    for e in chained {
                        cp = (
                            i64_of(e.seq),
                            cp.1 + 1,
                            link_event(&cp.2, &chain_event(auction, e)),
                        );
                    }
                    cp
                } else {
                    // An event below the chain's end (a hole filled late):
                    // the chain over every event in seq order, again.
                    rechain(tx, auction).await?
                };
                tx.execute(
                    "INSERT INTO platform_chain (message_id, auction, upto_seq, records, head) VALUES ($1, $2, $3, $4, $5)",
                    &[&mid, &auction, &cp.0, &cp.1, &hex(&cp.2)],
                )
                .await?;
            }
            if let Some(max) = seqs.last() {
                w.rows += advance_cursor(tx, mid, auction, *max).await?;
            }
            w.view = View::after_events(view, events);
        }
        JournalRecord::Snapshot {
            seq,
            lots,
            rejected,
        } => {
            let s = i64_of(*seq);
            let n = tx
                .execute(
                    "INSERT INTO snapshots (auction, seq, message_id, lot_count) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    &[&auction, &s, &mid, &(lots.len() as i64)],
                )
                .await?;
            if n == 1 {
                w.rows += 1;
                let ords: Vec<i64> = (0..lots.len() as i64).collect();
                let ids: Vec<String> = lots.iter().map(|l| l.id.clone()).collect();
                let bodies: Vec<String> = lots.iter().map(codec::encode_lot).collect();
                tx.execute(
                    "INSERT INTO snapshot_lots (auction, seq, ord, lot_id, body) \
                     SELECT $1, $2, o, i, b FROM unnest($3::bigint[], $4::text[], $5::text[]) AS u(o, i, b)",
                    &[&auction, &s, &ords, &ids, &bodies],
                )
                .await?;
                let (changes, after) = View::after_snapshot(view, *seq, lots);
                for c in &changes {
                    tx.execute(
                        "INSERT INTO changes (message_id, auction, snapshot_seq, lot_id, kind, server_at, amount, body) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        &[&mid, &auction, &s, &c.lot_id, &c.change.kind_name(),
                          &c.server_at().or(r.server_est).map(|t| t.0), &c.amount().map(|m| m.to_wire()),
                          &change_body(c).to_string()],
                    )
                    .await?;
                }
                w.view = after;
            }
            for d in rejected {
                w.rows += anomaly(
                    tx,
                    mid,
                    auction,
                    d.lot_id.as_deref(),
                    est,
                    "data_issue",
                    &format!("{}: {}", d.field, d.problem),
                )
                .await?;
            }
            w.rows += advance_cursor(tx, mid, auction, s).await?;
        }
        JournalRecord::Bids { lot_id, bids } => {
            for b in bids {
                w.rows += tx
                    .execute(
                        "INSERT INTO bids (auction, seq, message_id, lot_id, at, amount, bidder) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                        &[
                            &auction,
                            &i64_of(b.seq),
                            &mid,
                            lot_id,
                            &b.at.0,
                            &b.amount.to_wire(),
                            &b.bidder,
                        ],
                    )
                    .await?;
            }
        }
        JournalRecord::Auction(a) => {
            let last: Option<String> = tx
                .query_opt(
                    "SELECT body FROM auction_info WHERE auction = $1 ORDER BY id DESC LIMIT 1",
                    &[&auction],
                )
                .await?
                .map(|row| row.get(0));
            let same = last
                .and_then(|l| super::super::replay::auction_from_json(&l).ok())
                .as_ref()
                == Some(a);
            if !same {
                let body = serde_json::to_string(&auction_body(a, r)).unwrap_or_default();
                w.rows += tx
                    .execute(
                        "INSERT INTO auction_info (message_id, auction, body) VALUES ($1, $2, $3)",
                        &[&mid, &auction, &body],
                    )
                    .await?;
            }
        }
        JournalRecord::Rates(t) => {
            let source = match t.source {
                RateSource::Nbk => Some("nbk"),
                RateSource::Platform => Some("platform"),
                RateSource::Fixed => None,
            };
            if let (Some(source), Some(date)) = (source, t.date) {
                for (cur, rate) in &t.rates {
                    w.rows += tx
                        .execute(
                            "INSERT INTO rates (date, source, currency, rate, fetched_at, message_id) \
                             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                            &[&date.to_string(), &source, &cur.code(), &rate.0.to_string(), &t.fetched_at.0, &mid],
                        )
                        .await?;
                }
            }
        }
        JournalRecord::Anomaly {
            lot_id,
            server_at,
            kind,
            evidence,
        } => {
            let at = server_at.or(r.server_est).map(|t| t.0);
            w.rows += anomaly(tx, mid, auction, lot_id.as_deref(), at, kind, evidence).await?;
        }
        JournalRecord::DataIssue(d) => {
            w.rows += anomaly(
                tx,
                mid,
                auction,
                d.lot_id.as_deref(),
                est,
                "data_issue",
                &format!("{}: {}", d.field, d.problem),
            )
            .await?;
        }
    }
    Ok(w)
}

async fn anomaly(
    tx: &Tx<'_>,
    mid: i64,
    auction: &str,
    lot_id: Option<&str>,
    server_at: Option<i64>,
    kind: &str,
    evidence: &str,
) -> Result<u64, tokio_postgres::Error> {
    tx.execute(
        "INSERT INTO anomalies (message_id, auction, lot_id, server_at, kind, evidence) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&mid, &auction, &lot_id, &server_at, &kind, &evidence],
    )
    .await
}

/// A cursor row when `seq` is past the stored cursor.
async fn advance_cursor(
    tx: &Tx<'_>,
    mid: i64,
    auction: &str,
    seq: i64,
) -> Result<u64, tokio_postgres::Error> {
    let cur: Option<i64> = tx
        .query_one(
            "SELECT max(seq) FROM cursor WHERE auction = $1",
            &[&auction],
        )
        .await?
        .get(0);
    if cur.is_some_and(|c| c >= seq) {
        return Ok(0);
    }
    tx.execute(
        "INSERT INTO cursor (message_id, auction, seq) VALUES ($1, $2, $3)",
        &[&mid, &auction, &seq],
    )
    .await
}

/// An event's platform fields for the chain.
fn chain_event(auction: &str, e: &crate::domain::Event) -> ChainEvent {
    let (amount, bidder) = match &e.kind {
        EventKind::Bid { amount, bidder, .. } => (Some(amount.to_wire()), Some(bidder.clone())),
        _ => (None, None),
    };
    ChainEvent {
        auction: auction.to_string(),
        seq: i64_of(e.seq),
        server_at: e.at.0,
        lot_id: e.lot_id.clone(),
        kind: e.kind.type_name().to_string(),
        amount,
        bidder,
        body: codec::encode_event(e),
    }
}

/// The platform chain over every stored event of `auction`: (last seq,
/// count, head).
async fn rechain(tx: &Tx<'_>, auction: &str) -> Result<(i64, i64, Hash), tokio_postgres::Error> {
    let rows = tx.query(super::chain::EVENTS_SQL, &[&auction]).await?;
    let mut cp = (0i64, 0i64, ZERO);
    for r in &rows {
        let e = super::chain::event_of_row(auction, r);
        cp = (e.seq, cp.1 + 1, link_event(&cp.2, &e));
    }
    Ok(cp)
}
