//! The officials' summary: lots by status, high-bid totals and uplift over
//! the starting bonuses, lots without a bid, closing times, and breakdowns by
//! mineral and region. Computed in `update` (at most every `REFRESH_MS`, and
//! only while the pane is shown), never while drawing.

use super::lots::LotStore;
use crate::domain::clock::Mono;
use crate::domain::places;
use crate::domain::{Lot, LotStatus, Money, Timestamp};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Shortest time between two recomputations.
pub const REFRESH_MS: u64 = 250;
/// Breakdown rows kept per table; the rest are summed under `OTHER`.
pub const MAX_GROUPS: usize = 64;
/// The name of the row the smallest groups are folded into (always the
/// last of a table of `MAX_GROUPS` rows; the view translates it there).
pub const OTHER: &str = "other";
/// The "closing soon" horizon.
const SOON_MS: i64 = 10 * 60_000;

/// Count and high-bid total of one group of lots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Group {
    pub lots: usize,
    /// High bids of its open and sold lots.
    pub high: Money,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// (status, count), in the order of the auction's life.
    pub by_status: Vec<(LotStatus, usize)>,
    /// Sum of the high bids of open lots and the results of sold lots.
    pub high_sum: Money,
    /// Sum of the starting bonuses of those same lots (the ones with a bid).
    pub start_sum: Money,
    /// Lots with a bid whose starting bonus the source showed unreadable:
    /// left out of both sums (never counted as a zero bonus).
    pub start_unknown: usize,
    /// Open lots without a bid.
    pub open_no_bid: usize,
    /// Close times of the open lots, ascending (for "closing soon").
    pub closes: Vec<Timestamp>,
    pub by_mineral: Vec<(String, Group)>,
    pub by_region: Vec<(String, Group)>,
}

impl Summary {
    pub fn of<'a>(lots: impl Iterator<Item = &'a Lot>) -> Summary {
        let mut s = Summary::default();
        let mut status: BTreeMap<u8, (LotStatus, usize)> = BTreeMap::new();
        let mut minerals: BTreeMap<String, Group> = BTreeMap::new();
        let mut regions: BTreeMap<String, Group> = BTreeMap::new();
        for lot in lots {
            s.total += 1;
            let e = status
                .entry(rank(&lot.status))
                .or_insert_with(|| (lot.status.clone(), 0));
            e.1 += 1;
            let high = counted_high(lot);
            if let Some(h) = high {
                match lot.starting_bonus.known() {
                    None => s.start_unknown += 1,
                    Some(start) => {
                        s.high_sum = s.high_sum.saturating_add(h);
                        s.start_sum = s.start_sum.saturating_add(start);
                    }
                }
            }
            if lot.status == LotStatus::Open {
                if lot.high_bid.is_none() {
                    s.open_no_bid += 1;
                }
                s.closes.push(lot.closes_at);
            }
            // One group per region or mineral, whichever language a
            // source wrote it in (keyed by its English name when listed).
            for m in &lot.minerals {
                add(
                    &mut minerals,
                    places::mineral(m).map_or(m, |p| p.names[0]),
                    high,
                );
            }
            add(
                &mut regions,
                places::region(&lot.region).map_or(&lot.region, |p| p.names[0]),
                high,
            );
        }
        s.closes.sort_unstable();
        s.by_status = status.into_values().collect();
        s.by_mineral = top(minerals);
        s.by_region = top(regions);
        s
    }

    /// High bids above the starting bonuses.
    pub fn uplift(&self) -> Money {
        self.high_sum.saturating_sub(self.start_sum)
    }

    pub fn uplift_percent(&self) -> Option<Decimal> {
        self.high_sum.uplift_percent(self.start_sum)
    }

    /// Open lots whose close is within the next ten minutes of `now`.
    pub fn closing_soon(&self, now: Timestamp) -> usize {
        let from = self.closes.partition_point(|t| *t < now);
        let to = self
            .closes
            .partition_point(|t| *t <= now.plus_millis(SOON_MS));
        to.saturating_sub(from)
    }
}

/// The amount a lot adds to the totals: the high bid of an open lot, the
/// result (else the last high bid) of a sold one.
fn counted_high(lot: &Lot) -> Option<Money> {
    match lot.status {
        LotStatus::Open => lot.high_bid.as_ref().map(|h| h.amount),
        LotStatus::Sold => lot
            .result
            .as_ref()
            .map(|r| r.amount)
            .or_else(|| lot.high_bid.as_ref().map(|h| h.amount)),
        _ => None,
    }
}

fn add(map: &mut BTreeMap<String, Group>, key: &str, high: Option<Money>) {
    // Keys come from the platform: bound the table, not only its strings.
    let key = if map.len() >= MAX_GROUPS * 4 && !map.contains_key(key) {
        OTHER
    } else {
        key
    };
    let g = map.entry(key.to_string()).or_default();
    g.lots += 1;
    g.high = g.high.saturating_add(high.unwrap_or(Money::ZERO));
}

/// Largest groups first (by total, then count, then name); at most
/// `MAX_GROUPS` rows, the rest folded into "other".
fn top(map: BTreeMap<String, Group>) -> Vec<(String, Group)> {
    let mut v: Vec<(String, Group)> = map.into_iter().collect();
    v.sort_by(|a, b| {
        b.1.high
            .cmp(&a.1.high)
            .then(b.1.lots.cmp(&a.1.lots))
            .then(a.0.cmp(&b.0))
    });
    if v.len() > MAX_GROUPS {
        let rest = v.split_off(MAX_GROUPS - 1);
        let mut other = Group::default();
        for (_, g) in rest {
            other.lots += g.lots;
            other.high = other.high.saturating_add(g.high);
        }
        v.push((OTHER.into(), other));
    }
    v
}

fn rank(s: &LotStatus) -> u8 {
    match s {
        LotStatus::Scheduled => 0,
        LotStatus::Open => 1,
        LotStatus::Suspended => 2,
        LotStatus::Closed => 3,
        LotStatus::Sold => 4,
        LotStatus::Unsold => 5,
        LotStatus::Cancelled => 6,
        LotStatus::Unknown(_) => 7,
    }
}

/// The summary as last computed, and whether the lots changed since.
#[derive(Clone, Debug)]
pub struct SummaryCache {
    summary: Summary,
    dirty: bool,
    last: Option<Mono>,
}

impl Default for SummaryCache {
    fn default() -> Self {
        SummaryCache {
            summary: Summary::default(),
            dirty: true,
            last: None,
        }
    }
}

impl SummaryCache {
    pub fn get(&self) -> &Summary {
        &self.summary
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Whether to recompute now (only when shown, stale and not too soon).
    pub fn refresh_due(&self, now: Mono, shown: bool) -> bool {
        shown
            && self.dirty
            && self
                .last
                .is_none_or(|l| now.0 >= l.0.saturating_add(REFRESH_MS))
    }

    /// When a stale summary on screen may be recomputed.
    pub fn next_refresh(&self, shown: bool) -> Option<Mono> {
        (shown && self.dirty)
            .then(|| self.last.map(|l| Mono(l.0.saturating_add(REFRESH_MS))))
            .flatten()
    }

    pub fn recompute(&mut self, lots: &LotStore, now: Mono) {
        self.summary = Summary::of(lots.iter());
        self.dirty = false;
        self.last = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{HighBid, LotResult};
    use crate::testing::test_lot;

    const T0: i64 = 1_750_741_200_000;

    fn lot(
        id: &str,
        status: LotStatus,
        start: i64,
        high: Option<i64>,
        region: &str,
        minerals: &[&str],
        closes_min: i64,
    ) -> Lot {
        let mut l = test_lot();
        l.id = id.into();
        l.status = status;
        l.starting_bonus = Money::from_tenge(start).into();
        l.high_bid = high.map(|h| HighBid {
            amount: Money::from_tenge(h),
            bidder: "P-01".into(),
            at: Timestamp(T0),
            seq: 1,
        });
        l.region = region.into();
        l.minerals = minerals.iter().map(|m| m.to_string()).collect();
        l.closes_at = Timestamp(T0 + closes_min * 60_000);
        l
    }

    /// Five lots; the figures below are worked out by hand.
    fn fixture() -> Vec<Lot> {
        let mut sold = lot(
            "S",
            LotStatus::Sold,
            2_000,
            Some(2_600),
            "Aktobe",
            &["copper"],
            -5,
        );
        sold.result = Some(LotResult {
            winner: "P-01".into(),
            amount: Money::from_tenge(2_500),
            protocol_at: Timestamp(T0),
        });
        vec![
            lot(
                "A",
                LotStatus::Open,
                1_000,
                Some(1_500),
                "Aktobe",
                &["gold", "copper"],
                4,
            ),
            lot("B", LotStatus::Open, 3_000, None, "Karaganda", &["coal"], 9),
            lot(
                "C",
                LotStatus::Open,
                500,
                Some(750),
                "Karaganda",
                &["gold"],
                30,
            ),
            sold,
            // Closed (awaiting result) and unsold lots count by status only.
            lot(
                "D",
                LotStatus::Closed,
                4_000,
                Some(9_000),
                "Aktobe",
                &["gold"],
                -1,
            ),
            lot(
                "E",
                LotStatus::Unsold,
                700,
                None,
                "Kostanay",
                &["coal"],
                -20,
            ),
        ]
    }

    #[test]
    fn figures_match_the_hand_computed_ones() {
        let s = Summary::of(fixture().iter());
        assert_eq!(s.total, 6);
        assert_eq!(
            s.by_status,
            vec![
                (LotStatus::Open, 3),
                (LotStatus::Closed, 1),
                (LotStatus::Sold, 1),
                (LotStatus::Unsold, 1)
            ]
        );
        // Open high bids 1500 + 750, sold result 2500 (not its 2600 high bid).
        assert_eq!(s.high_sum, Money::from_tenge(4_750));
        // Starting bonuses of A, C and S: 1000 + 500 + 2000.
        assert_eq!(s.start_sum, Money::from_tenge(3_500));
        assert_eq!(s.uplift(), Money::from_tenge(1_250));
        // 1250 / 3500 = 35.714...% -> 35.7
        assert_eq!(
            s.uplift_percent().map(|p| p.to_string()),
            Some("35.7".into())
        );
        assert_eq!(s.open_no_bid, 1);
        // A closes in 4 min and B in 9; C in 30 is outside ten minutes.
        assert_eq!(s.closing_soon(Timestamp(T0)), 2);
        assert_eq!(s.closing_soon(Timestamp(T0 + 5 * 60_000)), 1);
        assert_eq!(s.closing_soon(Timestamp(T0 + 25 * 60_000)), 1);
        let g = |v: &[(String, Group)], k: &str| v.iter().find(|(n, _)| n == k).map(|(_, g)| *g);
        assert_eq!(
            g(&s.by_mineral, "gold"),
            Some(Group {
                lots: 3,
                high: Money::from_tenge(2_250)
            })
        );
        assert_eq!(
            g(&s.by_mineral, "copper"),
            Some(Group {
                lots: 2,
                high: Money::from_tenge(4_000)
            })
        );
        assert_eq!(
            g(&s.by_mineral, "coal"),
            Some(Group {
                lots: 2,
                high: Money::ZERO
            })
        );
        assert_eq!(
            g(&s.by_region, "Aktobe"),
            Some(Group {
                lots: 3,
                high: Money::from_tenge(4_000)
            })
        );
        assert_eq!(
            g(&s.by_region, "Karaganda"),
            Some(Group {
                lots: 2,
                high: Money::from_tenge(750)
            })
        );
        // Largest total first.
        assert_eq!(s.by_region[0].0, "Aktobe");
    }

    #[test]
    fn breakdowns_are_bounded() {
        let lots: Vec<Lot> = (0..1000)
            .map(|i| {
                lot(
                    &i.to_string(),
                    LotStatus::Open,
                    10,
                    Some(20),
                    &format!("r{i}"),
                    &["x"],
                    5,
                )
            })
            .collect();
        let s = Summary::of(lots.iter());
        assert_eq!(s.by_region.len(), MAX_GROUPS);
        let n: usize = s.by_region.iter().map(|(_, g)| g.lots).sum();
        assert_eq!(n, 1000);
        assert_eq!(s.by_region.last().map(|(k, _)| k.as_str()), Some("other"));
    }

    #[test]
    fn ten_thousand_lots_summarize_quickly() {
        let minerals = ["gold", "copper", "coal", "tungsten", "lithium"];
        let lots: Vec<Lot> = (0..10_000)
            .map(|i| {
                let st = if i % 3 == 0 {
                    LotStatus::Sold
                } else {
                    LotStatus::Open
                };
                let m = minerals[i % minerals.len()];
                lot(
                    &i.to_string(),
                    st,
                    1_000,
                    Some(1_500),
                    &format!("region {}", i % 17),
                    &[m, "silver"],
                    5,
                )
            })
            .collect();
        let t = std::time::Instant::now();
        let s = Summary::of(lots.iter());
        let took = t.elapsed();
        eprintln!("summary of 10 000 lots: {took:?}");
        assert_eq!(s.total, 10_000);
        assert_eq!(s.high_sum, Money::from_tenge(15_000_000));
        // Generous: a debug build on a loaded machine; release is far faster.
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn recomputed_at_most_every_refresh_and_only_when_shown() {
        let mut c = SummaryCache::default();
        assert!(!c.refresh_due(Mono(0), false));
        assert!(c.refresh_due(Mono(0), true));
        c.recompute(&LotStore::default(), Mono(0));
        assert!(!c.refresh_due(Mono(1), true));
        c.mark_dirty();
        assert!(!c.refresh_due(Mono(REFRESH_MS - 1), true));
        assert_eq!(c.next_refresh(true), Some(Mono(REFRESH_MS)));
        assert!(c.refresh_due(Mono(REFRESH_MS), true));
    }

    #[test]
    fn an_unreadable_starting_bonus_is_left_out_never_summed_as_zero() {
        let mut lots = [
            lot(
                "A",
                LotStatus::Sold,
                1_000,
                Some(1_500),
                "Aktobe",
                &["gold"],
                0,
            ),
            lot("B", LotStatus::Sold, 0, Some(9_000), "Aktobe", &["gold"], 0),
        ];
        lots[1].starting_bonus = crate::domain::Amount::Unreadable;
        let s = Summary::of(lots.iter());
        assert_eq!(s.start_unknown, 1);
        assert_eq!(s.high_sum, Money::from_tenge(1_500));
        assert_eq!(s.start_sum, Money::from_tenge(1_000));
        assert_eq!(s.uplift(), Money::from_tenge(500));
    }
}
