//! The README's "try it" recipes, run word for word: the lines are read out
//! of README.md, so a recipe that stops working (or a README edited away
//! from what works) fails here. The demo's `watch` examples run in bash
//! against the embedded simulator; the offline site recipe runs in tmux
//! (`serve --site sauda` in the background, the monitor on its pages).

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::server::BIN;
use support::tmux::Tmux;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The indented code block that follows `marker` in the README, one
/// command per line.
fn block_after(marker: &str) -> Vec<String> {
    let text = readme();
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("README lost {marker:?}"));
    text[at..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with("    "))
        .take_while(|l| l.starts_with("    "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// A scratch directory that also holds the data and state directories, so
/// a recipe's default journal and log land there.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-readme-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn bin_dir() -> String {
    Path::new(BIN)
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Runs one README line in bash (PATH finds this build's `lotwatch`),
/// stopped by SIGINT (Ctrl-C) after `secs` if it runs on.
fn bash(dir: &Path, line: &str, secs: u32) -> (Option<i32>, String, String) {
    let o = Command::new("timeout")
        .args([
            "--preserve-status",
            "-s",
            "INT",
            &secs.to_string(),
            "bash",
            "-c",
            line,
        ])
        .current_dir(dir)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("LOTWATCH_CONFIG", "/dev/null")
        .env("LOTWATCH_LANG", "en")
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_watch_examples_work_as_written_against_the_demo() {
    let lines = block_after("Examples (each works as written against the demo");
    assert_eq!(lines.len(), 5, "{lines:?}");
    let dir = scratch("watch");
    // lotwatch watch | head -3
    let (code, out, err) = bash(&dir, &lines[0], 60);
    assert_eq!(code, Some(0), "{}: {err}", lines[0]);
    assert_eq!(out.lines().count(), 3, "{}: {out}", lines[0]);
    // lotwatch watch | jq -c 'select(.type == "bid") | {...}', on a
    // terminal as a user runs it (jq writes to a pipe in 8 KB blocks).
    let script = format!(
        "export PATH={}:$PATH XDG_DATA_HOME={d}/data XDG_STATE_HOME={d}/state LOTWATCH_CONFIG=/dev/null; cd {d}; {}",
        bin_dir(),
        lines[1],
        d = dir.display()
    );
    let cmd: Vec<String> = ["bash", "-c", &script]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let t = Tmux::start("readme-jq", 200, 20, &cmd);
    let screen = t.wait_for("a bid through jq", Duration::from_secs(40), |s| {
        s.contains(r#""amount_kzt":""#)
    });
    let first = screen.lines().find(|l| l.contains("amount_kzt")).unwrap();
    let v: serde_json::Value = serde_json::from_str(first.trim()).unwrap();
    assert!(v["lot_number"].is_string() && v["seq"].is_u64(), "{first}");
    t.keys(&["C-c"]);
    drop(t);
    // lotwatch watch --format status --me P-07
    let (_, out, err) = bash(&dir, &lines[2], 10);
    assert!(
        out.contains("● LIVE") && out.contains("▲"),
        "{}: {out}{err}",
        lines[2]
    );
    // the tsv, stopped with Ctrl-C, then awk over it
    let (code, _, err) = bash(&dir, &lines[3], 10);
    assert_eq!(
        code,
        Some(0),
        "{}: Ctrl-C ends watch with 0: {err}",
        lines[3]
    );
    let (code, out, err) = bash(&dir, &lines[4], 10);
    assert_eq!(code, Some(0), "{}: {err}", lines[4]);
    assert!(out.lines().count() > 0, "{}: no bid in open.tsv", lines[4]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_offline_site_recipe_works_as_written() {
    let lines = block_after("Try it offline against the simulator:");
    assert_eq!(
        lines,
        [
            "lotwatch serve --site sauda --speed 30 > serve.log 2>&1 &",
            "lotwatch --source sauda --url http://127.0.0.1:8080"
        ]
    );
    let port_free = std::net::TcpListener::bind("127.0.0.1:8080").is_ok();
    assert!(port_free, "the recipe needs 127.0.0.1:8080 free");
    let dir = scratch("site");
    // The user types the second line once the first has started.
    let script = format!(
        "export PATH={}:$PATH XDG_DATA_HOME={d}/data XDG_STATE_HOME={d}/state LOTWATCH_CONFIG=/dev/null; cd {d}; {} sleep 1; {}; s=$?; kill %1; exit $s",
        bin_dir(),
        lines[0],
        lines[1],
        d = dir.display()
    );
    let cmd: Vec<String> = ["bash", "-c", &script]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let t = Tmux::start("readme-site", 160, 45, &cmd);
    t.wait_for("the simulated site's lots", Duration::from_secs(40), |s| {
        s.contains("127.0.0.1:8080") && s.contains("list read") && s.contains("401102")
    });
    // Nothing alarming on an offline day: the rates come from the
    // simulator's National Bank feed, no fallback.
    let screen = t.wait_for("the rates", Duration::from_secs(20), |s| {
        s.contains("1 USD =")
    });
    assert!(!screen.to_lowercase().contains("fallback"), "{screen}");
    assert!(screen.contains("NBK"), "{screen}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(20)), 0);
    // Its journal is its own, named by the URL's host and port.
    let journals: Vec<String> = std::fs::read_dir(dir.join("data/lotwatch"))
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sqlite"))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        journals.iter().any(|n| n.contains("127.0.0.1_8080")),
        "{journals:?}"
    );
    assert!(
        !journals
            .iter()
            .any(|n| n.starts_with("site_sauda.e-qazyna.kz")),
        "{journals:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
