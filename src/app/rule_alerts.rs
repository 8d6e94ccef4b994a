//! Where the messages meet the `[[rule]]` alerts: the lots a message
//! touches are kept as they were, compared with what they became, and each
//! rule's alert is raised (events pane, row flash, bell, the shell's
//! delivery); the time-based events (deadline near, closing) are checked
//! as time passes.

use super::rules::{DeliveryStatus, Rule, RuleAlert, RuleChange, RuleEvent, changes};
use super::*;
use crate::domain::{Event, EventKind};

/// The lots a message touches, as they were before it (None: not held).
pub(super) type Before = Vec<(String, Option<Lot>)>;

impl App {
    /// Replaces the rules (a reloaded config file).
    pub fn set_rules(&mut self, rules: &[Rule]) {
        self.opts.rules = rules.to_vec();
        self.rules.set_rules(rules);
    }

    /// Alerts the journal says were already sent (keys of `RuleAlert::keys`).
    pub fn mark_alerts_sent(&mut self, keys: impl IntoIterator<Item = String>) {
        self.rules.mark_sent(keys);
    }

    /// How alert delivery stands.
    pub fn delivery(&self) -> &DeliveryStatus {
        &self.delivery
    }

    pub(super) fn rules_before_events(&self, src: SourceId, events: &[Event]) -> Option<Before> {
        if self.rules.is_empty() {
            return None;
        }
        let mut out: Before = Vec::new();
        let feed_seq = self.feed_seq_of(src);
        for ev in events {
            if ev.seq <= feed_seq {
                continue;
            }
            let id = ev.lot_id.as_deref().or(match &ev.kind {
                EventKind::Lot(l) => Some(l.id.as_str()),
                _ => None,
            });
            if let Some(id) = id
                && !out.iter().any(|(i, _)| i == id)
            {
                let lot = self.lots.get(src, id).map(|(l, _)| l.clone());
                out.push((id.to_string(), lot));
            }
        }
        Some(out)
    }

    /// Before a snapshot: the lots as held, unless this is the first read
    /// (its lots are the day as found: nothing alerts).
    pub(super) fn rules_before_snapshot(
        &mut self,
        src: SourceId,
        incoming: &[Lot],
    ) -> Option<Before> {
        // Counted with or without rules: rules loaded later (a reloaded
        // config file) still know the first read is over.
        let first = !self.rules.take_first_read();
        if first || self.rules.is_empty() {
            return None;
        }
        Some(
            incoming
                .iter()
                .map(|l| {
                    (
                        l.id.clone(),
                        self.lots.get(src, &l.id).map(|(o, _)| o.clone()),
                    )
                })
                .collect(),
        )
    }

    /// After the message: one alert per rule and lot for what changed.
    pub(super) fn rules_after(
        &mut self,
        src: SourceId,
        before: Before,
        now: Mono,
        up: &mut Update,
    ) {
        let me = self.opts.me.clone();
        let server = self.server_now(now);
        let new_ok = self.rules.first_read_done();
        let mut fire = Vec::new();
        for (id, old) in before {
            let Some(entry) = self.lots.get(src, &id) else {
                continue;
            };
            let mut found = changes(old.as_ref(), entry.0, me.as_deref());
            if !new_ok {
                found.retain(|c| *c != RuleChange::New);
            }
            let env = filter::MatchEnv {
                now: server,
                me: me.as_deref(),
                watched: self.lots.watched_set(),
                sources: self.lots.sources(),
            };
            fire.extend(self.rules.alerts_for(entry, &found, &env, &|_, _| true));
        }
        for a in fire {
            self.raise_rule(a, now, up);
        }
    }

    /// Deadlines within a rule's `deadline_hours`, lots entering the last
    /// `alert_minutes`: at most once a second, on any update.
    pub(super) fn check_rule_times(&mut self, now: Mono, up: &mut Update) {
        if !self.rules.check_due(now.0) {
            return;
        }
        let Some(server) = self.server_now(now) else {
            return;
        };
        let hours = self
            .rules
            .wants(RuleEvent::Deadline)
            .map(|r| r.deadline_hours)
            .max();
        let closing = self.rules.wants(RuleEvent::Closing).next().is_some();
        if hours.is_none() && !closing {
            return;
        }
        let window_ms = self.window_ms();
        let me = self.opts.me.clone();
        let env = filter::MatchEnv {
            now: Some(server),
            me: me.as_deref(),
            watched: self.lots.watched_set(),
            sources: self.lots.sources(),
        };
        let mut fire = Vec::new();
        for (lot, meta) in self.lots.entries() {
            let mut found = Vec::new();
            if let Some(h) = hours
                && let Some(deadline) = lot.site.as_ref().and_then(|s| s.deadline)
            {
                let left = server.until(deadline);
                if left > 0 && left <= i64::from(h) * 3_600_000 {
                    found.push(RuleChange::DeadlineSoon { deadline });
                }
            }
            if closing && alerts::window(lot, server, window_ms) == alerts::Window::Inside {
                found.push(RuleChange::Closing {
                    closes_at: lot.closes_at,
                });
            }
            if found.is_empty() {
                continue;
            }
            // A rule with fewer hours than the widest sees only its own.
            let keep = |r: &Rule, c: &RuleChange| match c {
                RuleChange::DeadlineSoon { deadline } => {
                    server.until(*deadline) <= i64::from(r.deadline_hours) * 3_600_000
                }
                _ => true,
            };
            fire.extend(self.rules.alerts_for((lot, meta), &found, &env, &keep));
        }
        for a in fire {
            self.raise_rule(a, now, up);
        }
    }

    /// Alerts by (rule, event, state): `raised` here, `delivered` and
    /// `dropped` as the delivery reported.
    pub fn alert_counts(&self) -> Vec<(String, String, String, u64)> {
        let mut out: Vec<_> = self
            .rules
            .raised()
            .map(|((r, e), n)| (r.clone(), e.clone(), "raised".to_string(), *n))
            .collect();
        out.extend(
            self.delivery
                .counts
                .iter()
                .map(|((r, e, s), n)| (r.clone(), e.clone(), s.clone(), *n)),
        );
        out
    }

    fn raise_rule(&mut self, a: RuleAlert, now: Mono, up: &mut Update) {
        self.rules.count_raised(&a.rule, a.event().as_str());
        tracing::info!(rule = %a.rule, lot = %a.lot.number, event = a.event().as_str(), "rule alert");
        self.alerts.flash(&a.lot.id, now);
        self.log.push(LogEntry {
            source: crate::domain::SourceId::FIRST,
            seq: None,
            at: self.server_now(now),
            kind: LogKind::Alert,
            lot: a.lot.number.clone(),
            text: LogText::RuleAlert {
                rule: a.rule.clone(),
                name: a.lot.name.clone(),
                changes: a.changes.clone(),
            },
        });
        if !up.effects.contains(&Effect::Bell) {
            up.effects.push(Effect::Bell);
        }
        up.effects.push(Effect::RuleAlert(a));
        up.redraw = true;
    }
}
