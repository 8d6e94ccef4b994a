//! The sync engine: decides what to ask the platform and when (snapshot,
//! long-poll feed, re-snapshot on a gap or 410, interval polling without a
//! feed, backoff, rates, clock samples) and reports results as messages. It
//! never touches the app state or the terminal.

pub mod backfill;
pub mod backoff;
pub mod engine;
pub mod link;

pub use backfill::{Backfill, JournalStart};
pub use engine::{SyncConfig, SyncHandle, spawn};
pub use link::{LinkCause, LinkState};

use crate::clock::ClockSample;
use crate::domain::{Auction, Bid, Event, Lot};
use crate::rates::RateTable;

/// What the sync engine tells the app. Each message is complete: nothing is
/// sent from an answer that failed part-way.
#[derive(Clone, Debug)]
pub enum SyncMsg {
    Auction(Auction),
    /// Every lot as of feed position `seq`; replaces what the app holds.
    Snapshot {
        seq: u64,
        lots: Vec<Lot>,
        rejected: Vec<DataIssue>,
    },
    /// Feed events in seq order, gap-free from the last snapshot or batch.
    Events(Vec<Event>),
    /// The bid history of one lot (answer to `SyncCmd::WatchLot`).
    Bids {
        lot_id: String,
        bids: Vec<Bid>,
    },
    Rates(RateTable),
    Clock(ClockSample),
    Link(LinkState),
    /// Data the platform sent that could not be used, named precisely.
    DataIssue(DataIssue),
    /// Events the journal missed, read for it (the app ignores them).
    Backfill(Backfill),
}

/// One piece of unusable server data: which lot, which field, what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataIssue {
    pub lot_id: Option<String>,
    pub field: String,
    pub problem: String,
}

/// `DataIssue::field` of the issue the engine sends when the feed skips seqs
/// (the anomaly detector raises a seq gap from it).
pub const SEQ_GAP_FIELD: &str = "events.seq";

/// What the app asks of the sync engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncCmd {
    /// Re-read everything now (Ctrl-R).
    RefreshNow,
    /// Keep the bid history of this lot fresh (the lot in view); None stops.
    WatchLot(Option<String>),
    /// The journal is open and holds the feed up to this seq (None: a new
    /// journal), for `JournalStart::Later`.
    JournalOpened(Option<u64>),
}

/// The client and engine settings for the monitor's command line. `token` is
/// the value of `LOTWATCH_TOKEN` (or the config file), read by the caller.
pub fn configs_from_args(
    args: &crate::cli::MonitorArgs,
    url: &str,
    token: Option<crate::platform::Token>,
) -> Result<(crate::platform::ClientConfig, SyncConfig), String> {
    use crate::rates::{NBK_DEFAULT_URL, RatesConfig, RatesMode, parse_fixed_rates};
    let mut client = crate::platform::ClientConfig::new(url);
    client.token = token;
    client.ca_cert = args.ca_cert.clone();
    client.insecure = args.insecure;
    let fixed = parse_fixed_rates(&args.fixed_rates)?;
    let mode = match args.rates {
        crate::cli::RatesArg::Platform => RatesMode::Platform,
        crate::cli::RatesArg::Nbk => RatesMode::Nbk,
        crate::cli::RatesArg::Fixed if fixed.is_empty() => {
            return Err("--rates fixed needs at least one --rate CUR=RATE".into());
        }
        crate::cli::RatesArg::Fixed => RatesMode::Fixed,
    };
    let rates = RatesConfig {
        mode,
        nbk_url: args
            .rates_url
            .clone()
            .unwrap_or_else(|| NBK_DEFAULT_URL.to_string()),
        fixed,
        ..RatesConfig::default()
    };
    let sync = SyncConfig {
        poll: std::time::Duration::from_millis(args.poll.max(250)),
        rates: Some(rates),
        backfill: args.backfill,
        ..SyncConfig::default()
    };
    Ok((client, sync))
}
