//! The National Bank XML parser on both feed layouts and on broken feeds:
//! every refusal is a specific error, nothing panics.

use jiff::civil::date;
use lotwatch::domain::money::convert;
use lotwatch::domain::{Currency, Money, Rate};
use lotwatch::rates::nbk::{MAX_BYTES, MAX_ITEMS, NbkError, nbk_url, parse_nbk};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

const GET_RATES: &str = include_str!("../fixtures/nbk-get_rates-sample.xml");
const RATES_ALL: &str = include_str!("../fixtures/nbk-rates_all-sample.xml");

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

/// A `get_rates.cfm` feed with these (code, description, quant) items.
fn feed(date: &str, items: &[(&str, &str, &str)]) -> String {
    let mut x =
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rates>\n <date>{date}</date>\n");
    for (code, description, quant) in items {
        x.push_str(&format!(
            " <item><fullname>X</fullname><title>{code}</title><description>{description}</description><quant>{quant}</quant><index></index><change>0.00</change></item>\n"
        ));
    }
    x.push_str("</rates>\n");
    x
}

const OK_ITEMS: [(&str, &str, &str); 3] = [
    ("USD", "519.53", "1"),
    ("EUR", "601.12", "1"),
    ("CNY", "72.31", "1"),
];

#[test]
fn get_rates_fixture() {
    let r = parse_nbk(GET_RATES).expect("fixture parses");
    assert_eq!(r.date, date(2025, 6, 24));
    assert_eq!(
        r.rates.len(),
        3,
        "only USD, EUR and CNY are kept: {:?}",
        r.rates
    );
    assert_eq!(r.rates[&Currency::Usd], Rate(dec("519.53")));
    assert_eq!(r.rates[&Currency::Eur], Rate(dec("601.12")));
    assert_eq!(r.rates[&Currency::Cny], Rate(dec("72.31")));
}

#[test]
fn rates_all_fixture() {
    let r = parse_nbk(RATES_ALL).expect("fixture parses");
    assert_eq!(r.date, date(2025, 6, 25));
    assert_eq!(r.rates.len(), 3);
    assert_eq!(r.rates[&Currency::Usd], Rate(dec("520.11")));
    assert_eq!(r.rates[&Currency::Eur], Rate(dec("602.4")));
    assert_eq!(r.rates[&Currency::Cny], Rate(dec("72.405")));
}

#[test]
fn conversion_at_the_fixture_rate_matches_hand_computation() {
    let r = parse_nbk(GET_RATES).expect("fixture parses");
    // 36 920 000 / 519.53 = 71 064.2311... -> 71 064.23
    let usd = convert(
        Money::from_tenge(36_920_000),
        Currency::Usd,
        r.rates[&Currency::Usd],
    )
    .expect("rate > 0");
    assert_eq!(usd.amount, dec("71064.23"));
    // 44 304 000 / 601.12 = 73 702.4221... -> 73 702.42
    let eur = convert(
        Money::from_tenge(44_304_000),
        Currency::Eur,
        r.rates[&Currency::Eur],
    )
    .expect("rate > 0");
    assert_eq!(eur.amount, dec("73702.42"));
    let table = r.to_table(lotwatch::domain::Timestamp(1));
    assert_eq!(table.date, Some(date(2025, 6, 24)));
    assert_eq!(
        table.get(Currency::Kzt),
        None,
        "tenge is never converted to itself"
    );
}

#[test]
fn rate_is_per_one_unit() {
    let r = parse_nbk(&feed(
        "24.06.2025",
        &[
            ("USD", "5195.3", "10"),
            ("CNY", "72310", "1000"),
            ("IRR", "12.33", "1000"),
        ],
    ))
    .expect("parses");
    assert_eq!(r.rates[&Currency::Usd], Rate(dec("519.53")));
    assert_eq!(r.rates[&Currency::Cny], Rate(dec("72.31")));
}

#[test]
fn missing_usd() {
    let without = GET_RATES.replace("<title>USD</title>", "<title>XXX</title>");
    assert_eq!(parse_nbk(&without), Err(NbkError::MissingUsd));
    assert_eq!(
        parse_nbk(&feed("24.06.2025", &[])),
        Err(NbkError::MissingUsd)
    );
}

#[test]
fn zero_or_negative_quant() {
    for q in ["0", "-1", "1.5", "", "one"] {
        let x = feed("24.06.2025", &[("USD", "519.53", q)]);
        assert!(
            matches!(parse_nbk(&x), Err(NbkError::BadQuant { ref code, .. }) if code == "USD"),
            "quant {q:?}"
        );
    }
    // An item that is not kept is validated too.
    let x = feed(
        "24.06.2025",
        &[("USD", "519.53", "1"), ("IRR", "12.33", "0")],
    );
    assert!(matches!(parse_nbk(&x), Err(NbkError::BadQuant { ref code, .. }) if code == "IRR"));
}

#[test]
fn comma_decimal_is_refused_not_guessed() {
    let x = GET_RATES.replace("519.53", "519,53");
    let err = parse_nbk(&x).expect_err("comma decimal");
    assert_eq!(
        err,
        NbkError::CommaDecimal {
            code: "USD".into(),
            field: "description",
            value: "519,53".into()
        }
    );
    assert!(err.to_string().contains("519,53"));
}

#[test]
fn zero_negative_or_malformed_rate() {
    for (d, zero_or_neg) in [
        ("0", true),
        ("0.00", true),
        ("-519.53", true),
        ("1e3", false),
        ("NaN", false),
        ("", false),
    ] {
        let err = parse_nbk(&feed("24.06.2025", &[("USD", d, "1")])).expect_err(d);
        if zero_or_neg {
            assert!(
                matches!(err, NbkError::NonPositiveRate { .. }),
                "{d:?}: {err}"
            );
        } else {
            assert!(matches!(err, NbkError::BadNumber { .. }), "{d:?}: {err}");
        }
    }
}

#[test]
fn html_error_page() {
    let page = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Try later</body></html>";
    assert_eq!(
        parse_nbk(page),
        Err(NbkError::Html {
            title: Some("503 Service Unavailable".into())
        })
    );
    let bare = "<html><body><h1>Error</h1></body></html>";
    assert_eq!(parse_nbk(bare), Err(NbkError::Html { title: None }));
    let err = parse_nbk(page).expect_err("html").to_string();
    assert!(err.contains("HTML") && err.contains("503"), "{err}");
}

#[test]
fn empty_body() {
    assert_eq!(parse_nbk(""), Err(NbkError::Empty));
    assert_eq!(parse_nbk(" \n\t "), Err(NbkError::Empty));
    assert_eq!(parse_nbk("\u{feff}"), Err(NbkError::Empty));
}

#[test]
fn not_xml_or_cut_short() {
    assert!(matches!(
        parse_nbk("{\"rates\": {}}"),
        Err(NbkError::Xml(_))
    ));
    let cut = &GET_RATES[..GET_RATES.len() / 2];
    assert!(matches!(parse_nbk(cut), Err(NbkError::Xml(_))));
}

#[test]
fn wrong_root() {
    assert_eq!(
        parse_nbk("<error><message>no</message></error>"),
        Err(NbkError::WrongRoot("error".into()))
    );
    assert_eq!(
        parse_nbk("<rss><item/></rss>"),
        Err(NbkError::MissingElement("channel"))
    );
}

#[test]
fn bad_or_missing_date() {
    for d in [
        "2025-06-24",
        "31.02.2025",
        "24.06.25",
        "",
        "24.06.2025 10:00",
    ] {
        let err = parse_nbk(&feed(d, &OK_ITEMS)).expect_err(d);
        assert!(
            matches!(err, NbkError::BadDate { field: "date", .. }),
            "{d:?}: {err}"
        );
    }
    let no_date = GET_RATES.replace("<date>24.06.2025</date>", "");
    assert_eq!(parse_nbk(&no_date), Err(NbkError::MissingElement("date")));
    let bad_pub = RATES_ALL.replacen(
        "<pubDate>25.06.25</pubDate>",
        "<pubDate>25.06.2025</pubDate>",
        1,
    );
    assert!(matches!(
        parse_nbk(&bad_pub),
        Err(NbkError::BadDate {
            field: "pubDate",
            ..
        })
    ));
    let mixed = RATES_ALL.replacen(
        "<pubDate>25.06.25</pubDate>",
        "<pubDate>24.06.25</pubDate>",
        1,
    );
    assert!(matches!(
        parse_nbk(&mixed),
        Err(NbkError::MixedDates { .. })
    ));
}

#[test]
fn duplicate_currency() {
    let x = feed(
        "24.06.2025",
        &[
            ("USD", "519.53", "1"),
            ("EUR", "601.12", "1"),
            ("USD", "520.00", "1"),
        ],
    );
    assert_eq!(parse_nbk(&x), Err(NbkError::Duplicate("USD".into())));
    let x = feed(
        "24.06.2025",
        &[
            ("AUD", "335.6", "1"),
            ("USD", "519.53", "1"),
            ("AUD", "335.6", "1"),
        ],
    );
    assert_eq!(parse_nbk(&x), Err(NbkError::Duplicate("AUD".into())));
}

#[test]
fn missing_fields_and_bad_codes() {
    let x = GET_RATES.replacen("<quant>1</quant>", "", 1);
    assert_eq!(
        parse_nbk(&x),
        Err(NbkError::MissingField {
            index: 1,
            field: "quant"
        })
    );
    let x = feed("24.06.2025", &[("usd", "519.53", "1")]);
    assert!(matches!(
        parse_nbk(&x),
        Err(NbkError::BadCode { index: 1, .. })
    ));
    // Hostile feed text is sanitized in the error.
    let x = feed(
        "24.06.2025",
        &[("U&#x9D;0;pwned&#x9C;\u{202e}", "519.53", "1")],
    );
    let err = parse_nbk(&x).expect_err("bad code");
    assert_eq!(
        err,
        NbkError::BadCode {
            index: 1,
            value: "U\u{fffd}".into()
        }
    );
    assert!(
        !err.to_string()
            .chars()
            .any(|c| c.is_control() || c == '\u{202e}'),
        "{err:?}"
    );
}

#[test]
fn huge_document() {
    let mut x = String::from("<rates><date>24.06.2025</date>");
    while x.len() <= MAX_BYTES {
        x.push_str("<generator>padding padding padding padding</generator>");
    }
    x.push_str("</rates>");
    assert!(matches!(
        parse_nbk(&x),
        Err(NbkError::TooLarge {
            limit: MAX_BYTES,
            ..
        })
    ));
    let many: Vec<(String, &str, &str)> = (0..=MAX_ITEMS)
        .map(|i| {
            (
                format!(
                    "A{}{}",
                    (b'A' + (i / 26 % 26) as u8) as char,
                    (b'A' + (i % 26) as u8) as char
                ),
                "1.0",
                "1",
            )
        })
        .collect();
    let items: Vec<(&str, &str, &str)> =
        many.iter().map(|(c, d, q)| (c.as_str(), *d, *q)).collect();
    assert_eq!(
        parse_nbk(&feed("24.06.2025", &items)),
        Err(NbkError::TooManyItems(MAX_ITEMS))
    );
}

#[test]
fn entity_expansion_is_refused() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE rates [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><rates><date>&b;</date></rates>";
    assert!(matches!(parse_nbk(bomb), Err(NbkError::Xml(_))));
}

#[test]
fn url_for_a_date() {
    let t = "https://nationalbank.kz/rss/get_rates.cfm?fdate={date}";
    assert_eq!(
        nbk_url(t, date(2025, 6, 4)),
        "https://nationalbank.kz/rss/get_rates.cfm?fdate=04.06.2025"
    );
    assert_eq!(
        nbk_url("http://127.0.0.1:8080/nbk", date(2025, 6, 4)),
        "http://127.0.0.1:8080/nbk"
    );
}

proptest! {
    #[test]
    fn never_panics_on_anything(s in "\\PC{0,300}") {
        let _ = parse_nbk(&s);
    }

    #[test]
    fn never_panics_on_a_damaged_fixture(cut_at in 0usize..2000, len in 0usize..200, junk in "[<>/&;.,a-z0-9 ]{0,10}") {
        let src = if cut_at % 2 == 0 { GET_RATES } else { RATES_ALL };
        let mut chars: Vec<char> = src.chars().collect();
        let at = cut_at.min(chars.len());
        let end = (at + len).min(chars.len());
        chars.splice(at..end, junk.chars());
        let damaged: String = chars.into_iter().collect();
        if let Ok(r) = parse_nbk(&damaged) {
            prop_assert!(r.rates.contains_key(&Currency::Usd));
            prop_assert!(r.rates.values().all(|r| r.0 > Decimal::ZERO));
        }
    }

    #[test]
    fn rate_is_description_over_quant(cents in 1u64..100_000_000, scale in 0u32..4, qexp in 0u32..4) {
        let description = Decimal::new(cents as i64, scale);
        let quant = 10u32.pow(qexp);
        let x = feed("01.01.2026", &[("USD", &description.to_string(), &quant.to_string())]);
        let r = parse_nbk(&x).expect("valid feed");
        prop_assert_eq!(r.rates[&Currency::Usd].0, description / Decimal::from(quant));
        prop_assert_eq!(r.date, date(2026, 1, 1));
    }
}
