//! Mouse hit-testing against what the view really drew: each test renders
//! the fixture, finds a lot, a column header or a pane on the rendered
//! screen, clicks there and checks the actions and what they do.

use crate::support::screens;

use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use lotwatch::app::lots::SortKey;
use lotwatch::app::{Action, App, Msg, Pane};
use lotwatch::sync::SyncMsg;
use lotwatch::ui::i18n::Lang;
use lotwatch::ui::layout;
use lotwatch::ui::mouse::{WHEEL_ROWS, actions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use screens::*;

fn mouse(kind: MouseEventKind, x: u16, y: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }
}

fn click(app: &App, area: Rect, x: u16, y: u16) -> Vec<Action> {
    actions(
        app,
        area,
        &mouse(MouseEventKind::Down(MouseButton::Left), x, y),
        Lang::En,
    )
}

/// Draws the app at `w`x`h` and returns the buffer.
fn draw(app: &mut App, w: u16, h: u16) -> Buffer {
    app.update(Msg::Resize { w, h }, NOW);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lotwatch::ui::draw(f, app, NOW, &lotwatch::ui::View::default()))
        .expect("draw");
    term.backend().buffer().clone()
}

/// Where `text` starts on screen (x of its first cell, y), searching rows
/// between `from_y` and `to_y` (exclusive).
fn find_in(buf: &Buffer, text: &str, rows: std::ops::Range<u16>) -> Option<(u16, u16)> {
    for y in rows {
        let mut line = String::new();
        let mut xs = Vec::new();
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            for _ in sym.chars() {
                xs.push(x);
            }
            line.push_str(sym);
        }
        if let Some(byte) = line.find(text) {
            let i = line[..byte].chars().count();
            return Some((xs[i], y));
        }
    }
    None
}

fn find(buf: &Buffer, text: &str) -> (u16, u16) {
    find_in(buf, text, 0..buf.area.height)
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{}", screen_text(buf)))
}

fn apply(app: &mut App, acts: &[Action]) {
    for a in acts {
        act(app, *a);
    }
}

fn selected(app: &App) -> String {
    app.selected_lot()
        .map(|l| l.number.clone())
        .unwrap_or_default()
}

fn area(w: u16, h: u16) -> Rect {
    Rect::new(0, 0, w, h)
}

#[test]
fn a_click_on_a_lot_row_selects_that_lot_and_a_second_click_opens_it() {
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut app = live(true);
        let buf = draw(&mut app, w, h);
        let (x, y) = find(&buf, "401131");
        let acts = click(&app, area(w, h), x + 2, y);
        assert_eq!(acts.len(), 1, "{w}x{h}: {acts:?}");
        apply(&mut app, &acts);
        assert_eq!(selected(&app), "401131", "{w}x{h}");
        // The same row again, now selected: its detail.
        let buf = draw(&mut app, w, h);
        assert_eq!(find(&buf, "401131").1, y, "the row did not move");
        assert_eq!(click(&app, area(w, h), x, y), vec![Action::OpenDetail]);
    }
}

#[test]
fn rows_are_found_through_the_scroll_offset_the_frame_used() {
    let mut app = live(true);
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 1900,
            lots: many_lots(300),
            rejected: vec![],
        },
    );
    let (w, h) = (120, 40);
    draw(&mut app, w, h);
    act(&mut app, Action::Bottom);
    let buf = draw(&mut app, w, h);
    // Every lot number on screen maps to that lot when clicked.
    let plan = layout::plan(area(w, h), Pane::Lots, Pane::Detail);
    let rows = plan.lots.y + 2..plan.lots.bottom() - 1;
    let mut seen = 0;
    for i in 0..300 {
        let number = format!("{:06}", 400_000 + i);
        let Some((x, y)) = find_in(&buf, &number, rows.clone()) else {
            continue;
        };
        let acts = click(&app, area(w, h), x, y);
        let want = app
            .lots()
            .iter()
            .find(|l| l.number == number)
            .and_then(|l| {
                app.lots()
                    .find(&l.id)
                    .and_then(|(l, m)| app.lots().position_of(m.source, &l.id))
            })
            .expect("lot in view");
        let expect = if app.selected_row() == Some(want) {
            Action::OpenDetail
        } else {
            Action::SelectRow(want)
        };
        assert_eq!(acts, vec![expect], "{number}");
        seen += 1;
    }
    assert_eq!(seen, usize::from(rows.end - rows.start), "every row tested");
}

#[test]
fn clicks_on_borders_and_out_of_range_rows_only_focus() {
    let mut app = live(true);
    let (w, h) = (120, 40);
    draw(&mut app, w, h);
    let plan = layout::plan(area(w, h), Pane::Lots, Pane::Detail);
    let lots = plan.lots;
    // The lots pane has the focus: its borders do nothing.
    for (x, y) in [
        (lots.x, lots.y),
        (lots.right() - 1, lots.y + 3),
        (lots.x + 5, lots.bottom() - 1),
    ] {
        assert_eq!(click(&app, area(w, h), x, y), vec![], "({x},{y})");
    }
    // 12 lots in a taller pane: the rows below the last lot are empty.
    assert!(usize::from(lots.height - 3) > app.lots().view_len());
    let below = lots.y + 2 + app.lots().view_len() as u16;
    assert_eq!(click(&app, area(w, h), lots.x + 10, below), vec![]);
    // The header and the key bar are no pane.
    assert_eq!(click(&app, area(w, h), 10, 0), vec![]);
    assert_eq!(click(&app, area(w, h), 10, h - 1), vec![]);
    // Outside the frame (a resize raced the click).
    assert_eq!(click(&app, area(w, h), w + 3, 5), vec![]);
    // Another pane's border focuses it.
    let detail = plan.detail.expect("detail at 120");
    assert_eq!(
        click(&app, area(w, h), detail.x, detail.bottom() - 1),
        vec![Action::FocusPane(2)]
    );
}

#[test]
fn every_visible_pane_is_focused_by_a_click_at_every_size() {
    for (w, h) in [(60, 16), (80, 24), (100, 30), (120, 40), (200, 50)] {
        for focus in Pane::ALL {
            let mut app = live(true);
            act(&mut app, Action::FocusPane(focus.number()));
            draw(&mut app, w, h);
            let plan = layout::plan(
                area(w, h),
                focus,
                if focus == Pane::Bids {
                    Pane::Bids
                } else {
                    Pane::Detail
                },
            );
            for p in Pane::ALL {
                let Some(r) = plan.rect(p) else {
                    continue;
                };
                // A border cell: never a row, a header or a selection.
                let acts = click(&app, area(w, h), r.right() - 1, r.y + r.height / 2);
                let expect = if p == focus {
                    vec![]
                } else {
                    vec![Action::FocusPane(p.number())]
                };
                assert_eq!(acts, expect, "{w}x{h} focus {focus:?} click {p:?}");
                let mut after = live(true);
                act(&mut after, Action::FocusPane(focus.number()));
                apply(&mut after, &acts);
                assert_eq!(after.focus(), p);
            }
        }
    }
}

#[test]
fn narrow_terminals_hide_panes_and_clicks_find_the_one_shown() {
    // At 80 columns one lower pane shows: the detail, not the events.
    let mut app = live(true);
    let (w, h) = (80, 24);
    let buf = draw(&mut app, w, h);
    assert!(find_in(&buf, "Events", 0..h).is_none());
    let (x, y) = find(&buf, "2 Lot detail");
    assert_eq!(click(&app, area(w, h), x, y), vec![Action::FocusPane(2)]);
    // Below the minimum size nothing is clickable.
    let buf = draw(&mut app, 59, 15);
    assert!(screen_text(&buf).contains("too small"));
    assert_eq!(click(&app, area(59, 15), 5, 5), vec![]);
}

#[test]
fn a_header_click_sorts_by_that_column_and_again_reverses() {
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut app = live(true);
        let buf = draw(&mut app, w, h);
        let hy = find(&buf, "No.").1;
        for (label, key) in [
            ("Name", SortKey::Name),
            ("Status", SortKey::Status),
            ("Time left", SortKey::TimeLeft),
            ("High bid", SortKey::HighBid),
            ("Minerals", SortKey::Minerals),
        ] {
            let Some((x, y)) = find_in(&buf, label, hy..hy + 1) else {
                assert!(w < 120 || label == "Minerals", "{label} missing at {w}x{h}");
                continue;
            };
            let acts = click(&app, area(w, h), x, y);
            assert_eq!(acts, vec![Action::SortBy(key)], "{label} at {w}x{h}");
            let mut sorted = live(true);
            apply(&mut sorted, &acts);
            assert_eq!(sorted.sort(), (key, false));
        }
        // The sorted column (the number, at start) again: reversed.
        let (x, y) = find(&buf, "No.");
        let acts = click(&app, area(w, h), x, y);
        assert_eq!(acts, vec![Action::SortBy(SortKey::Number)]);
        apply(&mut app, &acts);
        assert_eq!(app.sort(), (SortKey::Number, true));
        // The mark column sorts nothing.
        let lots = layout::plan(area(w, h), Pane::Lots, Pane::Detail).lots;
        assert_eq!(click(&app, area(w, h), lots.x + 1, y), vec![]);
    }
}

#[test]
fn a_click_on_an_event_selects_its_lot() {
    let mut app = live(true);
    let (w, h) = (200, 50);
    let buf = draw(&mut app, w, h);
    let plan = layout::plan(area(w, h), Pane::Lots, Pane::Detail);
    let events = plan.events.expect("events at 200");
    // An event row naming a lot other than the selected one.
    let (number, (ex, ey)) = (events.y + 1..events.bottom() - 1)
        .flat_map(|y| ["401131", "401125", "401117"].map(|n| (n, y)))
        .find_map(|(n, y)| {
            find_in(&buf, n, y..y + 1)
                .filter(|(x, _)| *x > events.x)
                .map(|at| (n, at))
        })
        .expect("an event naming a lot");
    let acts = click(&app, area(w, h), ex, ey);
    assert_eq!(acts.first(), Some(&Action::FocusPane(4)), "{acts:?}");
    apply(&mut app, &acts);
    assert_eq!(app.focus(), Pane::Events);
    assert_eq!(selected(&app), number);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer_not_the_focused_one() {
    let mut app = live(true);
    let (w, h) = (200, 50);
    draw(&mut app, w, h);
    let plan = layout::plan(area(w, h), Pane::Lots, Pane::Detail);
    let events = plan.events.expect("events at 200");
    let (x, y) = (events.x + 5, events.y + 3);
    let down = actions(
        &app,
        area(w, h),
        &mouse(MouseEventKind::ScrollDown, x, y),
        Lang::En,
    );
    assert_eq!(down, vec![Action::Scroll(Pane::Events, WHEEL_ROWS)]);
    let before = draw(&mut app, w, h);
    apply(&mut app, &down);
    assert_eq!(app.focus(), Pane::Lots, "the focus stays");
    let after = draw(&mut app, w, h);
    assert!(
        screen_text(&after).contains(&format!("↑ {WHEEL_ROWS} newer")),
        "{}",
        screen_text(&after)
    );
    assert_ne!(screen_text(&before), screen_text(&after));
    let up = actions(
        &app,
        area(w, h),
        &mouse(MouseEventKind::ScrollUp, x, y),
        Lang::En,
    );
    assert_eq!(up, vec![Action::Scroll(Pane::Events, -WHEEL_ROWS)]);
}

#[test]
fn the_wheel_scrolls_the_lots_and_the_selection_stays_on_screen() {
    let mut app = live(true);
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 1900,
            lots: many_lots(300),
            rejected: vec![],
        },
    );
    let (w, h) = (120, 40);
    draw(&mut app, w, h);
    let first = selected(&app);
    act(&mut app, Action::Scroll(Pane::Lots, WHEEL_ROWS));
    let buf = draw(&mut app, w, h);
    let text = screen_text(&buf);
    assert!(!text.contains(&first), "the first rows scrolled away");
    assert!(text.contains("400003"), "{text}");
    // The selection moved to the top row still on screen.
    assert_eq!(selected(&app), "400003");
    act(&mut app, Action::Scroll(Pane::Lots, -100));
    draw(&mut app, w, h);
    assert_eq!(selected(&app), "400003", "still on screen: kept");
    assert!(screen_text(&draw(&mut app, w, h)).contains("400000"));
}

#[test]
fn help_closes_on_click_and_moves_drags_and_other_buttons_do_nothing() {
    let mut app = live(true);
    let (w, h) = (120, 40);
    draw(&mut app, w, h);
    for kind in [
        MouseEventKind::Moved,
        MouseEventKind::Drag(MouseButton::Left),
        MouseEventKind::Up(MouseButton::Left),
        MouseEventKind::Down(MouseButton::Right),
        MouseEventKind::ScrollLeft,
    ] {
        assert_eq!(
            actions(&app, area(w, h), &mouse(kind, 10, 6), Lang::En),
            vec![]
        );
    }
    act(&mut app, Action::Help);
    assert_eq!(click(&app, area(w, h), 3, 3), vec![Action::Close]);
    assert_eq!(
        actions(
            &app,
            area(w, h),
            &mouse(MouseEventKind::ScrollDown, 3, 3),
            Lang::En
        ),
        vec![]
    );
    act(&mut app, Action::Close);
    // Typing a filter: a click commits it first.
    act(&mut app, Action::StartFilter);
    let buf = draw(&mut app, w, h);
    let (x, y) = find(&buf, "401125");
    let acts = click(&app, area(w, h), x, y);
    assert_eq!(acts.first(), Some(&Action::FilterCommit), "{acts:?}");
}

#[test]
fn the_key_bar_shows_the_mouse_state() {
    let mut app = live(true);
    let on = screen_text(&draw(&mut app, 120, 40));
    assert!(
        on.lines().last().is_some_and(|l| l.ends_with("m mouse on")),
        "{on}"
    );
    act(&mut app, Action::ToggleMouse);
    let off = screen_text(&draw(&mut app, 80, 24));
    assert!(
        off.lines()
            .last()
            .is_some_and(|l| l.ends_with("m mouse off")),
        "{off}"
    );
}
