//! Stand-in for `rates::nbk` (the National Bank XML parser, written on another
//! branch) with the same signature, so the fetching and fallback logic can be
//! built and tested now. Deleted when the real parser is merged.

use crate::domain::{Currency, Rate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NbkRates {
    pub date: jiff::civil::Date,
    pub rates: BTreeMap<Currency, Rate>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("NBK feed: {0}")]
pub struct NbkError(pub String);

/// Reads the `get_rates.cfm` layout only: `<date>DD.MM.YYYY</date>` and
/// `<item>`s with `title`, `description` and `quant`.
pub fn parse_nbk(xml: &str) -> Result<NbkRates, NbkError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| NbkError(format!("not XML: {e}")))?;
    let text = |n: roxmltree::Node<'_, '_>, tag: &str| {
        n.children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .map(str::trim)
            .unwrap_or("")
            .to_string()
    };
    let root = doc.root_element();
    let d = text(root, "date");
    let date = jiff::civil::Date::strptime("%d.%m.%Y", &d)
        .map_err(|_| NbkError("no valid <date>".into()))?;
    let mut rates = BTreeMap::new();
    for item in root.children().filter(|c| c.has_tag_name("item")) {
        let Some(cur) = Currency::from_code(&text(item, "title")) else {
            continue;
        };
        let desc: Decimal = text(item, "description")
            .parse()
            .map_err(|_| NbkError("bad description".into()))?;
        let quant: Decimal = text(item, "quant")
            .parse()
            .map_err(|_| NbkError("bad quant".into()))?;
        if quant <= Decimal::ZERO || desc <= Decimal::ZERO {
            return Err(NbkError("zero quant or rate".into()));
        }
        rates.insert(cur, Rate(desc / quant));
    }
    Ok(NbkRates { date, rates })
}
