//! The sync engine's normal flows against a mock platform: events follow the
//! snapshot, the cursor moves by event seq (not `last_seq`), no feed means
//! conditional polling of `/lots` (304s), the bid history of the lot in view
//! (superseded answers dropped, refreshed after its bids), Ctrl-R cutting a
//! long-poll short, and fewer long-polls under a heavy feed.

use crate::support::common;

use common::*;
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sync::{SyncCmd, SyncMsg, spawn};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LONG: Duration = Duration::from_secs(15);

fn events_query(server_reqs: &[wiremock::Request]) -> Vec<String> {
    server_reqs
        .iter()
        .filter(|r| r.url.path() == "/api/v1/events")
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "after")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

#[tokio::test]
async fn events_follow_the_snapshot_and_the_cursor_moves_by_seq() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    // limit cut the page: last_seq is 30 but only 6 and 7 came.
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .and(query_param("after", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(events_body(
            30,
            vec![
                bid_event(6, "A", "41000000.00"),
                bid_event(7, "A", "43000000.00"),
            ],
        )))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 1)));
    match c.until(LONG, |m| matches!(m, SyncMsg::Events(_))).await {
        Some(SyncMsg::Events(ev)) => {
            assert_eq!(ev.iter().map(|e| e.seq).collect::<Vec<_>>(), [6, 7])
        }
        other => panic!("{other:?}"),
    }
    c.drain_for(Duration::from_millis(800)).await;
    let reqs = server.received_requests().await.unwrap_or_default();
    let afters = events_query(&reqs);
    assert_eq!(afters.first().map(String::as_str), Some("5"));
    assert_eq!(afters.get(1).map(String::as_str), Some("7"), "{afters:?}");
    assert!(!afters.iter().any(|a| a == "30"));
    // each long-poll asked the server to hold it
    assert!(
        reqs.iter()
            .filter(|r| r.url.path() == "/api/v1/events")
            .all(|r| r.url.query().is_some_and(|q| q.contains("wait=1")))
    );
}

#[tokio::test]
async fn without_a_feed_it_polls_lots_with_if_none_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": "not_found", "message": "no feed"}})),
        )
        .mount(&server)
        .await;
    let not_modified = Recorder::new(ResponseTemplate::new(304).insert_header("ETag", "\"v1\""));
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .and(header("If-None-Match", "\"v1\""))
        .respond_with(not_modified.clone())
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(lots_body(5, &["A"]))
                .insert_header("ETag", "\"v1\""),
        )
        .mount(&server)
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 1)));
    let quiet = c.drain_for(Duration::from_millis(2000)).await;
    let polls = not_modified.times();
    // every 250 ms in the test settings: about 8 in 2 s; generous bounds
    assert!(polls.len() >= 3, "only {} conditional polls", polls.len());
    assert!(
        polls.len() <= 12,
        "{} conditional polls in 2 s",
        polls.len()
    );
    for w in polls.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(200),
            "polled too fast: {:?}",
            w[1] - w[0]
        );
    }
    assert!(
        !quiet.iter().any(is_snapshot),
        "a 304 must not produce a snapshot"
    );
    // The feed is asked once, not on every poll.
    assert_eq!(count(&server, Some("/api/v1/events")).await, 1);

    // The lots change: a new ETag, a new snapshot.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(lots_body(6, &["A", "B"]))
                .insert_header("ETag", "\"v2\""),
        )
        .mount(&server)
        .await;
    assert_eq!(c.snapshot(LONG).await, Some((6, 2)));
    c.drain_for(Duration::from_millis(600)).await;
    let reqs = server.received_requests().await.unwrap_or_default();
    assert!(
        reqs.iter().any(|r| r
            .headers
            .get("if-none-match")
            .is_some_and(|v| v == "\"v2\"")),
        "the new ETag is sent back"
    );
}

fn bids_body(lot: &str, bids: &[(u64, &str)]) -> serde_json::Value {
    json!({"server_time": T0, "lot_id": lot,
           "bids": bids.iter().map(|(s, a)| json!({"seq": s, "at": T0, "amount": a, "bidder": "P-01"})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn the_lot_in_view_gets_its_history_and_superseded_answers_are_dropped() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A", "B"]).await;
    // A's history is slow; B is asked for right after: A's answer must be dropped.
    Mock::given(method("GET"))
        .and(path("/api/v1/lots/A/bids"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(bids_body("A", &[(1, "36920000.00")]))
                .set_delay(Duration::from_millis(700)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots/B/bids"))
        .and(query_param("after", "0"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(bids_body("B", &[(2, "36920000.00"), (3, "38766000.00")])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots/B/bids"))
        .and(query_param("after", "3"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(bids_body("B", &[(6, "40612000.00")])),
        )
        .mount(&server)
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert!(c.snapshot(LONG).await.is_some());
    c.handle
        .cmds
        .send(SyncCmd::SelectLot(Some("A".into())))
        .await
        .expect("engine up");
    c.handle
        .cmds
        .send(SyncCmd::SelectLot(Some("B".into())))
        .await
        .expect("engine up");
    match c.until(LONG, |m| matches!(m, SyncMsg::Bids { .. })).await {
        Some(SyncMsg::Bids { lot_id, bids }) => {
            assert_eq!(lot_id, "B");
            assert_eq!(bids.iter().map(|b| b.seq).collect::<Vec<_>>(), [2, 3]);
        }
        other => panic!("{other:?}"),
    }
    // A bid on B arrives on the feed: the history is fetched from seq 3 on and appended.
    server
        .register(
            Mock::given(method("GET"))
                .and(path("/api/v1/events"))
                .and(query_param("after", "5"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(events_body(6, vec![bid_event(6, "B", "40612000.00")])),
                )
                .up_to_n_times(1)
                .with_priority(1),
        )
        .await;
    match c.until(LONG, |m| matches!(m, SyncMsg::Bids { .. })).await {
        Some(SyncMsg::Bids { lot_id, bids }) => {
            assert_eq!(lot_id, "B");
            assert_eq!(bids.iter().map(|b| b.seq).collect::<Vec<_>>(), [2, 3, 6]);
        }
        other => panic!("{other:?}"),
    }
    // A's slow answer came back meanwhile and was dropped.
    c.drain_for(Duration::from_millis(900)).await;
    assert!(count(&server, Some("/api/v1/lots/A/bids")).await <= 1);
    assert!(
        !c.seen
            .iter()
            .any(|m| matches!(m, SyncMsg::Bids { lot_id, .. } if lot_id == "A"))
    );
}

#[tokio::test]
async fn refresh_now_cuts_a_long_poll_short() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(5, &["A"])))
        .mount(&server)
        .await;
    // The server holds the long-poll for 20 s.
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(events_body(5, vec![]))
                .set_delay(Duration::from_secs(20)),
        )
        .mount(&server)
        .await;
    let mut cfg = ClientConfig::new(server.uri());
    cfg.long_poll_margin = Duration::from_secs(5);
    let client = Client::new(cfg).expect("valid config");
    let mut sync = fast_sync();
    sync.wait_s = 25;
    let mut c = Collector::new(spawn(client, sync));
    assert!(c.snapshot(LONG).await.is_some());
    c.drain_for(Duration::from_millis(300)).await; // the long-poll is in flight
    let t = Instant::now();
    c.handle
        .cmds
        .send(SyncCmd::RefreshNow)
        .await
        .expect("engine up");
    assert!(c.snapshot(Duration::from_secs(5)).await.is_some());
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "refresh took {:?}",
        t.elapsed()
    );
    // /auction is read again too.
    assert_eq!(count(&server, Some("/api/v1/auction")).await, 2);
}

#[tokio::test]
async fn the_engine_stops_when_the_app_goes() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert!(c.live(LONG).await);
    let lotwatch::sync::SyncHandle { msgs, task, .. } = c.handle;
    drop(msgs);
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("engine ended")
        .expect("no panic");
}

#[tokio::test]
async fn moving_quickly_through_lots_does_not_pile_up_requests() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            "^/api/v1/lots/L[0-9]+/bids$",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(bids_body("L29", &[(1, "36920000.00")])),
        )
        .mount(&server)
        .await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert!(c.snapshot(LONG).await.is_some());
    for i in 0..30 {
        c.handle
            .cmds
            .send(SyncCmd::SelectLot(Some(format!("L{i}"))))
            .await
            .expect("engine up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    match c.until(LONG, |m| matches!(m, SyncMsg::Bids { .. })).await {
        Some(SyncMsg::Bids { lot_id, .. }) => assert_eq!(lot_id, "L29"),
        other => panic!("{other:?}"),
    }
    let reqs = server.received_requests().await.unwrap_or_default();
    let bids: Vec<_> = reqs
        .iter()
        .filter(|r| r.url.path().ends_with("/bids"))
        .map(|r| r.url.path().to_string())
        .collect();
    assert!(bids.len() <= 2, "{bids:?}");
    // the same lot again changes nothing
    c.handle
        .cmds
        .send(SyncCmd::SelectLot(Some("L29".into())))
        .await
        .expect("engine up");
    c.drain_for(Duration::from_millis(400)).await;
    let after: usize = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/bids"))
        .count();
    assert_eq!(after, bids.len());
}

#[tokio::test]
async fn the_auction_is_re_read_between_long_polls_without_a_new_snapshot() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let cfg = lotwatch::sync::SyncConfig {
        auction_every: Duration::from_millis(200),
        ..fast_sync()
    };
    let mut c = Collector::new(spawn(fast_client(&server.uri()), cfg));
    assert_eq!(c.snapshot(LONG).await, Some((5, 1)));
    c.drain_for(Duration::from_millis(1500)).await;
    let reqs = server.received_requests().await.unwrap_or_default();
    let count = |p: &str| reqs.iter().filter(|r| r.url.path() == p).count();
    // The feed keeps the lots current: the megabytes of `/lots` are read once.
    assert_eq!(count("/api/v1/lots"), 1);
    assert!(
        count("/api/v1/auction") >= 2,
        "{}",
        count("/api/v1/auction")
    );
    // Every long-poll went on from the snapshot's seq.
    assert!(events_query(&reqs).iter().all(|a| a == "5"));
}

/// A heavy feed: every long-poll finds `PER_ANSWER` new events waiting and is
/// answered at once. Records when each long-poll came.
struct BusyFeed {
    times: Arc<Mutex<Vec<Instant>>>,
}

const PER_ANSWER: u64 = 20;

impl Respond for BusyFeed {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        self.times
            .lock()
            .expect("busy feed lock")
            .push(Instant::now());
        let after = after_param(r);
        let events = (after + 1..=after + PER_ANSWER)
            .map(|seq| bid_event(seq, "A", "41000000.00"))
            .collect();
        ResponseTemplate::new(200).set_body_json(events_body(after + PER_ANSWER, events))
    }
}

#[tokio::test]
async fn a_heavy_feed_is_long_polled_less_often() {
    let server = MockServer::start().await;
    let times = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(BusyFeed {
            times: times.clone(),
        })
        .with_priority(1)
        .mount(&server)
        .await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 1)));
    // ~400 events/s reach the engine at first: its floor rises to the cap
    // within a second.
    c.drain_for(Duration::from_millis(3000)).await;
    let times = times.lock().expect("busy feed lock").clone();
    let settled = times[0] + Duration::from_millis(1000);
    let gaps: Vec<Duration> = times
        .windows(2)
        .filter(|w| w[0] >= settled)
        .map(|w| w[1] - w[0])
        .collect();
    // A 20 ms floor would long-poll ~50 times a second; the cap (100 ms)
    // ~10 times. (A slow machine only lengthens the gaps.)
    assert!(gaps.len() >= 3, "{gaps:?}");
    assert!(
        gaps.iter()
            .all(|g| *g >= lotwatch::sync::engine::FEED_FLOOR_CAP - Duration::from_millis(5)),
        "{gaps:?}"
    );
    // and every event went on to the app, in order
    let seqs: Vec<u64> = c
        .seen
        .iter()
        .filter_map(|m| match m {
            SyncMsg::Events(ev) => Some(ev.iter().map(|e| e.seq)),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(seqs.first(), Some(&6));
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1));
}
