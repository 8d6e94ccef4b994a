//! Logging to a file, never to the screen: the terminal belongs to the UI.

use std::fs::{File, OpenOptions};
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

/// Sends `tracing` output to `path` (appending). Level from `LOTWATCH_LOG`
/// (error, warn, info, debug, trace; default info).
pub fn init(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the log directory {}: {e} (choose another with --log-file)",
                dir.display()
            )
        })?;
    }
    let file: File = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot open the log file {}: {e} (choose another with --log-file)",
                path.display()
            )
        })?;
    let level = std::env::var("LOTWATCH_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    // A second init (tests, replay after live) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_max_level(level)
        .try_init();
    Ok(())
}
