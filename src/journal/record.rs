//! What the journal appends: the records made of the sync engine's messages
//! and of the app's anomalies, the receipt that goes with each, and the
//! stored JSON forms that both backends write the same way (the auction's
//! description, an observed change's body).

use crate::domain::change::{Change, LotChange};
use crate::domain::{Auction, Bid, Event, Lot, Timestamp};
use crate::platform::wire::{AuctionBody, WireLot, WireResult};
use crate::rates::RateTable;
use crate::sync::{Backfill, DataIssue, SyncMsg};

/// The field under which a seq gap is stored as a data issue.
pub const SEQ_GAP_FIELD: &str = "events.seq";
/// The anomaly kind of events the journal could not get from the feed.
pub const JOURNAL_GAP: &str = "journal_gap";

/// When a record was received: this machine's wall clock, and the server
/// clock estimate at that moment when one exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub local: Timestamp,
    pub server_est: Option<Timestamp>,
}

impl Receipt {
    /// Now, by this machine's wall clock.
    pub fn now(server_est: Option<Timestamp>) -> Receipt {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Receipt {
            local: Timestamp(ms),
            server_est,
        }
    }
}

/// What the journal appends.
#[derive(Clone, Debug)]
pub enum JournalRecord {
    Auction(Auction),
    /// Every lot at feed position `seq`; compared with the journal's view of
    /// the lots to record the changes no event explained.
    Snapshot {
        seq: u64,
        lots: Vec<Lot>,
        rejected: Vec<DataIssue>,
    },
    Events(Vec<Event>),
    Bids {
        lot_id: String,
        bids: Vec<Bid>,
    },
    Rates(RateTable),
    Anomaly {
        lot_id: Option<String>,
        server_at: Option<Timestamp>,
        kind: String,
        evidence: String,
    },
    DataIssue(DataIssue),
}

impl JournalRecord {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            JournalRecord::Auction(_) => "auction",
            JournalRecord::Snapshot { .. } => "snapshot",
            JournalRecord::Events(_) => "events",
            JournalRecord::Bids { .. } => "bids",
            JournalRecord::Rates(_) => "rates",
            JournalRecord::Anomaly { .. } => "anomaly",
            JournalRecord::DataIssue(_) => "data_issue",
        }
    }

    /// The record for a sync message; None for those the journal does not
    /// keep (clock samples, link state: the app derives anomalies from them).
    pub fn from_sync_msg(msg: &SyncMsg) -> Option<JournalRecord> {
        Some(match msg {
            SyncMsg::Auction(a) => JournalRecord::Auction(a.clone()),
            SyncMsg::Snapshot {
                seq,
                lots,
                rejected,
            } => JournalRecord::Snapshot {
                seq: *seq,
                lots: lots.clone(),
                rejected: rejected.clone(),
            },
            SyncMsg::Events(v) => JournalRecord::Events(v.clone()),
            SyncMsg::Bids { lot_id, bids } => JournalRecord::Bids {
                lot_id: lot_id.clone(),
                bids: bids.clone(),
            },
            SyncMsg::Rates(t) => JournalRecord::Rates(t.clone()),
            SyncMsg::DataIssue(d) => JournalRecord::DataIssue(d.clone()),
            SyncMsg::Backfill(Backfill::Events(v)) => JournalRecord::Events(v.clone()),
            SyncMsg::Backfill(Backfill::Lost { from, to, why }) => JournalRecord::Anomaly {
                lot_id: None,
                server_at: None,
                kind: JOURNAL_GAP.into(),
                evidence: Backfill::lost_evidence(*from, *to, why),
            },
            // Stored as the data issue it was before it had a type of its own.
            SyncMsg::SeqGap(g) => JournalRecord::DataIssue(DataIssue {
                lot_id: None,
                field: SEQ_GAP_FIELD.into(),
                problem: g.to_string(),
            }),
            SyncMsg::Backfill(Backfill::Start { .. } | Backfill::End | Backfill::Deferred)
            | SyncMsg::Clock(_)
            | SyncMsg::Link(_) => return None,
        })
    }
}

/// The auction as stored: its description in the API's form, with the
/// time it was received.
pub(super) fn auction_body(a: &Auction, r: Receipt) -> AuctionBody {
    AuctionBody {
        server_time: r.server_est.unwrap_or(r.local).to_rfc3339(),
        id: a.id.clone(),
        title: a.title.clone(),
        venue: a.venue.clone(),
        timezone: a.timezone.clone(),
        currency: a.currency.clone(),
        starts_at: a.starts_at.to_rfc3339(),
        ends_at: a.ends_at.to_rfc3339(),
        status: a.status.as_str().to_string(),
    }
}

/// The JSON body of an observed change, as both backends store it.
pub(super) fn change_body(c: &LotChange) -> serde_json::Value {
    match &c.change {
        Change::Added(l) | Change::Terms(l) => {
            serde_json::json!({ "lot": WireLot::from(l.as_ref()) })
        }
        Change::Removed => serde_json::json!({}),
        Change::Bid {
            high,
            closes_at,
            bid_count,
            new_bids,
        } => serde_json::json!({
            "amount": high.amount.to_wire(), "bidder": high.bidder, "at": high.at.to_rfc3339(), "seq": high.seq,
            "closes_at": closes_at.to_rfc3339(), "bid_count": bid_count, "new_bids": new_bids,
        }),
        Change::Extended {
            closes_at,
            extensions,
        } => {
            serde_json::json!({ "closes_at": closes_at.to_rfc3339(), "extensions": extensions })
        }
        Change::Status {
            from,
            to,
            closes_at,
            result,
            status_text,
        } => {
            let mut body = serde_json::json!({
                "from": from.as_str(), "to": to.as_str(), "closes_at": closes_at.to_rfc3339(),
                "result": result.as_ref().map(WireResult::from),
            });
            if let (Some(t), Some(o)) = (status_text, body.as_object_mut()) {
                o.insert("status_text".into(), t.clone().into());
            }
            body
        }
    }
}
