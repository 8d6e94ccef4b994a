//! Drives a real `lotwatch` binary inside a private tmux server: start it in
//! a detached session of a fixed size, send keys, read the screen.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    session: String,
    pub dir: PathBuf,
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

impl Tmux {
    /// Starts `cmd` (argv) in a new detached session `width`x`height`. The
    /// command's exit status is written to `<dir>/status` when it ends.
    pub fn start(name: &str, width: u16, height: u16, cmd: &[String]) -> Tmux {
        assert!(
            tmux_available(),
            "tmux is required for the end-to-end tests (bash .ci/run installs it)"
        );
        let dir = std::env::temp_dir().join(format!("lotwatch-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let quoted: Vec<String> = cmd.iter().map(|a| shell_quote(a)).collect();
        let status = dir.join("status");
        let script = format!(
            "{}; echo $? > {}",
            quoted.join(" "),
            shell_quote(&status.to_string_lossy())
        );
        let t = Tmux {
            socket: format!("lotwatch-e2e-{name}-{}", std::process::id()),
            session: name.to_string(),
            dir,
        };
        let out = t.tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-e",
            "TERM=xterm-256color",
            // The screens checked are English whatever the machine's locale
            // (a test wanting another language passes --lang, which wins).
            "-e",
            "LOTWATCH_LANG=en",
            "sh",
            "-c",
            &script,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    /// Like `start`, but types the command into an interactive bash, which
    /// has job control: Ctrl-Z stops the program and `fg` resumes it, as for
    /// a user. Call `record_shell_status` once the program has ended.
    pub fn start_in_shell(name: &str, width: u16, height: u16, cmd: &[String]) -> Tmux {
        let shell = ["bash", "--norc", "--noprofile", "-i"].map(String::from);
        let t = Tmux::start(name, width, height, &shell);
        let quoted: Vec<String> = cmd.iter().map(|a| shell_quote(a)).collect();
        t.text(&quoted.join(" "));
        t.keys(&["Enter"]);
        t
    }

    /// Types `echo $? > status` into the shell: the status of the last
    /// command (or of the job `fg` brought back), for `wait_exit`.
    pub fn record_shell_status(&self) {
        let status = self.dir.join("status");
        self.text(&format!(
            "echo $? > {}",
            shell_quote(&status.to_string_lossy())
        ));
        self.keys(&["Enter"]);
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Appends every byte the program writes from now on to `file`, before
    /// tmux interprets it (escape sequences included).
    pub fn pipe_to(&self, file: &Path) {
        let cmd = format!("cat >> {}", shell_quote(&file.to_string_lossy()));
        let out = self.tmux(&["pipe-pane", "-o", "-t", &self.session, &cmd]);
        assert!(out.status.success(), "pipe-pane: {out:?}");
    }

    /// The visible screen as text.
    pub fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends tmux key names (`Tab`, `Escape`, `C-c`, `j`) or literal text with `-l`.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.session, "-l", text]);
    }

    /// A left click at the 0-based cell (`x`, `y`), as the terminal reports it
    /// to a program that turned on SGR mouse reporting: press, then release.
    pub fn click(&self, x: u16, y: u16) {
        let (c, r) = (x + 1, y + 1);
        self.text(&format!("\x1b[<0;{c};{r}M\x1b[<0;{c};{r}m"));
    }

    /// One wheel notch down (button 65) over the cell (`x`, `y`).
    pub fn wheel_down(&self, x: u16, y: u16) {
        self.text(&format!("\x1b[<65;{};{}M", x + 1, y + 1));
    }

    /// Whether the program in the pane has mouse reporting on (tmux's own
    /// record of the modes the program set).
    pub fn mouse_reporting(&self) -> bool {
        let out = self.tmux(&[
            "display-message",
            "-p",
            "-t",
            &self.session,
            "#{mouse_any_flag}",
        ]);
        match String::from_utf8_lossy(&out.stdout).trim() {
            "1" => true,
            "0" => false,
            other => panic!(
                "no mouse state from tmux ({other:?}: {})",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    /// Waits until `pred(screen)` holds, or panics with the last screen.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The exit status of the command once it has ended.
    pub fn wait_exit(&self, timeout: Duration) -> i32 {
        let start = Instant::now();
        let path = self.dir.join("status");
        loop {
            let code = std::fs::read_to_string(&path)
                .ok()
                .and_then(|s| s.trim().parse().ok());
            if let Some(code) = code {
                return code;
            }
            if start.elapsed() > timeout {
                panic!(
                    "the program did not exit within {timeout:?}; screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pid of the `lotwatch` process below the pane's shell.
    pub fn program_pid(&self) -> u32 {
        let out = self.tmux(&["display-message", "-p", "-t", &self.session, "#{pane_pid}"]);
        let pane: u32 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("pane pid");
        let mut todo = vec![pane];
        while let Some(pid) = todo.pop() {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim() == "lotwatch" {
                return pid;
            }
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            todo.extend(
                children
                    .split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
        panic!(
            "no lotwatch process below pane {pane}; screen:\n{}",
            self.screen()
        )
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
