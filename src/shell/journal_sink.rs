//! Where the live mode's sync messages are journaled: the journal opened
//! on a thread of its own when the auction is known, the messages that
//! wait meanwhile, the alerts it held, and what it could not write at the end.

use crate::app::App;
use crate::domain::Timestamp;
use crate::journal::{self, Journal, JournalRecord, Receipt, Recorder};
use crate::sync::{SyncCmd, SyncMsg};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// Where the sync messages are journaled. The journal records the auction
/// (and its file may be an earlier lotwatch's, named after it), so it opens
/// when the first `Auction` message arrives, on a
/// thread of its own (a database that never answers never holds the screen
/// up); messages meanwhile wait (bounded) and are written first. (`watch`
/// journals through it too.)
pub(crate) enum JournalSink {
    Off,
    Pending {
        path: Option<PathBuf>,
        /// The default journal's name when no `path` is given
        /// (`journal_name`; None: the auction's id).
        name: Option<crate::shell::journal_name::JournalName>,
        /// Where the journal's cursor goes once it is open.
        cmds: mpsc::Sender<SyncCmd>,
        waiting: Vec<SyncMsg>,
        /// Anomalies the app raised meanwhile (e.g. skew on the first sample).
        anomalies: Vec<JournalRecord>,
    },
    /// Being opened (`opening` brings the news).
    Opening {
        shown: String,
        cmds: mpsc::Sender<SyncCmd>,
        waiting: Vec<SyncMsg>,
        anomalies: Vec<JournalRecord>,
        /// Messages past `MAX_WAITING`, not kept, and the seqs of the
        /// feed's events among them.
        dropped: u64,
        dropped_seqs: Option<(u64, u64)>,
        updates: mpsc::UnboundedReceiver<OpenNews>,
        /// Since when the database is found unreachable, and why (short).
        failing: Option<(Timestamp, String)>,
    },
    On {
        recorder: Recorder,
        path: PathBuf,
        /// The alerts the journal held when it opened (read on the opening
        /// thread), until the courier takes them.
        alerts: Vec<(String, String)>,
    },
}

/// The journal, open.
pub(crate) struct Opened {
    recorder: Recorder,
    path: PathBuf,
    cursor: Option<u64>,
    alerts: Vec<(String, String)>,
}

/// What the thread that opens the journal says.
pub(crate) enum OpenNews {
    /// The database is not reachable now; it is tried again.
    Unreachable(String),
    Opened(Box<Opened>),
    /// It cannot be used (what to do is in the text).
    Failed(String),
}

/// How long quitting waits for the journal's disk at most, so that `q`
/// quits within a second even while the disk fails.
const JOURNAL_CLOSE_WAIT: Duration = Duration::from_millis(400);
/// Between two attempts to reach a journal database that did not answer.
const JOURNAL_OPEN_RETRY: Duration = Duration::from_secs(5);

/// Opens the journal at `path` for `auction` on a thread of its own, trying
/// an unreachable database again until the receiver is dropped.
fn open_in_background(path: PathBuf, auction: String) -> mpsc::UnboundedReceiver<OpenNews> {
    let (tx, rx) = mpsc::unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("journal-open".into())
        .spawn(move || {
            loop {
                let news = match open_journal(&path, &auction) {
                    Ok(news) => news,
                    Err((why, Some(short))) => {
                        tracing::warn!("{why}; trying again");
                        if tx.send(OpenNews::Unreachable(short)).is_err() {
                            return;
                        }
                        std::thread::sleep(JOURNAL_OPEN_RETRY);
                        if tx.is_closed() {
                            return;
                        }
                        continue;
                    }
                    Err((why, None)) => OpenNews::Failed(why),
                };
                let _ = tx.send(news);
                return;
            }
        });
    if let Err(e) = spawned {
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(OpenNews::Failed(format!("cannot start a thread: {e}")));
        return rx;
    }
    rx
}

/// Opens the journal and its recorder; Err says why, and, when trying
/// again later may help, why in a few words (for the badge).
fn open_journal(
    path: &std::path::Path,
    auction: &str,
) -> Result<OpenNews, (String, Option<String>)> {
    let journal = Journal::open(path).map_err(|e| {
        let again = match &e {
            journal::JournalError::Postgres(
                pg @ (journal::pg::PgError::Refused { .. } | journal::pg::PgError::Timeout { .. }),
            ) => Some(pg.short()),
            _ => None,
        };
        (
            format!("{e}; or give another --journal PATH, or --no-journal"),
            again,
        )
    })?;
    let path = journal.path().to_path_buf();
    tracing::info!("journal: {}", path.display());
    let cursor = journal.cursor(auction).map_err(|e| {
        (
            format!("cannot read the journal {}: {e}", path.display()),
            None,
        )
    })?;
    // Read here, off the screen's task: a database read may be slow.
    let alerts = crate::shell::deliver::journal_rows(&journal, auction).unwrap_or_else(|e| {
        tracing::warn!("alerts sent before this run could not be read: {e}");
        Vec::new()
    });
    let recorder = journal.recorder(auction).map_err(|e| {
        (
            format!("cannot start the journal {}: {e}", path.display()),
            None,
        )
    })?;
    Ok(OpenNews::Opened(Box::new(Opened {
        recorder,
        path,
        cursor,
        alerts,
    })))
}

/// The default journal for `auction_id`: `name`'s file (an earlier
/// lotwatch's `<auction-id>.sqlite` while only that exists, said in the
/// log), else the auction's.
fn default_path(
    name: Option<&crate::shell::journal_name::JournalName>,
    auction_id: &str,
) -> Option<PathBuf> {
    let Some(name) = name else {
        return journal::default_path(auction_id);
    };
    let chosen = name.for_auction(auction_id)?;
    if let Some(new) = &chosen.instead_of {
        tracing::info!(
            "resuming the journal {} that an earlier lotwatch named after the auction; \
             a new journal of this source would be {} (docs/journal.md)",
            chosen.path.display(),
            new.display()
        );
    }
    Some(chosen.path)
}

impl JournalSink {
    /// Messages kept while waiting for the auction's id and the journal.
    pub(crate) const MAX_WAITING: usize = 4096;

    pub(crate) async fn record(
        &mut self,
        msg: &SyncMsg,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        match self {
            JournalSink::Off => Ok(()),
            JournalSink::Pending {
                path,
                name,
                cmds,
                waiting,
                anomalies,
            } => {
                if waiting.len() < Self::MAX_WAITING {
                    waiting.push(msg.clone());
                }
                let SyncMsg::Auction(auction) = msg else {
                    return Ok(());
                };
                let path = match path
                    .take()
                    .or_else(|| default_path(name.as_ref(), &auction.id))
                {
                    Some(p) => p,
                    None => anyhow::bail!(
                        "no data directory for the journal: give --journal PATH or --no-journal"
                    ),
                };
                *self = JournalSink::Opening {
                    shown: journal::target::display(&path),
                    updates: open_in_background(path, auction.id.clone()),
                    cmds: cmds.clone(),
                    waiting: std::mem::take(waiting),
                    anomalies: std::mem::take(anomalies),
                    dropped: 0,
                    dropped_seqs: None,
                    failing: None,
                };
                Ok(())
            }
            JournalSink::Opening {
                waiting,
                dropped,
                dropped_seqs,
                ..
            } => {
                if waiting.len() < Self::MAX_WAITING {
                    waiting.push(msg.clone());
                } else {
                    *dropped += 1;
                    if let SyncMsg::Events(v) = msg
                        && let (Some(a), Some(b)) = (v.first(), v.last())
                    {
                        let (lo, hi) = dropped_seqs.unwrap_or((a.seq, b.seq));
                        *dropped_seqs = Some((lo.min(a.seq), hi.max(b.seq)));
                    }
                }
                Ok(())
            }
            JournalSink::On { recorder, .. } => {
                // Never waits for the disk: the writer holds what it cannot
                // write yet, and counts what does not fit.
                recorder
                    .record(msg, Receipt::now(server_now))
                    .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))
            }
        }
    }

    /// The next news of the journal being opened; never while it is not.
    pub(crate) async fn opening(&mut self) -> Option<OpenNews> {
        if let JournalSink::Opening { updates, .. } = self {
            return updates.recv().await;
        }
        std::future::pending().await
    }

    /// What the header shows of a journal not open yet (None once it is,
    /// or when there is none).
    pub(crate) fn opening_health(&self) -> Option<journal::JournalHealth> {
        match self {
            JournalSink::Opening {
                waiting,
                dropped,
                failing,
                ..
            } => {
                let events = |m: &SyncMsg| match m {
                    SyncMsg::Events(v) => v.len() as u64,
                    _ => 0,
                };
                let cause = failing.as_ref().map(|(since, why)| {
                    crate::domain::journal_health::JournalFailure {
                        cause: crate::domain::journal_health::JournalCause::Io(why.clone()),
                        since: *since,
                    }
                });
                Some(journal::JournalHealth {
                    connecting: true,
                    unwritten_records: waiting.len() as u64,
                    unwritten_events: waiting.iter().map(events).sum(),
                    lost_records: *dropped,
                    failing: cause,
                    ..Default::default()
                })
            }
            _ => None,
        }
    }

    /// Takes the news of the journal being opened: the journal is on (its
    /// cursor told to the engine, what waited written), or not reachable
    /// yet, or unusable (the error to quit with).
    pub(crate) async fn opened(
        &mut self,
        news: OpenNews,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        let JournalSink::Opening {
            cmds,
            waiting,
            anomalies,
            dropped,
            dropped_seqs,
            failing,
            ..
        } = self
        else {
            return Ok(());
        };
        match news {
            OpenNews::Failed(why) => Err(anyhow::anyhow!(why)),
            OpenNews::Unreachable(why) => {
                let since = failing
                    .as_ref()
                    .map(|f| f.0)
                    .or(server_now)
                    .unwrap_or_else(crate::domain::clock::wall_now);
                *failing = Some((since, why));
                Ok(())
            }
            OpenNews::Opened(opened) => {
                let Opened {
                    recorder,
                    path,
                    cursor,
                    alerts,
                } = *opened;
                // The engine fills the journal's gap once told.
                let _ = cmds.try_send(SyncCmd::JournalOpened(cursor));
                let waiting = std::mem::take(waiting);
                let early = std::mem::take(anomalies);
                let (dropped, dropped_seqs) = (*dropped, *dropped_seqs);
                *self = JournalSink::On {
                    recorder,
                    path,
                    alerts,
                };
                for m in waiting {
                    self.record(&m, server_now).await?;
                }
                if let JournalSink::On { recorder, path, .. } = self {
                    for a in early {
                        recorder
                            .append(a, Receipt::now(server_now))
                            .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))?;
                    }
                    if dropped > 0 {
                        let line = format!(
                            "lotwatch: the journal {} opened late: {dropped} messages received before were not recorded",
                            path.display()
                        );
                        tracing::error!("{line}");
                        // Said in the journal itself, as any other gap.
                        let evidence = match dropped_seqs {
                            Some((from, to)) => crate::sync::Backfill::lost_evidence(
                                from,
                                to,
                                "more came than memory holds while the journal was opening",
                            ),
                            None => {
                                format!("{dropped} messages not kept while the journal was opening")
                            }
                        };
                        recorder
                            .append(
                                JournalRecord::Anomaly {
                                    lot_id: None,
                                    server_at: None,
                                    kind: journal::writer::JOURNAL_GAP.into(),
                                    evidence,
                                },
                                Receipt::now(server_now),
                            )
                            .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Appends an anomaly the app raised, in order with the messages.
    pub(crate) async fn anomaly(
        &mut self,
        a: crate::app::Anomaly,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        match self {
            JournalSink::On { recorder, .. } => recorder
                .append(JournalRecord::from(a), Receipt::now(server_now))
                .map_err(|e| anyhow::anyhow!("the journal stopped: {e}")),
            JournalSink::Pending { anomalies, .. } | JournalSink::Opening { anomalies, .. } => {
                if anomalies.len() < Self::MAX_WAITING {
                    anomalies.push(JournalRecord::from(a));
                }
                Ok(())
            }
            JournalSink::Off => Ok(()),
        }
    }

    /// Appends a record of the shell's own (an alert queued or delivered).
    pub(crate) async fn append(
        &mut self,
        r: JournalRecord,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        match self {
            JournalSink::On { recorder, .. } => recorder
                .append(r, Receipt::now(server_now))
                .map_err(|e| anyhow::anyhow!("the journal stopped: {e}")),
            JournalSink::Pending { anomalies, .. } | JournalSink::Opening { anomalies, .. } => {
                if anomalies.len() < Self::MAX_WAITING {
                    anomalies.push(r);
                }
                Ok(())
            }
            JournalSink::Off => Ok(()),
        }
    }

    /// Reads the alerts the journal holds into the courier and the app,
    /// once the journal is open (at once when there is none).
    pub(crate) fn restore_alerts(
        &mut self,
        courier: &mut crate::shell::deliver::Courier,
        app: &mut App,
    ) {
        if courier.restored() {
            return;
        }
        let rows = match (self, app.auction()) {
            (JournalSink::Pending { .. } | JournalSink::Opening { .. }, _)
            | (JournalSink::On { .. }, None) => return,
            (JournalSink::Off, _) => Vec::new(),
            (JournalSink::On { alerts, .. }, Some(_)) => std::mem::take(alerts),
        };
        let keys = courier.restore(rows.iter().map(|(k, e)| (k.as_str(), e.as_str())));
        app.mark_alerts_sent(keys);
    }

    /// The journal's health, once it is open.
    pub(crate) fn health(&self) -> Option<tokio::sync::watch::Receiver<journal::JournalHealth>> {
        match self {
            JournalSink::On { recorder, .. } => Some(recorder.writer().health()),
            _ => None,
        }
    }

    /// What the writer has done so far (None while off or pending).
    pub(crate) fn status(&self) -> Option<crate::journal::WriterStatus> {
        match self {
            JournalSink::On { recorder, .. } => Some(recorder.status()),
            _ => None,
        }
    }

    /// Writes what it can within `JOURNAL_CLOSE_WAIT`; what could not be
    /// written is said on stderr (the terminal is restored by then).
    pub(crate) async fn close(mut self) {
        let deadline = tokio::time::Instant::now() + JOURNAL_CLOSE_WAIT;
        // A journal about to open (a quick quit) is let open and written.
        while let JournalSink::Opening { updates, .. } = &mut self {
            match tokio::time::timeout_at(deadline, updates.recv()).await {
                Ok(Some(news @ OpenNews::Opened(_))) => {
                    if let Err(e) = self.opened(news, None).await {
                        tracing::error!("{e:#}");
                    }
                }
                Ok(Some(OpenNews::Unreachable(_))) => continue,
                _ => break,
            }
        }
        if let JournalSink::Opening {
            shown,
            waiting,
            dropped,
            ..
        } = &self
        {
            // Its thread ends on its own once it sees nobody listens.
            let n = waiting.len() as u64 + dropped;
            say(&format!(
                "lotwatch: the journal {shown} never opened: {n} messages were not recorded"
            ));
        }
        if let JournalSink::On { recorder, path, .. } = self {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let status = recorder
                .close_within(left.max(JOURNAL_CLOSE_WAIT / 4))
                .await;
            tracing::info!(
                "journal closed: {} records written ({} events), {} given up",
                status.committed,
                status.events,
                status.failed
            );
            if let Some(line) = unwritten_line(&path, &status) {
                say(&line);
            }
        }
    }
}

/// An error line in the log and on stderr (which may be gone with the
/// terminal: never a panic for it).
fn say(line: &str) {
    use std::io::Write;
    tracing::error!("{line}");
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The line that says what the journal did not record, if anything.
fn unwritten_line(path: &std::path::Path, s: &journal::WriterStatus) -> Option<String> {
    let records = s.unwritten_records + s.lost_records;
    if records == 0 {
        return None;
    }
    let events = s.unwritten_events + s.lost_events;
    let why = s
        .failing
        .as_ref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    Some(format!(
        "lotwatch: the journal {} did not record {events} events ({records} records){why}",
        path.display()
    ))
}
