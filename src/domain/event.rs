//! Events of the platform's change feed, and how each one changes a lot.

use super::lot::{HighBid, Lot, LotResult, LotStatus};
use super::money::Money;
use super::time::Timestamp;

/// One event of the feed. `seq` rises by exactly one per event, auction-wide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub seq: u64,
    pub at: Timestamp,
    /// None for platform-wide notices.
    pub lot_id: Option<String>,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    Bid {
        amount: Money,
        bidder: String,
        closes_at: Timestamp,
    },
    Extended {
        closes_at: Timestamp,
        extensions: u32,
    },
    Status {
        status: LotStatus,
        closes_at: Timestamp,
        result: Option<LotResult>,
    },
    Lot(Box<Lot>),
    Notice {
        message: String,
    },
    /// A type this build does not know; kept so that seq stays gap-free.
    Unknown {
        type_name: String,
    },
}

impl EventKind {
    pub fn type_name(&self) -> &str {
        match self {
            EventKind::Bid { .. } => "bid",
            EventKind::Extended { .. } => "extended",
            EventKind::Status { .. } => "status",
            EventKind::Lot(_) => "lot",
            EventKind::Notice { .. } => "notice",
            EventKind::Unknown { type_name } => type_name,
        }
    }
}

impl Lot {
    /// Applies one feed event for this lot. Events for other lots, notices and
    /// unknown types change nothing. Does not judge validity: anomaly checks
    /// (see `rules`) do that before or beside this.
    pub fn apply(&mut self, event: &Event) {
        match &event.kind {
            EventKind::Bid {
                amount,
                bidder,
                closes_at,
            } => {
                self.high_bid = Some(HighBid {
                    amount: *amount,
                    bidder: bidder.clone(),
                    at: event.at,
                    seq: event.seq,
                });
                self.bid_count = self.bid_count.saturating_add(1);
                self.closes_at = *closes_at;
            }
            EventKind::Extended {
                closes_at,
                extensions,
            } => {
                self.closes_at = *closes_at;
                self.extensions = *extensions;
            }
            EventKind::Status {
                status,
                closes_at,
                result,
            } => {
                if *status != self.status
                    && let Some(site) = self.site.as_deref_mut()
                {
                    // The site's own words were for the status before.
                    site.status_text.clear();
                }
                self.status = status.clone();
                self.closes_at = *closes_at;
                if result.is_some() {
                    self.result = result.clone();
                }
            }
            EventKind::Lot(lot) => *self = (**lot).clone(),
            EventKind::Notice { .. } | EventKind::Unknown { .. } => {}
        }
    }
}
