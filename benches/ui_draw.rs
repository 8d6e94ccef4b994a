//! What drawing the monitor costs: a whole 200x50 frame with 100 and 10 000
//! lots (the cost should follow the rows on screen, not the lots), and one
//! feed event applied to a 10 000-lot state (moves one row of the index).

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

#[path = "../tests/support/screens.rs"]
mod screens;

use lotwatch::app::Msg;
use lotwatch::domain::{Event, EventKind, Money};
use lotwatch::sync::SyncMsg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screens::*;

fn main() {
    divan::main();
}

#[divan::bench(args = [100, 10_000])]
fn draw_200x50(bencher: divan::Bencher, lots: usize) {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 5000,
            lots: many_lots(lots),
            rejected: vec![],
        },
    );
    app.update(Msg::Resize { w: 200, h: 50 }, NOW);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("backend");
    let view = lotwatch::ui::View::default();
    bencher.bench_local(|| {
        term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &view))
            .expect("draw");
    });
}

/// The same frame in each interface language, in dollars (the most
/// formatting per row): translation must not cost a frame anything.
#[divan::bench(args = ["en", "ru", "kk"])]
fn draw_200x50_usd_lang(bencher: divan::Bencher, lang: &str) {
    let lang = lotwatch::ui::i18n::Lang::parse(lang).expect("a bench language");
    let mut app = live(false);
    app.update(Msg::Action(lotwatch::app::Action::CycleCurrency), NOW);
    app.update(Msg::Resize { w: 200, h: 50 }, NOW);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("backend");
    let view = lotwatch::ui::View::in_lang(lang);
    bencher.bench_local(|| {
        term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &view))
            .expect("draw");
    });
}

#[divan::bench]
fn feed_bid_10k_lots(bencher: divan::Bencher) {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 5000,
            lots: many_lots(10_000),
            rejected: vec![],
        },
    );
    let mut seq = 5000u64;
    bencher.bench_local(|| {
        seq += 1;
        let ev = Event {
            seq,
            at: ts(0),
            lot_id: Some(format!("L{:05}", (seq * 37) % 10_000)),
            kind: EventKind::Bid {
                amount: Money::from_tenge(seq as i64),
                bidder: "P-01".into(),
                closes_at: ts(600),
            },
        };
        app.update(Msg::Sync(SyncMsg::Events(vec![ev])), NOW)
    });
}
