//! Points in time on the server's clock, as milliseconds since the Unix epoch,
//! with the contract's RFC 3339 form and Astana wall-clock formatting.

use std::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z, as the server counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 time: {0:?}")]
pub struct TimeError(pub String);

/// The platform's time zone.
pub const PLATFORM_TZ: &str = "Asia/Almaty";

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    pub fn plus_secs(self, s: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(s.saturating_mul(1000)))
    }

    pub fn plus_millis(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }

    /// Milliseconds from `self` to `later` (negative if `later` is earlier).
    pub fn until(self, later: Timestamp) -> i64 {
        later.0.saturating_sub(self.0)
    }

    /// Parses RFC 3339 (`2025-06-24T05:00:00.000Z`, any offset).
    pub fn parse(s: &str) -> Result<Timestamp, TimeError> {
        let short = || TimeError(s.chars().take(40).collect());
        if s.len() > 40 {
            return Err(short());
        }
        let ts: jiff::Timestamp = s.parse().map_err(|_| short())?;
        Ok(Timestamp(ts.as_millisecond()))
    }

    /// The contract's form: UTC with milliseconds.
    pub fn to_rfc3339(self) -> String {
        match jiff::Timestamp::from_millisecond(self.0) {
            Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            Err(_) => "1970-01-01T00:00:00.000Z".into(),
        }
    }

    /// Wall-clock time in Astana.
    pub fn astana(self) -> Option<jiff::ZonedDateTime> {
        let tz = astana_tz();
        jiff::Timestamp::from_millisecond(self.0)
            .ok()
            .map(|t| t.to_zoned_datetime(tz))
    }

    /// `hh:mm:ss` in Astana.
    pub fn astana_hms(self) -> String {
        self.astana()
            .map(|z| z.strftime("%H:%M:%S").to_string())
            .unwrap_or_else(|| "--:--:--".into())
    }

    /// The Astana calendar date, `YYYY-MM-DD`.
    pub fn astana_date(self) -> Option<jiff::civil::Date> {
        self.astana().map(|z| z.date())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// `Asia/Almaty` from the bundled tz database (UTC+5 fixed if it is missing).
pub fn astana_tz() -> jiff::tz::TimeZone {
    use std::sync::OnceLock;
    static TZ: OnceLock<jiff::tz::TimeZone> = OnceLock::new();
    TZ.get_or_init(|| {
        jiff::tz::TimeZone::get(PLATFORM_TZ)
            .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(5)))
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_astana() {
        let t = Timestamp::parse("2025-06-24T05:00:00.120Z").expect("test input is valid");
        assert_eq!(t.to_rfc3339(), "2025-06-24T05:00:00.120Z");
        assert_eq!(t.astana_hms(), "10:00:00");
        assert_eq!(
            t.astana_date().expect("test input is valid").to_string(),
            "2025-06-24"
        );
        assert!(Timestamp::parse("yesterday").is_err());
        assert!(Timestamp::parse("2025-06-24T05:00:00").is_err());
    }
}
