//! The command line as a new user meets it (issue 28): options mean what
//! they say or are refused, pipes close quietly, every error says what to
//! do, and the exit codes follow one rule.

use crate::support::server::BIN;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
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
        (&["--lang", "ru", "replay", "--journal", "x.sqlite"][..], "--lang"),
        (&["--no-journal", "snapshot"][..], "--no-journal"),
    ] {
        let o = run(args);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("cannot be used with"), "{args:?}: {e}");
        assert!(e.contains(&format!("give {option} after")), "{args:?}: {e}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}
