//! Alert rules (`[[rule]]` in the config file): which lots, in the filter
//! language, and which of their events alert (a new lot, a changed term or
//! status, an application deadline near, closing, outbid, an extension, a
//! result). Matched against the messages the app already gets: the lots
//! a message touched, as they were before it and are after it. The changes
//! of one lot found in one message make one alert listing them all; each
//! (rule, lot, event, value) alerts once (the shell seeds what the journal
//! says was already sent, so a restart does not repeat it).

use super::filter::{Filter, MatchEnv};
use super::lots::LotMeta;
use crate::domain::{Lot, LotStatus, Money, Timestamp};
use serde::Deserialize;
use std::collections::HashSet;

/// Rules kept at most (a config file names a handful).
pub const MAX_RULES: usize = 64;
/// Keys of sent alerts remembered; the oldest half is forgotten beyond it.
const MAX_SENT: usize = 100_000;
/// Time-based checks (deadline, closing) run at most this often.
const CHECK_EVERY_MS: u64 = 1000;

/// What alerts, as `on = [...]` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleEvent {
    New,
    Changed,
    Deadline,
    Closing,
    Outbid,
    Extension,
    Result,
}

impl RuleEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleEvent::New => "new",
            RuleEvent::Changed => "changed",
            RuleEvent::Deadline => "deadline",
            RuleEvent::Closing => "closing",
            RuleEvent::Outbid => "outbid",
            RuleEvent::Extension => "extension",
            RuleEvent::Result => "result",
        }
    }

    pub const ALL: [RuleEvent; 7] = [
        RuleEvent::New,
        RuleEvent::Changed,
        RuleEvent::Deadline,
        RuleEvent::Closing,
        RuleEvent::Outbid,
        RuleEvent::Extension,
        RuleEvent::Result,
    ];
}

fn default_deadline_hours() -> u32 {
    24
}

/// One `[[rule]]` table, as the config file gives it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: String,
    /// The filter language; empty: every lot.
    #[serde(default)]
    pub filter: String,
    pub on: Vec<RuleEvent>,
    /// `deadline` alerts when the application deadline is this near.
    #[serde(default = "default_deadline_hours")]
    pub deadline_hours: u32,
}

/// What one alert item says, as data (the view and the delivery word it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleChange {
    New,
    StartMoved {
        from: Timestamp,
        to: Timestamp,
    },
    StartingBonus {
        from: Money,
        to: Money,
    },
    DeadlineMoved {
        from: Timestamp,
        to: Timestamp,
    },
    Status {
        from: LotStatus,
        to: LotStatus,
    },
    DeadlineSoon {
        deadline: Timestamp,
    },
    Closing {
        closes_at: Timestamp,
    },
    Outbid {
        bidder: String,
        amount: Money,
    },
    Extension {
        extensions: u32,
        closes_at: Timestamp,
    },
    Sold {
        amount: Money,
        winner: String,
    },
    Unsold,
}

impl RuleChange {
    pub fn event(&self) -> RuleEvent {
        match self {
            RuleChange::New => RuleEvent::New,
            RuleChange::StartMoved { .. }
            | RuleChange::StartingBonus { .. }
            | RuleChange::DeadlineMoved { .. }
            | RuleChange::Status { .. } => RuleEvent::Changed,
            RuleChange::DeadlineSoon { .. } => RuleEvent::Deadline,
            RuleChange::Closing { .. } => RuleEvent::Closing,
            RuleChange::Outbid { .. } => RuleEvent::Outbid,
            RuleChange::Extension { .. } => RuleEvent::Extension,
            RuleChange::Sold { .. } | RuleChange::Unsold => RuleEvent::Result,
        }
    }

    /// The value that makes this item the same alert as another (what
    /// changed and to what); with the rule, lot and event, the key of
    /// "alerts once".
    pub fn value(&self) -> String {
        match self {
            RuleChange::New | RuleChange::Closing { .. } | RuleChange::Unsold => String::new(),
            RuleChange::StartMoved { to, .. } => format!("start={}", to.to_rfc3339()),
            RuleChange::StartingBonus { to, .. } => format!("bonus={}", to.to_wire()),
            RuleChange::DeadlineMoved { to, .. } => format!("deadline={}", to.to_rfc3339()),
            RuleChange::Status { to, .. } => format!("status={}", to.as_str()),
            RuleChange::DeadlineSoon { deadline } => deadline.to_rfc3339(),
            RuleChange::Outbid { amount, .. } => amount.to_wire(),
            RuleChange::Extension { extensions, .. } => extensions.to_string(),
            RuleChange::Sold { amount, .. } => format!("sold={}", amount.to_wire()),
        }
    }
}

/// The lot an alert is about, as it was when the alert fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertLot {
    pub id: String,
    pub number: String,
    pub name: String,
    /// `api` or `sauda`.
    pub source: String,
    pub status: LotStatus,
    pub region: String,
    pub minerals: Vec<String>,
    /// The lot's page, where the source has one.
    pub url: Option<String>,
}

impl AlertLot {
    pub fn of(lot: &Lot) -> AlertLot {
        AlertLot {
            id: lot.id.clone(),
            number: lot.number.clone(),
            name: lot.name.clone(),
            source: if lot.site.is_some() { "sauda" } else { "api" }.into(),
            status: lot.status.clone(),
            region: lot.region.clone(),
            minerals: lot.minerals.clone(),
            url: lot
                .site
                .as_ref()
                .map(|s| s.url.clone())
                .filter(|u| !u.is_empty()),
        }
    }
}

/// One rule's alert about one lot: everything one message changed that the
/// rule asks for and that was not alerted before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleAlert {
    pub rule: String,
    pub lot: AlertLot,
    /// At least one.
    pub changes: Vec<RuleChange>,
    pub server_time: Option<Timestamp>,
}

impl RuleAlert {
    /// The main event (the first item's).
    pub fn event(&self) -> RuleEvent {
        self.changes
            .first()
            .map(RuleChange::event)
            .unwrap_or(RuleEvent::Changed)
    }

    /// The "alerts once" keys of its items.
    pub fn keys(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| alert_key(&self.rule, &self.lot.id, c.event(), &c.value()))
            .collect()
    }
}

/// A delivery channel that fails, for the screen: `mail: connection
/// refused · 3 waiting`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelTrouble {
    /// `mail`, or `webhook` with the host.
    pub channel: String,
    /// Why, in a few words (no secret in it).
    pub cause: String,
    /// Messages waiting for this channel.
    pub waiting: usize,
}

/// How alert delivery stands, as the delivery task reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryStatus {
    /// The channels failing now.
    pub troubles: Vec<ChannelTrouble>,
    /// Deliveries by (rule, event, state: `delivered` per channel, or
    /// `dropped` from a full outbox) since start.
    pub counts: std::collections::BTreeMap<(String, String, String), u64>,
}

/// The key of one (rule, lot, event, value).
fn alert_key(rule: &str, lot_id: &str, event: RuleEvent, value: &str) -> String {
    format!("{rule}\u{1f}{lot_id}\u{1f}{}\u{1f}{value}", event.as_str())
}

/// The rules in force and what they already alerted.
#[derive(Clone, Debug, Default)]
pub struct RuleState {
    rules: Vec<(Rule, Filter)>,
    /// The first read of the lots has arrived (its lots are never `new`).
    first_read: bool,
    sent: HashSet<String>,
    last_check: Option<u64>,
    /// Alerts raised since start, by (rule, event).
    raised: std::collections::BTreeMap<(String, String), u64>,
}

impl RuleState {
    /// Rules whose filter does not parse are left out (the shell refuses
    /// such a config file before the app starts).
    pub fn new(rules: &[Rule]) -> RuleState {
        let mut s = RuleState::default();
        s.set_rules(rules);
        s
    }

    /// Replaces the rules (a reloaded config file); what was sent stays.
    pub fn set_rules(&mut self, rules: &[Rule]) {
        self.rules = rules
            .iter()
            .take(MAX_RULES)
            .filter_map(|r| Filter::parse(&r.filter).ok().map(|f| (r.clone(), f)))
            .collect();
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Keys already sent (from the journal at start).
    pub fn mark_sent(&mut self, keys: impl IntoIterator<Item = String>) {
        for k in keys {
            self.remember(k);
        }
    }

    fn remember(&mut self, key: String) -> bool {
        if self.sent.len() >= MAX_SENT {
            // Bounded: forgetting may repeat an old alert, never lose a new one.
            let drop: Vec<String> = self.sent.iter().take(MAX_SENT / 2).cloned().collect();
            for k in drop {
                self.sent.remove(&k);
            }
        }
        self.sent.insert(key)
    }

    /// Whether lots of the next message may alert as `new`; marks the first
    /// read as done.
    pub fn take_first_read(&mut self) -> bool {
        std::mem::replace(&mut self.first_read, true)
    }

    /// Counts one alert raised (`default` for today's alerts).
    pub fn count_raised(&mut self, rule: &str, event: &str) {
        *self
            .raised
            .entry((rule.to_string(), event.to_string()))
            .or_default() += 1;
    }

    pub fn raised(&self) -> impl Iterator<Item = (&(String, String), &u64)> {
        self.raised.iter()
    }

    pub fn first_read_done(&self) -> bool {
        self.first_read
    }

    /// Whether the time-based checks are due at `now_ms` (monotonic).
    pub fn check_due(&mut self, now_ms: u64) -> bool {
        if self.rules.is_empty() || !self.first_read {
            return false;
        }
        match self.last_check {
            Some(t) if now_ms.saturating_sub(t) < CHECK_EVERY_MS => false,
            _ => {
                self.last_check = Some(now_ms);
                true
            }
        }
    }

    /// The alerts for one lot whose `changes` a message brought (before
    /// the rules' selection): one per rule whose filter the lot matches,
    /// with the items it asks for that were not sent yet.
    pub fn alerts_for(
        &mut self,
        (lot, meta): (&Lot, &LotMeta),
        changes: &[RuleChange],
        env: &MatchEnv<'_>,
        keep: &dyn Fn(&Rule, &RuleChange) -> bool,
    ) -> Vec<RuleAlert> {
        if changes.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut fresh = Vec::new();
        for (rule, filter) in &self.rules {
            if !filter.matches(lot, meta, env) {
                continue;
            }
            let items: Vec<RuleChange> = changes
                .iter()
                .filter(|c| rule.on.contains(&c.event()) && keep(rule, c))
                .cloned()
                .collect();
            let mut new_items = Vec::new();
            for c in items {
                let key = alert_key(&rule.name, &lot.id, c.event(), &c.value());
                if !self.sent.contains(&key) && !fresh.contains(&key) {
                    fresh.push(key);
                    new_items.push(c);
                }
            }
            if !new_items.is_empty() {
                out.push(RuleAlert {
                    rule: rule.name.clone(),
                    lot: AlertLot::of(lot),
                    changes: new_items,
                    server_time: env.now,
                });
            }
        }
        for k in fresh {
            self.remember(k);
        }
        out
    }

    /// The rules that ask for `event`, with their `deadline_hours`.
    pub fn wants(&self, event: RuleEvent) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .map(|(r, _)| r)
            .filter(move |r| r.on.contains(&event))
    }
}

/// What changed between a lot as it was and as it is, that rules may alert
/// on; `before` None: a lot not seen before. A value seen for the first time
/// (a deadline a lot's page adds, a bonus that was unreadable) is not a
/// change. `me` is the user's bidder label, for `outbid`.
pub fn changes(before: Option<&Lot>, after: &Lot, me: Option<&str>) -> Vec<RuleChange> {
    let Some(b) = before else {
        return vec![RuleChange::New];
    };
    let mut out = Vec::new();
    if b.opens_at != after.opens_at
        && !after.field_invalid("opens_at")
        && !b.field_invalid("opens_at")
    {
        out.push(RuleChange::StartMoved {
            from: b.opens_at,
            to: after.opens_at,
        });
    }
    // An amount read for the first time, or unreadable on either side, is
    // no change.
    if let (Some(from), Some(to)) = (b.starting_bonus.known(), after.starting_bonus.known())
        && from != to
    {
        out.push(RuleChange::StartingBonus { from, to });
    }
    let deadline = |l: &Lot| l.site.as_ref().and_then(|s| s.deadline);
    if let (Some(from), Some(to)) = (deadline(b), deadline(after))
        && from != to
    {
        out.push(RuleChange::DeadlineMoved { from, to });
    }
    if b.status != after.status {
        match &after.status {
            LotStatus::Sold => {
                let sale = match (&after.result, &after.high_bid) {
                    (Some(r), _) => Some((r.amount, r.winner.clone())),
                    (None, Some(h)) => Some((h.amount, h.bidder.clone())),
                    (None, None) => after.starting_bonus.known().map(|m| (m, String::new())),
                };
                match sale {
                    Some((amount, winner)) => out.push(RuleChange::Sold { amount, winner }),
                    // Sold at a price the source did not show: said as
                    // the status, never as a made-up amount.
                    None => out.push(RuleChange::Status {
                        from: b.status.clone(),
                        to: LotStatus::Sold,
                    }),
                }
            }
            LotStatus::Unsold => out.push(RuleChange::Unsold),
            // The day's ordinary steps are no change of plan.
            LotStatus::Open if b.status == LotStatus::Scheduled => {}
            LotStatus::Closed => {}
            to => out.push(RuleChange::Status {
                from: b.status.clone(),
                to: to.clone(),
            }),
        }
    }
    if after.extensions > b.extensions {
        out.push(RuleChange::Extension {
            extensions: after.extensions,
            closes_at: after.closes_at,
        });
    }
    if let Some(me) = me {
        let led = b.high_bid.as_ref().is_some_and(|h| h.bidder == me);
        if led
            && let Some(h) = &after.high_bid
            && h.bidder != me
        {
            out.push(RuleChange::Outbid {
                bidder: h.bidder.clone(),
                amount: h.amount,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LotResult, SiteLot};
    use crate::testing::test_lot;

    fn site(mut l: Lot, deadline: Option<Timestamp>) -> Lot {
        l.site = Some(Box::new(SiteLot {
            url: "https://sauda.example/lot/1".into(),
            deadline,
            ..SiteLot::default()
        }));
        l
    }

    #[test]
    fn a_lot_not_seen_before_is_new() {
        let l = test_lot();
        assert_eq!(changes(None, &l, None), vec![RuleChange::New]);
    }

    #[test]
    fn a_first_learned_deadline_is_no_change_a_moved_one_is() {
        let b = site(test_lot(), None);
        let a = site(test_lot(), Some(Timestamp(1_000)));
        assert!(changes(Some(&b), &a, None).is_empty());
        let c = site(test_lot(), Some(Timestamp(2_000)));
        assert_eq!(
            changes(Some(&a), &c, None),
            vec![RuleChange::DeadlineMoved {
                from: Timestamp(1_000),
                to: Timestamp(2_000)
            }]
        );
    }

    #[test]
    fn all_changes_of_one_read_come_together() {
        let b = test_lot();
        let mut a = b.clone();
        a.opens_at = b.opens_at.plus_secs(3600);
        a.status = LotStatus::Cancelled;
        let c = changes(Some(&b), &a, None);
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|c| c.event() == RuleEvent::Changed));
    }

    #[test]
    fn results_and_ordinary_steps() {
        let mut b = test_lot();
        b.status = LotStatus::Scheduled;
        let mut open = b.clone();
        open.status = LotStatus::Open;
        assert!(changes(Some(&b), &open, None).is_empty());
        let mut sold = open.clone();
        sold.status = LotStatus::Sold;
        sold.result = Some(LotResult {
            winner: "P-1".into(),
            amount: Money::from_tenge(5_000),
            protocol_at: Timestamp(0),
        });
        assert_eq!(
            changes(Some(&open), &sold, None),
            vec![RuleChange::Sold {
                amount: Money::from_tenge(5_000),
                winner: "P-1".into()
            }]
        );
    }

    #[test]
    fn each_rule_lot_event_value_alerts_once() {
        let rules = vec![Rule {
            name: "all".into(),
            filter: String::new(),
            on: vec![RuleEvent::New, RuleEvent::Changed],
            deadline_hours: 24,
        }];
        let mut st = RuleState::new(&rules);
        let l = test_lot();
        let meta = LotMeta::default();
        let watched = HashSet::new();
        let env = MatchEnv {
            now: None,
            me: None,
            watched: &watched,
            sources: &[],
        };
        let first = st.alerts_for((&l, &meta), &[RuleChange::New], &env, &|_, _| true);
        assert_eq!(first.len(), 1);
        assert!(
            st.alerts_for((&l, &meta), &[RuleChange::New], &env, &|_, _| true)
                .is_empty()
        );
        // Not asked for: nothing.
        assert!(
            st.alerts_for((&l, &meta), &[RuleChange::Unsold], &env, &|_, _| true)
                .is_empty()
        );
        // Seeded from the journal: not again after a restart.
        let mut again = RuleState::new(&rules);
        again.mark_sent(first[0].keys());
        assert!(
            again
                .alerts_for((&l, &meta), &[RuleChange::New], &env, &|_, _| true)
                .is_empty()
        );
    }

    #[test]
    fn rules_read_from_toml() {
        let r: Rule =
            toml::from_str("name = \"g\"\nfilter = \"mineral:gold\"\non = [\"new\", \"result\"]\n")
                .expect("a valid rule");
        assert_eq!(r.deadline_hours, 24);
        assert_eq!(r.on, vec![RuleEvent::New, RuleEvent::Result]);
        assert!(toml::from_str::<Rule>("name = \"g\"\non = [\"sometimes\"]\n").is_err());
    }
}
