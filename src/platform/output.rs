//! What lotwatch writes for other programs to read: the one output model of
//! a lot (`LotOut`: `snapshot`'s JSON, CSV and table), and the formula-safe
//! cell that every delimited writer (CSV, TSV, the protocol's tables) passes
//! its cells through.
//!
//! A cell a spreadsheet would take for a formula (starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return, after any apostrophes) gets one more
//! leading `'`, so it shows as text and never runs. A plain negative number
//! (`-12`, `-0.50`) stays a number. To read the original back, drop one
//! leading `'` from a cell that matches `'+[=+\-@\t\r]`.

use crate::domain::{Amount, Lot};
use crate::platform::wire::WireSite;
use serde::Serialize;

/// One lot as lotwatch writes it for other programs. Amounts are exact
/// decimal strings; an amount the source showed in words is `unreadable`,
/// never `0.00`. A web-site lot adds what the site shows (`SiteOut`).
#[derive(Clone, Debug, Serialize)]
pub struct LotOut {
    pub id: String,
    /// The kind of source it came from: `api` or `sauda` (several sources
    /// share lot ids).
    pub source: String,
    pub number: String,
    pub name: String,
    pub region: String,
    pub minerals: Vec<String>,
    pub status: String,
    pub starting_bonus: String,
    pub min_increment: String,
    pub high_bid: Option<String>,
    pub high_bidder: Option<String>,
    pub bid_count: u32,
    pub participants: u32,
    pub min_participants: u32,
    pub opens_at: String,
    pub closes_at: String,
    pub extensions: u32,
    pub winner: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteOut>,
}

/// What a web-site lot adds to [`LotOut`].
#[derive(Clone, Debug, Serialize)]
pub struct SiteOut {
    pub guarantee: String,
    pub participation_fee: String,
    /// The sale price; `unreadable` when the page showed words for it.
    pub sale_price: Option<String>,
    /// Unknown (the site's auction type named none): null.
    pub license_kind: Option<String>,
    pub area_km2: Option<String>,
    pub blocks: Option<u32>,
    pub description: String,
    pub site: WireSite,
}

/// The CSV header (and the table's column names), in `LotOut::cells` order.
/// `sale_price` came last (issue 28.10): a site lot's sale price, empty for
/// a lot of the platform's API (its winning amount is `high_bid`).
/// `source` came after it (issue 23.2): `api` or `sauda`.
pub const LOT_COLUMNS: [&str; 15] = [
    "id",
    "number",
    "name",
    "region",
    "minerals",
    "status",
    "starting_bonus",
    "high_bid",
    "high_bidder",
    "bid_count",
    "participants",
    "closes_at",
    "extensions",
    "sale_price",
    "source",
];

impl From<&Lot> for LotOut {
    fn from(l: &Lot) -> LotOut {
        LotOut {
            id: l.id.clone(),
            // A web-site lot carries what the site gave; an API lot does not.
            source: if l.site.is_some() { "sauda" } else { "api" }.to_string(),
            number: l.number.clone(),
            name: l.name.clone(),
            region: l.region.clone(),
            minerals: l.minerals.clone(),
            status: l.status.as_str().to_string(),
            starting_bonus: l.starting_bonus.to_wire(),
            min_increment: l.min_increment.to_wire(),
            high_bid: l.high_bid.as_ref().map(|b| b.amount.to_wire()),
            high_bidder: l.high_bid.as_ref().map(|b| b.bidder.clone()),
            bid_count: l.bid_count,
            participants: l.participants,
            min_participants: l.min_participants,
            opens_at: l.opens_at.to_rfc3339(),
            closes_at: l.closes_at.to_rfc3339(),
            extensions: l.extensions,
            winner: l.result.as_ref().map(|r| r.winner.clone()),
            site: l.site.as_deref().map(|site| SiteOut {
                guarantee: l.guarantee.to_wire(),
                participation_fee: l.participation_fee.to_wire(),
                sale_price: match &l.result {
                    Some(r) => Some(r.amount.to_wire()),
                    None if l.field_invalid("sale_price") => Some(Amount::UNREADABLE.into()),
                    None => None,
                },
                license_kind: Some(l.license.kind.as_str())
                    .filter(|k| !k.is_empty())
                    .map(str::to_string),
                area_km2: l.license.area_km2.map(|a| a.to_string()),
                blocks: l.license.blocks,
                description: site.description.clone(),
                site: WireSite::from(site),
            }),
        }
    }
}

impl LotOut {
    /// The CSV row in `LOT_COLUMNS` order, each cell formula-safe.
    pub fn csv_cells(&self) -> [String; 15] {
        self.cells().map(|c| neutralize_formula(&c))
    }

    /// The row in `LOT_COLUMNS` order, as text (for a table people read).
    pub fn cells(&self) -> [String; 15] {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.id.clone(),
            self.number.clone(),
            self.name.clone(),
            self.region.clone(),
            self.minerals.join(" "),
            self.status.clone(),
            self.starting_bonus.clone(),
            o(&self.high_bid),
            o(&self.high_bidder),
            self.bid_count.to_string(),
            self.participants.to_string(),
            self.closes_at.clone(),
            self.extensions.to_string(),
            self.site
                .as_ref()
                .and_then(|s| s.sale_price.clone())
                .unwrap_or_default(),
            self.source.clone(),
        ]
    }
}

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `-` followed by digits, with at most one `.` or `,` between digits.
fn plain_negative_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let (int, frac) = match rest.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// The cell, safe to open in a spreadsheet (see the module doc).
pub fn neutralize_formula(cell: &str) -> String {
    let rest = cell.trim_start_matches('\'');
    let quoted = rest.len() < cell.len();
    if rest.starts_with(FORMULA_START) && (quoted || !plain_negative_number(cell)) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralize_formula`] (the tests' proof that nothing is lost).
#[cfg(test)]
fn restore_formula(cell: &str) -> String {
    let rest = cell.trim_start_matches('\'');
    if rest.len() < cell.len() && rest.starts_with(FORMULA_START) {
        cell[1..].to_string()
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized_reversibly() {
        for (raw, shown) in [
            ("=1+1", "'=1+1"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+7 700", "'+7 700"),
            ("-2", "-2"),
            ("-1250.50", "-1250.50"),
            ("-2+3", "'-2+3"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'-2", "''-2"),
            ("'plain", "'plain"),
            ("P-07", "P-07"),
            ("Сарлы", "Сарлы"),
            ("", ""),
            ("'", "'"),
        ] {
            assert_eq!(neutralize_formula(raw), shown, "{raw:?}");
            assert_eq!(restore_formula(shown), raw, "{shown:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn neutralizing_is_undone_exactly(s in "['=+@\t\r0-9.a-]{0,4}\\PC{0,6}") {
            let n = neutralize_formula(&s);
            proptest::prop_assert!(
                !n.starts_with(FORMULA_START) || plain_negative_number(&n),
                "{n:?}"
            );
            proptest::prop_assert_eq!(restore_formula(&n), s);
        }
    }
}
