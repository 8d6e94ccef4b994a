//! The auction's own vocabulary, pure and shared by the simulator and the
//! monitor: money, time, lots, feed events and the rules they obey.

pub mod change;
pub mod clock;
pub mod collate;
pub mod event;
pub mod journal_health;
pub mod link;
pub mod lot;
pub mod money;
pub mod places;
pub mod rules;
pub mod source;
pub mod time;

pub use event::{Event, EventKind};
pub use link::{LinkCause, LinkState, SiteDown, SitePage, TlsProblem};
pub use lot::{
    Auction, AuctionStatus, Bid, HighBid, License, LicenseKind, Lot, LotResult, LotStatus, SiteLot,
    SoftClose,
};
pub use money::{Amount, Converted, Currency, Money, Rate};
pub use source::SourceId;
pub use time::Timestamp;
