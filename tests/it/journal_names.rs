//! The API source's default journal is named after the platform's host and
//! port (issue 28.4): `lotwatch info` names the file that `watch` (the
//! monitor's journal sink) then opens, a second platform gets its own file,
//! an earlier lotwatch's `<auction-id>.sqlite` is resumed while it is the
//! only one, and the demo day has no default journal.

use crate::support::server::{BIN, Server};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-names-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The binary with its data and state under `dir`, reading `url` (None: the demo).
fn cmd(dir: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut c = crate::support::server::lotwatch();
    c.args(args)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("LOTWATCH_CONFIG", "/dev/null")
        .env("LC_ALL", "C")
        .env_remove("LOTWATCH_LANG")
        .env_remove("LOTWATCH_JOURNAL")
        .env_remove("LOTWATCH_TOKEN")
        .env_remove("LOTWATCH_URL")
        .stdin(Stdio::null());
    if let Some(u) = url {
        c.env("LOTWATCH_URL", u);
    }
    c
}

/// The `default journal:` line of `lotwatch info`.
fn info_journal(dir: &Path, url: Option<&str>) -> String {
    let o = cmd(dir, url, &["info"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("default journal: ").map(String::from))
        .expect("a default journal line")
}

/// The path at the start of an info line (`PATH (named after …)`).
fn path_of(line: &str) -> PathBuf {
    PathBuf::from(line.split(" (").next().unwrap())
}

/// Runs `watch` until `done` holds (or 40 s), then stops it.
fn watch_until(dir: &Path, url: &str, extra: &[&str], done: impl Fn() -> bool) {
    let mut args = vec!["watch", "--format", "jsonl", "--log-file"];
    let log = dir.join("watch.log");
    let log = log.to_str().unwrap().to_string();
    args.push(&log);
    args.extend_from_slice(extra);
    let mut child = cmd(dir, Some(url), &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !done() && start.elapsed() < Duration::from_secs(40) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The journal files (not their -wal and -shm) in the data directory.
fn journals(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("data").join("lotwatch"))
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sqlite"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn has_records(p: &Path) -> bool {
    let Ok(c) =
        rusqlite::Connection::open_with_flags(p, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return false;
    };
    c.query_row("SELECT count(*) FROM messages", [], |r| r.get::<_, i64>(0))
        .is_ok_and(|n| n > 0)
}

#[test]
fn info_names_the_file_watch_opens_one_per_platform() {
    let dir = scratch("per-platform");
    let a = Server::start(&["--speed", "30"]);
    let b = Server::start(&["--speed", "30"]);
    let line = info_journal(&dir, Some(&a.url));
    let port = a.url.rsplit(':').next().unwrap().trim_end_matches('/');
    assert!(
        line.contains(&format!("named after api:127.0.0.1:{port}")),
        "{line}"
    );
    let path_a = path_of(&line);
    assert!(
        path_a.starts_with(dir.join("data").join("lotwatch")),
        "{line}"
    );
    assert!(
        path_a
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&format!("api_127.0.0.1_{port}-")),
        "{line}"
    );
    watch_until(&dir, &a.url, &[], || has_records(&path_a));
    assert!(
        has_records(&path_a),
        "watch did not journal into {}",
        path_a.display()
    );
    assert_eq!(journals(&dir).len(), 1, "{:?}", journals(&dir));
    // Another platform (the same simulated day): another file.
    let path_b = path_of(&info_journal(&dir, Some(&b.url)));
    assert_ne!(path_a, path_b);
    watch_until(&dir, &b.url, &[], || has_records(&path_b));
    assert!(has_records(&path_b));
    assert_eq!(journals(&dir).len(), 2, "{:?}", journals(&dir));
    // The demo day has none.
    let demo = info_journal(&dir, None);
    assert!(demo.starts_with("none for the demo day"), "{demo}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_earlier_auction_named_journal_is_resumed_while_it_is_the_only_one() {
    let dir = scratch("resume");
    let s = Server::start(&["--speed", "30"]);
    // What an earlier lotwatch wrote: the file named after the auction.
    let old = dir
        .join("data")
        .join("lotwatch")
        .join("kz-subsoil-2025-06.sqlite");
    let old_s = old.to_str().unwrap().to_string();
    watch_until(&dir, &s.url, &["--journal", &old_s], || has_records(&old));
    assert!(has_records(&old));
    let count = |p: &Path| {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("SELECT count(*) FROM messages", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    let before = count(&old);
    let new = path_of(&info_journal(&dir, Some(&s.url)));
    let log = dir.join("watch.log");
    watch_until(&dir, &s.url, &[], || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("resuming the journal"))
            && count(&old) > before
    });
    assert!(count(&old) > before, "the old journal was not resumed");
    assert!(
        !new.exists(),
        "{} was created beside the old one",
        new.display()
    );
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains(&format!("resuming the journal {old_s}"))
            && log.contains(&new.display().to_string()),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_monitor_opens_the_file_info_names() {
    use crate::support::tmux::Tmux;
    let dir = scratch("monitor");
    let s = Server::start(&["--speed", "30"]);
    let path = path_of(&info_journal(&dir, Some(&s.url)));
    let cmd = [
        "env".to_string(),
        format!("XDG_DATA_HOME={}", dir.join("data").display()),
        format!("XDG_STATE_HOME={}", dir.join("state").display()),
        "LOTWATCH_CONFIG=/dev/null".to_string(),
        format!("LOTWATCH_URL={}", s.url),
        BIN.to_string(),
    ];
    let t = Tmux::start("names-monitor", 120, 40, &cmd);
    t.wait_for("the platform's lots", Duration::from_secs(40), |s| {
        s.contains("LIVE")
    });
    let start = Instant::now();
    while !has_records(&path) && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(20)), 0);
    assert!(
        has_records(&path),
        "the monitor did not journal into {}",
        path.display()
    );
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(journals(&dir), [name]);
    let _ = std::fs::remove_dir_all(dir);
}
