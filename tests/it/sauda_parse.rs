//! The sauda.e-qazyna.kz parser on the fixture pages (tests/fixtures/sauda):
//! every field of a Russian and a Kazakh lot page, the list's cards read
//! once (desktop copy; the guest bar and the advertisement skipped), sold,
//! failed and cancelled lots, the empty list, entities and control
//! characters, a non-numeric price, and the layouts it must refuse by name.

use lotwatch::domain::{LicenseKind, LotStatus, Money, Timestamp};
use lotwatch::platform::PlatformError;
use lotwatch::platform::sauda::lot_page::Field;
use lotwatch::platform::sauda::{SiteDown, lot_from, parse_list, parse_lot_page};

const LIST: &str = include_str!("../fixtures/sauda/list-solid-minerals.html");
const EMPTY: &str = include_str!("../fixtures/sauda/list-empty.html");
const KZ: &str = include_str!("../fixtures/sauda/lot-401102-kz.html");
const SOLD: &str = include_str!("../fixtures/sauda/lot-sold-ru.html");
const DOWN: &str = include_str!("../fixtures/sauda/maintenance.html");
const THROTTLED: &str = include_str!("../fixtures/sauda/throttled.html");

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("test time")
}

fn tenge(s: &str) -> Money {
    Money::parse(s).expect("test amount")
}

#[test]
fn list_cards_once_each_guest_bar_and_advert_skipped() {
    let page = parse_list(LIST, "/ru/list").expect("parses");
    assert_eq!(page.found, 127);
    assert_eq!(page.last_page, 7);
    assert_eq!(page.pages(), 7);
    let numbers: Vec<&str> = page.cards.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, ["400637", "400854", "401071", "401102", "401319"]);
    // The advertised lot links to a lot page but is not a card.
    assert!(page.cards.iter().all(|c| c.id != "276163399774000000"));
    let c = &page.cards[3];
    assert_eq!(c.id, "274460904013000000");
    assert_eq!(c.title, "Углеводороды: Участок: Сарлы Южное крыло");
    assert_eq!(c.auction_type, "Аукцион на повышение по углеводородам");
    assert_eq!(c.starts_at, Some(t("2024-11-27T05:00:00Z")));
    assert_eq!(c.region, "Актюбинская область");
    assert_eq!(c.price, Some(tenge("36920000.00")));
    assert_eq!(c.status, "Прием заявок");
    let statuses: Vec<LotStatus> = page
        .cards
        .iter()
        .map(|c| lotwatch::platform::sauda::map_status(&c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            LotStatus::Sold,
            LotStatus::Unsold,
            LotStatus::Open,
            LotStatus::Scheduled,
            LotStatus::Cancelled
        ]
    );
    // Kazakh letters written as references (Ұлытау: &#x4B0;).
    assert_eq!(page.cards[4].region, "Область Ұлытау");
}

#[test]
fn card_maps_to_the_domain_lot() {
    let page = parse_list(LIST, "/ru/list").expect("parses");
    let lot = lot_from(
        &page.cards[3],
        None,
        "http://h/ru/list/274460904013000000".into(),
        t("2024-11-01T00:00:00Z"),
    );
    assert_eq!(lot.number, "401102");
    assert_eq!(lot.name, "Сарлы Южное крыло");
    assert_eq!(lot.status, LotStatus::Scheduled);
    assert_eq!(lot.opens_at, t("2024-11-27T05:00:00Z"));
    assert_eq!(lot.starting_bonus, tenge("36920000").into());
    assert_eq!(lot.minerals, ["hydrocarbons"]);
    let site = lot.site.as_deref().expect("site extras");
    assert_eq!(site.object_type, "Hydrocarbon");
    assert!(!site.page_read);
    assert!(site.invalid.is_empty());
}

#[test]
fn kazakh_lot_page_every_field() {
    let p = parse_lot_page(KZ, "/kz/list/274460904013000000").expect("parses");
    assert_eq!(p.number, "401102");
    assert_eq!(p.heading, "Участок: Сарлы Южное крыло");
    assert_eq!(p.auction_type, "Көмірсутектер бойынша көтеру аукционы");
    assert_eq!(p.starting_price, Field::Value(tenge("36920000.00")));
    assert_eq!(p.starts_at, Field::Value(t("2024-11-27T05:00:00Z")));
    // Desktop copy only: the participation fee.
    assert_eq!(p.participation_fee, Field::Value(tenge("369200.00")));
    assert_eq!(p.guarantee, Field::Value(tenge("36920000.00")));
    assert_eq!(p.deadline, Field::Absent);
    assert_eq!(p.sale_price, Field::Absent);
    assert_eq!(p.status, "Өтінімдерді қабылдау");
    assert_eq!(p.region(), Some("Актюбинская"));
    assert_eq!(p.area_km2().map(|d| d.to_string()).as_deref(), Some("0.66"));
    assert_eq!(p.blocks(), Some(0));
    let list = parse_list(LIST, "/ru/list").expect("parses");
    let lot = lot_from(
        &list.cards[3],
        Some(&p),
        "u".into(),
        t("2024-11-01T00:00:00Z"),
    );
    assert_eq!(lot.status, LotStatus::Scheduled);
    assert_eq!(lot.license.kind, LicenseKind::Production);
    assert_eq!(lot.guarantee, tenge("36920000").into());
    assert_eq!(lot.participation_fee, tenge("369200").into());
    assert_eq!(lot.region, "Актюбинская область");
    // «Описание» is the plot's description, not its reserves.
    let site = lot.site.as_deref().expect("site extras");
    assert!(
        site.description.starts_with("Добыча. По контуру отвода."),
        "{}",
        site.description
    );
    assert!(lot.reserves.is_empty(), "{}", lot.reserves);
    assert!(site.page_read);
}

#[test]
fn russian_sold_lot_page() {
    let p = parse_lot_page(SOLD, "/ru/list/273126912481000000").expect("parses");
    assert_eq!(p.number, "400637");
    assert_eq!(p.starting_price, Field::Value(tenge("18460000")));
    assert_eq!(p.participation_fee, Field::Value(tenge("369200")));
    assert_eq!(p.guarantee, Field::Value(tenge("3692000")));
    assert_eq!(p.deadline, Field::Value(t("2024-10-30T04:55:00Z")));
    assert_eq!(p.sale_price, Field::Value(tenge("55380000")));
    assert_eq!(p.status, "Состоялся");
    assert_eq!(p.blocks(), Some(6));
    assert_eq!(p.area_km2().map(|d| d.to_string()).as_deref(), Some("12.4"));
    let list = parse_list(LIST, "/ru/list").expect("parses");
    let lot = lot_from(
        &list.cards[0],
        Some(&p),
        "u".into(),
        t("2024-10-30T10:00:00Z"),
    );
    assert_eq!(lot.status, LotStatus::Sold);
    assert_eq!(
        lot.result.as_ref().map(|r| r.amount),
        Some(tenge("55380000"))
    );
    assert_eq!(lot.license.kind, LicenseKind::Production);
    assert_eq!(lot.name, "Тасжарган-Северный");
    assert_eq!(
        lot.site.as_deref().and_then(|s| s.deadline),
        Some(t("2024-10-30T04:55:00Z"))
    );
}

#[test]
fn empty_list_is_empty_not_an_error() {
    let page = parse_list(EMPTY, "/ru/list").expect("parses");
    assert_eq!(page.found, 0);
    assert!(page.cards.is_empty());
    assert_eq!(page.pages(), 1);
}

#[test]
fn no_cards_under_a_count_is_a_named_error() {
    // Every card removed, the count kept.
    let start = LIST
        .find("<div class=\"d-none d-sm-block\">\n    <div class=\"row\">")
        .expect("a card");
    let end = LIST
        .find("</div><div class=\"d-flex justify-content-center mt-4\">")
        .expect("the pager");
    let html = format!(
        "{}{}",
        &LIST[..start].replace("Найдено: 127", "Найдено: 23"),
        &LIST[end..]
    );
    match parse_list(&html, "/ru/list?p=1") {
        Err(PlatformError::Layout { page, what }) => {
            assert_eq!(page, "/ru/list?p=1");
            assert!(
                what.contains("no lot cards") && what.contains("Найдено: 23"),
                "{what}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_card_without_number_is_a_named_error() {
    let html = LIST.replacen("№400854", "", 2);
    match parse_list(&html, "/ru/list") {
        Err(PlatformError::Layout { what, .. }) => {
            assert!(
                what.contains("card 3") && what.contains("no number"),
                "{what}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_non_numeric_price_marks_that_lot_only() {
    let html = LIST.replacen(
        "11&#xA0;076&#xA0;000,00 ",
        "&#x414;&#x43E;&#x433;&#x43E;&#x432;&#x43E;&#x440;&#x43D;&#x430;&#x44F;",
        1,
    );
    let page = parse_list(&html, "/ru/list").expect("the other lots are kept");
    assert_eq!(page.cards.len(), 5);
    let c = &page.cards[4];
    assert_eq!(c.price, None);
    assert!(c.price_invalid);
    let lot = lot_from(c, None, "u".into(), t("2024-11-01T00:00:00Z"));
    assert_eq!(lot.starting_bonus, lotwatch::domain::Amount::Unreadable);
    assert!(page.cards[..4].iter().all(|c| c.price.is_some()));
    // On a lot page too.
    let sold = SOLD.replace("₸ 55&#xA0;380&#xA0;000,00", "уточняется");
    let p = parse_lot_page(&sold, "/ru/list/1").expect("parses");
    assert!(p.sale_price.is_invalid());
    let lot = lot_from(
        &page.cards[0],
        Some(&p),
        "u".into(),
        t("2024-11-01T00:00:00Z"),
    );
    assert!(lot.field_invalid("sale_price"));
    assert_eq!(lot.result, None);
}

#[test]
fn control_characters_in_references_are_sanitized() {
    let html = LIST.replacen(
        "&#x421;&#x430;&#x440;&#x43B;&#x44B;",
        "&#x1B;]0;pwned&#x7;&#x1B;[2J&#x9B;31m&#x421;&#x430;&#x440;&#x43B;&#x44B;&#x202E;",
        1,
    );
    let page = parse_list(&html, "/ru/list").expect("parses");
    let title = &page.cards[3].title;
    assert!(!title.chars().any(|c| c.is_control()), "{title:?}");
    assert!(!title.contains('\u{202E}'), "{title:?}");
    assert!(title.contains("Сарлы"), "{title:?}");
}

#[test]
fn maintenance_and_throttling_pages_are_named() {
    for (html, kind) in [
        (DOWN, SiteDown::Maintenance),
        (THROTTLED, SiteDown::Throttled),
    ] {
        match parse_list(html, "/ru/list") {
            Err(PlatformError::SiteDown { kind: k, page }) => {
                assert_eq!(k, kind);
                assert_eq!(page, "/ru/list");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_lot_page(html, "/ru/list/1"),
            Err(PlatformError::SiteDown { kind: k, .. }) if k == kind
        ));
    }
    // Some other page with 200: a layout error, not an empty list.
    assert!(matches!(
        parse_list("<html><body><p>Hello</p></body></html>", "/ru/list"),
        Err(PlatformError::Layout { .. })
    ));
    // A list page is not a lot page.
    assert!(matches!(
        parse_lot_page(LIST, "/ru/list/1"),
        Err(PlatformError::Layout { .. })
    ));
}

#[test]
fn the_cause_names_it_in_three_languages() {
    use lotwatch::domain::LinkCause;
    let e = PlatformError::Layout {
        page: "/ru/list".into(),
        what: "no lot cards where the page says «Найдено: 23»".into(),
    };
    let c = LinkCause::from(&e);
    assert_eq!(
        c.to_string(),
        "page not understood: no lot cards where the page says «Найдено: 23» (/ru/list)"
    );
    let down = LinkCause::from(&PlatformError::SiteDown {
        page: "/ru/list".into(),
        kind: SiteDown::Maintenance,
    });
    assert_eq!(
        down.to_string(),
        "the site shows a maintenance page (/ru/list)"
    );
}

#[test]
fn the_site_extras_survive_the_journal_codec() {
    let list = parse_list(LIST, "/ru/list").expect("parses");
    let kz = parse_lot_page(KZ, "/kz/list/274460904013000000").expect("parses");
    let lot = lot_from(
        &list.cards[3],
        Some(&kz),
        "https://sauda.e-qazyna.kz/kz/list/274460904013000000".into(),
        t("2024-11-01T00:00:00Z"),
    );
    let wire = lotwatch::platform::wire::WireLot::from(&lot);
    let json = serde_json::to_string(&wire).expect("encodes");
    let back: lotwatch::platform::wire::WireLot = serde_json::from_str(&json).expect("decodes");
    let again = lotwatch::journal::codec::lot_from_wire(&back).expect("reads back");
    assert_eq!(again, lot);
    // An API lot's JSON has no `site` key at all.
    let api = lotwatch::testing::test_lot();
    let json =
        serde_json::to_string(&lotwatch::platform::wire::WireLot::from(&api)).expect("encodes");
    assert!(!json.contains("\"site\""), "{json}");
}
