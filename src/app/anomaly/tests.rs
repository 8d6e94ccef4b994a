use super::*;
use crate::domain::{HighBid, LotResult, Money, SourceId};
use crate::sync::DataIssue;
use crate::testing::test_lot;

fn snap(lots: Vec<Lot>) -> SyncMsg {
    SyncMsg::Snapshot {
        seq: 10,
        lots,
        rejected: vec![],
    }
}

fn bid(seq: u64, at: i64, tenge: i64, closes_at: Timestamp) -> Event {
    Event {
        seq,
        at: Timestamp(at),
        lot_id: Some("L1".into()),
        kind: EventKind::Bid {
            amount: Money::from_tenge(tenge),
            bidder: "P-02".into(),
            closes_at,
        },
    }
}

fn status(seq: u64, at: i64, s: LotStatus, result: Option<LotResult>) -> Event {
    Event {
        seq,
        at: Timestamp(at),
        lot_id: Some("L1".into()),
        kind: EventKind::Status {
            status_text: None,
            status: s,
            closes_at: test_lot().closes_at,
            result,
        },
    }
}

fn with_high(tenge: i64) -> Lot {
    let mut l = test_lot();
    l.high_bid = Some(HighBid {
        amount: Money::from_tenge(tenge),
        bidder: "P-07".into(),
        at: Timestamp(1000),
        seq: 5,
    });
    l.bid_count = 1;
    l
}

fn kinds(v: &[Anomaly]) -> Vec<AnomalyKind> {
    v.iter().map(|a| a.kind).collect()
}

/// A detector and the store it reads the lots from, as the app holds them:
/// each message goes to the detector, then to the store.
struct Held {
    d: Detector,
    lots: crate::app::lots::LotStore,
}

impl Held {
    fn new(cfg: DetectorConfig) -> Held {
        Held {
            d: Detector::new(cfg),
            lots: Default::default(),
        }
    }

    fn observe(&mut self, msg: &SyncMsg, now: Option<Timestamp>) -> Vec<Anomaly> {
        let seen = crate::app::lots::SourceLots {
            store: &self.lots,
            src: SourceId::FIRST,
        };
        let out = self.d.observe(msg, now, &seen);
        match msg {
            SyncMsg::Snapshot { lots, .. } => {
                self.lots.replace(SourceId::FIRST, lots.clone(), now, None)
            }
            SyncMsg::Events(events) => {
                for ev in events {
                    self.lots.apply(SourceId::FIRST, ev, None);
                }
            }
            _ => {}
        }
        out
    }

    fn tick(&mut self, now: Timestamp) -> Option<Anomaly> {
        self.d.tick(now)
    }

    fn clock_offset(&mut self, offset: Option<i64>, now: Option<Timestamp>) -> Option<Anomaly> {
        self.d.clock_offset(offset, now)
    }
}

fn detector() -> Held {
    let mut d = Held::new(DetectorConfig {
        skew_threshold_ms: 2000,
        unreachable_after_ms: 30_000,
    });
    assert!(d.observe(&snap(vec![with_high(1100)]), None).is_empty());
    d
}

#[test]
fn valid_bids_and_soft_close_raise_nothing() {
    let mut d = detector();
    let close = test_lot().closes_at;
    let ev = vec![
        bid(11, 60_000, 1110, close),
        bid(12, close.0 - 1000, 1120, close.plus_secs(299)),
        Event {
            seq: 13,
            at: Timestamp(close.0 - 1000),
            lot_id: Some("L1".into()),
            kind: EventKind::Extended {
                closes_at: close.plus_secs(299),
                extensions: 1,
            },
        },
        // after the old close, before the extended one
        bid(14, close.0 + 5000, 1130, close.plus_secs(299)),
    ];
    assert_eq!(d.observe(&SyncMsg::Events(ev), None), vec![]);
}

#[test]
fn low_bid_evidence_names_amount_minimum_and_high() {
    let mut d = detector();
    let out = d.observe(
        &SyncMsg::Events(vec![bid(11, 60_000, 1105, test_lot().closes_at)]),
        None,
    );
    assert_eq!(kinds(&out), [AnomalyKind::BidBelowMinimum]);
    let e = &out[0].evidence;
    assert!(
        e.contains("1105.00") && e.contains("1110.00") && e.contains("seq 11"),
        "{e}"
    );
    assert_eq!(out[0].server_at, Timestamp(60_000));
    assert_eq!(out[0].lot_id.as_deref(), Some("L1"));
    // a bid equal to the high bid is not above it
    let out = d.observe(
        &SyncMsg::Events(vec![bid(12, 61_000, 1105, test_lot().closes_at)]),
        None,
    );
    assert!(
        out[0].evidence.contains("not above the high bid 1105.00"),
        "{out:?}"
    );
}

#[test]
fn late_bid_and_bid_on_a_closed_lot() {
    let mut d = detector();
    let close = test_lot().closes_at;
    let out = d.observe(&SyncMsg::Events(vec![bid(11, close.0, 1200, close)]), None);
    assert_eq!(kinds(&out), [AnomalyKind::BidAfterClose]);
    assert!(out[0].evidence.contains(&close.to_rfc3339()));
    // closed, then a bid: late as well
    let out = d.observe(
        &SyncMsg::Events(vec![
            status(12, close.0, LotStatus::Closed, None),
            bid(13, close.0 + 10, 1300, close),
        ]),
        None,
    );
    assert_eq!(kinds(&out), [AnomalyKind::BidAfterClose]);
}

#[test]
fn statuses_allowed_and_forbidden() {
    let mut d = Held::new(DetectorConfig::default());
    let mut l = test_lot();
    l.status = LotStatus::Scheduled;
    d.observe(&snap(vec![l]), None);
    // open and unsold at the same instant: allowed
    let out = d.observe(
        &SyncMsg::Events(vec![
            status(11, 0, LotStatus::Open, None),
            status(12, 0, LotStatus::Unsold, None),
        ]),
        None,
    );
    assert!(out.is_empty(), "{out:?}");
    let out = d.observe(
        &SyncMsg::Events(vec![status(13, 5, LotStatus::Open, None)]),
        None,
    );
    assert_eq!(kinds(&out), [AnomalyKind::ForbiddenTransition]);
    assert!(out[0].evidence.contains("unsold -> open"), "{out:?}");
}

#[test]
fn resnapshot_judges_only_changes_and_allows_skipped_statuses() {
    let mut d = Held::new(DetectorConfig::default());
    let mut l = test_lot();
    l.status = LotStatus::Scheduled;
    l.soft_close.max_extensions = Some(1);
    l.extensions = 3; // over the cap from the start: raised once
    let out = d.observe(&snap(vec![l.clone()]), None);
    assert_eq!(kinds(&out), [AnomalyKind::TooManyExtensions]);
    // the same snapshot again: nothing new
    assert!(d.observe(&snap(vec![l.clone()]), None).is_empty());
    // scheduled -> closed after a gap: reachable through open
    l.status = LotStatus::Closed;
    assert!(d.observe(&snap(vec![l.clone()]), None).is_empty());
    // closed -> open is never reachable
    l.status = LotStatus::Open;
    let out = d.observe(&snap(vec![l]), None);
    assert_eq!(kinds(&out), [AnomalyKind::ForbiddenTransition]);
}

#[test]
fn high_bid_falling_in_a_snapshot() {
    let mut d = detector();
    let out = d.observe(&snap(vec![with_high(1050)]), Some(Timestamp(7)));
    assert_eq!(kinds(&out), [AnomalyKind::HighBidFell]);
    assert!(out[0].evidence.contains("1100.00") && out[0].evidence.contains("1050.00"));
    assert_eq!(out[0].server_at, Timestamp(7));
}

#[test]
fn extensions_over_the_cap_in_the_feed() {
    let mut d = Held::new(DetectorConfig::default());
    let mut l = test_lot();
    l.soft_close.max_extensions = Some(2);
    l.extensions = 2;
    d.observe(&snap(vec![l]), None);
    let out = d.observe(
        &SyncMsg::Events(vec![Event {
            seq: 11,
            at: Timestamp(100),
            lot_id: Some("L1".into()),
            kind: EventKind::Extended {
                closes_at: Timestamp(3_000_000),
                extensions: 3,
            },
        }]),
        None,
    );
    assert_eq!(kinds(&out), [AnomalyKind::TooManyExtensions]);
    assert!(
        out[0].evidence.contains("extension 3") && out[0].evidence.contains("max_extensions 2")
    );
}

#[test]
fn sold_result_must_be_the_last_high_bid() {
    let mut d = detector();
    let close = test_lot().closes_at;
    let good = LotResult {
        winner: "P-07".into(),
        amount: Money::from_tenge(1100),
        protocol_at: close,
    };
    let out = d.observe(
        &SyncMsg::Events(vec![
            status(11, close.0, LotStatus::Closed, None),
            status(12, close.0, LotStatus::Sold, Some(good.clone())),
        ]),
        None,
    );
    assert!(out.is_empty(), "{out:?}");
    // another lot sold to the wrong amount
    let mut d = detector();
    let bad = LotResult {
        amount: Money::from_tenge(1000),
        ..good
    };
    let out = d.observe(
        &SyncMsg::Events(vec![
            status(11, close.0, LotStatus::Closed, None),
            status(12, close.0, LotStatus::Sold, Some(bad)),
        ]),
        None,
    );
    assert_eq!(kinds(&out), [AnomalyKind::ResultMismatch]);
    assert!(out[0].evidence.contains("1000.00") && out[0].evidence.contains("1100.00"));
    // and a re-snapshot of that sold lot does not raise it again
    let l = d
        .lots
        .get(SourceId::FIRST, "L1")
        .map(|(l, _)| l.clone())
        .expect("held");
    assert!(d.observe(&snap(vec![l]), None).is_empty());
}

#[test]
fn seq_gap_from_the_engine_issue() {
    let mut d = detector();
    let gap = crate::sync::SeqGap { after: 7, got: 9 };
    let out = d.observe(&SyncMsg::SeqGap(gap), Some(Timestamp(5)));
    assert_eq!(kinds(&out), [AnomalyKind::SeqGap]);
    assert!(out[0].evidence.contains("seq 9"));
    // other data issues are not anomalies
    let other = DataIssue {
        lot_id: None,
        field: "lots[0].amount".into(),
        problem: "bad".into(),
    };
    assert!(d.observe(&SyncMsg::DataIssue(other), None).is_empty());
}

#[test]
fn skew_raised_on_crossing_and_again_only_after_recovery() {
    let mut d = detector();
    assert!(d.clock_offset(Some(1500), None).is_none());
    let a = d
        .clock_offset(Some(-4200), Some(Timestamp(9)))
        .expect("over");
    assert_eq!(a.kind, AnomalyKind::ClockSkew);
    assert!(a.evidence.contains("-4.200"), "{}", a.evidence);
    assert!(d.clock_offset(Some(-5000), None).is_none());
    assert!(d.clock_offset(Some(100), None).is_none());
    assert!(d.clock_offset(Some(3000), None).is_some());
}

#[test]
fn unreachable_after_threshold_once_per_outage() {
    let mut d = detector();
    let retry = SyncMsg::Link(LinkState::Retrying {
        attempt: 1,
        cause: LinkCause::Refused,
    });
    assert!(d.observe(&retry, Some(Timestamp(1_000))).is_empty());
    let off = SyncMsg::Link(LinkState::Offline {
        since: Timestamp(1_000),
        cause: LinkCause::Refused,
    });
    assert!(d.observe(&off, Some(Timestamp(20_000))).is_empty());
    assert!(d.tick(Timestamp(30_999)).is_none());
    let a = d.tick(Timestamp(31_000)).expect("30 s down");
    assert_eq!(a.kind, AnomalyKind::Unreachable);
    assert!(a.evidence.contains("30 s") && a.evidence.contains("connection refused"));
    assert!(d.tick(Timestamp(90_000)).is_none());
    d.observe(&SyncMsg::Link(LinkState::Live), Some(Timestamp(91_000)));
    assert!(d.tick(Timestamp(200_000)).is_none());
    d.observe(&retry, Some(Timestamp(200_000)));
    assert!(d.tick(Timestamp(230_000)).is_some());
}

#[test]
fn bid_history_and_unknown_lots_are_not_judged() {
    let mut d = detector();
    let hist = SyncMsg::Bids {
        lot_id: "L1".into(),
        bids: vec![crate::domain::Bid {
            seq: 1,
            at: Timestamp(0),
            amount: Money::from_tenge(1),
            bidder: "P-01".into(),
        }],
    };
    assert!(d.observe(&hist, None).is_empty());
    let mut ev = bid(11, 0, 1, test_lot().closes_at);
    ev.lot_id = Some("nope".into());
    assert!(d.observe(&SyncMsg::Events(vec![ev]), None).is_empty());
}
