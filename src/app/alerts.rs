//! Alerts: what is worth interrupting the user for (outbid, a watched lot
//! entering its last minutes, a soft-close extension on a watched lot, a
//! notice), each fired exactly once per occurrence, and the short row flash
//! that goes with it. Pure bookkeeping: the app decides when to check.

use crate::domain::clock::Mono;
use crate::domain::{Lot, LotStatus, Timestamp};
use std::collections::{HashMap, HashSet};

/// How long an alerted row stays highlighted.
pub const FLASH_MS: u64 = 1500;
/// Rows flashing at once (more alerts than this in one burst replace the oldest).
const MAX_FLASH: usize = 64;
/// Longest alert message passed on (already sanitized text, cut further).
const MAX_MESSAGE: usize = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertKind {
    Outbid,
    Closing,
    Extended,
    Notice,
}

impl AlertKind {
    /// The name passed to `--on-alert` and shown in the events pane.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Outbid => "outbid",
            AlertKind::Closing => "closing",
            AlertKind::Extended => "extended",
            AlertKind::Notice => "notice",
        }
    }
}

/// One alert, as the loop hands it to `--on-alert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    /// Empty for platform-wide alerts (notices).
    pub lot_id: String,
    pub lot_number: String,
    pub message: String,
    /// What it says, as data: the words of its delivery in the interface
    /// language (`message` is the alert command's fixed English).
    pub what: Option<super::log::AlertText>,
}

impl Alert {
    pub fn new(kind: AlertKind, lot: Option<&Lot>, message: String) -> Alert {
        let mut message = message;
        if let Some((end, _)) = message.char_indices().nth(MAX_MESSAGE) {
            message.truncate(end);
        }
        Alert {
            kind,
            lot_id: lot.map(|l| l.id.clone()).unwrap_or_default(),
            lot_number: lot.map(|l| l.number.clone()).unwrap_or_default(),
            message,
            what: None,
        }
    }

    /// The arguments of the `--on-alert` command, in order.
    pub fn args(&self) -> [&str; 4] {
        [
            self.kind.as_str(),
            &self.lot_id,
            &self.lot_number,
            &self.message,
        ]
    }
}

/// Which closing alerts have fired, and which rows flash until when.
#[derive(Clone, Debug, Default)]
pub struct AlertState {
    /// Watched lots already alerted for their current last-minutes window.
    closing_done: HashSet<String>,
    flash: HashMap<String, Mono>,
}

/// Where a lot stands against the closing window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// More than the window left: `ms` until it enters.
    Before {
        ms: i64,
    },
    Inside,
    /// Not open (nothing counts down).
    NotRunning,
}

pub fn window(lot: &Lot, now: Timestamp, window_ms: i64) -> Window {
    if lot.status != LotStatus::Open {
        return Window::NotRunning;
    }
    let left = now.until(lot.closes_at);
    if left > window_ms {
        Window::Before {
            ms: left - window_ms,
        }
    } else {
        Window::Inside
    }
}

impl AlertState {
    /// Whether the closing alert of `lot` is due now, marking it done. A lot
    /// that leaves the window again (its close moved later) may alert again.
    pub fn closing_due(&mut self, lot: &Lot, now: Timestamp, window_ms: i64) -> bool {
        match window(lot, now, window_ms) {
            Window::Inside => self.closing_done.insert(lot.id.clone()),
            Window::Before { .. } => {
                self.closing_done.remove(&lot.id);
                false
            }
            Window::NotRunning => false,
        }
    }

    /// Marks a lot as already inside its window without alerting (it was
    /// watched there: it did not enter it).
    pub fn closing_seen(&mut self, lot: &Lot, now: Timestamp, window_ms: i64) {
        if window(lot, now, window_ms) == Window::Inside {
            self.closing_done.insert(lot.id.clone());
        }
    }

    pub fn flash(&mut self, lot_id: &str, now: Mono) {
        if self.flash.len() >= MAX_FLASH
            && !self.flash.contains_key(lot_id)
            && let Some(oldest) = self
                .flash
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(id, _)| id.clone())
        {
            self.flash.remove(&oldest);
        }
        self.flash
            .insert(lot_id.to_string(), Mono(now.0.saturating_add(FLASH_MS)));
    }

    pub fn is_flashing(&self, lot_id: &str, now: Mono) -> bool {
        self.flash.get(lot_id).is_some_and(|until| *until > now)
    }

    /// Drops ended flashes; true if one ended (the row must be redrawn).
    pub fn expire(&mut self, now: Mono) -> bool {
        let before = self.flash.len();
        self.flash.retain(|_, until| *until > now);
        self.flash.len() != before
    }

    /// When the next flash ends.
    pub fn next_flash_end(&self) -> Option<Mono> {
        self.flash.values().min().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_ends_by_itself() {
        let mut s = AlertState::default();
        s.flash("A", Mono(1000));
        assert!(s.is_flashing("A", Mono(1000 + FLASH_MS - 1)));
        assert_eq!(s.next_flash_end(), Some(Mono(1000 + FLASH_MS)));
        assert!(!s.expire(Mono(1000 + FLASH_MS - 1)));
        assert!(s.expire(Mono(1000 + FLASH_MS)));
        assert!(!s.is_flashing("A", Mono(1000 + FLASH_MS)));
        assert_eq!(s.next_flash_end(), None);
    }

    #[test]
    fn flashes_are_bounded() {
        let mut s = AlertState::default();
        for i in 0..(MAX_FLASH as u64 + 10) {
            s.flash(&i.to_string(), Mono(i));
        }
        assert_eq!(s.flash.len(), MAX_FLASH);
        assert!(!s.is_flashing("0", Mono(0)));
    }
}
