//! Properties of the panes beyond the snapshots: the focused pane is
//! unmistakable at every size, frozen clocks stay frozen, and a lot at zero
//! reads `closing…` until the server closes it.

use crate::support::screens;

use lotwatch::app::{Action, App, AppOptions, Msg};
use lotwatch::domain::clock::Mono;
use lotwatch::domain::{Event, EventKind, LotStatus};
use lotwatch::sync::{LinkState, SyncMsg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screens::*;

fn render_at(app: &mut App, w: u16, h: u16, now: Mono) -> String {
    app.update(Msg::Resize { w, h }, now);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("backend");
    term.draw(|f| lotwatch::ui::draw(f, app, now, &lotwatch::ui::View::default()))
        .expect("draw");
    screen_text(term.backend().buffer())
}

fn row_of<'a>(screen: &'a str, number: &str) -> &'a str {
    screen.lines().find(|l| l.contains(number)).unwrap_or("")
}

#[test]
fn exactly_one_pane_is_marked_focused_at_every_size() {
    for (w, h) in [
        (60, 16),
        (80, 24),
        (100, 30),
        (120, 40),
        (150, 45),
        (200, 50),
    ] {
        for (n, title) in [
            (1, "Lots"),
            (2, "Lot detail"),
            (3, "Bids"),
            (4, "Events"),
            (5, "Anomalies"),
        ] {
            let mut app = live(false);
            act(&mut app, Action::FocusPane(n));
            let screen = render(&mut app, w, h);
            assert_eq!(
                screen.matches('▶').count() - cursor_rows(&screen),
                1,
                "{w}x{h} focus {n}\n{screen}"
            );
            assert!(
                screen.contains(&format!("▶ {n} {title}")),
                "{w}x{h} focus {n}\n{screen}"
            );
            assert_eq!(
                screen.matches('┏').count(),
                1,
                "one thick frame, {w}x{h} focus {n}\n{screen}"
            );
        }
    }
}

/// Rows of the lots table that carry the selection cursor (also a ▶).
fn cursor_rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| matches!(l.chars().next(), Some('┃' | '│')) && l.chars().nth(1) == Some('▶'))
        .count()
}

#[test]
fn a_suspended_clock_stays_frozen_while_time_passes() {
    let mut app = live(false);
    for later in [0, 5_000, 61_000, 600_000] {
        let screen = render_at(&mut app, 120, 40, Mono(NOW.0 + later));
        assert!(row_of(&screen, "401163").contains("⏸ 07:45"), "{screen}");
    }
}

#[test]
fn a_lot_at_zero_is_closing_until_the_server_says_closed() {
    let mut app = live(false);
    // 401131 has 42 s left: a minute later it must read closing…, never closed
    let screen = render_at(&mut app, 120, 40, Mono(NOW.0 + 60_000));
    let row = row_of(&screen, "401131");
    assert!(
        row.contains("closing… +3") && row.contains("● open"),
        "{row}"
    );
    send(
        &mut app,
        SyncMsg::Events(vec![Event {
            seq: 1807,
            at: ts(43),
            lot_id: Some("401131".into()),
            kind: EventKind::Status {
                status_text: None,
                status: LotStatus::Closed,
                closes_at: ts(42),
                result: None,
            },
        }]),
    );
    let screen = render_at(&mut app, 120, 40, Mono(NOW.0 + 60_000));
    let row = row_of(&screen, "401131");
    assert!(
        row.contains("■ closed") && !row.contains("closing"),
        "{row}"
    );
}

#[test]
fn the_scheduled_lot_counts_down_to_its_opening() {
    let mut app = live(false);
    let at = |s: u64, app: &mut App| {
        row_of(&render_at(app, 120, 40, Mono(NOW.0 + s * 1000)), "401140").to_string()
    };
    assert!(at(0, &mut app).contains("opens in 12:30"));
    assert!(at(30, &mut app).contains("opens in 12:00"));
    // opening time reached, the server has not opened it yet: no negative time
    assert!(at(800, &mut app).contains("opens in 00:00"));
}

#[test]
fn insecure_tls_is_announced_in_the_header_at_every_width() {
    for w in [80, 120, 200] {
        let mut app = App::new(AppOptions {
            insecure: true,
            ..AppOptions::default()
        });
        send(&mut app, SyncMsg::Clock(clock_sample(0)));
        send(&mut app, SyncMsg::Link(LinkState::Live));
        let screen = render(&mut app, w, 30);
        let first = screen.lines().next().unwrap_or_default();
        assert!(first.contains("INSECURE"), "{w} columns:\n{screen}");
    }
    let mut app = App::new(AppOptions::default());
    assert!(!render(&mut app, 120, 30).contains("INSECURE"));
}

/// Issue 28.13: at 160x45 the detail pane (50 columns inside) holds every
/// value whole: a line too long goes on below its label, never cut at the
/// border (`opens in 0`, `↑ +10.` were).
#[test]
fn the_detail_pane_never_cuts_a_value() {
    let mut app = live(false);
    // The detail pane's columns: between the first `│` and the next.
    let detail = |screen: &str| -> String {
        screen
            .lines()
            .skip_while(|l| !l.contains("Lot detail"))
            .filter_map(|l| {
                let inner = l.split('│').nth(1)?;
                Some(inner.trim_end().to_string())
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    select(&mut app, "401152");
    let d = detail(&render(&mut app, 160, 45));
    assert!(d.contains("opens in 1:05:00"), "{d}");
    // In dollars the high bid carries its conversion and the uplift.
    act(&mut app, Action::CycleCurrency);
    select(&mut app, "401102");
    let d = detail(&render(&mut app, 160, 45));
    assert!(d.contains("↑ +20.0%"), "{d}");
    assert!(d.contains("44 304 000 ₸"), "{d}");
}
