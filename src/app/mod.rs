//! The application state: a model updated only by messages (sync results,
//! named user actions, ticks, resizes) in one `update` function. It knows
//! nothing of the terminal or the network: it answers each message with
//! whether to redraw and what effects the loop should carry out.
//!
//! The terminal loop drives it like this (all times from one monotonic clock):
//!
//! ```text
//! key   -> ui::keys::map_key(&key, app.mode()) -> app.update(Msg::Action(a), now)
//! sync  -> app.update(Msg::Sync(msg), now)
//! timer -> sleep until app.next_tick(now) (None: no timer) -> app.update(Msg::Tick, now)
//! size  -> app.update(Msg::Resize { w, h }, now)
//! then: carry out `effects`; if `redraw`, terminal.draw(|f| ui::draw(f, &app, now))
//! ```

pub mod action;
pub mod countdown;
pub mod filter;
pub mod log;
pub mod lots;

pub use action::Action;

use crate::clock::{Mono, ServerClock};
use crate::domain::{Auction, Bid, Currency, Lot, Timestamp};
use crate::rates::RateTable;
use crate::sync::{DataIssue, LinkState, SyncCmd, SyncMsg};
use countdown::countdown;
use filter::{FILTER_MAX, Filter};
use log::{EventLog, LogEntry, LogKind};
use lots::{LotStore, SortKey};
use std::collections::VecDeque;

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
    /// The user's bidder label, to mark lots they lead or were outbid on.
    pub me: Option<String>,
    /// Display currency beside tenge.
    pub currency: Currency,
    /// Clock skew (server vs this machine) above which the header shows it.
    pub skew_threshold_ms: u64,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            demo: false,
            me: None,
            currency: Currency::Kzt,
            skew_threshold_ms: 2000,
        }
    }
}

/// The four panes, numbered as the keys 1-4 jump to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Lots,
    Detail,
    Bids,
    Events,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Lots, Pane::Detail, Pane::Bids, Pane::Events];

    pub fn number(self) -> u8 {
        match self {
            Pane::Lots => 1,
            Pane::Detail => 2,
            Pane::Bids => 3,
            Pane::Events => 4,
        }
    }

    pub fn from_number(n: u8) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| p.number() == n)
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Lots => "Lots",
            Pane::Detail => "Lot detail",
            Pane::Bids => "Bids",
            Pane::Events => "Events",
        }
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
    /// Oldest first, at most `BIDS_MAX`.
    pub bids: VecDeque<Bid>,
    /// An answer from the platform has arrived for this lot.
    pub loaded: bool,
}

/// Bids kept for the lot in view.
pub const BIDS_MAX: usize = 1000;
/// Data issues kept.
pub const ISSUES_MAX: usize = 100;

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
    pub(crate) currency: Currency,
    pub(crate) rates: Option<RateTable>,
    pub(crate) link: LinkState,
    pub(crate) clock: ServerClock,
    pub(crate) issues: VecDeque<DataIssue>,
    pub(crate) help: bool,
    pub(crate) bids: BidHistory,
    /// Server time of the newest data received.
    pub(crate) data_at: Option<Timestamp>,
    pub(crate) size: Option<(u16, u16)>,
    /// The lot the sync engine was last asked to watch.
    watching: Option<String>,
}

impl App {
    pub fn new(opts: AppOptions) -> App {
        App {
            currency: opts.currency,
            opts,
            auction: None,
            lots: LotStore::default(),
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
            rates: None,
            link: LinkState::Connecting,
            clock: ServerClock::new(),
            issues: VecDeque::new(),
            help: false,
            bids: BidHistory::default(),
            data_at: None,
            size: None,
            watching: None,
        }
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

    /// The filter as typed (while typing, the text so far).
    pub fn filter_text(&self) -> &str {
        self.filter_edit
            .as_ref()
            .map(|(t, _)| t.as_str())
            .unwrap_or(&self.filter_text)
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
        self.clock.now(now)
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg, now: Mono) -> Update {
        let mut up = Update::default();
        match msg {
            Msg::Action(a) => self.on_action(a, &mut up),
            Msg::Sync(s) => self.on_sync(s, now, &mut up),
            Msg::Tick => up.redraw = self.time_visible(now),
            Msg::Resize { w, h } => {
                self.size = Some((w, h));
                self.keep_selection_visible();
                up.redraw = true;
            }
        }
        self.sync_watch(&mut up);
        up
    }

    /// When the screen next changes by time alone (the header clock or a
    /// countdown on screen rolling to its next second, on the server's
    /// clock); None when nothing shown depends on time.
    pub fn next_tick(&self, now: Mono) -> Option<Mono> {
        if !self.time_visible(now) {
            return None;
        }
        let server = self.clock.now(now)?;
        // The header clock shows whole server seconds.
        let mut wait = 1000 - server.0.rem_euclid(1000) as u64;
        let rows = crate::ui::layout::lots_rows(self.size_or_default(), self.focus);
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
        self.clock.now(now).is_some() && crate::ui::layout::big_enough(w, h)
    }

    fn on_action(&mut self, a: Action, up: &mut Update) {
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
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(self.page() as i64)),
            Action::PageDown => self.move_by(self.page() as i64),
            Action::Top => self.move_by(i64::MIN / 2),
            Action::Bottom => self.move_by(i64::MAX / 2),
            Action::CycleCurrency => self.cycle_currency(),
            Action::StartFilter => {
                self.filter_edit = Some((self.filter_text.clone(), self.filter_text.clone()));
                self.set_focus(Pane::Lots);
            }
            Action::FilterInput(c) => match &mut self.filter_edit {
                Some((text, _)) if !c.is_control() && text.chars().count() < FILTER_MAX => {
                    text.push(c);
                    let f = Filter::parse(text);
                    self.apply_filter(f);
                }
                _ => up.redraw = false,
            },
            Action::FilterBackspace => match &mut self.filter_edit {
                Some((text, _)) => {
                    text.pop();
                    let f = Filter::parse(text);
                    self.apply_filter(f);
                }
                None => up.redraw = false,
            },
            Action::FilterCommit => match self.filter_edit.take() {
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
                    self.lots.toggle_watch(&id);
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
            Pane::Events => crate::ui::layout::events_rows(size, self.focus),
            _ => crate::ui::layout::lots_rows(size, self.focus),
        }
        .max(1)
    }

    fn move_by(&mut self, delta: i64) {
        match self.focus {
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
            Pane::Bids => {
                let max = self.bids.bids.len().saturating_sub(1) as i64;
                self.bids_scroll = (self.bids_scroll as i64)
                    .saturating_add(delta)
                    .clamp(0, max) as usize;
            }
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
        if let Some((_, before)) = self.filter_edit.take() {
            self.filter_text = before;
            let f = Filter::parse(&self.filter_text);
            self.apply_filter(f);
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
        let rows = crate::ui::layout::lots_rows(self.size_or_default(), self.focus).max(1);
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
        match msg {
            SyncMsg::Auction(a) => self.auction = Some(a),
            SyncMsg::Snapshot {
                seq,
                lots,
                rejected,
            } => {
                let server = self.clock.now(now);
                self.lots.replace(lots, server, self.opts.me.as_deref());
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
                    if applied.me_outbid && !up.effects.contains(&Effect::Bell) {
                        up.effects.push(Effect::Bell);
                    }
                    let lot_id = ev.lot_id.as_deref().or(match &ev.kind {
                        crate::domain::EventKind::Lot(l) => Some(l.id.as_str()),
                        _ => None,
                    });
                    let lot = lot_id.and_then(|id| self.lots.get(id)).map(|(l, _)| l);
                    self.log.record(&ev, lot);
                    added += 1;
                    if let crate::domain::EventKind::Bid { amount, bidder, .. } = &ev.kind {
                        self.note_bid(&ev, *amount, bidder);
                    }
                }
                if self.events_scroll > 0 {
                    self.events_scroll =
                        (self.events_scroll + added).min(self.log.len().saturating_sub(1));
                }
                self.data_at = self.clock.now(now).or(self.data_at);
                self.reselect();
            }
            SyncMsg::Bids { lot_id, bids } => {
                if self.bids.lot_id.as_deref() == Some(lot_id.as_str()) {
                    let mut bids = bids;
                    bids.sort_by_key(|b| b.seq);
                    bids.dedup_by_key(|b| b.seq);
                    let skip = bids.len().saturating_sub(BIDS_MAX);
                    self.bids.bids = bids.into_iter().skip(skip).collect();
                    self.bids.loaded = true;
                } else {
                    up.redraw = false;
                }
            }
            SyncMsg::Rates(r) => self.rates = Some(r),
            SyncMsg::Clock(s) => self.clock.observe(s),
            SyncMsg::Link(l) => {
                up.redraw = l != self.link;
                self.link = l;
            }
            SyncMsg::DataIssue(i) => self.push_issue(i),
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
        if self.bids.bids.len() >= BIDS_MAX {
            self.bids.bids.pop_front();
        }
        self.bids.bids.push_back(Bid {
            seq: ev.seq,
            at: ev.at,
            amount,
            bidder: bidder.to_string(),
        });
    }

    fn push_issue(&mut self, issue: DataIssue) {
        let lot = issue.lot_id.clone().unwrap_or_default();
        let text = format!("{}: {}", issue.field, issue.problem);
        self.log.push(LogEntry {
            seq: None,
            at: None,
            kind: LogKind::Issue,
            lot,
            text,
        });
        if self.issues.len() >= ISSUES_MAX {
            self.issues.pop_front();
        }
        self.issues.push_back(issue);
    }

    /// The sort column and direction in force.
    pub fn sort(&self) -> (SortKey, bool) {
        self.lots.sort()
    }
}

#[cfg(test)]
mod tests;
