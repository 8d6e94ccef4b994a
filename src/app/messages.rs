//! The sync engine's and the journal's messages applied to the state:
//! snapshots, events, bids, the link, rates, data issues and anomalies.

use super::*;

impl App {
    /// One message of source `src`. Each source's feed and link are judged
    /// by its own anomaly detector; the server clock is the first source's.
    pub(super) fn on_sync(&mut self, src: SourceId, msg: SyncMsg, now: Mono, up: &mut Update) {
        up.redraw = true;
        let first = src == SourceId::FIRST;
        let server = self.clock.now(now);
        let seen = super::lots::SourceLots {
            store: &self.lots,
            src,
        };
        let found = match src.index().checked_sub(1) {
            None => self.detector.observe(&msg, server, &seen),
            Some(i) => match self.other_detectors.get_mut(i) {
                Some(d) => d.observe(&msg, server, &seen),
                None => Vec::new(),
            },
        };
        for mut a in found {
            a.source = src;
            self.push_anomaly(a, up);
        }
        match msg {
            SyncMsg::Auction(a) if first => self.auction = Some(a),
            SyncMsg::Auction(_) => {}
            SyncMsg::Snapshot {
                seq,
                lots,
                rejected,
            } => {
                let server = self.server_now(now);
                self.seen = self.changes_seen(src, seq, &lots, server);
                let before = self.led_or_watched(src, &lots);
                let rules_before = self.rules_before_snapshot(src, &lots);
                self.lots
                    .replace(src, lots, server, self.opts.me.as_deref());
                self.alert_snapshot_changes(src, before, now, up);
                if let Some(b) = rules_before {
                    self.rules_after(src, b, now, up);
                }
                self.summary.mark_dirty();
                self.set_feed_seq(src, seq);
                self.note_data(src, server);
                for issue in rejected {
                    self.push_issue(issue);
                }
                for ev in &self.seen {
                    let lot = ev.lot_id.as_deref().and_then(|id| self.lots.get(src, id));
                    self.log.record(src, ev, lot.map(|(l, _)| l));
                }
                if self.events_scroll > 0 {
                    self.events_scroll = (self.events_scroll + self.seen.len())
                        .min(self.log.len().saturating_sub(1));
                }
                self.reselect();
            }
            SyncMsg::Events(events) => {
                let rules_before = self.rules_before_events(src, &events);
                let me = self.opts.me.clone();
                let mut added = 0;
                for ev in events {
                    if ev.seq <= self.feed_seq_of(src) {
                        continue;
                    }
                    self.set_feed_seq(src, ev.seq);
                    let applied = self.lots.apply(src, &ev, me.as_deref());
                    let lot_id = ev.lot_id.as_deref().or(match &ev.kind {
                        crate::domain::EventKind::Lot(l) => Some(l.id.as_str()),
                        _ => None,
                    });
                    let lot = lot_id.and_then(|id| self.lots.get(src, id)).map(|(l, _)| l);
                    self.log.record(src, &ev, lot);
                    added += 1;
                    self.alert_event(src, &ev, applied.me_outbid, now, up);
                    if let crate::domain::EventKind::Bid { amount, bidder, .. } = &ev.kind {
                        self.note_bid(src, &ev, *amount, bidder);
                    }
                }
                if self.events_scroll > 0 {
                    self.events_scroll =
                        (self.events_scroll + added).min(self.log.len().saturating_sub(1));
                }
                self.note_data(src, self.server_now(now));
                self.summary.mark_dirty();
                self.reselect();
                if let Some(b) = rules_before {
                    self.rules_after(src, b, now, up);
                }
            }
            SyncMsg::Bids { lot_id, bids } => {
                if self.bids.lot_id.as_deref() == Some(lot_id.as_str()) && self.bids.source == src {
                    let mut bids = bids;
                    bids.sort_by_key(|b| b.seq);
                    bids.dedup_by_key(|b| b.seq);
                    let skip = bids.len().saturating_sub(MAX_BIDS);
                    self.bids.bids = bids.into_iter().skip(skip).collect();
                    self.bids.loaded = true;
                } else {
                    up.redraw = false;
                }
            }
            SyncMsg::Rates(r) => {
                self.rates = Some(r);
                self.summary.mark_dirty();
            }
            // The clock on screen is the first source's.
            SyncMsg::Clock(_) if !first => up.redraw = false,
            SyncMsg::Clock(s) => {
                self.clock.observe(s);
                if let Some(a) = self
                    .detector
                    .clock_offset(self.clock.offset_ms(), self.clock.now(now))
                {
                    self.push_anomaly(a, up);
                }
            }
            SyncMsg::Link(l) => {
                up.redraw = false;
                if let Some(s) = self.sources.get_mut(src.index())
                    && s.link != l
                {
                    s.link = l.clone();
                    up.redraw = true;
                }
                if first && l != self.link {
                    self.link = l;
                    up.redraw = true;
                }
            }
            SyncMsg::DataIssue(i) => self.push_issue(i),
            // Listed with the data issues, as the feed's own fault.
            SyncMsg::SeqGap(g) => self.push_issue(DataIssue {
                lot_id: None,
                field: "events.seq".into(),
                problem: g.to_string(),
            }),
            // For the journal: the snapshot already holds their effect.
            SyncMsg::Backfill(_) => up.redraw = false,
        }
    }

    /// The events a newer snapshot shows happened since the lots held (a
    /// platform without a change feed, or changes a feed gap hid), read by
    /// the one change model; the snapshot itself replaces the lots.
    fn changes_seen(
        &self,
        src: SourceId,
        seq: u64,
        lots: &[crate::domain::Lot],
        server: Option<crate::domain::Timestamp>,
    ) -> Vec<crate::domain::Event> {
        if seq <= self.feed_seq_of(src) || self.lots.is_empty() {
            return Vec::new();
        }
        let at = server.or(self.data_at).unwrap_or_default();
        let old = |id: &str| self.lots.get(src, id).map(|(l, _)| l);
        crate::domain::change::events_seen(old, lots, seq, at)
    }

    /// Source `src` sent data at server time `at`.
    fn note_data(&mut self, src: SourceId, at: Option<crate::domain::Timestamp>) {
        if src == SourceId::FIRST {
            self.data_at = at.or(self.data_at);
        }
        if let Some(s) = self.sources.get_mut(src.index()) {
            s.data_at = at.or(s.data_at);
        }
    }

    /// A feed bid for the lot in view extends its loaded history at once.
    pub(super) fn note_bid(
        &mut self,
        src: SourceId,
        ev: &crate::domain::Event,
        amount: crate::domain::Money,
        bidder: &str,
    ) {
        if !self.bids.loaded
            || self.bids.lot_id.is_none()
            || self.bids.lot_id.as_deref() != ev.lot_id.as_deref()
            || self.bids.source != src
        {
            return;
        }
        if self.bids.bids.back().is_some_and(|b| b.seq >= ev.seq) {
            return;
        }
        if self.bids.bids.len() >= MAX_BIDS {
            self.bids.bids.pop_front();
        }
        self.bids.bids.push_back(Bid {
            seq: ev.seq,
            at: ev.at,
            amount,
            bidder: bidder.to_string(),
        });
    }

    /// The journal's failure starts or ends: an anomaly each time (it is
    /// written to the journal once the journal can write again).
    pub(super) fn on_journal(
        &mut self,
        h: crate::domain::journal_health::JournalHealth,
        now: Mono,
        up: &mut Update,
    ) {
        use anomaly::{AnomalyKind, Evidence};
        if h == self.journal {
            return;
        }
        up.redraw = true;
        let at = self.clock.now(now);
        match (&self.journal.failing, &h.failing) {
            (None, Some(f)) => self.push_anomaly(
                Anomaly::new(
                    AnomalyKind::Journal,
                    None,
                    f.since,
                    Evidence::JournalFailing {
                        cause: f.cause.clone(),
                    },
                ),
                up,
            ),
            (Some(was), None) => {
                let a = Anomaly::new(
                    AnomalyKind::Journal,
                    None,
                    at.unwrap_or(was.since),
                    Evidence::JournalWriting {
                        cause: was.cause.clone(),
                        since: was.since,
                        lost_events: h.lost_events,
                    },
                );
                self.push_anomaly(a, up);
            }
            _ => {}
        }
        self.journal = h;
    }

    /// Keeps an anomaly for the pane and asks the loop to journal it.
    pub(super) fn push_anomaly(&mut self, a: Anomaly, up: &mut Update) {
        tracing::warn!(kind = a.kind.as_str(), lot = ?a.lot_id, "anomaly: {}", a.evidence);
        up.redraw = true;
        if self.anomalies.len() >= MAX_ANOMALIES {
            self.anomalies.pop_front();
        }
        if self.anomalies_scroll > 0 {
            self.anomalies_scroll = (self.anomalies_scroll + 1).min(self.anomalies.len());
        }
        self.anomalies.push_back(a.clone());
        self.anomaly_count = self.anomaly_count.saturating_add(1);
        if let Some(i) = AnomalyKind::ALL.iter().position(|k| *k == a.kind) {
            self.anomaly_kinds[i] = self.anomaly_kinds[i].saturating_add(1);
        }
        up.effects.push(Effect::Anomaly(a));
    }

    pub(super) fn push_issue(&mut self, issue: DataIssue) {
        let lot = issue.lot_id.clone().unwrap_or_default();
        let text = LogText::Issue {
            field: issue.field.clone(),
            problem: issue.problem.clone(),
        };
        self.log.push(LogEntry {
            source: crate::domain::SourceId::FIRST,
            seq: None,
            at: None,
            kind: LogKind::Issue,
            lot,
            text,
        });
        if self.issues.len() >= MAX_ISSUES {
            self.issues.pop_front();
        }
        self.issues.push_back(issue);
    }
}
