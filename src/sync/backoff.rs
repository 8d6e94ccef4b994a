//! How long to wait between attempts: exponential backoff with full jitter
//! (capped, with a small floor so a failing platform never sees a burst), a
//! token bucket that bounds the request rate whatever happens, and the wait
//! before a long-poll that follows one that brought events.

use std::time::Duration;
use tokio::time::Instant;

/// Exponential backoff with full jitter: attempt `n` (from 1) waits a uniform
/// random time in `[floor, min(cap, base * 2^(n-1))]`.
#[derive(Debug)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    floor: Duration,
    attempt: u32,
    rng: fastrand::Rng,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration, floor: Duration) -> Backoff {
        Backoff {
            base,
            cap: cap.max(floor),
            floor,
            attempt: 0,
            rng: fastrand::Rng::new(),
        }
    }

    /// Same, with a fixed seed (tests).
    pub fn with_seed(base: Duration, cap: Duration, floor: Duration, seed: u64) -> Backoff {
        Backoff {
            rng: fastrand::Rng::with_seed(seed),
            ..Backoff::new(base, cap, floor)
        }
    }

    /// The delay before the next attempt; counts one more attempt.
    pub fn next_delay(&mut self) -> Duration {
        self.attempt = self.attempt.saturating_add(1);
        let ceiling = self.ceiling(self.attempt);
        let lo = self.floor.as_millis() as u64;
        let hi = (ceiling.as_millis() as u64).max(lo);
        Duration::from_millis(self.rng.u64(lo..=hi))
    }

    /// The upper bound of the delay for attempt `n`.
    fn ceiling(&self, n: u32) -> Duration {
        let factor = 1u32
            .checked_shl(n.saturating_sub(1).min(31))
            .unwrap_or(u32::MAX);
        self.base
            .saturating_mul(factor)
            .min(self.cap)
            .max(self.floor)
    }

    /// Attempts counted since the last reset.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// A token bucket: at most `burst` requests at once, refilled at `per_sec`.
#[derive(Debug)]
pub struct Pacer {
    burst: f64,
    per_sec: f64,
    tokens: f64,
    last: Instant,
}

impl Pacer {
    pub fn new(burst: u32, per_sec: u32) -> Pacer {
        let burst = f64::from(burst.max(1));
        Pacer {
            burst,
            per_sec: f64::from(per_sec.max(1)),
            tokens: burst,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.per_sec).min(self.burst);
        self.last = now;
    }

    /// How long until a request may go; takes the token when it is zero.
    pub fn delay(&mut self, now: Instant) -> Duration {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Duration::ZERO
        } else {
            let wait = (1.0 - self.tokens) / self.per_sec;
            // The request goes at `now + wait`, having used that token.
            self.tokens -= 1.0;
            Duration::from_secs_f64(wait)
        }
    }

    /// Waits for a token.
    pub async fn take(&mut self) {
        let d = self.delay(Instant::now());
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }
}

/// The wait before the next long-poll after an answer that brought events:
/// `min` while the feed is light, rising linearly to `cap` as the event rate
/// goes from `LIGHT_RATE` to `HEAVY_RATE`.
///
/// The rate is an exponentially decaying count: each event adds `1 / TAU_S`,
/// and the sum decays by `e^(-dt / TAU_S)`. A steady feed of r events/s
/// converges to r whatever the answers' sizes and spacing (so a longer floor,
/// which makes fewer and larger answers, does not raise the estimate), while
/// a one-off burst of n events adds only n / `TAU_S` and is forgotten within
/// a few `TAU_S`.
#[derive(Clone, Debug)]
pub struct FeedFloor {
    min: Duration,
    cap: Duration,
    /// Events per second, as of `last`.
    rate: f64,
    last: Option<Instant>,
}

impl FeedFloor {
    /// Time constant of the rate estimate, seconds: a heavy feed reaches the
    /// cap within ~1.5 s, and the floor is back at `min` ~1.5 s after it ends.
    const TAU_S: f64 = 1.0;
    /// Up to this many events/s the floor stays at `min`. The latency bench's
    /// feed (300 lots at 60x) peaks at 55/s when its lots open or close.
    const LIGHT_RATE: f64 = 60.0;
    /// From this many events/s on the floor is `cap`. The 10 000-lot day at
    /// 600x (~190/s) is estimated at 130-245.
    pub const HEAVY_RATE: f64 = 150.0;

    pub fn new(min: Duration, cap: Duration) -> FeedFloor {
        FeedFloor {
            min,
            cap: cap.max(min),
            rate: 0.0,
            last: None,
        }
    }

    /// Counts an answer of the feed that delivered `events` (0 for an empty
    /// one) at `now`.
    pub fn on_answer(&mut self, events: usize, now: Instant) {
        let decay = self.last.map_or(0.0, |last| {
            (-now.saturating_duration_since(last).as_secs_f64() / Self::TAU_S).exp()
        });
        // usize -> f64 is exact up to 2^53: far beyond a page of events.
        self.rate = self.rate * decay + events as f64 / Self::TAU_S;
        self.last = Some(now);
    }

    /// The estimated event rate at the last answer, events/s.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// How long the next long-poll waits after the last answer.
    pub fn floor(&self) -> Duration {
        let heavy = (self.rate - Self::LIGHT_RATE) / (Self::HEAVY_RATE - Self::LIGHT_RATE);
        // Written so that a NaN (which cannot arise) could not reach `mul_f64`.
        if heavy >= 1.0 {
            self.cap
        } else if heavy > 0.0 {
            self.min + (self.cap - self.min).mul_f64(heavy)
        } else {
            self.min
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ceiling_doubles_up_to_the_cap() {
        let b = Backoff::new(
            Duration::from_millis(500),
            Duration::from_secs(30),
            Duration::from_millis(200),
        );
        let c: Vec<u64> = (1..=9).map(|n| b.ceiling(n).as_millis() as u64).collect();
        assert_eq!(c, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn jitter_spreads_and_reset_restarts() {
        let mut b = Backoff::with_seed(
            Duration::from_secs(1),
            Duration::from_secs(30),
            Duration::from_millis(200),
            7,
        );
        let many: Vec<Duration> = (0..12).map(|_| b.next_delay()).collect();
        assert_eq!(b.attempt(), 12);
        // later attempts reach beyond the first ceiling
        assert!(many.iter().skip(6).any(|d| *d > Duration::from_secs(1)));
        b.reset();
        assert_eq!(b.attempt(), 0);
        assert!(b.next_delay() <= Duration::from_secs(1));
    }

    proptest! {
        #[test]
        fn delays_stay_between_floor_and_ceiling(seed in any::<u64>(), n in 1usize..50) {
            let mut b = Backoff::with_seed(Duration::from_millis(500), Duration::from_secs(30), Duration::from_millis(250), seed);
            for i in 1..=n {
                let d = b.next_delay();
                prop_assert!(d >= Duration::from_millis(250));
                prop_assert!(d <= b.ceiling(i as u32));
            }
        }
    }

    const MIN: Duration = Duration::from_millis(20);
    const CAP: Duration = Duration::from_millis(100);

    /// Event times (s) of a Poisson feed of `rate`/s over `[from, to)`.
    fn poisson(rate: f64, from: f64, to: f64, seed: u64) -> Vec<f64> {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut t = from;
        let mut out = Vec::new();
        loop {
            // 1 - f64() is in (0, 1]: ln is finite.
            t += -(1.0 - rng.f64()).ln() / rate;
            if t >= to {
                return out;
            }
            out.push(t);
        }
    }

    /// One answer of the feed: when it came (s), how many events, the floor after.
    #[derive(Debug)]
    struct Answer {
        at: f64,
        events: usize,
        floor: Duration,
    }

    /// The engine's loop against a feed whose events come at `events` (s,
    /// sorted): a long-poll is answered as soon as an event is waiting (after
    /// `rtt_s`), with every event up to then; the next one goes a floor later.
    fn play(events: &[f64], rtt_s: f64) -> Vec<Answer> {
        let t0 = Instant::now();
        let mut ff = FeedFloor::new(MIN, CAP);
        let (mut asked, mut next, mut out) = (0.0_f64, 0, Vec::new());
        while let Some(&first) = events.get(next) {
            let at = asked.max(first) + rtt_s;
            let n = events[next..].iter().take_while(|&&e| e <= at).count();
            next += n;
            ff.on_answer(n, t0 + Duration::from_secs_f64(at));
            let floor = ff.floor();
            out.push(Answer {
                at,
                events: n,
                floor,
            });
            asked = at + floor.as_secs_f64();
        }
        out
    }

    fn max_floor(answers: &[Answer], from: f64, to: f64) -> Duration {
        answers
            .iter()
            .filter(|a| a.at >= from && a.at < to)
            .map(|a| a.floor)
            .max()
            .unwrap_or_default()
    }

    #[test]
    fn a_light_feed_keeps_the_minimum_floor() {
        for seed in 0..5 {
            let answers = play(&poisson(10.0, 0.0, 60.0, seed), 0.002);
            assert!(answers.len() > 300, "{}", answers.len());
            assert_eq!(max_floor(&answers, 0.0, 60.0), MIN, "seed {seed}");
        }
    }

    #[test]
    fn a_heavy_feed_reaches_the_cap_and_makes_fewer_larger_answers() {
        let answers = play(&poisson(200.0, 0.0, 12.0, 1), 0.002);
        let late: Vec<&Answer> = answers.iter().filter(|a| a.at >= 2.0).collect();
        assert!(late.iter().all(|a| a.floor == CAP), "{late:?}");
        // ~1 answer per 102 ms, ~20 events each (at the minimum floor: ~45
        // answers a second of ~4-5 events).
        let per_sec = late.len() as f64 / 10.0;
        assert!((9.0..=10.0).contains(&per_sec), "{per_sec}");
        let mean = late.iter().map(|a| a.events).sum::<usize>() as f64 / late.len() as f64;
        assert!(mean > 17.0, "{mean}");
        // ... reached within 2 s of a cold start.
        let first_cap = answers.iter().find(|a| a.floor == CAP).map(|a| a.at);
        assert!(first_cap.is_some_and(|t| t < 2.0), "{first_cap:?}");
    }

    /// A light feed (5/s) with `burst` events at once at t = 10 s.
    fn light_with_burst(burst: usize, seed: u64) -> Vec<Answer> {
        let mut events = poisson(5.0, 0.0, 20.0, seed);
        events.extend(std::iter::repeat_n(10.0, burst));
        events.sort_by(f64::total_cmp);
        play(&events, 0.002)
    }

    #[test]
    fn a_burst_in_a_light_feed_stays_short() {
        for seed in 0..5 {
            // More than the latency bench's largest (53, its lots opening).
            let answers = light_with_burst(60, seed);
            assert_eq!(max_floor(&answers, 0.0, 10.0), MIN);
            let burst = max_floor(&answers, 10.0, 20.0);
            assert!(
                burst > MIN && burst <= Duration::from_millis(40),
                "{burst:?}"
            );
            assert_eq!(max_floor(&answers, 11.0, 20.0), MIN, "seed {seed}");
            // 300 lots opening together: the cap, but for less than 2 s.
            let answers = light_with_burst(300, seed);
            assert_eq!(max_floor(&answers, 10.0, 20.0), CAP);
            assert_eq!(max_floor(&answers, 12.0, 20.0), MIN, "seed {seed}");
        }
    }

    #[test]
    fn the_floor_is_back_at_the_minimum_soon_after_a_heavy_feed() {
        let mut events = poisson(200.0, 0.0, 10.0, 3);
        events.extend(poisson(5.0, 10.0, 30.0, 4));
        let answers = play(&events, 0.002);
        assert_eq!(max_floor(&answers, 5.0, 10.0), CAP);
        assert_eq!(max_floor(&answers, 11.5, 30.0), MIN);
    }

    #[test]
    fn the_estimate_does_not_depend_on_how_the_events_are_paged() {
        // 120 events/s, fetched every 25 ms or every 100 ms: the same rate,
        // so a longer floor does not feed back into a longer floor.
        let t0 = Instant::now();
        for every_ms in [25u64, 100] {
            let mut ff = FeedFloor::new(MIN, CAP);
            let per_answer = (120 * every_ms / 1000) as usize;
            for i in 1..=(5000 / every_ms) {
                ff.on_answer(per_answer, t0 + Duration::from_millis(i * every_ms));
            }
            assert!(
                (115.0..=127.0).contains(&ff.rate()),
                "{every_ms}: {}",
                ff.rate()
            );
        }
    }

    #[test]
    fn empty_answers_let_the_rate_decay() {
        let t0 = Instant::now();
        let mut ff = FeedFloor::new(MIN, CAP);
        for i in 1..=50u64 {
            ff.on_answer(20, t0 + Duration::from_millis(i * 100));
        }
        assert_eq!(ff.floor(), CAP);
        // the feed stops: the next answer is the long-poll's timeout
        ff.on_answer(0, t0 + Duration::from_secs(30));
        assert!(ff.rate() < 1e-6, "{}", ff.rate());
        assert_eq!(ff.floor(), MIN);
    }

    proptest! {
        #[test]
        fn the_floor_stays_between_min_and_cap(
            answers in proptest::collection::vec((0usize..5000, 0u64..60_000), 0..200),
            min_ms in 0u64..200,
            cap_ms in 0u64..500,
        ) {
            let (min, cap) = (Duration::from_millis(min_ms), Duration::from_millis(cap_ms));
            let mut ff = FeedFloor::new(min, cap);
            let mut at = Instant::now();
            prop_assert_eq!(ff.floor(), min);
            for (n, dt) in answers {
                at += Duration::from_millis(dt);
                ff.on_answer(n, at);
                prop_assert!(ff.rate().is_finite() && ff.rate() >= 0.0);
                prop_assert!(ff.floor() >= min && ff.floor() <= cap.max(min));
            }
        }
    }

    #[test]
    fn pacer_bounds_the_rate() {
        let t0 = Instant::now();
        let mut p = Pacer::new(4, 4);
        // 4 at once, then one every 250 ms
        let mut at = t0;
        let mut sent = Vec::new();
        for _ in 0..12 {
            let d = p.delay(at);
            at += d;
            sent.push(at.duration_since(t0).as_millis() as u64);
        }
        assert_eq!(&sent[..4], &[0, 0, 0, 0]);
        for w in sent[4..].windows(2) {
            assert!((249..=251).contains(&(w[1] - w[0])), "{sent:?}");
        }
        // over any second after the burst, at most 4 + 1
        assert!(sent.iter().filter(|&&t| t <= 1000).count() <= 8);
    }
}
