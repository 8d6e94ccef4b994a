//! Faults of the feed itself: a seq gap and a 410 each lead to a
//! re-snapshot (and nothing after the gap is delivered as events); a skewed
//! server clock is followed; malformed events are reported without breaking
//! the seq order.

use crate::support::common;

use common::*;
use lotwatch::domain::clock::ServerClock;
use lotwatch::domain::{EventKind, Timestamp};
use lotwatch::sync::{SyncMsg, spawn};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LONG: Duration = Duration::from_secs(15);

fn events_once(after: u64, body: serde_json::Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .and(query_param("after", after.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .up_to_n_times(1)
        .with_priority(1)
}

#[tokio::test]
async fn a_seq_gap_leads_to_a_resnapshot() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A", "B"]).await;
    // 6 and 7 arrive, then 9: 8 is lost.
    server
        .register(events_once(
            5,
            events_body(
                7,
                vec![
                    bid_event(6, "A", "41000000.00"),
                    bid_event(7, "A", "43000000.00"),
                ],
            ),
        ))
        .await;
    server
        .register(events_once(
            7,
            events_body(9, vec![bid_event(9, "A", "47000000.00")]),
        ))
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 2)));
    match c.until(LONG, |m| matches!(m, SyncMsg::Events(_))).await {
        Some(SyncMsg::Events(ev)) => {
            assert_eq!(ev.iter().map(|e| e.seq).collect::<Vec<_>>(), [6, 7])
        }
        other => panic!("{other:?}"),
    }
    // The gap: a new snapshot, and event 9 never reaches the app as an event.
    assert_eq!(c.snapshot(LONG).await, Some((5, 2)));
    assert!(
        !c.seen
            .iter()
            .any(|m| matches!(m, SyncMsg::Events(ev) if ev.iter().any(|e| e.seq == 9)))
    );
    assert_eq!(count(&server, Some("/api/v1/lots")).await, 2);
}

#[tokio::test]
async fn gone_leads_to_a_resnapshot_from_its_seq() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let gone = json!({"error": {"code": "gone", "message": "history trimmed"}});
    server
        .register(
            Mock::given(method("GET"))
                .and(path("/api/v1/events"))
                .and(query_param("after", "5"))
                .respond_with(ResponseTemplate::new(410).set_body_json(gone))
                .up_to_n_times(1)
                .with_priority(1),
        )
        .await;
    // The first read of the lots is at seq 5; after the 410 the platform is at 40.
    server
        .register(
            Mock::given(method("GET"))
                .and(path("/api/v1/lots"))
                .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(5, &["A"])))
                .up_to_n_times(1)
                .with_priority(1),
        )
        .await;
    server
        .register(
            Mock::given(method("GET"))
                .and(path("/api/v1/lots"))
                .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(40, &["A", "B"])))
                .with_priority(2),
        )
        .await;
    server
        .register(
            Mock::given(method("GET"))
                .and(path("/api/v1/events"))
                .and(query_param("after", "40"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(events_body(40, vec![]))
                        .set_delay(Duration::from_millis(300)),
                )
                .with_priority(2),
        )
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 1)));
    assert_eq!(c.snapshot(LONG).await, Some((40, 2)));
    // the link never left LIVE: a 410 is not a failure
    assert!(!c.seen.iter().any(|m| matches!(m, SyncMsg::Link(l) if *l != lotwatch::sync::LinkState::Live && *l != lotwatch::sync::LinkState::Connecting)));
    tokio::time::sleep(Duration::from_millis(600)).await;
    let reqs = server.received_requests().await.unwrap_or_default();
    assert!(reqs.iter().any(|r| r.url.path() == "/api/v1/events"
        && r.url.query().is_some_and(|q| q.contains("after=40"))));
}

#[tokio::test]
async fn a_skewed_server_clock_is_followed() {
    let server = MockServer::start().await;
    // The server runs an hour ahead of this machine, in its bodies and its Date.
    let skew = 3_600_000;
    let ahead = || Timestamp(now_wall().0 + skew);
    let mut lots = lots_body(5, &["A"]);
    lots["server_time"] = json!(ahead().to_rfc3339());
    // Every answer says the same time: a fixture body's fixed 2025
    // `server_time` would be another server clock.
    let mut auction = auction_body();
    auction["server_time"] = json!(ahead().to_rfc3339());
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(auction)
                .insert_header("Date", http_date(ahead()).as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(lots)
                .insert_header("Date", http_date(ahead()).as_str()),
        )
        .mount(&server)
        .await;
    let mut ev = events_body(5, vec![]);
    ev["server_time"] = json!(ahead().to_rfc3339());
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ev)
                .insert_header("Date", http_date(ahead()).as_str()),
        )
        .mount(&server)
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert!(c.live(LONG).await);
    let mut clock = ServerClock::new();
    for m in &c.seen {
        if let SyncMsg::Clock(s) = m {
            clock.observe(*s);
        }
    }
    let off = clock.offset_ms().expect("some clock sample");
    // The bodies were built when the mock was set up: at most a few seconds old.
    assert!((off - skew).abs() < 5_000, "offset {off}");
}

#[tokio::test]
async fn malformed_events_are_reported_and_keep_the_seq_order() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let bad_money = json!({"seq": 6, "at": T0, "type": "bid", "lot_id": "A", "amount": 41000000, "bidder": "P-02",
                           "closes_at": "2025-06-24T05:35:00.000Z"});
    let unknown = json!({"seq": 7, "at": T0, "type": "confetti", "lot_id": null});
    server
        .register(events_once(
            5,
            events_body(
                8,
                vec![bad_money, unknown, bid_event(8, "A", "45000000.00")],
            ),
        ))
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    match c.until(LONG, |m| matches!(m, SyncMsg::Events(_))).await {
        Some(SyncMsg::Events(ev)) => {
            assert_eq!(ev.iter().map(|e| e.seq).collect::<Vec<_>>(), [6, 7, 8]);
            assert!(
                matches!(&ev[0].kind, EventKind::Unknown { type_name } if type_name == "invalid bid")
            );
            assert!(matches!(&ev[2].kind, EventKind::Bid { .. }));
        }
        other => panic!("{other:?}"),
    }
    let issue = c.seen.iter().find_map(|m| match m {
        SyncMsg::DataIssue(i) => Some(i.clone()),
        _ => None,
    });
    let issue = issue.expect("a data issue");
    assert_eq!(issue.lot_id.as_deref(), Some("A"));
    assert_eq!(issue.field, "event 6 amount");
    assert!(issue.problem.contains("JSON number"));
    // No re-snapshot: the seq stayed gap-free.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count(&server, Some("/api/v1/lots")).await, 1);
}

#[tokio::test]
async fn a_malformed_lot_in_a_snapshot_is_skipped_and_named() {
    let server = MockServer::start().await;
    let mut body = lots_body(5, &["A", "B", "C"]);
    body["lots"][1]["starting_bonus"] = json!("12.345");
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    match c.until(LONG, is_snapshot).await {
        Some(SyncMsg::Snapshot { lots, rejected, .. }) => {
            assert_eq!(
                lots.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
                ["A", "C"]
            );
            assert_eq!(rejected.len(), 1);
            assert_eq!(rejected[0].lot_id.as_deref(), Some("B"));
            assert_eq!(rejected[0].field, "starting_bonus");
        }
        other => panic!("{other:?}"),
    }
}
