//! End-to-end: the real `lotwatch` binary in tmux, journaling while
//! `lotwatch serve` streams bids, when its disk fills up (a small tmpfs the
//! test mounts, as root; skipped with a message otherwise) and when its file
//! is made read-only under it. The header shows the journal's badge with the
//! cause; `q` quits within a second even so; the count of events that could
//! not be written is on stderr after the terminal is restored; the log has a
//! line when the failure starts and when it ends.

use crate::support;

use lotwatch::journal::Journal;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};
use support::server::{BIN, Server};
use support::tmpfs::Tmpfs;
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

fn cursor(path: &Path) -> u64 {
    Journal::open_existing(path)
        .ok()
        .and_then(|j| {
            let a = j.auctions().ok()?.into_iter().next()?;
            j.cursor(&a).ok().flatten()
        })
        .unwrap_or(0)
}

/// The monitor journaling into `journal`, its stderr into `<dir>/stderr`.
fn monitor(name: &str, server: &Server, journal: &Path, dir: &Path) -> Tmux {
    let sh = format!(
        "exec {BIN} --url {} --journal {} --log-file {} 2> {}",
        server.url,
        journal.display(),
        dir.join("monitor.log").display(),
        dir.join("stderr").display()
    );
    Tmux::start(name, 120, 30, &["sh".into(), "-c".into(), sh])
}

fn wait_journal(path: &Path, at_least: u64) {
    let deadline = Instant::now() + WAIT;
    while cursor(path) < at_least {
        assert!(
            Instant::now() < deadline,
            "the journal did not reach seq {at_least}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-e2e-disk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

#[test]
fn a_full_disk_shows_the_badge_and_q_still_quits_within_a_second() {
    let Some(fs) = Tmpfs::mount("e2e", 32 * 1024) else {
        return;
    };
    let dir = temp("full");
    let server = Server::start(&["--speed", "300"]);
    let journal = fs.path("day.sqlite");
    let t = monitor("diskfull", &server, &journal, &dir);
    t.wait_for("lots", WAIT, |s| s.contains("LIVE") && s.contains("401102"));
    let from = cursor(&journal);
    wait_journal(&journal, from + 5);
    fs.fill();
    let screen = t.wait_for("the journal badge", WAIT, |s| {
        s.lines()
            .next()
            .unwrap_or("")
            .contains("JOURNAL ✖ disk full")
    });
    assert!(screen.contains("not recorded since"), "{screen}");
    // Bids keep coming: the count grows while the screen stays live.
    t.wait_for("more held", WAIT, |s| {
        s.contains("events not recorded") && !s.contains("· 1 event not recorded")
    });

    let asked = Instant::now();
    t.keys(&["q"]);
    let status = t.wait_exit(Duration::from_secs(5));
    let took = asked.elapsed();
    eprintln!("figure: q quit in {took:?} with the disk full");
    assert_eq!(status, 0);
    assert!(took < Duration::from_secs(1), "q took {took:?}");
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert!(
        stderr.contains(&format!(
            "lotwatch: the journal {} did not record",
            journal.display()
        )) && stderr.contains("(disk full)"),
        "stderr: {stderr:?}"
    );
    let log = std::fs::read_to_string(dir.join("monitor.log")).unwrap_or_default();
    assert!(log.contains("journal cannot write: disk full"), "{log}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_journal_made_read_only_under_the_monitor_shows_and_recovers() {
    let dir = temp("readonly");
    let server = Server::start(&["--speed", "300"]);
    let journal = dir.join("day.sqlite");
    let t = monitor("readonly", &server, &journal, &dir);
    t.wait_for("lots", WAIT, |s| s.contains("LIVE") && s.contains("401102"));
    wait_journal(&journal, cursor(&journal) + 5);
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    t.wait_for("the journal badge", WAIT, |s| {
        s.lines()
            .next()
            .unwrap_or("")
            .contains("JOURNAL ✖ file read-only")
    });
    let held_at = cursor(&journal);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        cursor(&journal),
        held_at,
        "nothing is written to a read-only file"
    );
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    t.wait_for("the badge gone", WAIT, |s| !s.contains("JOURNAL ✖"));
    wait_journal(&journal, held_at + 5);
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(5)), 0);
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert!(!stderr.contains("did not record"), "{stderr}");
    let log = std::fs::read_to_string(dir.join("monitor.log")).unwrap_or_default();
    assert!(
        log.contains("journal cannot write: file read-only"),
        "{log}"
    );
    assert!(log.contains("journal writing again"), "{log}");
    // Both ends of the failure are in the journal as anomalies.
    let kinds: Vec<String> = Journal::open_existing(&journal)
        .expect("journal")
        .anomalies()
        .expect("anomalies")
        .into_iter()
        .filter(|a| a.kind == "journal_failure")
        .map(|a| a.evidence)
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(
        kinds[0].contains("cannot write (file read-only)"),
        "{kinds:?}"
    );
    assert!(
        kinds[1].contains("writes again") && kinds[1].contains("nothing was lost"),
        "{kinds:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_database_that_never_answers_never_holds_the_screen_and_q_quits() {
    // A real TCP listener that accepts every connection and never replies.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming().flatten() {
            held.push(c);
        }
    });
    let dir = temp("pghang");
    let server = Server::start(&["--speed", "300"]);
    let sh = format!(
        "exec {BIN} --url {} --journal postgres://lotwatch@127.0.0.1:{port}/day --log-file {} 2> {}",
        server.url,
        dir.join("monitor.log").display(),
        dir.join("stderr").display()
    );
    let started = Instant::now();
    let t = Tmux::start("pghang", 120, 30, &["sh".into(), "-c".into(), sh]);
    let header = |s: &str| s.lines().next().unwrap_or("").to_string();
    let screen = t.wait_for("the lots while the journal connects", WAIT, |s| {
        s.contains("LIVE") && s.contains("401102") && header(s).contains("JOURNAL ◌ connecting")
    });
    eprintln!(
        "figure: lots on screen {:?} after start with the journal's database silent",
        started.elapsed()
    );
    assert!(!screen.contains("waiting for the auction"), "{screen}");
    // The connection attempt times out: the badge says why, the lots stay live.
    t.wait_for("the cause on the badge", WAIT, |s| {
        header(s).contains("no answer within 5 s") && s.contains("LIVE")
    });
    let asked = Instant::now();
    t.keys(&["q"]);
    let status = t.wait_exit(Duration::from_secs(5));
    let took = asked.elapsed();
    eprintln!("figure: q quit in {took:?} with the journal's database silent");
    assert_eq!(status, 0);
    assert!(took < Duration::from_secs(1), "q took {took:?}");
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert!(
        stderr.contains("never opened") && stderr.contains("messages were not recorded"),
        "stderr: {stderr:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
