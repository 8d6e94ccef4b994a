//! The monitor's and `watch`'s outputs beyond the screen, end to end with
//! the real binary in tmux:
//!
//! - notifications: with `--notify osc9 --notify-always` a watched lot's
//!   closing alert writes OSC 9, wrapped for tmux's passthrough because the
//!   monitor runs inside tmux; with `--notify off` it writes no
//!   notification and no bell (the bytes are read with `pipe-pane`, before
//!   tmux interprets them);
//! - metrics: a real Prometheus (Debian's `prometheus` package, started here
//!   on loopback with a temporary data dir and a 1 s scrape interval)
//!   scrapes the monitor, and its `lotwatch_lot_high_bid_kzt`, read back
//!   through Prometheus's HTTP API, equals the simulator's high bid for that
//!   lot (skipped, saying so, when `prometheus` is missing);
//! - the README's tmux `status-right` example shows `watch --format status`.

use crate::support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::http;
use support::process::{Killed, have, poll, scratch_dir};
use support::server::{BIN, Server};
use support::tmux::Tmux;

fn temp_dir(name: &str) -> PathBuf {
    scratch_dir("outputs", name)
}

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

fn prometheus_config(dir: &Path, target: &str) -> PathBuf {
    let p = dir.join("prometheus.yml");
    std::fs::write(
        &p,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: lotwatch\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .expect("write prometheus.yml");
    p
}

/// The simulator's high bid for `lot`, as the High bid column shows it.
fn sim_high_bid(sim: &str, lot: &str) -> Option<lotwatch::domain::Money> {
    let v = http::get_json(&format!("{sim}/api/v1/lots/{}", http::encode(lot)));
    let l = &v["lot"];
    let amount = match l["status"].as_str() {
        Some("sold") => l["result"]["amount"].as_str(),
        _ => l["high_bid"]["amount"].as_str(),
    }?;
    lotwatch::domain::Money::parse(amount).ok()
}

#[test]
fn a_real_prometheus_scrapes_the_monitor_and_agrees_with_the_simulator() {
    if !have("prometheus") {
        eprintln!("SKIPPED: prometheus is missing (apt-get install prometheus; bash .ci/run does)");
        return;
    }
    let sim = Server::start(&["--speed", "10"]);
    let dir = temp_dir("prometheus");
    let port = http::free_port();
    let monitor = Tmux::start(
        "metrics",
        120,
        40,
        &[
            BIN.to_string(),
            "--url".into(),
            sim.url.clone(),
            "--metrics".into(),
            format!("127.0.0.1:{port}"),
            "--no-journal".into(),
            "--config".into(),
            "/dev/null".into(),
            "--log-file".into(),
            dir.join("monitor.log").to_string_lossy().into_owned(),
        ],
    );
    monitor.wait_for("the monitor LIVE", Duration::from_secs(30), |s| {
        s.contains("LIVE")
    });
    let prom_port = http::free_port();
    let config = prometheus_config(&dir, &format!("127.0.0.1:{port}"));
    let log = std::fs::File::create(dir.join("prometheus.log")).expect("log");
    let _prom = Killed(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus"),
    );
    let api = format!("http://127.0.0.1:{prom_port}");
    poll(&format!("{api}/-/ready"), Duration::from_secs(60), |_| true);
    let query = |q: &str| -> Vec<Value> {
        let v = http::get_json(&format!("{api}/api/v1/query?query={}", http::encode(q)));
        assert_eq!(v["status"], "success", "{v}");
        v["data"]["result"].as_array().cloned().unwrap_or_default()
    };
    // Bids keep coming: a lot agrees when the simulator shows the same high
    // bid just before and just after Prometheus was asked.
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut agreed, mut compared) = (Vec::new(), 0);
    while agreed.is_empty() {
        assert!(
            Instant::now() < deadline,
            "no lot agreed in 90 s ({compared} compared); prometheus.log: {}",
            std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_secs(1));
        let series = query("lotwatch_lot_high_bid_kzt");
        for s in series.iter().take(20) {
            let lot = s["metric"]["lot"].as_str().expect("lot label").to_string();
            let before = sim_high_bid(&sim.url, &lot);
            let now = query(&format!("lotwatch_lot_high_bid_kzt{{lot=\"{lot}\"}}"));
            let value = now
                .first()
                .and_then(|s| s["value"][1].as_str())
                .map(str::to_string);
            let after = sim_high_bid(&sim.url, &lot);
            compared += 1;
            let prom = value
                .as_deref()
                .and_then(|v| rust_decimal::Decimal::from_str_exact(v).ok());
            if before.is_some() && before == after && prom == before.map(|m| m.as_decimal()) {
                agreed.push((lot, value.unwrap_or_default()));
            }
        }
    }
    eprintln!(
        "Prometheus agrees with the simulator on {} of {compared} lots compared, e.g. {:?}",
        agreed.len(),
        agreed[0]
    );
    let up = query("lotwatch_link_up");
    assert_eq!(up.first().and_then(|s| s["value"][1].as_str()), Some("1"));
    let job_up = query("up{job=\"lotwatch\"}");
    assert_eq!(
        job_up.first().and_then(|s| s["value"][1].as_str()),
        Some("1")
    );
    // The screen kept running throughout.
    let screen = monitor.screen();
    assert!(screen.contains("LIVE"), "{screen}");
}

/// A tmux server on its own socket, killed when dropped.
struct TmuxServer(String);

impl TmuxServer {
    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.0, "-f", "/dev/null"])
            .args(args)
            .env("LOTWATCH_CONFIG", "/dev/null")
            .env_remove("LOTWATCH_TOKEN")
            .output()
            .expect("run tmux (bash .ci/run installs it)")
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The README's tmux example, as written but for the binary's path: a
/// tmux whose `status-right` runs `lotwatch watch --format status`, shown
/// by a client attached inside a second tmux whose screen the test reads.
#[test]
fn the_readme_tmux_status_right_shows_the_status_line() {
    let dir = temp_dir("tmux");
    let pid = std::process::id();
    let inner = TmuxServer(format!("lotwatch-status-in-{pid}"));
    let log = dir.join("lotwatch.log");
    let started = Command::new("tmux")
        .args(["-L", &inner.0, "-f", "/dev/null", "new-session", "-d"])
        .args(["-s", "in", "-x", "110", "-y", "8", "sleep 600"])
        .env("LOTWATCH_CONFIG", "/dev/null")
        .env("LOTWATCH_LOG_FILE", &log)
        .env_remove("LOTWATCH_TOKEN")
        .env_remove("TMUX")
        .status()
        .expect("tmux (bash .ci/run installs it)");
    assert!(started.success());
    for (k, v) in [
        ("status-interval", "1".to_string()),
        ("status-right-length", "100".to_string()),
        ("status-right", format!("#({BIN} watch --format status)")),
    ] {
        assert!(inner.run(&["set", "-g", k, &v]).status.success(), "{k}");
    }
    let outer = TmuxServer(format!("lotwatch-status-out-{pid}"));
    let attach = format!("TMUX= tmux -L {} attach -t in", inner.0);
    let out = outer.run(&[
        "new-session",
        "-d",
        "-s",
        "out",
        "-x",
        "110",
        "-y",
        "9",
        &attach,
    ]);
    assert!(out.status.success(), "{out:?}");
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        let shot = outer.run(&["capture-pane", "-p", "-t", "out"]);
        let screen = String::from_utf8_lossy(&shot.stdout).into_owned();
        let status = screen.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        if status.contains("● LIVE · ") && status.contains(" open") {
            eprintln!("tmux status line: {}", status.trim());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no lotwatch status in tmux's status line: {screen:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
