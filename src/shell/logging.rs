//! Logging to a file, never to the screen: the terminal belongs to the UI.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where logs go when `--log-file` is not given: the user's state directory
/// (`~/.local/state/lotwatch/lotwatch.log` on Linux), else the temp directory.
pub fn default_log_path() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("lotwatch")
        .join("lotwatch.log")
}

/// The log file (`dir`: its directory) cannot be created or opened.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot {} {}: {io} (choose another with --log-file)",
    if *dir { "create the log directory" } else { "open the log file" },
    path.display()
)]
pub struct LogFileError {
    pub path: PathBuf,
    pub dir: bool,
    pub io: std::io::Error,
}

/// Sends `tracing` output to `path` (appending). Level from `LOTWATCH_LOG`
/// (error, warn, info, debug, trace; default info).
pub fn init(path: &Path) -> anyhow::Result<()> {
    let level = std::env::var("LOTWATCH_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    init_at(path, level)
}

/// `init` at `level`.
pub(super) fn init_at(path: &Path, level: tracing::Level) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|io| LogFileError {
            path: dir.to_path_buf(),
            dir: true,
            io,
        })?;
    }
    // 0600 when created: the log names the lots you were outbid on.
    let file: File = crate::journal::private_file::open(path, true).map_err(|io| LogFileError {
        path: path.to_path_buf(),
        dir: false,
        io,
    })?;
    // A second init (tests, replay after live) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(Scrubbed(file)))
        .with_ansi(false)
        .with_max_level(level)
        .try_init();
    Ok(())
}

/// The log file, with every registered secret (`shell::secrets`) replaced
/// by `***` on its way in: a message that quotes a URL or a server's words
/// cannot put a password in the log.
struct Scrubbed(File);

impl Write for Scrubbed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = crate::shell::secrets::scrub(&text);
        self.0.write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
