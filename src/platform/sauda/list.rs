//! A list page of the site (`/{lang}/list?…`): the result count
//! («Найдено: N»), the lot cards (each given twice, desktop then mobile; the
//! desktop copy is read, once), and the pager's last page. The "guest" bar
//! and the right-column advertisement share the desktop classes or link to
//! lot pages; they are not cards and are skipped.

use super::amount::{parse_astana, parse_tenge};
use super::text::{down_words, sel, text_of};
use super::{MAX_CARDS, PAGE_SIZE, SiteDown};
use crate::domain::{Money, Timestamp};
use crate::platform::PlatformError;
use scraper::{ElementRef, Html};
use std::sync::LazyLock;

/// One lot card, as the list shows it (desktop copy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// The site's 18-digit id (last segment of the card's link).
    pub id: String,
    /// The lot number without `№`.
    pub number: String,
    /// The title, with the object-type prefix («Углеводороды: Участок: …»).
    pub title: String,
    pub auction_type: String,
    /// The trading start as the card shows it (None: absent or not a date).
    pub starts_at: Option<Timestamp>,
    /// The start's text was there but not a date.
    pub starts_at_invalid: bool,
    pub region: String,
    /// The price (the starting bonus); None with `price_invalid` when the
    /// card shows text instead of a number.
    pub price: Option<Money>,
    pub price_invalid: bool,
    pub status: String,
}

/// What one list page holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListPage {
    /// «Найдено: N», the results of the whole filter.
    pub found: u32,
    pub cards: Vec<Card>,
    /// The last page the pager names (1 with no pager).
    pub last_page: u32,
}

impl ListPage {
    /// Pages the filter spans: the pager's last, or ⌈found / 20⌉.
    pub fn pages(&self) -> u32 {
        self.last_page.max(self.found.div_ceil(PAGE_SIZE)).max(1)
    }
}

static CARD: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.d-none.d-sm-block"));
static TITLE: LazyLock<scraper::Selector> = LazyLock::new(|| sel(".name-trade-card a[href]"));
static NAME_BOX: LazyLock<scraper::Selector> = LazyLock::new(|| sel(".name-trade-card"));
static BADGE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span.badge"));
static TYPE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.font-12.mt-1"));
static SPAN: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span.text-nowrap"));
static STOPWATCH: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span.uil-stopwatch"));
static MARKER: LazyLock<scraper::Selector> = LazyLock::new(|| sel("span.mdi-map-marker-outline"));
static PRICE: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.font-21"));
static STATUS: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.font-12.font-weight-700"));
static COUNT: LazyLock<scraper::Selector> = LazyLock::new(|| sel("form span.font-14"));
static PAGER: LazyLock<scraper::Selector> =
    LazyLock::new(|| sel("ul.pagination a.page-link[href]"));
static EMPTY: LazyLock<scraper::Selector> = LazyLock::new(|| sel("div.fw900.font-18.text-center"));
static LIST_BODY: LazyLock<scraper::Selector> =
    LazyLock::new(|| sel("body.saudamodule_mnuauctionlist"));
static BODY: LazyLock<scraper::Selector> = LazyLock::new(|| sel("body"));

/// Parses a list page. `page` names it in errors (its path and query).
pub fn parse_list(html: &str, page: &str) -> Result<ListPage, PlatformError> {
    super::guard::check_depth(html, page)?;
    let doc = Html::parse_document(html);
    let layout = |what: &str| PlatformError::Layout {
        page: page.to_string(),
        what: what.to_string(),
    };
    if doc.select(&LIST_BODY).next().is_none() {
        return Err(match down_of(&doc) {
            Some(kind) => PlatformError::SiteDown {
                page: page.to_string(),
                kind,
            },
            None => layout("not a list page (no body.saudamodule_mnuauctionlist)"),
        });
    }
    let found = doc
        .select(&COUNT)
        .find_map(|el| count_of(&text_of(el)))
        .ok_or_else(|| layout("no result count («Найдено: N»)"))?;
    let mut cards: Vec<Card> = Vec::new();
    for (i, el) in doc.select(&CARD).enumerate() {
        // The guest bar and other blocks with the desktop classes hold no
        // lot title; the advertisement sits outside any such block.
        if el.select(&NAME_BOX).next().is_none() || in_advert(el) {
            continue;
        }
        let card = card_of(el).map_err(|what| layout(&format!("card {}: {what}", i + 1)))?;
        if !cards.iter().any(|c| c.id == card.id) {
            cards.push(card);
        }
        if cards.len() >= MAX_CARDS {
            break;
        }
    }
    if cards.is_empty() && found > 0 {
        return Err(layout(&format!(
            "no lot cards where the page says «Найдено: {found}»"
        )));
    }
    if cards.is_empty() && doc.select(&EMPTY).next().is_none() && found == 0 {
        // «Найдено: 0» is consistent; still say it when the marker is gone.
        tracing::debug!(page, "empty list without the empty-result marker");
    }
    let last_page = doc
        .select(&PAGER)
        .filter_map(|a| a.value().attr("href").and_then(page_param))
        .max()
        .unwrap_or(1);
    Ok(ListPage {
        found,
        cards,
        last_page,
    })
}

/// What a page that is not the site's says it is (maintenance, throttled).
pub(super) fn down_of(doc: &Html) -> Option<SiteDown> {
    let body = doc.select(&BODY).next()?;
    down_words(&super::text::raw_text(body, 64 * 1024))
}

fn in_advert(el: ElementRef<'_>) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| {
        a.value()
            .has_class("trade-adv", scraper::CaseSensitivity::CaseSensitive)
    })
}

/// `Найдено: 808` (any label: the Kazakh wording was not seen) → 808.
fn count_of(text: &str) -> Option<u32> {
    let (label, n) = text.rsplit_once(':')?;
    if label.trim().is_empty() || !label.chars().all(|c| c.is_alphabetic() || c == ' ') {
        return None;
    }
    let n = n.trim();
    if n.is_empty() || n.len() > 9 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The `p` of a pager link (absolute, raw `&`): only its number is used,
/// the link itself is never followed.
fn page_param(href: &str) -> Option<u32> {
    let query = href.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "p" || *k == "amp;p")
        .filter_map(|(_, v)| v.parse::<u32>().ok())
        .max()
}

/// The id of `/ru/list/274460904013000000`: the last segment, digits only.
pub(super) fn id_of_href(href: &str) -> Option<String> {
    let path = href.split(['?', '#']).next().unwrap_or(href);
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    (!last.is_empty() && last.len() <= 24 && last.bytes().all(|b| b.is_ascii_digit()))
        .then(|| last.to_string())
}

/// `№401102` / `№ 401102` → `401102`.
pub(super) fn number_of(badge: &str) -> Option<String> {
    let n = badge.trim().strip_prefix('№').unwrap_or(badge).trim();
    (!n.is_empty() && n.len() <= 16 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| n.to_string())
}

fn card_of(el: ElementRef<'_>) -> Result<Card, String> {
    let link = el.select(&TITLE).next().ok_or("no title link")?;
    let id = link
        .value()
        .attr("href")
        .and_then(id_of_href)
        .ok_or("the title link has no lot id")?;
    let number = el
        .select(&BADGE)
        .find_map(|b| number_of(&text_of(b)))
        .ok_or_else(|| format!("lot {id} has no number badge (№…)"))?;
    let title = text_of(link);
    if title.is_empty() {
        return Err(format!("lot {number} has an empty title"));
    }
    let auction_type = el.select(&TYPE).next().map(text_of).unwrap_or_default();
    let mut starts_text = None;
    let mut region = String::new();
    for span in el.select(&SPAN) {
        if span.select(&STOPWATCH).next().is_some() {
            starts_text = Some(text_of(span));
        } else if span.select(&MARKER).next().is_some() {
            region = text_of(span);
        }
    }
    let starts_at = starts_text.as_deref().and_then(parse_astana);
    let starts_at_invalid =
        starts_text.as_deref().is_some_and(|t| !t.is_empty()) && starts_at.is_none();
    let price_text = el
        .select(&PRICE)
        .next()
        .map(|p| super::text::raw_text(p, 256))
        .unwrap_or_default();
    let price = parse_tenge(&price_text);
    let price_invalid = price.is_none() && !price_text.trim().is_empty();
    let status = el
        .select(&STATUS)
        .next()
        .map(text_of)
        .ok_or_else(|| format!("lot {number} has no status"))?;
    Ok(Card {
        id,
        number,
        title,
        auction_type,
        starts_at,
        starts_at_invalid,
        region,
        price,
        price_invalid,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_parts() {
        assert_eq!(count_of("Найдено: 808"), Some(808));
        assert_eq!(count_of("Табылды: 3"), Some(3));
        assert_eq!(count_of("10:00"), None);
        assert_eq!(count_of("Найдено: много"), None);
        assert_eq!(
            page_param("https://sauda.e-qazyna.kz/ru/list?searchStatus=A&objectType=B&p=7"),
            Some(7)
        );
        assert_eq!(page_param("#"), None);
        assert_eq!(
            id_of_href("/ru/list/274460904013000000").as_deref(),
            Some("274460904013000000")
        );
        assert_eq!(id_of_href("/ru/list?p=2"), None);
        assert_eq!(number_of("№401102").as_deref(), Some("401102"));
        assert_eq!(number_of("№ 401102").as_deref(), Some("401102"));
        assert_eq!(number_of("№ "), None);
    }
}
