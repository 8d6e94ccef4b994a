//! Exchange rates: from the platform's `/rates`, from the National Bank's XML
//! feed, or fixed by the user; which one is in use, of what date, and the
//! fallback order (the refreshing task is `sync::rates`).

pub mod nbk;

use crate::domain::{Currency, Rate, Timestamp};
use std::collections::BTreeMap;
use std::time::Duration;

/// Where a rate table came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateSource {
    Platform,
    Nbk,
    Fixed,
}

impl RateSource {
    pub fn label(&self) -> &'static str {
        match self {
            RateSource::Platform => "platform",
            RateSource::Nbk => "NBK",
            RateSource::Fixed => "fixed",
        }
    }
}

/// Why a table is a fallback: the sources that failed (each with its
/// error, as the log has it) and what is shown instead. The view words it
/// in the interface language; `Display` is the log's English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    pub failed: Vec<(RateSource, String)>,
    pub using: FallbackTo,
}

/// What a fallback shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FallbackTo {
    /// The next source's rates.
    Source(RateSource),
    /// The fixed rates the configuration gives.
    Fixed,
    /// The last rates read successfully.
    LastGood,
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (src, e)) in self.failed.iter().enumerate() {
            let sep = if i > 0 { "; " } else { "" };
            write!(f, "{sep}{} rates failed: {e}", src.label())?;
        }
        match &self.using {
            FallbackTo::Source(s) => write!(f, "; using {} rates", s.label()),
            FallbackTo::Fixed => write!(f, "; using the fixed rates given"),
            FallbackTo::LastGood => write!(f, "; showing the last good rates"),
        }
    }
}

/// Tenge per unit of each foreign currency, for one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateTable {
    pub source: RateSource,
    /// The date the rates are for (Astana calendar); None for fixed rates.
    pub date: Option<jiff::civil::Date>,
    pub rates: BTreeMap<Currency, Rate>,
    /// Server time when they were read.
    pub fetched_at: Timestamp,
    /// Set when this table is a fallback: why the preferred source failed.
    pub fallback: Option<Fallback>,
}

impl RateTable {
    /// The rate for `c`; tenge is never converted to itself.
    pub fn get(&self, c: Currency) -> Option<Rate> {
        if c == Currency::Kzt {
            None
        } else {
            self.rates.get(&c).copied()
        }
    }
}

/// The National Bank's feed; `{date}` becomes the Astana date as DD.MM.YYYY.
pub const NBK_DEFAULT_URL: &str = "https://nationalbank.kz/rss/get_rates.cfm?fdate={date}";

/// Which source the user chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatesMode {
    Platform,
    Nbk,
    /// Only the rates given with `--rate`.
    Fixed,
}

/// How rates are read and refreshed.
#[derive(Clone, Debug)]
pub struct RatesConfig {
    pub mode: RatesMode,
    /// The NBK feed URL template (the demo points it at the simulator).
    pub nbk_url: String,
    /// `--rate` values.
    pub fixed: BTreeMap<Currency, Rate>,
    /// Refresh this often (and whenever the server's Astana date changes).
    pub refresh: Duration,
    /// After a failure, try again this soon (doubling up to `refresh`).
    pub retry: Duration,
    /// How often to look whether the server's Astana date has changed.
    pub date_check: Duration,
}

impl Default for RatesConfig {
    fn default() -> Self {
        RatesConfig {
            mode: RatesMode::Platform,
            nbk_url: NBK_DEFAULT_URL.to_string(),
            fixed: BTreeMap::new(),
            refresh: Duration::from_secs(3600),
            retry: Duration::from_secs(60),
            date_check: Duration::from_secs(30),
        }
    }
}

/// What is wrong with a `--rate CUR=RATE` value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixedRateError {
    #[error("--rate {0:?}: expected CUR=RATE, e.g. USD=519.53")]
    Shape(String),
    #[error("--rate {arg:?}: unknown currency {code:?} (USD, EUR or CNY)")]
    UnknownCurrency { arg: String, code: String },
    #[error("--rate {0:?}: tenge is the base currency and needs no rate")]
    Base(String),
    #[error("--rate {arg:?}: {value:?} is not a positive decimal number like 519.53")]
    Value { arg: String, value: String },
    #[error("--rate: {0} given twice")]
    Twice(&'static str),
}

/// Parses one `--rate` value: `USD=519.53` (tenge per unit).
fn parse_fixed_rate(s: &str) -> Result<(Currency, Rate), FixedRateError> {
    let (code, value) = s
        .split_once('=')
        .ok_or_else(|| FixedRateError::Shape(s.to_string()))?;
    let cur = Currency::from_code(code).ok_or_else(|| FixedRateError::UnknownCurrency {
        arg: s.to_string(),
        code: code.to_string(),
    })?;
    if cur == Currency::Kzt {
        return Err(FixedRateError::Base(s.to_string()));
    }
    let rate = Rate::parse(value.trim()).ok_or_else(|| FixedRateError::Value {
        arg: s.to_string(),
        value: value.to_string(),
    })?;
    Ok((cur, rate))
}

/// Parses every `--rate`; a currency given twice is an error.
pub fn parse_fixed_rates(args: &[String]) -> Result<BTreeMap<Currency, Rate>, FixedRateError> {
    let mut out = BTreeMap::new();
    for a in args {
        let (c, r) = parse_fixed_rate(a)?;
        if out.insert(c, r).is_some() {
            return Err(FixedRateError::Twice(c.code()));
        }
    }
    Ok(out)
}

/// The feed URL for one Astana date.
pub fn nbk_url_for(template: &str, date: jiff::civil::Date) -> String {
    nbk::nbk_url(template, date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn fixed_rates_parse_with_clear_errors() {
        assert_eq!(
            parse_fixed_rate("USD=519.53"),
            Ok((Currency::Usd, Rate(Decimal::new(51953, 2))))
        );
        assert_eq!(
            parse_fixed_rate("eur=601"),
            Ok((Currency::Eur, Rate(Decimal::from(601))))
        );
        assert!(
            parse_fixed_rate("USD")
                .unwrap_err()
                .to_string()
                .contains("expected CUR=RATE")
        );
        assert!(
            parse_fixed_rate("GBP=700")
                .unwrap_err()
                .to_string()
                .contains("unknown currency")
        );
        assert!(
            parse_fixed_rate("KZT=1")
                .unwrap_err()
                .to_string()
                .contains("base currency")
        );
        for bad in ["USD=0", "USD=-1", "USD=5e2", "USD=519,53", "USD="] {
            assert!(
                parse_fixed_rate(bad)
                    .unwrap_err()
                    .to_string()
                    .contains("not a positive decimal"),
                "{bad}"
            );
        }
        assert!(
            parse_fixed_rates(&["USD=1".into(), "USD=2".into()])
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert_eq!(
            parse_fixed_rates(&["USD=1".into(), "CNY=72.31".into()]).map(|m| m.len()),
            Ok(2)
        );
    }

    #[test]
    fn never_converts_tenge_to_itself() {
        let mut rates = BTreeMap::new();
        rates.insert(Currency::Kzt, Rate(Decimal::ONE));
        rates.insert(Currency::Usd, Rate(Decimal::from(500)));
        let t = RateTable {
            source: RateSource::Fixed,
            date: None,
            rates,
            fetched_at: Timestamp(0),
            fallback: None,
        };
        assert_eq!(t.get(Currency::Kzt), None);
        assert_eq!(t.get(Currency::Usd), Some(Rate(Decimal::from(500))));
    }

    #[test]
    fn nbk_url_uses_dd_mm_yyyy() {
        let d = jiff::civil::date(2025, 6, 4);
        assert_eq!(
            nbk_url_for(NBK_DEFAULT_URL, d),
            "https://nationalbank.kz/rss/get_rates.cfm?fdate=04.06.2025"
        );
        assert_eq!(
            nbk_url_for("http://127.0.0.1:9/nbk/rss/get_rates.cfm?fdate={date}", d),
            "http://127.0.0.1:9/nbk/rss/get_rates.cfm?fdate=04.06.2025"
        );
    }
}
