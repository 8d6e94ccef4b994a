//! End-to-end: the real `lotwatch` binary in tmux against `lotwatch serve` on
//! loopback. Waits for lots on screen, drives the keys a user would press and
//! checks the screen after each, then quits and checks the exit status.

use crate::support;

use std::process::Command;
use std::time::Duration;
use support::server::{BIN, Server};
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(20);

/// Where the monitor of the test `name` logs.
fn log_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("lotwatch-e2e-{name}-{}.log", std::process::id()))
}

/// The monitor's command line for the test `name`: against `server`, its
/// log at `log_path(name)`, its journal a file of its own (not the user's
/// journal, which tests running side by side would share).
fn monitor_cmd(name: &str, server: &Server, extra: &[&str]) -> Vec<String> {
    let journal =
        std::env::temp_dir().join(format!("lotwatch-e2e-{name}-{}.sqlite", std::process::id()));
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", journal.display()));
    }
    let mut cmd = vec![
        BIN.to_string(),
        "--url".into(),
        server.url.clone(),
        "--log-file".into(),
        log_path(name).to_string_lossy().into_owned(),
        "--journal".into(),
        journal.to_string_lossy().into_owned(),
    ];
    cmd.extend(extra.iter().map(|s| s.to_string()));
    cmd
}

pub fn monitor(name: &str, w: u16, h: u16, server: &Server, extra: &[&str]) -> Tmux {
    Tmux::start(name, w, h, &monitor_cmd(name, server, extra))
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
        s.contains("gold") && !s.contains("50/50")
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
    // All 50 back: the Escape was read as such (a key right behind an Escape
    // that is still pending would make Alt-key of the two).
    t.wait_for("filter cleared", WAIT, |s| s.contains("50/50"));

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
fn lang_ru_shows_the_interface_in_russian() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("lang", 100, 30, &server, &["--lang", "ru"]);
    let screen = t.wait_for("Russian interface", WAIT, |s| {
        s.contains("ОНЛАЙН") && s.contains("401102")
    });
    assert!(screen.contains("▶ 1 Лоты"), "{screen}");
    assert!(
        screen.contains("Астана") && screen.contains("выход"),
        "{screen}"
    );
    assert!(
        !screen.contains("LIVE") && !screen.contains("quit"),
        "{screen}"
    );
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
}

#[test]
fn an_unknown_language_is_a_usage_error_naming_the_accepted_ones() {
    let out = crate::support::server::lotwatch()
        .args(["--lang", "xx"])
        .output()
        .expect("run lotwatch");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'xx'") && err.contains("--lang") && err.contains("en, ru, kk"),
        "{err}"
    );
    let out = crate::support::server::lotwatch()
        .env("LOTWATCH_LANG", "de")
        .args(["--config", "/dev/null", "--url", "http://127.0.0.1:9"])
        .output()
        .expect("run lotwatch");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("LOTWATCH_LANG") && err.contains("en, ru or kk"),
        "{err}"
    );
}

#[test]
fn works_at_80x24_and_says_when_too_small() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("small", 80, 24, &server, &["--no-mouse"]);
    t.wait_for("lots at 80x24", WAIT, |s| {
        s.contains("401102") && s.contains("LIVE")
    });
    // --no-mouse: the terminal keeps its own selection, and the bar says so.
    assert!(last_line(&t.screen()).ends_with("m mouse off"));
    assert!(!t.mouse_reporting());
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

#[test]
fn click_a_row_scroll_with_the_wheel_and_give_the_mouse_back() {
    let server = Server::start(&["--speed", "30"]);
    let cmd = monitor_cmd("mouse", &server, &[]);
    // In a shell, so that the terminal's modes can be read after a suspend
    // and after the exit.
    let t = Tmux::start_in_shell("mouse", 120, 40, &cmd);
    // The fourth lot row (below the header lines, the border and the column
    // headers): click on its number. Waiting for that row too: under load
    // tmux may be captured between two partial updates.
    let y = 4 + 3;
    let screen = t.wait_for("lots on screen", WAIT, |s| {
        s.contains("LIVE") && s.lines().nth(y).and_then(lot_number).is_some()
    });
    assert!(t.mouse_reporting(), "mouse capture is on by default");
    let lines: Vec<&str> = screen.lines().collect();
    let number = lot_number(lines[y]).expect("a lot on the fourth row");
    let x = lines[y].chars().take_while(|c| !c.is_ascii_digit()).count() as u16;
    assert_ne!(selected_row(&screen).as_deref(), Some(lines[y]));
    t.click(x, y as u16);
    let screen = t.wait_for("the clicked lot selected, its detail shown", WAIT, |s| {
        selected_row(s).is_some_and(|r| r.contains(&number))
            && s.contains(&format!("2 Lot detail  {number}"))
    });

    // The wheel over the lots scrolls them: the first row shown changes.
    let top = lot_number(screen.lines().nth(4).unwrap_or("")).expect("first row");
    t.wheel_down(x, 10);
    t.wait_for("the lots scrolled", WAIT, |s| {
        lot_number(s.lines().nth(4).unwrap_or("")).is_some_and(|n| n != top)
    });

    // m gives the mouse back to the terminal (to select and copy text).
    t.keys(&["m"]);
    t.wait_for("the key bar says the mouse is off", WAIT, |s| {
        last_line(s).contains("m mouse off")
    });
    assert!(!t.mouse_reporting(), "capture turned off in the terminal");
    t.keys(&["m"]);
    t.wait_for("mouse on again", WAIT, |s| {
        last_line(s).contains("m mouse on")
    });
    assert!(t.mouse_reporting());

    // Ctrl-Z gives the shell a terminal without mouse reporting; fg takes it again.
    t.keys(&["C-z"]);
    t.wait_for("the shell's prompt", WAIT, |s| {
        s.contains("Stopped") && last_line(s).starts_with("bash")
    });
    assert!(!t.mouse_reporting(), "capture off while suspended");
    t.text("fg");
    t.keys(&["Enter"]);
    t.wait_for("redrawn after fg", WAIT, |s| s.contains("m mouse on"));
    assert!(t.mouse_reporting(), "capture back after fg");

    t.keys(&["q"]);
    t.wait_for("back at the prompt", WAIT, |s| {
        !s.contains("Lots") && last_line(s).starts_with("bash")
    });
    assert!(!t.mouse_reporting(), "capture is off after exit");
    t.record_shell_status();
    assert_eq!(t.wait_exit(WAIT), 0);
}

/// The first lot number (six digits) on a line.
fn lot_number(line: &str) -> Option<String> {
    line.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(String::from)
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

#[test]
fn ctrl_z_suspends_and_fg_redraws_everything() {
    let server = Server::start(&["--speed", "30"]);
    let cmd = monitor_cmd("suspend", &server, &[]);
    let t = Tmux::start_in_shell("suspend", 100, 30, &cmd);
    t.wait_for("lots", WAIT, |s| s.contains("401102"));
    let pid = t.program_pid();
    t.keys(&["C-z"]);
    // Stopped, with the terminal given back to the shell.
    t.wait_for("the shell's prompt after the job stopped", WAIT, |s| {
        s.contains("Stopped") && !s.contains("Lots") && last_line(s).starts_with("bash")
    });
    assert_eq!(process_state(pid), Some('T'), "stopped");
    // `fg` sends SIGCONT: the monitor takes the screen again and redraws it all.
    t.text("fg");
    t.keys(&["Enter"]);
    t.wait_for("full redraw after fg", WAIT, |s| {
        s.contains("401102") && s.contains("Lots")
    });
    t.keys(&["q"]);
    t.wait_for("back at the prompt", WAIT, |s| {
        !s.contains("Lots") && last_line(s).starts_with("bash")
    });
    t.record_shell_status();
    assert_eq!(t.wait_exit(WAIT), 0);
}

#[test]
fn sighup_restores_the_terminal_and_exits_cleanly() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("hup", 100, 30, &server, &[]);
    t.wait_for("lots", WAIT, |s| s.contains("401102"));
    let ok = Command::new("kill")
        .args(["-HUP", &t.program_pid().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    assert_eq!(t.wait_exit(WAIT), 0);
    assert!(!t.screen().contains("401102"));
}

#[test]
fn a_terminal_that_goes_away_ends_the_monitor_without_a_panic() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("gone", 100, 30, &server, &[]);
    t.wait_for("lots", WAIT, |s| s.contains("401102"));
    let pid = t.program_pid();
    // Killing the tmux server closes the pty under the monitor: the hang-up
    // of a closed terminal window or a dropped ssh session. ratatui's
    // `Terminal` used to `eprintln!` to that dead terminal on drop: a panic.
    drop(t);
    let start = std::time::Instant::now();
    while process_state(pid).is_some_and(|s| s != 'Z') {
        assert!(start.elapsed() < WAIT, "the monitor is still running");
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(log_path("gone")).expect("the monitor's log");
    assert!(log.contains("first frame with lots"), "{log}");
    assert!(!log.contains("panic"), "{log}");
}

fn last_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

/// The state letter of a process (`R`, `S`, `T` for stopped...).
fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next())
}

/// The header row of the lots pane (the line holding `No.`).
fn lots_header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("No."))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_config_file_is_applied_live_and_a_broken_one_keeps_the_last_good() {
    let server = Server::start(&["--speed", "30"]);
    let dir = std::env::temp_dir().join(format!("lotwatch-e2e-live-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("config.toml");
    let url_line = format!("url = \"{}\"\n", server.url);
    let write = |text: &str| std::fs::write(&cfg, format!("{url_line}{text}")).unwrap();
    write("[columns]\nlots = [\"number\", \"name\", \"time_left\"]\n");
    let cfg_arg = cfg.to_string_lossy().into_owned();
    let t = monitor("livecfg", 120, 36, &server, &["--config", &cfg_arg]);
    let screen = t.wait_for("lots on screen", WAIT, |s| s.contains("401102"));
    let header = lots_header(&screen);
    assert!(
        header.contains("Time left") && !header.contains("High bid"),
        "{screen}"
    );

    // A good change: columns and layout apply without a restart, within 2 s
    // of the write (a poll a second; the margin is for a loaded machine).
    write("layout = \"official\"\n[columns]\nlots = [\"number\", \"high_bid\", \"time_left\"]\n");
    let t0 = std::time::Instant::now();
    let screen = t.wait_for("the new columns and layout", WAIT, |s| {
        lots_header(s).contains("High bid") && s.contains("6 Summary")
    });
    let took = t0.elapsed();
    eprintln!("live config applied in {took:?}");
    assert!(took < Duration::from_secs(4), "took {took:?}:\n{screen}");
    assert!(!lots_header(&screen).contains("Name"), "{screen}");

    // A broken file: its line is shown, the last good config stays.
    write("theme = \"neon\"\n[columns]\nlots = [\"number\"]\n");
    let screen = t.wait_for("the error on screen", WAIT, |s| {
        s.contains("config: line 2")
    });
    assert!(screen.contains("neon"), "{screen}");
    assert!(
        lots_header(&screen).contains("High bid") && screen.contains("6 Summary"),
        "{screen}"
    );
    // An unknown column is named, with the valid ones.
    write("[columns]\nlots = [\"number\", \"hihg_bid\"]\n");
    t.wait_for("the unknown column named", WAIT, |s| {
        s.contains("config: line 3") && s.contains("hihg_bid")
    });

    // Fixed: the error goes, the file's settings apply (the default layout
    // again, the columns as written); a setting that needs a restart is named.
    std::fs::write(
        &cfg,
        "poll = 2000\n[columns]\nlots = [\"number\", \"leader\"]\n",
    )
    .unwrap();
    let screen = t.wait_for("the restart note", WAIT, |s| {
        s.contains("config: restart to apply: poll") && lots_header(s).contains("Leader")
    });
    assert!(
        !screen.contains("6 Summary") && screen.contains("LIVE"),
        "{screen}"
    );
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_wallboard_has_big_digits_no_key_bar_and_q_quits() {
    let server = Server::start(&["--speed", "30"]);
    let t = monitor("wallboard", 160, 45, &server, &["--layout", "wallboard"]);
    let screen = t.wait_for("the wall-board", WAIT, |s| {
        s.contains("LIVE") && s.contains('▀') && s.contains("Uplift")
    });
    assert!(!screen.contains("? help"), "no key bar:\n{screen}");
    // `v` cycles to the default layout and back round to the wall-board.
    t.keys(&["v"]);
    t.wait_for("the default layout", WAIT, |s| s.contains("▶ 1 Lots"));
    t.keys(&["v", "v", "v"]);
    t.wait_for("the wall-board again", WAIT, |s| !s.contains("? help"));
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 0, "lotwatch exit status");
}

#[test]
fn an_unknown_layout_is_a_usage_error_naming_the_known_ones() {
    let out = crate::support::server::lotwatch()
        .args(["--config", "/dev/null", "--layout", "kiosk"])
        .output()
        .expect("run lotwatch");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--layout")
            && err.contains("\"kiosk\"")
            && err.contains("default, bidder, official, wallboard"),
        "{err}"
    );
}
