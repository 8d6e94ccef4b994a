//! Fault injection against the real client and sync engine (wiremock, plus a
//! TCP proxy for resets and cut bodies). Each case: the engine is live on a
//! healthy platform, the platform turns faulty, the engine reports RETRYING
//! then OFFLINE, sends no data from a failed answer, keeps its request rate
//! bounded, and recovers by itself with a fresh snapshot once the platform
//! answers well again.

use crate::support::common;

use common::*;
use lotwatch::domain::Timestamp;
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sync::{LinkState, SyncMsg, spawn};
use std::io::Write;
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const LONG: Duration = Duration::from_secs(15);

/// Request-rate bound while failing: the engine's pacer allows a burst of 4
/// and 4 per second; backoff keeps it well below that.
fn rate_bound(window: Duration) -> usize {
    4 + (4.0 * window.as_secs_f64()).ceil() as usize
}

/// Runs one fault case. `fault` mounts the faulty platform on a reset server;
/// `error_has` is a piece of the error text the link state must carry.
async fn fault_case(fault: ResponseTemplate, error_has: &str) -> Collector {
    fault_case_within(fault, error_has, Duration::from_secs(2)).await
}

/// `fault_case` with requests that may take `request_timeout`.
async fn fault_case_within(
    fault: ResponseTemplate,
    error_has: &str,
    request_timeout: Duration,
) -> Collector {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A", "B"]).await;
    let client = fast_client_within(&server.uri(), request_timeout);
    let mut c = Collector::new(spawn(client, fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 2)));
    assert!(c.live(LONG).await, "not live on a healthy platform");

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(fault)
        .mount(&server)
        .await;
    let mark = c.seen.len();
    assert!(
        c.until(Duration::from_secs(30), is_offline).await.is_some(),
        "never went offline: {:?}",
        &c.seen[mark..]
    );
    let during = &c.seen[mark..];
    // RETRYING 1.. before OFFLINE, each naming the error.
    let links: Vec<&LinkState> = during
        .iter()
        .filter_map(|m| match m {
            SyncMsg::Link(l) => Some(l),
            _ => None,
        })
        .collect();
    assert!(
        matches!(links.first(), Some(LinkState::Retrying { attempt: 1, .. })),
        "{links:?}"
    );
    for l in &links {
        let e = match l {
            LinkState::Retrying { cause, .. } | LinkState::Offline { cause, .. } => {
                cause.to_string()
            }
            other => panic!("unexpected link state while failing: {other:?}"),
        };
        assert!(e.contains(error_has), "error {e:?} lacks {error_has:?}");
    }
    assert!(
        !during.iter().any(is_data),
        "data sent from a failed answer: {during:?}"
    );

    // Rate bound over a window while it keeps failing.
    let before = count(&server, None).await;
    let window = Duration::from_secs(2);
    let more = c.drain_for(window).await;
    let n = count(&server, None).await - before;
    assert!(n <= rate_bound(window), "{n} requests in {window:?}");
    eprintln!("figure: {error_has:?}: {n} requests in {window:?} while failing");
    assert!(!more.iter().any(is_data));

    // Recovery without a key press: a fresh snapshot, then LIVE.
    server.reset().await;
    mount_healthy(&server, 9, &["A", "B", "C"]).await;
    assert_eq!(
        c.snapshot(Duration::from_secs(20)).await,
        Some((9, 3)),
        "no fresh snapshot after recovery"
    );
    assert!(c.live(LONG).await, "not live again");
    c
}

#[tokio::test]
async fn http_500() {
    let body = serde_json::json!({"error": {"code": "internal", "message": "db down"}});
    fault_case(
        ResponseTemplate::new(500).set_body_json(body),
        "server error 500: db down",
    )
    .await;
}

#[tokio::test]
async fn invalid_json() {
    fault_case(
        ResponseTemplate::new(200).set_body_raw("{\"seq\": 5, \"lots\": [", "application/json"),
        "invalid JSON",
    )
    .await;
}

#[tokio::test]
async fn a_50_mb_body_is_refused_at_the_cap() {
    let big = vec![b' '; 50 * 1024 * 1024];
    // Reading up to the 16 MiB cap took over 2 s beside the other tests.
    fault_case_within(
        ResponseTemplate::new(200).set_body_raw(big, "application/json"),
        "larger than",
        Duration::from_secs(20),
    )
    .await;
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_cap() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..40 {
        enc.write_all(&zeros).expect("gzip in memory");
    }
    let bomb = enc.finish().expect("gzip in memory");
    assert!(
        bomb.len() < 200 * 1024,
        "the bomb should be small: {}",
        bomb.len()
    );
    let t = ResponseTemplate::new(200)
        .insert_header("Content-Encoding", "gzip")
        .set_body_raw(bomb, "application/json");
    fault_case_within(t, "larger than", Duration::from_secs(20)).await;
}

#[tokio::test]
async fn a_response_that_hangs_times_out() {
    let t = ResponseTemplate::new(200)
        .set_body_json(lots_body(5, &["A"]))
        .set_delay(Duration::from_secs(60));
    fault_case(t, "did not answer within").await;
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused() {
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(77, &["EVIL"])))
        .mount(&other)
        .await;
    let to = format!("http://localhost:{}/api/v1/lots", other.address().port());
    fault_case(
        ResponseTemplate::new(302).insert_header("Location", to.as_str()),
        "redirect",
    )
    .await;
    assert_eq!(count(&other, None).await, 0, "the other host was contacted");
}

/// 503 and 429 with Retry-After: the engine waits at least that long between
/// attempts (the fault case checks the rest).
async fn retry_after_case(
    status: u16,
    header: impl Fn() -> (String, Option<String>),
    wait: Duration,
    error_has: &str,
) {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert!(c.snapshot(LONG).await.is_some());
    assert!(c.live(LONG).await);
    server.reset().await;
    let (ra, date) = header();
    let mut t = ResponseTemplate::new(status).insert_header("Retry-After", ra.as_str());
    if let Some(d) = date {
        t = t.insert_header("Date", d.as_str());
    }
    let rec = Recorder::new(t);
    Mock::given(method("GET"))
        .respond_with(rec.clone())
        .mount(&server)
        .await;
    let offline = c.until(Duration::from_secs(30), is_offline).await;
    assert!(offline.is_some(), "never offline: {:?}", c.seen);
    let times = rec.times();
    assert!(times.len() >= 3, "{} attempts", times.len());
    for w in times.windows(2) {
        let gap = w[1] - w[0];
        assert!(
            gap >= wait - Duration::from_millis(150),
            "retried after {gap:?}, server asked for {wait:?}"
        );
        assert!(
            gap <= wait + Duration::from_secs(3),
            "waited {gap:?}, far more than {wait:?}"
        );
    }
    match offline {
        Some(SyncMsg::Link(LinkState::Offline { cause, .. })) => {
            let error = cause.to_string();
            assert!(error.contains(error_has), "{error}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !c.seen
            .iter()
            .skip(2)
            .any(|m| matches!(m, SyncMsg::Snapshot { seq, .. } if *seq != 5))
    );
    server.reset().await;
    mount_healthy(&server, 6, &["A", "B"]).await;
    assert_eq!(c.snapshot(LONG).await, Some((6, 2)));
    assert!(c.live(LONG).await);
}

#[tokio::test]
async fn http_503_with_retry_after_seconds() {
    retry_after_case(
        503,
        || ("2".into(), None),
        Duration::from_secs(2),
        "unavailable (503): next try in 2 s",
    )
    .await;
}

#[tokio::test]
async fn http_429_with_retry_after_seconds() {
    retry_after_case(
        429,
        || ("2".into(), None),
        Duration::from_secs(2),
        "rate limited (429)",
    )
    .await;
}

/// The server's clock is an hour ahead of ours: a Retry-After date two
/// seconds after its `Date` means two seconds, not an hour (nor zero).
fn skewed_date_pair() -> (String, Option<String>) {
    let server_now = Timestamp(now_wall().0 + 3_600_000);
    (
        http_date(server_now.plus_secs(2)),
        Some(http_date(server_now)),
    )
}

#[tokio::test]
async fn http_503_with_retry_after_date_read_against_the_servers_date() {
    // Both headers are whole seconds, two apart: the wait is 2 s.
    retry_after_case(
        503,
        skewed_date_pair,
        Duration::from_secs(2),
        "unavailable (503)",
    )
    .await;
}

#[tokio::test]
async fn http_429_with_retry_after_date_read_against_the_servers_date() {
    retry_after_case(
        429,
        skewed_date_pair,
        Duration::from_secs(2),
        "rate limited (429)",
    )
    .await;
}

/// Resets and bodies cut short, through a proxy in front of a healthy mock.
async fn proxy_case(mode: ProxyMode) {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A", "B"]).await;
    let proxy = FaultProxy::start(*server.address()).await;
    let mut c = Collector::new(spawn(fast_client(&proxy.url), fast_sync()));
    assert_eq!(c.snapshot(LONG).await, Some((5, 2)));
    assert!(c.live(LONG).await);
    proxy.set(mode);
    let mark = c.seen.len();
    assert!(
        c.until(Duration::from_secs(30), is_offline).await.is_some(),
        "never offline: {:?}",
        &c.seen[mark..]
    );
    assert!(
        c.seen[mark..]
            .iter()
            .any(|m| matches!(m, SyncMsg::Link(LinkState::Retrying { attempt: 1, .. })))
    );
    assert!(
        !c.seen[mark..].iter().any(is_data),
        "data from a broken answer: {:?}",
        &c.seen[mark..]
    );
    let before = count(&server, None).await;
    let window = Duration::from_secs(2);
    c.drain_for(window).await;
    assert!(count(&server, None).await - before <= rate_bound(window));
    proxy.set(ProxyMode::Pass);
    assert_eq!(c.snapshot(LONG).await, Some((5, 2)));
    assert!(c.live(LONG).await);
}

#[tokio::test]
async fn a_connection_reset() {
    proxy_case(ProxyMode::Reset).await;
}

#[tokio::test]
async fn a_body_cut_short() {
    proxy_case(ProxyMode::CutShort).await;
}

/// A hang with a short total timeout: three attempts, then OFFLINE.
#[tokio::test]
async fn a_hanging_answer_with_a_short_timeout() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut cfg = ClientConfig::new(server.uri());
    cfg.request_timeout = Duration::from_millis(800);
    cfg.long_poll_margin = Duration::from_millis(800);
    let client = Client::new(cfg).expect("valid config");
    let mut c = Collector::new(spawn(client, fast_sync()));
    assert!(c.live(LONG).await);
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&server)
        .await;
    let t = Instant::now();
    assert!(c.until(LONG, is_offline).await.is_some());
    assert!(
        t.elapsed() < Duration::from_secs(12),
        "took {:?}",
        t.elapsed()
    );
}

/// OFFLINE also comes from time alone: failures spaced out by a long
/// Retry-After reach the 10 s mark before the third attempt.
#[tokio::test]
async fn offline_since_is_the_first_failure() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let mut c = Collector::new(spawn(fast_client(&server.uri()), fast_sync()));
    assert!(c.live(LONG).await);
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let first = now_wall();
    match c.until(LONG, is_offline).await {
        Some(SyncMsg::Link(LinkState::Offline { since, .. })) => {
            // `since` is on the server's clock (T0 of the bodies, plus elapsed),
            // i.e. not the local wall clock, and not after the offline moment.
            let server_t0 = Timestamp::parse(T0).expect("T0");
            assert!(
                since >= server_t0 && since.0 < server_t0.0 + 30_000,
                "{since}"
            );
            assert!(since.0 < first.0);
        }
        other => panic!("{other:?}"),
    }
}

/// OFFLINE after 10 s (here: 1 s) of failing, before the attempt count says so.
#[tokio::test]
async fn offline_after_a_time_of_failing_too() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    let sync = lotwatch::sync::SyncConfig {
        offline_after_attempts: 50,
        offline_after: Duration::from_secs(1),
        ..fast_sync()
    };
    let mut c = Collector::new(spawn(fast_client(&server.uri()), sync));
    assert!(c.live(LONG).await);
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let t = Instant::now();
    assert!(c.until(LONG, is_offline).await.is_some());
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "offline after {:?}",
        t.elapsed()
    );
    let attempts = c
        .seen
        .iter()
        .filter_map(|m| match m {
            SyncMsg::Link(LinkState::Retrying { attempt, .. }) => Some(*attempt),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    assert!((1..50).contains(&attempts), "{attempts} attempts");
}

/// The platform is down when lotwatch starts: CONNECTING, RETRYING, OFFLINE,
/// then LIVE with a first snapshot once it comes up.
#[tokio::test]
async fn down_at_start_then_up() {
    let server = MockServer::start().await;
    mount_healthy(&server, 3, &["A"]).await;
    let proxy = FaultProxy::start(*server.address()).await;
    proxy.set(ProxyMode::Reset);
    let mut c = Collector::new(spawn(fast_client(&proxy.url), fast_sync()));
    assert!(c.until(LONG, is_offline).await.is_some());
    assert!(matches!(
        c.seen.first(),
        Some(SyncMsg::Link(LinkState::Connecting))
    ));
    assert!(!c.seen.iter().any(is_data));
    proxy.set(ProxyMode::Pass);
    assert_eq!(c.snapshot(LONG).await, Some((3, 1)));
    assert!(c.live(LONG).await);
}
