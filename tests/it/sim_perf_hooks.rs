//! The simulator options the performance harnesses rely on: a server without
//! a change feed (`/events` is 404, and the real sync engine falls back to
//! polling `/lots`), and the broadcast of published seqs with their instants.

use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sim::scenario::Scenario;
use lotwatch::sim::server::{RunningSim, SimOptions, start};
use lotwatch::sync::{self, SyncConfig, SyncMsg};
use std::time::{Duration, Instant};

/// A quiet server: nothing happens for a minute unless the test posts it.
async fn quiet(feed: bool) -> RunningSim {
    start(SimOptions {
        scenario: Scenario::test_small(),
        speed: 1.0,
        lead_ms: 60_000,
        feed,
        ..SimOptions::demo()
    })
    .await
    .expect("the simulator starts")
}

#[tokio::test]
async fn without_a_feed_events_is_404_with_the_error_body() {
    // reqwest::get builds a client: it needs the provider in this process
    // whatever test ran before (nextest runs each test alone).
    lotwatch::platform::client::install_crypto_provider();
    let sim = quiet(false).await;
    let r = reqwest::get(format!("{}/api/v1/events?after=0&wait=5", sim.url()))
        .await
        .expect("request");
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(r.headers().contains_key("date"));
    let body = r.bytes().await.expect("a body");
    let v: serde_json::Value = serde_json::from_slice(&body).expect("a JSON error body");
    assert_eq!(v["error"]["code"], "not_found");
    // The rest of the API is unchanged.
    let r = reqwest::get(format!("{}/api/v1/lots", sim.url()))
        .await
        .expect("request");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_sync_engine_polls_lots_when_the_feed_is_absent() {
    lotwatch::platform::client::install_crypto_provider();
    let sim = quiet(false).await;
    let client = Client::new(ClientConfig::new(sim.url())).expect("a client");
    let mut h = sync::spawn(
        client,
        SyncConfig {
            poll: Duration::from_millis(250),
            rates: None,
            ..SyncConfig::default()
        },
    );
    let snapshot_seq = |m: &SyncMsg| match m {
        SyncMsg::Snapshot { seq, .. } => Some(*seq),
        _ => None,
    };
    let deadline = Duration::from_secs(20);
    let first = tokio::time::timeout(deadline, async {
        loop {
            let m = h.msgs.recv().await.expect("engine running");
            if let Some(s) = snapshot_seq(&m) {
                return s;
            }
        }
    })
    .await
    .expect("a first snapshot");
    let posted = sim.post_notice("polled, not pushed");
    assert!(posted > first);
    let next = tokio::time::timeout(deadline, async {
        loop {
            let m = h.msgs.recv().await.expect("engine running");
            assert!(
                !matches!(m, SyncMsg::Events(_)),
                "no feed events without a feed"
            );
            if let Some(s) = snapshot_seq(&m)
                && s >= posted
            {
                return s;
            }
        }
    })
    .await
    .expect("a later snapshot by polling");
    assert_eq!(next, posted);
    h.task.abort();
    sim.shutdown().await;
}

#[tokio::test]
async fn published_reports_each_new_seq_with_its_instant() {
    let sim = quiet(true).await;
    let mut rx = sim.published();
    let before = Instant::now();
    let a = sim.post_notice("one");
    let b = sim.post_notice("two");
    let after = Instant::now();
    // (the driver may have published the day's opening seq before these)
    let mut got: Vec<(u64, Instant)> = Vec::new();
    while got.len() < 2 {
        let p = rx.recv().await.expect("published");
        if p.0 >= a {
            got.push(p);
        }
    }
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [a, b]);
    assert_eq!(b, a + 1);
    for (_, t) in got {
        assert!(before <= t && t <= after);
    }
    sim.shutdown().await;
}
