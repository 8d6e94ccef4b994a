//! The anomalies pane and badge: nothing shown while the data is clean; an
//! anomaly raised from the feed puts a count in the header and a row in the
//! pane (key 5 or Tab), with kind symbol, lot number and name, the server
//! time in Astana and the evidence, newest first; the pane scrolls.

use crate::support::screens;

use lotwatch::app::{Action, AnomalyKind, Pane};
use lotwatch::domain::{Event, EventKind, Money};
use lotwatch::sync::SyncMsg;
use screens::*;

fn low_bid(seq: u64, offset_s: i64, tenge: i64) -> SyncMsg {
    SyncMsg::Events(vec![Event {
        seq,
        at: ts(offset_s),
        lot_id: Some("401102".into()),
        kind: EventKind::Bid {
            amount: Money::from_tenge(tenge),
            bidder: "P-09".into(),
            closes_at: ts(1500),
        },
    }])
}

#[test]
fn clean_data_shows_no_badge_and_an_empty_pane() {
    let mut app = live(false);
    assert_eq!(app.anomaly_count(), 0);
    let screen = render(&mut app, 120, 40);
    assert!(!screen.contains("anomal"), "{screen}");
    act(&mut app, Action::FocusPane(5));
    assert_eq!(app.focus(), Pane::Anomalies);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("▶ 5 Anomalies"), "{screen}");
    assert!(screen.contains("No anomalies seen"), "{screen}");
}

#[test]
fn an_anomaly_shows_in_the_header_and_the_pane_newest_first() {
    let mut app = live(false);
    let seq = app.feed_seq();
    // high bid 44 304 000: the minimum is 44 304 000 + increment
    send(&mut app, low_bid(seq + 1, -30, 40_000_000));
    send(&mut app, low_bid(seq + 2, -10, 39_000_000));
    assert_eq!(app.anomaly_count(), 2);
    let kinds: Vec<_> = app.anomalies().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::BidBelowMinimum; 2]);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("⚠ 2 anomalies"), "{screen}");
    // Tab reaches the pane after the events pane
    act(&mut app, Action::FocusPane(4));
    act(&mut app, Action::FocusNext);
    assert_eq!(app.focus(), Pane::Anomalies);
    let screen = render(&mut app, 160, 40);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("↓ low bid")).collect();
    assert_eq!(rows.len(), 2, "{screen}");
    // newest first; server time in Astana (SERVER_NOW is 10:40:00)
    assert!(rows[0].contains("10:39:50"), "{screen}");
    assert!(rows[1].contains("10:39:30"), "{screen}");
    assert!(
        rows[0].contains("401102") && rows[0].contains("Сарлы"),
        "{screen}"
    );
    assert!(screen.contains("39000000.00 by P-09"), "{screen}");
    // scrolling skips the newest
    act(&mut app, Action::Down);
    let screen = render(&mut app, 160, 40);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("↓ low bid")).collect();
    assert_eq!(rows.len(), 1, "{screen}");
    assert!(rows[0].contains("10:39:30"), "{screen}");
    assert!(screen.contains("↑ 1 newer"), "{screen}");
}
