//! The journal file is whole by itself once its writer ends: the writer
//! folds the WAL into the file (`wal_checkpoint(TRUNCATE)`) when the
//! monitor or `watch` quits, and `verify` warns while a `-wal` beside the
//! file still holds records the file does not (a copy of the file alone
//! would lack them and still verify OK).

use crate::support::journal_day::{self, AUCTION, T0, day, temp_dir};
use lotwatch::domain::Timestamp;
use lotwatch::journal::verify::records_only_in_wal;
use lotwatch::journal::{Journal, Receipt};
use lotwatch::sync::SyncMsg;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn wal_len(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

fn verify(path: &Path) -> (Option<i32>, String, String) {
    let out = crate::support::server::lotwatch()
        .args(["verify", "--journal"])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn verify_warns_of_records_only_the_wal_holds_until_the_writer_checkpoints() {
    let dir = temp_dir("whole-wal");
    let path = dir.join("day.sqlite");
    let d = day(3, 5, 120);
    let j = Journal::open(&path).unwrap();
    let w = j.writer(AUCTION).unwrap();
    let at = |t: i64| Receipt {
        local: Timestamp(T0 + t),
        server_est: Some(Timestamp(T0 + t)),
    };
    w.record_sync_msg(&SyncMsg::Auction(journal_day::auction()), at(0))
        .unwrap();
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: Vec::new(),
        },
        at(10),
    )
    .unwrap();
    w.record_sync_msg(&SyncMsg::Events(d.events.clone()), at(20))
        .unwrap();
    w.flush().unwrap();
    assert!(wal_len(&path) > 0, "the records are in the WAL first");
    let (only, total) = records_only_in_wal(&path).expect("records only in the WAL");
    assert!(only > 0 && only <= total, "{only} of {total}");
    let (code, out, err) = verify(&path);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        err.contains(&format!("{only} of the {total} records are only in")) && err.contains("-wal"),
        "{err}"
    );

    assert!(w.checkpoint_within(Duration::from_secs(5)).unwrap());
    assert_eq!(wal_len(&path), 0, "TRUNCATE leaves the WAL empty");
    assert_eq!(records_only_in_wal(&path), None);
    let (code, out, err) = verify(&path);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!err.contains("warning"), "{err}");
    drop((w, j));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn watch_leaves_the_whole_journal_in_the_file_when_it_ends() {
    let dir = temp_dir("whole-watch");
    let path = dir.join("day.sqlite");
    let mut child = crate::support::server::lotwatch()
        .args(["watch", "--format", "jsonl", "--journal"])
        .arg(&path)
        .arg("--log-file")
        .arg(dir.join("lotwatch.log"))
        .env("LOTWATCH_CONFIG", "/dev/null")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The demo day: wait for a few bids to be journaled.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut bids = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while bids < 5 && Instant::now() < deadline {
        match lines.next() {
            Some(Ok(l)) if l.contains(r#""type":"bid""#) => bids += 1,
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    assert!(bids >= 5, "watch printed {bids} bids");
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok);
    std::thread::spawn(move || for _ in lines.by_ref() {});
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(wal_len(&path), 0, "the WAL was folded into the file");
    let (code, out, err) = verify(&path);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!err.contains("warning"), "{err}");
    // A copy of the file alone is the whole journal.
    let copy = dir.join("copy.sqlite");
    std::fs::copy(&path, &copy).unwrap();
    let (code, copied, err) = verify(&copy);
    assert_eq!(code, Some(0), "{copied}{err}");
    let records = |s: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix("records: "))
            .map(str::to_string)
    };
    assert_eq!(records(&copied), records(&out));
    let _ = std::fs::remove_dir_all(dir);
}
