//! One record's rows in the shared journal, inside the writer's
//! transaction: platform rows stored once (`ON CONFLICT DO NOTHING`), this
//! monitor's receipts and anomalies, the feed cursor, and the platform
//! chain's checkpoint when new events came (`chain.rs`).

use super::super::chain::{Hash, ZERO, hex, parse_hex};
use super::super::codec;
use super::super::record::{JournalRecord, Receipt, auction_body, change_body};
use super::super::view::View;
use super::chain::{ChainEvent, link_event};
use super::tx::Tx;
use crate::domain::EventKind;
use crate::rates::RateSource;

/// What one transaction did.
pub(super) struct Written {
    pub rows: u64,
    pub new_events: u64,
    pub view: Option<View>,
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The record's rows in `tx`, pointing at message `mid`.
pub(super) async fn write_rows(
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
                    row.try_get::<_, i64>(0)?,
                    row.try_get::<_, i64>(1)?,
                    parse_hex(row.try_get(2)?).unwrap_or(ZERO),
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
            let mut new: Vec<i64> = inserted
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?;
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
                w.rows += data_issue(tx, mid, auction, d, est).await?;
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
                .map(|row| row.try_get::<_, String>(0))
                .transpose()?;
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
            w.rows += data_issue(tx, mid, auction, d, est).await?;
        }
    }
    Ok(w)
}

/// A data issue, stored as an anomaly of kind `data_issue`.
async fn data_issue(
    tx: &Tx<'_>,
    mid: i64,
    auction: &str,
    d: &crate::platform::DataIssue,
    server_at: Option<i64>,
) -> Result<u64, tokio_postgres::Error> {
    let evidence = format!("{}: {}", d.field, d.problem);
    anomaly(
        tx,
        mid,
        auction,
        d.lot_id.as_deref(),
        server_at,
        "data_issue",
        &evidence,
    )
    .await
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
        .try_get(0)?;
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
        let e = super::chain::event_of_row(auction, r)?;
        cp = (e.seq, cp.1 + 1, link_event(&cp.2, &e));
    }
    Ok(cp)
}
