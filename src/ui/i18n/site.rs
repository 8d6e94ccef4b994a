//! The words of a web-site source's screens (sauda.e-qazyna.kz) in the three
//! interface languages: the header's data age, what the site does not
//! publish, its fields in the detail pane.

use super::Lang;

/// The texts of the site's screens in one language.
pub struct SiteTexts {
    /// `list read 40 s ago`, given the age already formatted.
    pub list_read: fn(&str) -> String,
    pub list_not_read: &'static str,
    pub bids_not_published: &'static str,
    pub invalid: &'static str,
    pub page_not_read: &'static str,
    pub page: &'static str,
    pub auction_type: &'static str,
    pub deadline: &'static str,
    pub sale_price: &'static str,
    pub on_site: &'static str,
    pub starts: &'static str,
    /// The time column of a lot whose start has passed while the site
    /// still says applications.
    pub start_passed: &'static str,
    /// The detail pane's note for it.
    pub not_updated: &'static str,
    /// The Deadline column's header.
    pub col_deadline: &'static str,
    /// The deadline's countdown, given the time left already formatted.
    pub deadline_left: fn(&str) -> String,
    /// A deadline that has passed.
    pub deadline_over: &'static str,
    /// The site's «Описание».
    pub description: &'static str,
}

const EN: SiteTexts = SiteTexts {
    list_read: |age| format!("list read {age} ago"),
    list_not_read: "list not read yet",
    bids_not_published: "bids: not published by this source",
    invalid: "invalid (not a number on the page)",
    page_not_read: "— (lot page not read yet)",
    page: "Page",
    auction_type: "Auction type",
    deadline: "Applications until",
    sale_price: "Sale price",
    on_site: "On the site",
    starts: "Trading starts",
    start_passed: "start passed",
    not_updated: "the site has not updated its status",
    col_deadline: "Deadline",
    deadline_left: |t| format!("{t} left"),
    deadline_over: "closed",
    description: "Description",
};

const RU: SiteTexts = SiteTexts {
    list_read: |age| format!("список прочитан {age} назад"),
    list_not_read: "список ещё не прочитан",
    bids_not_published: "ставки: этот источник их не публикует",
    invalid: "неверно (на странице не число)",
    page_not_read: "— (страница лота ещё не прочитана)",
    page: "Страница",
    auction_type: "Вид торгов",
    deadline: "Приём заявок до",
    sale_price: "Цена продажи",
    on_site: "На сайте",
    starts: "Начало торгов",
    start_passed: "начало прошло",
    not_updated: "сайт не обновил статус лота",
    col_deadline: "Приём заявок",
    deadline_left: |t| format!("осталось {t}"),
    deadline_over: "окончен",
    description: "Описание",
};

const KK: SiteTexts = SiteTexts {
    list_read: |age| format!("тізім {age} бұрын оқылды"),
    list_not_read: "тізім әлі оқылмады",
    bids_not_published: "ұсыныстар: бұл дереккөз оларды жарияламайды",
    invalid: "жарамсыз (бетте сан емес)",
    page_not_read: "— (лот беті әлі оқылмады)",
    page: "Беті",
    auction_type: "Сауда түрі",
    deadline: "Өтінімдер мерзімі",
    sale_price: "Сату бағасы",
    on_site: "Сайтта",
    starts: "Сауданың басталуы",
    start_passed: "басталу өтті",
    not_updated: "сайт лот мәртебесін жаңартпаған",
    col_deadline: "Өтінім мерзімі",
    deadline_left: |t| format!("{t} қалды"),
    deadline_over: "аяқталды",
    description: "Сипаттамасы",
};

impl Lang {
    /// The site source's texts in this language.
    pub fn site(self) -> &'static SiteTexts {
        match self {
            Lang::En => &EN,
            Lang::Ru => &RU,
            Lang::Kk => &KK,
        }
    }
}
