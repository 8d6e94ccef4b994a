//! The events pane: the newest platform events first, each with a kind
//! label and symbol as well as a colour, scrollable.

use super::{Ctx, fit, paint, pane};
use crate::app::Pane;
use crate::app::log::{AlertText, LogText};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Where a wrapped event's second line starts (under its kind).
const INDENT: usize = 9;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let tx = ctx.tx;
    let log = &app.log;
    let mut extra = format!("{}", log.len());
    if app.events_scroll > 0 {
        extra.push_str(&format!(" · {}", (tx.newer)(app.events_scroll)));
    }
    let inner = pane(frame, area, Pane::Events, ctx, &extra);
    if inner.height == 0 {
        return;
    }
    if log.is_empty() {
        paint::message(frame.buffer_mut(), inner, tx.no_events, t.dim);
        return;
    }
    let (rows, width) = (usize::from(inner.height), usize::from(inner.width));
    let mut lines: Vec<Line> = Vec::with_capacity(rows);
    for e in (0..rows).filter_map(|i| log.newest(app.events_scroll + i)) {
        if lines.len() >= rows {
            break;
        }
        let style = t.log_kind(e.kind);
        let time =
            e.at.map(|a| a.astana_hms())
                .unwrap_or_else(|| "--:--:--".into());
        let mut spans = vec![
            Span::styled(time, t.dim),
            Span::raw(" "),
            Span::styled(e.kind.symbol(), style),
            Span::styled((tx.log_kind)(e.kind), style),
            Span::raw(" "),
        ];
        // Several sources: whose lot a feed entry is (`sauda 401102`).
        if app.sources().len() > 1 && e.seq.is_some() && !e.lot.is_empty() {
            spans.push(Span::styled(app.lots.source_label(e.source), t.dim));
            spans.push(Span::raw(" "));
        }
        if !e.lot.is_empty() {
            spans.push(Span::styled(e.lot.as_str(), t.title));
            spans.push(Span::styled(" ", t.title));
        }
        let text = words(&e.text, ctx);
        let used: usize = spans.iter().map(Span::width).sum();
        // An event too long for the pane goes on under itself rather than
        // losing a figure at the border; a column stays blank before the
        // border, so a figure never touches it (`P-0│` reads as cut).
        let room = width.saturating_sub(1);
        let mut parts = fit::wrap(&text, room.saturating_sub(used).max(1)).into_iter();
        spans.push(Span::styled(parts.next().unwrap_or_default(), style));
        lines.push(Line::from(spans));
        let rest: String = parts.collect::<Vec<_>>().join(" ");
        for more in fit::wrap(&rest, room.saturating_sub(INDENT).max(1)) {
            if more.is_empty() || lines.len() >= rows {
                break;
            }
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(INDENT)),
                Span::styled(more, style),
            ]));
        }
    }
    paint::put_lines(frame.buffer_mut(), inner, &lines);
}

/// An entry's text in the interface language (platform text as sent).
pub(crate) fn words(text: &LogText, ctx: &Ctx<'_>) -> String {
    words_in(text, ctx.tx, ctx.lang)
}

/// `words` for a language without a frame (`ui::plain`).
pub(crate) fn words_in(
    text: &LogText,
    tx: &crate::ui::i18n::Texts,
    lang: crate::ui::i18n::Lang,
) -> String {
    match text {
        LogText::Bid { amount, bidder } => (tx.ev_bid)(&lang.money(*amount), bidder),
        LogText::Extended {
            extensions,
            closes_at,
        } => (tx.ev_extended)(*extensions, &closes_at.astana_hms()),
        LogText::Status { status, result } => {
            let mut s = (tx.ev_status)(super::fmt::status_word(status, tx));
            if let Some((amount, winner)) = result {
                s.push_str(&(tx.ev_result)(&lang.money(*amount), winner));
            }
            s
        }
        LogText::LotUpdated { name } => (tx.ev_lot)(name),
        LogText::Notice(m) => m.clone(),
        LogText::UnknownEvent(t) => (tx.ev_unknown)(t),
        LogText::Issue { field, problem } => format!("{field}: {problem}"),
        LogText::RuleAlert {
            rule,
            name,
            changes,
        } => crate::ui::i18n::alerts::pane_line(lang, rule, name, changes),
        LogText::Alert { kind, what } => {
            let what = match what {
                AlertText::Outbid {
                    name,
                    bidder,
                    amount,
                } => {
                    let mut s = (tx.alert_outbid)(name, bidder);
                    if let Some(a) = amount {
                        s.push_str(&(tx.alert_outbid_at)(&lang.money(*a)));
                    }
                    s
                }
                AlertText::Closing {
                    name,
                    minutes,
                    closes_at,
                } => (tx.alert_closing)(name, *minutes, &closes_at.astana_hms()),
                AlertText::Extended {
                    name,
                    extensions,
                    closes_at,
                } => (tx.alert_extended)(name, *extensions, &closes_at.astana_hms()),
                AlertText::Notice(m) => m.clone(),
            };
            format!("{}: {what}", (tx.alert_kind)(*kind))
        }
    }
}
