//! The simulator's engine over whole days with fake time: the feed it produces
//! obeys every rule of the contract, and any sequence of bid attempts keeps
//! the invariants.

use lotwatch::domain::rules;
use lotwatch::domain::{Event, EventKind, Lot, LotStatus, Money, Timestamp};
use lotwatch::sim::{Engine, Scenario};
use proptest::prelude::*;
use std::collections::HashMap;

fn start() -> Timestamp {
    Timestamp::parse("2025-06-24T05:00:00.000Z").unwrap()
}

/// Plays a day to its end, reading the feed in pages as a client would.
fn play(scenario: &Scenario, seed: u64, speed: f64) -> (Vec<Lot>, Vec<Event>, Engine) {
    let mut e = Engine::new(scenario, seed, start(), speed);
    let initial = e.lots().to_vec();
    let mut events = Vec::new();
    let mut guard = 0;
    while let Some(due) = e.next_due() {
        e.advance_to(due);
        loop {
            let after = events.last().map_or(0, |ev: &Event| ev.seq);
            let page = e
                .events_after(after, 500)
                .expect("read often enough to stay inside history");
            if page.is_empty() {
                break;
            }
            events.extend(page);
        }
        guard += 1;
        assert!(guard < 1_000_000, "the day does not end");
    }
    (initial, events, e)
}

#[derive(Default, Debug)]
struct Tally {
    sold: usize,
    unsold: usize,
    cancelled: usize,
    suspended: usize,
    extended: usize,
    bids: usize,
    notices: usize,
    lot_changes: usize,
}

/// Replays the feed onto the initial lots, checking each event against the
/// rules before applying it; returns what happened.
fn check_feed(initial: &[Lot], events: &[Event], final_lots: &[Lot]) -> Tally {
    let mut lots: HashMap<String, Lot> =
        initial.iter().map(|l| (l.id.clone(), l.clone())).collect();
    let mut t = Tally::default();
    let mut prev: Option<&Event> = None;
    for ev in events {
        if let Some(p) = prev {
            assert_eq!(ev.seq, p.seq + 1, "seq gap after {}", p.seq);
            assert!(ev.at >= p.at, "time went back at seq {}", ev.seq);
        } else {
            assert_eq!(ev.seq, 1);
        }
        match &ev.kind {
            EventKind::Notice { message } => {
                assert!(ev.lot_id.is_none() && !message.is_empty());
                t.notices += 1;
            }
            EventKind::Bid {
                amount, closes_at, ..
            } => {
                let lot = &lots[ev.lot_id.as_ref().unwrap()];
                rules::check_bid(lot, *amount, ev.at)
                    .unwrap_or_else(|e| panic!("seq {}: invalid bid: {e}", ev.seq));
                let (expect_close, _) = rules::close_after_bid(lot, ev.at);
                assert_eq!(*closes_at, expect_close, "seq {}", ev.seq);
                t.bids += 1;
            }
            EventKind::Extended { extensions, .. } => {
                let p = prev.expect("an extension follows a bid");
                assert!(
                    matches!(p.kind, EventKind::Bid { .. }) && p.lot_id == ev.lot_id,
                    "seq {}",
                    ev.seq
                );
                let lot = &lots[ev.lot_id.as_ref().unwrap()];
                assert_eq!(*extensions, lot.extensions + 1);
                assert!(
                    lot.soft_close
                        .max_extensions
                        .is_none_or(|m| *extensions <= m)
                );
                t.extended += 1;
            }
            EventKind::Status { status, result, .. } => {
                let lot = &lots[ev.lot_id.as_ref().unwrap()];
                assert!(
                    rules::transition_allowed(&lot.status, status),
                    "seq {}: {:?} -> {:?}",
                    ev.seq,
                    lot.status,
                    status
                );
                match status {
                    LotStatus::Closed => {
                        assert!(ev.at >= lot.closes_at, "closed early at seq {}", ev.seq)
                    }
                    LotStatus::Sold => {
                        let r = result.as_ref().expect("sold carries a result");
                        let h = lot.high_bid.as_ref().expect("sold without a bid");
                        assert_eq!((r.amount, &r.winner), (h.amount, &h.bidder));
                        assert!(lot.participants >= lot.min_participants);
                        t.sold += 1;
                    }
                    LotStatus::Unsold => {
                        assert!(lot.high_bid.is_none() || lot.participants < lot.min_participants);
                        t.unsold += 1;
                    }
                    LotStatus::Cancelled => t.cancelled += 1,
                    LotStatus::Suspended => t.suspended += 1,
                    _ => {}
                }
                if *status != LotStatus::Sold {
                    assert!(result.is_none());
                }
            }
            EventKind::Lot(new) => {
                let lot = &lots[ev.lot_id.as_ref().unwrap()];
                assert_eq!(new.id, lot.id);
                assert_eq!(
                    new.status, lot.status,
                    "a lot event does not change the status"
                );
                assert_eq!(
                    lot.status,
                    LotStatus::Scheduled,
                    "only scheduled lots are moved"
                );
                assert!(
                    new.opens_at > ev.at
                        && new.opens_at.until(new.closes_at) == lot.opens_at.until(lot.closes_at)
                );
                t.lot_changes += 1;
            }
            other => panic!("unexpected event {other:?}"),
        }
        if let Some(id) = &ev.lot_id {
            lots.get_mut(id).unwrap().apply(ev);
        }
        prev = Some(ev);
    }
    for l in final_lots {
        assert_eq!(
            &lots[&l.id], l,
            "replaying the feed gives the engine's lot {}",
            l.id
        );
        assert!(l.status.is_final(), "lot {} ended {:?}", l.id, l.status);
    }
    t
}

#[test]
fn the_june_day_plays_to_the_end_by_the_rules() {
    let scenario = Scenario::june_2025();
    for (seed, speed) in [(2025, 1.0), (7, 30.0), (99, 600.0)] {
        let (initial, events, engine) = play(&scenario, seed, speed);
        let t = check_feed(&initial, &events, engine.lots());
        eprintln!("seed {seed} speed {speed}: {t:?}, {} events", events.len());
        assert_eq!(t.sold + t.unsold + t.cancelled, 50, "{t:?}");
        assert!(t.sold >= 25, "{t:?}");
        assert!(
            t.unsold >= 4,
            "two with too few participants, two without bids: {t:?}"
        );
        assert_eq!(
            (t.cancelled, t.suspended, t.lot_changes),
            (1, 1, 1),
            "{t:?}"
        );
        assert!(t.extended >= 10, "bids crowd the close: {t:?}");
        assert!(
            t.notices >= 4,
            "cancel, suspend, resume and postpone notices: {t:?}"
        );
        assert_eq!(
            engine.auction().status,
            lotwatch::domain::AuctionStatus::Finished
        );
        // the sold result is the last high bid, also in the snapshot
        for l in engine.lots().iter().filter(|l| l.status == LotStatus::Sold) {
            let bids = engine.bids(&l.id, 0).unwrap();
            let last = bids.last().unwrap();
            assert_eq!(l.result.as_ref().unwrap().amount, last.amount);
            assert_eq!(l.bid_count as usize, bids.len());
        }
    }
}

#[test]
fn a_generated_day_of_ten_thousand_lots_plays_by_the_rules() {
    let scenario = Scenario::generated(10_000, 5);
    let (initial, events, engine) = play(&scenario, 5, 50.0);
    let t = check_feed(&initial, &events, engine.lots());
    assert_eq!(t.sold + t.unsold, 10_000);
}

#[test]
fn suspension_moves_the_close_by_the_pause() {
    let scenario = Scenario::test_small();
    let spec = scenario.lots.iter().find(|l| l.suspend.is_some()).unwrap();
    let (initial, events, _) = play(&scenario, 3, 1.0);
    let planned = initial.iter().find(|l| l.id == spec.id).unwrap().closes_at;
    let statuses: Vec<_> = events
        .iter()
        .filter(|e| e.lot_id.as_deref() == Some(&spec.id))
        .filter_map(|e| match &e.kind {
            EventKind::Status {
                status, closes_at, ..
            } => Some((status.clone(), *closes_at, e.at)),
            _ => None,
        })
        .collect();
    let susp = statuses
        .iter()
        .position(|s| s.0 == LotStatus::Suspended)
        .unwrap();
    let (_, closes_after_resume, resumed_at) = &statuses[susp + 1];
    assert_eq!(statuses[susp + 1].0, LotStatus::Open);
    let pause = statuses[susp].2.until(*resumed_at);
    assert_eq!(
        pause,
        i64::from(spec.suspend.as_ref().unwrap().for_s) * 1000
    );
    assert!(*closes_after_resume >= planned.plus_millis(pause));
}

// ---- property: any sequence of bid attempts keeps the invariants ----

#[derive(Debug, Clone)]
struct Attempt {
    wait_ms: i64,
    /// Steps of the increment above (or below, negative) the next minimum.
    steps: i64,
    tiyn: i64,
    bidder: u8,
}

fn attempt() -> impl Strategy<Value = Attempt> {
    (0i64..120_000, -3i64..4, 0i64..100, 0u8..6).prop_map(|(wait_ms, steps, tiyn, bidder)| {
        Attempt {
            wait_ms,
            steps,
            tiyn,
            bidder,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn bid_attempts_keep_the_invariants(attempts in prop::collection::vec(attempt(), 1..80), max_ext in prop::option::of(0u32..4)) {
        let mut scenario = Scenario::test_small();
        scenario.lots.retain(|l| l.id == "T1");
        scenario.lots[0].appetite_pct = 0; // only our bids
        scenario.lots[0].soft_close.max_extensions = max_ext;
        let mut e = Engine::new(&scenario, 1, start(), 1.0);
        e.advance_to(start());
        let mut now = start();
        let mut accepted = 0u32;
        for a in &attempts {
            now = now.plus_millis(a.wait_ms);
            e.advance_to(now);
            let before = e.lots()[0].clone();
            let min = rules::next_min_bid(&before).expect("a known start");
            let amount = Money::from_tiyn((min.tiyn() + a.steps * before.min_increment.tiyn() + a.tiyn).max(0));
            let expected_ok = rules::check_bid(&before, amount, now).is_ok();
            let res = e.submit_bid("T1", &format!("P-{:02}", a.bidder), amount);
            prop_assert_eq!(res.is_ok(), expected_ok);
            let after = &e.lots()[0];
            if res.is_ok() {
                accepted += 1;
                prop_assert_eq!(after.high_bid.as_ref().unwrap().amount, amount);
                prop_assert!(after.closes_at >= before.closes_at);
                prop_assert!(after.extensions <= before.extensions + 1);
            } else {
                prop_assert_eq!(after, &before);
            }
            prop_assert!(max_ext.is_none_or(|m| after.extensions <= m));
        }
        e.advance_to(now.plus_secs(100_000));
        let (initial, events) = {
            let mut s = Engine::new(&scenario, 1, start(), 1.0);
            s.advance_to(start().plus_millis(-1));
            (s.lots().to_vec(), e.events_after(0, usize::MAX).unwrap())
        };
        let t = check_feed(&initial, &events, e.lots());
        prop_assert_eq!(t.bids as u32, accepted);
        prop_assert_eq!(e.lots()[0].bid_count, accepted);
    }
}
