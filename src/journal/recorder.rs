//! The recorder: takes the sync engine's messages (a copy of what the app
//! gets) and the app's anomalies, and hands them to the journal's writer in
//! the order the journal needs. While the engine fills the journal's gap
//! (`Backfill`), the snapshot that starts it is kept back until the missed
//! events are written, so that its differences from the journal's view are
//! only the changes no event explained. A snapshot the app got before the
//! journal opened (`Backfill::Deferred`) is kept back with everything after
//! it until the gap before it is filled. It never talks to the platform.

use super::store::{Journal, Result};
use super::writer::{JournalRecord, JournalWriter, Receipt, WriterStatus};
use crate::sync::{Backfill, SyncMsg};

/// How long closing waits at most for the checkpoint (folding the WAL into
/// the file: a day's WAL of a few MB takes well under this).
const CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Records one auction's messages into its journal.
pub struct Recorder {
    writer: JournalWriter,
    /// Between `Backfill::Start` and its end.
    backfilling: bool,
    /// The snapshot kept back meanwhile.
    held: Option<(JournalRecord, Receipt)>,
    /// After `Backfill::Deferred` until its `End`: the records of the feed
    /// kept back (at most `MAX_DEFERRED`), written after the gap's events.
    deferred: Option<Vec<(JournalRecord, Receipt)>>,
}

/// Records kept back behind a deferred fill at most; past it they are
/// written as they come (out of order rather than lost).
const MAX_DEFERRED: usize = 100_000;

impl Journal {
    /// Starts the writer for `auction` and a recorder over it.
    pub fn recorder(&self, auction: &str) -> Result<Recorder> {
        Ok(Recorder {
            writer: self.writer(auction)?,
            backfilling: false,
            held: None,
            deferred: None,
        })
    }
}

impl Recorder {
    /// Queues what the journal keeps of a sync message.
    pub fn record(&mut self, msg: &SyncMsg, received: Receipt) -> Result<()> {
        if let Some(kept) = &mut self.deferred {
            match msg {
                SyncMsg::Backfill(Backfill::End) => {
                    self.release()?;
                    return self.release_deferred();
                }
                // The gap's own events go first.
                SyncMsg::Backfill(_) => {}
                _ if kept.len() < MAX_DEFERRED => {
                    if let Some(r) = JournalRecord::from_sync_msg(msg) {
                        kept.push((r, received));
                    }
                    return Ok(());
                }
                _ => {
                    tracing::warn!("the journal's gap is still being filled: writing out of order");
                    self.release_deferred()?;
                }
            }
        }
        match msg {
            SyncMsg::Backfill(Backfill::Deferred) => {
                self.release()?;
                self.deferred = Some(Vec::new());
                return Ok(());
            }
            SyncMsg::Backfill(Backfill::Start { .. }) => {
                self.release()?;
                self.backfilling = true;
                return Ok(());
            }
            SyncMsg::Backfill(Backfill::End) => return self.release(),
            SyncMsg::Snapshot { .. } if self.backfilling && self.held.is_none() => {
                if let Some(r) = JournalRecord::from_sync_msg(msg) {
                    self.held = Some((r, received));
                }
                return Ok(());
            }
            // Anything of the feed itself means the catch-up is over.
            SyncMsg::Snapshot { .. } | SyncMsg::Events(_) => self.release()?,
            _ => {}
        }
        match JournalRecord::from_sync_msg(msg) {
            Some(r) => self.writer.append(r, received),
            None => Ok(()),
        }
    }

    /// Queues a record the app made (an anomaly), in order with the messages.
    pub fn append(&mut self, record: JournalRecord, received: Receipt) -> Result<()> {
        match &mut self.deferred {
            Some(kept) if kept.len() < MAX_DEFERRED => {
                kept.push((record, received));
                Ok(())
            }
            _ => self.writer.append(record, received),
        }
    }

    /// Writes what a deferred fill kept back.
    fn release_deferred(&mut self) -> Result<()> {
        for (r, at) in self.deferred.take().unwrap_or_default() {
            self.writer.append(r, at)?;
        }
        Ok(())
    }

    pub fn status(&self) -> WriterStatus {
        self.writer.status()
    }

    /// The writer underneath (its health, its flush).
    pub fn writer(&self) -> &JournalWriter {
        &self.writer
    }

    /// Writes the snapshot kept back, if any, and ends the catch-up.
    fn release(&mut self) -> Result<()> {
        self.backfilling = false;
        match self.held.take() {
            Some((r, at)) => self.writer.append(r, at),
            None => Ok(()),
        }
    }

    /// Records everything queued, waits until it is on disk, and stops.
    pub async fn close(mut self) -> Result<WriterStatus> {
        self.release()?;
        self.release_deferred()?;
        let w = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            w.flush()?;
            w.checkpoint_within(CHECKPOINT_WAIT).map(|_| ())
        })
        .await
        .map_err(|e| super::store::JournalError::WriterGone(format!("flush: {e}")))??;
        Ok(self.writer.status())
    }

    /// Like `close`, but waits at most `limit` for the disk (a failing one
    /// would never let the user quit); what is not written by then is in
    /// the status returned (`unwritten_*`, `lost_*`).
    pub async fn close_within(mut self, limit: std::time::Duration) -> WriterStatus {
        let _ = self.release();
        let _ = self.release_deferred();
        let w = self.writer.clone();
        let flushed = tokio::task::spawn_blocking(move || {
            let start = std::time::Instant::now();
            let flushed = w.flush_within(limit)?;
            if flushed {
                // The checkpoint may take longer than the flush's limit (a
                // day's WAL): quitting waits for it a little longer, since
                // without it the file alone is not the whole journal.
                let left = limit.saturating_sub(start.elapsed()).max(CHECKPOINT_WAIT);
                if !w.checkpoint_within(left)? {
                    tracing::warn!("journal: the checkpoint did not end before quitting; keep the -wal file beside the journal");
                }
            }
            Ok::<bool, super::store::JournalError>(flushed)
        })
        .await;
        if !matches!(flushed, Ok(Ok(true))) {
            tracing::warn!("journal: not everything was written before quitting");
        }
        self.writer.status()
    }
}
