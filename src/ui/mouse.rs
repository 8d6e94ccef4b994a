//! The mouse: turns a crossterm mouse event into the named actions it means,
//! by hit-testing it against the same layout (`layout::plan`) and the same
//! row windows the view draws with, computed from the app state and the
//! frame's area. The app never sees a mouse event or a screen coordinate.
//!
//! Left click: focus the pane under the pointer; on a lot row select it (on
//! the already selected row of the focused lots pane: open its detail); on a
//! column header sort by it (again: reverse); on an event or anomaly select
//! its lot. Wheel: scroll the pane under the pointer. Any click closes the
//! help overlay. Moves, drags, releases and other buttons mean nothing.

use super::i18n::Lang;
use super::layout::{self, Plan};
use super::lots::Geometry;
use crate::app::{Action, App, Mode, Pane};
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// Rows one wheel notch scrolls.
pub const WHEEL_ROWS: i16 = 3;

/// The actions a mouse event means, in order, for a frame drawn in `area`.
/// Empty for events that change nothing (the loop then does not redraw).
pub fn actions(app: &App, area: Rect, ev: &MouseEvent, lang: Lang) -> Vec<Action> {
    let at = Position::new(ev.column, ev.row);
    let wheel = match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => 0,
        MouseEventKind::ScrollUp => -WHEEL_ROWS,
        MouseEventKind::ScrollDown => WHEEL_ROWS,
        _ => return Vec::new(),
    };
    if !area.contains(at) || !layout::big_enough(area.width, area.height) {
        return Vec::new();
    }
    if app.mode() == Mode::Help {
        return if wheel == 0 {
            vec![Action::Close]
        } else {
            Vec::new()
        };
    }
    let plan = layout::plan_for(area, app);
    let Some(pane) = pane_at(&plan, at) else {
        return Vec::new();
    };
    if wheel != 0 {
        return vec![Action::Scroll(pane, wheel)];
    }
    let mut out = Vec::new();
    // Clicking away from the filter line keeps what was typed.
    if app.mode() == Mode::Filter {
        out.push(Action::FilterCommit);
    }
    let focused = app.focus() == pane;
    if !focused {
        out.push(Action::FocusPane(pane.number()));
    }
    let r = plan.rect(pane).unwrap_or_default();
    match pane {
        Pane::Lots => out.extend(lots_click(app, r, at, focused, lang)),
        Pane::Events => out.extend(events_row(app, r, at).map(Action::SelectRow)),
        Pane::Anomalies => out.extend(
            super::anomalies::at(app, r, at, lang)
                .and_then(|a| Some((a.source, a.lot_id.as_deref()?)))
                .and_then(|(src, id)| app.lots().position_of(src, id))
                .map(Action::SelectRow),
        ),
        Pane::Detail | Pane::Bids | Pane::Summary => {}
    }
    out
}

/// The pane whose rectangle (borders included) holds `at`.
fn pane_at(plan: &Plan, at: Position) -> Option<Pane> {
    Pane::ALL
        .into_iter()
        .find(|&p| plan.rect(p).is_some_and(|r| r.contains(at)))
}

fn lots_click(app: &App, area: Rect, at: Position, focused: bool, lang: Lang) -> Option<Action> {
    let geo = Geometry::of(app, area, lang)?;
    if !geo.inner.contains(at) {
        return None;
    }
    if at.y == geo.inner.y {
        // SortBy on the column already sorted by reverses it.
        return geo.sort_key_at(app, at.x).map(Action::SortBy);
    }
    let pos = geo.row_at(app, at.y)?;
    if focused && app.selected_row() == Some(pos) {
        Some(Action::OpenDetail)
    } else {
        Some(Action::SelectRow(pos))
    }
}

/// The lots-view position of the lot named by the event at `at` in the
/// events pane drawn in `area`.
fn events_row(app: &App, area: Rect, at: Position) -> Option<usize> {
    let inner = ratatui::widgets::Block::bordered().inner(area);
    if !inner.contains(at) {
        return None;
    }
    let i = at.y - inner.y;
    let entry = app.log().newest(app.events_scroll + usize::from(i))?;
    if entry.lot.is_empty() {
        return None;
    }
    // Feed entries name the lot by number, data issues by id.
    let lots = app.lots();
    let (src, id) = lots
        .entries()
        .find(|(l, m)| l.number == entry.lot && m.source == entry.source)
        .map_or((Default::default(), entry.lot.as_str()), |(l, m)| {
            (m.source, l.id.as_str())
        });
    lots.position_of(src, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::anomaly::Evidence;
    use crate::app::{Anomaly, AnomalyKind, AppOptions, Msg};
    use crate::domain::Timestamp;
    use crate::domain::clock::Mono;
    use crate::sync::SyncMsg;
    use crate::testing::test_lot;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn app_with_anomalies(n: usize, evidence: &str) -> App {
        let mut app = App::new(AppOptions::default());
        let lots = (0..n)
            .map(|i| {
                let mut l = test_lot();
                l.id = format!("L{i}");
                l.number = format!("N{i:03}");
                l
            })
            .collect();
        let snap = SyncMsg::Snapshot {
            seq: 1,
            lots,
            rejected: vec![],
        };
        app.update(Msg::Sync(snap), Mono(0));
        for i in 0..n {
            app.anomalies.push_back(Anomaly::new(
                AnomalyKind::BidBelowMinimum,
                Some(format!("L{i}")),
                Timestamp(0),
                Evidence::Text(format!("{evidence} #{i}")),
            ));
        }
        app.update(Msg::Action(Action::FocusPane(5)), Mono(0));
        app
    }

    fn click_at(app: &App, area: Rect, x: u16, y: u16) -> Vec<Action> {
        let ev = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: crossterm::event::KeyModifiers::NONE,
        };
        actions(app, area, &ev, crate::ui::i18n::Lang::En)
    }

    #[test]
    fn wrapped_anomalies_are_found_on_every_row_they_take() {
        let long = "bid 1 000 ₸ below the next minimum 1 010 ₸ ".repeat(3);
        let mut app = app_with_anomalies(6, &long);
        let area = Rect::new(0, 0, 80, 24);
        app.update(Msg::Resize { w: 80, h: 24 }, Mono(0));
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("backend");
        term.draw(|f| super::super::draw(f, &app, Mono(0), &super::super::View::default()))
            .expect("draw");
        let buf = term.backend().buffer();
        let r = layout::plan(area, Pane::Anomalies, Pane::Detail)
            .anomalies
            .expect("focused anomalies are shown");
        // Each row belongs to the entry that started last at or above it (the
        // first row of an entry names its lot): read that from the screen.
        let mut current: Option<usize> = None;
        let mut checked = 0;
        for y in r.y + 1..r.bottom() - 1 {
            let line: String = (r.x..r.right()).map(|x| buf[(x, y)].symbol()).collect();
            if let Some(i) = (0..6).find(|i| line.contains(&format!("N{i:03}"))) {
                current = Some(i);
            }
            let Some(i) = current else { continue };
            let acts = click_at(&app, area, r.x + 3, y);
            assert_eq!(acts, vec![Action::SelectRow(i)], "row {y}: {line}");
            checked += 1;
        }
        assert!(checked > 6, "entries wrapped over several rows ({checked})");
        // The borders select nothing.
        assert_eq!(click_at(&app, area, r.x, r.y + 2), vec![]);
        assert_eq!(click_at(&app, area, r.x + 3, r.y), vec![]);
    }

    #[test]
    fn an_anomaly_without_a_lot_or_below_the_last_only_focuses() {
        let mut app = app_with_anomalies(1, "short");
        app.anomalies.push_back(Anomaly::new(
            AnomalyKind::SeqGap,
            None,
            Timestamp(0),
            Evidence::Text("gap".into()),
        ));
        let area = Rect::new(0, 0, 120, 40);
        app.update(Msg::Resize { w: 120, h: 40 }, Mono(0));
        let r = layout::plan(area, Pane::Anomalies, Pane::Detail)
            .anomalies
            .expect("shown");
        // newest first: the gap (no lot), then N000
        assert_eq!(click_at(&app, area, r.x + 2, r.y + 1), vec![]);
        assert_eq!(
            click_at(&app, area, r.x + 2, r.y + 2),
            vec![Action::SelectRow(0)]
        );
        assert_eq!(click_at(&app, area, r.x + 2, r.y + 3), vec![]);
        // From the lots pane, the click focuses first.
        app.update(Msg::Action(Action::FocusPane(1)), Mono(0));
        let r = layout::plan(area, Pane::Lots, Pane::Detail)
            .events
            .expect("events at 120");
        assert_eq!(
            click_at(&app, area, r.x + 2, r.y + 1),
            vec![Action::FocusPane(4)]
        );
    }
}
