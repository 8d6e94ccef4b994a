//! Small formatting helpers shared by the panes: statuses with symbols,
//! conversions into the display currency, in the interface language.

use crate::app::App;
use crate::domain::money::{Converted, convert};
use crate::domain::{Currency, LotStatus, Money};
use crate::ui::i18n::{Lang, Texts};

/// Status with a symbol, so it reads without colour; the word in the
/// interface language, an unknown status as the platform sent it.
pub fn status(s: &LotStatus, tx: &Texts) -> String {
    let (sym, word) = status_parts(s, tx);
    format!("{sym} {word}")
}

/// The symbol and the word of `status` (`?` and the word as sent for an
/// unknown one).
pub fn status_parts<'a>(s: &'a LotStatus, tx: &Texts) -> (&'static str, &'a str) {
    let sym = match s {
        LotStatus::Scheduled => "◷",
        LotStatus::Open => "●",
        LotStatus::Suspended => "⏸",
        LotStatus::Closed => "■",
        LotStatus::Sold => "✔",
        LotStatus::Unsold => "✘",
        LotStatus::Cancelled => "⊘",
        LotStatus::Unknown(w) => return ("?", w),
    };
    (sym, (tx.status)(s))
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

/// Appends the display-currency cell to `out`: converted, or `n/a` (in
/// the language) without a rate.
pub fn fx_cell(out: &mut String, app: &App, amount: Option<Money>, compact: bool, lang: Lang) {
    match amount {
        None => out.push('—'),
        Some(m) => match fx(app, m) {
            Some(c) if compact => lang.push_compact(out, c.amount, c.currency.symbol()),
            Some(c) => lang.push_converted(out, &c),
            None => out.push_str(lang.texts().no_rate_cell),
        },
    }
}

/// Appends a tenge cell to `out`, `—` for none.
pub fn money_cell(out: &mut String, amount: Option<Money>, compact: bool, lang: Lang) {
    match amount {
        None => out.push('—'),
        Some(m) if compact => lang.push_compact(out, m.as_decimal(), Currency::Kzt.symbol()),
        Some(m) => lang.push_money(out, m),
    }
}
