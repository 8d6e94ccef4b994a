//! The real client and sync engine against the real simulator on loopback:
//! events reach the app within one long-poll round, the server clock follows
//! a simulator running an hour ahead, and rates come from the simulator's
//! platform endpoint and its NBK feed.

use lotwatch::domain::clock::{ServerClock, mono_now, wall_now};
use lotwatch::domain::{Currency, EventKind, Timestamp};
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::rates::{RateSource, RatesConfig, RatesMode};
use lotwatch::sim::Scenario;
use lotwatch::sim::server::{RunningSim, SimOptions, start};
use lotwatch::sync::{LinkState, SyncConfig, SyncHandle, SyncMsg, spawn};
use std::time::{Duration, Instant};

async fn sim(speed: f64, lead_ms: i64, clock_offset_s: i64) -> RunningSim {
    let o = SimOptions {
        scenario: Scenario::test_small(),
        speed,
        lead_ms,
        seed: 11,
        clock_offset_s,
        ..SimOptions::demo()
    };
    start(o).await.expect("simulator starts on loopback")
}

fn engine(url: &str, rates: Option<RatesConfig>) -> SyncHandle {
    let client = Client::new(ClientConfig::new(url)).expect("valid config");
    spawn(
        client,
        SyncConfig {
            rates,
            ..SyncConfig::default()
        },
    )
}

/// Reads messages into `clock` until `pred` holds or `within` runs out.
async fn until(
    h: &mut SyncHandle,
    clock: &mut ServerClock,
    within: Duration,
    mut pred: impl FnMut(&SyncMsg) -> bool,
) -> Option<SyncMsg> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, h.msgs.recv()).await {
            Ok(Some(m)) => {
                if let SyncMsg::Clock(s) = &m {
                    clock.observe(*s);
                }
                if pred(&m) {
                    return Some(m);
                }
            }
            _ => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_posted_during_a_long_poll_arrives_at_once() {
    let s = sim(1.0, 60_000, 0).await;
    let mut h = engine(&s.url(), None);
    let mut clock = ServerClock::new();
    assert!(
        until(&mut h, &mut clock, Duration::from_secs(10), |m| matches!(
            m,
            SyncMsg::Link(LinkState::Live)
        ))
        .await
        .is_some()
    );
    // Wait until the engine's long-poll is held by the server.
    let t = Instant::now();
    while s.held_long_polls() == 0 && t.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        s.held_long_polls(),
        1,
        "the engine should be holding one long-poll"
    );
    let posted = Instant::now();
    let seq = s.post_notice("Lot T2 is withdrawn");
    let got = until(&mut h, &mut clock, Duration::from_secs(10), |m| {
        matches!(m, SyncMsg::Events(_))
    })
    .await;
    let latency = posted.elapsed();
    match got {
        Some(SyncMsg::Events(ev)) => {
            let last = ev.last().expect("a non-empty batch");
            assert_eq!(last.seq, seq);
            assert!(
                matches!(&last.kind, EventKind::Notice { message } if message == "Lot T2 is withdrawn")
            );
        }
        other => panic!("{other:?}"),
    }
    eprintln!("figure: notice posted -> Events message: {latency:?}");
    assert!(
        latency < Duration::from_secs(2),
        "took {latency:?}, a long-poll round is 25 s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bid_by_the_simulators_agents_arrives_within_one_long_poll_round() {
    // Speed 60: the first lots open after half a second and agents bid soon after.
    let s = sim(60.0, 500, 0).await;
    let mut h = engine(&s.url(), None);
    let mut clock = ServerClock::new();
    let got = until(&mut h, &mut clock, Duration::from_secs(60), |m| {
        matches!(m, SyncMsg::Events(ev) if ev.iter().any(|e| matches!(e.kind, EventKind::Bid { .. })))
    })
    .await;
    let Some(SyncMsg::Events(ev)) = got else {
        panic!("no bid within a minute")
    };
    let bid = ev
        .iter()
        .find(|e| matches!(e.kind, EventKind::Bid { .. }))
        .expect("a bid");
    // On the server's clock, the bid reached us well within one round (25 s).
    let now = clock
        .now(mono_now())
        .expect("clock samples came with the answers");
    let lag = bid.at.until(now);
    eprintln!("figure: agent bid lag on the server clock: {lag} ms");
    assert!(
        (-1_000..3_000).contains(&lag),
        "bid at {} arrived at {now}: {lag} ms",
        bid.at
    );
    assert!(bid.lot_id.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_clock_follows_a_simulator_an_hour_ahead() {
    let s = sim(1.0, 60_000, 3600).await;
    let mut h = engine(&s.url(), None);
    let mut clock = ServerClock::new();
    let snap = until(&mut h, &mut clock, Duration::from_secs(10), |m| {
        matches!(m, SyncMsg::Snapshot { .. })
    })
    .await;
    let Some(SyncMsg::Snapshot { lots, .. }) = snap else {
        panic!("no snapshot")
    };
    // let a few more samples in (the long-polls)
    let _ = until(&mut h, &mut clock, Duration::from_millis(1500), |_| false).await;
    let est = clock.now(mono_now()).expect("an estimate");
    let truth = Timestamp(wall_now().0 + 3_600_000);
    eprintln!(
        "figure: clock estimate error {} ms, uncertainty {:?} ms",
        est.until(truth),
        clock.uncertainty_ms()
    );
    assert!(
        est.until(truth).abs() < 1_000,
        "estimate {est} vs simulator {truth}"
    );
    let off = clock.offset_ms().expect("an offset");
    assert!((off - 3_600_000).abs() < 1_000, "offset {off}");
    assert!(clock.uncertainty_ms().is_some_and(|u| u < 1_000));
    // Countdowns on our estimate match the simulator's own remaining time.
    let lot = lots.first().expect("lots");
    let ours = est.until(lot.opens_at);
    let theirs = truth.until(lot.opens_at);
    assert!((ours - theirs).abs() < 1_000, "{ours} vs {theirs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rates_from_the_simulators_nbk_feed_and_platform_endpoint() {
    let s = sim(1.0, 60_000, 0).await;
    for (mode, source) in [
        (RatesMode::Nbk, RateSource::Nbk),
        (RatesMode::Platform, RateSource::Platform),
    ] {
        let rates = RatesConfig {
            mode,
            nbk_url: format!("{}/nbk/rss/get_rates.cfm?fdate={{date}}", s.url()),
            ..RatesConfig::default()
        };
        let mut h = engine(&s.url(), Some(rates));
        let mut clock = ServerClock::new();
        match until(&mut h, &mut clock, Duration::from_secs(15), |m| {
            matches!(m, SyncMsg::Rates(_))
        })
        .await
        {
            Some(SyncMsg::Rates(t)) => {
                assert_eq!(t.source, source);
                assert_eq!(t.fallback, None, "{t:?}");
                assert!(t.date.is_some());
                assert!(t.get(Currency::Usd).is_some(), "{t:?}");
                assert_eq!(t.get(Currency::Kzt), None);
            }
            other => panic!("{mode:?}: {other:?}"),
        }
    }
}
