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
pub mod alerts;
pub mod anomaly;
pub mod countdown;
pub mod filter;
pub mod log;
pub mod lots;
pub mod summary;
pub mod viewport;

pub use action::Action;
pub use anomaly::{Anomaly, AnomalyKind, Detector, DetectorConfig};

use crate::domain::clock::{Mono, ServerClock};
use crate::domain::{Auction, Bid, Currency, Lot, Timestamp};
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
    Sync(SyncMsg),
    /// Time passed (the loop sends it at `next_tick`).
    Tick,
    Resize {
        w: u16,
        h: u16,
    },
    /// How the journal's writing stands (when it changes).
    Journal(crate::domain::journal_health::JournalHealth),
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
    pub(crate) auction: Option<Auction>,
    pub(crate) lots: LotStore,
    pub(crate) feed_seq: u64,
    pub(crate) log: EventLog,
    /// Selected lot, by id (stable across re-sorting).
    pub(crate) selected: Option<String>,
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
    /// The lot the sync engine was last asked to watch.
    watching: Option<String>,
    pub(crate) alerts: AlertState,
    pub(crate) summary: summary::SummaryCache,
    /// Set while playing back a journal: the header shows it and server
    /// time is the recorded one.
    pub(crate) replay: Option<ReplayStatus>,
    pub(crate) following: Option<FollowStatus>,
    pub(crate) detector: Detector,
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
        for id in &opts.watchlist {
            if !lots.is_watched(id) {
                lots.toggle_watch(id);
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
            watching: None,
            alerts: AlertState::default(),
            summary: summary::SummaryCache::default(),
            replay: None,
            following: None,
            detector,
            anomalies: VecDeque::new(),
            anomaly_count: 0,
            anomaly_kinds: [0; AnomalyKind::ALL.len()],
            anomalies_scroll: 0,
            mouse: opts.mouse,
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
        self.selected
            .as_deref()
            .and_then(|id| self.lots.get(id))
            .map(|(l, _)| l)
    }

    /// The selected lot's row in the lots pane.
    pub fn selected_row(&self) -> Option<usize> {
        self.selected
            .as_deref()
            .and_then(|id| self.lots.position_of(id))
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
            Msg::Sync(s) => self.on_sync(s, now, &mut up),
            Msg::Tick => {
                up.redraw |= self.time_visible(now);
                up.redraw |= self.alerts.expire(now);
                if let Some(t) = self.clock.now(now)
                    && let Some(a) = self.detector.tick(t)
                {
                    self.push_anomaly(a, &mut up);
                }
            }
            Msg::Resize { w, h } => {
                self.size = Some((w, h));
                self.keep_selection_visible();
                up.redraw = true;
            }
            Msg::Journal(h) => self.on_journal(h, now, &mut up),
        }
        self.check_closing(now, &mut up);
        self.sync_watch(&mut up);
        if self.summary.refresh_due(now, self.focus == Pane::Summary) {
            self.summary.recompute(&self.lots, now);
            up.redraw = true;
        }
        up
    }

    fn window_ms(&self) -> i64 {
        (self.opts.alert_minutes.min(24 * 60) * 60_000) as i64
    }

    /// Closing alerts of watched lots that entered their last minutes.
    fn check_closing(&mut self, now: Mono, up: &mut Update) {
        let Some(server) = self.server_now(now) else {
            return;
        };
        let window_ms = self.window_ms();
        let mut due = Vec::new();
        for id in self.lots.watched() {
            if let Some((lot, _)) = self.lots.get(id)
                && self.alerts.closing_due(lot, server, window_ms)
            {
                due.push(lot.clone());
            }
        }
        for lot in due {
            let msg = format!(
                "{} closes within {} min (at {})",
                lot.name,
                self.opts.alert_minutes,
                lot.closes_at.astana_hms()
            );
            let what = AlertText::Closing {
                name: lot.name.clone(),
                minutes: self.opts.alert_minutes,
                closes_at: lot.closes_at,
            };
            self.raise(
                Alert::new(AlertKind::Closing, Some(&lot), msg),
                what,
                now,
                up,
            );
        }
    }

    /// Fires one alert: bell, row flash, events-pane entry, `--on-alert`.
    /// `what` is the alert as data for the events pane; the alert's own
    /// message (for `--on-alert`) stays in fixed English.
    fn raise(&mut self, alert: Alert, what: AlertText, now: Mono, up: &mut Update) {
        if !alert.lot_id.is_empty() {
            self.alerts.flash(&alert.lot_id, now);
        }
        self.log.push(LogEntry {
            seq: None,
            at: self.server_now(now),
            kind: LogKind::Alert,
            lot: alert.lot_number.clone(),
            text: LogText::Alert {
                kind: alert.kind,
                what,
            },
        });
        if !up.effects.contains(&Effect::Bell) {
            up.effects.push(Effect::Bell);
        }
        up.effects.push(Effect::Alert(alert));
        up.redraw = true;
    }

    /// When the screen next changes by time alone (the header clock or a
    /// countdown on screen rolling to its next second, on the server's
    /// clock); None when nothing shown depends on time.
    pub fn next_tick(&self, now: Mono) -> Option<Mono> {
        let own = self.display_tick(now);
        let flash = self.alerts.next_flash_end();
        let closing = self.next_closing_entry(now);
        // A stale summary on screen refreshes at its next slot.
        let summary = self
            .summary
            .next_refresh(self.focus == Pane::Summary)
            .map(|at| at.max(Mono(now.0.saturating_add(1))));
        let filter = self.next_filter_change(now);
        [own, flash, closing, summary, filter]
            .into_iter()
            .flatten()
            .min()
    }

    /// When a watched open lot enters its alert window.
    fn next_closing_entry(&self, now: Mono) -> Option<Mono> {
        if self.replay.is_some() {
            // The replay loop ticks the app as playback moves.
            return None;
        }
        let server = self.clock.now(now)?;
        let window_ms = self.window_ms();
        self.lots
            .watched()
            .filter_map(|id| self.lots.get(id))
            .filter_map(|(lot, _)| match alerts::window(lot, server, window_ms) {
                alerts::Window::Before { ms } => Some(ms.max(1) as u64),
                _ => None,
            })
            .min()
            .map(|ms| Mono(now.0.saturating_add(ms)))
    }

    /// When a time term of the filter changes its answer for some lot.
    fn next_filter_change(&self, now: Mono) -> Option<Mono> {
        if self.replay.is_some() {
            return None;
        }
        let due = self.lots.filter_due()?;
        let server = self.clock.now(now)?;
        let wait = server.until(due).max(1) as u64;
        Some(Mono(now.0.saturating_add(wait)))
    }

    fn display_tick(&self, now: Mono) -> Option<Mono> {
        if !self.time_visible(now) {
            return None;
        }
        let server = self.server_now(now)?;
        // The header clock shows whole server seconds.
        let mut wait = 1000 - server.0.rem_euclid(1000) as u64;
        let rows = crate::app::viewport::lots_rows(self.size_or_default(), self.focus);
        let visible =
            (self.lots_top..self.lots_top.saturating_add(rows)).filter_map(|p| self.lots.row(p));
        let detail = self.selected.as_deref().and_then(|id| self.lots.get(id));
        for (lot, meta) in visible.chain(detail) {
            if let Some(w) = countdown(lot, Some(server), meta.frozen_left_ms).next_change_ms() {
                wait = wait.min(w);
            }
        }
        Some(Mono(now.0.saturating_add(wait.max(1))))
    }

    fn size_or_default(&self) -> (u16, u16) {
        self.size.unwrap_or((80, 24))
    }

    fn time_visible(&self, now: Mono) -> bool {
        let (w, h) = self.size_or_default();
        self.server_now(now).is_some() && crate::app::viewport::big_enough(w, h)
    }

    fn on_action(&mut self, a: Action, now: Mono, up: &mut Update) {
        up.redraw = true;
        match a {
            Action::Quit => {
                up.effects.push(Effect::Quit);
                up.redraw = false;
            }
            Action::Suspend => {
                up.effects.push(Effect::Suspend);
                up.redraw = false;
            }
            Action::Refresh => {
                up.effects.push(Effect::Sync(SyncCmd::RefreshNow));
                up.redraw = false;
            }
            Action::Help => self.help = !self.help,
            Action::Close => {
                if self.help {
                    self.help = false;
                } else if self.filter_edit.is_some() {
                    self.cancel_filter();
                } else if self.focus != Pane::Lots {
                    self.set_focus(Pane::Lots);
                } else if !self.filter_text.is_empty() {
                    // Esc on the lots pane clears a committed filter.
                    self.filter_text.clear();
                    self.apply_filter(Filter::default());
                } else {
                    up.redraw = false;
                }
            }
            Action::FocusNext | Action::FocusPrev => {
                let i = Pane::ALL.iter().position(|p| *p == self.focus).unwrap_or(0);
                let n = Pane::ALL.len();
                let j = if a == Action::FocusNext {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.set_focus(Pane::ALL[j]);
            }
            Action::FocusPane(n) => match Pane::from_number(n) {
                Some(p) => self.set_focus(p),
                None => up.redraw = false,
            },
            Action::OpenDetail => {
                if self.selected.is_some() {
                    self.set_focus(Pane::Detail);
                } else {
                    up.redraw = false;
                }
            }
            Action::Up => self.move_by(self.focus, -1),
            Action::Down => self.move_by(self.focus, 1),
            Action::PageUp => self.move_by(self.focus, -(self.page() as i64)),
            Action::PageDown => self.move_by(self.focus, self.page() as i64),
            Action::Top => self.move_by(self.focus, i64::MIN / 2),
            Action::Bottom => self.move_by(self.focus, i64::MAX / 2),
            Action::Scroll(Pane::Lots, delta) => self.scroll_lots(i64::from(delta)),
            Action::Scroll(Pane::Summary, _) => up.redraw = false,
            // The detail pane follows the selection: one lot per notch.
            Action::Scroll(Pane::Detail, delta) => {
                self.move_by(Pane::Detail, i64::from(delta.signum()))
            }
            Action::Scroll(pane, delta) => self.move_by(pane, i64::from(delta)),
            Action::SelectRow(pos) => match self.lots.row(pos) {
                Some((lot, _)) => {
                    self.selected = Some(lot.id.clone());
                    self.keep_selection_visible();
                }
                None => up.redraw = false,
            },
            Action::ToggleMouse => {
                self.mouse = !self.mouse;
                up.effects.push(Effect::MouseCapture(self.mouse));
            }
            Action::CycleCurrency => self.cycle_currency(),
            Action::StartFilter => {
                self.filter_error = None;
                self.filter_edit = Some((self.filter_text.clone(), self.filter_text.clone()));
                self.set_focus(Pane::Lots);
            }
            Action::FilterInput(c) => match &mut self.filter_edit {
                Some((text, _)) if !c.is_control() && text.chars().count() < MAX_FILTER => {
                    text.push(c);
                    self.filter_typed();
                }
                _ => up.redraw = false,
            },
            Action::FilterBackspace => match &mut self.filter_edit {
                Some((text, _)) => {
                    text.pop();
                    self.filter_typed();
                }
                None => up.redraw = false,
            },
            Action::FilterCommit => match self.filter_edit.take() {
                // An invalid filter stays in the line for editing.
                Some(edit) if self.filter_error.is_some() => self.filter_edit = Some(edit),
                Some((text, _)) => self.filter_text = text.trim().to_string(),
                None => up.redraw = false,
            },
            Action::FilterCancel => {
                if self.filter_edit.is_some() {
                    self.cancel_filter();
                } else if !self.filter_text.is_empty() {
                    self.filter_text.clear();
                    self.apply_filter(Filter::default());
                } else {
                    up.redraw = false;
                }
            }
            Action::ToggleWatch => match self.selected.clone() {
                Some(id) => {
                    if self.lots.toggle_watch(&id) {
                        // Already in its last minutes: it did not enter them.
                        if let (Some(server), Some((lot, _))) =
                            (self.server_now(now), self.lots.get(&id))
                        {
                            let w = self.window_ms();
                            self.alerts.closing_seen(lot, server, w);
                        }
                    }
                    self.reselect();
                }
                None => up.redraw = false,
            },
            Action::ToggleWatchedOnly => {
                self.lots.set_watched_only(!self.lots.watched_only());
                self.reselect();
            }
            Action::SortNext => {
                let (k, r) = self.lots.sort();
                self.lots.set_sort(k.next(), r);
                self.keep_selection_visible();
            }
            Action::SortReverse => {
                let (k, r) = self.lots.sort();
                self.lots.set_sort(k, !r);
                self.keep_selection_visible();
            }
            Action::SortBy(key) => {
                let (k, r) = self.lots.sort();
                // The same column again flips the direction.
                self.lots.set_sort(key, k == key && !r);
                self.keep_selection_visible();
            }
        }
    }

    fn set_focus(&mut self, p: Pane) {
        self.focus = p;
        if matches!(p, Pane::Detail | Pane::Bids) {
            self.last_side = p;
        }
        // the lots pane changes height with the focus
        self.keep_selection_visible();
    }

    fn page(&self) -> usize {
        let size = self.size_or_default();
        match self.focus {
            Pane::Events | Pane::Anomalies => crate::app::viewport::events_rows(size, self.focus),
            _ => crate::app::viewport::lots_rows(size, self.focus),
        }
        .max(1)
    }

    /// Moves the selection (lots, detail) or scrolls (the lists) of `pane`.
    fn move_by(&mut self, pane: Pane, delta: i64) {
        match pane {
            Pane::Lots | Pane::Detail => {
                let n = self.lots.view_len();
                if n == 0 {
                    return;
                }
                let cur = self.selected_row().unwrap_or(0) as i64;
                let pos = cur.saturating_add(delta).clamp(0, n as i64 - 1) as usize;
                self.selected = self.lots.row(pos).map(|(l, _)| l.id.clone());
                self.keep_selection_visible();
            }
            Pane::Events => {
                let max = self.log.len().saturating_sub(1) as i64;
                self.events_scroll = (self.events_scroll as i64)
                    .saturating_add(delta)
                    .clamp(0, max) as usize;
            }
            Pane::Summary => {}
            Pane::Anomalies => {
                let max = self.anomalies.len().saturating_sub(1) as i64;
                self.anomalies_scroll = (self.anomalies_scroll as i64)
                    .saturating_add(delta)
                    .clamp(0, max) as usize;
            }
            Pane::Bids => {
                let max = self.bids.bids.len().saturating_sub(1) as i64;
                self.bids_scroll = (self.bids_scroll as i64)
                    .saturating_add(delta)
                    .clamp(0, max) as usize;
            }
        }
    }

    /// The wheel over the lots pane: the rows move, and the selection stays
    /// on its lot while that lot is on screen, else on the nearest row shown.
    fn scroll_lots(&mut self, delta: i64) {
        let rows = crate::app::viewport::lots_rows(self.size_or_default(), self.focus).max(1);
        let n = self.lots.view_len();
        let max_top = n.saturating_sub(rows) as i64;
        self.lots_top = (self.lots_top as i64)
            .saturating_add(delta)
            .clamp(0, max_top) as usize;
        let pos = self.selected_row().unwrap_or(0);
        let keep = pos.clamp(self.lots_top, self.lots_top + rows - 1);
        if keep != pos || self.selected.is_none() {
            self.selected = self
                .lots
                .row(keep.min(n.saturating_sub(1)))
                .map(|(l, _)| l.id.clone());
        }
    }

    fn cycle_currency(&mut self) {
        let all = Currency::ALL;
        let i = all.iter().position(|c| *c == self.currency).unwrap_or(0);
        for step in 1..=all.len() {
            let c = all[(i + step) % all.len()];
            if c == Currency::Kzt || self.rates.as_ref().is_some_and(|r| r.get(c).is_some()) {
                self.currency = c;
                return;
            }
        }
    }

    fn cancel_filter(&mut self) {
        self.filter_error = None;
        if let Some((_, before)) = self.filter_edit.take() {
            // `before` was committed, so valid; the default is a safe net.
            let f = Filter::parse(&before).unwrap_or_default();
            self.filter_text = before;
            self.apply_filter(f);
        }
    }

    /// The text being typed changed: apply it if it parses, else show why
    /// not and keep the last valid filter.
    fn filter_typed(&mut self) {
        let Some((text, _)) = &self.filter_edit else {
            return;
        };
        match Filter::parse(text) {
            Ok(f) => {
                self.filter_error = None;
                self.apply_filter(f);
            }
            Err(e) => self.filter_error = Some(e),
        }
    }

    fn apply_filter(&mut self, f: Filter) {
        self.lots.set_filter(f);
        self.reselect();
    }

    /// After the rows changed: keep the selected lot if it is still shown,
    /// else select the first row.
    fn reselect(&mut self) {
        if self.selected_row().is_none() {
            self.selected = self.lots.row(0).map(|(l, _)| l.id.clone());
            self.lots_top = 0;
        }
        self.keep_selection_visible();
    }

    fn keep_selection_visible(&mut self) {
        let rows = crate::app::viewport::lots_rows(self.size_or_default(), self.focus).max(1);
        let n = self.lots.view_len();
        let pos = self.selected_row().unwrap_or(0);
        if pos < self.lots_top {
            self.lots_top = pos;
        } else if pos >= self.lots_top + rows {
            self.lots_top = pos + 1 - rows;
        }
        self.lots_top = self.lots_top.min(n.saturating_sub(rows));
    }

    /// Tells the sync engine which lot is in view when that changes.
    fn sync_watch(&mut self, up: &mut Update) {
        if self.selected != self.watching {
            self.watching = self.selected.clone();
            up.effects
                .push(Effect::Sync(SyncCmd::WatchLot(self.selected.clone())));
            self.bids = BidHistory {
                lot_id: self.selected.clone(),
                ..BidHistory::default()
            };
            self.bids_scroll = 0;
        }
    }

    fn on_sync(&mut self, msg: SyncMsg, now: Mono, up: &mut Update) {
        up.redraw = true;
        let found = self.detector.observe(&msg, self.clock.now(now));
        for a in found {
            self.push_anomaly(a, up);
        }
        match msg {
            SyncMsg::Auction(a) => self.auction = Some(a),
            SyncMsg::Snapshot {
                seq,
                lots,
                rejected,
            } => {
                let server = self.server_now(now);
                let before = self.snapshot_watch(&lots);
                self.lots.replace(lots, server, self.opts.me.as_deref());
                self.alert_snapshot_changes(before, now, up);
                self.summary.mark_dirty();
                self.feed_seq = seq;
                self.data_at = server.or(self.data_at);
                for issue in rejected {
                    self.push_issue(issue);
                }
                self.reselect();
            }
            SyncMsg::Events(events) => {
                let me = self.opts.me.clone();
                let mut added = 0;
                for ev in events {
                    if ev.seq <= self.feed_seq {
                        continue;
                    }
                    self.feed_seq = ev.seq;
                    let applied = self.lots.apply(&ev, me.as_deref());
                    let lot_id = ev.lot_id.as_deref().or(match &ev.kind {
                        crate::domain::EventKind::Lot(l) => Some(l.id.as_str()),
                        _ => None,
                    });
                    let lot = lot_id.and_then(|id| self.lots.get(id)).map(|(l, _)| l);
                    self.log.record(&ev, lot);
                    added += 1;
                    self.alert_event(&ev, applied.me_outbid, now, up);
                    if let crate::domain::EventKind::Bid { amount, bidder, .. } = &ev.kind {
                        self.note_bid(&ev, *amount, bidder);
                    }
                }
                if self.events_scroll > 0 {
                    self.events_scroll =
                        (self.events_scroll + added).min(self.log.len().saturating_sub(1));
                }
                self.data_at = self.server_now(now).or(self.data_at);
                self.summary.mark_dirty();
                self.reselect();
            }
            SyncMsg::Bids { lot_id, bids } => {
                if self.bids.lot_id.as_deref() == Some(lot_id.as_str()) {
                    let mut bids = bids;
                    bids.sort_by_key(|b| b.seq);
                    bids.dedup_by_key(|b| b.seq);
                    let skip = bids.len().saturating_sub(MAX_BIDS);
                    self.bids.bids = bids.into_iter().skip(skip).collect();
                    self.bids.loaded = true;
                } else {
                    up.redraw = false;
                }
            }
            SyncMsg::Rates(r) => {
                self.rates = Some(r);
                self.summary.mark_dirty();
            }
            SyncMsg::Clock(s) => {
                self.clock.observe(s);
                if let Some(a) = self
                    .detector
                    .clock_offset(self.clock.offset_ms(), self.clock.now(now))
                {
                    self.push_anomaly(a, up);
                }
            }
            SyncMsg::Link(l) => {
                up.redraw = l != self.link;
                self.link = l;
            }
            SyncMsg::DataIssue(i) => self.push_issue(i),
            // Listed with the data issues, as the feed's own fault.
            SyncMsg::SeqGap(g) => self.push_issue(DataIssue {
                lot_id: None,
                field: "events.seq".into(),
                problem: g.to_string(),
            }),
            // For the journal: the snapshot already holds their effect.
            SyncMsg::Backfill(_) => up.redraw = false,
        }
    }

    /// The alerts one feed event raises.
    fn alert_event(&mut self, ev: &crate::domain::Event, outbid: bool, now: Mono, up: &mut Update) {
        use crate::domain::EventKind;
        // Most events raise nothing: decided on the borrowed lot, no clone.
        let lot = ev
            .lot_id
            .as_deref()
            .and_then(|id| self.lots.get(id))
            .map(|(l, _)| l);
        let watched = || lot.is_some_and(|l| self.lots.is_watched(&l.id));
        let alert = match (&ev.kind, lot) {
            (EventKind::Bid { amount, bidder, .. }, Some(l)) if outbid => Some((
                Alert::new(
                    AlertKind::Outbid,
                    Some(l),
                    format!("{}: outbid by {bidder} at {}", l.name, amount.grouped()),
                ),
                AlertText::Outbid {
                    name: l.name.clone(),
                    bidder: bidder.clone(),
                    amount: Some(*amount),
                },
            )),
            (
                EventKind::Extended {
                    closes_at,
                    extensions,
                },
                Some(l),
            ) if watched() => Some((
                Alert::new(
                    AlertKind::Extended,
                    Some(l),
                    format!(
                        "{}: extended ({extensions}), closes {}",
                        l.name,
                        closes_at.astana_hms()
                    ),
                ),
                AlertText::Extended {
                    name: l.name.clone(),
                    extensions: *extensions,
                    closes_at: *closes_at,
                },
            )),
            (EventKind::Notice { message }, _) => Some((
                Alert::new(AlertKind::Notice, None, message.clone()),
                AlertText::Notice(message.clone()),
            )),
            _ => None,
        };
        if let Some((a, what)) = alert {
            self.raise(a, what, now, up);
        }
    }

    /// Before a snapshot replaces the lots: the lots `--me` leads and the
    /// extension counts of watched lots, to alert on what changed unseen.
    fn snapshot_watch(&self, incoming: &[Lot]) -> HashMap<String, (bool, u32)> {
        let me = self.opts.me.as_deref();
        let mut out = HashMap::new();
        for lot in incoming {
            if let Some((old, _)) = self.lots.get(&lot.id) {
                let led = me.is_some() && old.high_bid.as_ref().map(|h| h.bidder.as_str()) == me;
                if led || self.lots.is_watched(&lot.id) {
                    out.insert(lot.id.clone(), (led, old.extensions));
                }
            }
        }
        out
    }

    fn alert_snapshot_changes(
        &mut self,
        before: HashMap<String, (bool, u32)>,
        now: Mono,
        up: &mut Update,
    ) {
        let me = self.opts.me.as_deref();
        let mut fire = Vec::new();
        for (id, (led, ext)) in before {
            let Some((lot, _)) = self.lots.get(&id) else {
                continue;
            };
            let leads = me.is_some() && lot.high_bid.as_ref().map(|h| h.bidder.as_str()) == me;
            if led && !leads && lot.high_bid.is_some() {
                let by = lot
                    .high_bid
                    .as_ref()
                    .map(|h| h.bidder.as_str())
                    .unwrap_or("");
                fire.push((
                    Alert::new(
                        AlertKind::Outbid,
                        Some(lot),
                        format!("{}: outbid by {by}", lot.name),
                    ),
                    AlertText::Outbid {
                        name: lot.name.clone(),
                        bidder: by.to_string(),
                        amount: None,
                    },
                ));
            }
            if self.lots.is_watched(&id) && lot.extensions > ext {
                fire.push((
                    Alert::new(
                        AlertKind::Extended,
                        Some(lot),
                        format!(
                            "{}: extended ({}), closes {}",
                            lot.name,
                            lot.extensions,
                            lot.closes_at.astana_hms()
                        ),
                    ),
                    AlertText::Extended {
                        name: lot.name.clone(),
                        extensions: lot.extensions,
                        closes_at: lot.closes_at,
                    },
                ));
            }
        }
        for (a, what) in fire {
            self.raise(a, what, now, up);
        }
    }

    /// A feed bid for the lot in view extends its loaded history at once.
    fn note_bid(&mut self, ev: &crate::domain::Event, amount: crate::domain::Money, bidder: &str) {
        if !self.bids.loaded
            || self.bids.lot_id.is_none()
            || self.bids.lot_id.as_deref() != ev.lot_id.as_deref()
        {
            return;
        }
        if self.bids.bids.back().is_some_and(|b| b.seq >= ev.seq) {
            return;
        }
        if self.bids.bids.len() >= MAX_BIDS {
            self.bids.bids.pop_front();
        }
        self.bids.bids.push_back(Bid {
            seq: ev.seq,
            at: ev.at,
            amount,
            bidder: bidder.to_string(),
        });
    }

    /// Keeps an anomaly for the pane and asks the loop to journal it.
    /// The journal's failure starts or ends: an anomaly each time (it is
    /// written to the journal once the journal can write again).
    fn on_journal(
        &mut self,
        h: crate::domain::journal_health::JournalHealth,
        now: Mono,
        up: &mut Update,
    ) {
        use anomaly::{AnomalyKind, Evidence};
        if h == self.journal {
            return;
        }
        up.redraw = true;
        let at = self.clock.now(now);
        match (&self.journal.failing, &h.failing) {
            (None, Some(f)) => self.push_anomaly(
                Anomaly::new(
                    AnomalyKind::Journal,
                    None,
                    f.since,
                    Evidence::JournalFailing {
                        cause: f.cause.clone(),
                    },
                ),
                up,
            ),
            (Some(was), None) => {
                let a = Anomaly::new(
                    AnomalyKind::Journal,
                    None,
                    at.unwrap_or(was.since),
                    Evidence::JournalWriting {
                        cause: was.cause.clone(),
                        since: was.since,
                        lost_events: h.lost_events,
                    },
                );
                self.push_anomaly(a, up);
            }
            _ => {}
        }
        self.journal = h;
    }

    /// How the journal's writing stands.
    pub fn journal(&self) -> &crate::domain::journal_health::JournalHealth {
        &self.journal
    }

    fn push_anomaly(&mut self, a: Anomaly, up: &mut Update) {
        tracing::warn!(kind = a.kind.as_str(), lot = ?a.lot_id, "anomaly: {}", a.evidence);
        up.redraw = true;
        if self.anomalies.len() >= MAX_ANOMALIES {
            self.anomalies.pop_front();
        }
        if self.anomalies_scroll > 0 {
            self.anomalies_scroll = (self.anomalies_scroll + 1).min(self.anomalies.len());
        }
        self.anomalies.push_back(a.clone());
        self.anomaly_count = self.anomaly_count.saturating_add(1);
        if let Some(i) = AnomalyKind::ALL.iter().position(|k| *k == a.kind) {
            self.anomaly_kinds[i] = self.anomaly_kinds[i].saturating_add(1);
        }
        up.effects.push(Effect::Anomaly(a));
    }

    fn push_issue(&mut self, issue: DataIssue) {
        let lot = issue.lot_id.clone().unwrap_or_default();
        let text = LogText::Issue {
            field: issue.field.clone(),
            problem: issue.problem.clone(),
        };
        self.log.push(LogEntry {
            seq: None,
            at: None,
            kind: LogKind::Issue,
            lot,
            text,
        });
        if self.issues.len() >= MAX_ISSUES {
            self.issues.pop_front();
        }
        self.issues.push_back(issue);
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
