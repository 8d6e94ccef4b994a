//! Changes seen between two snapshots, for a platform without a change feed
//! (or across a feed gap): what the journal records when it has no events.

use crate::domain::{HighBid, Lot, LotResult, LotStatus, Money, Timestamp};
use std::collections::HashMap;

/// One change of one lot between two snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedChange {
    pub lot_id: String,
    pub change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A lot the old snapshot did not have.
    Added(Box<Lot>),
    /// A lot the new snapshot no longer lists.
    Removed,
    /// A new high bid; `new_bids` is how many bids the count grew by (more
    /// than one means bids were missed between the two snapshots).
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
    Status {
        from: LotStatus,
        to: LotStatus,
        closes_at: Timestamp,
        result: Option<LotResult>,
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
}

impl ObservedChange {
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

    /// Applies the change to the lot it names (the old state); applying every
    /// change of a diff to the old snapshot gives the new one.
    pub fn apply_to(&self, lot: &mut Lot) {
        match &self.change {
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
                ..
            } => {
                lot.status = to.clone();
                lot.closes_at = *closes_at;
                lot.result = result.clone();
            }
        }
    }
}

/// The changes that take `old` to `new`, lots matched by id: per lot a bid,
/// an extension, a status change (in the feed's order), then `Terms` if
/// anything else still differs; added lots in `new`'s order, then removed ones.
pub fn diff_snapshots(old: &[Lot], new: &[Lot]) -> Vec<ObservedChange> {
    let old_by_id: HashMap<&str, &Lot> = old.iter().rev().map(|l| (l.id.as_str(), l)).collect();
    let new_ids: std::collections::HashSet<&str> = new.iter().map(|l| l.id.as_str()).collect();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for n in new {
        if !seen.insert(n.id.as_str()) {
            continue;
        }
        let change = |c| ObservedChange {
            lot_id: n.id.clone(),
            change: c,
        };
        let Some(o) = old_by_id.get(n.id.as_str()) else {
            out.push(change(Change::Added(Box::new(n.clone()))));
            continue;
        };
        let mut state = (*o).clone();
        let mut push = |c: Change, state: &mut Lot| {
            let oc = change(c);
            oc.apply_to(state);
            out.push(oc);
        };
        if let Some(h) = &n.high_bid
            && n.high_bid != o.high_bid
        {
            let new_bids = n.bid_count.saturating_sub(o.bid_count);
            push(
                Change::Bid {
                    high: h.clone(),
                    closes_at: n.closes_at,
                    bid_count: n.bid_count,
                    new_bids,
                },
                &mut state,
            );
        }
        if n.extensions != o.extensions {
            push(
                Change::Extended {
                    closes_at: n.closes_at,
                    extensions: n.extensions,
                },
                &mut state,
            );
        }
        if n.status != o.status {
            let c = Change::Status {
                from: o.status.clone(),
                to: n.status.clone(),
                closes_at: n.closes_at,
                result: n.result.clone(),
            };
            push(c, &mut state);
        }
        if state != *n {
            push(Change::Terms(Box::new(n.clone())), &mut state);
        }
    }
    for o in old {
        if !new_ids.contains(o.id.as_str()) && seen.insert(o.id.as_str()) {
            out.push(ObservedChange {
                lot_id: o.id.clone(),
                change: Change::Removed,
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

    fn apply_all(old: &[Lot], changes: &[ObservedChange]) -> Vec<(String, Lot)> {
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
                    c.apply_to(l);
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
        let d = diff_snapshots(&old, &new);
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
        let d = diff_snapshots(&old, &new);
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
            let d = diff_snapshots(&old, &new);
            let want: Vec<(String, Lot)> = {
                let m: std::collections::BTreeMap<_, _> = new.iter().map(|l| (l.id.clone(), l.clone())).collect();
                m.into_iter().collect()
            };
            prop_assert_eq!(apply_all(&old, &d), want);
            prop_assert!(diff_snapshots(&new, &new).is_empty());
        }
    }
}
