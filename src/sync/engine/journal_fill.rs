//! Filling the journal's gaps: where the journal stands against a snapshot,
//! and reading the missed events `(after, until]` from the feed, paged and
//! paced, for the journal only.

use super::*;

impl Engine {
    /// Where the journal's gap before a snapshot at `seq` starts, if it has
    /// one. A new journal starts at its first snapshot unless `backfill`
    /// asks for the history. A journal still opening (`JournalStart::Later`,
    /// not told yet) does not hold the lots back from the app: the snapshot
    /// goes now, after `Backfill::Deferred`, and its gap is filled once the
    /// cursor comes (`fill_deferred`).
    pub(super) async fn journal_gap_before(&mut self, seq: u64) -> Result<Option<u64>, Stop> {
        if let JournalPos::Awaiting(None) = self.journal {
            if self.deferred.is_none() {
                tracing::info!(seq, "the journal is still opening: its gap is filled later");
                self.deferred = Some(seq);
                self.send(SyncMsg::Backfill(Backfill::Deferred)).await?;
            }
            return Ok(None);
        }
        Ok(self.journal_gap(seq))
    }

    /// The journal's gap before a snapshot at `seq`, its position known.
    fn journal_gap(&mut self, seq: u64) -> Option<u64> {
        let pos = match self.journal {
            JournalPos::Off => return None,
            JournalPos::Awaiting(Some(Some(c))) => c,
            JournalPos::Awaiting(Some(None)) if self.cfg.backfill => 0,
            JournalPos::Awaiting(_) => seq,
            JournalPos::At(p) => p,
        };
        if pos > seq {
            // The platform started over (or the journal is another day's):
            // what it had is not asked for.
            tracing::warn!(
                journal = pos,
                snapshot = seq,
                "the snapshot is behind the journal's cursor"
            );
            self.gone_upto = None;
            self.journal = JournalPos::At(seq);
            return None;
        }
        self.journal = JournalPos::At(pos);
        (pos < seq).then_some(pos)
    }

    /// Whether a deferred fill can go now (the journal said its cursor).
    pub(super) fn fill_due(&self) -> bool {
        self.deferred.is_some() && matches!(self.journal, JournalPos::Awaiting(Some(_)))
    }

    /// The journal opened after the app got the snapshot at `deferred`:
    /// the events it missed before that snapshot are read for it now, and
    /// `Backfill::End` lets it write what it kept back meanwhile.
    pub(super) async fn fill_deferred(&mut self) -> Step {
        let Some(seq) = self.deferred.take() else {
            return Ok(());
        };
        match self.journal_gap(seq) {
            Some(after) => {
                self.send(SyncMsg::Backfill(Backfill::Start { after, until: seq }))
                    .await?;
                self.catch_up(after, seq).await?;
            }
            None => self.send(SyncMsg::Backfill(Backfill::End)).await?,
        }
        // What the feed gave since that snapshot reached the journal too.
        if let Some(c) = self.cursor {
            self.journal_delivered(c);
        }
        Ok(())
    }

    /// Reads the events `(after, until]` for the journal, paged, through the
    /// pacer, one request at a time. A 410 or a 404 ends it at once (the
    /// snapshot stands for what is lost); another failure ends it too, and the
    /// next snapshot resumes from where it got.
    pub(super) async fn catch_up(&mut self, after: u64, until: u64) -> Step {
        let mut pos = after;
        tracing::info!(after, until, "filling the journal's gap");
        let lost = loop {
            if pos >= until {
                break None;
            }
            if self.gone_upto.is_some_and(|g| pos <= g) {
                break Some(PlatformError::Gone.to_string());
            }
            if matches!(self.mode, Mode::Poll { .. }) {
                break Some(NO_FEED.to_string());
            }
            let c = self.client.clone();
            let answer = self
                .request(async move { c.events(pos, 0, CATCH_UP_LIMIT).await })
                .await?;
            let page = match answer {
                Ok(f) => {
                    self.observe(f.clock).await?;
                    f.value
                }
                Err(PlatformError::Gone) => {
                    self.gone_upto = Some(self.gone_upto.map_or(pos, |g| g.max(pos)));
                    break Some(PlatformError::Gone.to_string());
                }
                Err(PlatformError::NotFound) => {
                    self.no_feed();
                    break Some(NO_FEED.to_string());
                }
                Err(e) => {
                    self.send(SyncMsg::Backfill(Backfill::End)).await?;
                    return Err(e.into());
                }
            };
            for i in page.issues {
                self.send(SyncMsg::DataIssue(i)).await?;
            }
            let mut batch: Vec<Event> = Vec::with_capacity(page.events.len());
            let mut next = pos + 1;
            for ev in page.events {
                if ev.seq < next || ev.seq > until {
                    continue;
                }
                if ev.seq > next {
                    self.send(SyncMsg::Backfill(Backfill::Lost {
                        from: next,
                        to: ev.seq - 1,
                        why: "the feed skipped them".into(),
                    }))
                    .await?;
                }
                next = ev.seq + 1;
                batch.push(ev);
            }
            let Some(last) = batch.last().map(|e| e.seq) else {
                break Some(format!(
                    "the feed gave nothing after seq {pos} (its last seq is {})",
                    page.last_seq
                ));
            };
            self.send(SyncMsg::Backfill(Backfill::Events(batch)))
                .await?;
            pos = last;
            self.journal = JournalPos::At(pos);
        };
        if let Some(why) = lost {
            tracing::warn!(from = pos + 1, to = until, "journal gap not filled: {why}");
            self.send(SyncMsg::Backfill(Backfill::Lost {
                from: pos + 1,
                to: until,
                why,
            }))
            .await?;
        }
        self.journal = JournalPos::At(until);
        self.send(SyncMsg::Backfill(Backfill::End)).await?;
        Ok(())
    }

    /// The journal got the events up to `seq` (a page of the live feed).
    pub(super) fn journal_delivered(&mut self, seq: u64) {
        if let JournalPos::At(p) = &mut self.journal {
            *p = (*p).max(seq);
        }
    }
}
