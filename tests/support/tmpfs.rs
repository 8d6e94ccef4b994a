//! A small tmpfs the test mounts itself (as root; a test skips with a
//! message otherwise), to fill its disk under a running journal.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Tmpfs {
    pub dir: PathBuf,
    filler: PathBuf,
}

impl Tmpfs {
    /// A tmpfs of `size_kib` at a fresh directory, or None (with a line on
    /// stderr saying why the test is skipped).
    pub fn mount(name: &str, size_kib: u64) -> Option<Tmpfs> {
        // /proc/self belongs to the process's effective user.
        let root = {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
        };
        if !root {
            eprintln!("skipped: mounting a tmpfs needs root (the test fills a small file system)");
            return None;
        }
        let dir =
            std::env::temp_dir().join(format!("lotwatch-tmpfs-{name}-{}", std::process::id()));
        let _ = Command::new("umount").arg("-l").arg(&dir).output();
        std::fs::create_dir_all(&dir).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(&dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs {
                filler: dir.join("filler"),
                dir,
            }),
            Ok(o) => {
                eprintln!(
                    "skipped: cannot mount a tmpfs: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped: cannot run mount: {e}");
                None
            }
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Fills the file system to the last byte.
    pub fn fill(&self) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.filler)
            .expect("filler");
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let mut byte = [0u8; 1];
        while f.write_all(&byte).is_ok() {
            byte[0] = 0;
        }
        let _ = f.sync_all();
    }

    /// Gives the space back.
    pub fn unfill(&self) {
        let _ = std::fs::remove_file(&self.filler);
    }

    pub fn is_full(&self) -> bool {
        exists(&self.filler)
    }
}

fn exists(p: &Path) -> bool {
    p.exists()
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
