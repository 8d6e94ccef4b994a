//! The SMTP and HTTP receivers of `alert_sinks.py` (Debian's python3 with
//! python3-aiosmtpd), started on a port and read back: what the alert
//! delivery tests send mail and webhooks to.
#![allow(dead_code)]

use super::process::Killed;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const SINKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/alert_sinks.py");

/// Debian's python (with python3-aiosmtpd) before any other on the PATH.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// An SMTP or HTTP receiver writing each message to `dir`.
pub fn sink(kind: &str, dir: &Path, port: u16) -> Killed {
    sink_on(kind, dir, port, "127.0.0.1")
}

pub fn sink_on(kind: &str, dir: &Path, port: u16, host: &str) -> Killed {
    std::fs::create_dir_all(dir).unwrap();
    let mut child = Command::new(python())
        .args([SINKS, kind, &dir.to_string_lossy(), &port.to_string(), host])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 runs the alert sinks");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the {kind} sink did not start (is python3-aiosmtpd installed?)"
    );
    Killed(child)
}

/// What a sink received, oldest first: (arrival, message).
pub fn received(dir: &Path) -> Vec<(f64, Value)> {
    let mut v: Vec<(f64, Value)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter_map(|t| serde_json::from_str::<Value>(&t).ok())
                .map(|j| (j["received_at"].as_f64().unwrap_or(0.0), j))
                .collect()
        })
        .unwrap_or_default();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}
