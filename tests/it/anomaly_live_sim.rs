//! The real simulator over loopback, the real client and sync engine, and
//! the app: a clean day at high speed raises no anomaly, and a simulator
//! whose clock runs an hour ahead raises exactly one clock-skew anomaly.

use lotwatch::app::{Anomaly, AnomalyKind, App, AppOptions, Effect, Msg};
use lotwatch::domain::clock::mono_now;
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sim::Scenario;
use lotwatch::sim::server::{SimOptions, start};
use lotwatch::sync::{SyncConfig, SyncMsg, spawn};
use std::time::Duration;

/// Runs until every lot is final or `within` passes; returns the anomalies
/// raised and the number of feed events seen.
async fn run(clock_offset_s: i64, within: Duration) -> (Vec<Anomaly>, usize, bool) {
    let sim = start(SimOptions {
        scenario: Scenario::test_small(),
        speed: 100.0,
        lead_ms: 300,
        seed: 3,
        clock_offset_s,
        ..SimOptions::demo()
    })
    .await
    .expect("simulator starts on loopback");
    let client = Client::new(ClientConfig::new(sim.url())).expect("valid config");
    let mut h = spawn(
        client,
        SyncConfig {
            rates: None,
            ..SyncConfig::default()
        },
    );
    let mut app = App::new(AppOptions::default());
    let (mut raised, mut events) = (Vec::new(), 0);
    let deadline = tokio::time::Instant::now() + within;
    let mut done = false;
    while tokio::time::Instant::now() < deadline {
        let up = match tokio::time::timeout(Duration::from_millis(200), h.msgs.recv()).await {
            Ok(Some(m)) => {
                if let SyncMsg::Events(ev) = &m {
                    events += ev.len();
                }
                app.update(Msg::Sync(m), mono_now())
            }
            Ok(None) => break,
            Err(_) => app.update(Msg::Tick, mono_now()),
        };
        raised.extend(up.effects.into_iter().filter_map(|e| match e {
            Effect::Anomaly(a) => Some(a),
            _ => None,
        }));
        let lots = app.lots();
        if lots.view_len() == 6
            && (0..lots.view_len())
                .filter_map(|p| lots.row(p))
                .all(|(l, _)| l.status.is_final())
        {
            done = true;
            break;
        }
    }
    h.task.abort();
    let _ = tokio::time::timeout(Duration::from_millis(500), sim.shutdown()).await;
    (raised, events, done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_day_on_the_real_simulator_raises_nothing() {
    let (raised, events, done) = run(0, Duration::from_secs(40)).await;
    assert!(done, "the day ended ({events} events)");
    assert!(events > 20, "{events} events");
    assert!(raised.is_empty(), "{raised:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulator_an_hour_ahead_raises_one_skew_anomaly() {
    let (raised, _, _) = run(3600, Duration::from_secs(40)).await;
    let kinds: Vec<_> = raised.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::ClockSkew], "{raised:#?}");
    // "+3599.996 s ahead": the estimate is within its round trip of 3600 s,
    // and a loaded machine's round trip is a few milliseconds.
    let secs: f64 = raised[0]
        .evidence
        .split_once('+')
        .and_then(|(_, r)| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no +seconds in {}", raised[0].evidence));
    assert!((secs - 3600.0).abs() < 0.5, "{}", raised[0].evidence);
}
