//! The anomaly detector: a pure checker fed the same sync messages as the app
//! (snapshots, event batches, link states, clock readings). It reads each lot
//! as last seen from the app's store (`SeenLots`) before the message changes
//! it, tests every change against the contract's rules (`domain::rules`) and
//! reports each fault once per occurrence.

use crate::domain::rules::{BidRefusal, check_bid, transition_allowed, transition_reachable};
mod evidence;

pub use evidence::{AgainstHigh, Evidence, Mismatch, Seen};

use crate::domain::LinkCause;
use crate::domain::{Event, EventKind, Lot, LotStatus, Timestamp};
use crate::sync::{LinkState, SyncMsg};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

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
    /// The journal could not write (and when it could again).
    Journal,
}

impl AnomalyKind {
    /// Every kind, in the order the metrics list them.
    pub const ALL: [AnomalyKind; 10] = [
        AnomalyKind::BidBelowMinimum,
        AnomalyKind::BidAfterClose,
        AnomalyKind::BidNotOpen,
        AnomalyKind::HighBidFell,
        AnomalyKind::ForbiddenTransition,
        AnomalyKind::SeqGap,
        AnomalyKind::TooManyExtensions,
        AnomalyKind::ResultMismatch,
        AnomalyKind::ClockSkew,
        AnomalyKind::Unreachable,
    ];

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
            AnomalyKind::Journal => "journal_failure",
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
            AnomalyKind::Journal => "⛁",
        }
    }
}

/// One fault, with the lot, the server time and the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub lot_id: Option<String>,
    pub server_at: Timestamp,
    /// The evidence in the journal's words (`detail` in English).
    pub evidence: String,
    /// The evidence as data, for the view to word in the interface language.
    pub detail: Evidence,
    /// The source whose data showed it (several sources: it is journaled
    /// with that source's auction).
    pub source: crate::domain::SourceId,
}

impl Anomaly {
    pub fn new(
        kind: AnomalyKind,
        lot_id: Option<String>,
        server_at: Timestamp,
        detail: Evidence,
    ) -> Anomaly {
        Anomaly {
            kind,
            lot_id,
            server_at,
            evidence: detail.to_string(),
            detail,
            source: crate::domain::SourceId::FIRST,
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

/// The lots as last seen, before the message being judged changes them: the
/// app's store (`LotStore`), which applies the same messages right after the
/// detector. (The detector kept its own copy of every lot before: a second
/// 10 000 lots in memory on a big day.)
pub trait SeenLots {
    fn seen(&self, id: &str) -> Option<&Lot>;
}

/// The detector's state: what was already raised, and the link's history.
#[derive(Clone, Debug, Default)]
pub struct Detector {
    cfg: DetectorConfig,
    /// Newest server time seen in data, for anomalies without their own time.
    last_at: Option<Timestamp>,
    /// A skew anomaly was raised and the skew has not come back under.
    skewed: bool,
    /// Failing since this server time (None while live).
    failing_since: Option<Timestamp>,
    last_cause: Option<LinkCause>,
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
    pub fn observe(
        &mut self,
        msg: &SyncMsg,
        server_now: Option<Timestamp>,
        seen: &dyn SeenLots,
    ) -> Vec<Anomaly> {
        let mut out = Vec::new();
        match msg {
            SyncMsg::Snapshot { lots, .. } => {
                for lot in lots {
                    self.snapshot_lot(lot, seen.seen(&lot.id), server_now, &mut out);
                }
            }
            SyncMsg::Events(events) => {
                // Each event is judged against the lot as the page's earlier
                // events left it: a working copy of each lot the page touches.
                let mut page: HashMap<&str, Lot> = HashMap::new();
                for ev in events {
                    self.event(ev, seen, &mut page, &mut out);
                }
            }
            SyncMsg::Link(link) => self.link(link, server_now, &mut out),
            SyncMsg::SeqGap(gap) => out.push(Anomaly::new(
                AnomalyKind::SeqGap,
                None,
                self.time(server_now),
                Evidence::Text(gap.to_string()),
            )),
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
        Some(Anomaly::new(
            AnomalyKind::ClockSkew,
            None,
            self.time(server_now),
            Evidence::ClockSkew {
                offset_ms: offset,
                threshold_ms: self.cfg.skew_threshold_ms,
            },
        ))
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
        Some(Anomaly::new(
            AnomalyKind::Unreachable,
            None,
            server_now,
            Evidence::Unreachable {
                since,
                down_s: down / 1000,
                threshold_s: self.cfg.unreachable_after_ms / 1000,
                cause: self.last_cause.clone(),
            },
        ))
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
            LinkState::Retrying { cause, .. } => {
                self.last_cause = Some(cause.clone());
                if self.failing_since.is_none() {
                    self.failing_since = server_now.or(self.last_at);
                }
            }
            LinkState::Offline { since, cause } => {
                self.last_cause = Some(cause.clone());
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
    fn snapshot_lot(
        &self,
        lot: &Lot,
        prev: Option<&Lot>,
        server_now: Option<Timestamp>,
        out: &mut Vec<Anomaly>,
    ) {
        let at = self.time(server_now);
        if let Some(prev) = prev {
            if let (Some(old), Some(new)) = (&prev.high_bid, &lot.high_bid)
                && new.amount < old.amount
            {
                out.push(high_fell(lot, old.amount, new.amount, at));
            } else if prev.high_bid.is_some() && lot.high_bid.is_none() {
                out.push(Anomaly::new(
                    AnomalyKind::HighBidFell,
                    Some(lot.id.clone()),
                    at,
                    Evidence::HighVanished {
                        old: prev.high_bid.as_ref().map(|h| h.amount),
                    },
                ));
            }
            if prev.status != lot.status
                && known(&prev.status)
                && known(&lot.status)
                && !transition_reachable(&prev.status, &lot.status)
            {
                out.push(forbidden(
                    lot,
                    &prev.status,
                    &lot.status,
                    at,
                    Seen::Snapshot,
                ));
            }
        }
        let was_over = prev.is_some_and(over_extended);
        if over_extended(lot) && !was_over {
            out.push(too_many_ext(lot, at));
        }
        let was_bad = prev.is_some_and(|p| result_mismatch(p).is_some());
        if !was_bad && let Some(why) = result_mismatch(lot) {
            out.push(Anomaly::new(
                AnomalyKind::ResultMismatch,
                Some(lot.id.clone()),
                at,
                Evidence::Result { why, seq: None },
            ));
        }
    }

    fn event<'e>(
        &mut self,
        ev: &'e Event,
        seen: &dyn SeenLots,
        page: &mut HashMap<&'e str, Lot>,
        out: &mut Vec<Anomaly>,
    ) {
        self.note_time(ev.at);
        if let EventKind::Lot(new) = &ev.kind {
            // A whole lot: judged like a snapshot of that lot, at the event's time.
            let prev = page.get(new.id.as_str()).or_else(|| seen.seen(&new.id));
            self.snapshot_lot(new, prev, Some(ev.at), out);
            page.insert(&new.id, rules_copy(new));
            return;
        }
        let Some(id) = ev.lot_id.as_deref() else {
            return;
        };
        let lot = match page.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => match seen.seen(id) {
                Some(l) => e.insert(rules_copy(l)),
                None => return,
            },
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
                    Err(BidRefusal::NotOpen(_)) => {
                        if at >= lot.closes_at {
                            out.push(late_bid(lot, ev, *amount));
                        } else {
                            out.push(Anomaly::new(
                                AnomalyKind::BidNotOpen,
                                Some(id.to_string()),
                                at,
                                Evidence::BidNotOpen {
                                    amount: *amount,
                                    bidder: bidder_of(ev).to_string(),
                                    seq: ev.seq,
                                    status: lot.status.clone(),
                                },
                            ));
                        }
                    }
                    Err(BidRefusal::BelowMinimum(min)) => {
                        let against = match high {
                            // One anomaly for the bid, though it also lowers the high bid.
                            Some(h) if *amount < h => AgainstHigh::Below(h),
                            Some(h) if *amount == h => AgainstHigh::Equal(h),
                            Some(h) => AgainstHigh::Above(h),
                            None => AgainstHigh::NoHigh,
                        };
                        out.push(Anomaly::new(
                            AnomalyKind::BidBelowMinimum,
                            Some(id.to_string()),
                            at,
                            Evidence::BidBelowMinimum {
                                amount: *amount,
                                bidder: bidder_of(ev).to_string(),
                                seq: ev.seq,
                                min,
                                high: against,
                            },
                        ));
                    }
                }
            }
            EventKind::Extended { extensions, .. } => {
                if let Some(max) = lot.soft_close.max_extensions
                    && *extensions > max
                {
                    out.push(Anomaly::new(
                        AnomalyKind::TooManyExtensions,
                        Some(id.to_string()),
                        at,
                        Evidence::TooManyExtensions {
                            extensions: *extensions,
                            max,
                            seq: Some(ev.seq),
                        },
                    ));
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
                    Seen::StatusEvent(ev.seq),
                ));
            }
            _ => {}
        }
        let was_bad = result_mismatch(lot).is_some();
        lot.apply(ev);
        if !was_bad && let Some(why) = result_mismatch(lot) {
            out.push(Anomaly::new(
                AnomalyKind::ResultMismatch,
                Some(id.to_string()),
                at,
                Evidence::Result {
                    why,
                    seq: Some(ev.seq),
                },
            ));
        }
    }
}

/// A lot as far as the rules and the evidence read it (id, terms, times,
/// status, bids, result): the texts a screen shows are left out, so that a
/// page of events copies a few small values per lot it touches.
fn rules_copy(lot: &Lot) -> Lot {
    Lot {
        id: lot.id.clone(),
        number: String::new(),
        name: String::new(),
        region: String::new(),
        minerals: Vec::new(),
        license: lot.license.clone(),
        reserves: String::new(),
        starting_bonus: lot.starting_bonus,
        min_increment: lot.min_increment,
        guarantee: lot.guarantee,
        participation_fee: lot.participation_fee,
        min_participants: lot.min_participants,
        participants: lot.participants,
        status: lot.status.clone(),
        opens_at: lot.opens_at,
        closes_at: lot.closes_at,
        soft_close: lot.soft_close,
        extensions: lot.extensions,
        high_bid: lot.high_bid.clone(),
        bid_count: lot.bid_count,
        result: lot.result.clone(),
        site: lot.site.clone(),
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
fn result_mismatch(lot: &Lot) -> Option<Mismatch> {
    // A web-site source publishes no bids: its sale price stands alone.
    if lot.status != LotStatus::Sold || lot.site.is_some() {
        return None;
    }
    match (&lot.result, &lot.high_bid) {
        (None, _) => Some(Mismatch::NoResult),
        (Some(r), None) => Some(Mismatch::NoHighBid {
            winner: r.winner.clone(),
            amount: r.amount,
        }),
        (Some(r), Some(h)) if r.amount != h.amount || r.winner != h.bidder => {
            Some(Mismatch::Differs {
                amount: r.amount,
                winner: r.winner.clone(),
                high: h.amount,
                bidder: h.bidder.clone(),
                high_seq: h.seq,
            })
        }
        _ => None,
    }
}

fn high_fell(
    lot: &Lot,
    old: crate::domain::Money,
    new: crate::domain::Money,
    at: Timestamp,
) -> Anomaly {
    Anomaly::new(
        AnomalyKind::HighBidFell,
        Some(lot.id.clone()),
        at,
        Evidence::HighFell {
            old,
            new,
            seen: Seen::Snapshot,
        },
    )
}

fn forbidden(lot: &Lot, from: &LotStatus, to: &LotStatus, at: Timestamp, seen: Seen) -> Anomaly {
    Anomaly::new(
        AnomalyKind::ForbiddenTransition,
        Some(lot.id.clone()),
        at,
        Evidence::Forbidden {
            from: from.clone(),
            to: to.clone(),
            seen,
        },
    )
}

fn too_many_ext(lot: &Lot, at: Timestamp) -> Anomaly {
    Anomaly::new(
        AnomalyKind::TooManyExtensions,
        Some(lot.id.clone()),
        at,
        Evidence::TooManyExtensions {
            extensions: lot.extensions,
            max: lot.soft_close.max_extensions.unwrap_or(0),
            seq: None,
        },
    )
}

fn late_bid(lot: &Lot, ev: &Event, amount: crate::domain::Money) -> Anomaly {
    Anomaly::new(
        AnomalyKind::BidAfterClose,
        Some(lot.id.clone()),
        ev.at,
        Evidence::BidAfterClose {
            amount,
            bidder: bidder_of(ev).to_string(),
            seq: ev.seq,
            at: ev.at,
            closes_at: lot.closes_at,
            status: lot.status.clone(),
        },
    )
}

#[cfg(test)]
mod tests;
