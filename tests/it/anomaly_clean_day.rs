//! A whole clean simulated day raises no anomaly: the simulator's pure
//! engine plays the June day with fake time, and its feed goes through the
//! app (and so the anomaly detector) as the sync engine would deliver it:
//! a first snapshot, event batches, re-snapshots now and then, and
//! re-snapshots that skip events (as after a gap or a 410).

use lotwatch::app::{App, AppOptions, Effect, Msg};
use lotwatch::domain::clock::Mono;
use lotwatch::domain::{Event, Timestamp};
use lotwatch::sim::{Engine, Scenario};
use lotwatch::sync::{LinkState, SyncMsg};

fn start() -> Timestamp {
    Timestamp::parse("2025-06-24T05:00:00.000Z").expect("valid time")
}

fn feed(app: &mut App, msg: SyncMsg) {
    let up = app.update(Msg::Sync(msg), Mono(0));
    let raised: Vec<_> = up
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::Anomaly(_)))
        .collect();
    assert!(raised.is_empty(), "a clean day raised {raised:?}");
}

/// Plays the day; returns (events delivered, snapshots sent).
fn play(seed: u64, speed: f64, resnapshot_every: u64) -> (usize, usize) {
    let scenario = Scenario::june_2025();
    let mut e = Engine::new(&scenario, seed, start(), speed);
    let mut app = App::new(AppOptions::default());
    feed(&mut app, SyncMsg::Link(LinkState::Live));
    feed(
        &mut app,
        SyncMsg::Snapshot {
            seq: 0,
            lots: e.lots().to_vec(),
            rejected: vec![],
        },
    );
    let (mut cursor, mut delivered, mut snapshots, mut step) = (0u64, 0usize, 1usize, 0u64);
    while let Some(due) = e.next_due() {
        e.advance_to(due);
        step += 1;
        if step % resnapshot_every == 0 {
            // A re-snapshot, skipping whatever the feed had not yet given.
            cursor = e.last_seq();
            snapshots += 1;
            feed(
                &mut app,
                SyncMsg::Snapshot {
                    seq: cursor,
                    lots: e.lots().to_vec(),
                    rejected: vec![],
                },
            );
            continue;
        }
        let page: Vec<Event> = e.events_after(cursor, 500).expect("read often enough");
        if let Some(last) = page.last() {
            cursor = last.seq;
            delivered += page.len();
            feed(&mut app, SyncMsg::Events(page));
        }
    }
    assert_eq!(app.anomaly_count(), 0);
    let lots = app.lots();
    assert_eq!(lots.view_len(), 50);
    assert!(
        (0..lots.view_len())
            .filter_map(|p| lots.row(p))
            .all(|(l, _)| l.status.is_final())
    );
    (delivered, snapshots)
}

#[test]
fn the_june_day_raises_no_anomaly() {
    // Every event through the feed, none skipped.
    let (events, snapshots) = play(11, 60.0, u64::MAX);
    assert_eq!(snapshots, 1);
    assert!(events > 300, "the day had {events} events");
    for (seed, speed) in [(2025, 120.0), (7, 600.0)] {
        let (events, snapshots) = play(seed, speed, 97);
        eprintln!("seed {seed} speed {speed}: {events} events, {snapshots} snapshots");
        assert!(events > 300, "the day had {events} events");
        assert!(snapshots > 3, "only {snapshots} snapshots");
    }
}

#[test]
fn a_generated_day_of_ten_thousand_lots_raises_no_anomaly() {
    use lotwatch::app::lots::{LotStore, SourceLots};
    use lotwatch::app::{Detector, DetectorConfig};
    use lotwatch::domain::SourceId;
    let scenario = Scenario::generated(10_000, 5);
    let mut e = Engine::new(&scenario, 5, start(), 50.0);
    let mut d = Detector::new(DetectorConfig::default());
    // The lots as last seen, where the detector reads them: the app's store,
    // given each message after the detector, as the app gives it.
    let mut held = LotStore::default();
    let t = std::time::Instant::now();
    let snap = |e: &Engine| SyncMsg::Snapshot {
        seq: e.last_seq(),
        lots: e.lots().to_vec(),
        rejected: vec![],
    };
    let src = SourceId::FIRST;
    assert_eq!(
        d.observe(&snap(&e), None, &SourceLots { store: &held, src }),
        vec![]
    );
    held.replace(src, e.lots().to_vec(), None, None);
    let first_snapshot = t.elapsed();
    let (mut cursor, mut n) = (0u64, 0usize);
    while let Some(due) = e.next_due() {
        e.advance_to(due);
        let page: Vec<Event> = e.events_after(cursor, 1000).expect("read often enough");
        if let Some(last) = page.last() {
            cursor = last.seq;
            n += page.len();
            let page = SyncMsg::Events(page);
            assert_eq!(
                d.observe(&page, None, &SourceLots { store: &held, src }),
                vec![]
            );
            if let SyncMsg::Events(events) = &page {
                for ev in events {
                    held.apply(src, ev, None);
                }
            }
        }
    }
    // and a full re-snapshot at the end changes nothing
    assert_eq!(
        d.observe(&snap(&e), None, &SourceLots { store: &held, src }),
        vec![]
    );
    eprintln!(
        "10 000 lots: first snapshot {first_snapshot:?}, {n} events and a re-snapshot, total {:?}",
        t.elapsed()
    );
    assert!(n > 10_000, "{n} events");
}
