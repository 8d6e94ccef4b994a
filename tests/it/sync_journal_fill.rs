//! One client talks to the platform: the sync engine fills the journal's gap
//! itself, through its pacer, one request at a time. Proved on the request
//! log of a scripted platform (wiremock, with a feed that holds a history):
//!
//! - a new journal starts at the first snapshot: the first `/events` asks
//!   from the snapshot's seq, and `after=0` is never asked unless `backfill`;
//! - a 410 is followed by exactly one `/lots`, then `/events` from that
//!   snapshot's seq, and the range that answered 410 is never asked again;
//! - without a feed (404), `/events` is not asked again (but once every
//!   `feed_retry`);
//! - a restart whose journal cursor is behind the snapshot reads exactly the
//!   missing pages, paced, and the journal then holds every event once.

use crate::support::common;
use crate::support::journal_day;

use common::*;
use lotwatch::domain::{Event, EventKind, Money, Timestamp};
use lotwatch::journal::{Journal, JournalRecord, Receipt};
use lotwatch::sync::{Backfill, JournalStart, SyncCmd, SyncConfig, SyncMsg, spawn};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LONG: Duration = Duration::from_secs(15);

/// One `/events` request: its `after`, `wait` and `limit`, when it came and
/// what it was answered.
#[derive(Clone, Debug)]
struct FeedRequest {
    after: u64,
    wait: u64,
    limit: u64,
    at: Instant,
    status: u16,
}

/// A feed that holds events `oldest..=last` (bids on lot A): `after` below
/// `oldest - 1` is 410; nothing newer is an empty page after a short hold.
#[derive(Clone)]
struct HistoryFeed {
    oldest: u64,
    last: u64,
    log: Arc<Mutex<Vec<FeedRequest>>>,
}

impl HistoryFeed {
    fn new(oldest: u64, last: u64) -> HistoryFeed {
        HistoryFeed {
            oldest,
            last,
            log: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn log(&self) -> Vec<FeedRequest> {
        self.log.lock().expect("feed log").clone()
    }
}

fn param(r: &Request, name: &str) -> u64 {
    r.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

impl Respond for HistoryFeed {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let (after, wait, limit) = (param(r, "after"), param(r, "wait"), param(r, "limit"));
        let gone = after + 1 < self.oldest;
        self.log.lock().expect("feed log").push(FeedRequest {
            after,
            wait,
            limit,
            at: Instant::now(),
            status: if gone { 410 } else { 200 },
        });
        if gone {
            return ResponseTemplate::new(410).set_body_json(
                serde_json::json!({"error": {"code": "gone", "message": "trimmed"}}),
            );
        }
        let upto = self.last.min(after + limit.max(1));
        let events: Vec<_> = (after + 1..=upto)
            .map(|s| bid_event(s, "A", "41000000.00"))
            .collect();
        let t = ResponseTemplate::new(200).set_body_json(events_body(self.last, events));
        if upto <= after {
            t.set_delay(Duration::from_millis(300))
        } else {
            t
        }
    }
}

async fn platform(seq: u64, feed: &HistoryFeed) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(seq, &["A"])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(feed.clone())
        .mount(&server)
        .await;
    server
}

fn journal_config(journal: JournalStart, backfill: bool) -> SyncConfig {
    SyncConfig {
        journal,
        backfill,
        ..fast_sync()
    }
}

/// The requests in order, as `path` or `path?after=N` for the feed.
async fn request_log(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| match r.url.path() {
            "/api/v1/events" => format!("/api/v1/events?after={}", after_param(r)),
            p => p.to_string(),
        })
        .collect()
}

#[tokio::test]
async fn a_new_journal_starts_at_the_first_snapshot_and_never_asks_for_seq_0() {
    let feed = HistoryFeed::new(1, 40);
    let server = platform(40, &feed).await;
    // As the monitor does: the journal opens on the auction, then says its cursor.
    let mut c = Collector::new(spawn(
        fast_client(&server.uri()),
        journal_config(JournalStart::Later, false),
    ));
    c.until(LONG, |m| matches!(m, SyncMsg::Auction(_)))
        .await
        .expect("auction");
    c.handle
        .cmds
        .send(SyncCmd::JournalOpened(None))
        .await
        .expect("engine up");
    assert_eq!(c.snapshot(LONG).await, Some((40, 1)));
    c.drain_for(Duration::from_millis(1200)).await;
    let log = feed.log();
    assert!(!log.is_empty(), "the feed was read");
    assert_eq!(log[0].after, 40, "the first /events is from the snapshot");
    assert!(log.iter().all(|r| r.after == 40), "{log:?}");
    // (A snapshot that beat the command is announced as deferred, and its
    // fill is empty.)
    assert!(
        !c.seen.iter().any(|m| matches!(
            m,
            SyncMsg::Backfill(Backfill::Start { .. } | Backfill::Events(_) | Backfill::Lost { .. })
        )),
        "nothing to fill for a new journal"
    );
}

#[tokio::test]
async fn backfill_reads_the_history_in_pages_before_the_live_feed() {
    let feed = HistoryFeed::new(1, 2500);
    let server = platform(2500, &feed).await;
    let mut c = Collector::new(spawn(
        fast_client(&server.uri()),
        journal_config(JournalStart::Cursor(None), true),
    ));
    c.until(LONG, |m| matches!(m, SyncMsg::Backfill(Backfill::End)))
        .await
        .expect("the backfill ends");
    c.drain_for(Duration::from_millis(500)).await;
    let log = feed.log();
    let afters: Vec<u64> = log.iter().map(|r| r.after).collect();
    assert_eq!(&afters[..3], [0, 1000, 2000], "{afters:?}");
    assert!(log[..3].iter().all(|r| r.wait == 0 && r.limit == 1000));
    assert!(afters[3..].iter().all(|&a| a == 2500), "{afters:?}");
    let filled: Vec<u64> = c
        .seen
        .iter()
        .filter_map(|m| match m {
            SyncMsg::Backfill(Backfill::Events(ev)) => Some(ev.iter().map(|e| e.seq)),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(filled, (1..=2500).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_410_is_followed_by_one_lots_then_the_feed_from_its_seq_and_never_asked_again() {
    // The feed holds 31..=40 only; the first snapshot is at 5.
    let feed = HistoryFeed::new(31, 40);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(5, &["A"])))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(40, &["A"])))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(feed.clone())
        .mount(&server)
        .await;
    let dir = journal_day::temp_dir("fill-410");
    let j = Journal::open(&dir.join("j.sqlite")).expect("journal");
    let mut rec = j.recorder("kz-2025-06").expect("recorder");
    // The journal is caught up to the first snapshot: no gap at start.
    let mut c = Collector::new(spawn(
        fast_client(&server.uri()),
        journal_config(JournalStart::Cursor(Some(5)), false),
    ));
    let deadline = Instant::now() + LONG;
    while feed.log().iter().filter(|r| r.after == 40).count() < 2 {
        assert!(
            Instant::now() < deadline,
            "no feed from 40: {:?}",
            feed.log()
        );
        c.drain_for(Duration::from_millis(100)).await;
    }
    for m in &c.seen {
        rec.record(m, Receipt::now(None)).expect("record");
    }
    let log = request_log(&server).await;
    let gone = log
        .iter()
        .position(|r| r == "/api/v1/events?after=5")
        .expect("the 410");
    assert_eq!(
        &log[gone..gone + 3],
        [
            "/api/v1/events?after=5",
            "/api/v1/lots",
            "/api/v1/events?after=40"
        ],
        "{log:?}"
    );
    assert_eq!(
        log.iter()
            .filter(|r| *r == "/api/v1/events?after=5")
            .count(),
        1,
        "the range that answered 410 is never asked again: {log:?}"
    );
    assert_eq!(log.iter().filter(|r| *r == "/api/v1/lots").count(), 2);
    assert_eq!(feed.log().iter().filter(|r| r.status == 410).count(), 1);
    rec.close().await.expect("close");
    let gaps: Vec<_> = j
        .anomalies()
        .expect("anomalies")
        .into_iter()
        .filter(|a| a.kind == "journal_gap")
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(
        gaps[0].evidence,
        "events 6–40 not read from the feed: the feed no longer has those events (410)"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `/lots` with a new ETag (and seq) on every read: every poll is a changed snapshot.
struct ChangingLots(Arc<Mutex<u64>>);

impl Respond for ChangingLots {
    fn respond(&self, _r: &Request) -> ResponseTemplate {
        let mut n = self.0.lock().expect("lots");
        *n += 1;
        ResponseTemplate::new(200)
            .set_body_json(lots_body(*n, &["A"]))
            .insert_header("ETag", format!("\"v{n}\"").as_str())
    }
}

async fn no_feed_platform() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ChangingLots(Arc::new(Mutex::new(0))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            serde_json::json!({"error": {"code": "not_found", "message": "no feed"}}),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn without_a_feed_events_is_not_asked_again_after_the_first_404() {
    let server = no_feed_platform().await;
    // A journal behind the snapshot: the catch-up's 404 is the only /events.
    let mut c = Collector::new(spawn(
        fast_client(&server.uri()),
        journal_config(JournalStart::Cursor(Some(0)), false),
    ));
    c.drain_for(Duration::from_millis(3000)).await;
    let log = request_log(&server).await;
    let snapshots = c.seen.iter().filter(|m| is_snapshot(m)).count();
    assert!(snapshots >= 5, "polled /lots, changed each time: {log:?}");
    assert_eq!(
        log.iter()
            .filter(|r| r.starts_with("/api/v1/events"))
            .count(),
        1,
        "{log:?}"
    );
    let lost: Vec<_> = c
        .seen
        .iter()
        .filter(|m| matches!(m, SyncMsg::Backfill(Backfill::Lost { .. })))
        .collect();
    assert_eq!(lost.len(), 1, "one journal gap, at the switch: {lost:?}");
}

#[tokio::test]
async fn without_a_feed_it_is_tried_again_once_every_feed_retry() {
    let server = no_feed_platform().await;
    let cfg = SyncConfig {
        feed_retry: Duration::from_millis(1000),
        ..journal_config(JournalStart::Off, false)
    };
    let mut c = Collector::new(spawn(fast_client(&server.uri()), cfg));
    c.drain_for(Duration::from_millis(3600)).await;
    let n = count(&server, Some("/api/v1/events")).await;
    // The first 404, then one try per second at most (polls go every 250 ms).
    assert!((2..=4).contains(&n), "{n} /events in 3.6 s");
}

#[tokio::test]
async fn a_restart_behind_the_snapshot_reads_exactly_the_missing_pages_paced() {
    let dir = journal_day::temp_dir("fill-restart");
    let path = dir.join("j.sqlite");
    let auction = "kz-2025-06";
    // The first run recorded up to seq 1200.
    {
        let j = Journal::open(&path).expect("journal");
        let w = j.writer(auction).expect("writer");
        let events: Vec<_> = (1..=1200)
            .map(|s| Event {
                seq: s,
                at: Timestamp(1_750_741_800_000),
                lot_id: Some("A".into()),
                kind: EventKind::Bid {
                    amount: Money::from_tenge(41_000_000),
                    bidder: "P-02".into(),
                    closes_at: Timestamp(1_750_743_300_000),
                },
            })
            .collect();
        w.append(JournalRecord::Events(events), Receipt::now(None))
            .expect("append");
        w.flush().expect("flush");
    }
    let feed = HistoryFeed::new(1, 4700);
    let server = platform(4700, &feed).await;
    let j = Journal::open(&path).expect("journal");
    let cursor = j.cursor(auction).expect("cursor");
    assert_eq!(cursor, Some(1200));
    let mut rec = j.recorder(auction).expect("recorder");
    // A slow request rate, to see the pages paced: 1 at once, 2 a second.
    // The long-poll's catch-up is what is measured: no push feed (its one
    // request would take a token of this slow rate before the long-poll).
    let cfg = SyncConfig {
        max_burst: 1,
        max_per_sec: 2,
        push: false,
        ..journal_config(JournalStart::Cursor(cursor), false)
    };
    let mut c = Collector::new(spawn(fast_client(&server.uri()), cfg));
    c.until(LONG, |m| matches!(m, SyncMsg::Backfill(Backfill::End)))
        .await
        .expect("the catch-up ends");
    c.drain_for(Duration::from_millis(800)).await;
    for m in &c.seen {
        rec.record(m, Receipt::now(None)).expect("record");
    }
    rec.close().await.expect("close");

    let log = feed.log();
    let pages: Vec<&FeedRequest> = log.iter().filter(|r| r.wait == 0).collect();
    assert_eq!(
        pages.iter().map(|r| r.after).collect::<Vec<_>>(),
        [1200, 2200, 3200, 4200],
        "exactly the missing pages: {log:?}"
    );
    assert!(pages.iter().all(|r| r.limit == 1000));
    for w in pages.windows(2) {
        let gap = w[1].at - w[0].at;
        assert!(
            gap >= Duration::from_millis(400),
            "paced by the request-rate bound: {gap:?}"
        );
    }
    let live: Vec<u64> = log.iter().filter(|r| r.wait > 0).map(|r| r.after).collect();
    assert!(
        !live.is_empty() && live.iter().all(|&a| a == 4700),
        "{live:?}"
    );
    assert!(
        log.iter().position(|r| r.wait > 0) > log.iter().rposition(|r| r.wait == 0),
        "one request in flight: the live feed starts after the catch-up"
    );
    let j = Journal::open(&path).expect("reopen");
    let seqs: Vec<u64> = j
        .events(None)
        .expect("events")
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=4700).collect::<Vec<_>>(), "every event once");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_journal_that_opens_late_does_not_hold_the_lots_back_and_gets_its_gap_after() {
    let dir = journal_day::temp_dir("fill-late");
    let path = dir.join("j.sqlite");
    let auction = "kz-2025-06";
    // An earlier run recorded up to seq 1200.
    {
        let j = Journal::open(&path).expect("journal");
        let w = j.writer(auction).expect("writer");
        let events: Vec<_> = (1..=1200)
            .map(|s| Event {
                seq: s,
                at: Timestamp(1_750_741_800_000),
                lot_id: Some("A".into()),
                kind: EventKind::Bid {
                    amount: Money::from_tenge(41_000_000),
                    bidder: "P-02".into(),
                    closes_at: Timestamp(1_750_743_300_000),
                },
            })
            .collect();
        w.append(JournalRecord::Events(events), Receipt::now(None))
            .expect("append");
        w.flush().expect("flush");
    }
    let feed = HistoryFeed::new(1, 2500);
    let server = platform(2500, &feed).await;
    let mut c = Collector::new(spawn(
        fast_client(&server.uri()),
        journal_config(JournalStart::Later, false),
    ));
    // The journal says nothing yet (its database is slow): the lots come.
    let started = Instant::now();
    assert_eq!(c.snapshot(LONG).await.map(|s| s.0), Some(2500));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the snapshot waited for the journal: {:?}",
        started.elapsed()
    );
    c.drain_for(Duration::from_millis(300)).await;
    assert!(
        c.seen
            .iter()
            .any(|m| matches!(m, SyncMsg::Backfill(Backfill::Deferred))),
        "the snapshot is announced as deferred"
    );
    // It opens, at 1200: the gap before the snapshot is read for it.
    let j = Journal::open(&path).expect("journal");
    let cursor = j.cursor(auction).expect("cursor");
    assert_eq!(cursor, Some(1200));
    let mut rec = j.recorder(auction).expect("recorder");
    c.handle
        .cmds
        .send(SyncCmd::JournalOpened(cursor))
        .await
        .expect("engine up");
    c.until(LONG, |m| matches!(m, SyncMsg::Backfill(Backfill::End)))
        .await
        .expect("the gap is filled");
    let snapshot_at = c
        .seen
        .iter()
        .position(|m| matches!(m, SyncMsg::Snapshot { .. }))
        .expect("snapshot");
    let start_at = c
        .seen
        .iter()
        .position(|m| {
            matches!(
                m,
                SyncMsg::Backfill(Backfill::Start {
                    after: 1200,
                    until: 2500
                })
            )
        })
        .expect("the fill starts from the journal's cursor");
    assert!(snapshot_at < start_at, "the app had the lots first");
    for m in &c.seen {
        rec.record(m, Receipt::now(None)).expect("record");
    }
    rec.close().await.expect("close");
    let j = Journal::open(&path).expect("reopen");
    let seqs: Vec<u64> = j
        .events(None)
        .expect("events")
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=2500).collect::<Vec<_>>(), "every event once");
    let _ = std::fs::remove_dir_all(dir);
}
