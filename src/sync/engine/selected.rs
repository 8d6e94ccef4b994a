//! The bid history of the lot in view: one request in flight, superseded
//! requests cancelled, newer bids appended to what is held.

use super::*;

impl Engine {
    pub(super) fn select_lot(&mut self, id: Option<String>) {
        if id == self.selected.lot_id {
            return;
        }
        // The superseded request is cancelled (its answer would be dropped
        // anyway), so moving through lots never piles up requests.
        if let Some(t) = self.selected.task.take() {
            t.abort();
        }
        self.selected = Selected {
            lot_id: id,
            generation: self.selected.generation.wrapping_add(1),
            ..Selected::default()
        };
        self.refresh_selected();
    }

    /// Fetches the selected lot's bids newer than what we hold (all of them
    /// the first time); one request in flight at most.
    pub(super) fn refresh_selected(&mut self) {
        let Some(lot_id) = self.selected.lot_id.clone() else {
            return;
        };
        if self.selected.in_flight {
            self.selected.stale = true;
            return;
        }
        let after = if self.selected.loaded {
            self.selected.history.last().map_or(0, |b| b.seq)
        } else {
            0
        };
        self.selected.in_flight = true;
        self.selected.stale = false;
        let (c, tx, generation) = (
            self.client.clone(),
            self.bids_tx.clone(),
            self.selected.generation,
        );
        let settle = if after == 0 {
            WATCH_SETTLE
        } else {
            Duration::ZERO
        };
        self.selected.task = Some(tokio::spawn(async move {
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
        if ans.generation != self.selected.generation {
            tracing::debug!(lot = %ans.lot_id, "dropping the answer to a superseded bids request");
            return Ok(());
        }
        self.selected.in_flight = false;
        self.selected.task = None;
        self.observe(ans.clock).await?;
        match ans.result {
            Ok(page) => {
                if ans.after == 0 {
                    self.selected.history.clear();
                }
                let last = self.selected.history.last().map_or(0, |b| b.seq);
                self.selected
                    .history
                    .extend(page.bids.into_iter().filter(|b| b.seq > last));
                let excess = self.selected.history.len().saturating_sub(MAX_BID_HISTORY);
                self.selected.history.drain(..excess);
                self.selected.loaded = true;
                for i in page.issues {
                    self.send(SyncMsg::DataIssue(i)).await?;
                }
                self.send(SyncMsg::Bids {
                    lot_id: ans.lot_id,
                    bids: self.selected.history.clone(),
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
        if self.selected.stale {
            self.refresh_selected();
        }
        Ok(())
    }
}
