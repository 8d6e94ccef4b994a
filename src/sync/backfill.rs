//! Filling the journal's gap: what the engine is told about the journal at
//! start (`JournalStart`) and what it sends while it reads the events the
//! journal missed (`Backfill`). The engine does the reading, through its own
//! pacer and backoff, one request at a time (see `engine::Engine::catch_up`).

use crate::domain::Event;

/// Where the journal stands when the engine starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum JournalStart {
    /// No journal: there is no gap to fill, and no history is read.
    #[default]
    Off,
    /// The journal's cursor: `Some(c)` reads the events after `c` up to the
    /// first snapshot; `None` (a new journal) starts at the first snapshot.
    Cursor(Option<u64>),
    /// The journal opens once the auction is known (its file is named after
    /// it): the caller sends `SyncCmd::JournalOpened` then. A snapshot never
    /// waits for it: one sent before is announced by `Backfill::Deferred`.
    Later,
}

/// The events the journal missed before a snapshot, read for the journal;
/// the app already holds their effect through the snapshot and ignores them.
#[derive(Clone, Debug, PartialEq)]
pub enum Backfill {
    /// The journal holds the events up to `after`; the snapshot that follows
    /// is at `until`. The journal keeps that snapshot back until `End`, so
    /// that the events it covers are written before it.
    Start { after: u64, until: u64 },
    /// Events after the journal's cursor, in seq order, none beyond `until`.
    Events(Vec<Event>),
    /// Seqs `from..=to` could not be read: the snapshot stands for them.
    Lost { from: u64, to: u64, why: String },
    /// The catch-up is over (done, lost, or cut short by a failure).
    End,
    /// The journal is not open yet, and the app gets the snapshot that
    /// follows now: the journal keeps it and what comes after back until
    /// `End`, and writes the events it missed (`Start`, `Events`) first.
    Deferred,
}

impl Backfill {
    /// The journal's wording of a loss (its `journal_gap` anomaly, which
    /// `watch` prints too): `events 1–16 not read from the feed: …`.
    pub fn lost_evidence(from: u64, to: u64, why: &str) -> String {
        if from == to {
            format!("event {from} not read from the feed: {why}")
        } else {
            format!("events {from}–{to} not read from the feed: {why}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Backfill;

    #[test]
    fn a_loss_reads_as_words_not_a_rust_range() {
        assert_eq!(
            Backfill::lost_evidence(1, 16, "gone"),
            "events 1–16 not read from the feed: gone"
        );
        assert_eq!(
            Backfill::lost_evidence(7, 7, "gone"),
            "event 7 not read from the feed: gone"
        );
    }
}
