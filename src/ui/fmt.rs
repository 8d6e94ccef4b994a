//! Small formatting helpers shared by the panes: statuses with symbols,
//! conversions into the display currency, Astana times.

use crate::app::App;
use crate::domain::money::{Converted, convert};
use crate::domain::{Currency, LotStatus, Money, Timestamp};

/// Status with a symbol, so it reads without colour.
pub fn status(s: &LotStatus) -> String {
    let (sym, word) = match s {
        LotStatus::Scheduled => ("◷", "scheduled"),
        LotStatus::Open => ("●", "open"),
        LotStatus::Suspended => ("⏸", "suspended"),
        LotStatus::Closed => ("■", "closed"),
        LotStatus::Sold => ("✔", "sold"),
        LotStatus::Unsold => ("✘", "unsold"),
        LotStatus::Cancelled => ("⊘", "cancelled"),
        LotStatus::Unknown(w) => return format!("? {w}"),
    };
    format!("{sym} {word}")
}

/// `amount` in the display currency; None when that is tenge or has no rate.
pub fn fx(app: &App, amount: Money) -> Option<Converted> {
    let c = app.currency;
    if c == Currency::Kzt {
        return None;
    }
    let rate = app.rates.as_ref()?.get(c)?;
    convert(amount, c, rate)
}

/// The display-currency cell: converted, or `n/a` without a rate.
pub fn fx_cell(app: &App, amount: Option<Money>, compact: bool) -> String {
    match amount {
        None => "—".into(),
        Some(m) => match fx(app, m) {
            Some(c) if compact => c.compact(),
            Some(c) => c.grouped(),
            None => "n/a".into(),
        },
    }
}

pub fn money_cell(amount: Option<Money>, compact: bool) -> String {
    match amount {
        None => "—".into(),
        Some(m) if compact => m.compact(),
        Some(m) => m.grouped(),
    }
}

/// `2025-06-24 10:00:00` in Astana.
pub fn astana_datetime(t: Timestamp) -> String {
    t.astana()
        .map(|z| z.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "--".into())
}

/// A duration in ms as `45s`, `12m`, `3h`, `2d`.
pub fn age(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(age(-5), "0s");
        assert_eq!(age(59_999), "59s");
        assert_eq!(age(120_000), "2m");
        assert_eq!(age(7_200_000), "2h");
        assert_eq!(age(200_000_000), "2d");
    }
}
