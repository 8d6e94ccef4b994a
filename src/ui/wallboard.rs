//! The wall-board: the supervision room's big screen, read from across the
//! room. No panes and no key bar: the header, the day's line (lots by status,
//! the sum of high bids, the uplift), the alert of the moment, the lots
//! closing soonest with their countdowns in big block digits (tui-big-text),
//! and the other lots paged every `PAGE_MS` of the monotonic clock.

use super::Ctx;
use super::fmt::{fx, money_cell, status_parts, status_word};
use super::paint::{put_right, put_str};
use crate::app::countdown::{Countdown, countdown, hms};
use crate::app::log::LogKind;
use crate::domain::{Lot, LotStatus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use tui_big_text::{BigText, PixelSize};

/// How long one page of the other lots stays.
const PAGE_MS: u64 = 6000;
/// A block of one lot closing soon: the width it wants and its height.
const BLOCK_W: u16 = 80;
const BLOCK_H: u16 = 5;
/// The lot's words beside its digits.
const INFO_W: u16 = 34;
/// Lots in big digits at most.
const MAX_BIG: usize = 16;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let header = Rect { height: 2, ..area };
    super::header::draw(frame, header, ctx);
    let day_h = day_lines(frame, Rect::new(area.x, area.y + 2, area.width, 2), ctx);
    let alert = Rect::new(area.x, area.y + 2 + day_h, area.width, 1);
    alert_line(frame, alert, ctx);
    let top = 3 + day_h;
    let body = Rect::new(
        area.x,
        area.y + top,
        area.width,
        area.height.saturating_sub(top),
    );
    let per_row = usize::from((body.width / BLOCK_W).max(1));
    let block_rows = usize::from((body.height * 11 / 20 / BLOCK_H).max(1));
    let big = soonest(ctx, (per_row * block_rows).min(MAX_BIG));
    let used_rows = big.len().div_ceil(per_row) as u16;
    let block_w = body.width / per_row as u16;
    for (i, lot) in big.iter().enumerate() {
        let r = Rect::new(
            body.x + (i % per_row) as u16 * block_w,
            body.y + (i / per_row) as u16 * BLOCK_H,
            block_w,
            BLOCK_H,
        )
        .intersection(body);
        block(frame, r, lot, ctx);
    }
    let top = body.y + used_rows * BLOCK_H;
    let rest = Rect::new(body.x, top, body.width, body.bottom().saturating_sub(top));
    others(frame, rest, &big, ctx);
}

/// Lots by status, the sum of high bids and the uplift: on one line where
/// it fits, else the figures on a second. Returns the rows used.
fn day_lines(frame: &mut Frame, r: Rect, ctx: &Ctx<'_>) -> u16 {
    let (t, tx, lang) = (ctx.theme, ctx.tx, ctx.lang);
    let s = ctx.app.summary.get();
    let mut statuses = String::from(" ");
    for (status, n) in &s.by_status {
        let (sym, _) = status_parts(status, tx);
        let word = status_word(status, tx);
        statuses.push_str(&format!("{sym} {word} {n}   "));
    }
    let mut money = format!("Σ {} {}", tx.high_bids.trim(), lang.money(s.high_sum));
    if let Some(c) = fx(ctx.app, s.high_sum) {
        money.push_str(&format!(" ({})", lang.converted(&c)));
    }
    let pct = s
        .uplift_percent()
        .map(|p| format!(" {}", lang.percent(&format!("{p:+}"))))
        .unwrap_or_default();
    let uplift = format!("   {} {}{pct}", tx.uplift.trim(), lang.money(s.uplift()));
    let width = |x: &str| unicode_width::UnicodeWidthStr::width(x);
    let one = width(&statuses) + width(&money) + width(&uplift) <= usize::from(r.width);
    let buf = frame.buffer_mut();
    let (fig_x, fig_y, rows) = if one {
        (r.x + width(&statuses) as u16, r.y, 1)
    } else {
        (r.x + 1, r.y + 1, 2)
    };
    buf.set_style(Rect { height: rows, ..r }, t.title);
    put_str(buf, r.x, r.y, r.right(), &statuses, t.title);
    let x = put_str(buf, fig_x, fig_y, r.right(), &money, t.title);
    put_str(
        buf,
        x,
        fig_y,
        r.right(),
        &uplift,
        t.good.add_modifier(Modifier::BOLD),
    );
    rows
}

/// The newest alert while its lot flashes (reversed, to be seen across the
/// room), else the configuration's note, else nothing.
fn alert_line(frame: &mut Frame, r: Rect, ctx: &Ctx<'_>) {
    let app = ctx.app;
    let newest_alert = (0..8)
        .filter_map(|i| app.log.newest(i))
        .find(|e| e.kind == LogKind::Alert);
    let flashing = newest_alert.filter(|e| {
        app.lots
            .iter()
            .any(|l| l.number == e.lot && app.is_flashing(&l.id, ctx.mono))
    });
    let buf = frame.buffer_mut();
    if let Some(e) = flashing {
        let st = ctx
            .theme
            .warn
            .add_modifier(Modifier::REVERSED | Modifier::BOLD);
        buf.set_style(r, st);
        let text = format!(" ! {} {}", e.lot, super::events::words(&e.text, ctx));
        put_str(buf, r.x, r.y, r.right(), &text, st);
    } else if let Some(note) = app.config_note() {
        buf.set_style(r, ctx.theme.bad);
        put_str(buf, r.x, r.y, r.right(), &format!(" {note}"), ctx.theme.bad);
    }
}

/// The `n` open lots closing soonest (then the scheduled ones opening
/// soonest), in that order: one pass over the lots, `n` kept.
fn soonest<'a>(ctx: &Ctx<'a>, n: usize) -> Vec<&'a Lot> {
    let mut best: Vec<(u8, i64, &Lot)> = Vec::with_capacity(n + 1);
    for lot in ctx.app.lots.iter() {
        let key = match lot.status {
            LotStatus::Open => (0, lot.closes_at.0),
            LotStatus::Scheduled => (1, lot.opens_at.0),
            _ => continue,
        };
        let at = best.partition_point(|(g, t, l)| {
            (*g, *t, l.number.as_str()) <= (key.0, key.1, lot.number.as_str())
        });
        if at < n {
            best.insert(at, (key.0, key.1, lot));
            best.truncate(n);
        }
    }
    best.into_iter().map(|(_, _, l)| l).collect()
}

/// One lot in big digits: the countdown on the left, its number, name, high
/// bid and leader beside it.
fn block(frame: &mut Frame, r: Rect, lot: &Lot, ctx: &Ctx<'_>) {
    let (t, tx, lang) = (ctx.theme, ctx.tx, ctx.lang);
    let meta_left = ctx
        .app
        .lots
        .find(&lot.id)
        .and_then(|(_, m)| m.frozen_left_ms);
    let cd = countdown(lot, ctx.now, meta_left);
    let digits = match &cd {
        Countdown::Running { left_ms, .. } => big_hms(*left_ms),
        Countdown::Opens { in_ms } if *in_ms < 100 * 3_600_000 => big_hms(*in_ms),
        Countdown::Closing { .. } => "00:00".into(),
        _ => "--:--".into(),
    };
    let flashing = ctx.app.is_flashing(&lot.id, ctx.mono);
    let style = if flashing {
        t.warn.add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        t.urgency(cd.urgency()).add_modifier(Modifier::BOLD)
    };
    let n = digits.chars().count() as u16;
    let digits_w = r.width.saturating_sub(INFO_W + 1);
    let size = if n * 8 <= digits_w {
        PixelSize::HalfHeight
    } else {
        PixelSize::Quadrant
    };
    let big_w = (if size == PixelSize::HalfHeight { 8 } else { 4 } * n).min(digits_w);
    let big = Rect::new(r.x + 1, r.y, big_w, r.height.min(4));
    frame.render_widget(
        BigText::builder()
            .pixel_size(size)
            .style(style)
            .lines(vec![Line::from(digits)])
            .build(),
        big,
    );
    let x = (big.right() + 2).min(r.right());
    let right = r.right().saturating_sub(1);
    let buf = frame.buffer_mut();
    let bold = t.title;
    let at = put_str(buf, x, r.y, right, &lot.number, bold);
    put_str(buf, at + 1, r.y, right, &lot.name, bold);
    let (sym, word) = status_parts(&lot.status, tx);
    let mut line = format!("{sym} {word}");
    if let Some(b) = cd.badge() {
        line.push_str(&format!("  {b}"));
    }
    if cd.urgency().symbol() != "" {
        line.push_str(&format!("  {}", cd.urgency().symbol()));
    }
    put_str(buf, x, r.y + 1, right, &line, t.status(&lot.status));
    let mut high = String::new();
    money_cell(
        &mut high,
        lot.high_bid.as_ref().map(|h| h.amount),
        false,
        lang,
    );
    let at = put_str(
        buf,
        x,
        r.y + 2,
        right,
        &high,
        t.text.add_modifier(Modifier::BOLD),
    );
    if let Some(c) = lot.high_bid.as_ref().and_then(|h| fx(ctx.app, h.amount)) {
        put_str(
            buf,
            at + 1,
            r.y + 2,
            right,
            &format!("({})", lang.converted(&c)),
            t.dim,
        );
    }
    let leader = lot.high_bid.as_ref().map_or("—", |h| h.bidder.as_str());
    let who = format!(
        "{} {leader} · {} {}",
        tx.col_leader, tx.col_bids, lot.bid_count
    );
    put_str(buf, x, r.y + 3, right, &who, t.dim);
}

/// A countdown in at most five big characters: `mm:ss` under an hour,
/// `1h05` above (the seconds matter only at the end).
fn big_hms(ms: u64) -> String {
    if ms < 3_600_000 {
        return hms(ms);
    }
    let m = ms.div_ceil(60_000);
    format!("{}h{:02}", m / 60, m % 60)
}

/// The lots not in big digits, in the lots pane's order (filter and sort),
/// a page at a time.
fn others(frame: &mut Frame, r: Rect, big: &[&Lot], ctx: &Ctx<'_>) {
    if r.height < 3 {
        return;
    }
    let (t, tx, lang) = (ctx.theme, ctx.tx, ctx.lang);
    let store = &ctx.app.lots;
    let rest: Vec<&Lot> = (0..store.view_len())
        .filter_map(|p| store.row(p).map(|(l, _)| l))
        .filter(|l| !big.iter().any(|b| b.id == l.id))
        .collect();
    let rows = usize::from(r.height - 2);
    let pages = rest.len().div_ceil(rows).max(1);
    let page = ((ctx.mono.0 / PAGE_MS) as usize) % pages;
    let buf = frame.buffer_mut();
    let rule = "─".repeat(usize::from(r.width));
    put_str(buf, r.x, r.y, r.right(), &rule, t.border);
    put_right(
        buf,
        Rect::new(r.x, r.y, r.width.saturating_sub(1), 1),
        &format!(" {}/{pages} ", page + 1),
        t.title,
    );
    // Number, name, status, high bid, time left: as wide as there is room.
    let w = r.width;
    let name_w = w.saturating_sub(9 + 13 + 18 + 14 + 4).max(8);
    let cols = [
        (tx.col_number, 9u16),
        (tx.col_name, name_w),
        (tx.col_status, 13),
        (tx.col_high, 18),
        (tx.col_left, 14),
    ];
    let hdr = r.y + 1;
    buf.set_style(Rect::new(r.x, hdr, w, 1), t.table_header);
    let mut x = r.x;
    for (label, cw) in cols {
        put_str(buf, x, hdr, (x + cw).min(r.right()), label, Style::new());
        x = x.saturating_add(cw + 1);
    }
    for (i, lot) in rest.iter().skip(page * rows).take(rows).enumerate() {
        let y = r.y + 2 + i as u16;
        let meta_left = store.find(&lot.id).and_then(|(_, m)| m.frozen_left_ms);
        let cd = countdown(lot, ctx.now, meta_left);
        if ctx.app.is_flashing(&lot.id, ctx.mono) {
            buf.set_style(
                Rect::new(r.x, y, w, 1),
                t.warn.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            );
        } else if lot.status.is_final() {
            buf.set_style(Rect::new(r.x, y, w, 1), t.dim);
        }
        let mut x = r.x;
        let mut cell = |text: &str, cw: u16, st: Style, right_aligned: bool| {
            let end = (x + cw).min(r.right());
            if right_aligned {
                put_right(buf, Rect::new(x, y, end.saturating_sub(x), 1), text, st);
            } else {
                put_str(buf, x, y, end, text, st);
            }
            x = x.saturating_add(cw + 1);
        };
        cell(&lot.number, 9, Style::new(), false);
        cell(&lot.name, name_w, Style::new(), false);
        let (sym, word) = status_parts(&lot.status, tx);
        cell(&format!("{sym} {word}"), 13, t.status(&lot.status), false);
        let mut high = String::new();
        money_cell(
            &mut high,
            lot.high_bid.as_ref().map(|h| h.amount),
            false,
            lang,
        );
        cell(&high, 18, Style::new(), true);
        let mut left = cd.text_in(tx.opens_in, tx.closing, tx.days_short);
        if let Some(b) = cd.badge() {
            left.push_str(&format!(" {b}"));
        }
        cell(&left, 14, t.urgency(cd.urgency()), false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_countdowns_keep_to_five_characters() {
        assert_eq!(big_hms(42_000), "00:42");
        assert_eq!(big_hms(3_599_000), "59:59");
        assert_eq!(big_hms(3_600_000), "1h00");
        assert_eq!(big_hms(3_600_001), "1h01");
        assert_eq!(big_hms(4_800_000), "1h20");
        assert_eq!(big_hms(99 * 3_600_000), "99h00");
    }
}
