//! The anomalies pane: every fault the detector raised, newest first, each
//! with a kind symbol and label, the lot (number and name), the server time
//! in Astana and the evidence; scrollable. It takes the events pane's place
//! while it has the focus.

use super::theme::Theme;
use super::{Ctx, paint, pane};
use crate::app::{Anomaly, App, Pane};
use crate::ui::i18n::{Lang, Texts};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let tx = ctx.tx;
    let mut extra = format!("{}", app.anomaly_count);
    if app.anomalies_scroll > 0 {
        extra.push_str(&format!(" · {}", (tx.newer)(app.anomalies_scroll)));
    }
    let inner = pane(frame, area, Pane::Anomalies, ctx, &extra);
    if inner.height == 0 {
        return;
    }
    if app.anomalies.is_empty() {
        paint::message(frame.buffer_mut(), inner, tx.no_anomalies, t.dim);
        return;
    }
    let lines: Vec<Line> = app
        .anomalies
        .iter()
        .rev()
        .skip(app.anomalies_scroll)
        .take(usize::from(inner.height))
        .map(|a| entry(app, a, t, tx))
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// One anomaly as the pane shows it (before wrapping).
fn entry<'a>(app: &App, a: &Anomaly, t: &Theme, tx: &Texts) -> Line<'a> {
    let mut spans = vec![
        Span::styled(a.server_at.astana_hms(), t.dim),
        Span::raw(" "),
        Span::styled(
            format!("{} {}", a.kind.symbol(), (tx.anomaly_kind)(a.kind)),
            t.bad,
        ),
        Span::raw(" "),
    ];
    // Several sources: whose data showed it.
    if app.sources().len() > 1 {
        spans.push(Span::styled(
            format!("{} ", app.lots.source_label(a.source)),
            t.dim,
        ));
    }
    if let Some(id) = &a.lot_id {
        let lot = app.lots.get(a.source, id).map(|(l, _)| l);
        let number = lot.map_or(id.as_str(), |l| l.number.as_str());
        spans.push(Span::styled(format!("{number} "), t.title));
        if let Some(l) = lot {
            spans.push(Span::styled(format!("{} · ", l.name), t.dim));
        }
    }
    spans.push(Span::styled((tx.evidence)(&a.detail), t.warn));
    Line::from(spans)
}

/// The anomaly drawn at `at` in the pane drawn in `area` (entries wrap, so
/// one can take several rows).
pub(crate) fn at(app: &App, area: Rect, at: Position, lang: Lang) -> Option<&Anomaly> {
    let inner = Block::bordered().inner(area);
    if !inner.contains(at) {
        return None;
    }
    let mut row = at.y - inner.y;
    let plain = Theme::default();
    for a in app.anomalies.iter().rev().skip(app.anomalies_scroll) {
        let lines = Paragraph::new(entry(app, a, &plain, lang.texts()))
            .wrap(Wrap { trim: false })
            .line_count(inner.width);
        let h = u16::try_from(lines).unwrap_or(u16::MAX).max(1);
        if row < h {
            return Some(a);
        }
        row -= h;
    }
    None
}
