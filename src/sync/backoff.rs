//! How long to wait between attempts: exponential backoff with full jitter
//! (capped, with a small floor so a failing platform never sees a burst), and
//! a token bucket that bounds the request rate whatever happens.

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
    pub fn ceiling(&self, n: u32) -> Duration {
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
