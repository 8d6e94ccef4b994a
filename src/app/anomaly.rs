//! The anomaly detector: a pure checker fed the same sync messages as the app
//! (snapshots, event batches, link states, clock readings). It keeps its own
//! copy of each lot as last seen, tests every change against the contract's
//! rules (`domain::rules`) and reports each fault once per occurrence.

use crate::domain::rules::{BidRefusal, check_bid, transition_allowed, transition_reachable};
use crate::domain::{Event, EventKind, Lot, LotStatus, Timestamp};
use crate::sync::{LinkState, SEQ_GAP_FIELD, SyncMsg};
use std::collections::HashMap;

/// What kind of fault was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnomalyKind {
    /// A feed bid below the next minimum (or not above the high bid).
    BidBelowMinimum,
    /// A feed bid at or after the lot's `closes_at`.
    BidAfterClose,
    /// A feed bid on a lot that is not open (and not past its close).
    BidNotOpen,
    /// The high bid went down.
    HighBidFell,
    /// A status change the contract forbids.
    ForbiddenTransition,
    /// The feed skipped seqs.
    SeqGap,
    /// More soft-close extensions than `max_extensions`.
    TooManyExtensions,
    /// A sold lot whose result is not its last high bid.
    ResultMismatch,
    /// Server clock vs this machine's over the threshold.
    ClockSkew,
    /// The platform unreachable for longer than the threshold.
    Unreachable,
}

impl AnomalyKind {
    /// The name the journal records.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::BidBelowMinimum => "bid_below_minimum",
            AnomalyKind::BidAfterClose => "bid_after_close",
            AnomalyKind::BidNotOpen => "bid_not_open",
            AnomalyKind::HighBidFell => "high_bid_fell",
            AnomalyKind::ForbiddenTransition => "forbidden_transition",
            AnomalyKind::SeqGap => "seq_gap",
            AnomalyKind::TooManyExtensions => "too_many_extensions",
            AnomalyKind::ResultMismatch => "result_mismatch",
            AnomalyKind::ClockSkew => "clock_skew",
            AnomalyKind::Unreachable => "unreachable",
        }
    }

    /// A symbol for the pane (so the kind does not rely on colour).
    pub fn symbol(self) -> &'static str {
        match self {
            AnomalyKind::BidBelowMinimum => "↓",
            AnomalyKind::BidAfterClose => "⏱",
            AnomalyKind::BidNotOpen => "⊘",
            AnomalyKind::HighBidFell => "↘",
            AnomalyKind::ForbiddenTransition => "⇄",
            AnomalyKind::SeqGap => "⋯",
            AnomalyKind::TooManyExtensions => "⏩",
            AnomalyKind::ResultMismatch => "≠",
            AnomalyKind::ClockSkew => "◷",
            AnomalyKind::Unreachable => "✖",
        }
    }
}

/// One fault, with the lot, the server time and the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub lot_id: Option<String>,
    pub server_at: Timestamp,
    pub evidence: String,
}

impl From<Anomaly> for crate::journal::JournalRecord {
    fn from(a: Anomaly) -> Self {
        crate::journal::JournalRecord::Anomaly {
            lot_id: a.lot_id,
            server_at: Some(a.server_at),
            kind: a.kind.as_str().to_string(),
            evidence: a.evidence,
        }
    }
}

/// Thresholds of the detector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DetectorConfig {
    /// Clock skew (either way) above which an anomaly is raised.
    pub skew_threshold_ms: u64,
    /// How long the platform may fail to answer before an anomaly is raised.
    pub unreachable_after_ms: u64,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            skew_threshold_ms: 2000,
            unreachable_after_ms: 60_000,
        }
    }
}

/// Lots tracked at most (a hostile snapshot cannot grow this without bound:
/// the client already caps snapshot sizes; this is a second fence).
pub const DETECTOR_LOTS_MAX: usize = 100_000;

/// The detector's state: the lots as last seen and what was already raised.
#[derive(Clone, Debug, Default)]
pub struct Detector {
    cfg: DetectorConfig,
    lots: HashMap<String, Lot>,
    /// Newest server time seen in data, for anomalies without their own time.
    last_at: Option<Timestamp>,
    /// A skew anomaly was raised and the skew has not come back under.
    skewed: bool,
    /// Failing since this server time (None while live).
    failing_since: Option<Timestamp>,
    last_error: String,
    unreachable_raised: bool,
}

impl Detector {
    pub fn new(cfg: DetectorConfig) -> Detector {
        Detector {
            cfg,
            ..Detector::default()
        }
    }

    /// Checks one sync message. `server_now` is the server time as the app
    /// estimates it (None before the first clock sample). Clock samples are
    /// judged through `clock_offset`, after the app's clock took them in;
    /// `Bids` (the history the sync engine reads) are not feed events and
    /// are not judged.
    pub fn observe(&mut self, msg: &SyncMsg, server_now: Option<Timestamp>) -> Vec<Anomaly> {
        let mut out = Vec::new();
        match msg {
            SyncMsg::Snapshot { lots, .. } => {
                for lot in lots {
                    self.snapshot_lot(lot, server_now, &mut out);
                }
            }
            SyncMsg::Events(events) => {
                for ev in events {
                    self.event(ev, &mut out);
                }
            }
            SyncMsg::Link(link) => self.link(link, server_now, &mut out),
            SyncMsg::DataIssue(issue) if issue.field == SEQ_GAP_FIELD => out.push(Anomaly {
                kind: AnomalyKind::SeqGap,
                lot_id: None,
                server_at: self.time(server_now),
                evidence: issue.problem.clone(),
            }),
            _ => {}
        }
        if let Some(now) = server_now {
            self.note_time(now);
            out.extend(self.tick(now));
        }
        out
    }

    /// Checks the clock offset (server minus this machine, ms) after a new
    /// sample: raised when it crosses the threshold, again only after it
    /// came back under.
    pub fn clock_offset(
        &mut self,
        offset_ms: Option<i64>,
        server_now: Option<Timestamp>,
    ) -> Option<Anomaly> {
        let offset = offset_ms?;
        let over = offset.unsigned_abs() > self.cfg.skew_threshold_ms;
        if !over {
            self.skewed = false;
            return None;
        }
        if self.skewed {
            return None;
        }
        self.skewed = true;
        let side = if offset > 0 { "ahead of" } else { "behind" };
        Some(Anomaly {
            kind: AnomalyKind::ClockSkew,
            lot_id: None,
            server_at: self.time(server_now),
            evidence: format!(
                "server clock {:+.3} s {side} this machine (threshold {:.3} s)",
                offset as f64 / 1000.0,
                self.cfg.skew_threshold_ms as f64 / 1000.0
            ),
        })
    }

    /// Time passed: the platform may now have been unreachable for too long.
    pub fn tick(&mut self, server_now: Timestamp) -> Option<Anomaly> {
        let since = self.failing_since?;
        if self.unreachable_raised {
            return None;
        }
        let down = since.until(server_now);
        if down < 0 || down.unsigned_abs() < self.cfg.unreachable_after_ms {
            return None;
        }
        self.unreachable_raised = true;
        Some(Anomaly {
            kind: AnomalyKind::Unreachable,
            lot_id: None,
            server_at: server_now,
            evidence: format!(
                "no answer from the platform since {} ({} s, threshold {} s): {}",
                since.to_rfc3339(),
                down / 1000,
                self.cfg.unreachable_after_ms / 1000,
                self.last_error
            ),
        })
    }

    /// The lot as the detector last saw it.
    pub fn lot(&self, id: &str) -> Option<&Lot> {
        self.lots.get(id)
    }

    fn time(&self, server_now: Option<Timestamp>) -> Timestamp {
        server_now.or(self.last_at).unwrap_or(Timestamp(0))
    }

    fn note_time(&mut self, t: Timestamp) {
        self.last_at = Some(self.last_at.map_or(t, |l| l.max(t)));
    }

    fn link(&mut self, link: &LinkState, server_now: Option<Timestamp>, out: &mut Vec<Anomaly>) {
        match link {
            LinkState::Live => {
                self.failing_since = None;
                self.unreachable_raised = false;
            }
            LinkState::Connecting => {}
            LinkState::Retrying { error, .. } => {
                self.last_error = error.chars().take(200).collect();
                if self.failing_since.is_none() {
                    self.failing_since = server_now.or(self.last_at);
                }
            }
            LinkState::Offline { since, error } => {
                self.last_error = error.chars().take(200).collect();
                let since = match self.failing_since {
                    Some(s) => s.min(*since),
                    None => *since,
                };
                self.failing_since = Some(since);
            }
        }
        if let Some(now) = server_now.or(self.last_at)
            && let Some(a) = self.tick(now)
        {
            out.push(a);
        }
    }

    /// A lot in a (re-)snapshot. Only what changed since the lot was last
    /// seen is judged, and against what a correct server could have done in
    /// between (a re-snapshot after a gap may skip statuses).
    fn snapshot_lot(&mut self, lot: &Lot, server_now: Option<Timestamp>, out: &mut Vec<Anomaly>) {
        let at = self.time(server_now);
        let prev = self.lots.get(&lot.id);
        if let Some(prev) = prev {
            if let (Some(old), Some(new)) = (&prev.high_bid, &lot.high_bid)
                && new.amount < old.amount
            {
                out.push(high_fell(lot, old.amount, new.amount, at, "snapshot"));
            } else if prev.high_bid.is_some() && lot.high_bid.is_none() {
                out.push(Anomaly {
                    kind: AnomalyKind::HighBidFell,
                    lot_id: Some(lot.id.clone()),
                    server_at: at,
                    evidence: format!(
                        "high bid {} vanished in a snapshot",
                        prev.high_bid
                            .as_ref()
                            .map_or(String::new(), |h| h.amount.to_wire())
                    ),
                });
            }
            if prev.status != lot.status
                && known(&prev.status)
                && known(&lot.status)
                && !transition_reachable(&prev.status, &lot.status)
            {
                out.push(forbidden(lot, &prev.status, &lot.status, at, "snapshot"));
            }
        }
        let was_over = prev.is_some_and(over_extended);
        if over_extended(lot) && !was_over {
            out.push(too_many_ext(lot, at));
        }
        let was_bad = prev.is_some_and(|p| result_mismatch(p).is_some());
        if !was_bad && let Some(e) = result_mismatch(lot) {
            out.push(Anomaly {
                kind: AnomalyKind::ResultMismatch,
                lot_id: Some(lot.id.clone()),
                server_at: at,
                evidence: e,
            });
        }
        self.keep(lot.clone());
    }

    fn keep(&mut self, lot: Lot) {
        if self.lots.len() < DETECTOR_LOTS_MAX || self.lots.contains_key(&lot.id) {
            self.lots.insert(lot.id.clone(), lot);
        }
    }

    fn event(&mut self, ev: &Event, out: &mut Vec<Anomaly>) {
        self.note_time(ev.at);
        if let EventKind::Lot(new) = &ev.kind {
            // A whole lot: judged like a snapshot of that lot, at the event's time.
            self.snapshot_lot(new, Some(ev.at), out);
            return;
        }
        let Some(id) = ev.lot_id.as_deref() else {
            return;
        };
        let Some(lot) = self.lots.get_mut(id) else {
            return;
        };
        let at = ev.at;
        match &ev.kind {
            EventKind::Bid { amount, .. } => {
                let refusal = check_bid(lot, *amount, at);
                let high = lot.high_bid.as_ref().map(|h| h.amount);
                match refusal {
                    Ok(()) => {}
                    Err(BidRefusal::AfterClose) => {
                        out.push(late_bid(lot, ev, *amount));
                    }
                    Err(BidRefusal::NotOpen(status)) => {
                        if at >= lot.closes_at {
                            out.push(late_bid(lot, ev, *amount));
                        } else {
                            out.push(Anomaly {
                                kind: AnomalyKind::BidNotOpen,
                                lot_id: Some(id.to_string()),
                                server_at: at,
                                evidence: format!(
                                    "bid {} by {} (seq {}) while the lot is {status}",
                                    amount.to_wire(),
                                    bidder_of(ev),
                                    ev.seq
                                ),
                            });
                        }
                    }
                    Err(BidRefusal::BelowMinimum(min)) => {
                        let high_txt = match high {
                            // One anomaly for the bid, though it also lowers the high bid.
                            Some(h) if *amount < h => {
                                format!(", below the high bid {}, which falls", h.to_wire())
                            }
                            Some(h) if *amount == h => {
                                format!(", not above the high bid {}", h.to_wire())
                            }
                            Some(h) => format!(" (high bid {})", h.to_wire()),
                            None => " (the starting bonus)".to_string(),
                        };
                        out.push(Anomaly {
                            kind: AnomalyKind::BidBelowMinimum,
                            lot_id: Some(id.to_string()),
                            server_at: at,
                            evidence: format!(
                                "bid {} by {} (seq {}) below the minimum {}{high_txt}",
                                amount.to_wire(),
                                bidder_of(ev),
                                ev.seq,
                                min.to_wire()
                            ),
                        });
                    }
                }
            }
            EventKind::Extended { extensions, .. } => {
                if let Some(max) = lot.soft_close.max_extensions
                    && *extensions > max
                {
                    out.push(Anomaly {
                        kind: AnomalyKind::TooManyExtensions,
                        lot_id: Some(id.to_string()),
                        server_at: at,
                        evidence: format!(
                            "extension {extensions} (seq {}) past max_extensions {max}",
                            ev.seq
                        ),
                    });
                }
            }
            EventKind::Status { status, .. }
                if known(&lot.status)
                    && known(status)
                    && !transition_allowed(&lot.status, status) =>
            {
                out.push(forbidden(
                    lot,
                    &lot.status,
                    status,
                    at,
                    &format!("status event seq {}", ev.seq),
                ));
            }
            _ => {}
        }
        let was_bad = result_mismatch(lot).is_some();
        lot.apply(ev);
        if !was_bad && let Some(e) = result_mismatch(lot) {
            out.push(Anomaly {
                kind: AnomalyKind::ResultMismatch,
                lot_id: Some(id.to_string()),
                server_at: at,
                evidence: format!("{e} (seq {})", ev.seq),
            });
        }
    }
}

fn known(s: &LotStatus) -> bool {
    !matches!(s, LotStatus::Unknown(_))
}

fn bidder_of(ev: &Event) -> &str {
    match &ev.kind {
        EventKind::Bid { bidder, .. } => bidder,
        _ => "",
    }
}

fn over_extended(lot: &Lot) -> bool {
    lot.soft_close
        .max_extensions
        .is_some_and(|m| lot.extensions > m)
}

/// Why a sold lot's result is not its last high bid; None when it is (or the
/// lot is not sold).
fn result_mismatch(lot: &Lot) -> Option<String> {
    if lot.status != LotStatus::Sold {
        return None;
    }
    match (&lot.result, &lot.high_bid) {
        (None, _) => Some("sold without a result".to_string()),
        (Some(r), None) => Some(format!(
            "sold to {} for {} without any high bid",
            r.winner,
            r.amount.to_wire()
        )),
        (Some(r), Some(h)) if r.amount != h.amount || r.winner != h.bidder => Some(format!(
            "result {} to {} but the last high bid is {} by {} (seq {})",
            r.amount.to_wire(),
            r.winner,
            h.amount.to_wire(),
            h.bidder,
            h.seq
        )),
        _ => None,
    }
}

fn high_fell(
    lot: &Lot,
    old: crate::domain::Money,
    new: crate::domain::Money,
    at: Timestamp,
    how: &str,
) -> Anomaly {
    Anomaly {
        kind: AnomalyKind::HighBidFell,
        lot_id: Some(lot.id.clone()),
        server_at: at,
        evidence: format!(
            "high bid fell from {} to {} ({how})",
            old.to_wire(),
            new.to_wire()
        ),
    }
}

fn forbidden(lot: &Lot, from: &LotStatus, to: &LotStatus, at: Timestamp, how: &str) -> Anomaly {
    Anomaly {
        kind: AnomalyKind::ForbiddenTransition,
        lot_id: Some(lot.id.clone()),
        server_at: at,
        evidence: format!("status {} -> {} ({how})", from.as_str(), to.as_str()),
    }
}

fn too_many_ext(lot: &Lot, at: Timestamp) -> Anomaly {
    Anomaly {
        kind: AnomalyKind::TooManyExtensions,
        lot_id: Some(lot.id.clone()),
        server_at: at,
        evidence: format!(
            "{} extensions, max_extensions {}",
            lot.extensions,
            lot.soft_close.max_extensions.unwrap_or(0)
        ),
    }
}

fn late_bid(lot: &Lot, ev: &Event, amount: crate::domain::Money) -> Anomaly {
    Anomaly {
        kind: AnomalyKind::BidAfterClose,
        lot_id: Some(lot.id.clone()),
        server_at: ev.at,
        evidence: format!(
            "bid {} by {} (seq {}) at {}, the lot closed at {} ({})",
            amount.to_wire(),
            bidder_of(ev),
            ev.seq,
            ev.at.to_rfc3339(),
            lot.closes_at.to_rfc3339(),
            lot.status.as_str()
        ),
    }
}

#[cfg(test)]
mod tests;
