//! One test per anomaly, each driven by a crafted platform (wiremock) whose
//! answers contain the fault: the real client and sync engine read it, the
//! app takes every message (and ticks) as the monitor loop would, and the
//! test asserts the anomaly the app asks to journal, with its evidence,
//! raised exactly once and alone.

use crate::support::common;

use common::*;
use lotwatch::app::{Anomaly, AnomalyKind, App, AppOptions, Effect, Msg};
use lotwatch::domain::Timestamp;
use lotwatch::domain::clock::mono_now;
use lotwatch::sync::spawn;
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LONG: Duration = Duration::from_secs(15);
/// After the anomaly, how long to keep going to see it is not raised again.
const SETTLE: Duration = Duration::from_millis(1200);

fn quiet() -> AppOptions {
    AppOptions {
        // The crafted bodies are dated 2025: every test but the skew one
        // ignores the clock.
        skew_threshold_ms: u64::MAX,
        ..AppOptions::default()
    }
}

fn events_once(after: u64, body: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .and(query_param("after", after.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .up_to_n_times(1)
        .with_priority(1)
}

fn bid_at(seq: u64, at: &str, amount: &str, bidder: &str, closes_at: &str) -> Value {
    json!({"seq": seq, "at": at, "type": "bid", "lot_id": "A", "amount": amount,
           "bidder": bidder, "closes_at": closes_at})
}

fn status_ev(seq: u64, at: &str, status: &str, result: Value) -> Value {
    json!({"seq": seq, "at": at, "type": "status", "lot_id": "A", "status": status,
           "closes_at": "2025-06-24T05:30:00.000Z", "result": result})
}

/// Runs the engine and the app against `server` until an anomaly of `kind`
/// is raised, then a little longer; returns every anomaly raised.
async fn run(server: &MockServer, opts: AppOptions, kind: AnomalyKind) -> Vec<Anomaly> {
    run_for(server, opts, Some(kind), LONG).await
}

async fn run_for(
    server: &MockServer,
    opts: AppOptions,
    kind: Option<AnomalyKind>,
    within: Duration,
) -> Vec<Anomaly> {
    let mut handle = spawn(fast_client(&server.uri()), fast_sync());
    let mut app = App::new(opts);
    let mut raised = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    let mut settle_until: Option<tokio::time::Instant> = None;
    loop {
        let stop = settle_until.unwrap_or(deadline);
        if tokio::time::Instant::now() >= stop {
            break;
        }
        let up = match tokio::time::timeout(Duration::from_millis(100), handle.msgs.recv()).await {
            Ok(Some(m)) => app.update(Msg::Sync(m), mono_now()),
            Ok(None) => break,
            Err(_) => app.update(Msg::Tick, mono_now()),
        };
        for e in up.effects {
            if let Effect::Anomaly(a) = e {
                if Some(a.kind) == kind && settle_until.is_none() {
                    settle_until = Some(tokio::time::Instant::now() + SETTLE);
                }
                raised.push(a);
            }
        }
    }
    handle.task.abort();
    assert_eq!(
        app.anomaly_count(),
        raised.len() as u64,
        "every anomaly is kept and journaled"
    );
    raised
}

/// The one anomaly raised, which must be of `kind`.
fn only(raised: &[Anomaly], kind: AnomalyKind) -> &Anomaly {
    assert_eq!(
        raised.iter().map(|a| a.kind).collect::<Vec<_>>(),
        [kind],
        "{raised:#?}"
    );
    &raised[0]
}

#[tokio::test]
async fn a_bid_below_the_minimum() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    // high 40 000 000 + increment 1 846 000: the minimum is 41 846 000
    server
        .register(events_once(
            5,
            events_body(6, vec![bid_event(6, "A", "40500000.00")]),
        ))
        .await;
    let raised = run(&server, quiet(), AnomalyKind::BidBelowMinimum).await;
    let a = only(&raised, AnomalyKind::BidBelowMinimum);
    assert_eq!(a.lot_id.as_deref(), Some("A"));
    assert_eq!(a.server_at, Timestamp::parse(T0).unwrap());
    for s in ["40500000.00", "41846000.00", "seq 6", "P-02"] {
        assert!(a.evidence.contains(s), "{s} in {}", a.evidence);
    }
}

#[tokio::test]
async fn a_high_bid_that_falls() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut lot = lot_json("A", Some("38000000.00"));
    lot["high_bid"]["seq"] = json!(6);
    let ev = json!({"seq": 6, "at": T0, "type": "lot", "lot_id": "A", "lot": lot});
    server
        .register(events_once(5, events_body(6, vec![ev])))
        .await;
    let raised = run(&server, quiet(), AnomalyKind::HighBidFell).await;
    let a = only(&raised, AnomalyKind::HighBidFell);
    assert_eq!(a.lot_id.as_deref(), Some("A"));
    assert!(
        a.evidence.contains("from 40000000.00 to 38000000.00"),
        "{}",
        a.evidence
    );
}

#[tokio::test]
async fn a_bid_after_the_close() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let late = "2025-06-24T05:30:00.500Z";
    server
        .register(events_once(
            5,
            events_body(6, vec![bid_at(6, late, "45000000.00", "P-03", late)]),
        ))
        .await;
    let raised = run(&server, quiet(), AnomalyKind::BidAfterClose).await;
    let a = only(&raised, AnomalyKind::BidAfterClose);
    assert_eq!(a.server_at, Timestamp::parse(late).unwrap());
    for s in ["45000000.00", late, "2025-06-24T05:30:00.000Z", "seq 6"] {
        assert!(a.evidence.contains(s), "{s} in {}", a.evidence);
    }
}

#[tokio::test]
async fn a_forbidden_status_change() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    // open -> sold without closing (the result itself is right)
    let result = json!({"winner": "P-07", "amount": "40000000.00", "protocol_at": T0});
    server
        .register(events_once(
            5,
            events_body(6, vec![status_ev(6, T0, "sold", result)]),
        ))
        .await;
    let raised = run(&server, quiet(), AnomalyKind::ForbiddenTransition).await;
    let a = only(&raised, AnomalyKind::ForbiddenTransition);
    assert!(a.evidence.contains("open -> sold"), "{}", a.evidence);
    assert!(a.evidence.contains("seq 6"), "{}", a.evidence);
}

#[tokio::test]
async fn a_day_by_the_rules_raises_nothing() {
    let server = MockServer::start().await;
    // B is scheduled; it opens with too few participants and ends unsold at
    // the same instant (two status events). A gets a bid in its soft-close
    // window, is extended, closes and is sold to that bid.
    let mut lots = lots_body(5, &["A", "B"]);
    lots["lots"][1]["status"] = json!("scheduled");
    lots["lots"][1]["opens_at"] = json!("2025-06-24T05:20:00.000Z");
    lots["lots"][1]["high_bid"] = Value::Null;
    lots["lots"][1]["bid_count"] = json!(0);
    lots["lots"][1]["participants"] = json!(1);
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_healthy(&server, 5, &["A", "B"]).await;
    let opens = "2025-06-24T05:20:00.000Z";
    let b = |seq: u64, status: &str| {
        json!({"seq": seq, "at": opens, "type": "status", "lot_id": "B", "status": status,
               "closes_at": "2025-06-24T05:50:00.000Z", "result": null})
    };
    let bid_t = "2025-06-24T05:29:00.000Z";
    let new_close = "2025-06-24T05:34:00.000Z";
    let ext = json!({"seq": 9, "at": bid_t, "type": "extended", "lot_id": "A",
                     "closes_at": new_close, "extensions": 1});
    let sold = json!({"winner": "P-02", "amount": "41846000.00", "protocol_at": new_close});
    let mut closed = status_ev(10, new_close, "closed", Value::Null);
    closed["closes_at"] = json!(new_close);
    let mut sold_ev = status_ev(11, new_close, "sold", sold);
    sold_ev["closes_at"] = json!(new_close);
    server
        .register(events_once(
            5,
            events_body(
                11,
                vec![
                    b(6, "open"),
                    b(7, "unsold"),
                    bid_at(8, bid_t, "41846000.00", "P-02", new_close),
                    ext,
                    closed,
                    sold_ev,
                ],
            ),
        ))
        .await;
    let raised = run_for(&server, quiet(), None, Duration::from_secs(3)).await;
    assert!(raised.is_empty(), "{raised:#?}");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .any(|r| r.url.query().is_some_and(|q| q.contains("after=11"))),
        "the feed was read past the crafted events"
    );
}

#[tokio::test]
async fn a_seq_gap() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    server
        .register(events_once(
            5,
            events_body(
                7,
                vec![
                    bid_event(6, "A", "41846000.00"),
                    bid_event(7, "A", "43692000.00"),
                ],
            ),
        ))
        .await;
    // 8 is lost
    server
        .register(events_once(
            7,
            events_body(9, vec![bid_event(9, "A", "47384000.00")]),
        ))
        .await;
    // the re-snapshot the gap leads to, consistent with the feed
    let mut after = lots_body(9, &["A"]);
    after["lots"][0]["high_bid"]["amount"] = json!("47384000.00");
    after["lots"][0]["bid_count"] = json!(4);
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
                .respond_with(ResponseTemplate::new(200).set_body_json(after))
                .with_priority(2),
        )
        .await;
    let raised = run(&server, quiet(), AnomalyKind::SeqGap).await;
    let a = only(&raised, AnomalyKind::SeqGap);
    assert_eq!(a.lot_id, None);
    assert!(
        a.evidence.contains("after seq 7") && a.evidence.contains("seq 9"),
        "{}",
        a.evidence
    );
}

#[tokio::test]
async fn more_extensions_than_allowed() {
    let server = MockServer::start().await;
    let mut lots = lots_body(5, &["A"]);
    lots["lots"][0]["soft_close"]["max_extensions"] = json!(1);
    lots["lots"][0]["extensions"] = json!(1);
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_healthy(&server, 5, &["A"]).await;
    let new_close = "2025-06-24T05:34:00.000Z";
    let ext = json!({"seq": 7, "at": "2025-06-24T05:29:00.000Z", "type": "extended",
                     "lot_id": "A", "closes_at": new_close, "extensions": 2});
    server
        .register(events_once(
            5,
            events_body(
                7,
                vec![
                    bid_at(
                        6,
                        "2025-06-24T05:29:00.000Z",
                        "41846000.00",
                        "P-02",
                        new_close,
                    ),
                    ext,
                ],
            ),
        ))
        .await;
    let raised = run(&server, quiet(), AnomalyKind::TooManyExtensions).await;
    let a = only(&raised, AnomalyKind::TooManyExtensions);
    assert!(
        a.evidence.contains("extension 2") && a.evidence.contains("max_extensions 1"),
        "{}",
        a.evidence
    );
}

#[tokio::test]
async fn a_sold_result_that_is_not_the_last_high_bid() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let close = "2025-06-24T05:30:00.000Z";
    let result = json!({"winner": "P-02", "amount": "39000000.00", "protocol_at": close});
    server
        .register(events_once(
            5,
            events_body(
                7,
                vec![
                    status_ev(6, close, "closed", Value::Null),
                    status_ev(7, close, "sold", result),
                ],
            ),
        ))
        .await;
    let raised = run(&server, quiet(), AnomalyKind::ResultMismatch).await;
    let a = only(&raised, AnomalyKind::ResultMismatch);
    for s in ["39000000.00", "P-02", "40000000.00", "P-07"] {
        assert!(a.evidence.contains(s), "{s} in {}", a.evidence);
    }
}

#[tokio::test]
async fn clock_skew_over_the_threshold() {
    let server = MockServer::start().await;
    // The server runs ten minutes ahead of this machine, in its bodies and Date.
    let skew = 600_000;
    let ahead = || Timestamp(now_wall().0 + skew);
    let mut auction = auction_body();
    auction["server_time"] = json!(ahead().to_rfc3339());
    let mut lots = lots_body(5, &["A"]);
    lots["server_time"] = json!(ahead().to_rfc3339());
    let mut ev = events_body(5, vec![]);
    ev["server_time"] = json!(ahead().to_rfc3339());
    for (p, body) in [
        ("/api/v1/auction", auction),
        ("/api/v1/lots", lots),
        ("/api/v1/events", ev),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(body)
                    .insert_header("Date", http_date(ahead()).as_str())
                    .set_delay(Duration::from_millis(if p.ends_with("events") {
                        200
                    } else {
                        0
                    })),
            )
            .mount(&server)
            .await;
    }
    let opts = AppOptions {
        skew_threshold_ms: 5_000,
        ..AppOptions::default()
    };
    let raised = run(&server, opts, AnomalyKind::ClockSkew).await;
    // many samples, one anomaly
    let a = only(&raised, AnomalyKind::ClockSkew);
    assert!(
        a.evidence.contains("+600.") || a.evidence.contains("+599."),
        "{}",
        a.evidence
    );
    assert!(
        a.evidence.contains("ahead of this machine"),
        "{}",
        a.evidence
    );
}

#[tokio::test]
async fn the_platform_unreachable_too_long() {
    let server = MockServer::start().await;
    // One good start, then every request fails.
    for (p, body) in [
        ("/api/v1/auction", auction_body()),
        ("/api/v1/lots", lots_body(5, &["A"])),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    let down = json!({"error": {"code": "unavailable", "message": "maintenance"}});
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503).set_body_json(down))
        .with_priority(5)
        .mount(&server)
        .await;
    let opts = AppOptions {
        unreachable_after_ms: 2_000,
        ..quiet()
    };
    let raised = run(&server, opts, AnomalyKind::Unreachable).await;
    let a = only(&raised, AnomalyKind::Unreachable);
    assert_eq!(a.lot_id, None);
    assert!(a.evidence.contains("threshold 2 s"), "{}", a.evidence);
    assert!(
        a.evidence.contains("since 2025-06-24T05:10"),
        "{}",
        a.evidence
    );
}
