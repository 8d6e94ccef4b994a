//! Redraw economy and rendering cost: over an idle simulated minute the app
//! asks for about one redraw per second (not hundreds), countdowns change
//! exactly on their second, and a 10 000-lot state draws in time that follows
//! the rows on screen.

use crate::support::screens;

use lotwatch::app::{App, AppOptions, Msg};
use lotwatch::domain::clock::Mono;
use lotwatch::domain::{Money, Timestamp};
use lotwatch::sync::SyncMsg;
use lotwatch::testing::test_lot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screens::*;

/// Runs the loop's timer logic alone for `span_ms` from `start`: sleep until
/// `next_tick`, send Tick, count redraws.
fn idle(app: &mut App, start: Mono, span_ms: u64) -> (u32, u32) {
    let (mut ticks, mut redraws) = (0, 0);
    let mut now = start;
    while let Some(next) = app.next_tick(now) {
        assert!(next > now, "next_tick must move forward");
        if next.0 > start.0 + span_ms {
            break;
        }
        now = next;
        ticks += 1;
        if app.update(Msg::Tick, now).redraw {
            redraws += 1;
        }
    }
    (ticks, redraws)
}

#[test]
fn an_idle_minute_is_about_sixty_redraws() {
    let mut app = live(true);
    app.update(Msg::Resize { w: 120, h: 40 }, NOW);
    let (ticks, redraws) = idle(&mut app, NOW, 60_000);
    // whole-second closes and the header clock coincide: one tick a second
    assert!((59..=61).contains(&ticks), "{ticks} ticks");
    assert_eq!(ticks, redraws);
}

#[test]
fn off_second_close_times_add_at_most_one_tick_a_second_each() {
    let mut app = live(false);
    let mut odd = test_lot();
    odd.id = "odd".into();
    odd.number = "000001".into();
    odd.closes_at = Timestamp(SERVER_NOW + 600_500); // half a second off the clock's seconds
    send(
        &mut app,
        SyncMsg::Events(vec![lotwatch::domain::Event {
            seq: 1900,
            at: ts(0),
            lot_id: None,
            kind: lotwatch::domain::EventKind::Lot(Box::new(odd)),
        }]),
    );
    app.update(Msg::Resize { w: 120, h: 40 }, NOW);
    let (ticks, _) = idle(&mut app, NOW, 60_000);
    assert!((119..=121).contains(&ticks), "{ticks} ticks");
}

#[test]
fn the_countdown_on_screen_changes_on_each_tick() {
    let mut app = live(false);
    let mut now = NOW;
    let mut last = render(&mut app, 120, 40);
    for _ in 0..5 {
        now = app.next_tick(now).expect("time on screen");
        app.update(Msg::Tick, now);
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("backend");
        term.draw(|f| lotwatch::ui::draw(f, &app, now, &lotwatch::ui::View::default()))
            .expect("draw");
        let screen = screen_text(term.backend().buffer());
        assert_ne!(screen, last);
        last = screen;
    }
    assert!(last.contains("10:40:05 Astana"), "{last}");
    assert!(last.contains("‼ 00:37 +3"), "{last}");
}

#[test]
fn nothing_time_dependent_without_a_server_clock() {
    let mut app = App::new(AppOptions::default());
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 1,
            lots: vec![test_lot()],
            rejected: vec![],
        },
    );
    assert_eq!(app.next_tick(Mono(0)), None);
}

#[test]
fn ten_thousand_lots_render_as_fast_as_a_screenful() {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 5000,
            lots: many_lots(10_000),
            rejected: vec![],
        },
    );
    app.update(Msg::Resize { w: 200, h: 50 }, NOW);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("backend");
    let frames = 20;
    let t = std::time::Instant::now();
    for _ in 0..frames {
        term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &lotwatch::ui::View::default()))
            .expect("draw");
    }
    let per_frame = t.elapsed() / frames;
    eprintln!("10 000 lots, 200x50: {per_frame:?} per frame");
    // Generous bound (debug build, shared CI cores): what matters is that it
    // is not proportional to 10 000 rows.
    assert!(per_frame.as_millis() < 250, "{per_frame:?} per frame");

    // A feed event moves one row; time it too.
    let t = std::time::Instant::now();
    for i in 0..1000u64 {
        let ev = lotwatch::domain::Event {
            seq: 5001 + i,
            at: ts(0),
            lot_id: Some(format!("L{:05}", (i * 37) % 10_000)),
            kind: lotwatch::domain::EventKind::Bid {
                amount: Money::from_tenge(5_000_000 + i as i64),
                bidder: "P-01".into(),
                closes_at: ts(600),
            },
        };
        app.update(Msg::Sync(SyncMsg::Events(vec![ev])), NOW);
    }
    let per_event = t.elapsed() / 1000;
    eprintln!("10 000 lots: {per_event:?} per feed event");
    assert!(per_event.as_millis() < 20, "{per_event:?} per event");
}

#[test]
fn draw_cost_does_not_grow_with_the_number_of_lots() {
    let time = |n: usize| {
        let mut app = live(false);
        send(
            &mut app,
            SyncMsg::Snapshot {
                seq: 5000,
                lots: many_lots(n),
                rejected: vec![],
            },
        );
        app.update(Msg::Resize { w: 200, h: 50 }, NOW);
        let mut term = Terminal::new(TestBackend::new(200, 50)).expect("backend");
        term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &lotwatch::ui::View::default()))
            .expect("warm-up");
        let t = std::time::Instant::now();
        for _ in 0..10 {
            term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &lotwatch::ui::View::default()))
                .expect("draw");
        }
        t.elapsed() / 10
    };
    let (small, big) = (time(100), time(10_000));
    eprintln!("200x50 frame: 100 lots {small:?}, 10 000 lots {big:?}");
    // 100x the lots; allow 3x for noise, far below proportional.
    assert!(
        big < small * 3 + std::time::Duration::from_millis(5),
        "{small:?} vs {big:?}"
    );
}
