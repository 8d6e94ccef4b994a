//! When the screen next changes by time alone: the tick the loop sleeps
//! until (the header clock, countdowns on screen, flashes, filters that
//! depend on time).

use super::*;

impl App {
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
            .next_refresh(self.summary_shown())
            .map(|at| at.max(Mono(now.0.saturating_add(1))));
        let filter = self.next_filter_change(now);
        [own, flash, closing, summary, filter]
            .into_iter()
            .flatten()
            .min()
    }

    /// When a watched open lot enters its alert window.
    pub(super) fn next_closing_entry(&self, now: Mono) -> Option<Mono> {
        if self.replay.is_some() {
            // The replay loop ticks the app as playback moves.
            return None;
        }
        let server = self.clock.now(now)?;
        let window_ms = self.window_ms();
        self.lots
            .watched()
            .filter_map(|id| self.lots.find(id))
            .filter_map(|(lot, _)| match alerts::window(lot, server, window_ms) {
                alerts::Window::Before { ms } => Some(ms.max(1) as u64),
                _ => None,
            })
            .min()
            .map(|ms| Mono(now.0.saturating_add(ms)))
    }

    /// When a time term of the filter changes its answer for some lot.
    pub(super) fn next_filter_change(&self, now: Mono) -> Option<Mono> {
        if self.replay.is_some() {
            return None;
        }
        let due = self.lots.filter_due()?;
        let server = self.clock.now(now)?;
        let wait = server.until(due).max(1) as u64;
        Some(Mono(now.0.saturating_add(wait)))
    }

    pub(super) fn display_tick(&self, now: Mono) -> Option<Mono> {
        if !self.time_visible(now) {
            return None;
        }
        let server = self.server_now(now)?;
        // The header clock shows whole server seconds.
        let mut wait = 1000 - server.0.rem_euclid(1000) as u64;
        let rows = self.pane_rows(Pane::Lots);
        let visible =
            (self.lots_top..self.lots_top.saturating_add(rows)).filter_map(|p| self.lots.row(p));
        let detail = self.selected_entry();
        // The wall-board shows the soonest closes wherever they sort.
        let wall = (self.layouts.current().arrangement == screens::Arrangement::Wallboard)
            .then(|| {
                self.lots
                    .entries()
                    .filter(|(l, _)| l.status == crate::domain::LotStatus::Open)
            })
            .into_iter()
            .flatten();
        for (lot, meta) in visible.chain(detail).chain(wall) {
            if let Some(w) = countdown(lot, Some(server), meta.frozen_left_ms).next_change_ms() {
                wait = wait.min(w);
            }
        }
        Some(Mono(now.0.saturating_add(wait.max(1))))
    }

    pub(super) fn size_or_default(&self) -> (u16, u16) {
        self.size.unwrap_or((80, 24))
    }

    pub(super) fn time_visible(&self, now: Mono) -> bool {
        let (w, h) = self.size_or_default();
        self.server_now(now).is_some() && crate::app::viewport::big_enough(w, h)
    }
}
