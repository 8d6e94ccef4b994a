//! The lots pane: one row per lot on screen (only the visible window is
//! built), columns dropped by priority as the width shrinks, money grouped
//! where there is room and compact where there is not.

use super::fmt::{fx_cell, money_cell, status_parts};
use super::paint::{self, put_right, put_str};
use super::{Ctx, pane};
use crate::app::countdown::countdown;
use crate::app::lots::{LotStore, MeState, SortKey};
use crate::app::{App, Pane};
use crate::domain::LinkState;
use crate::domain::rules::next_min_bid;
use crate::domain::{Currency, LicenseKind, Lot, LotStatus};
use crate::ui::i18n::Lang;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use std::fmt::Write as _;

mod columns;
pub use columns::sort_key_at;
use columns::*;

/// Where the lots pane puts things for one frame: what the view draws and
/// what a mouse click is tested against, computed once from the same state.
pub(crate) struct Geometry {
    /// Inside the borders.
    pub inner: Rect,
    cols: Vec<(Col, u16)>,
    compact: bool,
    /// The view position of the first row on screen.
    pub top: usize,
    /// Lot rows on screen (below the column header row).
    pub rows: usize,
}

impl Geometry {
    /// The geometry of the lots pane drawn in `area` (with its borders);
    /// None when there is no table to show (no room, no rows).
    pub fn of(app: &App, area: Rect, lang: Lang) -> Option<Geometry> {
        let mut inner = Block::bordered().inner(area);
        if inner.height == 0 || inner.width == 0 || app.lots.view_len() == 0 {
            return None;
        }
        // The last row says why the link failed, under the table.
        if failing(app) && inner.height >= 3 {
            inner.height -= 1;
        }
        let (mut cols, compact) = choose_for(app, inner.width, lang);
        widen(&mut cols, inner.width);
        let rows = usize::from(inner.height.saturating_sub(1));
        Some(Geometry {
            inner,
            cols,
            compact,
            top: window_top(app, rows),
            rows,
        })
    }

    /// The view position of the lot on screen row `y`, if one is there.
    pub fn row_at(&self, app: &App, y: u16) -> Option<usize> {
        let i = usize::from(y.checked_sub(self.inner.y + 1)?);
        let pos = self.top + i;
        (i < self.rows && pos < app.lots.view_len()).then_some(pos)
    }

    /// Where the lot number of each row on screen is, with its lot: the
    /// cells a hyperlink to the lot's page covers (`ui::hyperlinks`).
    pub fn number_cells<'a>(&self, app: &'a App) -> Vec<(Rect, &'a Lot)> {
        let mut x = self.inner.x;
        let mut at = None;
        for &(c, w) in &self.cols {
            if c == Col::Number {
                at = Some((x, w));
                break;
            }
            x = x.saturating_add(w).saturating_add(1);
        }
        let Some((x, w)) = at else {
            return Vec::new();
        };
        (0..self.rows)
            .filter_map(|i| {
                let (lot, _) = app.lots.row(self.top + i)?;
                let width =
                    (unicode_width::UnicodeWidthStr::width(lot.number.as_str()) as u16).min(w);
                let y = self.inner.y + 1 + i as u16;
                let r = Rect::new(x, y, width, 1).intersection(self.inner);
                (!r.is_empty()).then_some((r, lot))
            })
            .collect()
    }

    /// The sort key of the column header at screen column `x`.
    pub fn sort_key_at(&self, _app: &App, x: u16) -> Option<SortKey> {
        key_in(&self.cols, x.checked_sub(self.inner.x)?)
    }
}

/// The first row on screen: the app's `lots_top`, clamped so that the
/// selection is on screen even if the pane is smaller than the app assumed.
fn window_top(app: &App, rows_h: usize) -> usize {
    let mut top = app.lots_top.min(app.lots.view_len().saturating_sub(1));
    if let Some(sel) = app.selected_row() {
        if sel < top {
            top = sel;
        } else if rows_h > 0 && sel >= top + rows_h {
            top = sel + 1 - rows_h;
        }
    }
    top
}

/// The filter text before the error column, from there to the end of that
/// word, and the rest.
fn split_at_error(text: &str, column: usize) -> (&str, &str, &str) {
    let start = text
        .char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| i);
    let end = text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |n| start + n);
    (&text[..start], &text[start..end], &text[end..])
}

/// The last `room` characters of the three consecutive parts, and whether
/// anything was cut from the front.
fn keep_tail(parts: [&str; 3], room: usize) -> (bool, [&str; 3]) {
    let total: usize = parts.iter().map(|p| p.chars().count()).sum();
    let mut drop = total.saturating_sub(room);
    let cut = drop > 0;
    let out = parts.map(|p| {
        let n = p.chars().count();
        let skip = drop.min(n);
        drop -= skip;
        let at = p.char_indices().nth(skip).map_or(p.len(), |(i, _)| i);
        &p[at..]
    });
    (cut, out)
}

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let untold = draw_pane(frame, area, ctx);
    // A filter error longer than the border has room for: whole, wrapped,
    // over the pane's last rows (issue 28.11).
    if let Some(msg) = untold {
        let inner = Rect {
            x: area.x + 1,
            width: area.width.saturating_sub(2),
            ..area
        };
        let w = usize::from(inner.width.max(1));
        // Words wrap: a row more than the cells need, when it takes two.
        let need = unicode_width::UnicodeWidthStr::width(msg.as_str()).div_ceil(w);
        let need = if need > 1 { need + 1 } else { need };
        let h = u16::try_from(need)
            .unwrap_or(u16::MAX)
            .min(area.height.saturating_sub(2));
        if h > 0 {
            let at = Rect {
                y: area.bottom() - 1 - h,
                height: h,
                ..inner
            };
            frame.render_widget(ratatui::widgets::Clear, at);
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(msg, ctx.theme.bad)))
                    .wrap(Wrap { trim: false }),
                at,
            );
        }
    }
}

/// The pane; the filter error that its bottom border had no room for.
fn draw_pane(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) -> Option<String> {
    let app = ctx.app;
    let t = ctx.theme;
    let tx = ctx.tx;
    let store = &app.lots;
    let (key, rev) = store.sort();
    let mut extra = format!(
        "{}/{} · {} {} {}",
        store.view_len(),
        store.len(),
        tx.sort,
        (tx.sort_key)(key),
        if rev { "▼" } else { "▲" }
    );
    if store.watched_only() {
        extra.push_str(&format!(" · {}", tx.watched_only));
    }
    if app.link != LinkState::Live
        && let Some(at) = app.data_at
    {
        extra.push_str(&format!(" · {} {}", tx.data_as_of, at.astana_hms()));
    }
    let inner = pane(frame, area, Pane::Lots, ctx, &extra);
    let filter = app.filter_text();
    let mut untold = None;
    let bottom = if app.filter_edit.is_some() {
        let mut spans = vec![Span::styled(format!(" {} /", tx.filter), t.key)];
        // Room for the text and its cursor: a long filter shows its end.
        let room = usize::from(area.width.saturating_sub(13)).max(1);
        let (parts, column) = match app.filter_error() {
            Some(err) => (split_at_error(filter, err.column), Some(err)),
            None => ((filter, "", ""), None),
        };
        let (cut, [ok, bad, rest]) = keep_tail([parts.0, parts.1, parts.2], room);
        if cut {
            spans.push(Span::styled("…", t.dim));
        }
        spans.push(Span::styled(ok, t.text));
        // The term at fault is marked (underlined, not only coloured) and the
        // message follows; the lots keep the last valid filter meanwhile.
        spans.push(Span::styled(bad, t.bad.add_modifier(Modifier::UNDERLINED)));
        spans.push(Span::styled(format!("{rest}█ "), t.text));
        if let Some(err) = column {
            let msg = format!("✗ {} ", (tx.filter_error)(err));
            let used: usize = spans.iter().map(Span::width).sum();
            if used + unicode_width::UnicodeWidthStr::width(msg.as_str())
                <= usize::from(area.width.saturating_sub(2))
            {
                spans.push(Span::styled(msg, t.bad));
            } else {
                untold = Some(msg.trim_end().to_string());
            }
        }
        Some(Line::from(spans))
    } else if !filter.is_empty() {
        Some(Line::from(Span::styled(
            format!(" {}: {filter} {} ", tx.filter, tx.esc_clears),
            t.warn,
        )))
    } else {
        None
    };
    if let Some(line) = bottom
        && area.height >= 2
    {
        paint::put_title(frame.buffer_mut(), area, area.bottom() - 1, &line);
    }
    let Some(geo) = Geometry::of(app, area, ctx.lang) else {
        if inner.height == 0 || inner.width == 0 {
            return untold;
        }
        let msg = if store.is_empty() {
            tx.waiting_lots
        } else if store.watched_only() && store.watched_count() == 0 {
            tx.no_watched
        } else {
            tx.no_match
        };
        paint::put_str(
            frame.buffer_mut(),
            inner.x,
            inner.y,
            inner.right(),
            msg,
            t.dim,
        );
        // Why nothing comes, in full (wrapped) below.
        if let Some(text) = cause_text(app, tx)
            && inner.height >= 3
        {
            let below = Rect {
                y: inner.y + 2,
                height: inner.height - 2,
                ..inner
            };
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(text, t.bad))).wrap(Wrap { trim: true }),
                below,
            );
        }
        return untold;
    };
    let Geometry {
        ref cols,
        compact,
        top,
        rows: rows_h,
        ..
    } = geo;
    let sorted = sorted_in(key, cols);
    let buf = frame.buffer_mut();
    // The header row and the lot rows are written straight into the buffer:
    // a Table styles every cell once per layer (table, row, cell, text, line,
    // span); here each row's area is styled once and each span once.
    buf.set_style(Rect { height: 1, ..inner }, t.table_header);
    let mut x = inner.x;
    for (c, w) in cols {
        let mut s = header_label(*c, app.currency, ctx.lang);
        if *c == sorted {
            if key == SortKey::Extensions {
                s.push_str(tx.col_ext);
            }
            // The arrow always shows: the label gives way to it in a
            // column too narrow for both (`High bid ₸` in 9 cells).
            let room = usize::from(*w).saturating_sub(1);
            let mut used = 0;
            s = s
                .chars()
                .take_while(|ch| {
                    used += unicode_width::UnicodeWidthChar::width(*ch).unwrap_or(0);
                    used <= room
                })
                .collect::<String>()
                .trim_end()
                .to_string();
            s.push_str(if rev { "▼" } else { "▲" });
        }
        put_str(
            buf,
            x,
            inner.y,
            x.saturating_add(*w).min(inner.right()),
            &s,
            Style::new(),
        );
        x = x.saturating_add(*w).saturating_add(1);
    }

    let selected = app.selected_row();
    let me = app.opts.me.as_deref();
    let mut y = inner.y.saturating_add(1);
    // One string for every formatted cell of the frame.
    let mut scratch = String::with_capacity(64);
    for pos in top..(top + rows_h).min(store.view_len()) {
        let Some((lot, meta)) = store.row(pos) else {
            continue;
        };
        let shape = Shape {
            cols,
            compact,
            me,
            selected: Some(pos) == selected,
        };
        let row_style = if app.is_flashing(meta.source, &lot.id, ctx.mono) {
            Some(t.warn.add_modifier(Modifier::REVERSED | Modifier::BOLD))
        } else if Some(pos) == selected {
            Some(t.selected)
        } else if lot.status.is_final() {
            Some(t.dim)
        } else {
            None
        };
        if let Some(st) = row_style {
            buf.set_style(
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
                st,
            );
        }
        lot_row(
            buf,
            Rect {
                y,
                height: 1,
                ..inner
            },
            ctx,
            lot,
            meta,
            &shape,
            &mut scratch,
        );
        y = y.saturating_add(1);
    }
    if let Some(text) = cause_text(app, tx)
        && geo.inner.height < inner.height
    {
        put_str(
            buf,
            inner.x,
            inner.bottom() - 1,
            inner.right(),
            &text,
            t.bad,
        );
    }
    untold
}

/// Whether a link has failed (any source's, with several).
fn failing(app: &App) -> bool {
    match app.sources() {
        [] | [_] => app.link.cause().is_some(),
        all => all.iter().any(|s| s.link.cause().is_some()),
    }
}

/// Why the link failed, `✖ cause`; with several sources each failing one
/// by its label: `✖ sauda: cause · api: cause`.
fn cause_text(app: &App, tx: &crate::ui::i18n::Texts) -> Option<String> {
    let causes: Vec<String> = match app.sources() {
        [] | [_] => app
            .link
            .cause()
            .map(|c| (tx.link_cause)(c))
            .into_iter()
            .collect(),
        all => all
            .iter()
            .filter_map(|s| {
                let c = s.link.cause()?;
                Some(format!("{}: {}", s.name.label, (tx.link_cause)(c)))
            })
            .collect(),
    };
    (!causes.is_empty()).then(|| format!("✖ {}", causes.join(" · ")))
}

/// How one frame's rows are shaped.
struct Shape<'c> {
    cols: &'c [(Col, u16)],
    compact: bool,
    me: Option<&'c str>,
    selected: bool,
}

/// Writes one lot's cells into `area` (its row, inside the pane's borders).
fn lot_row(
    buf: &mut Buffer,
    area: Rect,
    ctx: &Ctx<'_>,
    lot: &Lot,
    meta: &crate::app::lots::LotMeta,
    shape: &Shape<'_>,
    scratch: &mut String,
) {
    let t = ctx.theme;
    let app = ctx.app;
    let (tx, lang) = (ctx.tx, ctx.lang);
    let store = &app.lots;
    let Shape {
        cols,
        compact,
        me,
        selected,
    } = *shape;
    let high = match (&lot.status, &lot.result) {
        (LotStatus::Sold, Some(r)) => Some(r.amount),
        _ => lot.high_bid.as_ref().map(|h| h.amount),
    };
    let me_state = LotStore::me_state(lot, meta, me);
    let cd = countdown(lot, ctx.now, meta.frozen_left_ms);
    let (y, mut x) = (area.y, area.x);
    for &(c, w) in cols {
        let cell = Rect::new(x, y, w, 1).intersection(area);
        let right = cell.right();
        x = x.saturating_add(w).saturating_add(1);
        let plain = Style::new();
        match c {
            Col::Mark => {
                // The cursor is a symbol too, not only reverse video.
                let cursor = if selected {
                    "▶"
                } else if app.is_flashing(meta.source, &lot.id, ctx.mono) {
                    "!"
                } else {
                    " "
                };
                // A blank stays unstyled: in the reversed selected row a
                // coloured blank would show as a coloured block.
                let (star, star_st) = if store.is_watched(&lot.id) {
                    ("★", t.warn)
                } else {
                    (" ", plain)
                };
                let (m, st) = match me_state {
                    Some(MeState::Leading) => ("▲", t.good),
                    Some(MeState::Outbid) => ("▼", t.bad),
                    None => (" ", plain),
                };
                let at = put_str(buf, cell.x, y, right, cursor, plain);
                let at = put_str(buf, at, y, right, star, star_st);
                put_str(buf, at, y, right, m, st);
            }
            Col::Number => _ = put_str(buf, cell.x, y, right, &lot.number, plain),
            // A source not live: how old its lots are (`sauda ⌛2m`).
            Col::Source => {
                let at = put_str(
                    buf,
                    cell.x,
                    y,
                    right,
                    store.source_label(meta.source),
                    plain,
                );
                let (link, data_at) = app.source_link(meta.source);
                if *link != LinkState::Live
                    && let (Some(at_), Some(now)) = (data_at, ctx.now)
                {
                    let age = format!(" ⌛{}", lang.age(at_.until(now)));
                    put_str(buf, at, y, right, &age, t.dim);
                }
            }
            Col::Name => _ = put_str(buf, cell.x, y, right, &lot.name, plain),
            Col::Region => {
                _ = put_str(buf, cell.x, y, right, lang.region_short(&lot.region), plain);
            }
            Col::Minerals => {
                let mut at = cell.x;
                for (i, m) in lot.minerals.iter().enumerate() {
                    if i > 0 {
                        at = put_str(buf, at, y, right, ",", plain);
                    }
                    at = put_str(buf, at, y, right, lang.mineral(m), plain);
                }
            }
            Col::License => {
                let kind = match &lot.license.kind {
                    LicenseKind::Exploration => tx.license_short[0],
                    LicenseKind::Production => tx.license_short[1],
                    LicenseKind::Unknown(s) if s.is_empty() => "—",
                    LicenseKind::Unknown(s) => s.as_str(),
                };
                let at = put_str(buf, cell.x, y, right, kind, plain);
                if lot.site.is_some() {
                    // The site names no licence term.
                    continue;
                }
                scratch.clear();
                if lang == Lang::En {
                    _ = write!(scratch, " {}{}", lot.license.term_years, tx.years_short);
                } else {
                    _ = write!(scratch, " {}", (tx.years)(lot.license.term_years));
                }
                put_str(buf, at, y, right, scratch, plain);
            }
            Col::Status => {
                let st = t.status(&lot.status);
                let (sym, word) = status_parts(&lot.status, tx);
                let at = put_str(buf, cell.x, y, right, sym, st);
                let at = put_str(buf, at, y, right, " ", st);
                put_str(buf, at, y, right, word, st);
            }
            // An amount too wide in full is abbreviated, never cut.
            Col::High => {
                scratch.clear();
                money_cell(scratch, high, compact, lang);
                if scratch.chars().count() > usize::from(w) {
                    scratch.clear();
                    money_cell(scratch, high, true, lang);
                }
                put_right(buf, cell, scratch, plain);
            }
            Col::HighFx => {
                scratch.clear();
                fx_cell(scratch, app, high, compact, lang);
                if scratch.chars().count() > usize::from(w) {
                    scratch.clear();
                    fx_cell(scratch, app, high, true, lang);
                }
                put_right(buf, cell, scratch, plain);
            }
            Col::NextMin if lot.high_bid.is_none() && lot.starting_bonus.is_unreadable() => {
                put_right(buf, cell, "✗", t.bad);
            }
            Col::NextMin => {
                let v = (lot.status == LotStatus::Open || lot.status == LotStatus::Scheduled)
                    .then(|| next_min_bid(lot))
                    .flatten();
                scratch.clear();
                money_cell(scratch, v, compact, lang);
                if scratch.chars().count() > usize::from(w) {
                    scratch.clear();
                    money_cell(scratch, v, true, lang);
                }
                put_right(buf, cell, scratch, plain);
            }
            // A web site does not publish its bids: not zero, unknown.
            Col::Bids if lot.site.is_some() => put_right(buf, cell, "—", plain),
            Col::Bids => {
                scratch.clear();
                _ = write!(scratch, "{}", lot.bid_count);
                put_right(buf, cell, scratch, plain);
            }
            Col::Leader => {
                let leader = lot.high_bid.as_ref().map_or("", |h| h.bidder.as_str());
                _ = put_str(buf, cell.x, y, right, leader, plain);
            }
            Col::HighUsd => {
                scratch.clear();
                match high {
                    None => scratch.push('—'),
                    Some(m) => match app
                        .rates
                        .as_ref()
                        .and_then(|r| r.get(Currency::Usd))
                        .and_then(|r| crate::domain::money::convert(m, Currency::Usd, r))
                    {
                        Some(c) if compact => {
                            lang.push_compact(scratch, c.amount, c.currency.symbol())
                        }
                        Some(c) => lang.push_converted(scratch, &c),
                        None => scratch.push_str(tx.no_rate_cell),
                    },
                }
                put_right(buf, cell, scratch, plain);
            }
            Col::Extensions => {
                scratch.clear();
                _ = write!(scratch, "{}", lot.extensions);
                put_right(buf, cell, scratch, plain);
            }
            Col::StartBonus | Col::Guarantee => {
                let amount = if c == Col::StartBonus {
                    lot.starting_bonus
                } else {
                    lot.guarantee
                };
                match amount.known() {
                    Some(m) => {
                        scratch.clear();
                        money_cell(scratch, Some(m), compact, lang);
                        put_right(buf, cell, scratch, plain);
                    }
                    None => put_right(buf, cell, "✗", t.bad),
                }
            }
            Col::Participants => {
                scratch.clear();
                _ = write!(scratch, "{}", lot.participants);
                put_right(buf, cell, scratch, plain);
            }
            // The platform's lots: the bids' deadline is the close.
            Col::Deadline if lot.site.is_none() => {
                _ = put_str(buf, cell.x, y, right, &lot.closes_at.astana_hms(), plain);
            }
            Col::Deadline => {
                let st = lang.site();
                let (text, style) = match (lot.open_deadline(), ctx.now) {
                    (Some(d), Some(now)) if now < d => {
                        let cd = crate::app::countdown::Countdown::Opens {
                            in_ms: now.until(d).max(0) as u64,
                        };
                        (cd.text_in("", "", tx.days_short), plain)
                    }
                    (Some(_), Some(_)) => (st.deadline_over.to_string(), t.dim),
                    (Some(d), None) => (lang.datetime(d), plain),
                    // Taking applications, but the page gave no deadline.
                    (None, _)
                        if lot.status == LotStatus::Scheduled
                            && lot.site.as_deref().is_some_and(|s| s.page_read) =>
                    {
                        ("—".to_string(), t.dim)
                    }
                    (None, _) => (String::new(), plain),
                };
                put_str(buf, cell.x, y, right, &text, style);
            }
            // The site publishes no close: only the wait for the start.
            Col::Left if lot.site.is_some() && lot.status != LotStatus::Scheduled => {}
            // The start has passed while the site still says applications:
            // not `opens in 00:00`, and the detail pane says why.
            Col::Left if ctx.now.is_some_and(|now| lot.start_passed(now)) => {
                put_str(buf, cell.x, y, right, lang.site().start_passed, t.warn);
            }
            Col::Left => {
                let text = cd.text_in(tx.opens_in, tx.closing, tx.days_short);
                let mut at = put_str(buf, cell.x, y, right, &text, t.urgency(cd.urgency()));
                if let Some(b) = cd.badge() {
                    at = put_str(buf, at, y, right, &format!(" {b}"), t.warn);
                }
                // Not live: every row says how old what it shows is (its
                // own source's link and data, with several sources).
                let (link, data_at) = app.source_link(meta.source);
                if *link != LinkState::Live
                    && let (Some(at_), Some(now)) = (data_at, ctx.now)
                {
                    let age = format!(" ⌛{}", lang.age(at_.until(now)));
                    put_str(buf, at, y, right, &age, t.dim);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_term_at_fault_is_cut_out_of_the_filter_text() {
        assert_eq!(
            split_at_error("gold бид>1x rest", 5),
            ("gold ", "бид>1x", " rest")
        );
        assert_eq!(split_at_error("bid>", 4), ("bid>", "", ""));
        assert_eq!(split_at_error("x", 9), ("x", "", ""));
        assert_eq!(
            keep_tail(["ab", "cd", "ef"], 10),
            (false, ["ab", "cd", "ef"])
        );
        assert_eq!(keep_tail(["ab", "cд", "ef"], 3), (true, ["", "д", "ef"]));
        assert_eq!(keep_tail(["абв", "", ""], 0), (true, ["", "", ""]));
    }

    #[test]
    fn columns_drop_by_priority_and_always_fit() {
        // the narrowest lots pane is the minimum terminal width less borders
        for w in (super::super::layout::MIN_W - 2)..260u16 {
            for (fx, lang) in [false, true]
                .into_iter()
                .flat_map(|f| Lang::ALL.map(|l| (f, l)))
            {
                for site in [Some(false), Some(true), None] {
                    let (mut cols, _) = choose_source(w, fx, lang, site);
                    widen(&mut cols, w);
                    let total: u16 = cols.iter().map(|(_, w)| w + 1).sum::<u16>() - 1;
                    assert!(total <= w, "width {w}: {total}");
                    assert!(cols.iter().any(|(c, _)| *c == Col::Left));
                    assert!(!cols.iter().any(|(c, _)| !of_source(*c, site)));
                }
            }
        }
        let (wide, compact) = choose(196, true, Lang::En);
        assert_eq!(wide.len(), 13);
        assert!(!compact);
        let (narrow, _) = choose(78, true, Lang::En);
        assert!(narrow.len() < 13 && narrow.iter().any(|(c, _)| *c == Col::High));
    }

    #[test]
    fn russian_and_kazakh_headers_and_compact_money_fit_their_columns() {
        use crate::domain::Money;
        use unicode_width::UnicodeWidthStr;
        for lang in [Lang::Ru, Lang::Kk] {
            for &(c, _, g, k) in &COLS {
                let w = usize::from(compact_w(c, k, lang).min(g + word_extra(c, lang)));
                let label = header_label(c, Currency::Usd, lang);
                assert!(label.width() <= w, "{lang:?} {c:?}: {label:?} > {w}");
            }
            // The widest compact amounts: three digits before the largest unit.
            let k = usize::from(compact_w(Col::High, 9, lang));
            for m in [999_400, 999_400_000, 1_250_000_000, 999_000_000_000u64] {
                let s = lang.money_compact(Money::from_tenge(m as i64));
                assert!(s.width() <= k, "{lang:?}: {s:?} > {k}");
            }
        }
    }
}
