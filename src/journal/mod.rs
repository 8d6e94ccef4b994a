//! The journal: every event lotwatch observes, appended to one SQLite file per
//! auction (append-only, exactly once per seq, the feed cursor in the same
//! transaction, a hash chain over every row), or to a journal in PostgreSQL
//! shared by several monitors (`pg`: the same promises, a platform chain in
//! seq order and a chain per monitor), and read back by export, replay, the
//! protocol, `verify` and the follower (`follow`, for `--follow`).
//!
//! For the terminal loop:
//!
//! ```no_run
//! # fn demo(msg: &lotwatch::sync::SyncMsg) -> Result<(), lotwatch::journal::JournalError> {
//! use lotwatch::journal::{Journal, Receipt, default_path};
//! let path = default_path("kz-subsoil-2025-06").expect("a data directory");
//! let journal = Journal::open(&path)?;            // integrity check, schema
//! let resume_after = journal.cursor("kz-subsoil-2025-06")?; // feed from here
//! let writer = journal.writer("kz-subsoil-2025-06")?;       // own thread
//! writer.record_sync_msg(msg, Receipt::now(None))?;          // for each message
//! writer.flush()?;                                           // before exit
//! # let _ = resume_after; Ok(()) }
//! ```

pub mod chain;
pub mod codec;
pub mod export;
pub mod follow;
pub mod health;
pub mod pending;
pub mod pg;
pub mod private_file;
pub mod record;
pub mod recorder;
pub mod replay;
pub mod schema;
mod sqlite_sink;
pub mod store;
pub mod target;
pub mod verify;
mod view;
pub mod writer;

pub use health::{JournalCause, JournalFailure, JournalHealth};
pub use pending::WriterOptions;
pub use recorder::Recorder;
pub use replay::{Replay, ReplayItem};
pub use store::{
    Journal, JournalError, StoredAnomaly, StoredEvent, StoredMessage, default_path, file_stem,
};
pub use writer::{JournalRecord, JournalWriter, Receipt, WriterStatus};

static MONITOR_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Names this process's monitor for the shared journal (`--name`); once, at
/// start. Its own records (receipts, anomalies, alerts) carry it.
pub fn set_monitor_name(name: &str) {
    let _ = MONITOR_NAME.set(pg::clean_name(name));
}

/// This process's monitor name: `--name`, or `user@host`.
pub fn monitor_name() -> String {
    MONITOR_NAME
        .get()
        .cloned()
        .unwrap_or_else(pg::default_monitor_name)
}
