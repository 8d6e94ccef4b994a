//! The site's numbers and dates: tenge grouped with (non-breaking) spaces and
//! a comma decimal (`171 545 853,00`, `₸ 369 200,00`) into exact
//! `domain::Money`; `dd.MM.yyyy HH:mm` Astana wall-clock time into UTC; the
//! description's plain decimals (`0.66`, `0,0603`).

use crate::domain::time::astana_tz;
use crate::domain::{Money, Timestamp};
use rust_decimal::Decimal;

/// Longest amount or date text looked at (a card may hold a sentence).
const MAX_FIELD_CHARS: usize = 64;

/// Whether `c` groups digits on the site (space, no-break space, narrow and
/// thin spaces).
fn is_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Tenge as the site writes them, with or without the `₸` before them.
/// None for anything else (a text such as «Договорная», a stray sign, more
/// than two decimals): that field is then invalid, never zero.
pub fn parse_tenge(text: &str) -> Option<Money> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let t = t.strip_prefix('₸').unwrap_or(t);
    let t = t.strip_suffix('₸').unwrap_or(t);
    let t = t.trim_matches(|c: char| c.is_whitespace());
    if t.is_empty() || t.chars().count() > MAX_FIELD_CHARS {
        return None;
    }
    let mut plain = String::with_capacity(t.len());
    let mut seen_comma = false;
    let mut prev_group = false;
    for c in t.chars() {
        match c {
            '0'..='9' => {
                plain.push(c);
                prev_group = false;
            }
            ',' if !seen_comma && !plain.is_empty() => {
                seen_comma = true;
                plain.push('.');
            }
            c if is_group(c) && !seen_comma && !prev_group && !plain.is_empty() => {
                prev_group = true;
            }
            _ => return None,
        }
    }
    if prev_group || plain.ends_with('.') {
        return None;
    }
    Money::parse(&plain).ok()
}

/// `dd.MM.yyyy HH:mm` on the Astana wall clock (the site shows no zone),
/// as a UTC instant. The zone's history is the tz database's: UTC+6 before
/// 1 March 2024, UTC+5 since.
pub fn parse_astana(text: &str) -> Option<Timestamp> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    if t.len() > MAX_FIELD_CHARS {
        return None;
    }
    let dt = jiff::civil::DateTime::strptime("%d.%m.%Y %H:%M", t).ok()?;
    let z = dt.to_zoned_datetime(astana_tz()).ok()?;
    Some(Timestamp(z.timestamp().as_millisecond()))
}

/// An Astana instant as the site writes it (`dd.MM.yyyy HH:mm`), for the
/// simulator's pages.
pub fn format_astana(t: Timestamp) -> String {
    t.astana()
        .map(|z| z.strftime("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// Tenge as the site writes them: no-break-space groups, comma decimals.
pub fn format_tenge(m: Money) -> String {
    let t = m.tiyn().max(0);
    let mut out = String::new();
    crate::domain::money::push_grouped(&mut out, (t / 100) as u64, '\u{a0}');
    out.push(',');
    out.push_str(&format!("{:02}", t % 100));
    out
}

/// A description decimal (`0.66`, `12,4`), no grouping, not negative.
pub fn parse_plain_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty()
        || t.len() > 32
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let t = t.replace(',', ".");
    crate::domain::money::plain_decimal(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenge_forms() {
        let m = |s| parse_tenge(s).map(|m| m.tiyn());
        assert_eq!(m("171\u{a0}545\u{a0}853,00"), Some(17_154_585_300));
        assert_eq!(m("₸ 369\u{a0}200,00"), Some(36_920_000));
        assert_eq!(m("  36 920 000,00 "), Some(3_692_000_000));
        assert_eq!(m("882,16"), Some(88_216));
        assert_eq!(m("50"), Some(5000));
        for bad in [
            "",
            "₸",
            "Договорная",
            "1,2,3",
            "1\u{a0}\u{a0}000",
            "12,345",
            "-5,00",
            "1e5",
            "5,",
            " ,50",
            "12 000 тенге",
            "∞",
        ] {
            assert_eq!(m(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn astana_times_to_utc() {
        let t = parse_astana("27.11.2024 10:00").map(|t| t.to_rfc3339());
        assert_eq!(t.as_deref(), Some("2024-11-27T05:00:00.000Z"));
        // Before 1 March 2024 Astana kept UTC+6 (zhertap's test case).
        let t = parse_astana("01.09.2023 10:00").map(|t| t.to_rfc3339());
        assert_eq!(t.as_deref(), Some("2023-09-01T04:00:00.000Z"));
        assert_eq!(parse_astana("31.02.2025 10:00"), None);
        assert_eq!(parse_astana("27-11-2024 10:00"), None);
        assert_eq!(parse_astana("скоро"), None);
        let back = parse_astana("24.06.2025 10:30").map(format_astana);
        assert_eq!(back.as_deref(), Some("24.06.2025 10:30"));
    }

    #[test]
    fn formats_round_trip() {
        let m = Money::from_tiyn(17_154_585_300);
        assert_eq!(format_tenge(m), "171\u{a0}545\u{a0}853,00");
        assert_eq!(parse_tenge(&format_tenge(m)), Some(m));
        assert_eq!(
            parse_plain_decimal("0,0603")
                .map(|d| d.to_string())
                .as_deref(),
            Some("0.0603")
        );
        assert_eq!(
            parse_plain_decimal("0.66")
                .map(|d| d.to_string())
                .as_deref(),
            Some("0.66")
        );
        assert_eq!(parse_plain_decimal("много"), None);
    }
}
