//! One model of how a lot changes, whoever saw the change: a feed event
//! (`Lot::apply`), two snapshots of the lots (the journal's observed changes,
//! and the events of a source without a change feed), or two reads of a web
//! site (the site poller). A status change carries the result and the
//! source's own words for the new status, and replaces both, in every case.

use super::event::{Event, EventKind};
use super::lot::{HighBid, Lot, LotResult, LotStatus};
use super::money::Money;
use super::rules;
use super::time::Timestamp;
use std::collections::{HashMap, HashSet};

/// One change of one lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotChange {
    pub lot_id: String,
    pub change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A lot not seen before.
    Added(Box<Lot>),
    /// A lot no longer listed.
    Removed,
    /// A new high bid; `new_bids` is how many bids the count grew by (more
    /// than one means bids were missed between two snapshots).
    Bid {
        high: HighBid,
        closes_at: Timestamp,
        bid_count: u32,
        new_bids: u32,
    },
    Extended {
        closes_at: Timestamp,
        extensions: u32,
    },
    /// The status moved. `result` is the lot's result after it (None clears
    /// it); `status_text` is the source's own words for `to` (a web site's),
    /// None where the source has none.
    Status {
        from: LotStatus,
        to: LotStatus,
        closes_at: Timestamp,
        result: Option<LotResult>,
        status_text: Option<String>,
    },
    /// Anything else differs (name, schedule, terms...): the whole new lot.
    Terms(Box<Lot>),
}

impl Change {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Change::Added(_) => "added",
            Change::Removed => "removed",
            Change::Bid { .. } => "bid",
            Change::Extended { .. } => "extended",
            Change::Status { .. } => "status",
            Change::Terms(_) => "terms",
        }
    }

    /// The change a feed event makes to `lot` (the event's own lot); None
    /// for notices and types this build does not know.
    pub fn of_event(lot: &Lot, event: &Event) -> Option<Change> {
        Some(match &event.kind {
            EventKind::Bid {
                amount,
                bidder,
                closes_at,
            } => Change::Bid {
                high: HighBid {
                    amount: *amount,
                    bidder: bidder.clone(),
                    at: event.at,
                    seq: event.seq,
                },
                closes_at: *closes_at,
                bid_count: lot.bid_count.saturating_add(1),
                new_bids: 1,
            },
            EventKind::Extended {
                closes_at,
                extensions,
            } => Change::Extended {
                closes_at: *closes_at,
                extensions: *extensions,
            },
            EventKind::Status {
                status,
                closes_at,
                result,
                status_text,
            } => Change::Status {
                from: lot.status.clone(),
                to: status.clone(),
                closes_at: *closes_at,
                result: result.clone(),
                status_text: status_text.clone(),
            },
            EventKind::Lot(l) => Change::Terms(l.clone()),
            EventKind::Notice { .. } | EventKind::Unknown { .. } => return None,
        })
    }

    /// Applies the change to the lot it names; applying every change of
    /// [`lot_changes`] to the old lot gives the new one.
    pub fn apply_to(&self, lot: &mut Lot) {
        match self {
            Change::Added(l) | Change::Terms(l) => *lot = (**l).clone(),
            Change::Removed => {}
            Change::Bid {
                high,
                closes_at,
                bid_count,
                ..
            } => {
                lot.high_bid = Some(high.clone());
                lot.closes_at = *closes_at;
                lot.bid_count = *bid_count;
            }
            Change::Extended {
                closes_at,
                extensions,
            } => {
                lot.closes_at = *closes_at;
                lot.extensions = *extensions;
            }
            Change::Status {
                to,
                closes_at,
                result,
                status_text,
                ..
            } => {
                lot.status = to.clone();
                lot.closes_at = *closes_at;
                lot.result = result.clone();
                if let Some(site) = lot.site.as_deref_mut() {
                    // The site's words for the status before are no longer true.
                    site.status_text = status_text.clone().unwrap_or_default();
                }
            }
        }
    }
}

impl LotChange {
    /// The server time the change carries, when it has one (a bid's time).
    pub fn server_at(&self) -> Option<Timestamp> {
        match &self.change {
            Change::Bid { high, .. } => Some(high.at),
            _ => None,
        }
    }

    pub fn amount(&self) -> Option<Money> {
        match &self.change {
            Change::Bid { high, .. } => Some(high.amount),
            Change::Status {
                result: Some(r), ..
            } => Some(r.amount),
            _ => None,
        }
    }
}

/// The changes that take `old` to `new` (the same lot): a bid, an
/// extension, a status change (in the feed's order), then `Terms` if
/// anything else still differs.
pub fn lot_changes(old: &Lot, new: &Lot) -> Vec<Change> {
    if old == new {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut state = old.clone();
    let mut push = |c: Change, state: &mut Lot| {
        c.apply_to(state);
        out.push(c);
    };
    if let Some(h) = &new.high_bid
        && new.high_bid != old.high_bid
    {
        let c = Change::Bid {
            high: h.clone(),
            closes_at: new.closes_at,
            bid_count: new.bid_count,
            new_bids: new.bid_count.saturating_sub(old.bid_count),
        };
        push(c, &mut state);
    }
    if new.extensions != old.extensions {
        let c = Change::Extended {
            closes_at: new.closes_at,
            extensions: new.extensions,
        };
        push(c, &mut state);
    }
    if new.status != old.status {
        let c = Change::Status {
            from: old.status.clone(),
            to: new.status.clone(),
            closes_at: new.closes_at,
            result: new.result.clone(),
            status_text: new.site.as_ref().map(|s| s.status_text.clone()),
        };
        push(c, &mut state);
    }
    if state != *new {
        push(Change::Terms(Box::new(new.clone())), &mut state);
    }
    out
}

/// The changes that take the lots `old` to `new`, matched by id: per lot as
/// [`lot_changes`] says, added lots in `new`'s order, then removed ones.
pub fn diff(old: &[Lot], new: &[Lot]) -> Vec<LotChange> {
    let old_by_id: HashMap<&str, &Lot> = old.iter().rev().map(|l| (l.id.as_str(), l)).collect();
    let new_ids: HashSet<&str> = new.iter().map(|l| l.id.as_str()).collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for n in new {
        if !seen.insert(n.id.as_str()) {
            continue;
        }
        let changes = match old_by_id.get(n.id.as_str()) {
            None => vec![Change::Added(Box::new(n.clone()))],
            Some(o) => lot_changes(o, n),
        };
        out.extend(changes.into_iter().map(|change| LotChange {
            lot_id: n.id.clone(),
            change,
        }));
    }
    for o in old {
        if !new_ids.contains(o.id.as_str()) && seen.insert(o.id.as_str()) {
            out.push(LotChange {
                lot_id: o.id.clone(),
                change: Change::Removed,
            });
        }
    }
    out
}

/// The feed's events that tell how `old` became `new` (the same lot), for a
/// source that has no feed of its own: a bid, an extension, a status change
/// along a step the rules allow. Anything else (new terms, a status reached
/// by steps the reads missed) is the whole lot, so that no anomaly is read
/// into a change that was only seen late.
pub fn events_between(old: &Lot, new: &Lot) -> Vec<EventKind> {
    let changes = lot_changes(old, new);
    let whole = changes.iter().any(|c| match c {
        Change::Terms(_) | Change::Added(_) | Change::Removed => true,
        Change::Status { from, to, .. } => !rules::transition_allowed(from, to),
        Change::Bid { .. } | Change::Extended { .. } => false,
    });
    if whole {
        return vec![EventKind::Lot(Box::new(new.clone()))];
    }
    changes
        .into_iter()
        .filter_map(|c| match c {
            Change::Bid {
                high, closes_at, ..
            } => Some(EventKind::Bid {
                amount: high.amount,
                bidder: high.bidder,
                closes_at,
            }),
            Change::Extended {
                closes_at,
                extensions,
            } => Some(EventKind::Extended {
                closes_at,
                extensions,
            }),
            Change::Status {
                to,
                closes_at,
                result,
                status_text,
                ..
            } => Some(EventKind::Status {
                status: to,
                closes_at,
                result,
                status_text,
            }),
            Change::Terms(_) | Change::Added(_) | Change::Removed => None,
        })
        .collect()
}

/// The events seen between two reads of the lots, for a source without a
/// change feed: per lot the two reads share, as [`events_between`] says.
/// A bid keeps the high bid's own time and seq; the others are at `at` and
/// numbered `seq`, the later read's feed position (they fall between two
/// positions and have none of their own). Lots matched by id; `old` lots looked up,
/// so the cost is linear.
pub fn events_seen<'a>(
    old: impl Fn(&str) -> Option<&'a Lot>,
    new: &[Lot],
    seq: u64,
    at: Timestamp,
) -> Vec<Event> {
    let mut out = Vec::new();
    for n in new {
        let Some(o) = old(&n.id) else { continue };
        for kind in events_between(o, n) {
            let (seq, at) = match (&kind, &n.high_bid) {
                (EventKind::Bid { .. }, Some(h)) => (h.seq, h.at),
                _ => (seq, at),
            };
            out.push(Event {
                seq,
                at,
                lot_id: Some(n.id.clone()),
                kind,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_lot;
    use proptest::prelude::*;

    fn lot(id: &str) -> Lot {
        let mut l = test_lot();
        l.id = id.into();
        l
    }

    fn apply_all(old: &[Lot], changes: &[LotChange]) -> Vec<(String, Lot)> {
        let mut m: std::collections::BTreeMap<String, Lot> =
            old.iter().map(|l| (l.id.clone(), l.clone())).collect();
        for c in changes {
            match &c.change {
                Change::Removed => {
                    m.remove(&c.lot_id);
                }
                Change::Added(l) => {
                    m.insert(c.lot_id.clone(), (**l).clone());
                }
                _ => {
                    let l = m.get_mut(&c.lot_id).expect("change names a known lot");
                    c.change.apply_to(l);
                }
            }
        }
        m.into_iter().collect()
    }

    #[test]
    fn a_bid_with_extension_reads_like_the_feed() {
        let old = vec![lot("A"), lot("B")];
        let mut new = old.clone();
        new[0].high_bid = Some(HighBid {
            amount: Money::from_tenge(1010),
            bidder: "P-02".into(),
            at: Timestamp(99),
            seq: 7,
        });
        new[0].bid_count = 3;
        new[0].extensions = 1;
        new[0].closes_at = Timestamp(2_000_000);
        let d = diff(&old, &new);
        let kinds: Vec<_> = d
            .iter()
            .map(|c| (c.lot_id.as_str(), c.change.kind_name()))
            .collect();
        assert_eq!(kinds, [("A", "bid"), ("A", "extended")]);
        assert!(matches!(d[0].change, Change::Bid { new_bids: 3, .. }));
        assert_eq!(d[0].server_at(), Some(Timestamp(99)));
    }

    #[test]
    fn added_removed_status_and_terms() {
        let old = vec![lot("A"), lot("B")];
        let mut a = lot("A");
        a.status = LotStatus::Suspended;
        a.name = "Новое имя".into();
        let new = vec![a, lot("C")];
        let d = diff(&old, &new);
        let kinds: Vec<_> = d
            .iter()
            .map(|c| (c.lot_id.as_str(), c.change.kind_name()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("A", "status"),
                ("A", "terms"),
                ("C", "added"),
                ("B", "removed")
            ]
        );
    }

    fn arb_lot() -> impl Strategy<Value = Lot> {
        (0u8..4, 0u32..3, 0u8..4, 0u32..5, any::<bool>(), 0i64..3).prop_map(
            |(id, ext, st, bids, renamed, close)| {
                let mut l = lot(&format!("L{id}"));
                l.extensions = ext;
                l.status = [
                    LotStatus::Open,
                    LotStatus::Closed,
                    LotStatus::Sold,
                    LotStatus::Suspended,
                ][st as usize]
                    .clone();
                l.bid_count = bids;
                if bids > 0 {
                    l.high_bid = Some(HighBid {
                        amount: Money::from_tenge(1000 + i64::from(bids) * 10),
                        bidder: format!("P-{bids}"),
                        at: Timestamp(i64::from(bids)),
                        seq: u64::from(bids),
                    });
                }
                if renamed {
                    l.name = "renamed".into();
                }
                l.closes_at = Timestamp(close * 1000);
                l
            },
        )
    }

    proptest! {
        #[test]
        fn applying_the_diff_gives_the_new_snapshot(
            old in proptest::collection::vec(arb_lot(), 0..5),
            new in proptest::collection::vec(arb_lot(), 0..5),
        ) {
            // Lots are matched by id; keep one lot per id, as a platform does.
            let dedup = |v: Vec<Lot>| {
                let mut seen = std::collections::HashSet::new();
                v.into_iter().filter(|l| seen.insert(l.id.clone())).collect::<Vec<_>>()
            };
            let (old, new) = (dedup(old), dedup(new));
            let d = diff(&old, &new);
            let want: Vec<(String, Lot)> = {
                let m: std::collections::BTreeMap<_, _> = new.iter().map(|l| (l.id.clone(), l.clone())).collect();
                m.into_iter().collect()
            };
            prop_assert_eq!(apply_all(&old, &d), want);
            prop_assert!(diff(&new, &new).is_empty());
        }
    }

    #[test]
    fn two_reads_without_a_feed_give_the_feeds_events() {
        let old = vec![lot("A"), lot("B"), lot("C")];
        let mut new = old.clone();
        new[0].high_bid = Some(HighBid {
            amount: Money::from_tenge(1010),
            bidder: "P-02".into(),
            at: Timestamp(99),
            seq: 7,
        });
        new[0].bid_count = 1;
        new[0].extensions = 1;
        new[0].closes_at = Timestamp(2_000_000);
        new[1].status = LotStatus::Suspended;
        // Open to sold skips `closed`: the whole lot, no forbidden step.
        new[2].status = LotStatus::Sold;
        let by_id = |id: &str| old.iter().find(|l| l.id == id);
        let evs = events_seen(by_id, &new, 40, Timestamp(500));
        let kinds: Vec<_> = evs
            .iter()
            .map(|e| {
                (
                    e.lot_id.as_deref().unwrap_or(""),
                    e.kind.type_name(),
                    e.at,
                    e.seq,
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("A", "bid", Timestamp(99), 7),
                ("A", "extended", Timestamp(500), 40),
                ("B", "status", Timestamp(500), 40),
                ("C", "lot", Timestamp(500), 40),
            ]
        );
        // Applied in order, the events give the later read.
        let mut a = old[0].clone();
        for e in evs.iter().filter(|e| e.lot_id.as_deref() == Some("A")) {
            a.apply(e);
        }
        assert_eq!(a, new[0]);
        assert!(events_seen(by_id, &old, 41, Timestamp(0)).is_empty());
    }

    #[test]
    fn a_status_change_reads_the_same_from_the_feed_two_snapshots_and_a_site() {
        let mut old = lot("S");
        old.status = LotStatus::Closed;
        old.site = Some(Box::new(crate::domain::SiteLot {
            status_text: "Проводится".into(),
            ..Default::default()
        }));
        let mut new = old.clone();
        new.status = LotStatus::Sold;
        new.result = Some(LotResult {
            winner: String::new(),
            amount: Money::from_tenge(55_380_000),
            protocol_at: Timestamp(1),
        });
        if let Some(s) = new.site.as_deref_mut() {
            s.status_text = "Состоялся".into();
        }
        // Two snapshots (the journal): the changes, applied, give the new lot.
        let mut by_diff = old.clone();
        for c in lot_changes(&old, &new) {
            c.apply_to(&mut by_diff);
        }
        assert_eq!(by_diff, new);
        // Two site reads: one status event, which the state applies.
        let kinds = events_between(&old, &new);
        assert_eq!(kinds.len(), 1, "{kinds:?}");
        let mut by_event = old.clone();
        for kind in kinds {
            by_event.apply(&Event {
                seq: 1,
                at: Timestamp(2),
                lot_id: Some("S".into()),
                kind,
            });
        }
        assert_eq!(by_event, new);
        // A later status without a result clears it, on every path alike.
        let mut cancelled = new.clone();
        cancelled.status = LotStatus::Cancelled;
        cancelled.result = None;
        if let Some(s) = cancelled.site.as_deref_mut() {
            s.status_text.clear();
        }
        let mut a = new.clone();
        a.apply(&Event {
            seq: 2,
            at: Timestamp(3),
            lot_id: Some("S".into()),
            kind: EventKind::Status {
                status: LotStatus::Cancelled,
                closes_at: new.closes_at,
                result: None,
                status_text: None,
            },
        });
        assert_eq!(a, cancelled);
    }
}
