//! `--on-alert`: the command gets hostile server text as plain arguments
//! (no shell ever sees it), runs bounded and is killed after its timeout.

#![cfg(unix)]

use lotwatch::app::alerts::{Alert, AlertKind};
use lotwatch::shell::alert_cmd::{AlertCommand, MAX_RUNNING};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-alert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A script that writes each of its arguments after the first, NUL-ended,
/// to the file named by the first.
fn argv_script(dir: &Path) -> PathBuf {
    let p = dir.join("argv.sh");
    std::fs::write(
        &p,
        "#!/bin/sh\nout=\"$1\"\nshift\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$out\"\n",
    )
    .expect("script");
    p
}

fn quote(p: &Path) -> String {
    shlex::try_quote(&p.to_string_lossy())
        .expect("quotable")
        .into_owned()
}

#[tokio::test]
async fn hostile_text_arrives_as_plain_arguments() {
    let dir = temp_dir("argv");
    let script = argv_script(&dir);
    let out = dir.join("args");
    let pwned = dir.join("PWNED");
    let name = format!(
        "Сарлы\"; rm -rf {d}; touch {p} #' $(touch {p}) `touch {p}` && echo 哈",
        d = dir.display(),
        p = pwned.display()
    );
    let alert = Alert::new(AlertKind::Outbid, None, format!("{name}: outbid by P-02"));
    let alert = Alert {
        lot_id: "4011'02; id".into(),
        lot_number: "$(whoami)".into(),
        ..alert
    };
    let cmd =
        AlertCommand::parse(&format!("sh {} {}", quote(&script), quote(&out))).expect("command");
    cmd.spawn(&alert)
        .expect("a free slot")
        .await
        .expect("runner task");
    let got = std::fs::read(&out).expect("the script ran");
    let args: Vec<String> = got
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8(s.to_vec()).expect("utf-8"))
        .collect();
    assert_eq!(
        args,
        vec![
            "outbid".to_string(),
            "4011'02; id".to_string(),
            "$(whoami)".to_string(),
            format!("{name}: outbid by P-02"),
        ]
    );
    assert!(!pwned.exists(), "a shell interpreted the alert text");
    assert!(script.exists(), "rm -rf ran");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bounded_and_killed_after_the_timeout() {
    // The alert's own arguments become $1.. of the inline script, unused.
    let cmd = AlertCommand::parse("sh -c 'sleep 30' sh")
        .expect("command")
        .with_timeout(Duration::from_millis(200));
    let alert = Alert::new(AlertKind::Notice, None, "x".into());
    let started = Instant::now();
    let handles: Vec<_> = (0..MAX_RUNNING)
        .map(|_| cmd.spawn(&alert).expect("a slot"))
        .collect();
    assert!(
        cmd.spawn(&alert).is_none(),
        "more than {MAX_RUNNING} at once"
    );
    for h in handles {
        h.await.expect("runner task");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "did not run: {:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "not killed: {:?}",
        started.elapsed()
    );
    // Slots are free again.
    assert!(cmd.spawn(&alert).is_some());
}
