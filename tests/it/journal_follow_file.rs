//! `--follow day.sqlite`: the follower over a journal file another process
//! writes (here a writer of this test) delivers each event once, in order,
//! as the messages the sync engine would send, and says how fresh it is.

use crate::support::journal_day;

use journal_day::{AUCTION, batches, day, temp_dir};
use lotwatch::domain::Timestamp;
use lotwatch::journal::follow::{self, FollowOptions};
use lotwatch::journal::{Journal, Receipt};
use lotwatch::sync::SyncMsg;
use std::time::{Duration, Instant};

#[test]
fn a_follower_of_a_file_gets_every_event_once_as_it_is_written() {
    let dir = temp_dir("follow-file");
    let path = dir.join("day.sqlite");
    let d = day(4, 3, 120);
    let j = Journal::open(&path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    let now = Receipt::now(None).local.0;
    let at = |i: i64| Receipt {
        local: Timestamp(now + i),
        server_est: Some(Timestamp(now + i - 50)),
    };
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: vec![],
        },
        at(0),
    )
    .unwrap();
    let bs = batches(&d.events, 3, 8);
    let half = bs.len() / 2;
    for (i, b) in bs[..half].iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(1 + i as i64))
            .unwrap();
    }
    w.flush().unwrap();

    let opts = FollowOptions {
        poll: Duration::from_millis(100),
        ..FollowOptions::default()
    };
    let mut f = follow::start(&path, opts).expect("follow the file");
    for (i, b) in bs[half..].iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(100 + i as i64))
            .unwrap();
    }
    w.flush().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut got = Vec::new();
    let mut snapshots = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < d.events.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "only {} of {} events",
            got.len(),
            d.events.len()
        );
        match rt.block_on(async { tokio::time::timeout(left, f.msgs.recv()).await }) {
            Ok(Some((_, SyncMsg::Events(v)))) => got.extend(v),
            Ok(Some((_, SyncMsg::Snapshot { .. }))) => snapshots += 1,
            _ => {}
        }
    }
    assert_eq!(got, d.events, "every event once, in order");
    assert_eq!(snapshots, 1);
    let fresh = f.freshness.borrow().clone();
    assert_eq!(fresh.writers, 1);
    assert!(
        fresh.last_record.is_some_and(|t| t.0 >= now + 100),
        "{fresh:?}"
    );
    // A missing file is an error at start, never created.
    let e = follow::start(&dir.join("none.sqlite"), FollowOptions::default())
        .err()
        .expect("missing");
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!dir.join("none.sqlite").exists());
}

/// What the journal held when the follower started comes before the link
/// goes live: the screen takes that as the end of the history, and rings no
/// alert for it (`FollowDriver::announces`).
#[test]
fn the_history_comes_before_the_link_goes_live() {
    let dir = temp_dir("follow-history");
    let path = dir.join("day.sqlite");
    let d = day(5, 3, 60);
    let j = Journal::open(&path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    let now = Receipt::now(None).local.0;
    let at = |i: i64| Receipt {
        local: Timestamp(now + i),
        server_est: Some(Timestamp(now + i)),
    };
    let snapshot = SyncMsg::Snapshot {
        seq: 0,
        lots: d.lots.clone(),
        rejected: vec![],
    };
    w.record_sync_msg(&snapshot, at(0)).unwrap();
    w.record_sync_msg(&SyncMsg::Events(d.events.clone()), at(1))
        .unwrap();
    w.flush().unwrap();
    let mut f = follow::start(&path, FollowOptions::default()).expect("follow the file");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut events_before_live = 0;
    loop {
        let m = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), f.msgs.recv()).await })
            .expect("the link goes live within 10 s")
            .expect("the follower runs")
            .1;
        match m {
            SyncMsg::Events(v) => events_before_live += v.len(),
            SyncMsg::Link(lotwatch::sync::LinkState::Live) => break,
            _ => {}
        }
    }
    assert_eq!(events_before_live, d.events.len());
}

/// Issue 28.5: the Bids pane of a follower filled for good. The lot in view
/// is answered from the journal with every bid it holds of that lot (the
/// bid history a writer fetched and the feed's bids, once each), and the
/// histories the writers fetched for their own lots in view are not passed
/// on as if they were the follower's.
#[test]
fn a_follower_answers_the_lot_in_view_with_its_bids_from_the_journal() {
    use lotwatch::domain::{Bid, EventKind};
    let dir = temp_dir("follow-bids");
    let path = dir.join("day.sqlite");
    let d = day(6, 3, 90);
    let bids_of = |lot: &str| -> Vec<Bid> {
        d.events
            .iter()
            .filter(|e| e.lot_id.as_deref() == Some(lot))
            .filter_map(|e| match &e.kind {
                EventKind::Bid { amount, bidder, .. } => Some(Bid {
                    seq: e.seq,
                    at: e.at,
                    amount: *amount,
                    bidder: bidder.clone(),
                }),
                _ => None,
            })
            .collect()
    };
    let (a, b) = (d.lots[0].id.clone(), d.lots[1].id.clone());
    let want = bids_of(&a);
    assert!(want.len() >= 4, "a lot with bids: {}", want.len());
    let j = Journal::open(&path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    let at = Receipt::now(None);
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: vec![],
        },
        at,
    )
    .unwrap();
    // The writer fetched lot A's history after its first two bids, and
    // later lot B's; the feed carried every bid (A's first two again).
    let (first_two, _) = want.split_at(2);
    let early = first_two[1].seq;
    w.record_sync_msg(
        &SyncMsg::Events(
            d.events
                .iter()
                .filter(|e| e.seq <= early)
                .cloned()
                .collect(),
        ),
        at,
    )
    .unwrap();
    w.record_sync_msg(
        &SyncMsg::Bids {
            lot_id: a.clone(),
            bids: first_two.to_vec(),
        },
        at,
    )
    .unwrap();
    w.record_sync_msg(
        &SyncMsg::Events(d.events.iter().filter(|e| e.seq > early).cloned().collect()),
        at,
    )
    .unwrap();
    w.record_sync_msg(
        &SyncMsg::Bids {
            lot_id: b.clone(),
            bids: bids_of(&b),
        },
        at,
    )
    .unwrap();
    w.flush().unwrap();

    let opts = FollowOptions {
        poll: Duration::from_millis(100),
        ..FollowOptions::default()
    };
    let mut f = follow::start(&path, opts).expect("follow the file");
    f.view.send_replace((1, Some(a.clone())));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let got = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no answer for the lot in view");
        match rt.block_on(async { tokio::time::timeout(left, f.msgs.recv()).await }) {
            Ok(Some((_, SyncMsg::Bids { lot_id, bids }))) => {
                assert_eq!(lot_id, a, "only the follower's lot in view is answered");
                break bids;
            }
            Ok(Some(_)) => {}
            other => panic!("the follower stopped: {other:?}"),
        }
    };
    let key = |v: &[Bid]| {
        v.iter()
            .map(|b| (b.seq, b.at, b.amount))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&got), key(&want), "every bid of the lot once, in order");
    // Another lot in view: answered at once, not at the next record.
    f.view.send_replace((2, Some(b.clone())));
    let got = loop {
        match rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), f.msgs.recv()).await })
        {
            Ok(Some((_, SyncMsg::Bids { lot_id, bids }))) => {
                assert_eq!(lot_id, b);
                break bids;
            }
            Ok(Some(_)) => {}
            other => panic!("no answer for the second lot: {other:?}"),
        }
    };
    assert_eq!(key(&got), key(&bids_of(&b)));
}
