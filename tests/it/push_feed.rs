//! The push feed (`/api/v1/stream`, Server-Sent Events) between the real
//! simulator and the real client on loopback: every event of the day
//! arrives once, in seq order, equal to the long-poll's history; a quiet
//! feed sends heartbeats with the server's time; a notice arrives at once;
//! a server without the push feed answers 404 and one whose history has
//! moved on answers 410, as the long-poll does. The sync engine follows the
//! push feed alone on a quiet day, and long-polls when it is missing or
//! stalls.

use lotwatch::domain::EventKind;
use lotwatch::platform::{Client, ClientConfig, PlatformError};
use lotwatch::sim::Scenario;
use lotwatch::sim::server::{RunningSim, SimOptions, start};
use lotwatch::sync::{LinkState, SyncConfig, SyncMsg, spawn};
use std::time::{Duration, Instant};

async fn sim(opts: SimOptions) -> RunningSim {
    start(SimOptions {
        scenario: Scenario::june_2025(),
        seed: 7,
        ..opts
    })
    .await
    .expect("simulator starts on loopback")
}

const STALL: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_once_in_order_equal_to_the_long_polls_history() {
    let sim = sim(SimOptions {
        speed: 60.0,
        lead_ms: 200,
        ..SimOptions::demo()
    })
    .await;
    let client = Client::new(ClientConfig::new(sim.url())).expect("config");
    let mut feed = client.stream(0).await.expect("the stream opens");
    let mut pushed = Vec::new();
    let until = Instant::now() + Duration::from_secs(4);
    while Instant::now() < until {
        let page = feed
            .next(STALL)
            .await
            .expect("no error")
            .expect("the stream stays open");
        assert!(
            page.clock.is_some(),
            "every message carries the server time"
        );
        pushed.extend(page.value.events);
    }
    assert!(
        pushed.len() >= 10,
        "{} events in 4 s at speed 60",
        pushed.len()
    );
    for (i, e) in pushed.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "seq {} at position {i}", e.seq);
    }
    let last = pushed.last().map(|e| e.seq).unwrap_or(0);
    let polled = client.events(0, 0, 1000).await.expect("long-poll page");
    let polled: Vec<_> = polled
        .value
        .events
        .into_iter()
        .filter(|e| e.seq <= last)
        .collect();
    assert_eq!(polled.len(), pushed.len());
    for (a, b) in pushed.iter().zip(&polled) {
        assert_eq!(a.seq, b.seq);
        assert_eq!(a.lot_id, b.lot_id);
        assert_eq!(a.at, b.at);
        assert_eq!(format!("{:?}", a.kind), format!("{:?}", b.kind));
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_feed_sends_heartbeats_and_a_notice_arrives_at_once() {
    let sim = sim(SimOptions {
        speed: 1.0,
        lead_ms: 3_600_000, // nothing opens during the test
        heartbeat: Duration::from_millis(300),
        ..SimOptions::demo()
    })
    .await;
    let client = Client::new(ClientConfig::new(sim.url())).expect("config");
    let after = sim.last_seq();
    let mut feed = client.stream(after).await.expect("the stream opens");
    // The greeting, then heartbeats: pages without events.
    for _ in 0..3 {
        let page = feed.next(STALL).await.expect("no error").expect("open");
        assert!(page.value.events.is_empty());
        assert_eq!(page.value.last_seq, after);
        assert!(page.clock.is_some());
    }
    let posted = Instant::now();
    let seq = sim.post_notice("Перерыв 10 минут");
    let page = loop {
        let page = feed.next(STALL).await.expect("no error").expect("open");
        if !page.value.events.is_empty() {
            break page;
        }
    };
    let took = posted.elapsed();
    assert_eq!(page.value.events[0].seq, seq);
    assert!(matches!(
        page.value.events[0].kind,
        EventKind::Notice { .. }
    ));
    // Not a timing goal (that is `cargo bench --bench latency`): only that
    // it did not wait for a heartbeat.
    assert!(took < Duration::from_millis(300), "{took:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_push_feed_404_and_past_the_history_410() {
    let no_stream = sim(SimOptions {
        stream: false,
        ..SimOptions::demo()
    })
    .await;
    let client = Client::new(ClientConfig::new(no_stream.url())).expect("config");
    assert!(matches!(
        client.stream(0).await.err(),
        Some(PlatformError::NotFound)
    ));
    no_stream.shutdown().await;

    let short = sim(SimOptions {
        speed: 60.0,
        lead_ms: 100,
        history: 5,
        ..SimOptions::demo()
    })
    .await;
    let client = Client::new(ClientConfig::new(short.url())).expect("config");
    let t0 = Instant::now();
    while short.last_seq() < 20 && t0.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(short.last_seq() >= 20, "the day moved on");
    assert!(matches!(
        client.stream(1).await.err(),
        Some(PlatformError::Gone)
    ));
    short.shutdown().await;
}

/// The engine's requests while it follows a quiet platform for `for_`, and
/// whether it saw a notice posted meanwhile.
/// The notice is posted `post_after` into that time.
async fn engine_on(
    opts: SimOptions,
    cfg: SyncConfig,
    for_: Duration,
    post_after: Duration,
) -> (Vec<String>, bool) {
    let sim = sim(SimOptions {
        record_requests: true,
        lead_ms: 3_600_000,
        ..opts
    })
    .await;
    let client = Client::new(ClientConfig::new(sim.url())).expect("config");
    let mut h = spawn(client, SyncConfig { rates: None, ..cfg });
    let mut live = false;
    while !live {
        match tokio::time::timeout(STALL, h.msgs.recv()).await {
            Ok(Some(SyncMsg::Link(LinkState::Live))) => live = true,
            Ok(Some(_)) => {}
            other => panic!("never live: {other:?}"),
        }
    }
    let deadline = tokio::time::Instant::now() + for_;
    let post_at = tokio::time::Instant::now() + post_after;
    let mut seq = None;
    let mut seen = false;
    loop {
        let m = tokio::select! {
            m = tokio::time::timeout_at(deadline, h.msgs.recv()) => match m {
                Ok(Some(m)) => m,
                _ => break,
            },
            _ = tokio::time::sleep_until(post_at), if seq.is_none() => {
                seq = Some(sim.post_notice("notice"));
                continue;
            }
        };
        if let SyncMsg::Events(evs) = m {
            seen |= evs.iter().any(|e| Some(e.seq) == seq);
        }
    }
    drop(h);
    let paths = sim
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    sim.shutdown().await;
    (paths, seen)
}

fn count(paths: &[String], p: &str) -> usize {
    paths.iter().filter(|x| x.as_str() == p).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_follows_the_push_feed_and_long_polls_without_it() {
    let quiet = Duration::from_secs(3);
    // With the push feed: one stream, no long-poll at all.
    let post = Duration::from_millis(500);
    let (paths, seen) = engine_on(SimOptions::demo(), SyncConfig::default(), quiet, post).await;
    assert!(seen, "the notice arrived");
    assert_eq!(count(&paths, "/api/v1/stream"), 1, "{paths:?}");
    assert_eq!(count(&paths, "/api/v1/events"), 0, "{paths:?}");
    // A server without it: 404 once, then the long-poll.
    let (paths, seen) = engine_on(
        SimOptions {
            stream: false,
            ..SimOptions::demo()
        },
        SyncConfig::default(),
        quiet,
        post,
    )
    .await;
    assert!(seen, "the notice arrived");
    assert_eq!(count(&paths, "/api/v1/stream"), 1, "{paths:?}");
    assert!(count(&paths, "/api/v1/events") >= 1, "{paths:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_push_feed_gives_way_to_the_long_poll() {
    // The server's heartbeat is far apart; the engine calls silence past
    // 300 ms a stall, and long-polls from the same cursor: the notice posted
    // after that comes through the long-poll (logged when it answers).
    let (paths, seen) = engine_on(
        SimOptions {
            heartbeat: Duration::from_secs(3600),
            ..SimOptions::demo()
        },
        SyncConfig {
            push_stall: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        Duration::from_secs(3),
        Duration::from_millis(1500),
    )
    .await;
    assert!(seen, "the notice arrived");
    assert_eq!(count(&paths, "/api/v1/stream"), 1, "{paths:?}");
    assert!(count(&paths, "/api/v1/events") >= 1, "{paths:?}");
}
