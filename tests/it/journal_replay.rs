//! Replay: a recorded day played back through the same messages ends in the
//! same state as the live run, step by step, with the recorded timing.

use crate::support::journal_day;

use journal_day::{AUCTION, T0, apply, batches, day, temp_dir};
use lotwatch::domain::{Auction, AuctionStatus, Currency, Lot, Rate, Timestamp};
use lotwatch::journal::{Journal, Receipt, Replay};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sync::SyncMsg;
use std::time::Duration;

/// The app's handling of the messages that change lots.
fn fold(lots: &mut Vec<Lot>, msg: &SyncMsg) {
    match msg {
        SyncMsg::Snapshot { lots: l, .. } => *lots = l.clone(),
        SyncMsg::Events(ev) => apply(lots, ev),
        _ => {}
    }
}

/// A live session: auction, rates, snapshot, feed batches, a re-snapshot in
/// the middle (as after a 410), more batches; each with its arrival time.
fn live_session() -> Vec<(Receipt, SyncMsg)> {
    let d = day(21, 4, 400);
    let mut msgs = Vec::new();
    let mut t = T0 - 2_000;
    let mut at = |dt: i64| {
        t += dt;
        Receipt {
            local: Timestamp(t),
            server_est: Some(Timestamp(t - 250)),
        }
    };
    let auction = Auction {
        id: AUCTION.into(),
        title: "Аукцион прав недропользования, июнь 2025".into(),
        venue: "Единая платформа".into(),
        timezone: "Asia/Almaty".into(),
        currency: "KZT".into(),
        starts_at: Timestamp(T0),
        ends_at: Timestamp(T0 + 7 * 3_600_000),
        status: AuctionStatus::Running,
    };
    msgs.push((at(0), SyncMsg::Auction(auction)));
    let mut rates = RateTable {
        source: RateSource::Platform,
        date: Some("2025-06-24".parse().expect("date")),
        rates: Default::default(),
        fetched_at: Timestamp(T0 - 1_000),
        fallback: None,
    };
    rates
        .rates
        .insert(Currency::Usd, Rate("519.53".parse().expect("rate")));
    rates
        .rates
        .insert(Currency::Cny, Rate("72.31".parse().expect("rate")));
    msgs.push((at(40), SyncMsg::Rates(rates)));
    msgs.push((
        at(60),
        SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: Vec::new(),
        },
    ));
    let bs = batches(&d.events, 22, 6);
    let mid = bs.len() / 2;
    let mut state = d.lots.clone();
    let mut prev = T0;
    for (i, b) in bs.iter().enumerate() {
        apply(&mut state, b);
        // Arrivals follow the events' own spacing (long gaps shortened).
        let gap = (b[0].at.0 - prev).clamp(5, 30_000);
        prev = b[0].at.0;
        msgs.push((at(gap), SyncMsg::Events(b.clone())));
        if i == mid {
            let seq = b.last().map(|e| e.seq).expect("non-empty batch");
            msgs.push((
                at(300),
                SyncMsg::Snapshot {
                    seq,
                    lots: state.clone(),
                    rejected: Vec::new(),
                },
            ));
        }
    }
    msgs
}

#[test]
fn a_replayed_day_goes_through_the_same_states_as_the_live_run() {
    let dir = temp_dir("replay");
    let path = dir.join("day.sqlite");
    let live = live_session();
    {
        let j = Journal::open(&path).expect("open");
        let w = j.writer(AUCTION).expect("writer");
        for (r, m) in &live {
            w.record_sync_msg(m, *r).expect("record");
        }
        w.flush().expect("flush");
    }
    let mut live_states = Vec::new();
    let mut lots = Vec::new();
    for (_, m) in &live {
        fold(&mut lots, m);
        live_states.push(lots.clone());
    }

    let mut replay = Replay::load(&path).expect("load");
    assert_eq!(replay.len(), live.len());
    replay.set_speed(10.0);
    let mut lots = Vec::new();
    let mut states = Vec::new();
    let mut waited = Duration::ZERO;
    let mut got = Vec::new();
    while let Some(wait) = replay.until_next() {
        waited += wait;
        for m in replay.advance(wait) {
            fold(&mut lots, &m);
            states.push(lots.clone());
            got.push(m);
        }
    }
    assert!(replay.is_finished());
    assert_eq!(replay.position(), live.len());
    assert_eq!(states.len(), live_states.len());
    for (i, (a, b)) in states.iter().zip(&live_states).enumerate() {
        assert!(a == b, "state after message {i} differs");
    }
    assert_eq!(lots, *live_states.last().expect("states"));
    // Auction and rates come back as they were sent.
    match (&got[0], &live[0].1) {
        (SyncMsg::Auction(a), SyncMsg::Auction(b)) => assert_eq!(a, b),
        other => panic!("first message: {other:?}"),
    }
    match (&got[1], &live[1].1) {
        (SyncMsg::Rates(a), SyncMsg::Rates(b)) => {
            assert_eq!((&a.rates, a.date, &a.source), (&b.rates, b.date, &b.source));
        }
        other => panic!("second message: {other:?}"),
    }
    // The waits add up to the recorded span at ten times the speed.
    let span = live.last().expect("msgs").0.local.0 - live[0].0.local.0;
    let want = Duration::from_millis(span as u64) / 10;
    let diff = waited.abs_diff(want);
    assert!(
        diff < Duration::from_millis(50),
        "waited {waited:?}, recorded span/10 {want:?}"
    );
    // The server time at the end is the last message's estimate.
    let last = live.last().expect("msgs").0;
    assert_eq!(replay.server_now(), last.server_est);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn stepping_by_hand_visits_every_message_in_order() {
    let dir = temp_dir("step");
    let path = dir.join("day.sqlite");
    let live = live_session();
    {
        let j = Journal::open(&path).expect("open");
        let w = j.writer(AUCTION).expect("writer");
        for (r, m) in &live {
            w.record_sync_msg(m, *r).expect("record");
        }
        w.flush().expect("flush");
    }
    let mut replay = Replay::load(&path).expect("load");
    replay.toggle_pause();
    let mut seqs = Vec::new();
    while let Some(m) = replay.step() {
        if let SyncMsg::Events(ev) = m {
            seqs.extend(ev.iter().map(|e| e.seq));
        }
        assert!(
            replay.advance(Duration::from_secs(3_600)).is_empty(),
            "paused"
        );
    }
    let want: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, want);
    let _ = std::fs::remove_dir_all(dir);
}
