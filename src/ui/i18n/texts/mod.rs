//! Every text of the interface, once per language. A `Texts` value is a
//! table of plain strings and small functions (for texts with numbers or
//! names in them, and for the enums the view names); a language missing a
//! text, or a new enum variant without a translation, does not compile.
//! Lookups are field reads: nothing is searched while drawing. One file per
//! language.

mod en;
mod kk;
mod ru;

pub use en::EN;
pub use kk::KK;
pub use ru::RU;

use crate::app::alerts::AlertKind;
use crate::app::anomaly::{AnomalyKind, Evidence};
use crate::app::filter::FilterError;
use crate::app::log::LogKind;
use crate::app::lots::SortKey;
use crate::app::{Action, Pane};
use crate::domain::LinkCause;
use crate::domain::LotStatus;
use crate::domain::journal_health::JournalCause;
use crate::rates::RateSource;

/// The interface texts of one language. Fields holding a function build
/// the text around the numbers or names they are given (already formatted).
pub struct Texts {
    // The header.
    pub insecure: &'static str,
    pub demo: &'static str,
    pub replay: &'static str,
    /// The follower's badge: the label, "last record" N s "ago", "written
    /// by" N "monitors", and what it says when no writer wrote for a while.
    pub following: [&'static str; 6],
    pub paused: &'static str,
    pub connecting: &'static str,
    pub live: &'static str,
    /// Followed by the attempt number.
    pub retrying: &'static str,
    /// `✖ OFFLINE since hh:mm:ss`.
    pub offline: fn(&str) -> String,
    /// Why the platform could not be used.
    pub link_cause: fn(&LinkCause) -> String,
    /// Why the journal cannot write.
    pub journal_cause: fn(&JournalCause) -> String,
    /// The journal badge while it fails: cause, events not recorded (or,
    /// with none, records), since hh:mm.
    pub journal_failing: fn(&str, u64, u64, &str) -> String,
    /// The journal badge once it writes again but lost events (or records).
    pub journal_lost: fn(u64, u64) -> String,
    /// The journal badge while its database is being reached.
    pub journal_connecting: &'static str,
    pub astana: &'static str,
    pub waiting_auction: &'static str,
    pub currency: &'static str,
    pub clock_skew: &'static str,
    pub anomalies_n: fn(u64) -> String,
    pub data_issues_n: fn(usize) -> String,
    pub no_rates: &'static str,
    /// No rate for this currency code.
    pub no_rate: fn(&str) -> String,
    pub rate_source: fn(&RateSource) -> &'static str,
    pub no_date: &'static str,
    /// The rate table's age (already formatted).
    pub read_ago: fn(&str) -> String,
    pub stale: &'static str,
    /// A conversion without a rate.
    pub no_rate_cell: &'static str,
    pub fallback: &'static str,
    /// Seconds, minutes, hours, days.
    pub age_units: [&'static str; 4],

    // Pane titles and statuses.
    pub pane: fn(Pane) -> &'static str,
    /// A known status (`Unknown` statuses are shown as sent).
    pub status: fn(&LotStatus) -> &'static str,

    // The lots pane.
    pub sort: &'static str,
    pub sort_key: fn(SortKey) -> &'static str,
    pub watched_only: &'static str,
    pub data_as_of: &'static str,
    pub filter: &'static str,
    pub esc_clears: &'static str,
    /// Why the typed filter is refused (positions and syntax as typed).
    pub filter_error: fn(&FilterError) -> String,
    /// After the header of the extensions column when the lots sort by it.
    pub col_ext: &'static str,
    pub waiting_lots: &'static str,
    pub no_watched: &'static str,
    pub no_match: &'static str,
    pub col_number: &'static str,
    pub col_name: &'static str,
    pub col_region: &'static str,
    pub col_minerals: &'static str,
    pub col_license: &'static str,
    pub col_status: &'static str,
    pub col_high: &'static str,
    /// Followed by the display currency's code.
    pub col_high_fx: &'static str,
    pub col_next_min: &'static str,
    pub col_bids: &'static str,
    pub col_leader: &'static str,
    pub col_left: &'static str,
    /// Exploration, production: short, for the licence column.
    pub license_short: [&'static str; 2],
    /// After the licence term in the licence column: `6y`.
    pub years_short: &'static str,
    /// Before the time until a scheduled lot opens.
    pub opens_in: &'static str,
    /// After the days of a countdown a day or more long (`1 d 02:14`).
    pub days_short: &'static str,
    pub closing: &'static str,

    // The detail pane (labels fit in 12 columns).
    pub no_lot: &'static str,
    pub opens: &'static str,
    pub closes: &'static str,
    pub high_bid: &'static str,
    pub next_min: &'static str,
    pub won_by: &'static str,
    pub start_bonus: &'static str,
    pub increment: &'static str,
    pub guarantee: &'static str,
    pub fee: &'static str,
    pub participants: &'static str,
    pub region: &'static str,
    pub minerals: &'static str,
    pub license: &'static str,
    pub reserves: &'static str,
    pub opened: &'static str,
    pub soft_close: &'static str,
    pub extensions: &'static str,
    /// Bidder, time, bid count.
    pub by_at_bids: fn(&str, &str, u32) -> String,
    pub no_bids_yet: &'static str,
    /// Participants, minimum, too few.
    pub participants_min: fn(u32, u32, bool) -> String,
    /// Exploration, production, in full.
    pub license_long: [&'static str; 2],
    pub years: fn(u32) -> String,
    pub km2: &'static str,
    pub blocks: fn(u32) -> String,
    /// Window and extension, seconds.
    pub soft_close_terms: fn(u32, u32) -> String,
    pub of_max: fn(u32) -> String,

    // The bids pane.
    pub no_bids_lot: &'static str,
    pub loading_bids: &'static str,
    pub col_time: &'static str,
    pub col_bidder: &'static str,
    pub col_amount: &'static str,
    /// The converted column's header for a currency code.
    pub col_in: fn(&str) -> String,

    // The events and anomalies panes.
    /// How many newer entries are scrolled past.
    pub newer: fn(usize) -> String,
    pub no_events: &'static str,
    pub log_kind: fn(LogKind) -> &'static str,
    /// Amount, bidder.
    pub ev_bid: fn(&str, &str) -> String,
    /// Extensions, new close time.
    pub ev_extended: fn(u32, &str) -> String,
    /// The new status (translated).
    pub ev_status: fn(&str) -> String,
    /// Amount, winner: appended to a status change.
    pub ev_result: fn(&str, &str) -> String,
    pub ev_lot: fn(&str) -> String,
    pub ev_unknown: fn(&str) -> String,
    pub alert_kind: fn(AlertKind) -> &'static str,
    /// Lot name, bidder.
    pub alert_outbid: fn(&str, &str) -> String,
    /// Appended to `alert_outbid` when the amount is known.
    pub alert_outbid_at: fn(&str) -> String,
    /// Lot name, minutes, close time.
    pub alert_closing: fn(&str, u64, &str) -> String,
    /// Lot name, extensions, close time.
    pub alert_extended: fn(&str, u32, &str) -> String,
    pub no_anomalies: &'static str,
    pub anomaly_kind: fn(AnomalyKind) -> &'static str,
    /// An anomaly's evidence (English: the journal's own wording).
    pub evidence: fn(&Evidence) -> String,

    // The summary pane (labels fit in 21 columns).
    pub lots_n: fn(usize) -> String,
    pub by_status: &'static str,
    pub high_bids: &'static str,
    pub start_bonuses: &'static str,
    pub uplift: &'static str,
    pub closing_10: &'static str,
    pub open_no_bid: &'static str,
    /// N lots left out of the sums: their starting bonus was unreadable.
    pub start_unknown: fn(usize) -> String,
    pub by_mineral: &'static str,
    pub by_region: &'static str,
    /// The row the smallest groups are folded into.
    pub other: &'static str,

    // Key bar, help, small terminal.
    pub action: fn(Action) -> &'static str,
    pub type_to_filter: &'static str,
    /// The key bar's mouse item: capture on, off.
    pub mouse_on: &'static str,
    pub mouse_off: &'static str,
    pub help_title: &'static str,
    pub esc_closes: &'static str,
    /// After `esc_closes` when the guide below the keys does not fit.
    pub help_larger: &'static str,
    pub filter_title: &'static str,
    /// The filter language in brief: (example, what it does).
    pub filter_help: [(&'static str, &'static str); 9],
    pub sort_title: &'static str,
    /// Pause, next, faster/slower, previous (replay keys).
    pub replay_keys: [&'static str; 4],
    pub too_small: &'static str,
    pub needs_size: fn(u16, u16) -> String,
    pub now_size: fn(u16, u16) -> String,
    /// Before the number of the last feed event, in the header (`seq 1809`).
    pub feed_seq: &'static str,
    /// Why the rates shown are a fallback (the sources that failed, what
    /// is shown instead); the errors' details are in the log.
    pub fallback_why: fn(&crate::rates::Fallback) -> String,
    /// The journal badge while the shared journal's database is reached in
    /// plain text over the network.
    pub journal_unencrypted: &'static str,
    /// The follower's badge: how many monitors write the journal.
    pub writers_n: fn(u64) -> String,
    /// `watch --format status`: the words after the open count and before
    /// the high bid.
    pub status_words: [&'static str; 2],
    /// `watch --format status`: the next close (lot, time left or
    /// "closing…", whether closing).
    pub next_close: fn(&str, &str, bool) -> String,
    /// The screen's note after a config reload: the settings (their config
    /// names, joined) that apply only at the next start.
    pub config_restart: fn(&str) -> String,
    /// `watch --format text`: how many messages a reader too slow to keep
    /// up missed.
    pub messages_left_out: fn(u64) -> String,
    /// The lots pane's Source column (several sources at once).
    pub col_source: &'static str,
}
