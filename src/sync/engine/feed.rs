//! Following the platform after a snapshot: the push feed (`/stream`) while
//! it works, else long-polling the change feed, or, without one (404),
//! polling `/lots` with its ETag and trying the feed again now and then.
//! Both forms of the feed deliver pages that `take_page` checks the same way.

use super::*;

impl Engine {
    /// The platform has no change feed: poll `/lots` from now on, and try
    /// the feed again only after `feed_retry`.
    pub(super) fn no_feed(&mut self) {
        tracing::info!("no change feed (404): polling /lots");
        self.mode = Mode::Poll {
            etag: self.lots_etag.clone(),
        };
        self.feed_retry_at = Some(Instant::now() + self.cfg.feed_retry);
    }

    /// One step of following the feed: the push feed unless it is off for
    /// now, else one long-poll.
    pub(super) async fn follow(&mut self) -> Step {
        let push_ok = self.cfg.push && self.push_retry_at.is_none_or(|at| Instant::now() >= at);
        if push_ok {
            self.push_step().await
        } else {
            self.push = None;
            self.long_poll().await
        }
    }

    /// Reads the next page of the push feed, opening it first when there is
    /// none from the current cursor. A push feed that is missing (404),
    /// fails or stalls is left for `PUSH_RETRY`, and the long-poll takes
    /// over from the same cursor: the link is the long-poll's to judge.
    async fn push_step(&mut self) -> Step {
        let Some(cursor) = self.cursor else {
            return Ok(());
        };
        self.auction_if_due().await?;
        let mut feed = match self.push.take() {
            Some((feed, at)) if at == cursor => feed,
            _ => {
                let c = self.client.clone();
                match self.request(async move { c.stream(cursor).await }).await? {
                    Ok(feed) => {
                        tracing::info!(after = cursor, "push feed open");
                        feed
                    }
                    Err(PlatformError::Gone) => {
                        tracing::info!(
                            after = cursor,
                            "push feed answered 410: re-reading the lots"
                        );
                        self.gone_upto = Some(self.gone_upto.map_or(cursor, |g| g.max(cursor)));
                        self.resnapshot();
                        return Ok(());
                    }
                    Err(e) => {
                        self.push_off(&e);
                        // No push feed here (404, or an answer that is not
                        // an event stream): the long-poll goes on at once. A
                        // platform that answers with an error (a 503 and its
                        // Retry-After, a refused connection) has failed,
                        // whichever feed was asked: backed off as any request.
                        return match e {
                            PlatformError::NotFound | PlatformError::Decode(_) => Ok(()),
                            e => Err(e.into()),
                        };
                    }
                }
            }
        };
        let stall = self.cfg.push_stall;
        let page = match self.wait(feed.next(stall)).await? {
            Ok(Some(f)) => {
                self.observe(f.clock).await?;
                f.value
            }
            Ok(None) => {
                tracing::info!("the push feed ended: opening it again");
                return Ok(());
            }
            Err(e) => {
                self.push_off(&e);
                return Ok(());
            }
        };
        self.take_page(cursor, page).await?;
        if let Some(at) = self.cursor {
            self.push = Some((feed, at));
        }
        Ok(())
    }

    fn push_off(&mut self, e: &PlatformError) {
        if matches!(e, PlatformError::NotFound) {
            tracing::info!("no push feed (404): long-polling");
        } else {
            tracing::warn!(error = %e, "push feed failed: long-polling for now");
        }
        self.push = None;
        self.push_retry_at = Some(Instant::now() + PUSH_RETRY);
    }

    pub(super) async fn long_poll(&mut self) -> Step {
        let Some(cursor) = self.cursor else {
            return Ok(());
        };
        // Between long-polls, not with a snapshot: a 10 000-lot `/lots` is
        // megabytes, and the feed already keeps the lots current.
        self.auction_if_due().await?;
        let (c, wait_s, limit) = (self.client.clone(), self.cfg.wait_s, self.cfg.events_limit);
        let fut = async move { c.events(cursor, wait_s, limit).await };
        let answer = match self.feed_next.take() {
            Some(at) => {
                self.wait(tokio::time::sleep_until(at)).await?;
                self.wait(fut).await?
            }
            None => self.request(fut).await?,
        };
        let page = match answer {
            Ok(f) => {
                self.observe(f.clock).await?;
                f.value
            }
            Err(PlatformError::Gone) => {
                tracing::info!(after = cursor, "feed answered 410: re-reading the lots");
                // Never asked again: the journal's catch-up skips it too.
                self.gone_upto = Some(self.gone_upto.map_or(cursor, |g| g.max(cursor)));
                self.resnapshot();
                return Ok(());
            }
            Err(PlatformError::NotFound) => {
                // What the app holds is current as of the snapshot: go on
                // from its ETag.
                self.no_feed();
                self.succeeded().await?;
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let brought = self.take_page(cursor, page).await?;
        if brought {
            let now = Instant::now();
            self.feed_next = Some(now + self.feed_floor.floor());
        }
        Ok(())
    }

    /// A page of the feed (pushed or long-polled) read after `cursor`: only a
    /// gap-free continuation of what the app holds is sent; a gap or a feed
    /// that disagrees with itself re-reads the lots. True when it brought
    /// events.
    async fn take_page(&mut self, cursor: u64, page: EventsPage) -> Result<bool, Stop> {
        for i in page.issues {
            self.send(SyncMsg::DataIssue(i)).await?;
        }
        // Only a gap-free continuation of what the app holds is sent.
        let mut batch: Vec<Event> = Vec::with_capacity(page.events.len());
        let mut next = cursor.saturating_add(1);
        for ev in page.events {
            if ev.seq < next {
                continue; // already delivered
            }
            if ev.seq != next {
                tracing::warn!(
                    expected = next,
                    got = ev.seq,
                    "seq gap: re-reading the lots"
                );
                self.send(SyncMsg::SeqGap(SeqGap {
                    after: next - 1,
                    got: ev.seq,
                }))
                .await?;
                self.resnapshot();
                return Ok(false);
            }
            next = next.saturating_add(1);
            batch.push(ev);
        }
        if batch.is_empty() && page.last_seq != cursor {
            // Nothing new, yet the server's newest seq is elsewhere: it has
            // events it did not give us, or it started over.
            tracing::warn!(
                cursor,
                last_seq = page.last_seq,
                "feed position disagrees: re-reading the lots"
            );
            self.resnapshot();
            return Ok(false);
        }
        self.resnapshots = 0;
        self.feed_floor.on_answer(batch.len(), Instant::now());
        let brought = !batch.is_empty();
        if let Some(last) = batch.last() {
            self.cursor = Some(last.seq);
            self.journal_delivered(last.seq);
            let selected_bid = self.selected.lot_id.as_deref().is_some_and(|w| {
                batch.iter().any(|e| {
                    matches!(e.kind, EventKind::Bid { .. }) && e.lot_id.as_deref() == Some(w)
                })
            });
            self.send(SyncMsg::Events(batch)).await?;
            if selected_bid {
                self.refresh_selected();
            }
        }
        self.succeeded().await?;
        Ok(brought)
    }

    pub(super) async fn poll(&mut self) -> Step {
        self.wait(tokio::time::sleep(
            self.cfg.poll.max(Duration::from_millis(250)),
        ))
        .await?;
        self.auction_if_due().await?;
        if self.feed_retry_at.is_some_and(|at| Instant::now() >= at) {
            return self.retry_feed().await;
        }
        let etag = match &self.mode {
            Mode::Poll { etag } => etag.clone(),
            Mode::Feed => return Ok(()),
        };
        let c = self.client.clone();
        let f = self
            .request(async move { c.lots(etag.as_deref()).await })
            .await??;
        self.observe(f.clock).await?;
        match f.value {
            Cached::NotModified => {}
            Cached::Fresh(page) => {
                let seq = page.seq;
                self.send(SyncMsg::Snapshot {
                    seq,
                    lots: page.lots,
                    rejected: page.issues,
                })
                .await?;
                self.cursor = Some(seq);
                // Without a feed there is nothing to read for the journal:
                // it records the snapshot's differences.
                if let JournalPos::At(p) = &mut self.journal {
                    *p = seq;
                }
                self.lots_etag.clone_from(&f.etag);
                self.mode = Mode::Poll { etag: f.etag };
                self.refresh_selected();
            }
        }
        self.succeeded().await?;
        Ok(())
    }

    /// One `/events` without waiting, in case the feed came back: a page
    /// goes back to the feed from the snapshot's seq, a 404 waits another
    /// `feed_retry`.
    pub(super) async fn retry_feed(&mut self) -> Step {
        let Some(cursor) = self.cursor else {
            return Ok(());
        };
        self.feed_retry_at = None;
        let c = self.client.clone();
        match self
            .request(async move { c.events(cursor, 0, 1).await })
            .await?
        {
            Ok(f) => {
                self.observe(f.clock).await?;
                tracing::info!("the change feed is back: long-polling it");
                self.mode = Mode::Feed;
                // The feed goes on from the last snapshot (what it gave is
                // read again by the first long-poll).
                Ok(())
            }
            Err(PlatformError::NotFound) => {
                self.feed_retry_at = Some(Instant::now() + self.cfg.feed_retry);
                Ok(())
            }
            Err(PlatformError::Gone) => {
                self.mode = Mode::Feed;
                self.gone_upto = Some(cursor);
                self.resnapshot();
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn resnapshot(&mut self) {
        self.cursor = None;
        self.resnapshots = self.resnapshots.saturating_add(1);
    }
}
