//! The officials' tools over a 10 000-lot day, with divan: building and
//! rendering `lotwatch protocol` (JSON, Markdown, HTML), `lotwatch verify`
//! (integrity check, triggers and the whole hash chain), and what the chain
//! costs the writer: sealing one transaction of 100 events.
//!
//! The journal is recorded the way the monitor records one: the simulator's
//! engine plays a generated day of 10 000 lots (fake time), and its auction,
//! the day's NBK rate, a first snapshot, the feed in pages of up to 1000
//! events and a closing re-snapshot go through the real journal writer.
//! Run: `cargo bench --bench protocol` (figures in BENCHMARKS.md).

use divan::Bencher;
use lotwatch::domain::{Currency, Rate, Timestamp};
use lotwatch::journal::{Journal, JournalRecord, Receipt, chain, verify};
use lotwatch::protocol::{BuildOptions, Format, build, render};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sim::engine::Engine;
use lotwatch::sim::scenario::Scenario;
use lotwatch::sync::SyncMsg;
use lotwatch::ui::i18n::Lang;
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// 2025-06-24T05:00:00Z: the generated day starts.
const DAY: Timestamp = Timestamp(1_750_741_200_000);
const LOTS: usize = 10_000;

/// The recorded day (made once per run, in the temp directory).
fn journal() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lotwatch-bench-protocol-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("day-10000.sqlite");
        let t = std::time::Instant::now();
        let mut e = Engine::new(&Scenario::generated(LOTS, 5), 5, DAY, 50.0);
        let j = Journal::open(&path).expect("journal");
        let auction = e.auction();
        let w = j.writer(&auction.id).expect("writer");
        let at = |ts: Timestamp| Receipt {
            local: ts,
            server_est: Some(ts),
        };
        w.append(JournalRecord::Auction(auction), at(DAY)).expect("auction");
        w.append(
            JournalRecord::Rates(RateTable {
                source: RateSource::Nbk,
                date: DAY.astana_date(),
                rates: [(Currency::Usd, Rate("519.53".parse().expect("rate")))]
                    .into_iter()
                    .collect(),
                fetched_at: DAY,
                fallback: None,
            }),
            at(DAY),
        )
        .expect("rates");
        let snap = |e: &Engine| SyncMsg::Snapshot {
            seq: e.last_seq(),
            lots: e.lots().to_vec(),
            rejected: vec![],
        };
        w.record_sync_msg(&snap(&e), at(DAY)).expect("snapshot");
        let (mut cursor, mut events, mut pending) = (0u64, 0usize, Vec::new());
        while let Some(due) = e.next_due() {
            e.advance_to(due);
            let page = e.events_after(cursor, 1000).expect("read often enough");
            if let Some(last) = page.last() {
                cursor = last.seq;
                pending.extend(page);
            }
            if pending.len() >= 1000 {
                events += pending.len();
                w.record_sync_msg(&SyncMsg::Events(std::mem::take(&mut pending)), at(due))
                    .expect("events");
            }
        }
        events += pending.len();
        w.record_sync_msg(&SyncMsg::Events(pending), at(DAY.plus_secs(86_000)))
            .expect("events");
        w.record_sync_msg(&snap(&e), at(DAY.plus_secs(86_000))).expect("snapshot");
        w.flush().expect("flush");
        let records = verify::verify_path(&path)
            .expect("readable")
            .expect("verifies")
            .records;
        eprintln!(
            "journal of {LOTS} lots: {events} events, {records} chain records, {:.1} MB, recorded in {:.1} s",
            std::fs::metadata(&path).map_or(0, |m| m.len()) as f64 / 1e6
                + std::fs::metadata(path.with_extension("sqlite-wal")).map_or(0, |m| m.len()) as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
        path
    })
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn protocol_build(b: Bencher) {
    let path = journal();
    b.bench(|| {
        let j = Journal::open_existing(path).expect("open");
        build(&j, &BuildOptions::default()).expect("protocol")
    });
}

#[divan::bench(args = ["json", "md", "html"], sample_count = 10, sample_size = 1)]
fn protocol_render(b: Bencher, format: &str) {
    let j = Journal::open_existing(journal()).expect("open");
    let p = build(&j, &BuildOptions::default()).expect("protocol");
    let format = match format {
        "json" => Format::Json,
        "md" => Format::Markdown,
        _ => Format::Html,
    };
    b.bench(|| render(&p, format, Lang::Ru));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn verify_journal(b: Bencher) {
    let path = journal();
    b.bench(|| {
        verify::verify_path(path)
            .expect("readable")
            .expect("verifies")
    });
}

/// One writer transaction of 100 events, rolled back: with and without the
/// chain's seal (the difference is what the chain costs each commit).
#[divan::bench(args = [false, true], sample_count = 30, sample_size = 10)]
fn transaction_of_100_events(b: Bencher, sealed: bool) {
    let c = rusqlite::Connection::open(journal()).expect("open");
    b.bench_local(|| {
        let tx = c.unchecked_transaction().expect("begin");
        tx.execute(
            "INSERT INTO messages (auction, kind, received_at, server_est) VALUES ('bench', 'events', 0, 0)",
            [],
        )
        .expect("message");
        let mid = tx.last_insert_rowid();
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO events (auction, seq, message_id, server_at, received_at, lot_id, type, amount, bidder, body) \
                 VALUES ('bench', ?1, ?2, 0, 0, 'L1', 'bid', '1000.00', 'P-07', ?3)",
            )
            .expect("insert");
        let body = "{\"seq\":1,\"at\":\"2025-06-24T05:00:00.000Z\",\"type\":\"bid\",\"lot_id\":\"L1\",\"amount\":\"1000.00\",\"bidder\":\"P-07\",\"closes_at\":\"2025-06-24T05:30:00.000Z\"}";
        for seq in 0..100i64 {
            stmt.execute(rusqlite::params![10_000_000 + seq, mid, body])
                .expect("event");
        }
        drop(stmt);
        if sealed {
            chain::seal(&tx, Some(mid)).expect("seal");
        }
        tx.rollback().expect("rollback");
    });
}
