//! The simulator's engine: plays a scenario onto a clock that is passed in.
//! Pure and deterministic for a seed: no I/O, no wall clock. Lots change only
//! through the events it emits (`Lot::apply`), so the snapshot and the feed
//! cannot disagree; every bid and status change is checked with
//! `domain::rules`.

use super::agents::{self, Agent};
use super::scenario::{AuctionInfo, Scenario};
use crate::domain::rules::{self, BidRefusal};
use crate::domain::{
    Auction, AuctionStatus, Bid, Event, EventKind, Lot, LotResult, LotStatus, Money, Timestamp,
};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

/// Events kept for the feed by default; older ones answer 410.
pub const DEFAULT_HISTORY: usize = 10_000;
/// Accepted bids kept per lot for `/lots/{id}/bids`.
const MAX_BIDS_PER_LOT: usize = 10_000;

/// The feed no longer holds events after the requested seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("events after seq {after} are no longer kept (oldest kept: {oldest})")]
pub struct Gone {
    pub after: u64,
    pub oldest: u64,
}

/// Why an outside bid was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BidError {
    #[error("no lot {0:?}")]
    UnknownLot(String),
    #[error(transparent)]
    Refused(#[from] BidRefusal),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Cancel(usize),
    Postpone(usize),
    Open(usize),
    Suspend(usize),
    Resume(usize),
    Agent(usize, usize),
    Close(usize),
    Protocol(usize),
}

/// What the engine plans for one lot beyond its data.
#[derive(Clone, Debug)]
struct Plan {
    appetite_pct: u32,
    cancel: Option<(Timestamp, String)>,
    /// Move the opening and close this much later, with a notice.
    postpone: Option<(i64, String)>,
    /// Suspend after this long open, for this long, with the two notices.
    suspend: Option<(i64, i64, String, String)>,
    suspended_at: Option<Timestamp>,
    agents: Vec<Agent>,
}

pub struct Engine {
    info: AuctionInfo,
    lots: Vec<Lot>,
    /// When the site lists each lot (`LotSpec::listed_at_s`); None: from
    /// the first request (the day's offset 0 may lie after it).
    listed_at: Vec<Option<Timestamp>>,
    index: HashMap<String, usize>,
    plans: Vec<Plan>,
    bids: Vec<VecDeque<Bid>>,
    history: VecDeque<Event>,
    history_cap: usize,
    last_seq: u64,
    queue: BinaryHeap<Reverse<(Timestamp, u64, Action)>>,
    order: u64,
    rng: fastrand::Rng,
    now: Timestamp,
    speed: f64,
    protocol_delay_ms: i64,
    starts_at: Timestamp,
    planned_end: Timestamp,
}

impl Engine {
    /// Plays `scenario` with the day's offset 0 at `start`, its durations
    /// divided by `speed` (clamped to 0.001..=1e6; not finite means 1).
    pub fn new(scenario: &Scenario, seed: u64, start: Timestamp, speed: f64) -> Engine {
        let speed = if speed.is_finite() {
            speed.clamp(0.001, 1e6)
        } else {
            1.0
        };
        let off = |secs: u32| -> i64 { (f64::from(secs) * 1000.0 / speed).round() as i64 };
        let ms = |secs: u32| -> i64 { off(secs).max(1) };
        let secs = |s: u32| -> u32 { ((f64::from(s) / speed).round() as u32).max(1) };
        let mut lots = Vec::with_capacity(scenario.lots.len());
        let listed_at = scenario
            .lots
            .iter()
            .map(|s| (s.listed_at_s > 0).then(|| start.plus_millis(off(s.listed_at_s))))
            .collect();
        let mut plans = Vec::with_capacity(scenario.lots.len());
        let mut queue = BinaryHeap::new();
        let mut order = 0u64;
        let mut push = |q: &mut BinaryHeap<_>, at: Timestamp, a: Action| {
            q.push(Reverse((at, order, a)));
            order += 1;
        };
        for (i, s) in scenario.lots.iter().enumerate() {
            let opens_at = start.plus_millis(off(s.opens_at_s));
            let mut soft_close = s.soft_close;
            soft_close.window_s = secs(soft_close.window_s);
            soft_close.extend_s = secs(soft_close.extend_s);
            lots.push(Lot {
                id: s.id.clone(),
                number: s.number.clone(),
                name: s.name.clone(),
                region: s.region.clone(),
                minerals: s.minerals.clone(),
                license: s.license.clone(),
                reserves: s.reserves.clone(),
                starting_bonus: s.starting_bonus.into(),
                min_increment: s.min_increment,
                guarantee: s.guarantee.into(),
                participation_fee: s.participation_fee.into(),
                min_participants: s.min_participants,
                participants: s.participants,
                status: LotStatus::Scheduled,
                opens_at,
                closes_at: opens_at.plus_millis(ms(s.duration_s)),
                soft_close,
                extensions: 0,
                high_bid: None,
                bid_count: 0,
                result: None,
                site: None,
            });
            let cancel = s.cancel.as_ref().map(|c| {
                let at = start.plus_millis(off(c.at_s));
                (at.min(opens_at.plus_millis(-1)), c.notice.clone())
            });
            if let Some((at, _)) = &cancel {
                push(&mut queue, *at, Action::Cancel(i));
            }
            if let Some(p) = &s.postpone {
                let at = start.plus_millis(off(p.at_s)).min(opens_at.plus_millis(-1));
                push(&mut queue, at, Action::Postpone(i));
            }
            push(&mut queue, opens_at, Action::Open(i));
            plans.push(Plan {
                appetite_pct: s.appetite_pct,
                cancel,
                postpone: s.postpone.as_ref().map(|p| (ms(p.by_s), p.notice.clone())),
                suspend: s.suspend.as_ref().map(|p| {
                    (
                        ms(p.after_s),
                        ms(p.for_s),
                        p.notice.clone(),
                        p.resume_notice.clone(),
                    )
                }),
                suspended_at: None,
                agents: Vec::new(),
            });
        }
        let index = lots
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), i))
            .collect();
        let starts_at = lots.iter().map(|l| l.opens_at).min().unwrap_or(start);
        let planned_end = lots
            .iter()
            .map(|l| l.closes_at)
            .max()
            .unwrap_or(start)
            .plus_millis(ms(scenario.protocol_delay_s));
        let n = lots.len();
        Engine {
            info: scenario.auction.clone(),
            lots,
            listed_at,
            index,
            plans,
            bids: vec![VecDeque::new(); n],
            history: VecDeque::new(),
            history_cap: DEFAULT_HISTORY,
            last_seq: 0,
            queue,
            order,
            rng: fastrand::Rng::with_seed(seed),
            now: start,
            speed,
            protocol_delay_ms: ms(scenario.protocol_delay_s),
            starts_at,
            planned_end,
        }
    }

    /// Keeps at most `cap` events (at least 1) for the feed.
    pub fn with_history_cap(mut self, cap: usize) -> Engine {
        self.history_cap = cap.max(1);
        self
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The engine's time: the latest `advance_to`.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn lots(&self) -> &[Lot] {
        &self.lots
    }

    /// The lots the site lists at `now` (a lot with a later `listed_at_s`
    /// is not published yet). `now` rather than the engine's time, which
    /// only moves when the engine has something due.
    pub fn listed_lots(&self, now: Timestamp) -> impl Iterator<Item = &Lot> {
        self.lots
            .iter()
            .zip(&self.listed_at)
            .filter(move |(_, at)| at.is_none_or(|at| at <= now))
            .map(|(l, _)| l)
    }

    pub fn lot(&self, id: &str) -> Option<&Lot> {
        self.index.get(id).map(|&i| &self.lots[i])
    }

    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The auction as it stands at the engine's time.
    pub fn auction(&self) -> Auction {
        let status = if self.lots.iter().all(|l| l.status.is_final()) {
            AuctionStatus::Finished
        } else if self.now < self.starts_at {
            AuctionStatus::Scheduled
        } else {
            AuctionStatus::Running
        };
        let latest_close = self
            .lots
            .iter()
            .map(|l| l.closes_at.plus_millis(self.protocol_delay_ms))
            .max();
        Auction {
            id: self.info.id.clone(),
            title: self.info.title.clone(),
            venue: self.info.venue.clone(),
            timezone: crate::domain::time::PLATFORM_TZ.into(),
            currency: "KZT".into(),
            starts_at: self.starts_at,
            ends_at: latest_close.map_or(self.planned_end, |c| c.max(self.planned_end)),
            status,
        }
    }

    /// Events with `seq > after`, oldest first, at most `limit`; `Gone` when
    /// some of them are no longer kept.
    pub fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, Gone> {
        let oldest = self.history.front().map_or(self.last_seq + 1, |e| e.seq);
        if after.saturating_add(1) < oldest {
            return Err(Gone { after, oldest });
        }
        if after >= self.last_seq {
            return Ok(Vec::new());
        }
        let skip = (after + 1 - oldest) as usize;
        Ok(self
            .history
            .iter()
            .skip(skip)
            .take(limit)
            .cloned()
            .collect())
    }

    /// Accepted bids of a lot with `seq > after`, oldest first; None for an
    /// unknown lot.
    pub fn bids(&self, lot_id: &str, after: u64) -> Option<Vec<Bid>> {
        let i = *self.index.get(lot_id)?;
        Some(
            self.bids[i]
                .iter()
                .filter(|b| b.seq > after)
                .cloned()
                .collect(),
        )
    }

    /// When the next planned thing happens; None when the day is over.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.queue.peek().map(|Reverse((at, _, _))| *at)
    }

    /// Plays everything due up to `now`, each at its own instant.
    pub fn advance_to(&mut self, now: Timestamp) {
        while let Some(Reverse((at, _, _))) = self.queue.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, _, action))) = self.queue.pop() else {
                break;
            };
            let at = at.max(self.now);
            self.now = at;
            self.run(at, action);
        }
        self.now = self.now.max(now);
    }

    /// A platform-wide notice at the engine's time.
    pub fn post_notice(&mut self, message: &str) -> u64 {
        let at = self.now;
        self.emit(
            at,
            None,
            EventKind::Notice {
                message: message.chars().take(1000).collect(),
            },
        )
    }

    /// A bid from outside the agents (tests, tools), at the engine's time,
    /// under the same rules.
    pub fn submit_bid(
        &mut self,
        lot_id: &str,
        bidder: &str,
        amount: Money,
    ) -> Result<u64, BidError> {
        let i = *self
            .index
            .get(lot_id)
            .ok_or_else(|| BidError::UnknownLot(lot_id.chars().take(64).collect()))?;
        let at = self.now;
        Ok(self.place_bid(i, bidder, amount, at)?)
    }

    fn schedule(&mut self, at: Timestamp, action: Action) {
        self.queue.push(Reverse((at, self.order, action)));
        self.order += 1;
    }

    fn emit(&mut self, at: Timestamp, lot: Option<usize>, kind: EventKind) -> u64 {
        self.last_seq += 1;
        let event = Event {
            seq: self.last_seq,
            at,
            lot_id: lot.map(|i| self.lots[i].id.clone()),
            kind,
        };
        if let Some(i) = lot {
            self.lots[i].apply(&event);
        }
        if self.history.len() >= self.history_cap {
            self.history.pop_front();
        }
        self.history.push_back(event);
        self.last_seq
    }

    /// A status change, only if the contract allows it.
    fn set_status(
        &mut self,
        at: Timestamp,
        i: usize,
        to: LotStatus,
        result: Option<LotResult>,
    ) -> bool {
        if !rules::transition_allowed(&self.lots[i].status, &to) {
            return false;
        }
        let closes_at = self.lots[i].closes_at;
        self.emit(
            at,
            Some(i),
            EventKind::Status {
                status_text: None,
                status: to,
                closes_at,
                result,
            },
        );
        true
    }

    fn place_bid(
        &mut self,
        i: usize,
        bidder: &str,
        amount: Money,
        at: Timestamp,
    ) -> Result<u64, BidRefusal> {
        rules::check_bid(&self.lots[i], amount, at)?;
        let (closes_at, extended) = rules::close_after_bid(&self.lots[i], at);
        let bidder: String = bidder.chars().take(32).collect();
        let seq = self.emit(
            at,
            Some(i),
            EventKind::Bid {
                amount,
                bidder: bidder.clone(),
                closes_at,
            },
        );
        let bids = &mut self.bids[i];
        if bids.len() >= MAX_BIDS_PER_LOT {
            bids.pop_front();
        }
        bids.push_back(Bid {
            seq,
            at,
            amount,
            bidder,
        });
        if extended {
            let extensions = self.lots[i].extensions.saturating_add(1);
            self.emit(
                at,
                Some(i),
                EventKind::Extended {
                    closes_at,
                    extensions,
                },
            );
        }
        Ok(seq)
    }

    fn run(&mut self, at: Timestamp, action: Action) {
        match action {
            Action::Cancel(i) => {
                if self.set_status(at, i, LotStatus::Cancelled, None)
                    && let Some((_, notice)) = self.plans[i].cancel.clone()
                {
                    self.emit(at, None, EventKind::Notice { message: notice });
                }
            }
            Action::Postpone(i) => self.postpone(at, i),
            Action::Open(i) => self.open(at, i),
            Action::Suspend(i) => {
                if self.set_status(at, i, LotStatus::Suspended, None) {
                    self.plans[i].suspended_at = Some(at);
                    if let Some((_, for_ms, notice, _)) = self.plans[i].suspend.clone() {
                        self.emit(at, None, EventKind::Notice { message: notice });
                        self.schedule(at.plus_millis(for_ms), Action::Resume(i));
                    }
                }
            }
            Action::Resume(i) => self.resume(at, i),
            Action::Agent(i, a) => self.agent_turn(at, i, a),
            Action::Close(i) => {
                let lot = &self.lots[i];
                if lot.status != LotStatus::Open {
                    return;
                }
                if lot.closes_at > at {
                    let next = lot.closes_at;
                    self.schedule(next, Action::Close(i));
                } else if self.set_status(at, i, LotStatus::Closed, None) {
                    self.schedule(at.plus_millis(self.protocol_delay_ms), Action::Protocol(i));
                }
            }
            Action::Protocol(i) => {
                let lot = &self.lots[i];
                let result = lot.high_bid.as_ref().map(|h| LotResult {
                    winner: h.bidder.clone(),
                    amount: h.amount,
                    protocol_at: at,
                });
                match result {
                    Some(r) if lot.participants >= lot.min_participants => {
                        self.set_status(at, i, LotStatus::Sold, Some(r));
                    }
                    _ => {
                        self.set_status(at, i, LotStatus::Unsold, None);
                    }
                }
            }
        }
    }

    /// A changed schedule goes out as a `lot` event with the whole lot.
    fn postpone(&mut self, at: Timestamp, i: usize) {
        let Some((by_ms, notice)) = self.plans[i].postpone.clone() else {
            return;
        };
        if self.lots[i].status != LotStatus::Scheduled {
            return;
        }
        let mut moved = self.lots[i].clone();
        moved.opens_at = moved.opens_at.plus_millis(by_ms);
        moved.closes_at = moved.closes_at.plus_millis(by_ms);
        let opens_at = moved.opens_at;
        self.emit(at, Some(i), EventKind::Lot(Box::new(moved)));
        self.emit(at, None, EventKind::Notice { message: notice });
        self.schedule(opens_at, Action::Open(i));
    }

    fn open(&mut self, at: Timestamp, i: usize) {
        if at < self.lots[i].opens_at {
            return; // planned before a postponement
        }
        if !self.set_status(at, i, LotStatus::Open, None) {
            return;
        }
        let lot = &self.lots[i];
        if lot.participants < lot.min_participants {
            self.set_status(at, i, LotStatus::Unsold, None);
            return;
        }
        let close = lot.closes_at;
        self.schedule(close, Action::Close(i));
        if let Some((after_ms, _, _, _)) = &self.plans[i].suspend {
            let when = at.plus_millis(*after_ms);
            self.schedule(when, Action::Suspend(i));
        }
        let mut agents =
            agents::make_agents(&self.lots[i], self.plans[i].appetite_pct, &mut self.rng);
        for (a, agent) in agents.iter_mut().enumerate() {
            let t = agents::first_look(agent, &self.lots[i], at, &mut self.rng).max(at);
            agent.next_at = Some(t);
            self.schedule(t, Action::Agent(i, a));
        }
        self.plans[i].agents = agents;
    }

    fn resume(&mut self, at: Timestamp, i: usize) {
        let Some(since) = self.plans[i].suspended_at.take() else {
            return;
        };
        if self.lots[i].status != LotStatus::Suspended {
            return;
        }
        // The close moves by the time the lot stood still; the status event
        // carries the moved close, and applying it sets the same value.
        let moved = self.lots[i].closes_at.plus_millis(since.until(at).max(0));
        self.lots[i].closes_at = moved;
        if !self.set_status(at, i, LotStatus::Open, None) {
            return;
        }
        if let Some((_, _, _, notice)) = self.plans[i].suspend.clone() {
            self.emit(at, None, EventKind::Notice { message: notice });
        }
        self.schedule(moved, Action::Close(i));
        for a in 0..self.plans[i].agents.len() {
            if self.plans[i].agents[a].next_at.is_some() {
                let t =
                    agents::first_look(&self.plans[i].agents[a], &self.lots[i], at, &mut self.rng)
                        .max(at);
                self.plans[i].agents[a].next_at = Some(t);
                self.schedule(t, Action::Agent(i, a));
            }
        }
    }

    fn agent_turn(&mut self, at: Timestamp, i: usize, a: usize) {
        let Some(agent) = self.plans[i].agents.get(a) else {
            return;
        };
        if agent.next_at != Some(at) {
            return; // superseded by a later plan (e.g. on resume)
        }
        if self.lots[i].status != LotStatus::Open {
            // Closed or suspended: resume reschedules, anything else ends it.
            if self.lots[i].status != LotStatus::Suspended {
                self.plans[i].agents[a].next_at = None;
            }
            return;
        }
        let agent = self.plans[i].agents[a].clone();
        if let Some(amount) = agents::choose_bid(&agent, &self.lots[i], &mut self.rng) {
            // A refusal (e.g. the close came first) is part of the game.
            let _ = self.place_bid(i, &agent.label, amount, at);
        }
        if agents::priced_out(&agent, &self.lots[i]) {
            self.plans[i].agents[a].next_at = None;
            return;
        }
        let next =
            agents::next_look(&agent, &self.lots[i], at, &mut self.rng).max(at.plus_millis(1));
        if next >= self.lots[i].closes_at {
            self.plans[i].agents[a].next_at = None;
            return;
        }
        self.plans[i].agents[a].next_at = Some(next);
        self.schedule(next, Action::Agent(i, a));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lot_listed_later_is_absent_from_the_site_until_then() {
        let mut day = Scenario::test_small();
        day.lots[0].opens_at_s = day.lots[0].opens_at_s.max(100);
        day.lots[0].listed_at_s = 60;
        let first = day.lots[0].id.clone();
        let start = Timestamp::parse("2025-06-24T05:00:00.000Z").expect("test input is valid");
        let e = Engine::new(&day, 1, start, 2.0);
        let listed = |at: Timestamp| e.listed_lots(at).any(|l| l.id == first);
        // Lots listed from the start are there even before the day's offset 0.
        assert_eq!(
            e.listed_lots(start.plus_millis(-5_000)).count(),
            day.lots.len() - 1
        );
        assert!(!listed(start.plus_millis(29_999)));
        assert!(listed(start.plus_millis(30_000)), "60 s at speed 2");
        assert_eq!(e.lots().len(), day.lots.len(), "the API has it throughout");
    }

    fn run_day(scenario: &Scenario, seed: u64, speed: f64, step_ms: i64) -> Engine {
        let start = Timestamp::parse("2025-06-24T05:00:00.000Z").expect("test input is valid");
        let mut e = Engine::new(scenario, seed, start, speed).with_history_cap(1_000_000);
        let mut now = start;
        while e.next_due().is_some() {
            now = now.plus_millis(step_ms);
            e.advance_to(now);
        }
        e
    }

    #[test]
    fn deterministic_whatever_the_step() {
        let s = Scenario::test_small();
        let a = run_day(&s, 7, 1.0, 1);
        let b = run_day(&s, 7, 1.0, 997);
        assert_eq!(a.last_seq(), b.last_seq());
        assert_eq!(
            a.events_after(0, usize::MAX).expect("test input is valid"),
            b.events_after(0, usize::MAX).expect("test input is valid")
        );
        assert_eq!(a.lots(), b.lots());
        let c = run_day(&s, 8, 1.0, 997);
        assert_ne!(
            a.events_after(0, usize::MAX).expect("test input is valid"),
            c.events_after(0, usize::MAX).expect("test input is valid")
        );
    }

    #[test]
    fn history_is_bounded_and_answers_gone() {
        let s = Scenario::test_small();
        let start = Timestamp(0);
        let mut e = Engine::new(&s, 1, start, 1.0).with_history_cap(5);
        e.advance_to(Timestamp(i64::MAX / 4));
        assert!(e.last_seq() > 5);
        let last = e.last_seq();
        assert_eq!(
            e.events_after(last - 5, 100)
                .expect("test input is valid")
                .len(),
            5
        );
        assert_eq!(
            e.events_after(last - 6, 100),
            Err(Gone {
                after: last - 6,
                oldest: last - 4
            })
        );
        assert!(
            e.events_after(last, 100)
                .expect("test input is valid")
                .is_empty()
        );
        assert!(
            e.events_after(last + 10, 100)
                .expect("test input is valid")
                .is_empty()
        );
        assert_eq!(
            e.events_after(last - 5, 2)
                .expect("test input is valid")
                .len(),
            2
        );
    }

    #[test]
    fn speed_compresses_the_schedule() {
        let s = Scenario::test_small();
        let start = Timestamp(1_000_000);
        let slow = Engine::new(&s, 1, start, 1.0);
        let fast = Engine::new(&s, 1, start, 10.0);
        for (a, b) in slow.lots().iter().zip(fast.lots()) {
            assert_eq!(start.until(a.opens_at), start.until(b.opens_at) * 10);
            assert_eq!(
                a.opens_at.until(a.closes_at),
                b.opens_at.until(b.closes_at) * 10
            );
            assert_eq!(a.soft_close.window_s, b.soft_close.window_s * 10);
        }
    }

    #[test]
    fn too_few_participants_open_and_go_unsold_at_once() {
        let s = Scenario::test_small();
        let e = run_day(&s, 1, 1.0, 500);
        let lot = s
            .lots
            .iter()
            .find(|l| l.participants < l.min_participants)
            .expect("test input is valid");
        let evs: Vec<_> = e
            .events_after(0, usize::MAX)
            .expect("test input is valid")
            .into_iter()
            .filter(|ev| ev.lot_id.as_deref() == Some(&lot.id))
            .collect();
        assert_eq!(evs.len(), 2);
        assert!(matches!(
            &evs[0].kind,
            EventKind::Status {
                status: LotStatus::Open,
                ..
            }
        ));
        assert!(matches!(
            &evs[1].kind,
            EventKind::Status {
                status: LotStatus::Unsold,
                ..
            }
        ));
        assert_eq!(evs[0].at, evs[1].at);
        assert_eq!(evs[0].seq + 1, evs[1].seq);
    }
}
