//! Which alerts a message raises: closing soon, outbid, extended, won,
//! and the changes a snapshot brings that were not seen as events.

use super::*;

impl App {
    /// The closing alerts' window, in minutes (a reloaded config file).
    pub fn set_alert_minutes(&mut self, minutes: u64) {
        self.opts.alert_minutes = minutes;
    }

    pub(super) fn window_ms(&self) -> i64 {
        (self.opts.alert_minutes.min(24 * 60) * 60_000) as i64
    }

    /// Closing alerts of watched lots that entered their last minutes.
    pub(super) fn check_closing(&mut self, now: Mono, up: &mut Update) {
        let Some(server) = self.server_now(now) else {
            return;
        };
        let window_ms = self.window_ms();
        let mut due = Vec::new();
        for id in self.lots.watched() {
            if let Some((lot, _)) = self.lots.find(id)
                && self.alerts.closing_due(lot, server, window_ms)
            {
                due.push(lot.clone());
            }
        }
        for lot in due {
            let msg = format!(
                "{} closes within {} min (at {})",
                lot.name,
                self.opts.alert_minutes,
                lot.closes_at.astana_hms()
            );
            let what = AlertText::Closing {
                name: lot.name.clone(),
                minutes: self.opts.alert_minutes,
                closes_at: lot.closes_at,
            };
            self.raise(
                Alert::new(AlertKind::Closing, Some(&lot), msg),
                what,
                now,
                up,
            );
        }
    }

    /// Fires one alert: bell, row flash, events-pane entry, `--on-alert`.
    /// `what` is the alert as data for the events pane; the alert's own
    /// message (for `--on-alert`) stays in fixed English.
    pub(super) fn raise(&mut self, mut alert: Alert, what: AlertText, now: Mono, up: &mut Update) {
        alert.what = Some(what.clone());
        if !alert.lot_id.is_empty() {
            self.alerts.flash(&alert.lot_id, now);
        }
        let event = match alert.kind {
            AlertKind::Extended => "extension",
            k => k.as_str(),
        };
        self.rules.count_raised("default", event);
        self.log.push(LogEntry {
            source: crate::domain::SourceId::FIRST,
            seq: None,
            at: self.server_now(now),
            kind: LogKind::Alert,
            lot: alert.lot_number.clone(),
            text: LogText::Alert {
                kind: alert.kind,
                what,
            },
        });
        if !up.effects.contains(&Effect::Bell) {
            up.effects.push(Effect::Bell);
        }
        up.effects.push(Effect::Alert(alert));
        up.redraw = true;
    }

    /// The alerts one feed event raises.
    pub(super) fn alert_event(
        &mut self,
        src: SourceId,
        ev: &crate::domain::Event,
        outbid: bool,
        now: Mono,
        up: &mut Update,
    ) {
        use crate::domain::EventKind;
        // Most events raise nothing: decided on the borrowed lot, no clone.
        let lot = ev
            .lot_id
            .as_deref()
            .and_then(|id| self.lots.get(src, id))
            .map(|(l, _)| l);
        let watched = || lot.is_some_and(|l| self.lots.is_watched(&l.id));
        let alert = match (&ev.kind, lot) {
            (EventKind::Bid { amount, bidder, .. }, Some(l)) if outbid => Some((
                Alert::new(
                    AlertKind::Outbid,
                    Some(l),
                    format!("{}: outbid by {bidder} at {}", l.name, amount.grouped()),
                ),
                AlertText::Outbid {
                    name: l.name.clone(),
                    bidder: bidder.clone(),
                    amount: Some(*amount),
                },
            )),
            (
                EventKind::Extended {
                    closes_at,
                    extensions,
                },
                Some(l),
            ) if watched() => Some((
                Alert::new(
                    AlertKind::Extended,
                    Some(l),
                    format!(
                        "{}: extended ({extensions}), closes {}",
                        l.name,
                        closes_at.astana_hms()
                    ),
                ),
                AlertText::Extended {
                    name: l.name.clone(),
                    extensions: *extensions,
                    closes_at: *closes_at,
                },
            )),
            (EventKind::Notice { message }, _) => Some((
                Alert::new(AlertKind::Notice, None, message.clone()),
                AlertText::Notice(message.clone()),
            )),
            _ => None,
        };
        if let Some((a, what)) = alert {
            self.raise(a, what, now, up);
        }
    }

    /// Before a snapshot replaces the lots: the lots `--me` leads and the
    /// extension counts of watched lots, to alert on what changed unseen.
    pub(super) fn led_or_watched(
        &self,
        src: SourceId,
        incoming: &[Lot],
    ) -> HashMap<String, (bool, u32)> {
        let me = self.opts.me.as_deref();
        let mut out = HashMap::new();
        for lot in incoming {
            if let Some((old, _)) = self.lots.get(src, &lot.id) {
                let led = me.is_some() && old.high_bid.as_ref().map(|h| h.bidder.as_str()) == me;
                if led || self.lots.is_watched(&lot.id) {
                    out.insert(lot.id.clone(), (led, old.extensions));
                }
            }
        }
        out
    }

    pub(super) fn alert_snapshot_changes(
        &mut self,
        src: SourceId,
        before: HashMap<String, (bool, u32)>,
        now: Mono,
        up: &mut Update,
    ) {
        let me = self.opts.me.as_deref();
        let mut fire = Vec::new();
        for (id, (led, ext)) in before {
            let Some((lot, _)) = self.lots.get(src, &id) else {
                continue;
            };
            let leads = me.is_some() && lot.high_bid.as_ref().map(|h| h.bidder.as_str()) == me;
            if led && !leads && lot.high_bid.is_some() {
                let by = lot
                    .high_bid
                    .as_ref()
                    .map(|h| h.bidder.as_str())
                    .unwrap_or("");
                fire.push((
                    Alert::new(
                        AlertKind::Outbid,
                        Some(lot),
                        format!("{}: outbid by {by}", lot.name),
                    ),
                    AlertText::Outbid {
                        name: lot.name.clone(),
                        bidder: by.to_string(),
                        amount: None,
                    },
                ));
            }
            if self.lots.is_watched(&id) && lot.extensions > ext {
                fire.push((
                    Alert::new(
                        AlertKind::Extended,
                        Some(lot),
                        format!(
                            "{}: extended ({}), closes {}",
                            lot.name,
                            lot.extensions,
                            lot.closes_at.astana_hms()
                        ),
                    ),
                    AlertText::Extended {
                        name: lot.name.clone(),
                        extensions: lot.extensions,
                        closes_at: lot.closes_at,
                    },
                ));
            }
        }
        for (a, what) in fire {
            self.raise(a, what, now, up);
        }
    }
}
