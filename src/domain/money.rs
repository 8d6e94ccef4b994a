//! Exact money: tenge held as integer tiyn (1/100 tenge), strict parsing of the
//! contract's money strings, display with grouping or in compact form, and
//! conversion to other currencies at an exact decimal rate.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::{self, Write as _};

/// An amount of tenge in tiyn (hundredths). Never negative when parsed from
/// the platform; arithmetic saturates instead of overflowing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// An amount as a source gave it: a number, or something the source showed
/// in its place that is not one (a site's «договорная», "by agreement").
/// An unreadable amount is never a zero: sums leave it out and count it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Amount {
    Known(Money),
    Unreadable,
}

impl Amount {
    /// What `to_wire` writes for an unreadable amount.
    pub const UNREADABLE: &'static str = "unreadable";

    pub fn known(self) -> Option<Money> {
        match self {
            Amount::Known(m) => Some(m),
            Amount::Unreadable => None,
        }
    }

    pub fn is_unreadable(self) -> bool {
        self == Amount::Unreadable
    }

    /// The decimal string, or `unreadable`.
    pub fn to_wire(self) -> String {
        match self {
            Amount::Known(m) => m.to_wire(),
            Amount::Unreadable => Self::UNREADABLE.into(),
        }
    }

    /// Reads back what `to_wire` wrote.
    pub fn parse(s: &str) -> Result<Amount, MoneyError> {
        if s == Self::UNREADABLE {
            Ok(Amount::Unreadable)
        } else {
            Money::parse(s).map(Amount::Known)
        }
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Amount {
        Amount::Known(m)
    }
}

/// Why a money string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("empty amount")]
    Empty,
    #[error("not a plain decimal string: {0:?}")]
    Malformed(String),
    #[error("more than two fraction digits: {0:?}")]
    TooPrecise(String),
    #[error("amount too large: {0:?}")]
    TooLarge(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_tiyn(tiyn: i64) -> Money {
        Money(tiyn)
    }

    pub const fn from_tenge(tenge: i64) -> Money {
        Money(tenge.saturating_mul(100))
    }

    pub const fn tiyn(self) -> i64 {
        self.0
    }

    /// Strict parse of the contract's form: ASCII digits, optionally a dot and
    /// one or two digits. No sign, exponent, grouping, spaces or NaN.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let short = || s.chars().take(40).collect::<String>();
        let Some((int, frac)) = plain_parts(s) else {
            return Err(MoneyError::Malformed(short()));
        };
        let frac_tiyn = match frac {
            None => 0,
            Some(f) if f.len() > 2 => return Err(MoneyError::TooPrecise(short())),
            Some(f) => {
                let v: i64 = f.parse().map_err(|_| MoneyError::Malformed(short()))?;
                if f.len() == 1 { v * 10 } else { v }
            }
        };
        let int = int.trim_start_matches('0');
        if int.len() > 16 {
            return Err(MoneyError::TooLarge(short()));
        }
        let tenge: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| MoneyError::TooLarge(short()))?
        };
        tenge
            .checked_mul(100)
            .and_then(|t| t.checked_add(frac_tiyn))
            .map(Money)
            .ok_or_else(|| MoneyError::TooLarge(short()))
    }

    /// The contract's wire form: `"36920000.00"`.
    pub fn to_wire(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }

    pub fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    pub fn saturating_sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }

    /// `self * num / den`, rounded down to the tiyn; for scenario arithmetic.
    pub fn scale(self, num: i64, den: i64) -> Money {
        if den == 0 {
            return self;
        }
        let v = (self.0 as i128) * (num as i128) / (den as i128);
        Money(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }

    pub fn as_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Uplift over `base` in percent, one decimal, e.g. `20.0`; None if base is 0.
    pub fn uplift_percent(self, base: Money) -> Option<Decimal> {
        if base.0 <= 0 {
            return None;
        }
        let pct = Decimal::from(self.0 - base.0) * Decimal::from(100) / Decimal::from(base.0);
        Some(pct.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
    }

    /// Whole tenge with a space every three digits: `36 920 000 ₸`; tiyn are
    /// shown only when present: `1 250.50 ₸`.
    pub fn grouped(self) -> String {
        let mut out = String::with_capacity(32);
        push_amount(&mut out, i128::from(self.0), ' ', '.', false);
        out.push_str(" ₸");
        out
    }

    /// Short form for narrow columns: `36.9 M₸`, `1.25 bn ₸`, `950 K₸`.
    pub fn compact(self) -> String {
        compact_amount(self.as_decimal(), "₸")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// `1234567` -> `1 234 567`.
pub fn group_digits(n: u64) -> String {
    let mut s = String::with_capacity(26);
    push_grouped(&mut s, n, ' ');
    s
}

/// Appends `n` with `sep` between groups of three digits (the view formats
/// every amount on screen each frame: no allocation but the output).
pub fn push_grouped(out: &mut String, n: u64, sep: char) {
    let mut digits = [0u8; 20];
    let mut first = digits.len();
    let mut m = n;
    loop {
        first -= 1;
        digits[first] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    let digits = &digits[first..];
    for (k, &d) in digits.iter().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(sep);
        }
        out.push(char::from(d));
    }
}

/// Appends `minor` hundredths as `-1 234.05`: the whole part grouped with
/// `sep`, the hundredths after `point`, left out when zero unless `cents`.
pub fn push_amount(out: &mut String, minor: i128, sep: char, point: char, cents: bool) {
    if minor < 0 {
        out.push('-');
    }
    let a = minor.unsigned_abs();
    push_grouped(out, u64::try_from(a / 100).unwrap_or(u64::MAX), sep);
    let frac = (a % 100) as u8;
    if cents || frac != 0 {
        out.push(point);
        out.push(char::from(b'0' + frac / 10));
        out.push(char::from(b'0' + frac % 10));
    }
}

/// Compact form with three significant digits at most: `36.9 M₸`, `1.25 bn $`.
fn compact_amount(v: Decimal, symbol: &str) -> String {
    let mut out = String::with_capacity(16);
    push_compact(&mut out, v, symbol);
    out
}

/// Appends `compact_amount(v, symbol)` to `out`.
pub fn push_compact(out: &mut String, v: Decimal, symbol: &str) {
    let (r, unit) = scale3(v);
    // Writing into a String cannot fail.
    let _ = write!(out, "{r} {}{symbol}", ["", "K", "M", "bn "][unit]);
}

/// `v` in the largest of units (0), thousands (1), millions (2) or
/// billions (3) it reaches, rounded half away from zero to three
/// significant digits at most (more for thousands of billions), normalized.
pub fn scale3(v: Decimal) -> (Decimal, usize) {
    let abs = v.abs();
    let unit = [1_000_000_000i64, 1_000_000, 1_000]
        .iter()
        .position(|&d| abs >= Decimal::from(d))
        .map_or(0, |i| 3 - i);
    let scaled = v / Decimal::from(10i64.pow(3 * unit as u32));
    let int_digits = scaled
        .abs()
        .trunc()
        .to_u64()
        .map_or(u32::MAX, |n| n.checked_ilog10().map_or(1, |l| l + 1));
    let dp = 3u32.saturating_sub(int_digits);
    let r = scaled.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    (r.normalize(), unit)
}

/// A currency the monitor can show. Tenge is the platform's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    Kzt,
    Usd,
    Eur,
    Cny,
}

impl Currency {
    pub const ALL: [Currency; 4] = [Currency::Kzt, Currency::Usd, Currency::Eur, Currency::Cny];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Kzt => "KZT",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Cny => "CNY",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Kzt => "₸",
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Cny => "¥",
        }
    }

    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// Tenge per one unit of a foreign currency, exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate(pub Decimal);

impl Rate {
    /// A rate as the platform and the feeds write one: a plain decimal above
    /// zero (`519.53`, `0.0123456`).
    pub fn parse(s: &str) -> Option<Rate> {
        let d = plain_decimal(s)?;
        (d > Decimal::ZERO).then_some(Rate(d))
    }
}

/// The integer and fraction digits of a plain decimal: ASCII digits,
/// optionally a dot and more digits. No sign, exponent, spaces or comma, and
/// at most 40 characters: anything else is not guessed at.
pub fn plain_parts(s: &str) -> Option<(&str, Option<&str>)> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && frac.is_none_or(digits) && s.len() <= 40).then_some((int, frac))
}

/// A plain decimal (`plain_parts`), exact.
pub fn plain_decimal(s: &str) -> Option<Decimal> {
    plain_parts(s)?;
    Decimal::from_str_exact(s).ok()
}

/// An amount in a foreign currency, rounded to the cent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Converted {
    pub currency: Currency,
    pub amount: Decimal,
}

/// Tenge to another currency: `tenge / rate`, rounded half-up (away from zero)
/// to the cent. Returns None for a zero or negative rate.
pub fn convert(amount: Money, currency: Currency, rate: Rate) -> Option<Converted> {
    if rate.0 <= Decimal::ZERO {
        return None;
    }
    let v = amount.as_decimal().checked_div(rate.0)?;
    Some(Converted {
        currency,
        amount: v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
    })
}

impl Converted {
    /// `$71 066.15`, grouped.
    pub fn grouped(&self) -> String {
        let cents = self.cents();
        let mut out = String::with_capacity(32);
        if cents < 0 {
            out.push('-');
        }
        out.push_str(self.currency.symbol());
        push_amount(&mut out, cents.abs(), ' ', '.', true);
        out
    }

    /// The amount in cents (it is rounded to the cent already).
    pub fn cents(&self) -> i128 {
        self.amount
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|c| c.trunc().to_i128())
            .unwrap_or(0)
    }

    pub fn compact(&self) -> String {
        compact_amount(self.amount, self.currency.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_threes_from_the_right() {
        for (n, s) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1 000"),
            (36_920_000, "36 920 000"),
            (u64::MAX, "18 446 744 073 709 551 615"),
        ] {
            assert_eq!(group_digits(n), s);
        }
        let amount = |minor: i128, cents: bool| {
            let mut s = String::new();
            push_amount(&mut s, minor, '\u{a0}', ',', cents);
            s
        };
        assert_eq!(amount(-123_456_705, false), "-1\u{a0}234\u{a0}567,05");
        assert_eq!(amount(100, false), "1");
        assert_eq!(amount(100, true), "1,00");
        assert_eq!(amount(-5, true), "-0,05");
        assert_eq!(
            amount(i128::MIN, false),
            "-18\u{a0}446\u{a0}744\u{a0}073\u{a0}709\u{a0}551\u{a0}615,28"
        );
        let c = Converted {
            currency: Currency::Usd,
            amount: "-71066.15".parse().expect("a decimal"),
        };
        assert_eq!(
            (c.cents(), c.grouped().as_str()),
            (-7_106_615, "-$71 066.15")
        );
    }

    #[test]
    fn parses_contract_forms() {
        assert_eq!(
            Money::parse("36920000.00"),
            Ok(Money::from_tenge(36_920_000))
        );
        assert_eq!(Money::parse("1250000"), Ok(Money::from_tenge(1_250_000)));
        assert_eq!(Money::parse("0.5"), Ok(Money::from_tiyn(50)));
        assert_eq!(Money::parse("12.05"), Ok(Money::from_tiyn(1205)));
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "", "-1", "1e9", "NaN", "1.234", " 1", "1 000", "1,5", ".5", "5.", "+3", "0x10", "inf",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(matches!(
            Money::parse("99999999999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
    }

    #[test]
    fn formats() {
        assert_eq!(Money::from_tenge(36_920_000).grouped(), "36 920 000 ₸");
        assert_eq!(Money::from_tenge(36_920_000).compact(), "36.9 M₸");
        assert_eq!(Money::from_tenge(1_250_000_000).compact(), "1.25 bn ₸");
        assert_eq!(Money::from_tenge(950_000).compact(), "950 K₸");
        assert_eq!(Money::from_tenge(0).grouped(), "0 ₸");
        assert_eq!(Money::from_tiyn(125050).grouped(), "1 250.50 ₸");
        assert_eq!(Money::from_tenge(36_920_000).to_wire(), "36920000.00");
    }

    #[test]
    fn converts_half_up_to_the_cent() {
        // 36 920 000 / 519.53 = 71064.230169... -> 71064.23
        let usd = convert(
            Money::from_tenge(36_920_000),
            Currency::Usd,
            Rate("519.53".parse().expect("test input is valid")),
        )
        .expect("test input is valid");
        assert_eq!(usd.amount.to_string(), "71064.23");
        assert_eq!(usd.grouped(), "$71 064.23");
        // exactly half a cent rounds up: 0.05 / 2 = 0.025 -> 0.03
        let half = convert(Money::from_tiyn(5), Currency::Eur, Rate(Decimal::from(2)))
            .expect("test input is valid");
        assert_eq!(half.amount.to_string(), "0.03");
        assert!(convert(Money::from_tenge(1), Currency::Usd, Rate(Decimal::ZERO)).is_none());
    }

    #[test]
    fn uplift() {
        let p = Money::from_tenge(44_304_000)
            .uplift_percent(Money::from_tenge(36_920_000))
            .expect("test input is valid");
        assert_eq!(p, Decimal::new(200, 1));
    }

    proptest::proptest! {
        #[test]
        fn wire_round_trip(t in 0i64..10_000_000_000_000_000) {
            let m = Money::from_tiyn(t);
            proptest::prop_assert_eq!(Money::parse(&m.to_wire()), Ok(m));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Money::parse(&s);
        }
    }
}
