//! The `?` overlay: every key binding, generated from the key map in force.

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
    let avail_h = area.height.saturating_sub(4).max(1);
    let ncols = (entries.len() as u16).div_ceil(avail_h).max(1);
    let per_col = usize::from((entries.len() as u16).div_ceil(ncols));
    let w = (col_w * ncols + 4).min(area.width);
    let h = (per_col as u16 + 2).min(area.height);
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
            format!(" {} ", tx.esc_closes),
            t.dim,
        )));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let cols = Layout::horizontal(vec![Constraint::Length(col_w); usize::from(ncols)]).split(inner);
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
}
