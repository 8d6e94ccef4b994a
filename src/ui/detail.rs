//! The lot detail pane: every term of the selected lot, the uplift over the
//! starting bonus, the next minimum bid and conversions.

use super::fmt::{astana_datetime, fx, status};
use super::{Ctx, pane_block};
use crate::app::Pane;
use crate::app::countdown::countdown;
use crate::domain::rules::next_min_bid;
use crate::domain::{LotStatus, Money};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let Some((lot, meta)) = app.selected.as_deref().and_then(|id| app.lots.get(id)) else {
        let block = pane_block(Pane::Detail, ctx, String::new());
        frame.render_widget(
            Paragraph::new(Span::styled("No lot selected", t.dim)).block(block),
            area,
        );
        return;
    };
    let block = pane_block(Pane::Detail, ctx, lot.number.clone());
    let money = |m: Money| -> Vec<Span<'static>> {
        let mut v = vec![Span::raw(m.grouped())];
        if let Some(c) = fx(app, m) {
            v.push(Span::styled(format!("  {}", c.grouped()), t.dim));
        }
        v
    };
    let row = |label: &str, mut value: Vec<Span<'static>>| -> Line<'static> {
        let mut spans = vec![Span::styled(format!("{label:<13}"), t.dim)];
        spans.append(&mut value);
        Line::from(spans)
    };
    let text = |s: String| vec![Span::raw(s)];

    let mut lines = vec![
        Line::from(Span::styled(lot.name.clone(), t.title)),
        row(
            "Status",
            vec![Span::styled(status(&lot.status), t.status(&lot.status))],
        ),
        row("Region", text(lot.region.clone())),
        row("Minerals", text(lot.minerals.join(", "))),
        row(
            "Licence",
            text(format!(
                "{} · {} years",
                lot.license.kind.as_str(),
                lot.license.term_years
            )),
        ),
    ];
    match (lot.license.area_km2, lot.license.blocks) {
        (Some(a), _) => lines.push(row("Area", text(format!("{} km²", a.normalize())))),
        (None, Some(b)) => lines.push(row("Blocks", text(b.to_string()))),
        (None, None) => {}
    }
    if !lot.reserves.is_empty() {
        lines.push(row("Reserves", text(lot.reserves.clone())));
    }
    lines.push(row("Start bonus", money(lot.starting_bonus)));
    match &lot.high_bid {
        Some(h) => {
            let mut v = money(h.amount);
            if let Some(p) = h.amount.uplift_percent(lot.starting_bonus) {
                v.push(Span::styled(format!("  ↑{p}%"), t.good));
            }
            lines.push(row("High bid", v));
            lines.push(row(
                "",
                text(format!("by {} at {}", h.bidder, h.at.astana_hms())),
            ));
        }
        None => lines.push(row(
            "High bid",
            vec![Span::styled("no bids yet".to_string(), t.dim)],
        )),
    }
    if matches!(
        lot.status,
        LotStatus::Open | LotStatus::Scheduled | LotStatus::Suspended
    ) {
        lines.push(row("Next min bid", money(next_min_bid(lot))));
    }
    lines.push(row("Increment", money(lot.min_increment)));
    lines.push(row("Guarantee", money(lot.guarantee)));
    lines.push(row("Fee", money(lot.participation_fee)));
    let short = lot.participants < lot.min_participants;
    lines.push(row(
        "Participants",
        vec![Span::styled(
            format!(
                "{} (min {}){}",
                lot.participants,
                lot.min_participants,
                if short { " ⚠ too few" } else { "" }
            ),
            if short { t.warn } else { t.text },
        )],
    ));
    lines.push(row(
        "Opens",
        text(format!("{} Astana", astana_datetime(lot.opens_at))),
    ));
    let cd = countdown(lot, ctx.now, meta.frozen_left_ms);
    let mut closes = vec![Span::raw(format!(
        "{} Astana",
        astana_datetime(lot.closes_at)
    ))];
    let cd_text = cd.text();
    if !cd_text.is_empty() {
        closes.push(Span::styled(
            format!("  {cd_text}"),
            t.urgency(cd.urgency()),
        ));
    }
    lines.push(row("Closes", closes));
    let sc = lot.soft_close;
    let cap = sc
        .max_extensions
        .map(|m| format!(" of max {m}"))
        .unwrap_or_default();
    lines.push(row(
        "Soft close",
        vec![
            Span::raw(format!("{}s window, +{}s", sc.window_s, sc.extend_s)),
            Span::styled(
                format!(" · extended {}{cap}", lot.extensions),
                if lot.extensions > 0 { t.warn } else { t.dim },
            ),
        ],
    ));
    if let Some(r) = &lot.result {
        let mut v = vec![Span::styled(format!("{} ", r.winner), t.good)];
        v.append(&mut money(r.amount));
        lines.push(row("Result", v));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
