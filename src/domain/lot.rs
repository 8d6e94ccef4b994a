//! A lot of the auction (one deposit's licence) and the auction itself, as
//! both the simulator and the monitor hold them. Text fields here are already
//! sanitized: the platform client cleans them where they enter.

use super::money::{Amount, Money};
use super::time::Timestamp;
use rust_decimal::Decimal;

/// A lot's status. `Unknown` keeps a value the contract does not name, so that
/// a newer server does not break an older monitor.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LotStatus {
    Scheduled,
    Open,
    Suspended,
    Closed,
    Sold,
    Unsold,
    Cancelled,
    Unknown(String),
}

impl LotStatus {
    pub fn parse(s: &str) -> LotStatus {
        match s {
            "scheduled" => LotStatus::Scheduled,
            "open" => LotStatus::Open,
            "suspended" => LotStatus::Suspended,
            "closed" => LotStatus::Closed,
            "sold" => LotStatus::Sold,
            "unsold" => LotStatus::Unsold,
            "cancelled" => LotStatus::Cancelled,
            other => LotStatus::Unknown(other.chars().take(32).collect()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            LotStatus::Scheduled => "scheduled",
            LotStatus::Open => "open",
            LotStatus::Suspended => "suspended",
            LotStatus::Closed => "closed",
            LotStatus::Sold => "sold",
            LotStatus::Unsold => "unsold",
            LotStatus::Cancelled => "cancelled",
            LotStatus::Unknown(s) => s,
        }
    }

    /// Sold, unsold or cancelled: nothing more will happen to the lot.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            LotStatus::Sold | LotStatus::Unsold | LotStatus::Cancelled
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LicenseKind {
    Exploration,
    Production,
    Unknown(String),
}

impl LicenseKind {
    pub fn parse(s: &str) -> LicenseKind {
        match s {
            "exploration" => LicenseKind::Exploration,
            "production" => LicenseKind::Production,
            other => LicenseKind::Unknown(other.chars().take(32).collect()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            LicenseKind::Exploration => "exploration",
            LicenseKind::Production => "production",
            LicenseKind::Unknown(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct License {
    pub kind: LicenseKind,
    pub term_years: u32,
    /// Area in km², exact as the platform gives it.
    pub area_km2: Option<Decimal>,
    pub blocks: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftClose {
    pub window_s: u32,
    pub extend_s: u32,
    pub max_extensions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HighBid {
    pub amount: Money,
    pub bidder: String,
    pub at: Timestamp,
    pub seq: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotResult {
    pub winner: String,
    pub amount: Money,
    pub protocol_at: Timestamp,
}

/// One accepted bid, as `/lots/{id}/bids` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bid {
    pub seq: u64,
    pub at: Timestamp,
    pub amount: Money,
    pub bidder: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lot {
    pub id: String,
    pub number: String,
    pub name: String,
    pub region: String,
    pub minerals: Vec<String>,
    pub license: License,
    pub reserves: String,
    /// The starting bonus, guarantee and fee as the source gave them (a web
    /// site may show words where a number belongs: `Amount::Unreadable`).
    pub starting_bonus: Amount,
    pub min_increment: Money,
    pub guarantee: Amount,
    pub participation_fee: Amount,
    pub min_participants: u32,
    pub participants: u32,
    pub status: LotStatus,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub soft_close: SoftClose,
    pub extensions: u32,
    pub high_bid: Option<HighBid>,
    pub bid_count: u32,
    pub result: Option<LotResult>,
    /// What a web-site source (sauda.e-qazyna.kz) gives beyond the API's
    /// terms; None for the API source.
    pub site: Option<Box<SiteLot>>,
}

/// `Auction::id` of the day the sauda.e-qazyna.kz site reports (its
/// screens differ).
pub const SITE_AUCTION_ID: &str = "site:sauda.e-qazyna.kz";

/// `Auction::id` of the day a web-site source at `host_label` (host, and
/// port when not the scheme's) reports. The default journal is named after
/// it, so the simulator's pages (`serve --site sauda`) never write into the
/// real site's journal.
pub fn site_auction_id(host_label: &str) -> String {
    format!("site:{host_label}")
}

/// Whether an auction is a web site's (see `site_auction_id`).
pub fn is_site_auction(id: &str) -> bool {
    id.starts_with("site:")
}

/// A lot as a public web site shows it: its page, its own words for the
/// status and the auction type, the application deadline, and which amounts
/// the page showed as something other than a number (never read as zero).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteLot {
    /// The lot's page on the site (rebased onto the URL the user gave).
    pub url: String,
    /// `SolidMinerals` or `Hydrocarbon` (the site's filter value).
    pub object_type: String,
    /// The auction type as the page words it.
    pub auction_type: String,
    /// The status as the page words it (the `LotStatus` is its mapping).
    pub status_text: String,
    pub deadline: Option<Timestamp>,
    /// The site's description of the plot («Описание: Добыча. …»).
    pub description: String,
    /// Whether the lot's own page was read (guarantee, fee and deadline are
    /// only there).
    pub page_read: bool,
    /// Fields the page showed but that were not a number or a date
    /// (`sale_price`, `opens_at`, `deadline`; the lot's own amounts say so
    /// themselves, `Amount::Unreadable`).
    pub invalid: Vec<String>,
}

impl Lot {
    /// A web-site lot whose trading start has passed at `now` while the
    /// site still shows a status from before trading (the site has not
    /// updated it): no countdown, no `opens<` match, a note instead.
    pub fn start_passed(&self, now: Timestamp) -> bool {
        self.site.is_some()
            && self.status == LotStatus::Scheduled
            && !self.field_invalid("opens_at")
            && self.opens_at <= now
    }

    /// The application deadline of a web-site lot still taking
    /// applications (before its trading start), if the page gave one.
    pub fn open_deadline(&self) -> Option<Timestamp> {
        match (&self.status, self.site.as_deref()) {
            (LotStatus::Scheduled, Some(s)) => s.deadline,
            _ => None,
        }
    }

    /// Whether the source showed this field as something it could not read.
    pub fn field_invalid(&self, field: &str) -> bool {
        self.site
            .as_ref()
            .is_some_and(|s| s.invalid.iter().any(|f| f == field))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AuctionStatus {
    Scheduled,
    Running,
    Suspended,
    Finished,
    Unknown(String),
}

impl AuctionStatus {
    pub fn parse(s: &str) -> AuctionStatus {
        match s {
            "scheduled" => AuctionStatus::Scheduled,
            "running" => AuctionStatus::Running,
            "suspended" => AuctionStatus::Suspended,
            "finished" => AuctionStatus::Finished,
            other => AuctionStatus::Unknown(other.chars().take(32).collect()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AuctionStatus::Scheduled => "scheduled",
            AuctionStatus::Running => "running",
            AuctionStatus::Suspended => "suspended",
            AuctionStatus::Finished => "finished",
            AuctionStatus::Unknown(s) => s,
        }
    }
}

/// The auction day as `/auction` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auction {
    pub id: String,
    pub title: String,
    pub venue: String,
    pub timezone: String,
    pub currency: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub status: AuctionStatus,
}
