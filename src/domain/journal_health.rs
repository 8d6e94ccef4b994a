//! How the journal's writing stands, for the header and the quit message:
//! whether it is failing and why (`JournalCause`), since when, and what is at
//! stake (records waiting in memory, records lost past the bound). The
//! journal's writer publishes it; the shell hands it to the app, which holds
//! it in its model as it holds the link state.

use super::time::Timestamp;
use std::fmt;

/// Why the journal cannot write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JournalCause {
    /// No space left on its file system.
    DiskFull,
    /// The file (or its file system) was made read-only.
    ReadOnly,
    /// The file was deleted or replaced under the running monitor.
    Deleted,
    /// Another I/O failure, as SQLite or the system named it.
    Io(String),
}

impl fmt::Display for JournalCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalCause::DiskFull => f.write_str("disk full"),
            JournalCause::ReadOnly => f.write_str("file read-only"),
            JournalCause::Deleted => f.write_str("file deleted"),
            JournalCause::Io(m) => write!(f, "I/O error: {m}"),
        }
    }
}

/// A failure under way: its cause and when it started (the server's time
/// estimate of the first record that could not be written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalFailure {
    pub cause: JournalCause,
    pub since: Timestamp,
}

/// What the header shows of the journal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalHealth {
    pub failing: Option<JournalFailure>,
    /// While failing: records waiting in memory, and the feed events in them.
    pub unwritten_records: u64,
    pub unwritten_events: u64,
    /// Records dropped because the memory bound was reached, and their events.
    pub lost_records: u64,
    pub lost_events: u64,
    /// The journal is not open yet: its database is being reached (the
    /// lots show meanwhile; what arrives waits in memory).
    pub connecting: bool,
    /// The shared journal's database is reached in plain text over the
    /// network (not loopback): shown the whole time, as `--insecure` is.
    pub unencrypted: bool,
}

impl JournalHealth {
    /// Events not in the journal: waiting and lost.
    pub fn events_at_stake(&self) -> u64 {
        self.unwritten_events + self.lost_events
    }

    /// Records not in the journal: waiting and lost.
    pub fn records_at_stake(&self) -> u64 {
        self.unwritten_records + self.lost_records
    }
}
