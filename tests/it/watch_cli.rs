//! `lotwatch watch`, the real binary, against `lotwatch serve` on loopback:
//! the jsonl stream equals the simulator's own event history (read through
//! its API), `| head -3` exits 0 with three lines, a reader taking one line
//! a second gets a `dropped` line while the process stays under a memory
//! bound, the filter, the status and waybar formats, the exit codes, and
//! without a change feed (`serve --no-feed`) the bids seen between reads.

use crate::support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::http;
use support::server::Server;

/// Peak resident memory `watch` may reach in the slow-reader test (a 5 000
/// lot day at 300x, ~70 events a second; a debug build measured ~36 MiB).
const MAX_PEAK_RSS_KIB: u64 = 64 * 1024;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn watch_cmd(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = crate::support::server::lotwatch();
    c.arg("watch")
        .args(args)
        .arg("--log-file")
        .arg(dir.join("lotwatch.log"))
        .env_remove("LOTWATCH_TOKEN")
        .env("LOTWATCH_CONFIG", "/dev/null")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Lines of the child's stdout, as they come, on a channel.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    });
    rx
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{sig} {}", child.id());
}

fn wait_for_exit(child: &mut Child, within: Duration) -> ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("watch did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut s);
    }
    s
}

fn is_event(v: &Value) -> bool {
    !matches!(
        v["type"].as_str(),
        Some("link" | "snapshot" | "alert" | "anomaly" | "data_issue" | "dropped")
    ) && v["seq"].is_u64()
}

/// The money string of `v[k]` as tiyn, to compare `"36920000"` with
/// `"36920000.00"`.
fn tiyn(v: &Value) -> Option<lotwatch::domain::Money> {
    v.as_str()
        .map(|s| lotwatch::domain::Money::parse(s).expect("money"))
}

#[test]
fn jsonl_seqs_are_contiguous_and_equal_the_simulators_history() {
    let sim = Server::start(&["--speed", "240"]);
    let dir = temp_dir("jsonl");
    let mut child = watch_cmd(
        &dir,
        &["--url", &sim.url, "--format", "jsonl", "--no-journal"],
    )
    .spawn()
    .expect("start watch");
    let rx = lines_of(&mut child);
    let mut lines: Vec<Value> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    let t0 = Instant::now();
    while lines.iter().filter(|v| is_event(v)).count() < 40 && Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}")));
        }
    }
    eprintln!("40 events in {:?}", t0.elapsed());
    signal(&child, "TERM");
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "{}", stderr_of(&mut child));
    eprintln!("exited on SIGTERM at {:?}", t0.elapsed());
    // What was already written before the signal.
    while let Ok(l) = rx.recv_timeout(Duration::from_millis(500)) {
        lines.push(serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}")));
    }

    // Strictly increasing and contiguous, except where a snapshot or a
    // dropped-lines count declares a gap.
    let mut expect: Option<u64> = None;
    let mut last = 0u64;
    let mut events = Vec::new();
    for v in &lines {
        match v["type"].as_str() {
            Some("snapshot") => expect = v["seq"].as_u64().map(|s| s + 1),
            Some("dropped") => expect = None,
            _ if is_event(v) => {
                let seq = v["seq"].as_u64().expect("seq");
                assert!(seq > last, "seq {seq} after {last}");
                if let Some(e) = expect {
                    assert_eq!(seq, e, "an undeclared gap before {v}");
                }
                expect = Some(seq + 1);
                last = seq;
                events.push(v.clone());
            }
            _ => {}
        }
    }
    assert!(events.len() >= 40, "{} events in 90 s", events.len());
    assert_eq!(lines[0]["type"], "link", "{}", lines[0]);
    assert!(lines.iter().any(|v| v["type"] == "snapshot"));
    assert!(
        lines
            .iter()
            .any(|v| v["type"] == "link" && v["state"] == "live")
    );

    // The same span read independently from the simulator's API.
    let first = events[0]["seq"].as_u64().expect("seq");
    let mut history = Vec::new();
    let mut after = first - 1;
    while after < last {
        let page = http::get_json(&format!(
            "{}/api/v1/events?after={after}&limit=1000",
            sim.url
        ));
        let evs = page["events"].as_array().expect("events").clone();
        assert!(!evs.is_empty(), "the simulator has events after {after}");
        after = evs.last().and_then(|e| e["seq"].as_u64()).expect("seq");
        history.extend(evs);
    }
    history.retain(|e| e["seq"].as_u64().is_some_and(|s| s <= last));
    assert_eq!(history.len(), events.len(), "same number of events");
    for (ours, theirs) in events.iter().zip(&history) {
        let what = format!("\n ours   {ours}\n theirs {theirs}");
        assert_eq!(ours["seq"], theirs["seq"], "{what}");
        assert_eq!(ours["type"], theirs["type"], "{what}");
        assert_eq!(ours["lot_id"], theirs["lot_id"], "{what}");
        assert_eq!(ours["server_time"], theirs["at"], "{what}");
        match theirs["type"].as_str() {
            Some("bid") => {
                assert_eq!(tiyn(&ours["amount_kzt"]), tiyn(&theirs["amount"]), "{what}");
                assert_eq!(ours["bidder"], theirs["bidder"], "{what}");
                assert_eq!(ours["closes_at"], theirs["closes_at"], "{what}");
                // The dollar amount at the rate in use, with its date.
                assert!(ours["amount_usd"].is_string(), "{what}");
                assert!(ours["rate_date"].is_string(), "{what}");
            }
            Some("extended") => {
                assert_eq!(ours["extensions"], theirs["extensions"], "{what}");
                assert_eq!(ours["closes_at"], theirs["closes_at"], "{what}");
            }
            Some("status") => assert_eq!(ours["status"], theirs["status"], "{what}"),
            _ => {}
        }
        assert!(
            ours["lot_number"].is_string() || ours["lot_id"].is_null(),
            "{what}"
        );
        // Every lot's record says its source (issue 23.2).
        assert_eq!(ours["source"], "api", "{what}");
    }
}

#[test]
fn head_three_gets_three_lines_and_watch_exits_zero() {
    let dir = temp_dir("head");
    let mut watch = watch_cmd(&dir, &["--format", "jsonl"])
        .spawn()
        .expect("start watch");
    let head = Command::new("head")
        .arg("-3")
        .stdin(watch.stdout.take().expect("stdout"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start head");
    let out = head.wait_with_output().expect("head");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.lines().count(), 3, "{text}");
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert!(v["type"].is_string(), "{l}");
    }
    let t0 = Instant::now();
    let status = wait_for_exit(&mut watch, Duration::from_secs(20));
    let err = stderr_of(&mut watch);
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "", "quiet on a closed pipe");
    eprintln!("watch exited {:?} after head closed the pipe", t0.elapsed());
}

/// `F_SETPIPE_SZ`: the pipe the reader drains one line a second holds 4 KiB
/// (a few lines), not the default 64 KiB, so the test need not wait minutes.
fn shrink_pipe(fd: i32) {
    // SAFETY: fcntl on a pipe descriptor we own, with an integer argument.
    // (std has no F_SETPIPE_SZ.)
    #[allow(unsafe_code)]
    let r = unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, 4096) };
    assert!(r >= 4096, "F_SETPIPE_SZ failed");
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[test]
fn a_reader_of_one_line_a_second_gets_a_dropped_line_and_memory_stays_bounded() {
    use std::os::fd::AsRawFd;
    let sim = Server::start(&["--lots", "5000", "--speed", "300"]);
    let dir = temp_dir("slow");
    let mut child = watch_cmd(
        &dir,
        &["--url", &sim.url, "--format", "jsonl", "--no-journal"],
    )
    .spawn()
    .expect("start watch");
    let out = child.stdout.take().expect("stdout");
    shrink_pipe(out.as_raw_fd());
    // A small buffer: the pipe is drained about as slowly as lines are read.
    let mut reader = BufReader::with_capacity(128, out);
    let t0 = Instant::now();
    let mut dropped = None;
    let mut read = 0;
    let mut last_seq = 0;
    while t0.elapsed() < Duration::from_secs(90) {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read") == 0 {
            break;
        }
        read += 1;
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if is_event(&v) {
            let seq = v["seq"].as_u64().expect("seq");
            assert!(seq > last_seq, "{seq} after {last_seq}");
            last_seq = seq;
        }
        if v["type"] == "dropped" {
            dropped = v["count"].as_u64();
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let n = dropped.unwrap_or_else(|| panic!("no dropped line in {read} lines"));
    assert!(n > 0);
    // After the gap the stream goes on from newer events.
    let mut line = String::new();
    reader.read_line(&mut line).expect("read");
    let peak = peak_rss_kib(child.id());
    eprintln!(
        "dropped {n} lines, seen after {read} lines ({:?}); peak RSS {peak} KiB (bound {MAX_PEAK_RSS_KIB} KiB)",
        t0.elapsed()
    );
    assert!(
        peak < MAX_PEAK_RSS_KIB,
        "peak RSS {peak} KiB over {MAX_PEAK_RSS_KIB}"
    );
    signal(&child, "INT");
    drop(reader);
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "{}", stderr_of(&mut child));
}

#[test]
fn the_filter_keeps_only_its_lots() {
    // A sped-up day, so that the lots 4011.. have three records within
    // seconds rather than the demo day's minute; the other lots (5xx2025,
    // 4012..) have records too, and none of them may be printed.
    let sim = Server::start(&["--speed", "30"]);
    let dir = temp_dir("filter");
    let mut child = watch_cmd(
        &dir,
        &[
            "--url",
            &sim.url,
            "--no-journal",
            "--format",
            "jsonl",
            "--filter",
            "lot:4011",
        ],
    )
    .spawn()
    .expect("start watch");
    let rx = lines_of(&mut child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut ours = 0;
    while ours < 3 && Instant::now() < deadline {
        let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        let v: Value = serde_json::from_str(&l).expect("JSON");
        if let Some(id) = v["lot_id"].as_str() {
            assert!(id.contains("4011"), "{l}");
            ours += 1;
        }
    }
    assert!(
        ours >= 3,
        "three records of the lots 4011.. within a minute"
    );
    signal(&child, "INT");
    assert_eq!(
        wait_for_exit(&mut child, Duration::from_secs(10)).code(),
        Some(0)
    );
}

#[test]
fn status_prints_only_changes_and_waybar_is_its_json() {
    let sim = Server::start(&["--speed", "30"]);
    let dir = temp_dir("status");
    for format in ["status", "waybar"] {
        let mut child = watch_cmd(
            &dir,
            &[
                "--url",
                &sim.url,
                "--format",
                format,
                "--no-journal",
                "--me",
                "P-07",
            ],
        )
        .spawn()
        .expect("start watch");
        let rx = lines_of(&mut child);
        let mut lines: Vec<String> = Vec::new();
        let t0 = Instant::now();
        // At least 3 s of lines (a status printed again unchanged would show
        // by then), until three and a live one with its next close, or 20 s.
        let enough = |lines: &[String]| {
            lines.len() >= 3
                && lines
                    .iter()
                    .any(|l| l.contains("LIVE") && l.contains(" open · next close "))
        };
        while t0.elapsed() < Duration::from_secs(3)
            || (!enough(&lines) && t0.elapsed() < Duration::from_secs(20))
        {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
                lines.push(l);
            }
        }
        signal(&child, "TERM");
        assert_eq!(
            wait_for_exit(&mut child, Duration::from_secs(10)).code(),
            Some(0)
        );
        assert!(lines.len() >= 3, "{format}: {lines:?}");
        for pair in lines.windows(2) {
            assert_ne!(pair[0], pair[1], "{format}: printed again unchanged");
        }
        let texts: Vec<String> = if format == "waybar" {
            lines
                .iter()
                .map(|l| {
                    let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
                    assert!(v["tooltip"].is_string(), "{l}");
                    assert!(v["class"].as_array().is_some_and(|c| !c.is_empty()), "{l}");
                    v["text"].as_str().expect("text").to_string()
                })
                .collect()
        } else {
            lines.clone()
        };
        let live = texts
            .iter()
            .find(|t| t.starts_with("● LIVE") && t.contains(" open · next close "))
            .unwrap_or_else(|| panic!("{format}: no live line with a next close: {texts:?}"));
        assert!(live.ends_with(|c: char| c.is_ascii_digit()), "{live}");
        assert!(
            live.contains('▲') && live.contains('▼'),
            "--me counts: {live}"
        );
        assert!(!texts.iter().any(|t| t.contains('\x1b')));
    }
}

#[test]
fn exit_codes_bad_filter_bad_argument_unreachable() {
    let dir = temp_dir("codes");
    let out = watch_cmd(&dir, &["--filter", "status:open closing<1x"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("term 2 (col 21)"), "{err}");
    assert!(err.contains("\"1x\" is not a duration"), "{err}");
    // The caret stands under the bad value.
    let lines: Vec<&str> = err.lines().collect();
    let text_at = lines[1].find("closing<1x").expect("the filter echoed") + "closing<".len();
    assert_eq!(lines[2].find('^'), Some(text_at), "{err}");
    assert!(out.stdout.is_empty());

    let out = watch_cmd(&dir, &["--format", "xml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));

    // watch reads one source; a bad one is named with what to write.
    let out = watch_cmd(
        &dir,
        &["--source", "api=http://127.0.0.1:9", "--source", "sauda"],
    )
    .output()
    .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("watch reads one source"), "{err}");
    let out = watch_cmd(&dir, &["--source", "site"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`site` is not a source: write api or sauda"),
        "{err}"
    );

    let port = http::free_port();
    let t0 = Instant::now();
    let out = watch_cmd(
        &dir,
        &["--url", &format!("http://127.0.0.1:{port}"), "--no-journal"],
    )
    .output()
    .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot reach the platform"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(30), "{:?}", t0.elapsed());
    // The link changes were printed on the way.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(r#""state":"retrying""#), "{text}");
}

#[test]
fn watch_the_sauda_site_prints_its_status_changes_as_jsonl() {
    let sim = Server::start(&["--site", "sauda", "--speed", "120"]);
    let dir = temp_dir("sauda");
    let mut child = watch_cmd(
        &dir,
        &[
            "--source",
            "sauda",
            "--url",
            &sim.url,
            "--poll",
            "1000",
            "--rates",
            "fixed",
            "--rate",
            "USD=519.53",
            "--no-journal",
        ],
    )
    .spawn()
    .expect("spawn watch");
    let lines = lines_of(&mut child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut snapshot, mut status) = (false, None);
    while status.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .expect("a status change within a minute");
        let v: Value = serde_json::from_str(&line).expect("a JSON line");
        match v["type"].as_str() {
            Some("snapshot") => snapshot = true,
            Some("status") => status = Some(v),
            _ => {}
        }
    }
    assert!(snapshot, "the stream starts with a snapshot line");
    let v = status.expect("a status line");
    assert!(v["lot_number"].is_string(), "{v}");
    assert_eq!(v["source"], "sauda", "{v}");
    assert_eq!(v["status"], "open", "{v}");
    signal(&child, "TERM");
    assert!(
        wait_for_exit(&mut child, Duration::from_secs(10)).success(),
        "{}",
        stderr_of(&mut child)
    );
}

#[test]
fn without_a_change_feed_watch_prints_the_bids_seen_between_two_reads() {
    let sim = Server::start(&["--no-feed", "--speed", "60"]);
    let dir = temp_dir("no-feed");
    let mut child = watch_cmd(
        &dir,
        &[
            "--url",
            &sim.url,
            "--poll",
            "500",
            "--rates",
            "fixed",
            "--rate",
            "USD=519.53",
            "--no-journal",
        ],
    )
    .spawn()
    .expect("spawn watch");
    let lines = lines_of(&mut child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut bid = None;
    while bid.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.recv_timeout(left).expect("a bid within a minute");
        let v: Value = serde_json::from_str(&line).expect("a JSON line");
        if v["type"] == "bid" {
            bid = Some(v);
        }
    }
    let v = bid.expect("a bid line");
    assert_eq!(v["observed"], true, "{v}");
    assert!(
        v["lot_number"].is_string() && v["bidder"].is_string(),
        "{v}"
    );
    assert!(tiyn(&v["amount_kzt"]).is_some(), "{v}");
    signal(&child, "TERM");
    assert!(
        wait_for_exit(&mut child, Duration::from_secs(10)).success(),
        "{}",
        stderr_of(&mut child)
    );
}

#[test]
fn text_is_one_plain_sentence_per_change_in_the_interface_language() {
    let dir = temp_dir("text");
    let sim = Server::start(&["--speed", "30"]);
    let mut child = watch_cmd(
        &dir,
        &[
            "--url",
            &sim.url,
            "--format",
            "text",
            "--lang",
            "ru",
            "--no-journal",
        ],
    )
    .spawn()
    .expect("start watch");
    let rx = lines_of(&mut child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    while lines.len() < 12 && Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(l);
        }
    }
    signal(&child, "INT");
    assert_eq!(
        wait_for_exit(&mut child, Duration::from_secs(10)).code(),
        Some(0)
    );
    assert!(
        lines.len() >= 12,
        "a dozen sentences within a minute: {lines:#?}"
    );
    for l in &lines {
        assert!(lotwatch::ui::plain::is_plain(l), "no box drawing: {l}");
        assert!(l.ends_with('.') && !l.starts_with('{'), "a sentence: {l}");
        assert!(!l.contains('\t'), "no columns: {l}");
    }
    // In Russian: the link, the lots read, bids with their bidder.
    let all = lines.join("\n");
    assert!(all.contains("ОНЛАЙН"), "{all}");
    assert!(all.contains("лот"), "{all}");
    assert!(
        lines.iter().any(|l| l.contains('₸') && l.contains("P-")),
        "{all}"
    );
}

/// Issue 27.8: `--metrics` on an address that is not loopback (the hostile
/// setting: `0.0.0.0`, every interface) warns on stderr at start.
#[test]
fn metrics_on_every_interface_warns_at_start() {
    let dir = temp_dir("metrics-warn");
    let mut child = watch_cmd(&dir, &["--metrics", "0.0.0.0:0"])
        .spawn()
        .expect("watch");
    let err = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("a warning on stderr");
    assert!(
        line.contains("warning") && line.contains("not loopback"),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Issue 27.8: the README's tmux status-line recipe doubles every `#` of
/// the line (tmux reads `#[…]` in it as a style), and holds no `#` of its
/// own inside `#(…)`. The recipe is read from the README and run with a
/// hostile line in place of `lotwatch watch`.
#[test]
fn the_readme_tmux_recipe_escapes_hash() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let recipe = readme
        .lines()
        .find(|l| l.contains("set -g status-right '#(lotwatch watch"))
        .expect("the tmux recipe");
    let inner = recipe
        .split_once("'#(")
        .and_then(|(_, r)| r.rsplit_once(")'"))
        .map(|(cmd, _)| cmd)
        .expect("#(…)");
    assert!(
        !inner.contains('#'),
        "tmux may read the command's own #: {inner}"
    );
    let cmd = inner.replace(
        "lotwatch watch --format status",
        "printf 'lot #[fg=red]A #(id) ##\\n'",
    );
    let out = Command::new("sh").args(["-c", &cmd]).output().expect("sh");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "lot ##[fg=red]A ##(id) ####\n"
    );
}
