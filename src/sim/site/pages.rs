//! The simulated day's lots written as the site writes its pages: list pages
//! of 20 cards (desktop and mobile copies, `<hr>` between lots, «Найдено: N»,
//! a pager with absolute links to the site's host, the guest bar and the
//! right-column advertisement), lot pages (two copies of the main card, the
//! description string), and every non-ASCII character as `&#xHEX;` the way
//! ASP.NET Core encodes it. Russian and Kazakh (and English labels, which
//! the real site's were not seen for).

use crate::domain::{LicenseKind, Lot, LotStatus};
use crate::platform::sauda::SiteLang;
use crate::platform::sauda::amount::{format_astana, format_tenge};
use std::fmt::Write as _;

/// HTML-encodes text as ASP.NET Core's default encoder: every non-ASCII
/// character and `+` as an upper-case hex reference.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '+' => out.push_str("&#x2B;"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
        }
    }
    out
}

/// The site's 18-digit id of a simulated lot.
pub fn site_id(lot: &Lot) -> String {
    let digits: String = lot.id.chars().filter(char::is_ascii_digit).collect();
    format!("27{:0>16}", digits.chars().take(16).collect::<String>())
}

fn is_hydrocarbon(lot: &Lot) -> bool {
    lot.minerals
        .iter()
        .any(|m| matches!(m.as_str(), "oil" | "gas" | "condensate" | "hydrocarbons"))
}

pub fn object_type(lot: &Lot) -> &'static str {
    if is_hydrocarbon(lot) {
        "Hydrocarbon"
    } else {
        "SolidMinerals"
    }
}

struct Words {
    solid: &'static str,
    hydro: &'static str,
    found: &'static str,
    empty: &'static str,
    start_price: &'static str,
    start_price_mobile: &'static str,
    start: &'static str,
    fee: &'static str,
    guarantee: &'static str,
    sale: &'static str,
    status: &'static str,
    describe: &'static str,
    object: &'static str,
    title_list: &'static str,
    title_lot: &'static str,
}

fn words(lang: SiteLang) -> Words {
    match lang {
        SiteLang::Ru => Words {
            solid: "Твердые полезные ископаемые",
            hydro: "Углеводороды",
            found: "Найдено",
            empty: "По вашему запросу торгов не найдено",
            start_price: "Стартовая цена",
            start_price_mobile: "Стартовый размер подписного бонуса",
            start: "Начало торгов",
            fee: "Взнос за участие",
            guarantee: "Гарантийный взнос",
            sale: "Цена продажи",
            status: "Статус торгов:",
            describe: "Описание объекта",
            object: "Объект продажи",
            title_list: "Торги",
            title_lot: "Просмотр торга",
        },
        SiteLang::Kz => Words {
            solid: "Қатты пайдалы қазбалар",
            hydro: "Көмірсутектер",
            found: "Табылды",
            empty: "Сіздің сұрауыңыз бойынша сауда-саттық табылмады",
            start_price: "Бастапқы баға",
            start_price_mobile: "Қол қою бонусының бастапқы мөлшері",
            start: "Сауда-саттықтың басталуы",
            fee: "Қатысу жарнасы",
            guarantee: "Кепілдік жарна",
            sale: "Сату бағасы",
            status: "Сауда-саттық мәртебесі:",
            describe: "Нысанның сипаттамасы",
            object: "Сату объектісі",
            title_list: "Сауда-саттық",
            title_lot: "Сауда-саттықты қарау",
        },
        SiteLang::En => Words {
            solid: "Solid minerals",
            hydro: "Hydrocarbons",
            found: "Found",
            empty: "No auctions found",
            start_price: "Starting price",
            start_price_mobile: "Starting price",
            start: "Start of trading",
            fee: "Participation fee",
            guarantee: "Guarantee fee",
            sale: "Sale price",
            status: "Auction status:",
            describe: "Object description",
            object: "Object of sale",
            title_list: "Auctions",
            title_lot: "View auction",
        },
    }
}

/// The site's status words for a simulated status.
pub fn status_text(status: &LotStatus, lang: SiteLang) -> &'static str {
    use LotStatus::*;
    match (lang, status) {
        (SiteLang::Ru, Scheduled) => "Прием заявок",
        (SiteLang::Ru, Open | Suspended | Closed) => "Проводится",
        (SiteLang::Ru, Sold) => "Состоялся",
        (SiteLang::Ru, Unsold) => "Не состоялся",
        (SiteLang::Ru, Cancelled) => "Отменен до начала торгов",
        (SiteLang::Kz, Scheduled) => "Өтінімдерді қабылдау",
        (SiteLang::Kz, Open | Suspended | Closed) => "Өткізілуде",
        (SiteLang::Kz, Sold) => "Өтті",
        (SiteLang::Kz, Unsold) => "Өтпеді",
        (SiteLang::Kz, Cancelled) => "Сауда-саттық басталғанға дейін жойылды",
        (SiteLang::En, Scheduled) => "Accepting applications",
        (SiteLang::En, Open | Suspended | Closed) => "Running",
        (SiteLang::En, Sold) => "Held",
        (SiteLang::En, Unsold) => "Failed",
        (SiteLang::En, Cancelled) => "Cancelled before the start",
        (_, Unknown(_)) => "Ожидание начала",
    }
}

fn auction_type(lot: &Lot, lang: SiteLang) -> &'static str {
    match (lang, is_hydrocarbon(lot), &lot.license.kind) {
        (SiteLang::Kz, true, _) => "Көмірсутектер бойынша көтеру аукционы",
        (_, true, _) => "Аукцион на повышение по углеводородам",
        (_, false, LicenseKind::Exploration) => {
            "Аукцион закрытый по твердым полезным ископаемым (разведка)"
        }
        (_, false, LicenseKind::Production) => "Аукцион по твердым полезным ископаемым (добыча)",
        (_, false, LicenseKind::Unknown(_)) => {
            "Аукцион закрытый по твердым полезным ископаемым на вновь свободный блок"
        }
    }
}

fn head(title: &str, body_class: &str, lang: SiteLang) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\" />\n<title>{}</title>\n</head>\n\
         <body class=\"layout-horizontal project-sauda {body_class} loading\">\n<div class=\"wrapper\">\n\
         <div class=\"container-fluid px-1 px-lg-3 d-none d-sm-block\"><div class=\"bg-dark text-light font-10\">Гость</div></div>\n\
         <div class=\"content-page\"><div class=\"content\"><div class=\"container-fluid px-2 px-lg-3\">\n\
         <div class='row'><div class='col-lg-9'>\n",
        lang.as_str(),
        enc(title)
    )
}

fn tail(advert: Option<&Lot>, lang: SiteLang) -> String {
    let mut s = String::from("</div><div class='col-lg-3'><div class='r-col'>\n");
    if let Some(a) = advert {
        let _ = writeln!(
            s,
            "<div class='trade-adv card'><div class='card-body'><div class='font-20'><a href=\"/{l}/list/{id}\">₸ {p}</a></div>\
             <div class='font-14'><a href=\"/{l}/list/{id}\">{n}</a></div></div></div>",
            l = lang.as_str(),
            id = site_id(a),
            p = enc(&tenge(a.starting_bonus)),
            n = enc(&a.name)
        );
    }
    s.push_str("</div></div></div>\n</div></div></div>\n</div>\n</body>\n</html>\n");
    s
}

/// An amount as the site prints it; one it shows in words reads «договорная».
fn tenge(a: crate::domain::Amount) -> String {
    match a.known() {
        Some(m) => format_tenge(m),
        None => "договорная".into(),
    }
}

fn title(lot: &Lot, lang: SiteLang) -> String {
    let w = words(lang);
    let prefix = if is_hydrocarbon(lot) {
        w.hydro
    } else {
        w.solid
    };
    format!("{prefix}: Участок: {}", lot.name)
}

fn card(out: &mut String, lot: &Lot, lang: SiteLang) {
    let l = lang.as_str();
    let id = site_id(lot);
    let t = enc(&title(lot, lang));
    let ty = enc(auction_type(lot, lang));
    let start = format_astana(lot.opens_at);
    let region = enc(&lot.region);
    let price = enc(&tenge(lot.starting_bonus));
    let status = enc(status_text(&lot.status, lang));
    let n = enc(&lot.number);
    let _ = write!(
        out,
        "  <div class=\"d-none d-sm-block\">\n    <div class=\"row\">\n\
         <div class=\"col-xl-2 col-3\"><a class=\"\" href=\"/{l}/list/{id}\"><span class=\"badge badge-light bg-white font-10\">№{n}</span></a></div>\n\
         <div class=\"col-xl-7 col-7 d-flex flex-column\"><div><div class=\"lh-1 font-weight-700 name-trade-card\"><a class=\"text-dark\" href=\"/{l}/list/{id}\">\n {t}\n</a></div>\
         <div class=\"font-12 mt-1\">{ty}</div></div>\n\
         <div class=\"font-12 text-secondary d-flex flex-row\"><span class=\"text-nowrap d-flex align-items-center mr-1\"><span class=\"uil uil-stopwatch mr-05\"></span> {start}</span>\
         <span class=\"text-nowrap d-flex align-items-center\"><span class=\"mdi mdi-map-marker-outline mr-05 font-11\"></span>{region}</span></div></div>\n\
         <div class=\"col-xl-3 col-3\"><div class=\"font-21 din-500 text-right\"><span></span> <span class=\"\">{price} </span><span class=\"yodic yodic-arrow-up font-16\"></span></div>\
         <div class=\"font-12 font-weight-700 text-right text-primary\">{status}</div></div>\n    </div>\n  </div>\n\
         <div class=\"d-block d-sm-none\"><div class=\"row\"><div class=\"col-12 p-0\"><div class=\"lh-1 font-13 font-weight-700 name-trade-card\"><a class=\"text-dark\" href=\"/{l}/list/{id}\">{t}</a></div>\
         <div class=\"font-13 mb-1\">{ty}</div></div><div class=\"col-4 p-0\"><a href=\"/{l}/list/{id}\"><span class=\"badge badge-light font-11\">№{n}</span></a></div>\
         <div class=\"col-8\"><div><div class=\"font-16 din-500 lh-1\"><span class=\"\">{price}</span></div><div class=\"font-12 font-weight-700 text-primary\">{status}</div></div>\
         <div class=\"font-12 text-secondary\"><span class=\"text-nowrap d-flex\"><span class=\"uil uil-stopwatch mr-05\"></span> {start}</span>\
         <span class=\"text-nowrap overflow-hidden d-flex\"><span class=\"mdi mdi-map-marker-outline mr-05 font-11\"></span>{region}</span></div></div></div></div>\n"
    );
}

/// One list page: `lots` are the whole filter's, `page` from 1. Pager links
/// are absolute, to `link_host` (as the real site writes its own host).
pub fn list_page(
    lots: &[&Lot],
    page: u32,
    lang: SiteLang,
    object_type: &str,
    link_host: &str,
) -> String {
    let w = words(lang);
    let per = crate::platform::sauda::PAGE_SIZE as usize;
    let pages = lots.len().div_ceil(per).max(1) as u32;
    let mut s = head(w.title_list, "saudamodule_mnuauctionlist", lang);
    let _ = write!(
        s,
        "<div id=\"form-container-MnuAuctionList-wrapper\"><div id=\"form-container-MnuAuctionList\"><form id=\"0\" method=\"get\">\
         <div class=\"card\"><div class=\"card-body\"><div class=\" row\"><div class=\" col-md-4 d-flex align-items-center \"><span class=\"font-14\" >{}: {}</span></div></div></div></div>\
         <div class=\"card\"><div class=\"card-body\">\n<div class=\"\">\n<div class=\"\">\n",
        w.found,
        lots.len()
    );
    let from = (page.saturating_sub(1) as usize).saturating_mul(per);
    let shown: Vec<&&Lot> = lots.iter().skip(from).take(per).collect();
    if shown.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"text-dark fw900 font-18 text-center\">{}</div>",
            enc(w.empty)
        );
    }
    for (i, lot) in shown.iter().enumerate() {
        if i > 0 {
            s.push_str("    <hr>\n");
        }
        card(&mut s, lot, lang);
    }
    s.push_str("</div>\n</div>");
    if !lots.is_empty() {
        let mut q = String::new();
        for st in crate::platform::sauda::STATUSES {
            let _ = write!(q, "searchStatus={st}&");
        }
        let _ = write!(q, "objectType={object_type}");
        let link = |p: u32| format!("{link_host}/{}/list?{q}&p={p}", lang.as_str());
        s.push_str("<div class=\"d-flex justify-content-center mt-4\"><div class=\"text-right text-nowrap\"><ul class=\"ml-2 pagination mb-0 sw-pagination\" data-pagination-name='p'>");
        let _ = write!(
            s,
            "<li class='page-item{}'><a class=\"page-link\" href=\"{}\" aria-label=\"Предыдущая страница\">&laquo;</a></li>",
            if page <= 1 { " disabled" } else { "" },
            link(page.saturating_sub(1).max(1))
        );
        for p in 1..=pages.min(3) {
            let _ = write!(
                s,
                "<li class='page-item{}'><a class=\"page-link\" href=\"{}\">{p}</a></li>",
                if p == page { " active" } else { "" },
                link(p)
            );
        }
        if pages > 3 {
            let _ = write!(
                s,
                "<li class='page-item disabled'><a href=\"#\" class='page-link'>...</a></li><li class='page-item '><a class=\"page-link\" href=\"{}\">{pages}</a></li>",
                link(pages)
            );
        }
        let _ = write!(
            s,
            "<li class='page-item{}'><a class=\"page-link\" href=\"{}\" aria-label=\"Следующая страница\">&raquo;</a></li></ul></div></div>",
            if page >= pages { " disabled" } else { "" },
            link((page + 1).min(pages))
        );
    }
    s.push_str("</div></div></form></div></div>\n");
    s.push_str(&tail(lots.first().copied(), lang));
    s
}

fn row(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(
        out,
        "<div class='row mt-2'><div class='col-xl-5 col-6 pr-0'><div class='text-secondary text-left'>{}</div></div>\
         <div class='col-xl-5 col-6'><div class='text-dark font-16 font-weight-700 text-right'>{}</div></div></div>",
        enc(label),
        enc(value)
    );
}

fn main_card(out: &mut String, lot: &Lot, lang: SiteLang, desktop: bool) {
    let w = words(lang);
    let class = if desktop {
        "card d-none d-sm-block"
    } else {
        "card d-block d-sm-none"
    };
    let _ = writeln!(
        out,
        "<div class='{class}'><div class='card-body p-2 p-3'><div class='row'><div class='col-xl-5'><div class=\"images-slider\" data-srcs=\"[]\"></div></div>\
         <div class='col-xl-7'><div class='row'><div class='col-12'><div class='font-16 font-weight-{} text-dark lh-sm'>Участок: {}</div></div></div>\
         <div class='mt-2'><span class='badge badge-primary font-12 font-weight-700'>№ {}</span><div class=\"mt-1\"><span class='font-weight-700'>{}</span></div></div>\
         <div class='mt-2'><div class='row'><div class='col-xl-6 col-8'><p class='font-14 font-weight-regular text-secondary mb-1'>{}<br><span class='font-18 font-weight-900 text-primary'>{}<span class='yodic yodic-arrow-up font-16'></span></span></p></div>\
         <div class='col-xl-4 col-4'><p class='font-14 font-weight-regular text-secondary mb-1 text-right'>{}<br><span class='font-18 font-weight-900 text-dark text-right'>{}</span></p></div></div></div>",
        if desktop { 900 } else { 700 },
        enc(&lot.name),
        enc(&lot.number),
        enc(auction_type(lot, lang)),
        enc(if desktop {
            w.start_price
        } else {
            w.start_price_mobile
        }),
        enc(&tenge(lot.starting_bonus)),
        enc(w.start),
        format_astana(lot.opens_at),
    );
    if desktop {
        row(out, w.fee, &format!("₸ {}", tenge(lot.participation_fee)));
    }
    row(out, w.guarantee, &format!("₸ {}", tenge(lot.guarantee)));
    if lot.status == LotStatus::Sold
        && let Some(r) = &lot.result
    {
        row(out, w.sale, &format!("₸ {}", format_tenge(r.amount)));
    }
    let _ = write!(
        out,
        "<div class='row'><div class='col-xl-10 col-12'><div class='font-14 font-weight-regular text-secondary my-2'>{} <span class='font-14 font-weight-bold text-dark'>{}</span></div></div></div>\n</div></div></div></div>\n",
        enc(w.status),
        enc(status_text(&lot.status, lang))
    );
}

/// The description string of a simulated lot, as lot 401102's is built.
pub fn description(lot: &Lot) -> String {
    let kind = if is_hydrocarbon(lot) {
        "Углеводороды"
    } else {
        "Твердые полезные ископаемые"
    };
    let mut d = format!(
        "Земельный участок: {n}, Участок: {n}; Тип: Недропользование; Тип 2: {kind}; Область: {}; ",
        lot.region,
        n = lot.name
    );
    if let Some(a) = lot.license.area_km2 {
        let _ = write!(d, "Площадь, кв. км.: {a}; ");
    }
    if let Some(b) = lot.license.blocks {
        let _ = write!(d, "Количество блоков: {b}; ");
    }
    if !lot.minerals.is_empty() {
        let _ = write!(d, "Полезные ископаемые: {}; ", lot.minerals.join(", "));
    }
    let what = match lot.license.kind {
        LicenseKind::Exploration => "Разведка.",
        _ => "Добыча.",
    };
    let _ = write!(d, "Описание: {what};");
    d
}

/// A lot's page.
pub fn lot_page(lot: &Lot, lang: SiteLang) -> String {
    let w = words(lang);
    let mut s = head(w.title_lot, "saudamodule_mnuauctionview", lang);
    s.push_str("<div id=\"form-container-MnuAuctionView\"><form id=\"0\" method=\"post\">\n");
    main_card(&mut s, lot, lang, true);
    main_card(&mut s, lot, lang, false);
    let _ = write!(
        s,
        "<div class='row'><div class='col-xl-12'><div class='font-18 font-weight-900 text-uppercase text-center text-dark'>{}</div>\
         <div class='card mt-3'><div class='card-body'><div class=''><p class='font-16 font-weight-700 text-dark mb-1'>{}</p>\
         <p class='font-14 font-weight-600 text-dark'>\n{}\n</p></div></div></div></div></div>\n</form></div>\n",
        enc(w.describe),
        enc(w.object),
        enc(&description(lot))
    );
    s.push_str(&tail(None, lang));
    s
}

/// The page the simulator serves (status 200) during a maintenance window.
pub fn maintenance_page() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\" /><title>SAUDA</title></head>\
         <body><div class=\"container text-center\"><h3>{}</h3></div></body></html>\n",
        enc("На сайте проводятся технические работы")
    )
}

/// The site's throttling page (its wording as reported; its markup and
/// status were not seen: the simulator serves it with the status a test
/// asks for).
pub fn throttled_page() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\" /><title>SAUDA</title></head>\
         <body><div class=\"alert alert-danger\">{}</div></body></html>\n",
        enc("Превышен лимит запросов. Повторите попытку позже.")
    )
}
