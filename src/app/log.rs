//! The events log shown in the events pane: a bounded ring of the newest
//! platform events (and the app's own notes), each kept as data: the view
//! words it in the language in force.

use crate::app::alerts::AlertKind;
use crate::domain::{Event, EventKind, Lot, LotStatus, Money, Timestamp};
use std::collections::VecDeque;

/// Entries kept; older ones fall off.
const MAX_LOG: usize = 2000;

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
    /// The source of the event (several sources at once).
    pub source: crate::domain::SourceId,
    pub seq: Option<u64>,
    pub at: Option<Timestamp>,
    pub kind: LogKind,
    /// Lot number (or empty for platform-wide entries).
    pub lot: String,
    pub text: LogText,
}

/// What an entry says, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogText {
    Bid {
        amount: Money,
        bidder: String,
    },
    Extended {
        extensions: u32,
        closes_at: Timestamp,
    },
    Status {
        status: LotStatus,
        result: Option<(Money, String)>,
    },
    LotUpdated {
        name: String,
    },
    /// The platform's own words, shown as sent.
    Notice(String),
    UnknownEvent(String),
    /// Unusable data: the field and the decoder's technical description.
    Issue {
        field: String,
        problem: String,
    },
    Alert {
        kind: AlertKind,
        what: AlertText,
    },
    /// A `[[rule]]` alert: the rule's name, the lot's, what happened.
    RuleAlert {
        rule: String,
        name: String,
        changes: Vec<crate::app::rules::RuleChange>,
    },
}

/// What an alert says, as data (`--on-alert` gets its own fixed wording).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlertText {
    /// `amount` is None when a re-snapshot showed it (no bid event seen).
    Outbid {
        name: String,
        bidder: String,
        amount: Option<Money>,
    },
    Closing {
        name: String,
        minutes: u64,
        closes_at: Timestamp,
    },
    Extended {
        name: String,
        extensions: u32,
        closes_at: Timestamp,
    },
    Notice(String),
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
        if self.entries.len() >= MAX_LOG {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// Records a feed event; `lot` is the lot it concerns after applying it.
    /// Records a feed event of source `src`.
    pub fn record(&mut self, src: crate::domain::SourceId, ev: &Event, lot: Option<&Lot>) {
        let number = lot
            .map(|l| l.number.clone())
            .or_else(|| ev.lot_id.clone())
            .unwrap_or_default();
        let (kind, text) = match &ev.kind {
            EventKind::Bid { amount, bidder, .. } => (
                LogKind::Bid,
                LogText::Bid {
                    amount: *amount,
                    bidder: bidder.clone(),
                },
            ),
            EventKind::Extended {
                closes_at,
                extensions,
            } => (
                LogKind::Extended,
                LogText::Extended {
                    extensions: *extensions,
                    closes_at: *closes_at,
                },
            ),
            EventKind::Status { status, result, .. } => (
                LogKind::Status,
                LogText::Status {
                    status: status.clone(),
                    result: result.as_ref().map(|r| (r.amount, r.winner.clone())),
                },
            ),
            EventKind::Lot(l) => (
                LogKind::Lot,
                LogText::LotUpdated {
                    name: l.name.clone(),
                },
            ),
            EventKind::Notice { message } => (LogKind::Notice, LogText::Notice(message.clone())),
            EventKind::Unknown { type_name } => {
                (LogKind::Unknown, LogText::UnknownEvent(type_name.clone()))
            }
        };
        self.push(LogEntry {
            source: src,
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
        for i in 0..(MAX_LOG + 10) {
            log.push(LogEntry {
                source: crate::domain::SourceId::FIRST,
                seq: Some(i as u64),
                at: None,
                kind: LogKind::Notice,
                lot: String::new(),
                text: LogText::Notice(String::new()),
            });
        }
        assert_eq!(log.len(), MAX_LOG);
        assert_eq!(log.newest(0).and_then(|e| e.seq), Some(MAX_LOG as u64 + 9));
        assert_eq!(log.newest(MAX_LOG - 1).and_then(|e| e.seq), Some(10));
        assert!(log.newest(MAX_LOG).is_none());
    }
}
