//! The command line as a new user meets it (issue 28): options mean what
//! they say or are refused, pipes close quietly, every error says what to
//! do, and the exit codes follow one rule.

use crate::support::server::BIN;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    crate::support::server::lotwatch()
        .args(args)
        .env("LOTWATCH_CONFIG", "/dev/null")
        .env_remove("LOTWATCH_LANG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn monitor_options_before_a_subcommand_are_refused_saying_where_they_go() {
    for (args, option) in [
        (
            &["--url", "http://127.0.0.1:1", "watch", "--format", "status"][..],
            "--url",
        ),
        (&["--config", "/nonexistent.toml", "watch"][..], "--config"),
        (&["--me", "P-07", "watch"][..], "--me"),
        (&["--no-journal", "snapshot"][..], "--no-journal"),
    ] {
        let o = run(args);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("cannot be used with"), "{args:?}: {e}");
        assert!(e.contains(&format!("give {option} after")), "{args:?}: {e}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // `--lang ru` is refused there too, in Russian (tests/it/cli_lang.rs).
    let o = run(&["--lang", "ru", "replay", "--journal", "x.sqlite"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("нельзя использовать вместе с"), "{e}");
    assert!(e.contains("укажите --lang после `replay`"), "{e}");
}

/// `BIN args | reader` in bash: the writer's exit status and stderr. The
/// writer starts after the reader has gone when `late`, so the pipe is
/// surely closed.
fn into_pipe(args: &str, reader: &str, late: bool) -> (String, String) {
    let delay = if late { "sleep 0.3; " } else { "" };
    let script =
        format!("({delay}exec {BIN} {args}) | {reader} >/dev/null; echo ${{PIPESTATUS[0]}}");
    let o = Command::new("bash")
        .args(["-c", &script])
        .env("LOTWATCH_CONFIG", "/dev/null")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stdout).trim().to_string(),
        err(&o),
    )
}

#[test]
fn completions_and_man_into_a_closed_pipe_exit_zero_quietly() {
    for args in ["completions fish", "completions bash", "man", "man serve"] {
        for (reader, late) in [("head -1", false), ("true", true)] {
            let (status, stderr) = into_pipe(args, reader, late);
            assert_eq!(status, "0", "{args} | {reader}: {stderr}");
            assert!(stderr.is_empty(), "{args} | {reader}: {stderr}");
        }
    }
}

#[test]
fn every_page_the_man_page_names_is_provided() {
    let main = String::from_utf8(run(&["man"]).stdout).unwrap();
    let named: Vec<&str> = main
        .split("lotwatch\\-")
        .skip(1)
        .filter_map(|s| s.split_once("(1)").map(|(n, _)| n))
        .filter(|n| n.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert!(named.len() >= 10, "{named:?}");
    for n in &named {
        let o = run(&["man", n]);
        let page = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "man {n}: {}", err(&o));
        assert!(
            page.contains(&format!(".TH lotwatch-{n} 1")),
            "man {n}: {page}"
        );
    }
    let dir = crate::support::journal_day::temp_dir("man-pages");
    let o = run(&["man", "--out-dir", &dir.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    for n in named
        .iter()
        .map(|n| format!("lotwatch-{n}.1"))
        .chain(["lotwatch.1".into()])
    {
        assert!(dir.join(&n).is_file(), "{n} not written");
    }
    let o = run(&["man", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("give one of serve"), "{}", err(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn errors_say_what_to_do_and_exit_by_the_one_rule() {
    let dir = crate::support::journal_day::temp_dir("first-use-errors");
    let log = dir.join("l.log");
    let log = log.to_string_lossy();
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a journal, just some words of text\n".repeat(20)).unwrap();
    let text = text.to_string_lossy();
    let d = dir.to_string_lossy();
    // (arguments, exit code, what the message must say)
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        // Configuration errors exit 2 everywhere.
        (
            vec!["--rates", "fixed", "--log-file", &log],
            2,
            "--rate CUR=RATE",
        ),
        (
            vec!["--rate", "USD=abc", "--log-file", &log],
            2,
            "like 519.53",
        ),
        (
            vec!["--url", "127.0.0.1:8081", "--log-file", &log],
            2,
            "write http://127.0.0.1:8081",
        ),
        (
            vec!["--url", "localhost:8081", "--log-file", &log],
            2,
            "write http://localhost:8081",
        ),
        (vec!["--poll", "10"], 2, "give 250 or more"),
        (vec!["watch", "--poll", "10"], 2, "give 250 or more"),
        // Missing or damaged input exits 3, with advice for a reader.
        (vec!["export", "--journal", &text], 3, "check the path"),
        (vec!["protocol", "--journal", &text], 3, "check the path"),
        (vec!["replay", "--journal", &text], 3, "check the path"),
        (
            vec!["export", "--journal", &d],
            3,
            "is a directory, not a journal file",
        ),
        (
            vec!["replay", "--journal", "/dev/null"],
            3,
            "a device or a pipe, not a journal file",
        ),
    ];
    for (args, code, says) in cases {
        let o = run(&args);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {e}");
        assert!(e.contains(says), "{args:?}: {e}");
        assert!(
            !e.contains("--no-journal"),
            "reader advice for {args:?}: {e}"
        );
        assert!(!e.contains("18446744073709551615"), "{args:?}: {e}");
        // The path once, not twice.
        if let Some(p) = args.iter().find(|a| a.starts_with('/')) {
            assert!(e.matches(*p).count() <= 1, "{args:?}: {e}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
