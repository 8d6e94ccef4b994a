//! Notifications from the real monitor in tmux: with `--notify osc9
//! --notify-always` a watched lot's closing alert writes OSC 9, wrapped for
//! tmux's passthrough because the monitor runs inside tmux; with `--notify
//! off` the same alert writes no notification and no bell. The bytes are
//! read with `pipe-pane`, before tmux interprets them.

mod support;

use std::time::{Duration, Instant};
use support::server::BIN;
use support::tmux::Tmux;

fn monitor(name: &str, notify: &str) -> (Tmux, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("lotwatch-notify-{name}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut cmd = vec![
        BIN.to_string(),
        "--notify".into(),
        notify.into(),
        "--notify-always".into(),
        "--watch".into(),
        "401102".into(),
        "--config".into(),
        "/dev/null".into(),
        "--log-file".into(),
        dir.join("monitor.log").to_string_lossy().into_owned(),
    ];
    if notify == "off" {
        cmd.push("--no-mouse".into());
    }
    (Tmux::start(name, 120, 40, &cmd), dir.join("monitor.log"))
}

fn bytes_of(t: &Tmux) -> Vec<u8> {
    std::fs::read(t.path("pane.bytes")).unwrap_or_default()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_monitor_notifies_through_tmux_only_when_enabled() {
    let (on, _) = monitor("notify-on", "osc9");
    let (off, off_log) = monitor("notify-off", "off");
    on.pipe_to(&on.path("pane.bytes"));
    off.pipe_to(&off.path("pane.bytes"));
    let log = || std::fs::read_to_string(&off_log).unwrap_or_default();
    let wrapped = b"\x1bPtmux;\x1b\x1b]9;lotwatch: closing \xc2\xb7 401102 \xc2\xb7 ";
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let got = bytes_of(&on);
        if contains(&got, wrapped) && log().contains("alert closing 401102") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no wrapped OSC 9 in {} bytes; screen:\n{}",
            got.len(),
            on.screen()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let got = bytes_of(&on);
    let at = got
        .windows(wrapped.len())
        .position(|w| w == wrapped)
        .expect("found above");
    let end = got[at..]
        .windows(3)
        .position(|w| w == b"\x07\x1b\\")
        .expect("the passthrough ends with BEL then ESC \\");
    let text = String::from_utf8_lossy(&got[at + 10..at + end]);
    eprintln!("notification: {text:?}");
    assert!(text.contains("Ақшатау-2"), "{text}");
    std::thread::sleep(Duration::from_millis(500));
    let quiet = bytes_of(&off);
    assert!(!quiet.is_empty(), "the off monitor drew its screen");
    assert!(!contains(&quiet, b"]9;"), "no OSC 9 when off");
    assert!(!contains(&quiet, b"]777;"), "no OSC 777 when off");
    assert!(!contains(&quiet, b"Ptmux;"), "no passthrough when off");
    assert!(
        !quiet.contains(&0x07),
        "no bell when off (the screen itself has no BEL)"
    );
}
