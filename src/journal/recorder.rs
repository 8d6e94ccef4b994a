//! The recorder: an async task that takes the sync engine's messages (a copy
//! of what the app gets) and hands them to the journal's writer, reading the
//! feed's missed events before each snapshot that jumps past the journal's
//! cursor (after a restart or a feed gap), so nothing is lost.

use super::gap::fill_gap;
use super::store::{Journal, JournalError, Result};
use super::writer::{JournalRecord, JournalWriter, Receipt, WriterStatus};
use crate::platform::Client;
use crate::sync::SyncMsg;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Messages waiting for the recorder task, at most.
pub const RECORDER_QUEUE: usize = 256;

/// What the recorder task takes: a sync message, or a record the app made
/// (an anomaly).
enum Item {
    Msg(SyncMsg),
    Record(JournalRecord),
}

/// Handle to a running recorder.
pub struct Recorder {
    tx: mpsc::Sender<(Item, Receipt)>,
    writer: JournalWriter,
    task: JoinHandle<()>,
}

impl Journal {
    /// Starts a recorder for `auction` on the current tokio runtime. With a
    /// `client`, the gap before a snapshot is filled from the feed (from the
    /// journal's cursor, or from the start for a new journal).
    pub fn recorder(&self, auction: &str, client: Option<Client>) -> Result<Recorder> {
        let writer = self.writer(auction)?;
        let recorded = self.cursor(auction)?.unwrap_or(0);
        let (tx, rx) = mpsc::channel(RECORDER_QUEUE);
        let task = tokio::spawn(run(rx, writer.clone(), client, recorded));
        Ok(Recorder { tx, writer, task })
    }
}

impl Recorder {
    /// Queues a message; waits while the queue is full (back-pressure).
    pub async fn record(&self, msg: SyncMsg, received: Receipt) -> Result<()> {
        self.tx
            .send((Item::Msg(msg), received))
            .await
            .map_err(|_| self.gone())
    }

    /// Queues a record the app made (an anomaly), in order with the
    /// messages; waits while the queue is full.
    pub async fn append(&self, record: JournalRecord, received: Receipt) -> Result<()> {
        self.tx
            .send((Item::Record(record), received))
            .await
            .map_err(|_| self.gone())
    }

    pub fn status(&self) -> WriterStatus {
        self.writer.status()
    }

    /// Records everything queued, waits until it is on disk, and stops.
    pub async fn close(self) -> Result<WriterStatus> {
        let Recorder { tx, writer, task } = self;
        drop(tx);
        task.await
            .map_err(|e| JournalError::WriterGone(format!("the recorder task failed: {e}")))?;
        let w = writer.clone();
        tokio::task::spawn_blocking(move || w.flush())
            .await
            .map_err(|e| JournalError::WriterGone(format!("flush: {e}")))??;
        Ok(writer.status())
    }

    fn gone(&self) -> JournalError {
        JournalError::WriterGone("the recorder task has stopped".into())
    }
}

fn seq_of(msg: &SyncMsg) -> Option<u64> {
    match msg {
        SyncMsg::Snapshot { seq, .. } => Some(*seq),
        SyncMsg::Events(ev) => ev.iter().map(|e| e.seq).max(),
        _ => None,
    }
}

async fn append(writer: &JournalWriter, record: JournalRecord, r: Receipt) -> bool {
    let w = writer.clone();
    // The writer's queue blocks when full: wait for it off the async threads.
    match tokio::task::spawn_blocking(move || w.append(record, r)).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::error!("journal: {e}");
            false
        }
        Err(e) => {
            tracing::error!("journal: the append task failed: {e}");
            false
        }
    }
}

async fn run(
    mut rx: mpsc::Receiver<(Item, Receipt)>,
    writer: JournalWriter,
    client: Option<Client>,
    mut recorded: u64,
) {
    while let Some((item, r)) = rx.recv().await {
        let msg = match item {
            Item::Record(record) => {
                if !append(&writer, record, r).await {
                    return;
                }
                continue;
            }
            Item::Msg(m) => m,
        };
        if let (SyncMsg::Snapshot { seq, .. }, Some(c)) = (&msg, &client)
            && recorded < *seq
        {
            let record = match fill_gap(c, recorded, *seq).await {
                Ok(events) => JournalRecord::Events(events),
                Err(e) => {
                    tracing::warn!(
                        after = recorded,
                        until = seq,
                        "journal: gap not filled: {e}"
                    );
                    JournalRecord::Anomaly {
                        lot_id: None,
                        server_at: r.server_est,
                        kind: "journal_gap".into(),
                        evidence: format!(
                            "events {}..={} not read from the feed: {e}",
                            recorded + 1,
                            seq
                        ),
                    }
                }
            };
            if !append(&writer, record, r).await {
                return;
            }
        }
        recorded = recorded.max(seq_of(&msg).unwrap_or(0));
        if let Some(record) = JournalRecord::from_sync_msg(&msg)
            && !append(&writer, record, r).await
        {
            return;
        }
    }
}
