//! The events log shown in the events pane: a bounded ring of the newest
//! platform events (and the app's own notes), each with its description
//! rendered once when it arrives.

use crate::domain::{Event, EventKind, Lot, Timestamp};
use std::collections::VecDeque;

/// Entries kept; older ones fall off.
pub const LOG_MAX: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    Bid,
    Extended,
    Status,
    Lot,
    Notice,
    Unknown,
    /// Unusable data the platform sent.
    Issue,
    /// An alert fired (outbid, closing, extension, notice).
    Alert,
}

impl LogKind {
    /// The label shown beside the entry (colour is never the only signal).
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Bid => "BID",
            LogKind::Extended => "EXT",
            LogKind::Status => "STA",
            LogKind::Lot => "LOT",
            LogKind::Notice => "NOT",
            LogKind::Unknown => "???",
            LogKind::Issue => "ERR",
            LogKind::Alert => "ALERT",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            LogKind::Bid => "▲",
            LogKind::Extended => "+",
            LogKind::Status => "●",
            LogKind::Lot => "≡",
            LogKind::Notice => "✉",
            LogKind::Unknown => "?",
            LogKind::Issue => "✖",
            LogKind::Alert => "!",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: Option<u64>,
    pub at: Option<Timestamp>,
    pub kind: LogKind,
    /// Lot number (or empty for platform-wide entries).
    pub lot: String,
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct EventLog {
    entries: VecDeque<LogEntry>,
}

impl EventLog {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `n`-th newest entry (0 is the newest).
    pub fn newest(&self, n: usize) -> Option<&LogEntry> {
        self.entries
            .len()
            .checked_sub(n + 1)
            .and_then(|i| self.entries.get(i))
    }

    pub fn push(&mut self, e: LogEntry) {
        if self.entries.len() >= LOG_MAX {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// Records a feed event; `lot` is the lot it concerns after applying it.
    pub fn record(&mut self, ev: &Event, lot: Option<&Lot>) {
        let number = lot
            .map(|l| l.number.clone())
            .or_else(|| ev.lot_id.clone())
            .unwrap_or_default();
        let (kind, text) = match &ev.kind {
            EventKind::Bid { amount, bidder, .. } => {
                (LogKind::Bid, format!("{} by {bidder}", amount.grouped()))
            }
            EventKind::Extended {
                closes_at,
                extensions,
            } => (
                LogKind::Extended,
                format!("extended +{extensions}, closes {}", closes_at.astana_hms()),
            ),
            EventKind::Status { status, result, .. } => {
                let mut t = format!("now {}", status.as_str());
                if let Some(r) = result {
                    t.push_str(&format!(": {} to {}", r.amount.grouped(), r.winner));
                }
                (LogKind::Status, t)
            }
            EventKind::Lot(l) => (LogKind::Lot, format!("lot updated: {}", l.name)),
            EventKind::Notice { message } => (LogKind::Notice, message.clone()),
            EventKind::Unknown { type_name } => (
                LogKind::Unknown,
                format!("unknown event type {type_name:?}"),
            ),
        };
        self.push(LogEntry {
            seq: Some(ev.seq),
            at: Some(ev.at),
            kind,
            lot: number,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_newest_first() {
        let mut log = EventLog::default();
        for i in 0..(LOG_MAX + 10) {
            log.push(LogEntry {
                seq: Some(i as u64),
                at: None,
                kind: LogKind::Notice,
                lot: String::new(),
                text: String::new(),
            });
        }
        assert_eq!(log.len(), LOG_MAX);
        assert_eq!(log.newest(0).and_then(|e| e.seq), Some(LOG_MAX as u64 + 9));
        assert_eq!(log.newest(LOG_MAX - 1).and_then(|e| e.seq), Some(10));
        assert!(log.newest(LOG_MAX).is_none());
    }
}
