//! End-to-end: `lotwatch replay` in tmux runs in the monitor's own loop with
//! the user's settings: the config file's language, theme, sort and key
//! bindings apply to a replay as they do live.

use crate::support;
use crate::support::journal_day;

use journal_day::{AUCTION, T0, day, temp_dir};
use lotwatch::domain::Timestamp;
use lotwatch::journal::{Journal, Receipt};
use lotwatch::sync::SyncMsg;
use std::time::Duration;
use support::server::BIN;
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_replay_takes_the_config_files_language_and_key_bindings() {
    let dir = temp_dir("e2e-replay");
    let path = dir.join("day.sqlite");
    let d = day(3, 5, 40);
    {
        let j = Journal::open(&path).unwrap();
        let w = j.writer(AUCTION).unwrap();
        let at = |t: i64| Receipt {
            local: Timestamp(T0 + t),
            server_est: Some(Timestamp(T0 + t)),
        };
        w.record_sync_msg(&SyncMsg::Auction(journal_day::auction()), at(0))
            .unwrap();
        let snapshot = SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: Vec::new(),
        };
        w.record_sync_msg(&snapshot, at(10)).unwrap();
        w.record_sync_msg(&SyncMsg::Events(d.events.clone()), at(20))
            .unwrap();
        w.flush().unwrap();
    }
    let config = dir.join("config.toml");
    std::fs::write(&config, "language = \"ru\"\n\n[keys]\nquit = [\"x\"]\n").unwrap();
    let cmd: Vec<String> = [
        "env",
        "-u",
        "LOTWATCH_LANG",
        &format!("LOTWATCH_CONFIG={}", config.display()),
        BIN,
        "replay",
        "--journal",
        &path.to_string_lossy(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let t = Tmux::start("replay-config", 120, 40, &cmd);
    // The replay badge and the panes in Russian, from the config file.
    let screen = t.wait_for("the replay in Russian", WAIT, |s| {
        s.contains("ПОВТОР") && s.contains("401100")
    });
    assert!(screen.contains("Лоты"), "{screen}");
    // `q` is no longer bound to quit; the config's `x` is.
    t.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        t.screen().contains("ПОВТОР"),
        "q quit a replay whose quit key is x"
    );
    t.keys(&["x"]);
    assert_eq!(t.wait_exit(WAIT), 0);
}

/// A journal recorded the way a user records one: the demo day on screen
/// for a few seconds, then `q`.
fn recorded_demo(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let path = dir.join("day.sqlite");
    let cmd: Vec<String> = [BIN, "--journal", &path.to_string_lossy(), "--lang", "en"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let t = Tmux::start(&format!("{name}-rec"), 160, 45, &cmd);
    t.wait_for("the demo's lots", WAIT, |s| {
        s.contains("LIVE") && s.contains("4011")
    });
    std::thread::sleep(Duration::from_secs(8));
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0);
    // The monitor folded its WAL into the file when it quit: the file alone
    // is the whole journal.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_len = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(wal_len, 0, "the journal's WAL after q");
    path
}

/// The badge's `REPLAY n/total`, read off the screen.
fn position(screen: &str) -> Option<usize> {
    let after = screen.split("REPLAY ").nth(1)?;
    after.split('/').next()?.trim().parse().ok()
}

#[test]
fn a_replay_plays_at_its_speed_without_a_key_and_steps_one_message_each_way() {
    let path = recorded_demo("e2e-replay-plays");
    let cmd: Vec<String> = [
        BIN,
        "replay",
        "--journal",
        &path.to_string_lossy(),
        "--speed",
        "2",
        "--lang",
        "en",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let t = Tmux::start("replay-plays", 160, 45, &cmd);
    let first = t.wait_for("the replay badge", WAIT, |s| position(s).is_some());
    let start = position(&first).unwrap();
    // No key pressed, and the counter moves on.
    t.wait_for("the counter to advance by itself", WAIT, |s| {
        position(s).is_some_and(|p| p >= start + 3)
    });
    // The key bar offers no Ctrl-R in a replay.
    assert!(!t.screen().contains("Ctrl-R"), "{}", t.screen());
    // → pauses and delivers exactly one message; ← takes exactly one back.
    t.keys(&["Right"]);
    let paused = t.wait_for("paused after →", WAIT, |s| s.contains("paused"));
    let at = position(&paused).unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(position(&t.screen()), Some(at), "played on after →");
    t.keys(&["Right"]);
    t.wait_for("one message on", WAIT, |s| position(s) == Some(at + 1));
    t.keys(&["Left"]);
    t.wait_for("one message back", WAIT, |s| position(s) == Some(at));
    std::thread::sleep(Duration::from_millis(1_000));
    assert_eq!(position(&t.screen()), Some(at), "moved after ←");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0);
}
