//! The protocol as data: what `lotwatch protocol` says about the day, in the
//! shape of its JSON form (`docs/protocol.md`). Markdown and HTML render
//! this same value, so the three formats cannot disagree.

use serde::Serialize;
use std::collections::BTreeMap;

/// The JSON form's version; bumped when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Protocol {
    pub format_version: u32,
    pub generated_by: String,
    /// The journal file's name (not its directory).
    pub journal: String,
    pub auction: AuctionPart,
    pub span: Span,
    /// The rate the USD amounts use; None when the journal holds none.
    pub rate: Option<RatePart>,
    pub totals: Totals,
    /// Holes of the whole day (each also listed under the lots it touches).
    pub holes: Vec<Hole>,
    /// Anomalies not tied to one lot.
    pub anomalies: Vec<AnomalyPart>,
    /// Notices of the platform not tied to one lot.
    pub notices: Vec<Step>,
    pub lots: Vec<LotPart>,
    pub chain: ChainPart,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuctionPart {
    pub id: String,
    pub title: Option<String>,
    pub venue: Option<String>,
    pub timezone: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub status: Option<String>,
}

/// What the journal covers: first and last event (server time, UTC).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Span {
    pub first_event_at: Option<String>,
    pub last_event_at: Option<String>,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    pub events: u64,
    pub messages: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RatePart {
    /// `nbk` (the National Bank) or `platform`.
    pub source: String,
    /// The date the rate is for (Astana calendar).
    pub date: String,
    /// Tenge per US dollar, exact decimal string.
    pub usd: String,
    /// False when the journal has no rate of the auction day and an earlier
    /// day's is used.
    pub auction_day: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Totals {
    pub lots: usize,
    /// Lots by final status (`sold`, `unsold`, `cancelled`, `open`, ...).
    pub by_status: BTreeMap<String, usize>,
    /// Starting bonuses of every lot.
    pub starting_kzt: String,
    /// Results of the sold lots.
    pub results_kzt: String,
    /// Starting bonuses of the sold lots (what the uplift is measured on).
    pub sold_starting_kzt: String,
    /// `results_kzt - sold_starting_kzt`.
    pub uplift_kzt: String,
    /// The uplift in percent of `sold_starting_kzt`, one decimal.
    pub uplift_pct: Option<String>,
    pub starting_usd: Option<String>,
    pub results_usd: Option<String>,
    pub uplift_usd: Option<String>,
    /// Lots whose starting bonus the source showed unreadable: left out of
    /// `starting_kzt`, `sold_starting_kzt` and the uplift, counted here.
    pub starting_unreadable: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LicensePart {
    pub kind: String,
    pub term_years: u32,
    pub area_km2: Option<String>,
    pub blocks: Option<u32>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SoftClosePart {
    pub window_s: u32,
    pub extend_s: u32,
    pub max_extensions: Option<u32>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ResultPart {
    pub winner: String,
    pub amount_kzt: String,
    pub amount_usd: Option<String>,
    pub protocol_at: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BidPart {
    pub seq: u64,
    pub at: String,
    pub bidder: String,
    pub amount_kzt: String,
    pub amount_usd: Option<String>,
    /// The lot's closing time after this bid.
    pub closes_at: String,
}

/// One line of a lot's timeline (or a platform-wide notice).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Step {
    pub seq: u64,
    pub at: String,
    /// `opened`, `resumed`, `suspended`, `closed`, `sold`, `unsold`,
    /// `cancelled`, `scheduled`, `status` (another status), `bid`,
    /// `extended`, `terms` (the lot's terms were re-sent), `notice`,
    /// `unknown` (an event type this build does not know).
    pub kind: String,
    pub status: Option<String>,
    pub bidder: Option<String>,
    pub amount_kzt: Option<String>,
    pub amount_usd: Option<String>,
    pub closes_at: Option<String>,
    pub extensions: Option<u32>,
    pub message: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AnomalyPart {
    pub kind: String,
    pub at: Option<String>,
    /// The evidence as recorded (English).
    pub evidence: String,
}

/// What stood for events the journal does not hold.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StandsFor {
    pub snapshot_seq: u64,
    pub at: String,
}

/// A hole in the journal's knowledge.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Hole {
    /// `missing`: events `from_seq..=to_seq` are not in the journal;
    /// `offline`: nothing was recorded from `from` to `to`, and events
    /// `from_seq..=to_seq` of that time were read from the feed afterwards;
    /// `snapshot`: a snapshot showed a change of the lot that no recorded
    /// event explains (`detail` says which).
    pub kind: String,
    pub from_seq: Option<u64>,
    pub to_seq: Option<u64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub stands_for: Option<StandsFor>,
    pub detail: Option<String>,
    /// Where it falls in a lot's timeline: before the step of this seq.
    pub at_seq: u64,
}

/// The platform's result against the last high bid the monitor saw.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CrossCheck {
    /// `match`, `mismatch`, `no_bid_seen` (a result, but no bid was seen),
    /// `no_result` (a bid was seen but the lot has no result), `none`
    /// (neither).
    pub outcome: String,
    pub result_kzt: Option<String>,
    pub winner: Option<String>,
    pub last_high_kzt: Option<String>,
    pub last_bidder: Option<String>,
    pub last_seq: Option<u64>,
    /// `result_kzt - last_high_kzt`, when both exist and differ.
    pub difference_kzt: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LotPart {
    pub id: String,
    pub number: String,
    pub name: String,
    pub region: String,
    pub minerals: Vec<String>,
    pub license: LicensePart,
    pub reserves: String,
    pub status: String,
    pub starting_bonus_kzt: String,
    pub starting_bonus_usd: Option<String>,
    pub min_increment_kzt: String,
    pub guarantee_kzt: String,
    pub participation_fee_kzt: String,
    pub participants: u32,
    pub min_participants: u32,
    pub opens_at: String,
    pub closes_at: String,
    pub soft_close: SoftClosePart,
    /// The platform's count of bids on the lot.
    pub bid_count: u32,
    /// Bids the monitor saw (`bids`).
    pub bids_seen: usize,
    /// The result when sold, else the last high bid; None without a bid.
    pub final_kzt: Option<String>,
    pub final_usd: Option<String>,
    pub result: Option<ResultPart>,
    pub bids: Vec<BidPart>,
    /// Soft-close extensions granted.
    pub extensions: u32,
    pub timeline: Vec<Step>,
    pub anomalies: Vec<AnomalyPart>,
    pub holes: Vec<Hole>,
    pub cross_check: CrossCheck,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ChainPart {
    /// Records in the chain (the verified count, or the count stored with
    /// the cursor when verification failed).
    pub records: u64,
    pub head: Option<String>,
    pub verified: bool,
    /// Why verification failed.
    pub problem: Option<String>,
    /// True when the chain started on a journal that already held rows.
    pub migrated: bool,
    /// Rows written before the chain began (counted, not covered).
    pub rows_before: u64,
    /// The first record of journal data the chain covers, and its message.
    pub covered_from_record: Option<i64>,
    pub covered_from_message: Option<i64>,
    pub started_at: Option<String>,
}
