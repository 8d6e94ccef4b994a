//! The user's named actions applied to the state: focus, moving and
//! scrolling, the filter, currency, and telling the engine the lot in view.

use super::*;

impl App {
    pub(super) fn on_action(&mut self, a: Action, now: Mono, up: &mut Update) {
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
                // A pane layout cycles through its own panes.
                let order: Vec<Pane> = match &self.layouts.current().arrangement {
                    screens::Arrangement::Panes(spec) => {
                        spec.panes.iter().map(|(p, _)| *p).collect()
                    }
                    _ => Pane::ALL.to_vec(),
                };
                let n = order.len().max(1);
                let j = match order.iter().position(|p| *p == self.focus) {
                    Some(i) if a == Action::FocusNext => (i + 1) % n,
                    Some(i) => (i + n - 1) % n,
                    None => 0,
                };
                self.set_focus(order.get(j).copied().unwrap_or(Pane::Lots));
            }
            Action::CycleLayout => {
                self.layouts.cycle();
                if let screens::Arrangement::Panes(spec) = &self.layouts.current().arrangement
                    && !spec.has(self.focus)
                {
                    self.focus = spec.panes.first().map_or(Pane::Lots, |(p, _)| *p);
                }
                self.keep_selection_visible();
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
                Some((lot, meta)) => {
                    self.selected = Some((meta.source, lot.id.clone()));
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
            Action::ToggleWatched => match self.selected.clone() {
                Some((_, id)) => {
                    if self.lots.toggle_watched(&id) {
                        // Already in its last minutes: it did not enter them.
                        if let (Some(server), Some((lot, _))) =
                            (self.server_now(now), self.lots.find(&id))
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

    pub(super) fn set_focus(&mut self, p: Pane) {
        self.focus = p;
        if matches!(p, Pane::Detail | Pane::Bids) {
            self.last_side = p;
        }
        // the lots pane changes height with the focus
        self.keep_selection_visible();
    }

    pub(super) fn page(&self) -> usize {
        match self.focus {
            Pane::Events | Pane::Anomalies => self.pane_rows(self.focus),
            _ => self.pane_rows(Pane::Lots),
        }
        .max(1)
    }

    /// Moves the selection (lots, detail) or scrolls (the lists) of `pane`.
    pub(super) fn move_by(&mut self, pane: Pane, delta: i64) {
        match pane {
            Pane::Lots | Pane::Detail => {
                let n = self.lots.view_len();
                if n == 0 {
                    return;
                }
                let cur = self.selected_row().unwrap_or(0) as i64;
                let pos = cur.saturating_add(delta).clamp(0, n as i64 - 1) as usize;
                self.selected = self.lots.row(pos).map(|(l, m)| (m.source, l.id.clone()));
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
    pub(super) fn scroll_lots(&mut self, delta: i64) {
        let rows = self.pane_rows(Pane::Lots).max(1);
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
                .map(|(l, m)| (m.source, l.id.clone()));
        }
    }

    pub(super) fn cycle_currency(&mut self) {
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

    pub(super) fn cancel_filter(&mut self) {
        self.filter_error = None;
        if let Some((_, before)) = self.filter_edit.take() {
            // `before` was committed, so valid; the default is a safe net.
            let f = Filter::parse(&before).unwrap_or_default();
            self.filter_text = before;
            self.apply_filter(f);
        }
    }

    /// The text being typed changed: apply it if it parses into a filter,
    /// else show why not. Until it does, the lots keep the filter from
    /// before `/` (not the last prefix that parsed: `closing` on the way to
    /// `closing<10m` would search names and empty the list); a last word
    /// that is the start of a key (`stat`, `closing`) is not a filter yet.
    pub(super) fn filter_typed(&mut self) {
        let Some((text, before)) = &self.filter_edit else {
            return;
        };
        let typed = match Filter::parse(text) {
            Ok(f) if !crate::app::filter::ends_in_key_prefix(text) => {
                self.filter_error = None;
                Some(f)
            }
            Ok(_) => {
                self.filter_error = None;
                None
            }
            Err(e) => {
                self.filter_error = Some(e);
                None
            }
        };
        // `before` was committed, so valid; the default is a safe net.
        let f = typed.unwrap_or_else(|| Filter::parse(before).unwrap_or_default());
        self.apply_filter(f);
    }

    pub(super) fn apply_filter(&mut self, f: Filter) {
        self.lots.set_filter(f);
        self.reselect();
    }

    /// After the rows changed: keep the selected lot if it is still shown,
    /// else select the first row.
    pub(super) fn reselect(&mut self) {
        if self.selected_row().is_none() {
            self.selected = self.lots.row(0).map(|(l, m)| (m.source, l.id.clone()));
            self.lots_top = 0;
        }
        self.keep_selection_visible();
    }

    pub(super) fn keep_selection_visible(&mut self) {
        let rows = self.pane_rows(Pane::Lots).max(1);
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
    pub(super) fn sync_selected(&mut self, up: &mut Update) {
        if self.selected != self.selected_synced {
            self.selected_synced = self.selected.clone();
            let (source, lot_id) = match &self.selected {
                Some((src, id)) => (*src, Some(id.clone())),
                None => (SourceId::FIRST, None),
            };
            up.effects
                .push(Effect::Sync(SyncCmd::SelectLot(lot_id.clone())));
            self.bids = BidHistory {
                lot_id,
                source,
                ..BidHistory::default()
            };
            self.bids_scroll = 0;
        }
    }
}
