//! `lotwatch serve` as a child process on a free loopback port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_lotwatch");

/// The real binary, in English whatever the machine's locale or
/// `LOTWATCH_LANG` (a test wanting another language passes `--lang`, or sets
/// its own environment after this), and with its default journals and logs
/// in a folder of this test run rather than the user's home.
pub fn lotwatch() -> Command {
    let home = std::env::temp_dir().join(format!("lotwatch-tests-home-{}", std::process::id()));
    let mut c = Command::new(BIN);
    c.env("LOTWATCH_LANG", "en")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"));
    c
}

/// `lotwatch serve` on a free loopback port; killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(extra: &[&str]) -> Server {
        let mut child = lotwatch()
            .args(["serve", "--addr", "127.0.0.1:0", "--seed", "7"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lotwatch serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the serve banner");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in the serve banner: {line:?}"))
            .to_string();
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
