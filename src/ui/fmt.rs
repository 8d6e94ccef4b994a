//! Small formatting helpers shared by the panes: statuses with symbols,
//! conversions into the display currency, in the interface language.

use crate::app::App;
use crate::domain::money::{Converted, convert};
use crate::domain::{Currency, LotStatus, Money};
use crate::i18n::{Lang, Texts};

/// Status with a symbol, so it reads without colour; the word in the
/// interface language, an unknown status as the platform sent it.
pub fn status(s: &LotStatus, tx: &Texts) -> String {
    let sym = match s {
        LotStatus::Scheduled => "◷",
        LotStatus::Open => "●",
        LotStatus::Suspended => "⏸",
        LotStatus::Closed => "■",
        LotStatus::Sold => "✔",
        LotStatus::Unsold => "✘",
        LotStatus::Cancelled => "⊘",
        LotStatus::Unknown(w) => return format!("? {w}"),
    };
    format!("{sym} {}", (tx.status)(s))
}

/// The status word alone (an unknown one as sent).
pub fn status_word<'a>(s: &'a LotStatus, tx: &Texts) -> &'a str {
    match s {
        LotStatus::Unknown(w) => w,
        known => (tx.status)(known),
    }
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

/// The display-currency cell: converted, or `n/a` (in the language) without a rate.
pub fn fx_cell(app: &App, amount: Option<Money>, compact: bool, lang: Lang) -> String {
    match amount {
        None => "—".into(),
        Some(m) => match fx(app, m) {
            Some(c) if compact => lang.converted_compact(&c),
            Some(c) => lang.converted(&c),
            None => lang.texts().no_rate_cell.into(),
        },
    }
}

pub fn money_cell(amount: Option<Money>, compact: bool, lang: Lang) -> String {
    match amount {
        None => "—".into(),
        Some(m) if compact => lang.money_compact(m),
        Some(m) => lang.money(m),
    }
}
