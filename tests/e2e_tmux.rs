//! End-to-end: the real `lotwatch` binary in tmux against `lotwatch serve` on
//! loopback. Waits for lots on screen, drives the keys a user would press and
//! checks the screen after each, then quits and checks the exit status.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_lotwatch");
const WAIT: Duration = Duration::from_secs(20);

/// `lotwatch serve` on a free loopback port; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--seed", "7"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lotwatch serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the serve banner");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in the serve banner: {line:?}"))
            .to_string();
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn monitor(name: &str, w: u16, h: u16, server: &Server, extra: &[&str]) -> Tmux {
    let log = std::env::temp_dir().join(format!("lotwatch-e2e-{name}-{}.log", std::process::id()));
    let mut cmd = vec![
        BIN.to_string(),
        "--url".into(),
        server.url.clone(),
        "--log-file".into(),
        log.to_string_lossy().into_owned(),
    ];
    cmd.extend(extra.iter().map(|s| s.to_string()));
    Tmux::start(name, w, h, &cmd)
}

#[test]
fn drive_the_monitor_with_the_keyboard() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("keys", 120, 40, &server, &[]);

    // Lots from the simulator's June day appear, with the connection live.
    let screen = t.wait_for("lots on screen", WAIT, |s| {
        s.contains("LIVE") && s.contains("401102")
    });
    assert!(screen.contains("Lots"), "{screen}");
    assert!(
        screen.contains("▶ 1 Lots"),
        "the lots pane starts focused:\n{screen}"
    );

    // Tab moves the focus to the next pane.
    t.keys(&["Tab"]);
    t.wait_for("focus on the detail pane", WAIT, |s| {
        s.contains("▶ 2 Lot detail")
    });

    // Back to the lots, j moves the selection to the second row.
    t.keys(&["1"]);
    t.wait_for("focus back on lots", WAIT, |s| s.contains("▶ 1 Lots"));
    let before = selected_row(&t.screen());
    t.keys(&["j"]);
    t.wait_for("selection moved down", WAIT, |s| selected_row(s) != before);

    // `/` opens the filter, text narrows the list, Esc clears it.
    t.keys(&["/"]);
    t.text("gold");
    let filtered = t.wait_for("the filter applied", WAIT, |s| {
        s.contains("gold") && !s.contains("401102 ")
    });
    assert!(
        lot_rows(&filtered) > 0,
        "some gold lots remain:\n{filtered}"
    );
    assert!(
        lot_rows(&filtered) < 50,
        "the filter narrowed the list:\n{filtered}"
    );
    t.keys(&["Escape"]);
    t.wait_for("filter cleared", WAIT, |s| s.contains("401102"));

    // `?` opens the help overlay; Esc closes it.
    t.keys(&["?"]);
    t.wait_for("help overlay", WAIT, |s| s.contains("Help"));
    t.keys(&["Escape"]);
    t.wait_for("help closed", WAIT, |s| !s.contains("Help: keys"));

    // q quits with status 0 and gives the terminal back.
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
}

#[test]
fn works_at_80x24_and_says_when_too_small() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("small", 80, 24, &server, &[]);
    t.wait_for("lots at 80x24", WAIT, |s| {
        s.contains("401102") && s.contains("LIVE")
    });
    t.keys(&["C-c"]);
    assert_eq!(t.wait_exit(WAIT), 0);

    let tiny = monitor("tiny", 30, 8, &server, &[]);
    tiny.wait_for("size message", WAIT, |s| {
        s.to_lowercase().contains("too small") || s.contains("at least")
    });
    tiny.keys(&["q"]);
    assert_eq!(tiny.wait_exit(WAIT), 0);
}

#[test]
fn sigterm_restores_the_terminal_and_exits_cleanly() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("term", 100, 30, &server, &[]);
    t.wait_for("lots", WAIT, |s| s.contains("401102"));
    let pid = t.program_pid();
    let ok = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    assert_eq!(t.wait_exit(WAIT), 0);
    // Back on the normal screen: the alternate screen's content is gone.
    let after = t.screen();
    assert!(
        !after.contains("401102"),
        "alternate screen left behind:\n{after}"
    );
}

/// The row marked as selected (`▶` inside the lots table), as text.
fn selected_row(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains("▶   ") || l.contains("┃▶") && l.contains("40"))
        .map(|l| l.to_string())
}

/// Rows of the lots table that show a lot number.
fn lot_rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .any(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_digit()))
        })
        .count()
}
