//! A card and (when read) its lot page onto the domain's `Lot`: the same lot
//! the API source gives, with what the site cannot tell left empty (bids,
//! bidders, participants, the close) and the site's own extras in
//! `Lot::site`.

use super::list::Card;
use super::lot_page::{Field, LotPage};
use super::text::fold;
use crate::domain::{
    Amount, License, LicenseKind, Lot, LotResult, LotStatus, Money, SiteLot, SoftClose, Timestamp,
};

/// The site's status text (ru, kz, en; several may be joined by "; ") as a
/// `LotStatus`. Applications and pending → scheduled, running → open, held
/// → sold, failed → unsold, cancelled before the start → cancelled; a
/// cancelled result keeps its own status (`result_cancelled`).
pub fn map_status(text: &str) -> LotStatus {
    for part in text.split(';') {
        let t = fold(part.trim());
        let is = |words: &[&str]| words.iter().any(|w| fold(w) == t);
        if is(&[
            "Прием заявок",
            "Приём заявок",
            "Ожидание начала",
            "Өтінімдерді қабылдау",
            "Сауда-саттықтың басталуын күту",
            "Accepting applications",
            "Pending",
        ]) {
            return LotStatus::Scheduled;
        }
        if is(&["Проводится", "Өткізілуде", "Running"]) {
            return LotStatus::Open;
        }
        if is(&["Состоялся", "Өтті", "Held"]) {
            return LotStatus::Sold;
        }
        if is(&["Не состоялся", "Өтпеді", "Failed"]) {
            return LotStatus::Unsold;
        }
        if is(&[
            "Отменен до начала торгов",
            "Отменён до начала торгов",
            "Сауда-саттық басталғанға дейін жойылды",
            "Cancelled before the start",
        ]) {
            return LotStatus::Cancelled;
        }
        if is(&[
            "Результат торга отменен",
            "Результат торга отменён",
            "Сауда-саттық нәтижесі жойылды",
            "Result cancelled",
        ]) {
            return LotStatus::Unknown("result_cancelled".into());
        }
    }
    LotStatus::Unknown(text.chars().take(32).collect())
}

/// The object type of a card title's prefix (ru, kz, en).
fn object_type(title: &str) -> (&'static str, Option<usize>) {
    const PREFIXES: [(&str, &str); 6] = [
        ("Твердые полезные ископаемые:", "SolidMinerals"),
        ("Қатты пайдалы қазбалар:", "SolidMinerals"),
        ("Solid minerals:", "SolidMinerals"),
        ("Углеводороды:", "Hydrocarbon"),
        ("Көмірсутектер:", "Hydrocarbon"),
        ("Hydrocarbons:", "Hydrocarbon"),
    ];
    let f = fold(title);
    for (p, v) in PREFIXES {
        let fp = fold(p);
        if f.starts_with(&fp) {
            return (
                v,
                Some(
                    title
                        .chars()
                        .take(p.chars().count())
                        .map(char::len_utf8)
                        .sum(),
                ),
            );
        }
    }
    ("", None)
}

/// The plot's name: the title without the object-type prefix and without
/// «Участок:».
fn plot_name(title: &str) -> String {
    let (_, cut) = object_type(title);
    let rest = cut.map_or(title, |n| &title[n..]).trim();
    for p in ["Участок:", "Учаcток:", "Plot:"] {
        if let Some(r) = rest.strip_prefix(p) {
            return r.trim().to_string();
        }
    }
    rest.to_string()
}

/// The licence kind from the auction type's words (and, for hydrocarbons,
/// the description's «Описание: Добыча…»).
fn license_kind(auction_type: &str, summary: Option<&str>) -> LicenseKind {
    let t = fold(auction_type);
    let has = |w: &str| t.contains(&fold(w));
    if has("разведка") || has("барлау") || has("exploration") {
        LicenseKind::Exploration
    } else if has("добыча") || has("өндіру") || has("production") || has("mining") {
        LicenseKind::Production
    } else if has("свободный блок") || has("бос блок") || has("released block")
    {
        LicenseKind::Unknown("released_block".into())
    } else {
        let s = summary.map(fold).unwrap_or_default();
        if s.starts_with(&fold("Добыча")) {
            LicenseKind::Production
        } else if s.starts_with(&fold("Разведка")) {
            LicenseKind::Exploration
        } else {
            LicenseKind::Unknown("hydrocarbons".into())
        }
    }
}

/// The domain lot of a card, with its page when it was read. `url` is the
/// lot page's address (rebased); `read_at` is the server time of the read.
pub fn lot_from(card: &Card, page: Option<&LotPage>, url: String, read_at: Timestamp) -> Lot {
    let mut invalid: Vec<String> = Vec::new();
    let (otype, _) = object_type(&card.title);
    let otype = if otype.is_empty() {
        match page.and_then(LotPage::object_kind).map(fold) {
            Some(k) if k == fold("Углеводороды") => "Hydrocarbon",
            Some(k) if k.contains(&fold("полезные")) => "SolidMinerals",
            _ => "",
        }
    } else {
        otype
    };
    let status_text = page
        .map(|p| p.status.as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or(&card.status)
        .to_string();
    let status = map_status(&status_text);
    // Words where a number belongs are `Amount::Unreadable`; a page not
    // read yet gives no guarantee or fee (`SiteLot::page_read` says so).
    let amount = |f: Option<&Field<Money>>| match f {
        Some(Field::Value(m)) => Amount::Known(*m),
        Some(Field::Invalid(_)) => Amount::Unreadable,
        _ => Amount::Known(Money::ZERO),
    };
    // The page's starting price when read, else the card's.
    let starting_bonus = match page.map(|p| &p.starting_price) {
        Some(Field::Value(m)) => Amount::Known(*m),
        Some(Field::Invalid(_)) => Amount::Unreadable,
        _ => card.price.map_or(Amount::Unreadable, Amount::Known),
    };
    let guarantee = amount(page.map(|p| &p.guarantee));
    let participation_fee = amount(page.map(|p| &p.participation_fee));
    let opens_at = match page.map(|p| &p.starts_at) {
        Some(Field::Value(t)) => Some(*t),
        _ => card.starts_at,
    };
    if opens_at.is_none() {
        invalid.push("opens_at".into());
    }
    let opens_at = opens_at.unwrap_or(read_at);
    let deadline = match page.map(|p| &p.deadline) {
        Some(Field::Value(t)) => Some(*t),
        Some(Field::Invalid(_)) => {
            invalid.push("deadline".into());
            None
        }
        _ => None,
    };
    let result = match page.map(|p| &p.sale_price) {
        Some(Field::Value(m)) => Some(LotResult {
            winner: String::new(),
            amount: *m,
            protocol_at: read_at,
        }),
        Some(Field::Invalid(_)) => {
            invalid.push("sale_price".into());
            None
        }
        _ => None,
    };
    let minerals = match page.map(LotPage::minerals) {
        Some(m) if !m.is_empty() => m,
        _ => vec![match otype {
            "SolidMinerals" => "solid minerals".to_string(),
            "Hydrocarbon" => "hydrocarbons".to_string(),
            _ => String::new(),
        }]
        .into_iter()
        .filter(|m| !m.is_empty())
        .collect(),
    };
    let region = if card.region.is_empty() {
        page.and_then(LotPage::region)
            .unwrap_or_default()
            .to_string()
    } else {
        card.region.clone()
    };
    let auction_type = page
        .map(|p| p.auction_type.as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or(&card.auction_type)
        .to_string();
    let name = match page.map(|p| p.heading.as_str()) {
        Some(h) if !h.is_empty() => plot_name(h),
        _ => plot_name(&card.title),
    };
    Lot {
        id: card.id.clone(),
        number: card.number.clone(),
        name,
        region,
        minerals,
        license: License {
            kind: license_kind(&auction_type, page.and_then(LotPage::summary)),
            term_years: 0,
            area_km2: page.and_then(LotPage::area_km2),
            blocks: page.and_then(LotPage::blocks),
        },
        reserves: page
            .and_then(LotPage::summary)
            .unwrap_or_default()
            .to_string(),
        starting_bonus,
        min_increment: Money::ZERO,
        guarantee,
        participation_fee,
        min_participants: 0,
        participants: 0,
        status,
        opens_at,
        // The site publishes no close: the start stands in for it.
        closes_at: opens_at,
        soft_close: SoftClose {
            window_s: 0,
            extend_s: 0,
            max_extensions: None,
        },
        extensions: 0,
        high_bid: None,
        bid_count: 0,
        result,
        site: Some(Box::new(SiteLot {
            url,
            object_type: otype.to_string(),
            auction_type,
            status_text,
            deadline,
            page_read: page.is_some(),
            invalid,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map() {
        assert_eq!(map_status("Прием заявок"), LotStatus::Scheduled);
        assert_eq!(
            map_status("Прием заявок; Регистрация участников в аукционном зале"),
            LotStatus::Scheduled
        );
        assert_eq!(map_status("Өтінімдерді қабылдау"), LotStatus::Scheduled);
        assert_eq!(map_status("Проводится"), LotStatus::Open);
        assert_eq!(map_status("Состоялся"), LotStatus::Sold);
        assert_eq!(map_status("Не состоялся"), LotStatus::Unsold);
        assert_eq!(map_status("Отменен до начала торгов"), LotStatus::Cancelled);
        assert_eq!(
            map_status("Результат торга отменен"),
            LotStatus::Unknown("result_cancelled".into())
        );
        assert_eq!(
            map_status("Что-то новое"),
            LotStatus::Unknown("Что-то новое".into())
        );
    }

    #[test]
    fn names_and_kinds() {
        assert_eq!(
            plot_name("Углеводороды: Участок: Сарлы Южное крыло"),
            "Сарлы Южное крыло"
        );
        assert_eq!(plot_name("Участок: Сарлы Южное крыло"), "Сарлы Южное крыло");
        assert_eq!(
            object_type("Твердые полезные ископаемые: Участок: X").0,
            "SolidMinerals"
        );
        assert_eq!(
            license_kind(
                "Аукцион закрытый по твердым полезным ископаемым (разведка)",
                None
            ),
            LicenseKind::Exploration
        );
        assert_eq!(
            license_kind(
                "Аукцион на повышение по углеводородам",
                Some("Добыча. По контуру")
            ),
            LicenseKind::Production
        );
    }
}
