//! Snapshots at 120x40 of the summary pane and of the REPLAY badge, plus a
//! flashing (alerted) row, built through `App::update` with a fake clock.

use crate::support::screens;

use lotwatch::app::{Action, ReplayStatus};
use lotwatch::domain::{Event, EventKind, Money};
use lotwatch::sync::SyncMsg;
use screens::*;

#[test]
fn summary_pane_120x40() {
    let mut app = live(false);
    act(&mut app, Action::FocusPane(6));
    insta::assert_snapshot!("summary_120x40", render(&mut app, 120, 40));
}

#[test]
fn summary_pane_in_dollars_120x40() {
    let mut app = live(false);
    act(&mut app, Action::CycleCurrency);
    act(&mut app, Action::FocusPane(6));
    insta::assert_snapshot!("summary_usd_120x40", render(&mut app, 120, 40));
}

#[test]
fn replay_header_120x40() {
    let mut app = live(false);
    app.set_replay(ReplayStatus {
        position: 412,
        total: 1830,
        server_at: Some(ts(-30)),
        speed: 8.0,
        paused: true,
    });
    insta::assert_snapshot!("replay_120x40", render(&mut app, 120, 40));
    act(&mut app, Action::Help);
    let help = render(&mut app, 120, 40);
    assert!(help.contains("replay: previous message"), "{help}");
    assert!(help.contains("replay: next message"), "{help}");
}

#[test]
fn outbid_row_flashes_with_a_symbol_and_an_alert_entry() {
    let mut app = live(false);
    // Whoever leads the first lot on screen, P-07 takes it, then loses it.
    let lot = app.lots().row(1).map(|(l, _)| l.clone()).expect("a lot");
    let seq = app.feed_seq();
    let high = lot
        .high_bid
        .as_ref()
        .map(|h| h.amount)
        .or(lot.starting_bonus.known())
        .expect("a known start");
    let bid = |seq, tenge: i64, who: &str| Event {
        seq,
        at: ts(-1),
        lot_id: Some(lot.id.clone()),
        kind: EventKind::Bid {
            amount: high.saturating_add(Money::from_tenge(tenge)),
            bidder: who.into(),
            closes_at: lot.closes_at,
        },
    };
    send(
        &mut app,
        SyncMsg::Events(vec![
            bid(seq + 1, 5_000_000, "P-07"),
            bid(seq + 2, 10_000_000, "P-02"),
        ]),
    );
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("!OUTBID") || screen.contains("ALERT"),
        "{screen}"
    );
    insta::assert_snapshot!("outbid_flash_120x40", screen);
}
