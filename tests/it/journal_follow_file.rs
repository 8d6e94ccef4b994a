//! `--follow day.sqlite`: the follower over a journal file another process
//! writes (here a writer of this test) delivers each event once, in order,
//! as the messages the sync engine would send, and says how fresh it is.

use crate::journal_support;

use journal_support::{AUCTION, batches, day, temp_dir};
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
            Ok(Some(SyncMsg::Events(v))) => got.extend(v),
            Ok(Some(SyncMsg::Snapshot { .. })) => snapshots += 1,
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
            .expect("the follower runs");
        match m {
            SyncMsg::Events(v) => events_before_live += v.len(),
            SyncMsg::Link(lotwatch::sync::LinkState::Live) => break,
            _ => {}
        }
    }
    assert_eq!(events_before_live, d.events.len());
}
