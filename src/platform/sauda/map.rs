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

/// The site's status words (ru, kz, en, and the list filter's own value),
/// each with its status. The list filters by seven statuses; the lot page
/// may join several with "; " (the first known one decides). Applications
/// and pending → scheduled, running → open, held → sold, failed → unsold,
/// cancelled before the start → cancelled; a cancelled result keeps its own
/// status (`result_cancelled`).
const STATUS_WORDS: [(&str, &str); 31] = [
    // ApplicationsAccept
    ("Прием заявок", "scheduled"),
    ("Приём заявок", "scheduled"),
    ("Өтінімдерді қабылдау", "scheduled"),
    ("Accepting applications", "scheduled"),
    ("ApplicationsAccept", "scheduled"),
    // Pending
    ("Ожидание начала", "scheduled"),
    ("Ожидание начала торгов", "scheduled"),
    ("Сауда-саттықтың басталуын күту", "scheduled"),
    ("Pending", "scheduled"),
    // Running
    ("Проводится", "open"),
    ("Өткізілуде", "open"),
    ("Running", "open"),
    // SuccessProtocolSigned
    ("Состоялся", "sold"),
    ("Өтті", "sold"),
    ("Held", "sold"),
    ("SuccessProtocolSigned", "sold"),
    // FailureProtocolSigned
    ("Не состоялся", "unsold"),
    ("Өтпеді", "unsold"),
    ("Failed", "unsold"),
    ("FailureProtocolSigned", "unsold"),
    // NullifyResultProtocolSigned
    ("Результат торга отменен", "result_cancelled"),
    ("Результат торга отменён", "result_cancelled"),
    ("Сауда-саттық нәтижесі жойылды", "result_cancelled"),
    ("Result cancelled", "result_cancelled"),
    ("NullifyResultProtocolSigned", "result_cancelled"),
    // CancelBeforeStart
    ("Отменен до начала торгов", "cancelled"),
    ("Отменён до начала торгов", "cancelled"),
    ("Сауда-саттық басталғанға дейін жойылды", "cancelled"),
    ("Cancelled before the start", "cancelled"),
    ("CancelBeforeStart", "cancelled"),
    ("Торги отменены до начала", "cancelled"),
];

/// The site's status text (ru, kz, en; several may be joined by "; ") as a
/// `LotStatus`, by `STATUS_WORDS`. A text none of whose parts is known is
/// kept as the site wrote it, as an unknown status: shown, never dropped.
pub fn map_status(text: &str) -> LotStatus {
    for part in text.split(';') {
        let t = fold(part.trim());
        if let Some((_, code)) = STATUS_WORDS.iter().find(|(w, _)| fold(w) == t) {
            return match *code {
                "result_cancelled" => LotStatus::Unknown("result_cancelled".into()),
                c => LotStatus::parse(c),
            };
        }
    }
    LotStatus::Unknown(text.trim().chars().take(32).collect())
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
/// the description's «Описание: Добыча…»). Anything else is not guessed:
/// the kind is unknown (`—` on screen, `null` in JSON).
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
            LicenseKind::Unknown(String::new())
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
        // «Описание» is the site's description of the plot, not reserves.
        reserves: String::new(),
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
            description: page
                .and_then(LotPage::summary)
                .unwrap_or_default()
                .to_string(),
            page_read: page.is_some(),
            invalid,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test per status text of the site.
    macro_rules! status_tests {
        ($($name:ident: $text:expr => $want:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(map_status($text), $want, "{}", $text);
            }
        )*};
    }

    use LotStatus as S;
    fn rc() -> LotStatus {
        S::Unknown("result_cancelled".into())
    }

    status_tests! {
        ru_applications: "Прием заявок" => S::Scheduled;
        ru_applications_yo: "Приём заявок" => S::Scheduled;
        kz_applications: "Өтінімдерді қабылдау" => S::Scheduled;
        en_applications: "Accepting applications" => S::Scheduled;
        value_applications: "ApplicationsAccept" => S::Scheduled;
        ru_pending: "Ожидание начала" => S::Scheduled;
        ru_pending_long: "Ожидание начала торгов" => S::Scheduled;
        kz_pending: "Сауда-саттықтың басталуын күту" => S::Scheduled;
        value_pending: "Pending" => S::Scheduled;
        ru_running: "Проводится" => S::Open;
        kz_running: "Өткізілуде" => S::Open;
        value_running: "Running" => S::Open;
        ru_held: "Состоялся" => S::Sold;
        kz_held: "Өтті" => S::Sold;
        en_held: "Held" => S::Sold;
        value_held: "SuccessProtocolSigned" => S::Sold;
        ru_failed: "Не состоялся" => S::Unsold;
        kz_failed: "Өтпеді" => S::Unsold;
        en_failed: "Failed" => S::Unsold;
        value_failed: "FailureProtocolSigned" => S::Unsold;
        ru_nullified: "Результат торга отменен" => rc();
        ru_nullified_yo: "Результат торга отменён" => rc();
        kz_nullified: "Сауда-саттық нәтижесі жойылды" => rc();
        en_nullified: "Result cancelled" => rc();
        value_nullified: "NullifyResultProtocolSigned" => rc();
        ru_cancelled: "Отменен до начала торгов" => S::Cancelled;
        ru_cancelled_yo: "Отменён до начала торгов" => S::Cancelled;
        ru_cancelled_other: "Торги отменены до начала" => S::Cancelled;
        kz_cancelled: "Сауда-саттық басталғанға дейін жойылды" => S::Cancelled;
        en_cancelled: "Cancelled before the start" => S::Cancelled;
        value_cancelled: "CancelBeforeStart" => S::Cancelled;
        // The lot page's composite statuses: the first known part decides.
        ru_composite: "Прием заявок; Регистрация участников в аукционном зале" => S::Scheduled;
        kz_composite: "Өтінімдерді қабылдау; Аукцион залында қатысушыларды тіркеу" => S::Scheduled;
        ru_composite_later: "Регистрация участников в аукционном зале; Проводится" => S::Open;
        ru_composite_result: "Состоялся; Протокол подписан" => S::Sold;
        // Latin look-alikes the site mixes in («Пpием» with a Latin p).
        ru_lookalike: "Пpием заявок" => S::Scheduled;
        // Unknown: kept as written, never dropped.
        unknown_kept: "Что-то новое" => S::Unknown("Что-то новое".into());
        unknown_composite_kept: "Регистрация участников; Пауза" => S::Unknown("Регистрация участников; Пауза".into());
    }

    #[test]
    fn every_status_word_is_tested() {
        // The table and the tests above stay in step: each word maps to
        // what its code says.
        for (w, code) in STATUS_WORDS {
            let got = map_status(w);
            match code {
                "result_cancelled" => assert_eq!(got, rc(), "{w}"),
                c => assert_eq!(got, LotStatus::parse(c), "{w}"),
            }
        }
    }

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
        // Not a subsoil type the site names: unknown, never a guess.
        assert_eq!(
            license_kind("Аукцион по продаже имущества", None),
            LicenseKind::Unknown(String::new())
        );
        assert_eq!(
            license_kind("Аукцион на повышение по углеводородам", None),
            LicenseKind::Unknown(String::new())
        );
    }
}
