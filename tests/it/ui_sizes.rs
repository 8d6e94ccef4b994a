//! The view never panics, whatever the terminal size and state: every size
//! from 1x1 to 90x30, zero-sized areas, and a few large ones.

use crate::support::screens;

use lotwatch::app::{Action, App, Msg};
use lotwatch::sync::{LinkState, SyncMsg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screens::*;

fn states() -> Vec<(&'static str, App)> {
    let mut out = vec![("empty", empty(false)), ("live", live(true))];
    for (name, actions) in [
        ("detail", vec![Action::FocusPane(2)]),
        ("bids", vec![Action::FocusPane(3)]),
        ("events", vec![Action::FocusPane(4), Action::Down]),
        ("help", vec![Action::Help]),
        (
            "typing",
            vec![Action::StartFilter, Action::FilterInput('ж')],
        ),
        (
            "nomatch",
            vec![
                Action::StartFilter,
                Action::FilterInput('x'),
                Action::FilterCommit,
            ],
        ),
        ("usd_bottom", vec![Action::CycleCurrency, Action::Bottom]),
    ] {
        let mut app = live(false);
        for a in actions {
            act(&mut app, a);
        }
        out.push((name, app));
    }
    let mut offline = live(false);
    send(
        &mut offline,
        SyncMsg::Link(LinkState::Offline {
            since: ts(-60),
            cause: lotwatch::sync::LinkCause::BrokenOff("connection reset".into()),
        }),
    );
    out.push(("offline", offline));
    // Long wide text (already sanitized, at the name cap): CJK, emoji, Kazakh.
    let mut wide = live(false);
    let mut lot = lotwatch::testing::test_lot();
    lot.id = "W1".into();
    lot.number = "Ұ".repeat(64);
    lot.name = "金矿🚀Қазақстан".repeat(20);
    lot.region = "東".repeat(200);
    lot.minerals = vec!["稀土".repeat(50); 10];
    send(
        &mut wide,
        SyncMsg::Events(vec![lotwatch::domain::Event {
            seq: 1900,
            at: ts(0),
            lot_id: None,
            kind: lotwatch::domain::EventKind::Lot(Box::new(lot)),
        }]),
    );
    act(&mut wide, Action::Bottom);
    act(&mut wide, Action::FocusPane(2));
    out.push(("wide_text", wide));
    out
}

fn draw(term: &mut Terminal<TestBackend>, app: &mut App, w: u16, h: u16) {
    app.update(Msg::Resize { w, h }, NOW);
    term.resize(ratatui::layout::Rect::new(0, 0, w, h))
        .expect("resize");
    term.draw(|f| lotwatch::ui::draw(f, app, NOW, &lotwatch::ui::View::default()))
        .expect("draw");
}

#[test]
fn every_size_up_to_90x30_in_every_state() {
    for (name, mut app) in states() {
        let mut term = Terminal::new(TestBackend::new(1, 1)).expect("backend");
        for w in 1..=90u16 {
            for h in 1..=30u16 {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    draw(&mut term, &mut app, w, h)
                }));
                assert!(r.is_ok(), "state {name} panicked at {w}x{h}");
            }
        }
    }
}

#[test]
fn zero_sized_and_large_terminals() {
    for (_, mut app) in states() {
        for (w, h) in [
            (0, 0),
            (0, 10),
            (10, 0),
            (1, 0),
            (200, 50),
            (300, 100),
            (500, 20),
            (61, 200),
        ] {
            let mut term = Terminal::new(TestBackend::new(w, h)).expect("backend");
            app.update(Msg::Resize { w, h }, NOW);
            term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &lotwatch::ui::View::default()))
                .expect("draw");
        }
    }
}

#[test]
fn the_minimum_size_shows_the_panes_and_one_less_asks_for_more() {
    let mut app = live(false);
    let (w, h) = (lotwatch::ui::layout::MIN_W, lotwatch::ui::layout::MIN_H);
    assert!(render(&mut app, w, h).contains("1 Lots"));
    assert!(render(&mut app, w - 1, h).contains("needs at least 60x16"));
    assert!(render(&mut app, w, h - 1).contains("needs at least 60x16"));
}
