//! The exchange rates the simulator serves: National Bank XML files embedded
//! from `assets/rates/`, picked for a date (the latest file on or before it),
//! and rendered either as the platform's `/rates` table or as the National
//! Bank's own XML layout.

pub use crate::rates::nbk::parse_fdate;
use crate::rates::nbk::{NbkFeed, parse_feed};
use jiff::civil::Date;
use std::collections::BTreeMap;

const FILES: [(&str, &str); 3] = [
    (
        "assets/rates/nbk-2025-06-23.xml",
        include_str!("../../assets/rates/nbk-2025-06-23.xml"),
    ),
    (
        "assets/rates/nbk-2025-06-24.xml",
        include_str!("../../assets/rates/nbk-2025-06-24.xml"),
    ),
    (
        "assets/rates/nbk-2025-06-25.xml",
        include_str!("../../assets/rates/nbk-2025-06-25.xml"),
    ),
];

/// Every embedded table, oldest first.
#[derive(Clone, Debug)]
pub struct RateBook {
    tables: Vec<NbkFeed>,
}

impl RateBook {
    /// The tables in `assets/rates/`.
    pub fn embedded() -> RateBook {
        let mut tables: Vec<NbkFeed> = FILES
            .iter()
            .map(|(name, xml)| {
                parse_feed(xml)
                    .unwrap_or_else(|e| panic!("embedded {name} is checked by a unit test: {e}"))
            })
            .collect();
        tables.sort_by_key(|t| t.date);
        RateBook { tables }
    }

    /// The table in force on `date`: the latest published on or before it
    /// (or the earliest one, for dates before any).
    fn for_date(&self, date: Date) -> &NbkFeed {
        let first = self
            .tables
            .first()
            .expect("the embedded rate book is never empty");
        self.tables
            .iter()
            .rev()
            .find(|t| t.date <= date)
            .unwrap_or(first)
    }

    /// Tenge per unit of each currency on `date`, as decimal strings.
    pub fn per_unit(&self, date: Date) -> BTreeMap<String, String> {
        self.for_date(date)
            .items
            .iter()
            .map(|i| (i.code.clone(), i.per_unit.0.to_string()))
            .collect()
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The National Bank's XML layout for `date`, with the rates in force then.
pub fn render_nbk(book: &RateBook, date: Date) -> String {
    let t = book.for_date(date);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rates>\n <generator>lotwatch simulator</generator>\n \
         <title>Official exchange rates of National Bank of Republic Kazakhstan</title>\n \
         <link>www.nationalbank.kz</link>\n \
         <description>Official exchange rates of National Bank of Republic Kazakhstan</description>\n \
         <copyright>www.nationalbank.kz</copyright>\n",
    );
    out.push_str(&format!(" <date>{}</date>\n", date.strftime("%d.%m.%Y")));
    for i in &t.items {
        out.push_str(&format!(
            " <item>\n  <fullname>{}</fullname>\n  <title>{}</title>\n  <description>{}</description>\n  <quant>{}</quant>\n  <index>{}</index>\n  <change>{}</change>\n </item>\n",
            xml_escape(&i.fullname),
            xml_escape(&i.code),
            xml_escape(&i.description),
            i.quant,
            xml_escape(&i.index),
            xml_escape(&i.change)
        ));
    }
    out.push_str("</rates>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse_and_divide_by_quant() {
        let book = RateBook::embedded();
        let d = Date::new(2025, 6, 24).expect("test input is valid");
        let r = book.per_unit(d);
        assert_eq!(r["USD"], "519.53");
        assert_eq!(r["IRR"], "0.01233");
        assert_eq!(r["KRW"], "0.379");
        // later dates keep the last published table; earlier ones the first
        assert_eq!(
            book.for_date(Date::new(2026, 1, 1).expect("test input is valid"))
                .date,
            Date::new(2025, 6, 25).expect("test input is valid")
        );
        assert_eq!(
            book.for_date(Date::new(2020, 1, 1).expect("test input is valid"))
                .date,
            Date::new(2025, 6, 23).expect("test input is valid")
        );
    }

    #[test]
    fn rendered_xml_reads_back() {
        let book = RateBook::embedded();
        let d = Date::new(2025, 7, 1).expect("test input is valid");
        let t = parse_feed(&render_nbk(&book, d)).expect("test input is valid");
        assert_eq!(t.date, d);
        assert_eq!(t.items, book.for_date(d).items);
    }

    #[test]
    fn fdate_is_strict() {
        assert_eq!(parse_fdate("24.06.2025"), Date::new(2025, 6, 24).ok());
        for bad in [
            "2025-06-24",
            "24.6.2025",
            "31.02.2025",
            "24.06.25",
            "+4.06.2025",
            "",
            "24.06.2025x",
        ] {
            assert_eq!(parse_fdate(bad), None, "{bad}");
        }
    }
}
