//! Issue 27.4: the journal (with its `-wal` and `-shm`), the log and the
//! `--out` file are created 0600 whatever the umask: the real binary runs
//! under `umask 000` (the hostile setting: everything world-writable), on
//! the demo day, journaled to a file the user names.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::server::BIN;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// `BIN args...` under `umask 000`.
fn under_umask_000(args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.args(["-c", "umask 000; exec \"$@\"", "sh", BIN])
        .args(args)
        .env_remove("LOTWATCH_TOKEN")
        .env_remove("LOTWATCH_JOURNAL")
        .env("LOTWATCH_CONFIG", "/dev/null")
        .stdin(Stdio::null());
    c
}

#[test]
fn journal_wal_shm_log_and_out_are_private_under_umask_000() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("lotwatch-private-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let journal = dir.join("day.sqlite");
    let log = dir.join("lotwatch.log");
    let (j, l) = (journal.to_string_lossy(), log.to_string_lossy());
    let mut child = under_umask_000(&["watch", "--journal", &j, "--log-file", &l])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    let wal = dir.join("day.sqlite-wal");
    let shm = dir.join("day.sqlite-shm");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(wal.exists() && shm.exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    // Checked while it runs: the -wal and -shm exist only then.
    let modes: Vec<(PathBuf, u32)> = [&journal, &wal, &shm, &log]
        .iter()
        .map(|p| (p.to_path_buf(), mode(p)))
        .collect();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    for (p, m) in &modes {
        assert_eq!(*m, 0o600, "{} is {m:o}", p.display());
    }
    // protocol --out, from that journal.
    let out = dir.join("protocol.md");
    let status = under_umask_000(&["protocol", "--journal", &j, "--out", &out.to_string_lossy()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("protocol");
    assert!(out.exists(), "protocol wrote nothing ({status})");
    assert_eq!(mode(&out), 0o600);
    let _ = std::fs::remove_dir_all(dir);
}
