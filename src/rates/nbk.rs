//! The National Bank of Kazakhstan's XML rates feed: parsing both layouts
//! (`get_rates.cfm`: root `<rates>` with one `<date>` DD.MM.YYYY; the older
//! `rates_all.xml`: `<rss><channel>` with a `<pubDate>` DD.MM.YY per item)
//! into exact tenge-per-unit rates, and building the feed's URL for a date.
//!
//! The whole feed is validated, not only the currencies kept: a feed with one
//! malformed item is refused rather than half trusted. Nothing is guessed: a
//! comma decimal (`519,53`) is an error, not 519.53. Input is capped before
//! parsing, DTDs are refused (no entity expansion) and the node count is
//! bounded. Feed text that appears in an error is sanitized.

use crate::domain::money::plain_parts;
use crate::domain::{Currency, Rate, Timestamp};
use crate::platform::sanitize;
use crate::rates::{RateSource, RateTable};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// Largest feed accepted, in bytes (the real one is a few kilobytes).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Most XML nodes parsed; a real feed has a few hundred.
const MAX_NODES: u32 = 50_000;
/// Most `<item>`s accepted.
pub const MAX_ITEMS: usize = 500;
/// The currencies kept from the feed.
const KEPT: [Currency; 3] = [Currency::Usd, Currency::Eur, Currency::Cny];
/// How long a currency's name, index or change may be.
const MAX_ITEM_TEXT: usize = 100;
/// How much feed text an error quotes.
const MAX_QUOTE: usize = 40;

/// The rates of one feed: tenge per one unit, for the feed's date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NbkRates {
    pub date: Date,
    /// USD always, EUR and CNY when the feed has them.
    pub rates: BTreeMap<Currency, Rate>,
}

impl NbkRates {
    /// As a rate table read at `fetched_at` (server time).
    pub fn to_table(&self, fetched_at: Timestamp) -> RateTable {
        RateTable {
            source: RateSource::Nbk,
            date: Some(self.date),
            rates: self.rates.clone(),
            fetched_at,
            fallback: None,
        }
    }
}

/// One currency of a feed: its validated rate, and the rest as printed
/// (sanitized) for whoever renders the feed again (the simulator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NbkItem {
    pub code: String,
    pub fullname: String,
    /// Tenge for `quant` units, as printed (a plain decimal).
    pub description: String,
    pub quant: u32,
    pub index: String,
    pub change: String,
    /// Tenge per one unit.
    pub per_unit: Rate,
}

/// Every currency of one feed, for its date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NbkFeed {
    pub date: Date,
    pub items: Vec<NbkItem>,
}

/// Why a feed was refused. Quoted feed text is sanitized and short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NbkError {
    #[error("empty response instead of the rates feed")]
    Empty,
    #[error("rates feed too large: {bytes} bytes (limit {limit})")]
    TooLarge { bytes: usize, limit: usize },
    #[error("an HTML page instead of the rates feed{}", match .title { Some(t) => format!(" ({t:?})"), None => String::new() })]
    Html { title: Option<String> },
    #[error("rates feed is not well-formed XML: {0}")]
    Xml(String),
    #[error("unexpected root element <{0}> (expected <rates> or <rss>)")]
    WrongRoot(String),
    #[error("rates feed has no <{0}>")]
    MissingElement(&'static str),
    #[error("bad date {value:?} in <{field}> (expected {expected})")]
    BadDate {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("items carry different dates: {first} and {other}")]
    MixedDates { first: Date, other: Date },
    #[error("more than {0} items in the rates feed")]
    TooManyItems(usize),
    #[error("item {index}: no <{field}>")]
    MissingField { index: usize, field: &'static str },
    #[error("item {index}: bad currency code {value:?}")]
    BadCode { index: usize, value: String },
    #[error("{code}: comma decimal {value:?} in <{field}> (a dot is expected; not guessed)")]
    CommaDecimal {
        code: String,
        field: &'static str,
        value: String,
    },
    #[error("{code}: not a decimal number in <{field}>: {value:?}")]
    BadNumber {
        code: String,
        field: &'static str,
        value: String,
    },
    #[error("{code}: <quant> must be a positive whole number, got {value:?}")]
    BadQuant { code: String, value: String },
    #[error("{code}: rate must be above zero, got {value:?}")]
    NonPositiveRate { code: String, value: String },
    #[error("{0} appears more than once in the rates feed")]
    Duplicate(String),
    #[error("USD is missing from the rates feed")]
    MissingUsd,
}

/// Parses either layout of the feed. Keeps USD, EUR and CNY, validates all.
pub fn parse_nbk(xml: &str) -> Result<NbkRates, NbkError> {
    let feed = parse_feed(xml)?;
    let rates = feed
        .items
        .iter()
        .filter_map(|i| {
            let c = Currency::from_code(&i.code).filter(|c| KEPT.contains(c))?;
            Some((c, i.per_unit))
        })
        .collect();
    Ok(NbkRates {
        date: feed.date,
        rates,
    })
}

/// `DD.MM.YYYY`, strictly (two, two and four digits, a real date): the
/// feed's `<date>` and its `fdate` query parameter.
pub fn parse_fdate(s: &str) -> Option<Date> {
    parse_date(s, "date", DateForm::Long).ok()
}

/// Parses either layout of the feed into every currency it lists, validated.
pub fn parse_feed(xml: &str) -> Result<NbkFeed, NbkError> {
    if xml.len() > MAX_BYTES {
        return Err(NbkError::TooLarge {
            bytes: xml.len(),
            limit: MAX_BYTES,
        });
    }
    let xml = xml.trim_start_matches('\u{feff}');
    if xml.trim().is_empty() {
        return Err(NbkError::Empty);
    }
    if looks_like_html(xml) {
        return Err(NbkError::Html {
            title: html_title(xml),
        });
    }
    let opts = roxmltree::ParsingOptions {
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, opts)
        .map_err(|e| NbkError::Xml(sanitize::clean(&e.to_string(), 200)))?;
    let root = doc.root_element();
    match root.tag_name().name() {
        "rates" => {
            let date_text = child_text(root, "date").ok_or(NbkError::MissingElement("date"))?;
            let date = parse_date(date_text, "date", DateForm::Long)?;
            let items = root.children().filter(|n| n.has_tag_name("item"));
            let items = collect(items, |_, _| Ok(()))?;
            Ok(NbkFeed { date, items })
        }
        "rss" => {
            let channel = root
                .children()
                .find(|n| n.has_tag_name("channel"))
                .ok_or(NbkError::MissingElement("channel"))?;
            let mut date: Option<Date> = None;
            let items = channel.children().filter(|n| n.has_tag_name("item"));
            let items = collect(items, |index, item| {
                let text = child_text(item, "pubDate").ok_or(NbkError::MissingField {
                    index,
                    field: "pubDate",
                })?;
                let d = parse_date(text, "pubDate", DateForm::Short)?;
                match date {
                    None => date = Some(d),
                    Some(first) if first != d => {
                        return Err(NbkError::MixedDates { first, other: d });
                    }
                    Some(_) => {}
                }
                Ok(())
            })?;
            // `collect` succeeded, so there was a USD item and with it a date.
            let date = date.ok_or(NbkError::MissingUsd)?;
            Ok(NbkFeed { date, items })
        }
        "html" => Err(NbkError::Html {
            title: html_title(xml),
        }),
        other => Err(NbkError::WrongRoot(sanitize::clean(other, MAX_QUOTE))),
    }
}

/// The feed URL for `date`: `{date}` in `template` becomes DD.MM.YYYY.
pub fn nbk_url(template: &str, date: Date) -> String {
    template.replace(
        "{date}",
        &format!("{:02}.{:02}.{:04}", date.day(), date.month(), date.year()),
    )
}

/// Validates every item (code, rate, quant, no duplicate) with `per_item`
/// for layout-specific checks, and keeps the currencies in [`KEPT`].
fn collect<'a, 'i: 'a>(
    items: impl Iterator<Item = roxmltree::Node<'a, 'i>>,
    mut per_item: impl FnMut(usize, roxmltree::Node<'a, 'i>) -> Result<(), NbkError>,
) -> Result<Vec<NbkItem>, NbkError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let index = i + 1;
        if index > MAX_ITEMS {
            return Err(NbkError::TooManyItems(MAX_ITEMS));
        }
        let code = child_text(item, "title")
            .ok_or(NbkError::MissingField {
                index,
                field: "title",
            })?
            .trim();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(NbkError::BadCode {
                index,
                value: quote(code),
            });
        }
        let description = child_text(item, "description").ok_or(NbkError::MissingField {
            index,
            field: "description",
        })?;
        let quant = child_text(item, "quant").ok_or(NbkError::MissingField {
            index,
            field: "quant",
        })?;
        let per_quant = parse_decimal(code, "description", description)?;
        if per_quant <= Decimal::ZERO {
            return Err(NbkError::NonPositiveRate {
                code: code.to_string(),
                value: quote(description),
            });
        }
        let quant_n = parse_quant(code, quant)?;
        per_item(index, item)?;
        if !seen.insert(code.to_string()) {
            return Err(NbkError::Duplicate(code.to_string()));
        }
        let rate = per_quant
            .checked_div(Decimal::from(quant_n))
            .ok_or_else(|| NbkError::BadNumber {
                code: code.to_string(),
                field: "quant",
                value: quote(quant),
            })?;
        let text =
            |tag: &str| sanitize::clean(child_text(item, tag).unwrap_or("").trim(), MAX_ITEM_TEXT);
        out.push(NbkItem {
            code: code.to_string(),
            fullname: text("fullname"),
            description: description.trim().to_string(),
            quant: quant_n,
            index: text("index"),
            change: text("change"),
            per_unit: Rate(rate.normalize()),
        });
    }
    if !out.iter().any(|i| i.code == "USD") {
        return Err(NbkError::MissingUsd);
    }
    Ok(out)
}

fn child_text<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|n| n.has_tag_name(name))
        .map(|n| n.text().unwrap_or(""))
}

fn quote(s: &str) -> String {
    sanitize::clean(s.trim(), MAX_QUOTE)
}

/// A plain decimal: digits, optionally a dot and digits, an optional sign
/// (so that a negative rate is named as such). Nothing else.
fn parse_decimal(code: &str, field: &'static str, raw: &str) -> Result<Decimal, NbkError> {
    let s = raw.trim();
    let bad = || NbkError::BadNumber {
        code: code.to_string(),
        field,
        value: quote(raw),
    };
    if s.contains(',') {
        return Err(NbkError::CommaDecimal {
            code: code.to_string(),
            field,
            value: quote(raw),
        });
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if plain_parts(digits).is_none() || s.len() > 30 {
        return Err(bad());
    }
    Decimal::from_str(s).map_err(|_| bad())
}

/// `<quant>`: a whole number of units, at least 1.
fn parse_quant(code: &str, raw: &str) -> Result<u32, NbkError> {
    let s = raw.trim();
    let bad = || NbkError::BadQuant {
        code: code.to_string(),
        value: quote(raw),
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match s.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(bad()),
    }
}

#[derive(Clone, Copy)]
enum DateForm {
    /// DD.MM.YYYY
    Long,
    /// DD.MM.YY, years 2000–2099
    Short,
}

fn parse_date(raw: &str, field: &'static str, form: DateForm) -> Result<Date, NbkError> {
    let s = raw.trim();
    let expected = match form {
        DateForm::Long => "DD.MM.YYYY",
        DateForm::Short => "DD.MM.YY",
    };
    let bad = || NbkError::BadDate {
        field,
        value: quote(raw),
        expected,
    };
    let b = s.as_bytes();
    if b.len() != expected.len() || b[2] != b'.' || b[5] != b'.' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Option<i16> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (day, month, year) = match (num(0..2), num(3..5), num(6..s.len())) {
        (Some(d), Some(m), Some(y)) => (d, m, y),
        _ => return Err(bad()),
    };
    let year = match form {
        DateForm::Long => year,
        DateForm::Short => 2000 + year,
    };
    let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day)) else {
        return Err(bad());
    };
    Date::new(year, month, day).map_err(|_| bad())
}

fn looks_like_html(xml: &str) -> bool {
    let head: String = xml
        .trim_start()
        .chars()
        .take(64)
        .flat_map(char::to_lowercase)
        .collect();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

/// The `<title>` of an HTML error page, for the message.
fn html_title(html: &str) -> Option<String> {
    let head = &html.as_bytes()[..html.len().min(8192)];
    let find = |needle: &[u8], from: usize| {
        head.get(from..)?
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|p| p + from)
    };
    let open = find(b"<title", 0)?;
    let start = find(b">", open)? + 1;
    let end = find(b"</title", start)?;
    let title = html.get(start..end)?;
    let title = sanitize::clean(title.trim(), 80);
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("24.06.2025", "date", DateForm::Long),
            Ok(date(2025, 6, 24))
        );
        assert_eq!(
            parse_date(" 24.06.25\n", "pubDate", DateForm::Short),
            Ok(date(2025, 6, 24))
        );
        for bad in [
            "2025-06-24",
            "24.6.2025",
            "31.02.2025",
            "00.01.2025",
            "24.13.2025",
            "24.06.25",
            "aa.bb.cccc",
            "",
            "24.06.2025x",
            "24/06/2025",
            "+4.06.2025",
        ] {
            assert!(
                parse_date(bad, "date", DateForm::Long).is_err(),
                "{bad:?} accepted"
            );
        }
        assert!(parse_date("24.06.2025", "pubDate", DateForm::Short).is_err());
        assert!(
            parse_date("2Ж.06.25", "pubDate", DateForm::Short).is_err(),
            "non-ASCII must not panic on slicing"
        );
    }

    #[test]
    fn decimals() {
        assert_eq!(
            parse_decimal("USD", "description", " 519.53 "),
            Ok(Decimal::new(51953, 2))
        );
        assert_eq!(
            parse_decimal("USD", "description", "520"),
            Ok(Decimal::from(520))
        );
        assert_eq!(
            parse_decimal("USD", "description", "-1.5"),
            Ok(Decimal::new(-15, 1))
        );
        assert!(matches!(
            parse_decimal("USD", "description", "519,53"),
            Err(NbkError::CommaDecimal { .. })
        ));
        for bad in [
            "",
            "1e3",
            "NaN",
            ".5",
            "5.",
            "1 000",
            "0x10",
            "--1",
            "1.2.3",
            "inf",
            "12345678901234567890123456789012",
        ] {
            assert!(
                matches!(
                    parse_decimal("USD", "description", bad),
                    Err(NbkError::BadNumber { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn quants() {
        assert_eq!(parse_quant("IRR", "1000"), Ok(1000));
        for bad in ["0", "-1", "1.5", "", "ten", "99999999999"] {
            assert!(
                matches!(parse_quant("IRR", bad), Err(NbkError::BadQuant { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn html_titles() {
        assert_eq!(
            html_title("<html><head><TITLE>502 Bad Gateway</TITLE>").as_deref(),
            Some("502 Bad Gateway")
        );
        assert_eq!(
            html_title("<html><title>\x1b]0;x\x07Ошибка</title>").as_deref(),
            Some("Ошибка")
        );
        assert_eq!(html_title("<html>no title"), None);
    }
}
