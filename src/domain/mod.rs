//! The auction's own vocabulary, pure and shared by the simulator and the
//! monitor: money, time, lots, feed events and the rules they obey.

pub mod clock;
pub mod event;
pub mod journal_health;
pub mod link;
pub mod lot;
pub mod money;
pub mod rules;
pub mod time;

pub use event::{Event, EventKind};
pub use link::{LinkCause, LinkState, TlsProblem};
pub use lot::{
    Auction, AuctionStatus, Bid, HighBid, License, LicenseKind, Lot, LotResult, LotStatus,
    SoftClose,
};
pub use money::{Converted, Currency, Money, Rate};
pub use time::Timestamp;

/// A plain open lot for tests: start 1 000 ₸, increment 10 ₸, open from t=0
/// to t=30 min, soft close 300 s / 300 s without a cap.
#[doc(hidden)]
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
        starting_bonus: Money::from_tenge(1000),
        min_increment: Money::from_tenge(10),
        guarantee: Money::from_tenge(1000),
        participation_fee: Money::from_tenge(393),
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
    }
}
