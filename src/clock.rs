//! The server's clock as this machine estimates it: offset samples taken from
//! response bodies (`server_time`) or the `Date` header, the best of them by
//! round trip (Cristian's method), advanced with the monotonic clock.

use crate::domain::Timestamp;

/// Monotonic milliseconds since an arbitrary origin fixed at start-up. Tests
/// make their own; the terminal loop reads it from `Instant`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mono(pub u64);

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

/// The estimate of the server's clock. Before the first sample it knows
/// nothing and says so (`now` is None).
#[derive(Clone, Debug, Default)]
pub struct ServerClock {
    /// server time = mono + offset, from the best sample kept.
    offset_ms: Option<i64>,
    /// Half the round trip of the best sample: the bound on the error.
    uncertainty_ms: u64,
}

impl ServerClock {
    pub fn new() -> ServerClock {
        ServerClock::default()
    }

    /// Takes one sample into the estimate.
    pub fn observe(&mut self, s: ClockSample) {
        let rtt = s.received.0.saturating_sub(s.sent.0);
        let mid = (s.sent.0 + rtt / 2) as i64;
        let half = rtt / 2;
        if self.offset_ms.is_none() || half <= self.uncertainty_ms {
            self.offset_ms = Some(s.server.0 - mid);
            self.uncertainty_ms = half;
        }
    }

    /// The server's time at monotonic instant `mono`.
    pub fn now(&self, mono: Mono) -> Option<Timestamp> {
        self.offset_ms.map(|o| Timestamp(mono.0 as i64 + o))
    }

    /// The bound on the estimate's error, in ms.
    pub fn uncertainty_ms(&self) -> Option<u64> {
        self.offset_ms.map(|_| self.uncertainty_ms)
    }
}
