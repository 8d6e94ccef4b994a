//! The application state: a model updated only by messages (sync results,
//! named user actions, ticks, resizes) in one `update` function. It knows
//! nothing of the terminal or the network: it answers each message with
//! whether to redraw and what effects the loop should carry out.
//!
//! The terminal loop drives it like this (all times from one monotonic clock):
//!
//! ```text
//! key   -> view.keys.action(&key, app.mode()) -> app.update(Msg::Action(a), now)
//! sync  -> app.update(Msg::Sync(msg), now)
//! timer -> sleep until app.next_tick(now) (None: no timer) -> app.update(Msg::Tick, now)
//! size  -> app.update(Msg::Resize { w, h }, now)
//! then: carry out `effects`; if `redraw`, terminal.draw(|f| ui::draw(f, &app, now, &view))
//! ```

pub mod action;
mod actions;
mod alert_rules;
pub mod alerts;
pub mod anomaly;
pub mod countdown;
pub mod filter;
pub mod log;
pub mod lots;
mod messages;
mod rule_alerts;
pub mod rules;
pub mod screens;
pub mod summary;
mod ticks;
pub mod viewport;

pub use action::Action;
pub use anomaly::{Anomaly, AnomalyKind, Detector, DetectorConfig};

use crate::domain::clock::{Mono, ServerClock};
use crate::domain::source::SourceName;
use crate::domain::{Auction, Bid, Currency, Lot, SourceId, Timestamp};
use crate::rates::RateTable;
use crate::sync::{DataIssue, LinkState, SyncCmd, SyncMsg};
use alerts::{Alert, AlertKind, AlertState};
use countdown::countdown;
use filter::{Filter, FilterError, MAX_FILTER};
use log::{AlertText, EventLog, LogEntry, LogKind, LogText};
use lots::{LotStore, SortKey};
use std::collections::{HashMap, VecDeque};

/// Everything that can happen to the app.
#[derive(Clone, Debug)]
pub enum Msg {
    Action(Action),
    /// A message of the first (or only) source.
    Sync(SyncMsg),
    /// A message of one of several sources (`App::set_sources`).
    Source(SourceId, SyncMsg),
    /// Time passed (the loop sends it at `next_tick`).
    Tick,
    Resize {
        w: u16,
        h: u16,
    },
    /// How the journal's writing stands (when it changes).
    Journal(crate::domain::journal_health::JournalHealth),
    /// How the alert delivery channels stand (when it changes): those failing.
    Delivery(rules::DeliveryStatus),
}

/// What the loop must do after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    Sync(SyncCmd),
    /// Ring the terminal bell (e.g. `--me` was outbid).
    Bell,
    /// Suspend the process (Ctrl-Z); redraw everything on resume.
    Suspend,
    /// An alert fired: run the `--on-alert` command with it, if any.
    Alert(Alert),
    /// Append this anomaly to the journal.
    Anomaly(Anomaly),
    /// Turn the terminal's mouse capture on or off.
    MouseCapture(bool),
    /// A `[[rule]]` alert fired: deliver it (e-mail, webhooks) and journal it.
    RuleAlert(rules::RuleAlert),
}

/// The answer to one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Update {
    /// Something visible changed.
    pub redraw: bool,
    pub effects: Vec<Effect>,
}

/// Start-up options of the monitor.
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// Running against the embedded simulator: the header says DEMO.
    pub demo: bool,
    /// TLS certificates are not checked (`--insecure`): the header says so
    /// the whole time.
    pub insecure: bool,
    /// The user's bidder label, to mark lots they lead or were outbid on.
    pub me: Option<String>,
    /// Display currency beside tenge.
    pub currency: Currency,
    /// Clock skew (server vs this machine) above which the header shows it.
    pub skew_threshold_ms: u64,
    /// Lots watched from the start (config `watchlist`, `--watch`).
    pub watchlist: Vec<String>,
    /// A watched lot entering its last this many minutes raises an alert.
    pub alert_minutes: u64,
    /// How long the platform may be unreachable before it is an anomaly.
    pub unreachable_after_ms: u64,
    /// Mouse capture at start (`mouse = false`, `--no-mouse` turn it off).
    pub mouse: bool,
    /// The interface language's alphabet, for sorting names.
    pub collation: crate::domain::collate::Collation,
    /// The config file's `[[rule]]` tables.
    pub rules: Vec<rules::Rule>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            demo: false,
            insecure: false,
            me: None,
            currency: Currency::Kzt,
            skew_threshold_ms: 2000,
            watchlist: Vec::new(),
            alert_minutes: 5,
            unreachable_after_ms: 60_000,
            mouse: true,
            collation: Default::default(),
            rules: Vec::new(),
        }
    }
}

/// The panes, numbered as the keys 1-5 jump to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Lots,
    Detail,
    Bids,
    Events,
    /// Shown in the events pane's place while it has the focus.
    Anomalies,
    /// The officials' summary (key 6), in the lower area while focused.
    Summary,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Lots,
        Pane::Detail,
        Pane::Bids,
        Pane::Events,
        Pane::Anomalies,
        Pane::Summary,
    ];

    pub fn number(self) -> u8 {
        match self {
            Pane::Lots => 1,
            Pane::Detail => 2,
            Pane::Bids => 3,
            Pane::Events => 4,
            Pane::Anomalies => 5,
            Pane::Summary => 6,
        }
    }

    pub fn from_number(n: u8) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| p.number() == n)
    }
}

/// Which keys apply: the loop's key mapping depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a filter: printable keys are text.
    Filter,
    /// The help overlay is open.
    Help,
}

/// The bid history of the lot in view.
#[derive(Clone, Debug, Default)]
pub struct BidHistory {
    pub lot_id: Option<String>,
    /// The source of the lot.
    pub source: SourceId,
    /// Oldest first, at most `MAX_BIDS`.
    pub bids: VecDeque<Bid>,
    /// An answer from the platform has arrived for this lot.
    pub loaded: bool,
}

/// Bids kept for the lot in view.
pub const MAX_BIDS: usize = 1000;
/// Data issues kept.
pub const MAX_ISSUES: usize = 100;
/// Anomalies kept for the pane (all go to the journal).
pub const MAX_ANOMALIES: usize = 1000;

/// The whole state of the monitor.
#[derive(Clone, Debug)]
pub struct App {
    pub(crate) opts: AppOptions,
    /// The first source's auction, feed position and link (the only
    /// source's, mostly); `sources` has every source's.
    pub(crate) auction: Option<Auction>,
    pub(crate) lots: LotStore,
    pub(crate) feed_seq: u64,
    /// Each source's name, feed position and link, by `SourceId`, when
    /// several are configured (empty with one).
    pub(crate) sources: Vec<SourceFeed>,
    /// The events the last snapshot showed had happened (see `seen()`).
    pub(crate) seen: Vec<crate::domain::Event>,
    pub(crate) log: EventLog,
    /// Selected lot, by source and id (stable across re-sorting).
    pub(crate) selected: Option<(SourceId, String)>,
    /// First lots row on screen.
    pub(crate) lots_top: usize,
    /// Events pane scroll: entries skipped from the newest.
    pub(crate) events_scroll: usize,
    pub(crate) bids_scroll: usize,
    pub(crate) focus: Pane,
    /// Of detail and bids, the one shown when only one of them fits.
    pub(crate) last_side: Pane,
    pub(crate) filter_text: String,
    /// While typing: the text being typed, and the filter to go back to.
    pub(crate) filter_edit: Option<(String, String)>,
    /// While typing: why the text typed is not a filter (the lots keep the
    /// last valid one).
    pub(crate) filter_error: Option<FilterError>,
    pub(crate) currency: Currency,
    pub(crate) rates: Option<RateTable>,
    pub(crate) link: LinkState,
    /// The journal's writing, for its badge (default: fine or no journal).
    pub(crate) journal: crate::domain::journal_health::JournalHealth,
    pub(crate) clock: ServerClock,
    pub(crate) issues: VecDeque<DataIssue>,
    pub(crate) help: bool,
    pub(crate) bids: BidHistory,
    /// Server time of the newest data received.
    pub(crate) data_at: Option<Timestamp>,
    pub(crate) size: Option<(u16, u16)>,
    /// The selected lot the sync engine was last told of (it keeps its bid history).
    selected_synced: Option<(SourceId, String)>,
    pub(crate) alerts: AlertState,
    pub(crate) summary: summary::SummaryCache,
    /// Set while playing back a journal: the header shows it and server
    /// time is the recorded one.
    pub(crate) replay: Option<ReplayStatus>,
    pub(crate) following: Option<FollowStatus>,
    pub(crate) detector: Detector,
    /// The other sources' detectors, by `SourceId` less one (several
    /// sources: each source's feed and link judged on its own).
    pub(crate) other_detectors: Vec<Detector>,
    /// Newest last, at most `MAX_ANOMALIES`.
    pub(crate) anomalies: VecDeque<Anomaly>,
    /// Anomalies raised since start (the pane keeps only the newest).
    pub(crate) anomaly_count: u64,
    /// Anomalies raised since start, by kind (in `AnomalyKind::ALL` order).
    pub(crate) anomaly_kinds: [u64; AnomalyKind::ALL.len()],
    /// Anomalies pane scroll: entries skipped from the newest.
    pub(crate) anomalies_scroll: usize,
    /// Mouse capture wanted (off: the terminal selects and copies text).
    pub(crate) mouse: bool,
    /// The layouts the user can cycle through, and the one in force.
    pub(crate) layouts: screens::Layouts,
    /// The lots pane's columns the user chose (None: the built-in choice).
    pub(crate) columns: Option<Vec<screens::Column>>,
    /// The configuration's trouble to show (`config: line N: ...`), or the
    /// settings a reload could not apply without a restart.
    pub(crate) config_note: Option<String>,
    /// The `[[rule]]` alerts: rules, what they sent.
    pub(crate) rules: rules::RuleState,
    /// How alert delivery stands: failing channels (shown on screen with
    /// their cause) and counts for the metrics.
    pub(crate) delivery: rules::DeliveryStatus,
}

/// One of several sources as the app holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFeed {
    pub name: SourceName,
    pub link: LinkState,
    pub feed_seq: u64,
    /// Server time of the newest data this source sent.
    pub data_at: Option<Timestamp>,
}

/// Where a follower stands (`--follow`), for the FOLLOWING badge: the
/// journal's freshness, set by the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowStatus {
    /// Seconds since the newest record was written.
    pub age_s: Option<u64>,
    /// Monitors that wrote to the journal.
    pub writers: u64,
    /// No writer wrote for a while.
    pub stale: bool,
}

/// Where a replay stands, for the REPLAY badge.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayStatus {
    pub position: usize,
    pub total: usize,
    /// The recorded server time at the playback position.
    pub server_at: Option<Timestamp>,
    pub speed: f64,
    pub paused: bool,
}

impl App {
    pub fn new(opts: AppOptions) -> App {
        let mut lots = LotStore::default();
        lots.set_me(opts.me.clone());
        lots.set_collation(opts.collation);
        for id in &opts.watchlist {
            if !lots.is_watched(id) {
                lots.toggle_watched(id);
            }
        }
        let detector = Detector::new(DetectorConfig {
            skew_threshold_ms: opts.skew_threshold_ms,
            unreachable_after_ms: opts.unreachable_after_ms,
        });
        App {
            currency: opts.currency,
            auction: None,
            lots,
            feed_seq: 0,
            sources: Vec::new(),
            seen: Vec::new(),
            log: EventLog::default(),
            selected: None,
            lots_top: 0,
            events_scroll: 0,
            bids_scroll: 0,
            focus: Pane::Lots,
            last_side: Pane::Detail,
            filter_text: String::new(),
            filter_edit: None,
            filter_error: None,
            rates: None,
            link: LinkState::Connecting,
            journal: crate::domain::journal_health::JournalHealth::default(),
            clock: ServerClock::new(),
            issues: VecDeque::new(),
            help: false,
            bids: BidHistory::default(),
            data_at: None,
            size: None,
            selected_synced: None,
            alerts: AlertState::default(),
            summary: summary::SummaryCache::default(),
            replay: None,
            following: None,
            detector,
            other_detectors: Vec::new(),
            anomalies: VecDeque::new(),
            anomaly_count: 0,
            anomaly_kinds: [0; AnomalyKind::ALL.len()],
            anomalies_scroll: 0,
            mouse: opts.mouse,
            layouts: screens::Layouts::default(),
            columns: None,
            config_note: None,
            rules: rules::RuleState::new(&opts.rules),
            delivery: rules::DeliveryStatus::default(),
            opts,
        }
    }

    /// Replay mode: server time is the recorded one from now on.
    pub fn set_replay(&mut self, status: ReplayStatus) -> Update {
        let redraw = self.replay.as_ref() != Some(&status);
        self.replay = Some(status);
        Update {
            redraw,
            effects: Vec::new(),
        }
    }

    /// Shows the follower's badge (`--follow`).
    pub fn set_following(&mut self, status: FollowStatus) -> Update {
        let redraw = self.following.as_ref() != Some(&status);
        self.following = Some(status);
        Update {
            redraw,
            effects: Vec::new(),
        }
    }

    pub fn following(&self) -> Option<&FollowStatus> {
        self.following.as_ref()
    }

    pub fn replay(&self) -> Option<&ReplayStatus> {
        self.replay.as_ref()
    }

    /// Whether the row of this lot is flashing for an alert at `now`.
    pub fn is_flashing(&self, lot_id: &str, now: Mono) -> bool {
        self.alerts.is_flashing(lot_id, now)
    }

    pub fn mode(&self) -> Mode {
        if self.help {
            Mode::Help
        } else if self.filter_edit.is_some() {
            Mode::Filter
        } else {
            Mode::Normal
        }
    }

    pub fn focus(&self) -> Pane {
        self.focus
    }

    /// Whether mouse capture is wanted (the loop carries it out).
    pub fn mouse(&self) -> bool {
        self.mouse
    }

    pub fn options(&self) -> &AppOptions {
        &self.opts
    }

    pub fn lots(&self) -> &LotStore {
        &self.lots
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    pub fn feed_seq(&self) -> u64 {
        self.feed_seq
    }

    /// The events the last snapshot showed had happened since the lots held
    /// before it (bids, extensions, status changes; a platform without a
    /// change feed has no other): a bid at its own seq, the others at the
    /// snapshot's.
    pub fn seen(&self) -> &[crate::domain::Event] {
        &self.seen
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn link(&self) -> &LinkState {
        &self.link
    }

    pub fn bid_history(&self) -> &BidHistory {
        &self.bids
    }

    pub fn issues(&self) -> impl Iterator<Item = &DataIssue> {
        self.issues.iter()
    }

    /// The anomalies kept, newest first.
    pub fn anomalies(&self) -> impl Iterator<Item = &Anomaly> {
        self.anomalies.iter().rev()
    }

    /// Anomalies raised since start.
    pub fn anomaly_count(&self) -> u64 {
        self.anomaly_count
    }

    /// Anomalies raised since start, for every kind (zero included).
    pub fn anomaly_counts(&self) -> impl Iterator<Item = (AnomalyKind, u64)> + '_ {
        AnomalyKind::ALL.into_iter().zip(self.anomaly_kinds)
    }

    /// The rates in use, if any arrived.
    pub fn rates(&self) -> Option<&RateTable> {
        self.rates.as_ref()
    }

    /// The auction, once the platform described it.
    pub fn auction(&self) -> Option<&Auction> {
        self.auction.as_ref()
    }

    /// The server-clock estimate.
    pub fn clock(&self) -> &ServerClock {
        &self.clock
    }

    /// Server time of the newest data received.
    pub fn data_at(&self) -> Option<Timestamp> {
        self.data_at
    }

    /// The filter as typed (while typing, the text so far).
    pub fn filter_text(&self) -> &str {
        self.filter_edit
            .as_ref()
            .map(|(t, _)| t.as_str())
            .unwrap_or(&self.filter_text)
    }

    /// Why the filter being typed is not valid (None when it is, or when
    /// not typing).
    pub fn filter_error(&self) -> Option<&FilterError> {
        self.filter_error.as_ref()
    }

    /// The selected lot (also the lot the detail and bids panes show).
    pub fn selected_lot(&self) -> Option<&Lot> {
        self.selected_entry().map(|(l, _)| l)
    }

    /// The selected lot with what the app knows of it.
    pub fn selected_entry(&self) -> Option<(&Lot, &lots::LotMeta)> {
        let (src, id) = self.selected.as_ref()?;
        self.lots.get(*src, id)
    }

    /// The selected lot's row in the lots pane.
    pub fn selected_row(&self) -> Option<usize> {
        let (src, id) = self.selected.as_ref()?;
        self.lots.position_of(*src, id)
    }

    /// The lot whose bid history the sync engine is asked to keep fresh
    /// (the shell sends `SyncCmd::SelectLot` to its source).
    pub fn selected_synced(&self) -> Option<&(SourceId, String)> {
        self.selected_synced.as_ref()
    }

    /// Several sources: their names, by `SourceId` (the Source column,
    /// one link badge each, the filter's `source:`). With fewer than two,
    /// the screen is as for one source.
    pub fn set_sources(&mut self, names: Vec<SourceName>) {
        let names: Vec<SourceName> = names.into_iter().take(SourceId::MAX).collect();
        let cfg = DetectorConfig {
            skew_threshold_ms: self.opts.skew_threshold_ms,
            unreachable_after_ms: self.opts.unreachable_after_ms,
        };
        self.other_detectors = (1..names.len()).map(|_| Detector::new(cfg)).collect();
        if names.len() < 2 {
            self.sources.clear();
        } else {
            self.sources = names
                .iter()
                .map(|n| SourceFeed {
                    name: n.clone(),
                    link: LinkState::Connecting,
                    feed_seq: 0,
                    data_at: None,
                })
                .collect();
        }
        self.lots.set_sources(names);
    }

    /// Each source's name, link and feed position when several are
    /// configured; empty with one.
    pub fn sources(&self) -> &[SourceFeed] {
        &self.sources
    }

    /// The link of source `src`, and the server time of its newest data
    /// (the first source's: the app's own).
    pub fn source_link(&self, src: SourceId) -> (&LinkState, Option<Timestamp>) {
        match self.sources.get(src.index()) {
            Some(s) => (&s.link, s.data_at),
            None => (&self.link, self.data_at),
        }
    }

    /// Where source `src`'s feed stands.
    pub(crate) fn feed_seq_of(&self, src: SourceId) -> u64 {
        if src == SourceId::FIRST {
            self.feed_seq
        } else {
            self.sources.get(src.index()).map_or(0, |s| s.feed_seq)
        }
    }

    fn set_feed_seq(&mut self, src: SourceId, seq: u64) {
        if src == SourceId::FIRST {
            self.feed_seq = seq;
        }
        if let Some(s) = self.sources.get_mut(src.index()) {
            s.feed_seq = seq;
        }
    }

    /// Server time at monotonic `now`; None before the first clock sample.
    pub fn server_now(&self, now: Mono) -> Option<Timestamp> {
        match &self.replay {
            Some(r) => r.server_at,
            None => self.clock.now(now),
        }
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg, now: Mono) -> Update {
        let mut up = Update::default();
        if let Some(t) = self.server_now(now)
            && self.lots.set_now(t)
        {
            // A time term of the filter changed its answer.
            self.reselect();
            up.redraw = true;
        }
        match msg {
            Msg::Action(a) => self.on_action(a, now, &mut up),
            Msg::Sync(s) => self.on_sync(SourceId::FIRST, s, now, &mut up),
            Msg::Source(src, s) => self.on_sync(src, s, now, &mut up),
            Msg::Tick => {
                up.redraw |= self.time_visible(now);
                up.redraw |= self.alerts.expire(now);
                if let Some(t) = self.clock.now(now)
                    && let Some(a) = self.detector.tick(t)
                {
                    self.push_anomaly(a, &mut up);
                }
                if let Some(t) = self.clock.now(now) {
                    let found: Vec<Anomaly> = (1u8..)
                        .zip(self.other_detectors.iter_mut())
                        .filter_map(|(i, d)| d.tick(t).map(|a| (i, a)))
                        .map(|(i, mut a)| {
                            a.source = SourceId(i);
                            a
                        })
                        .collect();
                    for a in found {
                        self.push_anomaly(a, &mut up);
                    }
                }
            }
            Msg::Resize { w, h } => {
                self.size = Some((w, h));
                self.keep_selection_visible();
                up.redraw = true;
            }
            Msg::Journal(h) => self.on_journal(h, now, &mut up),
            Msg::Delivery(d) => {
                up.redraw = d != self.delivery;
                self.delivery = d;
            }
        }
        self.check_closing(now, &mut up);
        self.check_rule_times(now, &mut up);
        self.sync_selected(&mut up);
        if self.summary.refresh_due(now, self.summary_shown()) {
            self.summary.recompute(&self.lots, now);
            up.redraw = true;
        }
        up
    }

    /// The layouts to cycle through, with the one in force.
    pub fn set_layouts(&mut self, layouts: screens::Layouts) {
        self.layouts = layouts;
        self.keep_selection_visible();
    }

    pub fn layouts(&self) -> &screens::Layouts {
        &self.layouts
    }

    /// The lots pane's columns (None: the built-in choice by width).
    pub fn set_columns(&mut self, columns: Option<Vec<screens::Column>>) {
        self.columns = columns;
    }

    pub fn columns(&self) -> Option<&[screens::Column]> {
        self.columns.as_deref()
    }

    /// What the screen says about the configuration file (a reload's error,
    /// settings that need a restart); None: nothing to say.
    pub fn set_config_note(&mut self, note: Option<String>) {
        self.config_note = note;
    }

    pub fn config_note(&self) -> Option<&str> {
        self.config_note.as_deref()
    }

    /// Rows of pane `p` on screen (lots: lot rows below the header row;
    /// the lists: entries), for the layout in force.
    pub(crate) fn pane_rows(&self, p: Pane) -> usize {
        let h = screens::pane_height(
            &self.layouts.current().arrangement,
            self.size_or_default(),
            p,
            self.focus,
        );
        let frame = if p == Pane::Lots { 3 } else { 2 };
        usize::from(h.saturating_sub(frame))
    }

    /// Whether the summary is on screen (focused, in the layout, or the
    /// wall-board's line of the day).
    pub(crate) fn summary_shown(&self) -> bool {
        match &self.layouts.current().arrangement {
            screens::Arrangement::Standard => self.focus == Pane::Summary,
            screens::Arrangement::Panes(spec) => {
                self.focus == Pane::Summary || spec.has(Pane::Summary)
            }
            screens::Arrangement::Wallboard => true,
        }
    }

    /// How the journal's writing stands.
    pub fn journal(&self) -> &crate::domain::journal_health::JournalHealth {
        &self.journal
    }

    /// The sort column and direction in force.
    pub fn sort(&self) -> (SortKey, bool) {
        self.lots.sort()
    }

    /// Sorts the lots (the configured sort at start); `desc` reverses.
    pub fn set_sort(&mut self, key: SortKey, desc: bool) {
        self.lots.set_sort(key, desc);
        self.keep_selection_visible();
    }
}

#[cfg(test)]
mod alert_tests;
#[cfg(test)]
mod filter_sort_tests;
#[cfg(test)]
mod tests;
