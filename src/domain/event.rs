//! Events of the platform's change feed, and how each one changes a lot.

use super::change::Change;
use super::lot::{Lot, LotResult, LotStatus};
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
    /// The status moved; `result` is the lot's result from now on (None
    /// clears it), `status_text` the source's own words for the status (a
    /// web site's; None from the API).
    Status {
        status: LotStatus,
        closes_at: Timestamp,
        result: Option<LotResult>,
        status_text: Option<String>,
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
    /// Applies one feed event for this lot, as the one change model reads it
    /// (`change::Change::of_event`). Notices and unknown types change
    /// nothing. Does not judge validity: anomaly checks (see `rules`) do
    /// that before or beside this.
    pub fn apply(&mut self, event: &Event) {
        if let Some(c) = Change::of_event(self, event) {
            c.apply_to(self);
        }
    }
}
