//! Alerts through `App::update`: each kind fires exactly once per occurrence.

use super::alerts::{AlertKind, FLASH_MS};
use super::log::LogKind;
use super::*;
use crate::domain::clock::ClockSample;
use crate::domain::{Event, EventKind, HighBid, Money};
use crate::testing::test_lot;

const T0: i64 = 1_750_741_200_000;
const MIN: i64 = 60_000;

fn lot(id: &str) -> Lot {
    let mut l = test_lot();
    l.id = id.into();
    l.number = format!("N{id}");
    l.name = format!("lot {id}");
    l.opens_at = Timestamp(T0);
    l.closes_at = Timestamp(T0 + 30 * MIN);
    l
}

/// An app at server time T0 (= Mono(1000)) holding `lots`.
fn app(me: Option<&str>, lots: Vec<Lot>) -> App {
    let mut app = App::new(AppOptions {
        me: me.map(str::to_string),
        ..AppOptions::default()
    });
    app.update(
        Msg::Sync(SyncMsg::Clock(ClockSample {
            server: Timestamp(T0),
            sent: Mono(1000),
            received: Mono(1000),
            local_wall: Timestamp(T0),
            from_date_header: false,
        })),
        Mono(1000),
    );
    app.update(Msg::Resize { w: 120, h: 40 }, Mono(1000));
    snapshot(&mut app, 10, lots, 1000);
    app
}

fn snapshot(app: &mut App, seq: u64, lots: Vec<Lot>, mono: u64) -> Update {
    app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq,
            lots,
            rejected: vec![],
        }),
        Mono(mono),
    )
}

fn events(app: &mut App, evs: Vec<Event>) -> Update {
    app.update(Msg::Sync(SyncMsg::Events(evs)), Mono(1000))
}

fn bid(seq: u64, id: &str, tenge: i64, bidder: &str) -> Event {
    Event {
        seq,
        at: Timestamp(T0 + MIN),
        lot_id: Some(id.into()),
        kind: EventKind::Bid {
            amount: Money::from_tenge(tenge),
            bidder: bidder.into(),
            closes_at: Timestamp(T0 + 30 * MIN),
        },
    }
}

fn extended(seq: u64, id: &str, closes: i64, n: u32) -> Event {
    Event {
        seq,
        at: Timestamp(T0 + MIN),
        lot_id: Some(id.into()),
        kind: EventKind::Extended {
            closes_at: Timestamp(closes),
            extensions: n,
        },
    }
}

fn alerts(up: &Update) -> Vec<(AlertKind, String)> {
    up.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Alert(a) => Some((a.kind, a.lot_id.clone())),
            _ => None,
        })
        .collect()
}

fn bells(up: &Update) -> usize {
    up.effects.iter().filter(|e| **e == Effect::Bell).count()
}

fn mark_watched(app: &mut App, id: &str) {
    while app.selected_lot().map(|l| l.id.as_str()) != Some(id) {
        app.update(Msg::Action(Action::Down), Mono(1000));
    }
    app.update(Msg::Action(Action::ToggleWatched), Mono(1000));
}

#[test]
fn outbid_fires_once_per_outbid() {
    let mut a = app(Some("P-07"), vec![lot("A"), lot("B")]);
    let up = events(&mut a, vec![bid(11, "A", 1000, "P-07")]);
    assert!(alerts(&up).is_empty(), "my own bid is no alert");
    let up = events(
        &mut a,
        vec![bid(12, "A", 1100, "P-02"), bid(13, "A", 1200, "P-03")],
    );
    assert_eq!(alerts(&up), vec![(AlertKind::Outbid, "A".to_string())]);
    assert_eq!(bells(&up), 1);
    // The same page again, and a re-snapshot of the same state: nothing.
    let up = events(&mut a, vec![bid(12, "A", 1100, "P-02")]);
    assert!(alerts(&up).is_empty());
    let lots: Vec<Lot> = a.lots().iter().cloned().collect();
    assert!(alerts(&snapshot(&mut a, 13, lots, 1000)).is_empty());
    // Leading again, outbid again: a second occurrence, a second alert.
    events(&mut a, vec![bid(14, "A", 1300, "P-07")]);
    let up = events(&mut a, vec![bid(15, "A", 1400, "P-02")]);
    assert_eq!(alerts(&up), vec![(AlertKind::Outbid, "A".to_string())]);
    let entry = a.log().newest(0).expect("entry");
    assert_eq!(entry.kind, LogKind::Alert);
    assert_eq!(entry.lot, "NA");
    assert!(
        matches!(
            &entry.text,
            crate::app::log::LogText::Alert {
                kind: AlertKind::Outbid,
                ..
            }
        ),
        "{:?}",
        entry.text
    );
}

#[test]
fn outbid_seen_only_in_a_snapshot_fires_once() {
    let mut a = app(Some("P-07"), vec![lot("A")]);
    events(&mut a, vec![bid(11, "A", 1000, "P-07")]);
    // Events were lost; the re-snapshot shows another leader.
    let mut l = a.lots().iter().next().expect("lot").clone();
    l.high_bid = Some(HighBid {
        amount: Money::from_tenge(1500),
        bidder: "P-04".into(),
        at: Timestamp(T0 + 2 * MIN),
        seq: 40,
    });
    let up = snapshot(&mut a, 40, vec![l.clone()], 1000);
    assert_eq!(alerts(&up), vec![(AlertKind::Outbid, "A".to_string())]);
    assert!(alerts(&snapshot(&mut a, 40, vec![l], 1000)).is_empty());
}

#[test]
fn watched_lot_entering_its_last_minutes_fires_once_even_across_snapshots() {
    let mut a = app(None, vec![lot("A"), lot("B")]);
    mark_watched(&mut a, "A");
    // Closes at T0+30 min, alert window 5 min: enters at T0+25 min.
    let enter = 1000 + 25 * MIN as u64;
    assert!(a.next_tick(Mono(1000)).is_some_and(|t| t <= Mono(enter)));
    let up = a.update(Msg::Tick, Mono(enter - 1));
    assert!(alerts(&up).is_empty());
    let up = a.update(Msg::Tick, Mono(enter));
    assert_eq!(alerts(&up), vec![(AlertKind::Closing, "A".to_string())]);
    assert_eq!(bells(&up), 1);
    assert!(alerts(&a.update(Msg::Tick, Mono(enter + 1000))).is_empty());
    let lots: Vec<Lot> = a.lots().iter().cloned().collect();
    assert!(alerts(&snapshot(&mut a, 10, lots.clone(), enter + 2000)).is_empty());
    assert!(alerts(&snapshot(&mut a, 10, lots, enter + 3000)).is_empty());
    // B is not watched: it never alerts.
    assert!(alerts(&a.update(Msg::Tick, Mono(enter + 60_000))).is_empty());
}

#[test]
fn closing_alert_again_only_after_leaving_the_window() {
    let mut a = app(None, vec![lot("A")]);
    mark_watched(&mut a, "A");
    let enter = 1000 + 25 * MIN as u64;
    assert_eq!(alerts(&a.update(Msg::Tick, Mono(enter))).len(), 1);
    // Resumed with a much later close: out of the window, then in again.
    let mut l = a.lots().iter().next().expect("lot").clone();
    l.closes_at = Timestamp(T0 + 60 * MIN);
    assert!(alerts(&snapshot(&mut a, 10, vec![l], enter)).is_empty());
    let again = 1000 + 55 * MIN as u64;
    assert!(alerts(&a.update(Msg::Tick, Mono(again - 1))).is_empty());
    assert_eq!(alerts(&a.update(Msg::Tick, Mono(again))).len(), 1);
}

#[test]
fn watching_a_lot_already_in_its_last_minutes_is_not_entering_them() {
    let mut l = lot("A");
    l.closes_at = Timestamp(T0 + 2 * MIN);
    let mut a = app(None, vec![l]);
    mark_watched(&mut a, "A");
    assert!(alerts(&a.update(Msg::Tick, Mono(2000))).is_empty());
}

#[test]
fn extension_on_a_watched_lot_fires_once() {
    let mut a = app(None, vec![lot("A"), lot("B")]);
    mark_watched(&mut a, "A");
    let up = events(
        &mut a,
        vec![
            extended(11, "A", T0 + 35 * MIN, 1),
            extended(12, "B", T0 + 35 * MIN, 1),
        ],
    );
    assert_eq!(alerts(&up), vec![(AlertKind::Extended, "A".to_string())]);
    assert!(alerts(&events(&mut a, vec![extended(11, "A", T0 + 35 * MIN, 1)])).is_empty());
    // Re-snapshot showing the same count: nothing; a higher count (an
    // extension seen only in the snapshot): one.
    let lots: Vec<Lot> = a.lots().iter().cloned().collect();
    assert!(alerts(&snapshot(&mut a, 12, lots.clone(), 1000)).is_empty());
    let lots: Vec<Lot> = lots
        .into_iter()
        .map(|mut l| {
            l.extensions += 1;
            l
        })
        .collect();
    assert_eq!(
        alerts(&snapshot(&mut a, 20, lots, 1000)),
        vec![(AlertKind::Extended, "A".to_string())]
    );
}

#[test]
fn notice_fires_once_and_two_alerts_ring_one_bell() {
    let mut a = app(Some("P-07"), vec![lot("A")]);
    events(&mut a, vec![bid(11, "A", 1000, "P-07")]);
    let notice = Event {
        seq: 13,
        at: Timestamp(T0 + MIN),
        lot_id: None,
        kind: EventKind::Notice {
            message: "Торги приостановлены".into(),
        },
    };
    let up = events(&mut a, vec![bid(12, "A", 1100, "P-01"), notice.clone()]);
    assert_eq!(
        alerts(&up),
        vec![
            (AlertKind::Outbid, "A".to_string()),
            (AlertKind::Notice, String::new())
        ]
    );
    assert_eq!(bells(&up), 1);
    assert!(alerts(&events(&mut a, vec![notice])).is_empty());
}

#[test]
fn the_flash_ends_by_itself_on_a_scheduled_tick() {
    let mut a = app(Some("P-07"), vec![lot("A")]);
    events(&mut a, vec![bid(11, "A", 1000, "P-07")]);
    events(&mut a, vec![bid(12, "A", 1100, "P-01")]);
    assert!(a.is_flashing("A", Mono(1000)));
    let end = Mono(1000 + FLASH_MS);
    assert!(a.next_tick(Mono(1000)).is_some_and(|t| t <= end));
    let up = a.update(Msg::Tick, end);
    assert!(up.redraw);
    assert!(!a.is_flashing("A", end));
}
