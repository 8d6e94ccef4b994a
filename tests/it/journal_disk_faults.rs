//! The journal fails loudly and loses nothing it can keep: on a file system
//! that fills up (a small tmpfs, as root), with the file made read-only or
//! deleted under the running writer, the records wait in memory (bounded),
//! the failure is published with its cause, and everything held is written
//! when the disk has room again; past the bound the loss is counted. Closing
//! never waits for a failing disk longer than asked.

use crate::support;

use lotwatch::domain::{Event, EventKind, Money, Timestamp};
use lotwatch::journal::{
    Journal, JournalCause, JournalHealth, JournalRecord, JournalWriter, Receipt, WriterOptions,
};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};
use support::tmpfs::Tmpfs;
use tokio::sync::watch;

const AUCTION: &str = "kz-2025-06";
const WAIT: Duration = Duration::from_secs(20);

fn ev(seq: u64) -> Event {
    Event {
        seq,
        at: Timestamp(1_750_741_800_000 + seq as i64),
        lot_id: Some("401102".into()),
        kind: EventKind::Bid {
            amount: Money::from_tenge(40_000_000 + seq as i64),
            bidder: "P-07".into(),
            closes_at: Timestamp(1_750_743_300_000),
        },
    }
}

fn fast(max_records: usize) -> WriterOptions {
    WriterOptions {
        max_records,
        retry_first: Duration::from_millis(20),
        retry_max: Duration::from_millis(200),
        ..WriterOptions::default()
    }
}

fn append_events(w: &JournalWriter, seqs: std::ops::RangeInclusive<u64>) {
    for s in seqs {
        w.append(
            JournalRecord::Events(vec![ev(s)]),
            Receipt {
                local: Timestamp(1_750_741_800_000),
                server_est: Some(Timestamp(1_750_741_920_000)),
            },
        )
        .expect("append never fails");
    }
}

fn wait_health(
    rx: &watch::Receiver<JournalHealth>,
    what: &str,
    pred: impl Fn(&JournalHealth) -> bool,
) -> JournalHealth {
    let start = Instant::now();
    loop {
        let h = rx.borrow().clone();
        if pred(&h) {
            return h;
        }
        assert!(start.elapsed() < WAIT, "{what}: the health stayed {h:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stored(path: &Path) -> Vec<u64> {
    Journal::open_existing(path)
        .expect("journal readable")
        .events(None)
        .expect("events")
        .iter()
        .map(|e| e.seq)
        .collect()
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-disk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

#[test]
fn a_full_disk_holds_the_records_and_writes_them_when_room_comes_back() {
    // Each one-event transaction adds a few pages to the WAL: 32 MiB is
    // room for the first records, then the filler takes the rest.
    let Some(fs) = Tmpfs::mount("full", 32 * 1024) else {
        return;
    };
    let path = fs.path("day.sqlite");
    let j = Journal::open(&path).expect("open");
    let w = j.writer_with(AUCTION, fast(100_000)).expect("writer");
    let health = w.health();
    append_events(&w, 1..=50);
    assert!(
        w.flush_within(WAIT).expect("flush"),
        "the first records fit"
    );
    fs.fill();
    let started = Instant::now();
    append_events(&w, 51..=400);
    // Handing records over never waits for the disk.
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let h = wait_health(&health, "disk full", |h| h.failing.is_some());
    let f = h.failing.clone().expect("failing");
    assert_eq!(f.cause, JournalCause::DiskFull, "{h:?}");
    assert_eq!(
        f.since,
        Timestamp(1_750_741_920_000),
        "the server time of the first record held"
    );
    let h = wait_health(&health, "all held", |h| h.unwritten_records >= 300);
    assert!(h.unwritten_events >= 300 && h.lost_records == 0, "{h:?}");
    assert!(
        !w.flush_within(Duration::from_millis(200)).expect("flush"),
        "nothing can be written"
    );
    assert!(stored(&path).len() < 400);

    fs.unfill();
    wait_health(&health, "writing again", |h| h.failing.is_none());
    assert!(w.flush_within(WAIT).expect("flush"));
    assert_eq!(
        stored(&path),
        (1..=400).collect::<Vec<_>>(),
        "every event once"
    );
    let st = w.status();
    assert_eq!(
        (st.failed, st.lost_records, st.unwritten_records),
        (0, 0, 0),
        "{st:?}"
    );
    assert_eq!(st.events, 400);
}

#[test]
fn a_file_made_read_only_holds_a_bounded_number_and_counts_the_rest() {
    let dir = temp("readonly");
    let path = dir.join("day.sqlite");
    let j = Journal::open(&path).expect("open");
    let w = j.writer_with(AUCTION, fast(100)).expect("writer");
    let health = w.health();
    append_events(&w, 1..=10);
    w.flush().expect("flush");
    chmod(&path, 0o444);
    // The first is tried at once; 100 wait behind it; 49 do not fit.
    append_events(&w, 11..=11);
    wait_health(&health, "read-only", |h| h.failing.is_some());
    append_events(&w, 12..=160);
    let h = wait_health(&health, "bounded", |h| h.lost_records == 49);
    assert_eq!(
        h.failing.as_ref().map(|f| &f.cause),
        Some(&JournalCause::ReadOnly)
    );
    assert_eq!(
        (h.unwritten_records, h.unwritten_events),
        (101, 101),
        "{h:?}"
    );
    assert_eq!((h.lost_events, h.events_at_stake()), (49, 150));

    chmod(&path, 0o644);
    let h = wait_health(&health, "writing again", |h| h.failing.is_none());
    assert_eq!(h.lost_events, 49, "the loss stays shown: {h:?}");
    assert!(w.flush_within(WAIT).expect("flush"));
    assert_eq!(stored(&path), (1..=111).collect::<Vec<_>>());
    let st = w.status();
    assert_eq!((st.lost_records, st.lost_events, st.failed), (49, 49, 0));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_deleted_file_is_made_again_and_what_follows_is_in_it() {
    let dir = temp("deleted");
    let path = dir.join("day.sqlite");
    let j = Journal::open(&path).expect("open");
    let w = j.writer_with(AUCTION, fast(1000)).expect("writer");
    append_events(&w, 1..=10);
    w.flush().expect("flush");
    std::fs::remove_file(&path).expect("rm");
    append_events(&w, 11..=20);
    assert!(w.flush_within(WAIT).expect("flush"));
    assert!(path.exists(), "a journal at the path again");
    assert_eq!(stored(&path), (11..=20).collect::<Vec<_>>());
    assert_eq!(w.status().failing, None);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn closing_on_a_failing_disk_returns_in_time_and_counts_what_is_unwritten() {
    let dir = temp("close");
    let path = dir.join("day.sqlite");
    let j = Journal::open(&path).expect("open");
    let mut rec = j.recorder(AUCTION).expect("recorder");
    rec.append(JournalRecord::Events(vec![ev(1)]), Receipt::now(None))
        .expect("append");
    rec.writer().flush().expect("flush");
    chmod(&path, 0o444);
    for s in 2..=133 {
        rec.append(JournalRecord::Events(vec![ev(s)]), Receipt::now(None))
            .expect("append");
    }
    let started = Instant::now();
    let st = rec.close_within(Duration::from_millis(300)).await;
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        (st.unwritten_records, st.unwritten_events),
        (132, 132),
        "{st:?}"
    );
    assert_eq!(st.failing, Some(JournalCause::ReadOnly));
    chmod(&path, 0o644);
    let _ = std::fs::remove_dir_all(dir);
}
