//! Fixtures for the tests, unit and integration alike. Not part of the
//! library's API (hidden from its docs); nothing outside tests calls it.

use crate::domain::{License, LicenseKind, Lot, LotStatus, Money, SoftClose, Timestamp};

/// A plain open lot for tests: start 1 000 ₸, increment 10 ₸, open from t=0
/// to t=30 min, soft close 300 s / 300 s without a cap.
pub fn test_lot() -> Lot {
    Lot {
        id: "L1".into(),
        number: "L1".into(),
        name: "Test deposit".into(),
        region: "Karaganda".into(),
        minerals: vec!["gold".into()],
        license: License {
            kind: LicenseKind::Production,
            term_years: 25,
            area_km2: None,
            blocks: None,
        },
        reserves: String::new(),
        starting_bonus: Money::from_tenge(1000).into(),
        min_increment: Money::from_tenge(10),
        guarantee: Money::from_tenge(1000).into(),
        participation_fee: Money::from_tenge(393).into(),
        min_participants: 2,
        participants: 3,
        status: LotStatus::Open,
        opens_at: Timestamp(0),
        closes_at: Timestamp(30 * 60 * 1000),
        soft_close: SoftClose {
            window_s: 300,
            extend_s: 300,
            max_extensions: None,
        },
        extensions: 0,
        high_bid: None,
        bid_count: 0,
        result: None,
        site: None,
    }
}
