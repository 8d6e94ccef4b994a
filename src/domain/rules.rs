//! The auction rules of the contract, in one place: the simulator enforces
//! them and the monitor's anomaly checks test observed data against them.

use super::lot::{Lot, LotStatus};
use super::money::Money;
use super::time::Timestamp;

/// The lowest bid the platform accepts next: the starting bonus for the first
/// bid, then the high bid plus the minimum increment. None before the first
/// bid when the source showed the starting bonus unreadable.
pub fn next_min_bid(lot: &Lot) -> Option<Money> {
    match &lot.high_bid {
        None => lot.starting_bonus.known(),
        Some(h) => Some(h.amount.saturating_add(lot.min_increment)),
    }
}

/// Why a bid is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BidRefusal {
    #[error("the lot is not open (it is {0})")]
    NotOpen(String),
    #[error("the bid came at or after the close")]
    AfterClose,
    #[error("the bid is below the next minimum of {0}")]
    BelowMinimum(Money),
}

/// Checks a bid of `amount` at server time `at` against the rules.
pub fn check_bid(lot: &Lot, amount: Money, at: Timestamp) -> Result<(), BidRefusal> {
    if lot.status != LotStatus::Open {
        return Err(BidRefusal::NotOpen(lot.status.as_str().to_string()));
    }
    if at >= lot.closes_at {
        return Err(BidRefusal::AfterClose);
    }
    // An unreadable starting bonus sets no minimum this build can check.
    match next_min_bid(lot) {
        Some(min) if amount < min => Err(BidRefusal::BelowMinimum(min)),
        _ => Ok(()),
    }
}

/// The close time after a bid accepted at `at`, and whether it was extended
/// (soft close: a bid inside the window moves the close to `at + extend_s`,
/// unless the lot has used all its extensions).
pub fn close_after_bid(lot: &Lot, at: Timestamp) -> (Timestamp, bool) {
    let sc = lot.soft_close;
    let remaining = at.until(lot.closes_at);
    let in_window = remaining < i64::from(sc.window_s) * 1000;
    let may_extend = sc.max_extensions.is_none_or(|m| lot.extensions < m);
    if in_window && may_extend {
        let new_close = lot.closes_at.max(at.plus_secs(i64::from(sc.extend_s)));
        (new_close, true)
    } else {
        (lot.closes_at, false)
    }
}

/// The only status changes a correct server makes.
pub fn transition_allowed(from: &LotStatus, to: &LotStatus) -> bool {
    use LotStatus::*;
    matches!(
        (from, to),
        (Scheduled, Open)
            | (Scheduled, Cancelled)
            | (Open, Closed)
            | (Open, Suspended)
            | (Open, Unsold)
            | (Suspended, Open)
            | (Closed, Sold)
            | (Closed, Unsold)
    )
}

/// A status a correct server can reach from `from` in one or more allowed
/// changes (what a re-snapshot may show after missed events).
pub fn transition_reachable(from: &LotStatus, to: &LotStatus) -> bool {
    use LotStatus::*;
    const ALL: [LotStatus; 7] = [Scheduled, Open, Suspended, Closed, Sold, Unsold, Cancelled];
    let mut seen = vec![from.clone()];
    let mut i = 0;
    while let Some(s) = seen.get(i).cloned() {
        i += 1;
        for t in ALL.iter() {
            if !transition_allowed(&s, t) {
                continue;
            }
            if t == to {
                return true;
            }
            if !seen.contains(t) {
                seen.push(t.clone());
            }
        }
    }
    false
}

/// Inside the soft-close window: a bid now would extend the lot.
pub fn in_soft_close_window(lot: &Lot, now: Timestamp) -> bool {
    lot.status == LotStatus::Open
        && now.until(lot.closes_at) < i64::from(lot.soft_close.window_s) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_lot;

    #[test]
    fn first_bid_at_start_then_increment() {
        let mut lot = test_lot();
        assert_eq!(next_min_bid(&lot), lot.starting_bonus.known());
        lot.high_bid = Some(crate::domain::HighBid {
            amount: Money::from_tenge(100),
            bidder: "P-01".into(),
            at: Timestamp(0),
            seq: 1,
        });
        assert_eq!(next_min_bid(&lot), Some(Money::from_tenge(110)));
        lot.high_bid = None;
        lot.starting_bonus = crate::domain::Amount::Unreadable;
        assert_eq!(next_min_bid(&lot), None);
    }

    #[test]
    fn soft_close_extends_only_inside_window_and_cap() {
        let mut lot = test_lot();
        let close = lot.closes_at;
        assert_eq!(close_after_bid(&lot, close.plus_secs(-301)), (close, false));
        assert_eq!(
            close_after_bid(&lot, close.plus_secs(-10)),
            (close.plus_secs(290), true)
        );
        lot.soft_close.max_extensions = Some(2);
        lot.extensions = 2;
        assert_eq!(close_after_bid(&lot, close.plus_secs(-10)), (close, false));
    }

    #[test]
    fn bids_after_close_refused() {
        let lot = test_lot();
        let start = lot.starting_bonus.known().expect("a known start");
        assert_eq!(
            check_bid(&lot, start, lot.closes_at),
            Err(BidRefusal::AfterClose)
        );
        assert!(check_bid(&lot, start, lot.closes_at.plus_millis(-1)).is_ok());
        assert!(matches!(
            check_bid(
                &lot,
                start.saturating_sub(Money::from_tiyn(1)),
                lot.opens_at
            ),
            Err(BidRefusal::BelowMinimum(_))
        ));
    }

    #[test]
    fn transitions() {
        use LotStatus::*;
        assert!(transition_allowed(&Scheduled, &Open));
        assert!(!transition_allowed(&Sold, &Open));
        assert!(!transition_allowed(&Scheduled, &Sold));
        assert!(!transition_allowed(&Open, &Sold));
    }

    #[test]
    fn reachable_through_missed_changes_only_forwards() {
        use LotStatus::*;
        assert!(transition_reachable(&Scheduled, &Sold));
        assert!(transition_reachable(&Suspended, &Unsold));
        assert!(transition_reachable(&Open, &Open));
        assert!(!transition_reachable(&Sold, &Open));
        assert!(!transition_reachable(&Closed, &Open));
        assert!(!transition_reachable(&Cancelled, &Open));
        assert!(!transition_reachable(&Scheduled, &Scheduled));
    }
}
