//! The interface languages (English, Russian, Kazakh): which one is in force
//! (flag, config, `LOTWATCH_LANG`, else the locale), the texts of each as a
//! compile-checked table (`Texts`), and the number and date formats of each.
//! Lot data is shown as sent, except the regions and minerals of the
//! closed lists in `domain::places`, which are named in the interface language.

pub mod alerts;
mod evidence;
mod filter;
#[cfg(test)]
mod glossary;
mod link;
mod site;
mod texts;

pub use site::SiteTexts;
pub use texts::Texts;

use crate::domain::money::{
    Converted, group_digits, push_amount, push_compact, push_grouped, scale3,
};
use crate::domain::places;
use crate::domain::{Currency, Money};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// An interface language. English is the default wherever nothing says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ru,
    Kk,
}

/// The no-break space CLDR uses in `ru` and `kk` to group digits and to keep
/// a number with its unit.
const NBSP: char = '\u{a0}';

/// A language name that is none of `en`, `ru`, `kk`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected en, ru or kk")]
pub struct UnknownLang(pub String);

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Kk];

    /// The code used on the command line, in the config and in locales.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
        }
    }

    /// `en`, `ru` or `kk` (any case); an error names the accepted values.
    pub fn parse(s: &str) -> Result<Lang, UnknownLang> {
        let t = s.trim().to_ascii_lowercase();
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == t)
            .ok_or_else(|| UnknownLang(s.to_string()))
    }

    /// The language of a POSIX locale name (`ru_RU.UTF-8`, `kk_KZ`, `C`):
    /// Russian and Kazakh by their language part, anything else English.
    pub fn of_locale(locale: &str) -> Lang {
        let lang = locale
            .split(['_', '.', '@', '-'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "ru" => Lang::Ru,
            "kk" => Lang::Kk,
            _ => Lang::En,
        }
    }

    /// The language the locale asks for: the first non-empty of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG` (the POSIX order); English when none is set.
    pub fn from_locale(env: &dyn Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|k| env(k).filter(|v| !v.is_empty()))
            .map_or(Lang::En, |v| Lang::of_locale(&v))
    }

    /// The position of this language in the domain's name tables
    /// (`domain::places`): English, Russian, Kazakh.
    pub fn index(self) -> usize {
        self as usize
    }

    /// This language's alphabet, for sorting names.
    pub fn collation(self) -> crate::domain::collate::Collation {
        use crate::domain::collate::Collation;
        match self {
            Lang::En => Collation::En,
            Lang::Ru => Collation::Ru,
            Lang::Kk => Collation::Kk,
        }
    }

    /// A region in this language (a name not in the closed list as sent).
    pub fn region(self, name: &str) -> &str {
        places::region(name).map_or(name, |p| p.names[self.index()])
    }

    /// A region for a narrow column (`Карагандинская`).
    pub fn region_short(self, name: &str) -> &str {
        places::region(name).map_or(name, |p| p.short[self.index()])
    }

    /// The venue in this language (an unknown venue as sent).
    pub fn venue(self, name: &str) -> &str {
        places::venue(name).map_or(name, |p| p.names[self.index()])
    }

    /// A mineral in this language (a name not in the closed list as sent).
    pub fn mineral(self, name: &str) -> &str {
        places::mineral(name).map_or(name, |p| p.names[self.index()])
    }

    /// Every text of the interface in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &texts::EN,
            Lang::Ru => &texts::RU,
            Lang::Kk => &texts::KK,
        }
    }

    /// Extra columns a compact amount needs beyond the English width
    /// (`1,25 млрд ₸` against `1.25 bn ₸`).
    pub fn compact_extra(self) -> u16 {
        match self {
            Lang::En => 0,
            Lang::Ru | Lang::Kk => 2,
        }
    }

    /// A whole number with digits grouped: `1 234 567` (no-break spaces in
    /// ru and kk).
    pub fn int(self, n: u64) -> String {
        match self {
            Lang::En => group_digits(n),
            Lang::Ru | Lang::Kk => {
                let mut s = String::with_capacity(30);
                push_grouped(&mut s, n, NBSP);
                s
            }
        }
    }

    /// A decimal as written in this language: `520.57`, `520,57`.
    pub fn decimal(self, d: Decimal) -> String {
        let s = d.normalize().to_string();
        match self {
            Lang::En => s,
            Lang::Ru | Lang::Kk => s.replace('.', ","),
        }
    }

    /// A percentage from its number as formatted (`+20.0`): `+20.0%`, and
    /// `+20,0 %` in ru and kk (CLDR puts a no-break space before the sign).
    pub fn percent(self, num: &str) -> String {
        match self {
            Lang::En => format!("{num}%"),
            Lang::Ru | Lang::Kk => format!("{}{NBSP}%", num.replace('.', ",")),
        }
    }

    /// Tenge in full: `36 920 000 ₸`, `1 250.50 ₸` (`1 250,50 ₸` in ru and kk).
    pub fn money(self, m: Money) -> String {
        let mut out = String::with_capacity(36);
        self.push_money(&mut out, m);
        out
    }

    /// Appends `money(m)` to `out` (the view reuses one string per frame).
    pub fn push_money(self, out: &mut String, m: Money) {
        let minor = i128::from(m.tiyn());
        match self {
            Lang::En => {
                push_amount(out, minor, ' ', '.', false);
                out.push_str(" ₸");
            }
            Lang::Ru | Lang::Kk => {
                push_amount(out, minor, NBSP, ',', false);
                out.push(NBSP);
                out.push('₸');
            }
        }
    }

    /// Tenge for a narrow column: `36.9 M₸`; `36,9 млн ₸` in ru, `36,9 млн ₸` in kk.
    pub fn money_compact(self, m: Money) -> String {
        let mut out = String::with_capacity(24);
        self.push_compact(&mut out, m.as_decimal(), Currency::Kzt.symbol());
        out
    }

    /// A converted amount in full: `$89 800.00`; `89 800,00 $` in ru and kk.
    pub fn converted(self, c: &Converted) -> String {
        let mut out = String::with_capacity(36);
        self.push_converted(&mut out, c);
        out
    }

    /// Appends `converted(c)` to `out`.
    pub fn push_converted(self, out: &mut String, c: &Converted) {
        match self {
            Lang::En => out.push_str(&c.grouped()),
            Lang::Ru | Lang::Kk => {
                push_amount(out, c.cents(), NBSP, ',', true);
                out.push(NBSP);
                out.push_str(c.currency.symbol());
            }
        }
    }

    /// A converted amount for a narrow column.
    pub fn converted_compact(self, c: &Converted) -> String {
        let mut out = String::with_capacity(24);
        self.push_compact(&mut out, c.amount, c.currency.symbol());
        out
    }

    /// Appends a compact amount (`36.9 M₸`, `36,9 млн ₸`) to `out`.
    pub fn push_compact(self, out: &mut String, v: Decimal, symbol: &str) {
        let (thousand, million, billion) = match self {
            Lang::En => return push_compact(out, v, symbol),
            Lang::Ru => ("тыс.", "млн", "млрд"),
            Lang::Kk => ("мың", "млн", "млрд"),
        };
        let (r, unit) = scale3(v);
        let start = out.len();
        // Writing into a String cannot fail.
        let _ = write!(out, "{r}");
        if let Some(dot) = out[start..].find('.') {
            out.replace_range(start + dot..start + dot + 1, ",");
        }
        out.push(NBSP);
        let word = ["", thousand, million, billion][unit];
        if !word.is_empty() {
            out.push_str(word);
            out.push(NBSP);
        }
        out.push_str(symbol);
    }

    /// A calendar date: `2025-06-24` (ISO) in English, `24.06.2025` in ru
    /// and kk (CLDR's numeric medium form for both).
    pub fn date(self, d: jiff::civil::Date) -> String {
        match self {
            Lang::En => d.to_string(),
            Lang::Ru | Lang::Kk => format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()),
        }
    }

    /// A server time as an Astana date and time: `2025-06-24 10:00:00`,
    /// `24.06.2025 10:00:00`.
    pub fn datetime(self, t: crate::domain::Timestamp) -> String {
        match t.astana() {
            Some(z) => format!("{} {}", self.date(z.date()), z.strftime("%H:%M:%S")),
            None => "--".into(),
        }
    }

    /// A duration in ms, short: `45s`, `12m`, `3h`, `2d` (`45 с`, `12 мин`...).
    pub fn age(self, ms: i64) -> String {
        let s = ms.max(0) / 1000;
        let [sec, min, hour, day] = self.texts().age_units;
        let (n, unit) = if s < 60 {
            (s, sec)
        } else if s < 3600 {
            (s / 60, min)
        } else if s < 86_400 {
            (s / 3600, hour)
        } else {
            (s / 86_400, day)
        };
        match self {
            Lang::En => format!("{n}{unit}"),
            Lang::Ru | Lang::Kk => format!("{n}{NBSP}{unit}"),
        }
    }

    /// Seconds with `dp` decimals and a sign: `+1.5s`, `+1,5 с`.
    pub fn seconds(self, ms: i64, dp: usize, signed: bool) -> String {
        let v = ms as f64 / 1000.0;
        let n = if signed {
            format!("{v:+.dp$}")
        } else {
            format!("{v:.dp$}")
        };
        match self {
            Lang::En => format!("{n}s"),
            Lang::Ru | Lang::Kk => format!("{}{NBSP}с", n.replace('.', ",")),
        }
    }
}

/// Russian plural forms: `one` for 1, 21, 101..., `few` for 2-4, 22-24...,
/// `many` for the rest (CLDR's rule for ru).
pub fn ru_plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (d, h) = (n % 10, n % 100);
    if d == 1 && h != 11 {
        one
    } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
        few
    } else {
        many
    }
}

#[cfg(test)]
mod tests;
