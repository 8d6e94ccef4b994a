//! `--metrics ADDR`: Prometheus metrics of the monitor and of `watch`.
//!
//! The loop that owns the app state publishes a [`Snapshot`] (plain data
//! copied out of the state, at most every [`Publisher::EVERY`]) through a
//! tokio `watch` channel; the HTTP server (`server`) encodes the newest one
//! on a blocking thread when scraped (`encode`, with the `prometheus-client`
//! crate). So a scrape never touches the state, never waits for the engine
//! or the screen, and the engine never waits for a scrape. Each snapshot is
//! encoded at most once: a second scrape during the first, or before the
//! next snapshot, gets the same bytes.
//!
//! Bounded: at most [`MAX_METRIC_LOTS`] lots get per-lot series (watched lots
//! first, then open, scheduled and the rest, by number); label values are
//! cleaned of control characters and cut to [`MAX_LABEL_CHARS`] characters; the
//! request counter's `path` label is a route template.

pub mod encode;
pub mod server;

use crate::app::App;
use crate::app::lots::{LotStore, MeState};
use crate::domain::clock::Mono;
use crate::domain::{LotStatus, Money, Timestamp};
use crate::journal::WriterStatus;
use crate::platform::Client;
use crate::sync::LinkState;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Lots with per-lot series, at most.
const MAX_METRIC_LOTS: usize = 10_000;
/// Longest label value, in characters.
const MAX_LABEL_CHARS: usize = 64;

/// One lot's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct LotSample {
    pub id: String,
    /// Its source's label (`api`, `sauda`, or a host with several of one kind).
    pub source: String,
    pub number: String,
    pub status: String,
    /// The high bid, or a sold lot's result; None without a bid.
    pub high_bid: Option<Money>,
    /// As the source gave it: an unreadable one has no series and is
    /// counted in `lots_starting_bonus_unreadable`.
    pub starting_bonus: crate::domain::Amount,
    /// For open and scheduled lots: the close on the server's clock.
    pub closes_at: Option<Timestamp>,
    /// For suspended lots: the time left, frozen.
    pub frozen_left_ms: Option<i64>,
    pub extensions: u32,
    pub bids: u32,
    pub watched: bool,
    /// With `--me`: whether we lead it.
    pub leading: Option<bool>,
}

/// Everything a scrape shows, copied out of the app at one moment.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// When it was taken (times to close are counted on from here).
    pub taken: Instant,
    /// Server time when it was taken.
    pub server_at: Option<Timestamp>,
    pub lots: Vec<LotSample>,
    /// Lots the app holds (more than `lots.len()` past `MAX_METRIC_LOTS`).
    pub lots_total: usize,
    pub link_up: bool,
    pub clock_offset_ms: Option<i64>,
    pub clock_uncertainty_ms: Option<u64>,
    /// Server time of the newest data.
    pub data_at: Option<Timestamp>,
    pub feed_seq: u64,
    /// (route, status, count).
    pub requests: Vec<(&'static str, String, u64)>,
    pub journal_records: u64,
    pub journal_failures: u64,
    pub anomalies: Vec<(&'static str, u64)>,
    /// Alerts by (rule, event, delivery state, count).
    pub alerts: Vec<(String, String, String, u64)>,
}

impl Snapshot {
    /// An empty snapshot (before the app has anything).
    pub fn empty() -> Snapshot {
        Snapshot {
            taken: Instant::now(),
            server_at: None,
            lots: Vec::new(),
            lots_total: 0,
            link_up: false,
            clock_offset_ms: None,
            clock_uncertainty_ms: None,
            data_at: None,
            feed_seq: 0,
            requests: Vec::new(),
            journal_records: 0,
            journal_failures: 0,
            anomalies: crate::app::AnomalyKind::ALL
                .iter()
                .map(|k| (k.as_str(), 0))
                .collect(),
            alerts: Vec::new(),
        }
    }

    /// The app's figures at `now`.
    pub fn of(app: &App, now: Mono, journal: Option<&WriterStatus>, client: &Client) -> Snapshot {
        let store = app.lots();
        let me = app.options().me.as_deref();
        let mut lots: Vec<LotSample> = store
            .entries()
            .map(|(lot, meta)| {
                let open_or_sched = matches!(lot.status, LotStatus::Open | LotStatus::Scheduled);
                LotSample {
                    id: label(&lot.id),
                    source: label(store.source_label(meta.source)),
                    number: label(&lot.number),
                    status: label(lot.status.as_str()),
                    high_bid: match (&lot.status, &lot.result, &lot.high_bid) {
                        (LotStatus::Sold, Some(r), _) => Some(r.amount),
                        (_, _, Some(h)) => Some(h.amount),
                        _ => None,
                    },
                    starting_bonus: lot.starting_bonus,
                    closes_at: open_or_sched.then_some(lot.closes_at),
                    frozen_left_ms: (lot.status == LotStatus::Suspended)
                        .then_some(meta.frozen_left_ms)
                        .flatten(),
                    extensions: lot.extensions,
                    bids: lot.bid_count,
                    watched: store.is_watched(&lot.id),
                    leading: me
                        .map(|_| LotStore::me_state(lot, meta, me) == Some(MeState::Leading)),
                }
            })
            .collect();
        let lots_total = lots.len();
        if lots.len() > MAX_METRIC_LOTS {
            lots.sort_by(|a, b| {
                let rank = |l: &LotSample| {
                    (
                        !l.watched,
                        match l.status.as_str() {
                            "open" => 0,
                            "scheduled" => 1,
                            _ => 2,
                        },
                    )
                };
                rank(a).cmp(&rank(b)).then_with(|| a.number.cmp(&b.number))
            });
            lots.truncate(MAX_METRIC_LOTS);
        }
        let (records, failures) = journal.map_or((0, 0), |s| (s.committed, s.failed));
        Snapshot {
            taken: Instant::now(),
            server_at: app.server_now(now),
            lots,
            lots_total,
            link_up: *app.link() == LinkState::Live,
            clock_offset_ms: app.clock().offset_ms(),
            clock_uncertainty_ms: app.clock().uncertainty_ms(),
            data_at: app.data_at(),
            feed_seq: app.feed_seq(),
            requests: client.request_counts(),
            journal_records: records,
            journal_failures: failures,
            anomalies: app.anomaly_counts().map(|(k, n)| (k.as_str(), n)).collect(),
            alerts: app
                .alert_counts()
                .into_iter()
                .map(|(r, e, s, n)| (label(&r), e, s, n))
                .collect(),
        }
    }

    /// Server time at the moment `at` (after the snapshot was taken).
    pub fn server_time_at(&self, at: Instant) -> Option<Timestamp> {
        let elapsed = at.saturating_duration_since(self.taken).as_millis() as i64;
        self.server_at
            .map(|t| Timestamp(t.0.saturating_add(elapsed)))
    }
}

/// A label value: no control or invisible format character, at most
/// `MAX_LABEL_CHARS` characters. (The platform's text is sanitized where it
/// enters; this keeps the exposition safe on its own.)
pub fn label(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !crate::platform::sanitize::is_hidden_format(*c))
        .take(MAX_LABEL_CHARS)
        .collect()
}

/// A snapshot and, once a scrape asked for it, its encoding.
#[derive(Debug)]
pub struct Published {
    pub snapshot: Snapshot,
    text: OnceLock<axum::body::Bytes>,
}

impl Published {
    pub fn new(snapshot: Snapshot) -> Published {
        Published {
            snapshot,
            text: OnceLock::new(),
        }
    }

    /// The exposition text; encoded by the first caller, shared after.
    /// Blocking: call it off the async threads.
    pub fn bytes(&self) -> axum::body::Bytes {
        self.text
            .get_or_init(|| encode::encode(&self.snapshot, Instant::now()).into())
            .clone()
    }
}

/// The app loop's side: publishes snapshots, throttled.
pub struct Publisher {
    tx: watch::Sender<Arc<Published>>,
    client: Client,
    last: Option<Instant>,
    /// Something changed since the last snapshot.
    pending: bool,
}

impl Publisher {
    /// The shortest time between two snapshots.
    const EVERY: Duration = Duration::from_millis(500);

    pub fn new(client: Client) -> (Publisher, watch::Receiver<Arc<Published>>) {
        let (tx, rx) = watch::channel(Arc::new(Published::new(Snapshot::empty())));
        (
            Publisher {
                tx,
                client,
                last: None,
                pending: true,
            },
            rx,
        )
    }

    /// Notes that the app changed; publishes if the last snapshot is old
    /// enough, else leaves it for `due`.
    pub fn changed(&mut self, app: &App, now: Mono, journal: Option<&WriterStatus>) {
        self.pending = true;
        if self.due().is_some_and(|d| d <= tokio::time::Instant::now()) {
            self.publish(app, now, journal);
        }
    }

    /// When a pending snapshot should go out; None when none is pending.
    pub fn due(&self) -> Option<tokio::time::Instant> {
        if !self.pending {
            return None;
        }
        let at = self.last.map_or_else(Instant::now, |t| t + Self::EVERY);
        Some(tokio::time::Instant::from_std(at))
    }

    /// Publishes a snapshot now.
    pub fn publish(&mut self, app: &App, now: Mono, journal: Option<&WriterStatus>) {
        let snap = Snapshot::of(app, now, journal, &self.client);
        self.tx.send_replace(Arc::new(Published::new(snap)));
        self.last = Some(Instant::now());
        self.pending = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_snapshot(n: usize) -> Snapshot {
        let mut s = Snapshot::empty();
        s.server_at = Some(Timestamp(1_750_741_800_000));
        s.lots = (0..n)
            .map(|i| LotSample {
                id: format!("L{i:05}"),
                source: "api".into(),
                number: format!("{i:06}"),
                status: "open".into(),
                high_bid: Money::parse("36920000.00").ok(),
                starting_bonus: Money::from_tenge(36_920_000).into(),
                closes_at: Some(Timestamp(1_750_741_900_000)),
                frozen_left_ms: None,
                extensions: 1,
                bids: 2,
                watched: false,
                leading: Some(false),
            })
            .collect();
        s.lots_total = n;
        s
    }

    #[test]
    fn scrapes_during_one_encoding_share_it() {
        let p = Arc::new(Published::new(big_snapshot(MAX_METRIC_LOTS)));
        let t0 = Instant::now();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || p.bytes())
            })
            .collect();
        let bodies: Vec<axum::body::Bytes> = threads
            .into_iter()
            .map(|t| t.join().expect("scrape"))
            .collect();
        // One encoding: the very same buffer for every scrape.
        for b in &bodies {
            assert_eq!(b.as_ptr(), bodies[0].as_ptr());
        }
        let text = std::str::from_utf8(&bodies[0]).expect("UTF-8");
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("lotwatch_lot_high_bid_kzt{"))
                .count(),
            MAX_METRIC_LOTS
        );
        eprintln!(
            "{MAX_METRIC_LOTS} lots: {} bytes encoded in {:?}",
            bodies[0].len(),
            t0.elapsed()
        );
    }

    #[test]
    fn labels_lose_controls_and_are_bounded() {
        assert_eq!(label("401\u{1b}]0;x\u{7}102\u{202e}"), "401]0;x102");
        assert_eq!(label(&"Ж".repeat(500)).chars().count(), MAX_LABEL_CHARS);
        assert_eq!(label("a\"b\\c"), "a\"b\\c");
    }
}
