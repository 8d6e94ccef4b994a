//! The sync engine: decides what to ask the platform and when (snapshot,
//! long-poll feed, re-snapshot on a gap or 410, interval polling without a
//! feed, backoff, rates, clock samples) and reports results as messages. It
//! never touches the app state or the terminal.

pub mod backfill;
pub mod backoff;
pub mod engine;
pub mod rates;
pub mod seam;
pub mod site;

pub use crate::domain::{LinkCause, LinkState};
pub use crate::platform::DataIssue;
pub use backfill::{Backfill, JournalStart};
pub use engine::{SyncConfig, SyncHandle, spawn};

use crate::domain::clock::ClockSample;
use crate::domain::{Auction, Bid, Event, Lot};
use crate::rates::RateTable;

/// What the sync engine tells the app. Each message is complete: nothing is
/// sent from an answer that failed part-way.
#[derive(Clone, Debug)]
pub enum SyncMsg {
    Auction(Auction),
    /// Every lot as of feed position `seq`; replaces what the app holds.
    Snapshot {
        seq: u64,
        lots: Vec<Lot>,
        rejected: Vec<DataIssue>,
    },
    /// Feed events in seq order, gap-free from the last snapshot or batch.
    Events(Vec<Event>),
    /// The bid history of one lot (answer to `SyncCmd::SelectLot`).
    Bids {
        lot_id: String,
        bids: Vec<Bid>,
    },
    Rates(RateTable),
    Clock(ClockSample),
    Link(LinkState),
    /// Data the platform sent that could not be used, named precisely.
    DataIssue(DataIssue),
    /// Events the journal missed, read for it (the app ignores them).
    Backfill(Backfill),
    /// The feed skipped seqs.
    SeqGap(SeqGap),
}

/// The feed skipped seqs: after `after` it gave `got` (the engine re-reads
/// the lots; the anomaly detector raises a seq gap).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqGap {
    pub after: u64,
    pub got: u64,
}

impl std::fmt::Display for SeqGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (from, to) = (self.after.saturating_add(1), self.got.saturating_sub(1));
        write!(
            f,
            "seq gap: after seq {} the feed gave seq {} (missing ",
            self.after, self.got
        )?;
        if from >= to {
            write!(f, "{from})")
        } else {
            write!(f, "{from}–{to})")
        }
    }
}

impl SeqGap {
    /// Reads back the text `Display` wrote (the journal stores it so).
    pub fn parse(text: &str) -> Option<SeqGap> {
        let rest = text.strip_prefix("seq gap: after seq ")?;
        let (after, rest) = rest.split_once(" the feed gave seq ")?;
        let got = rest.split(' ').next()?;
        Some(SeqGap {
            after: after.parse().ok()?,
            got: got.parse().ok()?,
        })
    }
}

/// What the app asks of the sync engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncCmd {
    /// Re-read everything now (Ctrl-R).
    RefreshNow,
    /// Keep the bid history of this lot fresh (the lot in view); None stops.
    SelectLot(Option<String>),
    /// The journal is open and holds the feed up to this seq (None: a new
    /// journal), for `JournalStart::Later`.
    JournalOpened(Option<u64>),
}
