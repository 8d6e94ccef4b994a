//! The journal against the real simulator, the real client and the real sync
//! engine, with the recorder killed by SIGKILL three times while the
//! simulator streams bids. Each restart gives the engine the journal's
//! cursor, and the engine reads the gap up to its first snapshot (the first
//! run, on a new journal, with `backfill`), as the monitor does. At the end
//! the journal must hold every event of the simulator's history exactly once.
//!
//! The recorder is this test binary, re-run on the ignored test
//! `live_recorder` with `LOTWATCH_LIVE_RECORDER` = `URL|JOURNAL|FINAL_SEQ`.

use crate::support;
use lotwatch::domain::Timestamp;

use lotwatch::journal::{Journal, JournalRecord, Receipt};
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sim::server::{SimOptions, start};
use lotwatch::sync::{JournalStart, SyncConfig, SyncMsg, spawn};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::history::read_history;

const CHILD_ENV: &str = "LOTWATCH_LIVE_RECORDER";
const AUCTION: &str = "sim";

fn client(url: &str) -> Client {
    let mut cfg = ClientConfig::new(url);
    cfg.connect_timeout = Duration::from_secs(2);
    cfg.request_timeout = Duration::from_secs(5);
    cfg.long_poll_margin = Duration::from_secs(3);
    Client::new(cfg).expect("test client config is valid")
}

fn seq_of(msg: &SyncMsg) -> Option<u64> {
    match msg {
        SyncMsg::Snapshot { seq, .. } => Some(*seq),
        SyncMsg::Events(ev) => ev.iter().map(|e| e.seq).max(),
        _ => None,
    }
}

#[test]
#[ignore = "run by journal_live_crash's parent test as a child process"]
fn live_recorder() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (url, path, final_seq) = (
        parts.next().expect("url").to_string(),
        parts.next().expect("journal").to_string(),
        parts.next().and_then(|s| s.parse::<u64>().ok()),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let j = Journal::open(Path::new(&path)).expect("recorder: open");
        let c = client(&url);
        let mut rec = j.recorder(AUCTION).expect("recorder: start");
        let cfg = SyncConfig {
            wait_s: 1,
            rates: None,
            journal: JournalStart::Cursor(j.cursor(AUCTION).expect("recorder: cursor")),
            backfill: true,
            ..SyncConfig::default()
        };
        let mut h = spawn(c, cfg);
        let mut seen = 0;
        while let Some(msg) = h.msgs.recv().await {
            // Live events only: a recorder that starts late (a busy machine)
            // gets a snapshot past `final_seq` before the gap's events, and
            // stopping there would leave the gap unwritten.
            if let SyncMsg::Events(_) = &msg {
                seen = seen.max(seq_of(&msg).unwrap_or(0));
            }
            rec.record(&msg, Receipt::now(None))
                .expect("recorder: record");
            if final_seq.is_some_and(|f| seen >= f) {
                let st = rec.close().await.expect("recorder: close");
                assert_eq!(st.failed, 0, "{st:?}");
                return;
            }
        }
    });
}

fn spawn_recorder(url: &str, path: &Path, final_seq: Option<u64>) -> Child {
    let spec = format!(
        "{url}|{}|{}",
        path.display(),
        final_seq.map(|s| s.to_string()).unwrap_or_default()
    );
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "journal_live_crash::live_recorder",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, spec)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn recorder")
}

fn journal_cursor(reader: &mut Option<Journal>, path: &Path) -> u64 {
    if reader.is_none() {
        *reader = Journal::open_existing(path).ok();
    }
    reader
        .as_ref()
        .and_then(|j| j.cursor(AUCTION).ok().flatten())
        .unwrap_or(0)
}

#[test]
fn sigkilled_recorder_holds_the_simulators_history_exactly_once() {
    let dir = std::env::temp_dir().join(format!("lotwatch-live-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("sim.sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(start(SimOptions {
            speed: 600.0,
            lead_ms: 0,
            ..SimOptions::demo()
        }))
        .expect("simulator");
    let url = sim.url();
    let mut kills = Vec::new();
    for round in 0..3 {
        let mut child = spawn_recorder(&url, &path, None);
        let mut reader = None;
        let start_cursor = journal_cursor(&mut reader, &path);
        let deadline = Instant::now() + Duration::from_secs(60);
        // Let it record some fresh events, then kill it mid-stream.
        while journal_cursor(&mut reader, &path) < start_cursor + 20 {
            if let Ok(Some(s)) = child.try_wait() {
                panic!("recorder ended by itself in round {round}: {s}");
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: no progress (sim at {})",
                sim.last_seq()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().expect("SIGKILL");
        assert!(
            child.wait().expect("reap").code().is_none(),
            "killed by a signal"
        );
        drop(reader);
        kills.push((journal_cursor(&mut None, &path), sim.last_seq()));
        // The simulator goes on while the recorder is down: a gap to fill.
        std::thread::sleep(Duration::from_millis(300));
    }
    let final_seq = sim.last_seq() + 20;
    let mut child = spawn_recorder(&url, &path, Some(final_seq));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "final recorder did not reach seq {final_seq} (sim at {})",
                sim.last_seq()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "final recorder failed: {status}");

    let history = rt
        .block_on(read_history(&client(&url), 0, final_seq))
        .expect("the simulator's history");
    assert_eq!(
        history.first().map(|e| e.seq),
        Some(1),
        "the simulator keeps its whole history"
    );
    assert_eq!(history.len() as u64, final_seq, "history is gap-free");
    let j = Journal::open(&path).expect("journal opens, integrity ok");
    let stored: Vec<_> = j
        .events(None)
        .expect("events")
        .into_iter()
        .map(|s| s.event)
        .collect();
    let upto: Vec<_> = stored
        .iter()
        .filter(|e| e.seq <= final_seq)
        .cloned()
        .collect();
    let missing = history
        .iter()
        .filter(|e| !upto.iter().any(|s| s.seq == e.seq))
        .count();
    assert_eq!(
        missing, 0,
        "events missing from the journal (kills at (journal, sim) {kills:?})"
    );
    assert!(
        upto == history,
        "the journal's events differ from the simulator's"
    );
    let (rows, distinct): (i64, i64) = j
        .connection()
        .query_row(
            "SELECT count(*), count(DISTINCT seq) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count");
    assert_eq!(rows, distinct, "no seq twice");
    eprintln!(
        "kills at (journal cursor, sim seq) {kills:?}; final seq {final_seq}; stored {}",
        stored.len()
    );
    rt.block_on(sim.shutdown());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn history_the_feed_no_longer_holds_is_recorded_as_a_journal_gap() {
    let dir = std::env::temp_dir().join(format!("lotwatch-live-gap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("sim.sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let opts = SimOptions {
            speed: 600.0,
            lead_ms: 0,
            history: 5,
            ..SimOptions::demo()
        };
        let sim = start(opts).await.expect("simulator");
        let deadline = Instant::now() + Duration::from_secs(60);
        while sim.last_seq() < 20 {
            assert!(Instant::now() < deadline, "simulator made no progress");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let j = Journal::open(&path).expect("open");
        let c = client(&sim.url());
        let mut rec = j.recorder(AUCTION).expect("recorder");
        let mut h = spawn(
            c,
            SyncConfig {
                wait_s: 1,
                rates: None,
                journal: JournalStart::Cursor(None),
                backfill: true,
                ..SyncConfig::default()
            },
        );
        let mut first_snapshot = None;
        let mut seen = 0;
        while let Some(msg) = tokio::time::timeout(Duration::from_secs(30), h.msgs.recv())
            .await
            .expect("messages")
        {
            if let SyncMsg::Snapshot { seq, .. } = &msg {
                first_snapshot.get_or_insert(*seq);
            }
            seen = seen.max(seq_of(&msg).unwrap_or(0));
            rec.record(&msg, Receipt::now(None)).expect("record");
            if first_snapshot.is_some_and(|s| seen >= s + 10) {
                break;
            }
        }
        let skew = JournalRecord::Anomaly {
            lot_id: None,
            server_at: None,
            kind: "clock_skew".into(),
            evidence: "local clock 3.2 s ahead".into(),
        };
        rec.append(skew, Receipt::now(Some(Timestamp(42))))
            .expect("anomaly");
        let st = rec.close().await.expect("close");
        assert_eq!(st.failed, 0);
        let skews: Vec<_> = j
            .anomalies()
            .expect("anomalies")
            .into_iter()
            .filter(|a| a.kind == "clock_skew")
            .collect();
        assert_eq!(skews.len(), 1);
        assert_eq!(
            skews[0].server_at,
            Some(Timestamp(42)),
            "the server estimate stands in for a missing time"
        );
        let snap = first_snapshot.expect("a snapshot");
        let gaps: Vec<_> = j
            .anomalies()
            .expect("anomalies")
            .into_iter()
            .filter(|a| a.kind == "journal_gap")
            .collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(
            gaps[0]
                .evidence
                .starts_with(&format!("events 1–{snap} not read from the feed")),
            "{}",
            gaps[0].evidence
        );
        // After the snapshot, every event is there.
        let seqs: Vec<u64> = j
            .events(None)
            .expect("events")
            .iter()
            .map(|s| s.seq)
            .collect();
        let want: Vec<u64> = (snap + 1..=seen).collect();
        assert_eq!(
            seqs.iter()
                .copied()
                .filter(|&s| s > snap)
                .collect::<Vec<_>>(),
            want
        );
        sim.shutdown().await;
    });
    let _ = std::fs::remove_dir_all(dir);
}
