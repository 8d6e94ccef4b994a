//! The journal's side of its health (`domain::journal_health`): which
//! SQLite failures are the disk's or the file's (the record waits and is
//! tried again) rather than the record's own.

pub use crate::domain::journal_health::{JournalCause, JournalFailure, JournalHealth};

/// The cause of a failed transaction when it is the file's or the
/// disk's (the record waits and is tried again); None when the record
/// itself is at fault (it is tried a few times, then given up).
pub fn cause_of_sqlite(e: &rusqlite::Error) -> Option<JournalCause> {
    use rusqlite::ErrorCode as C;
    let code = e.sqlite_error_code()?;
    Some(match code {
        C::DiskFull => JournalCause::DiskFull,
        C::ReadOnly | C::PermissionDenied => JournalCause::ReadOnly,
        C::SystemIoFailure
        | C::CannotOpen
        | C::DatabaseBusy
        | C::DatabaseLocked
        | C::DatabaseCorrupt
        | C::NotADatabase
        | C::OutOfMemory
        | C::FileLockingProtocolFailed => {
            JournalCause::Io(crate::platform::sanitize::clean(&e.to_string(), 120))
        }
        _ => return None,
    })
}
