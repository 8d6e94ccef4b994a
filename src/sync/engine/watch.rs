//! The bid history of the lot in view: one request in flight, superseded
//! requests cancelled, newer bids appended to what is held.

use super::*;

impl Engine {
    pub(super) fn watch_lot(&mut self, id: Option<String>) {
        if id == self.watch.lot_id {
            return;
        }
        // The superseded request is cancelled (its answer would be dropped
        // anyway), so moving through lots never piles up requests.
        if let Some(t) = self.watch.task.take() {
            t.abort();
        }
        self.watch = Watch {
            lot_id: id,
            generation: self.watch.generation.wrapping_add(1),
            ..Watch::default()
        };
        self.refresh_watch();
    }

    /// Fetches the watched lot's bids newer than what we hold (all of them
    /// the first time); one request in flight at most.
    pub(super) fn refresh_watch(&mut self) {
        let Some(lot_id) = self.watch.lot_id.clone() else {
            return;
        };
        if self.watch.in_flight {
            self.watch.stale = true;
            return;
        }
        let after = if self.watch.loaded {
            self.watch.history.last().map_or(0, |b| b.seq)
        } else {
            0
        };
        self.watch.in_flight = true;
        self.watch.stale = false;
        let (c, tx, generation) = (
            self.client.clone(),
            self.bids_tx.clone(),
            self.watch.generation,
        );
        let settle = if after == 0 {
            WATCH_SETTLE
        } else {
            Duration::ZERO
        };
        self.watch.task = Some(tokio::spawn(async move {
            // A short pause first: while the user moves through the list,
            // each new lot cancels this before any request goes out.
            tokio::time::sleep(settle).await;
            let (result, clock) = match c.bids(&lot_id, after).await {
                Ok(f) => (Ok(f.value), f.clock),
                Err(e) => (Err(e), None),
            };
            // The engine may be gone; then nobody needs the answer.
            let _ = tx
                .send(BidsAnswer {
                    generation,
                    lot_id,
                    after,
                    result,
                    clock,
                })
                .await;
        }));
    }

    pub(super) async fn on_bids(&mut self, ans: BidsAnswer) -> Result<(), Stop> {
        if ans.generation != self.watch.generation {
            tracing::debug!(lot = %ans.lot_id, "dropping the answer to a superseded bids request");
            return Ok(());
        }
        self.watch.in_flight = false;
        self.watch.task = None;
        self.observe(ans.clock).await?;
        match ans.result {
            Ok(page) => {
                if ans.after == 0 {
                    self.watch.history.clear();
                }
                let last = self.watch.history.last().map_or(0, |b| b.seq);
                self.watch
                    .history
                    .extend(page.bids.into_iter().filter(|b| b.seq > last));
                let excess = self.watch.history.len().saturating_sub(MAX_BID_HISTORY);
                self.watch.history.drain(..excess);
                self.watch.loaded = true;
                for i in page.issues {
                    self.send(SyncMsg::DataIssue(i)).await?;
                }
                self.send(SyncMsg::Bids {
                    lot_id: ans.lot_id,
                    bids: self.watch.history.clone(),
                })
                .await?;
            }
            Err(e) => {
                tracing::warn!(lot = %ans.lot_id, error = %e, "bid history request failed");
                if let PlatformError::NotFound = e {
                    self.send(SyncMsg::DataIssue(DataIssue {
                        lot_id: Some(ans.lot_id),
                        field: "bids".into(),
                        problem: "the platform does not know this lot".into(),
                    }))
                    .await?;
                    return Ok(());
                }
            }
        }
        if self.watch.stale {
            self.refresh_watch();
        }
        Ok(())
    }
}
