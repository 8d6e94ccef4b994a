//! Files only their owner may read: the journal (SQLite gives its `-wal`
//! and `-shm` the main file's mode), the log and every `--out` file are
//! created 0600 whatever the umask, for they name the lots a bidder was
//! outbid on and what the platform said. A file that already exists keeps
//! its mode (the user may have shared it on purpose).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// The mode of a file lotwatch creates.
pub const MODE: u32 = 0o600;

/// Opens `path` for writing (appending, or truncated), creating it 0600
/// when it is missing.
pub fn open(path: &Path, append: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true);
    if append {
        o.append(true);
    } else {
        o.truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(MODE);
    }
    match o.clone().create_new(true).open(path) {
        Ok(f) => {
            // The umask may have taken the owner's own bits.
            set_private(&f)?;
            Ok(f)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => o.open(path),
        Err(e) => Err(e),
    }
}

/// Creates `path` empty and 0600 when it is missing (before SQLite opens
/// it, so that its `-wal` and `-shm` are 0600 too).
pub fn ensure(path: &Path) -> io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    open(path, true).map(drop)
}

#[cfg(unix)]
fn set_private(f: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(MODE))
}

#[cfg(not(unix))]
fn set_private(_: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn created_private_existing_kept() {
        let dir = std::env::temp_dir().join(format!("lotwatch-private-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join("new.log");
        drop(open(&p, true).expect("created"));
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&p), 0o600);
        let shared = dir.join("shared.txt");
        std::fs::write(&shared, "x").expect("write");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        drop(open(&shared, false).expect("opened"));
        assert_eq!(mode(&shared), 0o640);
        let _ = std::fs::remove_dir_all(dir);
    }
}
