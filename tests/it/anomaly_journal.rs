//! Anomalies land in the journal: the app raises them from crafted sync
//! messages, and each `Effect::Anomaly` goes through the recorder (as the
//! monitor loop sends it) into the `anomalies` table, with the lot, the
//! server time, the kind and the evidence, in order with the messages.

use crate::support::journal_day;

use journal_day::{AUCTION, temp_dir};
use lotwatch::app::{App, AppOptions, Effect, Msg};
use lotwatch::domain::clock::Mono;
use lotwatch::domain::{Event, EventKind, HighBid, Lot, LotStatus, Money, Timestamp};
use lotwatch::journal::{Journal, JournalRecord, Receipt};
use lotwatch::sync::SyncMsg;

fn lot() -> Lot {
    let mut l = lotwatch::testing::test_lot();
    l.id = "401102".into();
    l.number = "401102".into();
    l.high_bid = Some(HighBid {
        amount: Money::from_tenge(1100),
        bidder: "P-07".into(),
        at: Timestamp(1000),
        seq: 3,
    });
    l
}

fn ev(seq: u64, at: i64, kind: EventKind) -> Event {
    Event {
        seq,
        at: Timestamp(at),
        lot_id: Some("401102".into()),
        kind,
    }
}

#[tokio::test]
async fn anomalies_are_journaled_with_their_evidence() {
    let dir = temp_dir("anomalies");
    let path = dir.join("j.sqlite");
    let j = Journal::open(&path).expect("open");
    let mut rec = j.recorder(AUCTION).expect("recorder");
    let mut app = App::new(AppOptions::default());
    let close = lot().closes_at;
    let msgs = vec![
        SyncMsg::Snapshot {
            seq: 5,
            lots: vec![lot()],
            rejected: vec![],
        },
        SyncMsg::Events(vec![
            // below the minimum of 1110
            ev(
                6,
                60_000,
                EventKind::Bid {
                    amount: Money::from_tenge(1105),
                    bidder: "P-02".into(),
                    closes_at: close,
                },
            ),
            // open -> sold: forbidden
            ev(
                7,
                61_000,
                EventKind::Status {
                    status_text: None,
                    status: LotStatus::Sold,
                    closes_at: close,
                    result: None,
                },
            ),
        ]),
    ];
    let mut journaled = 0;
    for (i, m) in msgs.into_iter().enumerate() {
        let r = Receipt {
            local: Timestamp(i as i64),
            server_est: None,
        };
        rec.record(&m, r).expect("record");
        let up = app.update(Msg::Sync(m), Mono(i as u64));
        for e in up.effects {
            if let Effect::Anomaly(a) = e {
                rec.append(JournalRecord::from(a), r).expect("append");
                journaled += 1;
            }
        }
    }
    rec.close().await.expect("close");
    let stored = Journal::open(&path)
        .expect("reopen")
        .anomalies()
        .expect("read");
    assert_eq!(journaled, stored.len());
    let kinds: Vec<&str> = stored.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "bid_below_minimum",
            "forbidden_transition",
            "result_mismatch"
        ]
    );
    assert!(stored.iter().all(|a| a.auction == AUCTION));
    assert!(stored.iter().all(|a| a.lot_id.as_deref() == Some("401102")));
    assert_eq!(stored[0].server_at, Some(Timestamp(60_000)));
    assert!(stored[0].evidence.contains("1105.00") && stored[0].evidence.contains("1110.00"));
    assert_eq!(stored[1].server_at, Some(Timestamp(61_000)));
    assert!(stored[1].evidence.contains("open -> sold"));
    assert!(stored[2].evidence.contains("sold without a result"));
    // the events themselves are journaled too
    assert_eq!(
        Journal::open(&path)
            .expect("reopen")
            .events(None)
            .expect("events")
            .len(),
        2
    );
}
