//! End-to-end: `lotwatch replay` in tmux runs in the monitor's own loop with
//! the user's settings: the config file's language, theme, sort and key
//! bindings apply to a replay as they do live.

use crate::journal_support;
use crate::support;

use journal_support::{AUCTION, T0, day, temp_dir};
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
        w.record_sync_msg(&SyncMsg::Auction(journal_support::auction()), at(0))
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
