//! End-to-end: the real `lotwatch --source sauda` in tmux against `lotwatch
//! serve --site sauda` on loopback (the site's pages, the real HTTP path).
//! The lots appear, a status change and a sale price appear live, and a
//! maintenance window of the site is named on screen while the lots stay,
//! then the link comes back.

use crate::support;

use std::time::Duration;
use support::server::{BIN, Server};
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

fn monitor(name: &str, server: &Server, extra: &[&str]) -> Tmux {
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    let journal = dir.join(format!("lotwatch-e2e-{name}-{pid}.sqlite"));
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", journal.display()));
    }
    let mut cmd: Vec<String> = [
        BIN,
        "--source",
        "sauda",
        "--url",
        &server.url,
        "--poll",
        "1000",
        "--rates",
        "fixed",
        "--rate",
        "USD=519.53",
        "--log-file",
        &dir.join(format!("lotwatch-e2e-{name}-{pid}.log"))
            .to_string_lossy(),
        "--journal",
        &journal.to_string_lossy(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cmd.extend(extra.iter().map(|s| s.to_string()));
    Tmux::start(name, 140, 45, &cmd)
}

/// Rows of the lots pane whose status is `word`.
fn rows_with(screen: &str, word: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.starts_with('┃') && l.contains(word))
        .count()
}

#[test]
fn lots_a_status_change_a_sale_price_and_a_maintenance_window() {
    // Speed 120: the first lots open ~2 s after start, close ~20 s later and
    // are sold 1 s after; the site is down for maintenance from 36 s to 46 s.
    let server = Server::start(&[
        "--site",
        "sauda",
        "--speed",
        "120",
        "--site-maintenance",
        "36+10",
    ]);
    let t = monitor("sauda", &server, &[]);
    let first = t.wait_for("the site's lots", WAIT, |s| {
        s.contains("list read") && s.contains("401102") && s.contains("LIVE")
    });
    assert!(
        first.contains("127.0.0.1"),
        "the header names the source:\n{first}"
    );
    assert_eq!(rows_with(&first, "sold"), 0, "nothing sold yet:\n{first}");

    // Scheduled lots open: a status change, live.
    t.wait_for("a lot opens", WAIT, |s| rows_with(s, "● open") > 0);
    // A lot is sold and its sale price shows in the high-bid column.
    let sold = t.wait_for("a lot sold with its price", Duration::from_secs(60), |s| {
        s.lines()
            .any(|l| l.starts_with('┃') && l.contains("✔ sold") && l.contains("M₸"))
    });
    assert!(
        sold.contains("now open"),
        "the events pane has the change:\n{sold}"
    );

    // The maintenance window: the cause named, the lots kept.
    let down = t.wait_for("the maintenance page named", Duration::from_secs(60), |s| {
        s.contains("maintenance") && s.contains("401102")
    });
    assert!(
        rows_with(&down, "sold") > 0,
        "the last good lots stay:\n{down}"
    );
    // And back.
    t.wait_for("live again", Duration::from_secs(40), |s| {
        s.contains("LIVE") && !s.contains("maintenance")
    });
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
}

/// The time in `✖ OFFLINE since hh:mm:ss`, if the screen shows it.
fn offline_since(screen: &str) -> Option<String> {
    let at = screen.find("OFFLINE since ")? + "OFFLINE since ".len();
    screen.get(at..at + 8).map(str::to_string)
}

#[test]
fn a_site_stopped_mid_run_is_offline_since_it_went_down_with_its_lots_kept() {
    let server = Server::start(&["--site", "sauda", "--speed", "60"]);
    let t = monitor("sauda-stop", &server, &[]);
    t.wait_for("the site's lots", WAIT, |s| {
        s.contains("list read") && s.contains("401102") && s.contains("LIVE")
    });
    drop(server);
    let down = t.wait_for("offline", Duration::from_secs(60), |s| {
        offline_since(s).is_some()
    });
    let since = offline_since(&down);
    assert!(down.contains("401102"), "the lots stay:\n{down}");
    // More retries fail meanwhile (the log counts them): `since` stays.
    let log = std::env::temp_dir().join(format!(
        "lotwatch-e2e-sauda-stop-{}.log",
        std::process::id()
    ));
    let failures = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("site read failed")
            .count()
    };
    let before = failures();
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    while failures() < before + 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no retries in the log"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let later = t.screen();
    assert_eq!(offline_since(&later), since, "{later}");
    assert!(
        later.contains("401102") && later.contains("list read"),
        "the lots stay, with their age:\n{later}"
    );
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
}
