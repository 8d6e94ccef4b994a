//! Exchange rates: from the platform's `/rates`, from the National Bank's XML
//! feed, or fixed by the user; which one is in use, of what date, and the
//! fallback order.

use crate::domain::{Currency, Rate, Timestamp};
use std::collections::BTreeMap;

/// Where a rate table came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateSource {
    Platform,
    Nbk,
    Fixed,
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
    pub fallback: Option<String>,
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
