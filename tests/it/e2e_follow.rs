//! `lotwatch --follow postgres://…` in tmux: the real binary shows a day
//! that a real monitor writes into a real PostgreSQL, with the FOLLOWING
//! badge and the number of writers, and its lots from the journal; it makes
//! no request to the platform (it is given a `--url` whose listener counts
//! connections: none arrives). `q` quits it. And a monitor writing to the
//! database when it stops: the journal badge says why, and `q` quits within
//! a second saying on stderr what was not recorded, the password masked.

use crate::support;
use crate::support::pg;

use pg::{PASSWORD, Pg};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::server::{BIN, Server};
use support::tmux::Tmux;

#[test]
fn a_follower_shows_the_journal_and_never_asks_the_platform() {
    let Some(pg) = Pg::start("follow-e2e") else {
        return;
    };
    let url = pg.create_db("room");
    let server = Server::start(&["--speed", "120", "--lead-ms", "500"]);
    let log = pg.dir.join("writer.log");
    let mut writer = crate::support::server::lotwatch()
        .args([
            "watch",
            "--format",
            "status",
            "--url",
            &server.url,
            "--journal",
            &url,
            "--name",
            "room-a",
        ])
        .arg("--log-file")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // A platform that must never be asked: it counts connections.
    let decoy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let decoy_url = format!("http://{}", decoy.local_addr().unwrap());
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    std::thread::spawn(move || {
        for _ in decoy.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    // Wait for the writer's first records.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while pg.psql(
        "room",
        "SELECT count(*) FROM to_regclass('events') t WHERE t IS NOT NULL",
    ) != "1"
        || pg.psql("room", "SELECT count(*) FROM snapshots") == "0"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the writer recorded nothing"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let flog = pg.dir.join("follower.log");
    let cmd = [
        BIN,
        "--follow",
        &url,
        "--url",
        &decoy_url,
        "--log-file",
        &flog.to_string_lossy(),
    ]
    .map(String::from);
    let t = Tmux::start("follow-e2e", 160, 45, &cmd);
    let screen = t.wait_for("the FOLLOWING badge", Duration::from_secs(20), |s| {
        s.contains("FOLLOWING journal")
            && s.contains("written by 1 monitor")
            && s.contains("last record")
    });
    assert!(
        screen.contains("401"),
        "the lots from the journal:\n{screen}"
    );
    assert!(!screen.contains(PASSWORD));
    // The lots pane fills from the journal, and keeps following it.
    let seq_at = |s: &str| -> u64 {
        s.split_whitespace()
            .skip_while(|w| *w != "seq")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let first = seq_at(&screen);
    t.wait_for("the seq to advance", Duration::from_secs(20), |s| {
        seq_at(s) > first
    });
    // The journal's database goes away: the badge says the journal is stale.
    pg.stop();
    t.wait_for("STALE", Duration::from_secs(20), |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains("FOLLOWING journal") && l.contains("STALE"))
    });
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(5)), 0);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "the follower asked the platform"
    );
    let text = std::fs::read_to_string(&flog).unwrap_or_default();
    assert!(
        !text.contains(PASSWORD),
        "the follower's log holds the password"
    );
    assert!(
        text.contains("following the journal postgres://postgres:***@"),
        "{text}"
    );
    let _ = writer.kill();
    let _ = writer.wait();
}

#[test]
fn a_database_outage_shows_the_badge_and_q_quits_within_a_second_saying_what_is_left() {
    let Some(pg) = Pg::start("outage-e2e") else {
        return;
    };
    let url = pg.create_db("room");
    let server = Server::start(&["--speed", "300"]);
    let stderr = pg.dir.join("stderr");
    let sh = format!(
        "exec {BIN} --url {} --journal '{url}' --name desk-1 --log-file {} 2> {}",
        server.url,
        pg.dir.join("monitor.log").display(),
        stderr.display()
    );
    let t = Tmux::start("pg-outage", 140, 30, &["sh".into(), "-c".into(), sh]);
    t.wait_for("lots", Duration::from_secs(30), |s| {
        s.contains("LIVE") && s.contains("401102")
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    // The lots show while the journal connects: its tables come a moment later.
    while pg.psql("room", "SELECT to_regclass('events') IS NOT NULL") != "t"
        || pg.psql("room", "SELECT count(*) FROM events") == "0"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing recorded:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    pg.stop();
    let screen = t.wait_for("the journal badge", Duration::from_secs(30), |s| {
        s.lines()
            .next()
            .unwrap_or("")
            .contains("database: connection refused")
    });
    assert!(!screen.contains(PASSWORD), "{screen}");
    t.wait_for("events held", Duration::from_secs(30), |s| {
        s.contains("events not recorded")
    });
    let asked = std::time::Instant::now();
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(5)), 0);
    let took = asked.elapsed();
    eprintln!("figure: q quit in {took:?} with the database down");
    assert!(took < Duration::from_secs(1), "q took {took:?}");
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(
        err.contains("lotwatch: the journal postgres://postgres:***@127.0.0.1")
            && err.contains("did not record")
            && err.contains("(I/O error: database: connection refused)"),
        "stderr: {err:?}"
    );
    assert!(!err.contains(PASSWORD));
    let log = std::fs::read_to_string(pg.dir.join("monitor.log")).unwrap_or_default();
    assert!(!log.contains(PASSWORD), "the log holds the password");
}
