//! Bidding agents: who bids on a lot, how much they will pay, and when they
//! look at the lot next. Pure: randomness comes from the engine's seeded rng
//! and time is passed in. The rules themselves stay in `domain::rules`.

use crate::domain::{Lot, Money, Timestamp, rules};

/// How an agent spreads its bids over a lot's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Bids soon after the open, then checks back now and then.
    Early,
    /// Checks at random intervals across the lot's life.
    Steady,
    /// Waits for the soft-close window and bids at the last moment.
    Sniper,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// The anonymous label the platform shows (`P-07`), stable for one lot.
    pub label: String,
    /// The most this agent will bid.
    pub budget: Money,
    pub style: Style,
    /// When the agent looks at the lot next; None once it has dropped out.
    pub next_at: Option<Timestamp>,
}

/// The bidders of one lot: `lot.participants` agents with distinct labels,
/// budgets up to `appetite_pct` above the start, mixed styles. None when
/// nobody will bid (no appetite, or too few participants to trade).
pub fn make_agents(lot: &Lot, appetite_pct: u32, rng: &mut fastrand::Rng) -> Vec<Agent> {
    let Some(start) = lot.starting_bonus.known() else {
        return Vec::new();
    };
    if appetite_pct == 0 || lot.participants < lot.min_participants {
        return Vec::new();
    }
    let n = lot.participants.min(99) as usize;
    let mut numbers: Vec<u32> = (1..=(n as u32).max(12)).collect();
    rng.shuffle(&mut numbers);
    (0..n)
        .map(|i| {
            // permille of the appetite this agent reaches: 100..=1000
            let reach = rng.i64(100..=1000);
            let budget =
                start.saturating_add(start.scale(i64::from(appetite_pct) * reach, 100_000));
            let style = match (i, rng.u8(0..10)) {
                (0, _) => Style::Sniper,
                (1, _) => Style::Early,
                (_, 0..=3) => Style::Sniper,
                (_, 4..=6) => Style::Steady,
                _ => Style::Early,
            };
            Agent {
                label: format!("P-{:02}", numbers[i]),
                budget,
                style,
                next_at: None,
            }
        })
        .collect()
}

fn frac_ms(span_ms: i64, lo_pct: i64, hi_pct: i64, rng: &mut fastrand::Rng) -> i64 {
    let span = span_ms.max(1);
    let lo = span * lo_pct / 100;
    let hi = (span * hi_pct / 100).max(lo);
    rng.i64(lo..=hi)
}

fn lifetime_ms(lot: &Lot) -> i64 {
    lot.opens_at.until(lot.closes_at).max(1)
}

/// A moment inside the soft-close window, never before `now`.
fn in_window(lot: &Lot, now: Timestamp, rng: &mut fastrand::Rng) -> Timestamp {
    let window_ms = i64::from(lot.soft_close.window_s) * 1000;
    let t = lot.closes_at.plus_millis(-frac_ms(window_ms, 5, 85, rng));
    if t > now {
        t
    } else {
        now.plus_millis(rng.i64(1..=window_ms.max(2) / 4 + 1))
    }
}

/// When the agent first looks at a lot that has just opened at `now`.
pub fn first_look(agent: &Agent, lot: &Lot, now: Timestamp, rng: &mut fastrand::Rng) -> Timestamp {
    let life = lifetime_ms(lot);
    match agent.style {
        Style::Early => now.plus_millis(frac_ms(life, 1, 8, rng)),
        Style::Steady => now.plus_millis(frac_ms(life, 8, 50, rng)),
        Style::Sniper => in_window(lot, now, rng),
    }
}

/// When the agent looks again after looking at `now`.
pub fn next_look(agent: &Agent, lot: &Lot, now: Timestamp, rng: &mut fastrand::Rng) -> Timestamp {
    let life = lifetime_ms(lot);
    match agent.style {
        Style::Early => now.plus_millis(frac_ms(life, 5, 25, rng)),
        Style::Steady => now.plus_millis(frac_ms(life, 6, 18, rng)),
        Style::Sniper => in_window(lot, now, rng),
    }
}

/// What the agent bids now, if anything: the next minimum, sometimes a step
/// or two more, never above its budget; None if it leads or cannot afford it.
pub fn choose_bid(agent: &Agent, lot: &Lot, rng: &mut fastrand::Rng) -> Option<Money> {
    if lot
        .high_bid
        .as_ref()
        .is_some_and(|h| h.bidder == agent.label)
    {
        return None;
    }
    let min = rules::next_min_bid(lot)?;
    if min > agent.budget {
        return None;
    }
    let extra_steps = match rng.u8(0..10) {
        0..=6 => 0,
        7 | 8 => 1,
        _ => 2,
    };
    Some(
        min.saturating_add(lot.min_increment.scale(extra_steps, 1))
            .min(agent.budget),
    )
}

/// True when the agent cannot win any more: the next minimum is beyond it.
pub fn priced_out(agent: &Agent, lot: &Lot) -> bool {
    rules::next_min_bid(lot).is_none_or(|m| m > agent.budget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_lot;

    #[test]
    fn agents_are_distinct_and_within_appetite() {
        let lot = test_lot();
        let mut rng = fastrand::Rng::with_seed(3);
        let agents = make_agents(&lot, 40, &mut rng);
        assert_eq!(agents.len(), lot.participants as usize);
        let mut labels: Vec<_> = agents.iter().map(|a| a.label.clone()).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), agents.len());
        let start = lot.starting_bonus.known().expect("a known start");
        for a in &agents {
            assert!(a.budget >= start && a.budget <= start.scale(140, 100));
        }
        assert!(make_agents(&lot, 0, &mut rng).is_empty());
    }

    #[test]
    fn bids_respect_minimum_and_budget() {
        let mut lot = test_lot();
        let mut rng = fastrand::Rng::with_seed(9);
        let agent = Agent {
            label: "P-01".into(),
            budget: Money::from_tenge(1015),
            style: Style::Steady,
            next_at: None,
        };
        for _ in 0..50 {
            let b = choose_bid(&agent, &lot, &mut rng).expect("test input is valid");
            assert!(rules::next_min_bid(&lot).is_some_and(|m| b >= m) && b <= agent.budget);
        }
        lot.high_bid = Some(crate::domain::HighBid {
            amount: Money::from_tenge(1010),
            bidder: "P-02".into(),
            at: Timestamp(0),
            seq: 1,
        });
        assert_eq!(
            choose_bid(&agent, &lot, &mut rng),
            None,
            "1020 is beyond the budget"
        );
        assert!(priced_out(&agent, &lot));
    }

    #[test]
    fn snipers_look_inside_the_window_before_the_close() {
        let lot = test_lot();
        let mut rng = fastrand::Rng::with_seed(1);
        let agent = Agent {
            label: "P-01".into(),
            budget: Money::from_tenge(2000),
            style: Style::Sniper,
            next_at: None,
        };
        for _ in 0..100 {
            let t = first_look(&agent, &lot, lot.opens_at, &mut rng);
            assert!(t < lot.closes_at && rules::in_soft_close_window(&lot, t));
        }
    }
}
