//! The anomalies pane: every fault the detector raised, newest first, each
//! with a kind symbol and label, the lot (number and name), the server time
//! in Astana and the evidence; scrollable. It takes the events pane's place
//! while it has the focus.

use super::{Ctx, pane_block};
use crate::app::Pane;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let tx = ctx.tx;
    let mut extra = format!("{}", app.anomaly_count);
    if app.anomalies_scroll > 0 {
        extra.push_str(&format!(" · {}", (tx.newer)(app.anomalies_scroll)));
    }
    let block = pane_block(Pane::Anomalies, ctx, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if app.anomalies.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled(tx.no_anomalies, t.dim)), inner);
        return;
    }
    let lines: Vec<Line> = app
        .anomalies
        .iter()
        .rev()
        .skip(app.anomalies_scroll)
        .take(usize::from(inner.height))
        .map(|a| {
            let mut spans = vec![
                Span::styled(a.server_at.astana_hms(), t.dim),
                Span::raw(" "),
                Span::styled(
                    format!("{} {}", a.kind.symbol(), (tx.anomaly_kind)(a.kind)),
                    t.bad,
                ),
                Span::raw(" "),
            ];
            if let Some(id) = &a.lot_id {
                let lot = app.lots.get(id).map(|(l, _)| l);
                let number = lot.map_or(id.as_str(), |l| l.number.as_str());
                spans.push(Span::styled(format!("{number} "), t.title));
                if let Some(l) = lot {
                    spans.push(Span::styled(format!("{} · ", l.name), t.dim));
                }
            }
            spans.push(Span::styled((tx.evidence)(&a.detail), t.warn));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
