//! Child processes for the tests: whether a program is installed, a child
//! killed when dropped, a fresh scratch folder, and polling an HTTP endpoint
//! until it answers as expected.
#![allow(dead_code)]

use super::http;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether `program --version` runs and succeeds.
pub fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// An empty folder `lotwatch-{prefix}-{name}-{pid}` in the temp dir.
pub fn scratch_dir(prefix: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-{prefix}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A child process killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `url` until `ok` accepts the body (or panics after `within`).
pub fn poll(url: &str, within: Duration, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + within;
    loop {
        if let Ok((200, body)) = http::get(url)
            && ok(&body)
        {
            return body;
        }
        assert!(Instant::now() < deadline, "{url} not ready in {within:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
