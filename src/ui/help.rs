//! The `?` overlay: every key binding, generated from the key map in force,
//! and, where the terminal has room, a summary of the filter language and
//! the sort-by-column keys.

use super::Ctx;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let tx = ctx.tx;
    let mut entries = ctx.keys.help_entries_in(tx);
    if ctx.app.replay().is_some() {
        let keys = ["space", "→", "+ / -", "←"];
        entries.splice(
            0..0,
            keys.into_iter()
                .zip(tx.replay_keys)
                .map(|(k, d)| (k.to_string(), d)),
        );
    }
    let key_w = entries
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0) as u16;
    let desc_w = entries
        .iter()
        .map(|(_, d)| d.chars().count())
        .max()
        .unwrap_or(0) as u16;
    let col_w = key_w + desc_w + 3;
    let guide = guide_lines(ctx);
    let guide_w = guide.iter().map(Line::width).max().unwrap_or(0) as u16 + 2;
    let layout_for = |reserved: u16| {
        let avail_h = area.height.saturating_sub(4 + reserved).max(1);
        let ncols = (entries.len() as u16).div_ceil(avail_h).max(1);
        let per_col = (entries.len() as u16).div_ceil(ncols);
        (ncols, per_col)
    };
    // The guide below the keys when both fit, else the keys alone.
    let with_guide = layout_for(guide.len() as u16 + 1);
    let fits = |(ncols, _): (u16, u16), extra_w: u16| {
        (col_w * ncols + 4).max(extra_w) <= area.width && guide.len() as u16 + 1 + 4 < area.height
    };
    let (show_guide, (ncols, per_col)) = if fits(with_guide, guide_w + 2) {
        (true, with_guide)
    } else {
        (false, layout_for(0))
    };
    let per_col = usize::from(per_col);
    let guide_h = if show_guide {
        guide.len() as u16 + 1
    } else {
        0
    };
    let w = (col_w * ncols + 4)
        .max(if show_guide { guide_w + 2 } else { 0 })
        .min(area.width);
    let h = (per_col as u16 + guide_h + 2).min(area.height);
    let [r] = Layout::horizontal([Constraint::Length(w)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    let [r] = Layout::vertical([Constraint::Length(h)])
        .flex(ratatui::layout::Flex::Center)
        .areas(r);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Line::from(Span::styled(
            format!(" {} ", tx.help_title),
            t.focus_title,
        )))
        .title_bottom(Line::from(Span::styled(
            if show_guide {
                format!(" {} ", tx.esc_closes)
            } else {
                format!(" {} · {} ", tx.esc_closes, tx.help_larger)
            },
            t.dim,
        )));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let [keys_area, guide_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(guide_h)]).areas(inner);
    let cols =
        Layout::horizontal(vec![Constraint::Length(col_w); usize::from(ncols)]).split(keys_area);
    for (i, chunk) in entries.chunks(per_col.max(1)).enumerate() {
        let Some(&col) = cols.get(i) else { break };
        let lines: Vec<Line> = chunk
            .iter()
            .map(|(k, d)| {
                Line::from(vec![
                    Span::styled(format!(" {k:>w$} ", w = usize::from(key_w)), t.key),
                    Span::raw(*d),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), col);
    }
    if show_guide {
        let mut lines = vec![Line::raw("")];
        lines.extend(guide);
        frame.render_widget(Paragraph::new(lines), guide_area);
    }
}

/// The filter language summary and the sort-by-column keys, one line each.
fn guide_lines(ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let tx = ctx.tx;
    let ex_w = tx
        .filter_help
        .iter()
        .map(|(e, _)| e.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::from(Span::styled(
        format!(" {}", tx.filter_title),
        t.title,
    ))];
    for (ex, what) in tx.filter_help {
        lines.push(Line::from(vec![
            Span::styled(format!("  {ex:<ex_w$}  "), t.key),
            Span::raw(what),
        ]));
    }
    let legend = ctx.keys.sort_legend();
    if !legend.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" {}", tx.sort_title),
            t.title,
        )));
        // Two rows of columns keep the guide narrow.
        let half = legend.len().div_ceil(2);
        for row in legend.chunks(half) {
            let mut spans = vec![Span::raw(" ")];
            for (key, col) in row {
                spans.push(Span::styled(format!(" {key}"), t.key));
                spans.push(Span::raw(format!(" {}", (tx.sort_key)(*col))));
            }
            lines.push(Line::from(spans));
        }
    }
    lines
}
