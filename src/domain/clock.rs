//! The server's clock as this machine estimates it: offset samples taken from
//! response bodies (`server_time`) or the `Date` header, the best of them by
//! round trip (Cristian's method), advanced with the monotonic clock. Also the
//! process-wide monotonic clock source (`mono_now`).

use crate::domain::Timestamp;
use std::collections::VecDeque;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Monotonic milliseconds since an arbitrary origin fixed at start-up. Tests
/// make their own; the live program reads it from `mono_now`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mono(pub u64);

/// Milliseconds of the monotonic clock since the first call in this process.
pub fn mono_now() -> Mono {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = ORIGIN.get_or_init(Instant::now);
    Mono(u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX))
}

/// This machine's wall clock (which may be wrong: that is what the server
/// clock is for).
pub fn wall_now() -> Timestamp {
    let ms = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    };
    Timestamp(ms)
}

/// One reading of the server's clock, bracketed by when the request left and
/// when its answer arrived (monotonic), plus this machine's wall clock at
/// arrival (to detect local clock steps and suspends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSample {
    pub server: Timestamp,
    pub sent: Mono,
    pub received: Mono,
    pub local_wall: Timestamp,
    /// True when `server` came from the `Date` header (whole seconds only).
    pub from_date_header: bool,
}

impl ClockSample {
    /// Round trip in ms (0 if the instants are out of order).
    pub fn rtt_ms(&self) -> u64 {
        self.received.0.saturating_sub(self.sent.0)
    }

    /// The bound on the error of an estimate made from this sample alone.
    pub fn uncertainty_ms(&self) -> u64 {
        let half = self.rtt_ms().div_ceil(2);
        if self.from_date_header {
            half + DATE_HEADER_SLACK_MS
        } else {
            half
        }
    }

    /// server time minus monotonic time at the middle of the round trip. A
    /// `Date` header truncates to the second, so its true value lies in
    /// `[server, server + 1000)`: take the middle of that interval.
    fn mono_offset(&self) -> i64 {
        let mid = self.sent.0.saturating_add(self.rtt_ms() / 2);
        let server = if self.from_date_header {
            self.server.0.saturating_add(DATE_HEADER_SLACK_MS as i64)
        } else {
            self.server.0
        };
        server.saturating_sub(i64::try_from(mid).unwrap_or(i64::MAX))
    }

    /// Local wall time minus monotonic time at arrival; it stays constant while
    /// neither clock is stepped and the machine does not sleep.
    fn wall_minus_mono(&self) -> i64 {
        self.local_wall
            .0
            .saturating_sub(i64::try_from(self.received.0).unwrap_or(i64::MAX))
    }
}

/// Half of a `Date` header's one-second resolution.
const DATE_HEADER_SLACK_MS: u64 = 500;
/// At most this many recent samples are kept.
const MAX_SAMPLES: usize = 16;
/// Samples older than this (monotonic) are dropped: clock drift makes them
/// worse than a fresher sample with a longer round trip.
const MAX_SAMPLE_AGE_MS: u64 = 10 * 60 * 1000;
/// A change of wall-minus-monotonic above this between samples is a local clock
/// step or a suspend: older samples are no longer comparable.
const STEP_THRESHOLD_MS: i64 = 2000;

/// The estimate of the server's clock. Before the first sample it knows
/// nothing and says so (`now` is None).
#[derive(Clone, Debug, Default)]
pub struct ServerClock {
    samples: VecDeque<ClockSample>,
    /// Index into `samples` of the one with the least uncertainty.
    best: Option<usize>,
    /// Wall-minus-mono of the newest sample (for `offset_ms` and step checks).
    last_wall_minus_mono: Option<i64>,
    resyncs: u32,
}

impl ServerClock {
    pub fn new() -> ServerClock {
        ServerClock::default()
    }

    /// Takes one sample into the estimate.
    pub fn observe(&mut self, s: ClockSample) {
        if s.received < s.sent {
            return;
        }
        let wmm = s.wall_minus_mono();
        if let Some(prev) = self.last_wall_minus_mono
            && (wmm - prev).abs() > STEP_THRESHOLD_MS
        {
            // The local clock was stepped or the machine slept (monotonic
            // time may stop during a suspend): start over from this sample.
            self.samples.clear();
            self.resyncs = self.resyncs.saturating_add(1);
        }
        self.last_wall_minus_mono = Some(wmm);
        let newest = self
            .samples
            .iter()
            .map(|x| x.received)
            .max()
            .unwrap_or(s.received)
            .max(s.received);
        self.samples.push_back(s);
        self.samples
            .retain(|x| newest.0.saturating_sub(x.received.0) <= MAX_SAMPLE_AGE_MS);
        while self.samples.len() > MAX_SAMPLES {
            self.samples.pop_front();
        }
        // Ties go to the newest sample (last in the deque).
        self.best = self
            .samples
            .iter()
            .enumerate()
            .min_by_key(|(i, x)| (x.uncertainty_ms(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
    }

    fn best(&self) -> Option<&ClockSample> {
        self.best.and_then(|i| self.samples.get(i))
    }

    /// The server's time at monotonic instant `mono`.
    pub fn now(&self, mono: Mono) -> Option<Timestamp> {
        self.best().map(|b| {
            Timestamp(
                i64::try_from(mono.0)
                    .unwrap_or(i64::MAX)
                    .saturating_add(b.mono_offset()),
            )
        })
    }

    /// The bound on the estimate's error, in ms.
    pub fn uncertainty_ms(&self) -> Option<u64> {
        self.best().map(ClockSample::uncertainty_ms)
    }

    /// Server time minus this machine's wall clock, in ms (positive: the
    /// server is ahead). For the header's skew display.
    pub fn offset_ms(&self) -> Option<i64> {
        let b = self.best()?;
        let wmm = self.last_wall_minus_mono?;
        Some(b.mono_offset().saturating_sub(wmm))
    }

    /// How many times a local clock step or suspend forced a resync.
    #[cfg(test)]
    fn resyncs(&self) -> u32 {
        self.resyncs
    }

    /// Number of samples currently kept (bounded by `MAX_SAMPLES`).
    pub fn sample_count(&self) -> usize {
        self.samples.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(server: i64, sent: u64, received: u64, wall: i64) -> ClockSample {
        ClockSample {
            server: Timestamp(server),
            sent: Mono(sent),
            received: Mono(received),
            local_wall: Timestamp(wall),
            from_date_header: false,
        }
    }

    #[test]
    fn knows_nothing_before_a_sample() {
        let c = ServerClock::new();
        assert_eq!(c.now(Mono(5)), None);
        assert_eq!(c.uncertainty_ms(), None);
        assert_eq!(c.offset_ms(), None);
    }

    #[test]
    fn keeps_the_sample_with_the_smallest_round_trip() {
        let mut c = ServerClock::new();
        // truth: server = mono + 1_000_000
        c.observe(sample(1_000_000 + 1100, 1000, 1200, 50_000)); // rtt 200, honest
        c.observe(sample(1_000_000 + 2050, 2000, 2100, 51_000)); // rtt 100, honest
        c.observe(sample(1_000_000 + 3000 + 900, 3000, 4000, 52_000)); // rtt 1000, skewed delay
        assert_eq!(c.uncertainty_ms(), Some(50));
        assert_eq!(c.now(Mono(10_000)), Some(Timestamp(1_010_000)));
    }

    #[test]
    fn date_header_samples_carry_half_a_second_more() {
        let mut c = ServerClock::new();
        c.observe(ClockSample {
            from_date_header: true,
            ..sample(5_000, 100, 120, 1)
        });
        assert_eq!(c.uncertainty_ms(), Some(510));
        // 5000 truncated to the second: true value in [5000, 6000): middle 5500 at mono 110
        assert_eq!(c.now(Mono(110)), Some(Timestamp(5_500)));
        // a body sample with a longer round trip still wins
        c.observe(sample(9_000, 3_000, 3_400, 3_401));
        assert_eq!(c.uncertainty_ms(), Some(200));
    }

    #[test]
    fn offset_against_the_local_wall_clock() {
        let mut c = ServerClock::new();
        // wall = mono + 100_000; server = wall + 3_600_000
        c.observe(sample(100_000 + 3_600_000 + 550, 500, 600, 100_600));
        assert_eq!(c.offset_ms(), Some(3_600_000));
    }

    #[test]
    fn a_clock_step_drops_older_samples() {
        let mut c = ServerClock::new();
        c.observe(sample(10_050, 0, 100, 100)); // great sample, rtt 100
        c.observe(sample(20_100, 9_800, 10_200, 10_200)); // rtt 400
        assert_eq!(c.uncertainty_ms(), Some(50));
        // machine slept: mono advanced 1 s, wall 60 s; server advanced 60 s
        c.observe(sample(80_000 + 10_400, 11_000, 11_800, 71_200));
        assert_eq!(c.resyncs(), 1);
        assert_eq!(c.sample_count(), 1);
        assert_eq!(c.uncertainty_ms(), Some(400));
        assert_eq!(c.now(Mono(11_400)), Some(Timestamp(90_400)));
    }

    #[test]
    fn bounded_and_ages_out() {
        let mut c = ServerClock::new();
        for i in 0..100u64 {
            c.observe(sample(
                i as i64 * 1000 + 5,
                i * 1000,
                i * 1000 + 10,
                i as i64 * 1000 + 10,
            ));
        }
        assert_eq!(c.sample_count(), MAX_SAMPLES);
        let mut c = ServerClock::new();
        c.observe(sample(5, 0, 10, 10));
        c.observe(sample(
            MAX_SAMPLE_AGE_MS as i64 + 60_000,
            MAX_SAMPLE_AGE_MS + 60_000 - 200,
            MAX_SAMPLE_AGE_MS + 60_000 + 200,
            MAX_SAMPLE_AGE_MS as i64 + 60_000 + 200,
        ));
        assert_eq!(c.sample_count(), 1);
        assert_eq!(c.uncertainty_ms(), Some(200));
    }

    #[test]
    fn mono_now_does_not_go_back() {
        let a = mono_now();
        let b = mono_now();
        assert!(b >= a);
    }

    proptest! {
        /// After a suspend (monotonic time stood still while the server's and
        /// the wall clock ran on), the old samples are dropped and the estimate
        /// is within half the round trip of the new sample.
        #[test]
        fn a_suspend_resynchronises(
            skew in -1_000_000_000i64..1_000_000_000,
            before in proptest::collection::vec((0u64..50, 0u64..50), 1..10),
            slept_ms in 2_001i64..100_000_000,
            up in 0u64..3_000,
            down in 0u64..3_000,
        ) {
            let mut c = ServerClock::new();
            let mut t = 10_000u64;
            for (u, d) in &before {
                c.observe(sample((t + u) as i64 + skew, t, t + u + d, (t + u + d) as i64));
                t += u + d + 1_000;
            }
            // From now on server and wall are `slept_ms` ahead of monotonic time.
            let sent = t;
            c.observe(sample((sent + up) as i64 + skew + slept_ms, sent, sent + up + down, (sent + up + down) as i64 + slept_ms));
            prop_assert_eq!(c.sample_count(), 1);
            prop_assert_eq!(c.resyncs(), 1);
            let probe = sent + up + down + 500;
            let truth = probe as i64 + skew + slept_ms;
            let err = c.now(Mono(probe)).map(|e| (e.0 - truth).unsigned_abs()).unwrap_or(u64::MAX);
            prop_assert!(err <= (up + down).div_ceil(2));
        }

        /// Whatever the skew and however asymmetric the delays, the estimate is
        /// within half the smallest round trip of the truth.
        #[test]
        fn estimate_within_half_the_smallest_round_trip(
            skew in -10_000_000_000i64..10_000_000_000,
            wall_skew in -100_000_000i64..100_000_000,
            legs in proptest::collection::vec((0u64..5_000, 0u64..5_000, 1u64..20_000), 1..40),
            probe in 0u64..1_000_000,
        ) {
            let mut c = ServerClock::new();
            let mut t = 1_000u64;
            let mut taken: Vec<(u64, u64)> = Vec::new(); // (received, rtt)
            for (up, down, gap) in &legs {
                let sent = t;
                let at_server = sent + up;
                let received = at_server + down;
                c.observe(sample(at_server as i64 + skew, sent, received, received as i64 + wall_skew));
                taken.push((received, up + down));
                t = received + gap;
            }
            // what the clock should still hold: the last MAX_SAMPLES, within the age window
            let newest = taken.last().map(|x| x.0).unwrap_or(0);
            let min_rtt = taken
                .iter()
                .rev()
                .take(MAX_SAMPLES)
                .filter(|(r, _)| newest - r <= MAX_SAMPLE_AGE_MS)
                .map(|(_, rtt)| *rtt)
                .min()
                .unwrap_or(0);
            let bound = min_rtt.div_ceil(2);
            let probe = Mono(t + probe);
            let est = c.now(probe).map(|x| x.0);
            prop_assert!(est.is_some());
            let truth = probe.0 as i64 + skew;
            let err = est.map(|e| (e - truth).unsigned_abs()).unwrap_or(u64::MAX);
            prop_assert!(err <= bound, "error {} > bound {}", err, bound);
            prop_assert_eq!(c.uncertainty_ms(), Some(bound));
            let off_err = c.offset_ms().map(|o| (o - (skew - wall_skew)).unsigned_abs()).unwrap_or(u64::MAX);
            prop_assert!(off_err <= bound);
        }
    }
}
