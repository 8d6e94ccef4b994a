//! The real `lotwatch` binary, journaling in tmux against `lotwatch serve`
//! while the simulator streams bids, is killed with SIGKILL three times and
//! restarted; at the end its journal holds every event of the simulator's
//! history exactly once.

use crate::support;

use lotwatch::journal::Journal;
use lotwatch::platform::{Client, ClientConfig};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::history::read_history;
use support::server::{BIN, Server};
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

fn start_monitor(round: usize, url: &str, journal: &Path) -> Tmux {
    let log = journal.with_extension("log");
    // The first run reads the day from its start (--backfill: a new journal
    // would otherwise start at its first snapshot); later runs from the
    // journal's cursor.
    let cmd = [
        BIN,
        "--url",
        url,
        "--journal",
        &journal.to_string_lossy(),
        "--log-file",
        &log.to_string_lossy(),
        "--backfill",
    ]
    .map(String::from);
    Tmux::start(&format!("crash{round}"), 100, 30, &cmd)
}

fn cursor(path: &Path, auction: &str) -> u64 {
    Journal::open_existing(path)
        .ok()
        .and_then(|j| j.cursor(auction).ok().flatten())
        .unwrap_or(0)
}

#[test]
fn sigkill_and_restart_lose_nothing_and_double_nothing() {
    // A fast day: bids stream continuously from the first seconds.
    let server = Server::start(&["--speed", "300"]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::new(ClientConfig::new(&server.url)).expect("client");
    let auction = rt.block_on(client.auction()).expect("auction").value.id;
    let dir = std::env::temp_dir().join(format!("lotwatch-e2e-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("day.sqlite");

    let mut kills = Vec::new();
    for round in 0..3 {
        let t = start_monitor(round, &server.url, &path);
        let from = cursor(&path, &auction);
        let deadline = Instant::now() + WAIT;
        while cursor(&path, &auction) < from + 10 {
            assert!(
                Instant::now() < deadline,
                "round {round}: the journal did not grow; screen:\n{}",
                t.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = t.program_pid();
        let ok = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(ok.success());
        let status = t.wait_exit(WAIT);
        assert_eq!(status, 128 + 9, "killed by SIGKILL");
        kills.push(cursor(&path, &auction));
        // The day goes on while the monitor is down: a gap to fill.
        std::thread::sleep(Duration::from_millis(300));
    }

    // A last, clean run catches up and quits with q.
    let t = start_monitor(9, &server.url, &path);
    let target = rt
        .block_on(client.events(0, 0, 1))
        .expect("feed")
        .value
        .last_seq
        + 5;
    let deadline = Instant::now() + WAIT;
    while cursor(&path, &auction) < target {
        assert!(
            Instant::now() < deadline,
            "final run did not reach seq {target}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0);

    let history = rt
        .block_on(read_history(&client, 0, target))
        .expect("the simulator's history");
    assert_eq!(
        history.len() as u64,
        target,
        "the simulator kept its whole history"
    );
    let stored = Journal::open(&path)
        .expect("journal opens, integrity ok")
        .events(None)
        .expect("events");
    let mut seqs: Vec<u64> = stored
        .iter()
        .map(|s| s.seq)
        .filter(|&s| s <= target)
        .collect();
    let before = seqs.len();
    seqs.dedup();
    assert_eq!(before, seqs.len(), "no event twice");
    let expected: Vec<u64> = history.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs, expected,
        "every event once, in order (kills at journal cursors {kills:?})"
    );
    for (s, h) in stored.iter().zip(&history) {
        assert_eq!(&s.event, h, "stored event equals the simulator's");
    }
}
