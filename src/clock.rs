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
