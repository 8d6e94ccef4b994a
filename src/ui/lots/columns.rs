//! The lots pane's columns: which ones fit a width (dropped by priority,
//! the user's own list first), how wide each is in each language and
//! currency, their header labels, and which sort key a column stands for.

use crate::app::App;
use crate::app::lots::SortKey;
use crate::app::screens::Column;
use crate::domain::{Currency, LinkState};
use crate::ui::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Col {
    Mark,
    Number,
    Name,
    Region,
    Minerals,
    License,
    Status,
    High,
    HighFx,
    NextMin,
    Bids,
    Leader,
    /// The application deadline (a web-site source: bids are not published
    /// there, so this takes the bids' and the leader's place).
    Deadline,
    Left,
    // Only where the user names them (`[columns] lots`).
    HighUsd,
    Extensions,
    StartBonus,
    Guarantee,
    Participants,
    /// The lot's source (built in with several sources).
    Source,
}

/// Columns in display order with their drop priority (0 never drops) and
/// width when money is grouped / compact. The name takes what is left.
pub(super) const COLS: [(Col, u8, u16, u16); 14] = [
    (Col::Mark, 0, 3, 3),
    (Col::Number, 0, 8, 8),
    (Col::Name, 0, 14, 14),
    (Col::Region, 9, 16, 16),
    (Col::Minerals, 7, 18, 14),
    (Col::License, 8, 9, 9),
    (Col::Status, 2, 11, 11),
    (Col::High, 0, 15, 9),
    (Col::HighFx, 3, 14, 10),
    (Col::NextMin, 4, 15, 9),
    (Col::Bids, 5, 4, 4),
    (Col::Leader, 6, 7, 7),
    (Col::Deadline, 5, 14, 14),
    (Col::Left, 1, 16, 16),
];

/// The column the user's name stands for.
pub(super) fn col_of(c: Column) -> Col {
    match c {
        Column::Number => Col::Number,
        Column::Name => Col::Name,
        Column::Region => Col::Region,
        Column::Minerals => Col::Minerals,
        Column::License => Col::License,
        Column::Status => Col::Status,
        Column::HighBid => Col::High,
        Column::HighFx => Col::HighFx,
        Column::HighUsd => Col::HighUsd,
        Column::NextMin => Col::NextMin,
        Column::Bids => Col::Bids,
        Column::Leader => Col::Leader,
        Column::TimeLeft => Col::Left,
        Column::Extensions => Col::Extensions,
        Column::Deadline => Col::Deadline,
        Column::StartBonus => Col::StartBonus,
        Column::Guarantee => Col::Guarantee,
        Column::Participants => Col::Participants,
        Column::Source => Col::Source,
    }
}

/// A column's widths (grouped money, compact money) in `lang`: the built-in
/// table's, or for the user-only columns their content's, widened to the
/// header's label.
pub(super) fn widths(c: Col, lang: Lang, cur: Currency) -> (u16, u16) {
    if let Some(&(_, _, g, k)) = COLS.iter().find(|(x, ..)| *x == c) {
        return (g, compact_w(c, k, lang));
    }
    let (g, k) = match c {
        Col::HighUsd | Col::StartBonus | Col::Guarantee => (15, 9 + lang.compact_extra()),
        Col::Source => (12, 12),
        _ => (3, 3),
    };
    let label = unicode_width::UnicodeWidthStr::width(header_label(c, cur, lang).as_str());
    let label = (label as u16).min(16);
    (g.max(label), k.max(label))
}

/// The user's columns (after the marks) that fit `width`: money grouped if
/// all fit so, else compact, else columns dropped from the right of the
/// user's list. The display-currency column goes while that is tenge.
pub(super) fn choose_user(
    list: &[Column],
    width: u16,
    fx: bool,
    lang: Lang,
    cur: Currency,
) -> (Vec<(Col, u16)>, bool) {
    let cols: Vec<Col> = std::iter::once(Col::Mark)
        .chain(list.iter().map(|&c| col_of(c)))
        .filter(|c| fx || *c != Col::HighFx)
        .collect();
    let fits =
        |v: &[(Col, u16)]| v.iter().map(|(_, w)| w + 1).sum::<u16>() <= width.saturating_add(1);
    for compact in [false, true] {
        let v: Vec<(Col, u16)> = cols
            .iter()
            .map(|&c| {
                let (g, k) = widths(c, lang, cur);
                (c, if compact { k } else { g })
            })
            .collect();
        if fits(&v) {
            return (v, compact);
        }
    }
    let mut v: Vec<(Col, u16)> = cols.iter().map(|&c| (c, widths(c, lang, cur).1)).collect();
    while v.len() > 2 && !fits(&v) {
        v.pop();
    }
    (v, true)
}

/// The columns of a lots pane `width` wide: the user's, or the built-in
/// choice by priority.
pub(super) fn choose_for(app: &App, width: u16, lang: Lang) -> (Vec<(Col, u16)>, bool) {
    let fx = app.currency != Currency::Kzt;
    match app.columns() {
        Some(list) => choose_user(list, width, fx, lang, app.currency),
        // Several sources: their column after the number, the rest as
        // for the API and the site together.
        None if app.sources().len() > 1 => {
            let sw = source_width(app, lang);
            let (mut cols, compact) = choose_source(width.saturating_sub(sw + 1), fx, lang, None);
            let at = cols
                .iter()
                .position(|(c, _)| *c == Col::Number)
                .map_or(0, |i| i + 1);
            cols.insert(at, (Col::Source, sw));
            (cols, compact)
        }
        None => choose_source(width, fx, lang, Some(is_site(app))),
    }
}

/// The Source column's width: its longest label or its header (at most
/// 20 cells).
pub(super) fn source_width(app: &App, lang: Lang) -> u16 {
    let w = unicode_width::UnicodeWidthStr::width;
    let longest = app
        .sources()
        .iter()
        .map(|s| w(s.name.label.as_str()))
        .chain([w(lang.texts().col_source)])
        .max()
        .unwrap_or(0);
    // Room for the age of a source not live (` ⌛12m`).
    let age = if app.sources().iter().any(|s| s.link != LinkState::Live) {
        6
    } else {
        0
    };
    (longest as u16 + age).min(26)
}

/// Whether the app shows a web-site source (the sauda site).
pub(super) fn is_site(app: &App) -> bool {
    app.auction
        .as_ref()
        .is_some_and(|a| a.id == crate::domain::lot::SITE_AUCTION_ID)
}

/// Whether column `c` belongs on the screen of this source (`site`: the
/// site's or the API's; None: both, several sources).
pub(super) fn of_source(c: Col, site: Option<bool>) -> bool {
    match (c, site) {
        (_, None) => true,
        (Col::Deadline, Some(site)) => site,
        (Col::Bids | Col::Leader, Some(site)) => !site,
        _ => true,
    }
}

/// The compact width of a column in `lang`: money columns are wider where
/// the units are words (`млрд`).
pub(super) fn compact_w(c: Col, k: u16, lang: Lang) -> u16 {
    match c {
        Col::High | Col::HighFx | Col::NextMin => k + lang.compact_extra(),
        _ => k + word_extra(c, lang),
    }
}

/// Columns wider in `lang` so that its words are whole (no abbreviation a
/// reader would misread): the status, the bid count's header, the licence
/// with its term in words (`разведка 6 лет`).
pub(super) fn word_extra(c: Col, lang: Lang) -> u16 {
    use crate::domain::LotStatus::*;
    let tx = lang.texts();
    let len = |s: &str| u16::try_from(s.chars().count()).unwrap_or(u16::MAX);
    match c {
        Col::Status => [Scheduled, Open, Suspended, Closed, Sold, Unsold, Cancelled]
            .iter()
            .map(|s| len((tx.status)(s)) + 2)
            .max()
            .unwrap_or(0)
            .saturating_sub(11),
        Col::Bids => len(tx.col_bids).saturating_sub(4),
        Col::License if lang != Lang::En => tx
            .license_short
            .iter()
            .map(|k| len(k) + 1 + len(&(tx.years)(25)))
            .max()
            .unwrap_or(0)
            .saturating_sub(9),
        _ => 0,
    }
}

/// The columns that fit `width`, and whether money is compact. Keeps as many
/// columns as possible, then prefers grouped money.
pub(super) fn choose(width: u16, fx: bool, lang: Lang) -> (Vec<(Col, u16)>, bool) {
    choose_source(width, fx, lang, Some(false))
}

/// `choose` for the API's screen or (`site`) a web-site source's.
pub(super) fn choose_source(
    width: u16,
    fx: bool,
    lang: Lang,
    site: Option<bool>,
) -> (Vec<(Col, u16)>, bool) {
    for max_prio in (0..=9u8).rev() {
        for compact in [false, true] {
            let cols: Vec<(Col, u16)> = COLS
                .iter()
                .filter(|(c, p, _, _)| {
                    *p <= max_prio && (fx || *c != Col::HighFx) && of_source(*c, site)
                })
                .map(|&(c, _, g, k)| {
                    let w = if compact {
                        compact_w(c, k, lang)
                    } else {
                        g + word_extra(c, lang)
                    };
                    (c, w)
                })
                .collect();
            let total: u16 = cols.iter().map(|(_, w)| w + 1).sum();
            if total <= width.saturating_add(1) {
                return (cols, compact);
            }
        }
    }
    let cols = COLS
        .iter()
        .filter(|(c, p, _, _)| *p <= 1 && of_source(*c, site))
        .map(|&(c, _, _, k)| (c, compact_w(c, k, lang)))
        .collect();
    (cols, true)
}

/// Spreads spare width: the name first (up to 40), then the minerals (up
/// to 24); what remains stays blank at the right.
pub(super) fn widen(cols: &mut [(Col, u16)], width: u16) {
    let used: u16 = cols
        .iter()
        .map(|(_, w)| w + 1)
        .sum::<u16>()
        .saturating_sub(1);
    let mut spare = width.saturating_sub(used);
    for (col, max) in [(Col::Name, 40u16), (Col::Minerals, 24)] {
        if let Some((_, w)) = cols.iter_mut().find(|(c, _)| *c == col) {
            let add = spare.min(max.saturating_sub(*w));
            *w += add;
            spare -= add;
        }
    }
}

pub(super) fn header_label(c: Col, cur: Currency, lang: Lang) -> String {
    let tx = lang.texts();
    match c {
        Col::Mark => String::new(),
        Col::Number => tx.col_number.into(),
        Col::Name => tx.col_name.into(),
        Col::Region => tx.col_region.into(),
        Col::Minerals => tx.col_minerals.into(),
        Col::License => tx.col_license.into(),
        Col::Status => tx.col_status.into(),
        Col::High => tx.col_high.into(),
        Col::HighFx => format!("{}{}", tx.col_high_fx, cur.code()),
        Col::NextMin => tx.col_next_min.into(),
        Col::Bids => tx.col_bids.into(),
        Col::Leader => tx.col_leader.into(),
        Col::Deadline => lang.site().col_deadline.into(),
        Col::Left => tx.col_left.into(),
        Col::HighUsd => format!("{}USD", tx.col_high_fx),
        Col::Extensions => tx.extensions.into(),
        Col::StartBonus => tx.start_bonus.into(),
        Col::Guarantee => tx.guarantee.into(),
        Col::Participants => tx.participants.into(),
        Col::Source => tx.col_source.into(),
    }
}

/// The column that carries the sort arrow: the extension count's own
/// column where the user shows it, else as `sorted_col`.
pub(super) fn sorted_in(k: SortKey, cols: &[(Col, u16)]) -> Col {
    if k == SortKey::Extensions && cols.iter().any(|(c, _)| *c == Col::Extensions) {
        return Col::Extensions;
    }
    sorted_col(k)
}

pub(super) fn sorted_col(k: SortKey) -> Col {
    match k {
        SortKey::Number => Col::Number,
        SortKey::Name => Col::Name,
        SortKey::Status => Col::Status,
        SortKey::HighBid => Col::High,
        SortKey::NextMin => Col::NextMin,
        SortKey::Bids => Col::Bids,
        // The extension count is the badge of the time-left cell.
        SortKey::TimeLeft | SortKey::Extensions => Col::Left,
        SortKey::Region => Col::Region,
        SortKey::Minerals => Col::Minerals,
        SortKey::License => Col::License,
        SortKey::Leader => Col::Leader,
    }
}

pub(super) fn col_sort_key(c: Col) -> Option<SortKey> {
    Some(match c {
        Col::Mark => return None,
        Col::Number => SortKey::Number,
        Col::Name => SortKey::Name,
        Col::Region => SortKey::Region,
        Col::Minerals => SortKey::Minerals,
        Col::License => SortKey::License,
        Col::Status => SortKey::Status,
        Col::High | Col::HighFx => SortKey::HighBid,
        Col::NextMin => SortKey::NextMin,
        Col::Bids => SortKey::Bids,
        Col::Leader => SortKey::Leader,
        Col::Deadline => return None,
        Col::Left => SortKey::TimeLeft,
        Col::HighUsd => SortKey::HighBid,
        Col::Extensions => SortKey::Extensions,
        Col::StartBonus | Col::Guarantee | Col::Participants | Col::Source => return None,
    })
}

/// The column under `x` (0 = the pane's left inner edge) of a lots pane
/// `inner_width` wide, as the sort key a header click selects; None for the
/// mark column and the gaps. `fx`: a display currency other than tenge;
/// `lang`: the interface language (money columns are wider in ru and kk).
pub fn sort_key_at(inner_width: u16, fx: bool, lang: Lang, x: u16) -> Option<SortKey> {
    let (mut cols, _) = choose(inner_width, fx, lang);
    widen(&mut cols, inner_width);
    key_in(&cols, x)
}

/// The sort key of the header at `x` (0 = the left inner edge) of `cols`.
pub(super) fn key_in(cols: &[(Col, u16)], x: u16) -> Option<SortKey> {
    let mut left = 0u16;
    for &(c, w) in cols {
        if x < left.saturating_add(w) {
            return if x >= left { col_sort_key(c) } else { None };
        }
        left = left.saturating_add(w).saturating_add(1);
    }
    None
}
