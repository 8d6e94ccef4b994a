//! End-to-end: the real `lotwatch` in tmux reading two sources at once
//! (issue 23.2), each served by the real simulator on loopback: the
//! platform's API (`lotwatch serve`) and the sauda site's pages (`serve
//! --site sauda`). Both sources' lots show side by side (lot 401102 twice,
//! by source), one link badge each; the site's simulator is stopped
//! mid-run: its badge goes Retrying then Offline, its lots stay with their
//! age, and the API's stay live.

use crate::support;

use std::time::{Duration, Instant};
use support::server::{BIN, Server};
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

/// The lots pane's row of lot `number` from source `label`.
fn has_row(screen: &str, number: &str, label: &str) -> bool {
    screen.lines().any(|l| {
        l.starts_with('┃')
            && l.split_whitespace()
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == number && w[1] == label)
    })
}

/// The feed position in the header's second line (`seq 1806`).
fn seq(screen: &str) -> Option<u64> {
    let line = screen.lines().nth(1)?;
    let at = line.rfind("seq ")? + 4;
    line[at..].split_whitespace().next()?.parse().ok()
}

#[test]
fn an_api_and_a_site_at_once_and_the_site_stopped_mid_run() {
    let api = Server::start(&["--speed", "60"]);
    let site = Server::start(&["--site", "sauda", "--speed", "60"]);
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    let journal = dir.join(format!("lotwatch-e2e-sources-{pid}.sqlite"));
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", journal.display()));
    }
    let cmd: Vec<String> = [
        BIN,
        "--source",
        &format!("api={}", api.url),
        "--source",
        &format!("sauda={}", site.url),
        "--poll",
        "1000",
        "--rates",
        "fixed",
        "--rate",
        "USD=519.53",
        "--log-file",
        &dir.join(format!("lotwatch-e2e-sources-{pid}.log"))
            .to_string_lossy(),
        "--journal",
        &journal.to_string_lossy(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let started = Instant::now();
    let t = Tmux::start("sources", 200, 50, &cmd);
    let both = t.wait_for("both sources live", WAIT, |s| {
        s.contains("api ● LIVE")
            && s.contains("sauda ● LIVE")
            && has_row(s, "401102", "api")
            && has_row(s, "401102", "sauda")
    });
    eprintln!(
        "FIGURE both sources live with their lots after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(both.contains("Source"), "the Source column:\n{both}");
    // The filter picks one source.
    t.keys(&["/"]);
    t.text("source:sauda");
    t.keys(&["Enter"]);
    let only = t.wait_for("the site's lots alone", WAIT, |s| {
        has_row(s, "401102", "sauda") && !has_row(s, "401102", "api")
    });
    assert!(
        !only
            .lines()
            .any(|l| l.starts_with('┃') && l.contains(" api ")),
        "{only}"
    );
    // (No Esc: tmux would read Esc and `/` as one Alt-/.)
    t.keys(&["/"]);
    for _ in 0.."source:sauda".len() {
        t.keys(&["BSpace"]);
    }
    t.keys(&["Enter"]);
    t.wait_for("both again", WAIT, |s| {
        has_row(s, "401102", "api") && has_row(s, "401102", "sauda")
    });

    // The site goes away.
    let seq_before = seq(&t.screen()).unwrap_or(0);
    let stopped = Instant::now();
    drop(site);
    let failing = t.wait_for("the site's badge fails", Duration::from_secs(60), |s| {
        s.contains("sauda ↻ RETRYING") || s.contains("sauda ✖ OFFLINE")
    });
    eprintln!(
        "FIGURE site stopped -> its badge {} after {:.1} s",
        if failing.contains("sauda ↻ RETRYING") {
            "Retrying"
        } else {
            "Offline"
        },
        stopped.elapsed().as_secs_f64()
    );
    assert!(
        failing.contains("api ● LIVE"),
        "the API stays live:\n{failing}"
    );
    let offline = t.wait_for("the site offline", Duration::from_secs(90), |s| {
        s.contains("sauda ✖ OFFLINE since")
    });
    eprintln!(
        "FIGURE site stopped -> Offline after {:.1} s",
        stopped.elapsed().as_secs_f64()
    );
    // Its lots stay, with their age; the API's stay live and move on.
    assert!(has_row(&offline, "401102", "api"), "{offline}");
    assert!(
        offline
            .lines()
            .any(|l| l.starts_with('┃') && l.contains("sauda ⌛")),
        "the site's lots with their age:\n{offline}"
    );
    assert!(offline.contains("api ● LIVE"), "{offline}");
    let later = t.wait_for("the API's feed moves on", Duration::from_secs(60), |s| {
        seq(s).is_some_and(|n| n > seq_before)
            && s.lines()
                .any(|l| l.starts_with('┃') && l.contains("sauda ⌛"))
    });
    assert!(later.contains("sauda ✖ OFFLINE since"), "{later}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
    drop(api);

    // One journal, each source its own auction in it: the protocol asks
    // which (naming both), and each exports and verifies on its own.
    let j = journal.to_string_lossy().to_string();
    let run = |args: &[&str]| {
        crate::support::server::lotwatch()
            .args(args)
            .env("LOTWATCH_CONFIG", "/dev/null")
            .output()
            .expect("run lotwatch")
    };
    let which = run(&["protocol", "--journal", &j]);
    let said = String::from_utf8_lossy(&which.stderr).to_string();
    assert_eq!(which.status.code(), Some(2), "{said}");
    assert!(
        said.contains("holds 2 auctions") && said.contains("site:127.0.0.1:"),
        "{said}"
    );
    let site_auction = said
        .split([' ', '(', ')', ','])
        .find(|w| w.starts_with("site:"))
        .expect("the site's auction named")
        .to_string();
    let api_auction = said
        .split(['(', ')'])
        .nth(1)
        .and_then(|list| list.split(", ").find(|a| !a.starts_with("site:")))
        .expect("the API's auction named")
        .to_string();
    for auction in [&site_auction, &api_auction] {
        let csv = run(&[
            "export",
            "--journal",
            &j,
            "--auction",
            auction,
            "--format",
            "csv",
        ]);
        assert_eq!(csv.status.code(), Some(0), "{auction}");
        // The API's feed had bids in the run; the site's reads may not have
        // differed yet (its lots are in its snapshots, below).
        if auction == &api_auction {
            assert!(
                String::from_utf8_lossy(&csv.stdout).lines().count() > 1,
                "{auction} has events of its own"
            );
        }
        let proto = run(&[
            "protocol",
            "--journal",
            &j,
            "--auction",
            auction,
            "--format",
            "json",
        ]);
        assert_eq!(
            proto.status.code(),
            Some(0),
            "{auction}: {}",
            String::from_utf8_lossy(&proto.stderr)
        );
        let v: serde_json::Value =
            serde_json::from_slice(&proto.stdout).expect("the protocol's JSON");
        assert!(
            v["lots"].as_array().is_some_and(|l| !l.is_empty()),
            "{auction}'s protocol has its lots"
        );
    }
    let verify = run(&["verify", "--journal", &j]);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    // A replay of the file plays each auction as its own source: the
    // site's lots and the API's, 401102 from both kept apart.
    let mut replay = lotwatch::journal::Replay::load(&journal).expect("load the journal");
    replay.set_speed(1000.0);
    let mut app = lotwatch::app::App::new(Default::default());
    let mut mono = 0;
    while let Some(wait) = replay.until_next() {
        mono += wait.as_millis() as u64 + 1;
        let msgs = replay.advance(wait.max(Duration::from_millis(1)));
        lotwatch::replay_deliver(&mut app, &replay, msgs, lotwatch::domain::clock::Mono(mono));
    }
    let labels: Vec<&str> = app
        .sources()
        .iter()
        .map(|s| s.name.label.as_str())
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(
        labels.contains(&"api") && labels.contains(&"sauda"),
        "{labels:?}"
    );
    for src in [0u8, 1] {
        let n = app
            .lots()
            .entries()
            .filter(|(l, m)| m.source.0 == src && l.number == "401102")
            .count();
        assert_eq!(n, 1, "source {src} has its own 401102");
    }
    // A follower of the file shows both, by source, as the monitor did.
    let follow_log = dir.join(format!("lotwatch-e2e-sources-follow-{pid}.log"));
    let cmd: Vec<String> = [
        BIN,
        "--follow",
        &j,
        "--log-file",
        &follow_log.to_string_lossy(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let f = Tmux::start("sources-follow", 200, 50, &cmd);
    f.wait_for("the follower's two sources", WAIT, |s| {
        has_row(s, "401102", "api") && has_row(s, "401102", "sauda")
    });
    f.keys(&["q"]);
    assert_eq!(f.wait_exit(WAIT), 0, "the follower's exit status");
    let _ = std::fs::remove_file(follow_log);
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{j}{f}"));
    }
    let _ = std::fs::remove_file(dir.join(format!("lotwatch-e2e-sources-{pid}.log")));
}
