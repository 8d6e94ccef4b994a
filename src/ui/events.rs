//! The events pane: the newest platform events first, each with a kind
//! label and symbol as well as a colour, scrollable.

use super::{Ctx, pane_block};
use crate::app::Pane;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let log = &app.log;
    let mut extra = format!("{}", log.len());
    if app.events_scroll > 0 {
        extra.push_str(&format!(" · ↑ {} newer", app.events_scroll));
    }
    let block = pane_block(Pane::Events, ctx, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if log.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled("No events yet", t.dim)), inner);
        return;
    }
    let lines: Vec<Line> = (0..usize::from(inner.height))
        .filter_map(|i| log.newest(app.events_scroll + i))
        .map(|e| {
            let style = t.log_kind(e.kind);
            let time =
                e.at.map(|a| a.astana_hms())
                    .unwrap_or_else(|| "--:--:--".into());
            let mut spans = vec![
                Span::styled(time, t.dim),
                Span::raw(" "),
                Span::styled(format!("{}{}", e.kind.symbol(), e.kind.label()), style),
                Span::raw(" "),
            ];
            if !e.lot.is_empty() {
                spans.push(Span::styled(format!("{} ", e.lot), t.title));
            }
            spans.push(Span::styled(e.text.clone(), style));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
