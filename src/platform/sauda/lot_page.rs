//! A lot's page (`/{lang}/list/{id}`): the heading, number and auction type,
//! the starting price and trading start, the label/value rows (guarantee,
//! participation fee, application deadline, sale price), the status, and
//! the description string («Область: …; Площадь, кв. км.: 0.66; …»). The
//! main card is given twice; the desktop copy (which carries the extra rows)
//! is read, and the mobile one only fills what the desktop lacks.

use super::amount::{parse_astana, parse_plain_decimal, parse_tenge};
use super::list::{down_of, number_of};
use super::text::{label_is, own_text, raw_text, sel, text_of, tidy};
use crate::domain::{Money, Timestamp};
use crate::platform::PlatformError;
use crate::platform::sanitize::{MAX_NAME, MAX_NOTICE};
use rust_decimal::Decimal;
use scraper::{ElementRef, Html};
use std::sync::LazyLock;

/// Description pairs read at most.
const MAX_PAIRS: usize = 64;

/// A field that the page showed: a value, or text that is not one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field<T> {
    Absent,
    Value(T),
    /// Shown, but not a number or a date (kept as text for the log).
    Invalid(String),
}

impl<T: Copy> Field<T> {
    pub fn value(&self) -> Option<T> {
        match self {
            Field::Value(v) => Some(*v),
            _ => None,
        }
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self, Field::Invalid(_))
    }
}

/// What one lot page says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotPage {
    pub number: String,
    /// The heading («Участок: Сарлы Южное крыло»).
    pub heading: String,
    pub auction_type: String,
    pub starting_price: Field<Money>,
    pub starts_at: Field<Timestamp>,
    pub guarantee: Field<Money>,
    pub participation_fee: Field<Money>,
    pub deadline: Field<Timestamp>,
    pub sale_price: Field<Money>,
    pub status: String,
    /// The «Объект продажи» string, whole (sanitized).
    pub description: String,
    /// Its `key: value` pairs, in order.
    pub pairs: Vec<(String, String)>,
}

impl LotPage {
    /// The first pair whose key is one of `keys` (folded comparison).
    pub fn pair(&self, keys: &[&str]) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| label_is(k, keys))
            .map(|(_, v)| v.as_str())
    }

    pub fn region(&self) -> Option<&str> {
        self.pair(&["Область", "Облысы", "Region"])
    }

    pub fn area_km2(&self) -> Option<Decimal> {
        self.pair(&["Площадь, кв. км.", "Ауданы, шаршы км.", "Area, sq. km"])
            .and_then(parse_plain_decimal)
    }

    pub fn blocks(&self) -> Option<u32> {
        self.pair(&["Количество блоков", "Блоктар саны", "Blocks"])
            .and_then(|v| v.trim().parse().ok())
    }

    /// «Полезные ископаемые: золото, медь» where the page names them.
    pub fn minerals(&self) -> Vec<String> {
        self.pair(&["Полезные ископаемые", "Пайдалы қазбалар", "Minerals"])
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .take(8)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// «Тип 2: Углеводороды».
    pub fn object_kind(&self) -> Option<&str> {
        self.pair(&["Тип 2", "Type 2"])
    }

    /// «Описание: Добыча. …».
    pub fn summary(&self) -> Option<&str> {
        self.pair(&["Описание", "Сипаттамасы", "Description"])
    }
}

static DESKTOP: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.card.d-none.d-sm-block"));
static MOBILE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.card.d-block.d-sm-none"));
static HEADING: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.font-16.lh-sm"));
static BADGE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span.badge"));
static TYPE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.mt-1 > span.font-weight-700"));
static P_LABEL: LazyLock<scraper::Selector> = LazyLock::new(|| sel("p.font-14"));
static P_VALUE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span"));
static ROW: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.row.mt-2"));
static ROW_LABEL: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.text-secondary"));
static ROW_VALUE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.text-dark"));
static STATUS_BOX: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.my-2"));
static BOLD: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span.font-weight-bold"));
static SECTION_LABEL: LazyLock<scraper::Selector> =
    LazyLock::new(|| sel("div.card-body p.font-16"));
static VIEW_BODY: LazyLock<scraper::Selector> =
    LazyLock::new(|| sel("body.saudamodule_mnuauctionview"));

const STARTING: [&str; 5] = [
    "Стартовая цена",
    "Бастапқы баға",
    "Қол қою бонусының бастапқы мөлшері",
    "Стартовый размер подписного бонуса",
    "Starting price",
];
const START: [&str; 3] = [
    "Начало торгов",
    "Сауда-саттықтың басталуы",
    "Start of trading",
];
const GUARANTEE: [&str; 3] = ["Гарантийный взнос", "Кепілдік жарна", "Guarantee fee"];
const FEE: [&str; 3] = ["Взнос за участие", "Қатысу жарнасы", "Participation fee"];
const DEADLINE: [&str; 3] = [
    "Дата завершения приема заявок",
    "Өтінімдерді қабылдауды аяқтау күні",
    "Application deadline",
];
const SALE: [&str; 3] = ["Цена продажи", "Сату бағасы", "Sale price"];
const STATUS: [&str; 3] = ["Статус торгов", "Сауда-саттық мәртебесі", "Auction status"];
const OBJECT: [&str; 3] = ["Объект продажи", "Сату объектісі", "Object of sale"];

/// Parses a lot page; `page` names it in errors.
pub fn parse_lot_page(html: &str, page: &str) -> Result<LotPage, PlatformError> {
    super::guard::check_depth(html, page)?;
    let doc = Html::parse_document(html);
    let layout = |what: &str| PlatformError::Layout {
        page: page.to_string(),
        what: what.to_string(),
    };
    if doc.select(&VIEW_BODY).next().is_none() {
        return Err(match down_of(&doc) {
            Some(kind) => PlatformError::SiteDown {
                page: page.to_string(),
                kind,
            },
            None => layout("not a lot page (no body.saudamodule_mnuauctionview)"),
        });
    }
    let desktop = doc
        .select(&DESKTOP)
        .find(|c| c.select(&BADGE).next().is_some());
    let mobile = doc
        .select(&MOBILE)
        .find(|c| c.select(&BADGE).next().is_some());
    let main = desktop
        .or(mobile)
        .ok_or_else(|| layout("no main card (div.card.d-none.d-sm-block)"))?;
    let number = main
        .select(&BADGE)
        .find_map(|b| number_of(&text_of(b)))
        .ok_or_else(|| layout("no lot number (span.badge «№ …»)"))?;
    let heading = main
        .select(&HEADING)
        .next()
        .map(text_of)
        .unwrap_or_default();
    let auction_type = main.select(&TYPE).next().map(text_of).unwrap_or_default();
    let copies: Vec<ElementRef<'_>> = [desktop, mobile].into_iter().flatten().collect();
    let mut out = LotPage {
        number,
        heading,
        auction_type,
        starting_price: Field::Absent,
        starts_at: Field::Absent,
        guarantee: Field::Absent,
        participation_fee: Field::Absent,
        deadline: Field::Absent,
        sale_price: Field::Absent,
        status: String::new(),
        description: String::new(),
        pairs: Vec::new(),
    };
    for copy in copies {
        read_copy(copy, &mut out);
    }
    if out.status.is_empty() {
        return Err(layout(&format!(
            "lot {}: no status («Статус торгов:»)",
            out.number
        )));
    }
    read_description(&doc, &mut out);
    Ok(out)
}

/// Fills what is still absent from one copy of the main card.
fn read_copy(card: ElementRef<'_>, out: &mut LotPage) {
    for p in card.select(&P_LABEL) {
        let label = own_text(p);
        let Some(value) = p.select(&P_VALUE).next() else {
            continue;
        };
        let raw = raw_text(value, 256);
        if label_is(&label, &STARTING) {
            fill(&mut out.starting_price, &raw, parse_tenge);
        } else if label_is(&label, &START) {
            fill(&mut out.starts_at, &raw, parse_astana);
        }
    }
    for row in card.select(&ROW) {
        let (Some(l), Some(v)) = (row.select(&ROW_LABEL).next(), row.select(&ROW_VALUE).next())
        else {
            continue;
        };
        let label = text_of(l);
        let raw = raw_text(v, 256);
        if label_is(&label, &GUARANTEE) {
            fill(&mut out.guarantee, &raw, parse_tenge);
        } else if label_is(&label, &FEE) {
            fill(&mut out.participation_fee, &raw, parse_tenge);
        } else if label_is(&label, &DEADLINE) {
            fill(&mut out.deadline, &raw, parse_astana);
        } else if label_is(&label, &SALE) {
            fill(&mut out.sale_price, &raw, parse_tenge);
        }
    }
    if out.status.is_empty() {
        for b in card.select(&STATUS_BOX) {
            if label_is(&own_text(b), &STATUS)
                && let Some(s) = b.select(&BOLD).next()
            {
                out.status = text_of(s);
                break;
            }
        }
    }
}

fn fill<T>(field: &mut Field<T>, raw: &str, parse: impl Fn(&str) -> Option<T>) {
    if !matches!(field, Field::Absent) {
        return;
    }
    let shown = tidy(raw, MAX_NAME);
    if shown.is_empty() {
        return;
    }
    *field = match parse(raw) {
        Some(v) => Field::Value(v),
        None => Field::Invalid(shown),
    };
}

/// «Объект продажи» and its value paragraph, split into its pairs.
fn read_description(doc: &Html, out: &mut LotPage) {
    let Some(label) = doc
        .select(&SECTION_LABEL)
        .find(|p| label_is(&text_of(*p), &OBJECT))
    else {
        return;
    };
    let Some(value) = label.next_siblings().filter_map(ElementRef::wrap).next() else {
        return;
    };
    let desc = tidy(&raw_text(value, MAX_NOTICE * 4), MAX_NOTICE);
    out.pairs = pairs_of(&desc);
    out.description = desc;
}

/// `Жер телімі: X, Участок: X; Тип: …; Площадь, кв. км.: 0.66;` → pairs. The
/// first segment is a title, a comma, then a pair; keys end at the first
/// `": "`, values at `"; "` (a value may hold dots and dashes).
fn pairs_of(desc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, seg) in desc.split(';').enumerate() {
        if out.len() >= MAX_PAIRS {
            break;
        }
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let seg = if i == 0 {
            // «Земельный участок: X, Участок: X»: the part after the comma.
            seg.rsplit_once(", ").map_or(seg, |(_, p)| p)
        } else {
            seg
        };
        let split = seg.split_once(": ").or_else(|| seg.split_once(" - "));
        if let Some((k, v)) = split {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_pairs() {
        let p = pairs_of(
            "Жер телімі: Сарлы Южное крыло, Участок: Сарлы Южное крыло; Тип: Недропользование; \
             Область: Актюбинская; Площадь, кв. км.: 0.66; Описание: Добыча. Глубина - до 3 км.;",
        );
        assert_eq!(p[0], ("Участок".into(), "Сарлы Южное крыло".into()));
        assert_eq!(p[2], ("Область".into(), "Актюбинская".into()));
        assert_eq!(p[3], ("Площадь, кв. км.".into(), "0.66".into()));
        assert_eq!(p[4].1, "Добыча. Глубина - до 3 км.");
        assert!(pairs_of("").is_empty());
        assert_eq!(pairs_of(&"a: b;".repeat(1000)).len(), MAX_PAIRS);
    }
}
