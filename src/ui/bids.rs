//! The bids pane: the bid history of the selected lot as a table (newest
//! first) and a chart of the amounts over time.

use super::fmt::fx_cell;
use super::{Ctx, paint, pane};
use crate::app::Pane;
use crate::domain::Currency;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Cell, Chart, Dataset, GraphType, Row, Table};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let (tx, lang) = (ctx.tx, ctx.lang);
    let hist = &app.bids;
    let number = app
        .selected_lot()
        .map(|l| l.number.clone())
        .unwrap_or_default();
    let inner = pane(
        frame,
        area,
        Pane::Bids,
        ctx,
        &format!("{number} · {}", hist.bids.len()),
    );
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if app.selected_lot().is_some_and(|l| l.site.is_some()) {
        paint::message(
            frame.buffer_mut(),
            inner,
            lang.site().bids_not_published,
            t.dim,
        );
        return;
    }
    if hist.lot_id.is_none() {
        paint::message(frame.buffer_mut(), inner, tx.no_lot, t.dim);
        return;
    }
    if hist.bids.is_empty() {
        let msg = if hist.loaded {
            tx.no_bids_lot
        } else {
            tx.loading_bids
        };
        paint::message(frame.buffer_mut(), inner, msg, t.dim);
        return;
    }
    let chart_h = if inner.height >= 12 {
        inner.height / 2
    } else {
        0
    };
    let [table_area, chart_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(chart_h)]).areas(inner);

    let fx = app.currency != Currency::Kzt;
    let compact = inner.width < 48;
    let rows_h = usize::from(table_area.height.saturating_sub(1));
    let n = hist.bids.len();
    let skip = app.bids_scroll.min(n.saturating_sub(1));
    let money_w = if compact {
        9 + lang.compact_extra()
    } else {
        15
    };
    let shown = || hist.bids.iter().rev().skip(skip).take(rows_h);
    // A bidder code is shown whole: the column is as wide as the widest.
    let bidder_w = shown()
        .map(|b| b.bidder.chars().count())
        .chain([tx.col_bidder.chars().count(), 6])
        .max()
        .unwrap_or(6)
        .min(16);
    let rows = shown().map(|b| {
        // An amount too wide in full is abbreviated, never cut.
        let mut amount = if compact {
            lang.money_compact(b.amount)
        } else {
            lang.money(b.amount)
        };
        if amount.chars().count() > usize::from(money_w) {
            amount = lang.money_compact(b.amount);
        }
        let mut cells = vec![
            Cell::from(b.at.astana_hms()),
            Cell::from(b.bidder.clone()),
            Cell::from(Line::from(amount).right_aligned()),
        ];
        if fx {
            let mut converted = String::new();
            fx_cell(&mut converted, app, Some(b.amount), compact, lang);
            if !compact && converted.chars().count() > 14 {
                converted.clear();
                fx_cell(&mut converted, app, Some(b.amount), true, lang);
            }
            cells.push(Cell::from(Line::from(converted).right_aligned()));
        }
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(u16::try_from(bidder_w).unwrap_or(16)),
        Constraint::Length(money_w),
    ];
    let mut header = vec![tx.col_time, tx.col_bidder, tx.col_amount];
    let fx_head = (tx.col_in)(app.currency.code());
    if fx {
        widths.push(Constraint::Length(if compact {
            10 + lang.compact_extra()
        } else {
            14
        }));
        header.push(&fx_head);
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.table_header))
        .column_spacing(1);
    frame.render_widget(table, table_area);

    if chart_area.height > 0 && n >= 1 {
        draw_chart(frame, chart_area, ctx);
    }
}

fn draw_chart(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let bids = &ctx.app.bids.bids;
    let (Some(first), Some(last)) = (bids.front(), bids.back()) else {
        return;
    };
    let t0 = first.at;
    // f64 only for plot coordinates: seconds since the first bid, tenge.
    let points: Vec<(f64, f64)> = bids
        .iter()
        .map(|b| {
            (
                t0.until(b.at) as f64 / 1000.0,
                b.amount.tiyn() as f64 / 100.0,
            )
        })
        .collect();
    let lo = bids.iter().map(|b| b.amount).min().unwrap_or(first.amount);
    let hi = bids.iter().map(|b| b.amount).max().unwrap_or(last.amount);
    let (ylo, yhi) = (lo.tiyn() as f64 / 100.0, hi.tiyn() as f64 / 100.0);
    let pad = ((yhi - ylo) * 0.05).max(1.0);
    let xmax = (t0.until(last.at) as f64 / 1000.0).max(1.0);
    let dataset = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(t.chart)
        .data(&points);
    let chart = Chart::new(vec![dataset])
        .x_axis(
            Axis::default()
                .bounds([0.0, xmax])
                .labels([
                    Span::styled(t0.astana_hms(), t.dim),
                    Span::styled(last.at.astana_hms(), t.dim),
                ])
                .style(t.border),
        )
        .y_axis(
            Axis::default()
                .bounds([ylo - pad, yhi + pad])
                .labels([
                    Span::styled(ctx.lang.money_compact(lo), t.dim),
                    Span::styled(ctx.lang.money_compact(hi), t.dim),
                ])
                .style(t.border),
        );
    frame.render_widget(chart, area);
}
