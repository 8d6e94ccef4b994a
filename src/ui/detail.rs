//! The lot detail pane: every term of the selected lot, the uplift over the
//! starting bonus, the next minimum bid and conversions. The bidding state
//! comes first so that it stays visible in a short pane; wide panes show the
//! licence terms in a second column.

use super::fmt::{astana_datetime, fx, status};
use super::{Ctx, pane_block};
use crate::app::Pane;
use crate::app::countdown::countdown;
use crate::domain::rules::next_min_bid;
use crate::domain::{LotStatus, Money};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABEL_W: usize = 13;

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
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let money = |m: Money| -> Vec<Span<'static>> {
        let mut v = vec![Span::raw(m.grouped())];
        if let Some(c) = fx(app, m) {
            v.push(Span::styled(format!("  {}", c.grouped()), t.dim));
        }
        v
    };
    let row = |label: &str, mut value: Vec<Span<'static>>| -> Line<'static> {
        let mut spans = vec![Span::styled(format!("{label:<LABEL_W$}"), t.dim)];
        spans.append(&mut value);
        Line::from(spans)
    };
    let text = |s: String| vec![Span::raw(s)];

    // The bidding state.
    let mut bidding = vec![Line::from(vec![
        Span::styled(lot.name.clone(), t.title),
        Span::raw("  "),
        Span::styled(status(&lot.status), t.status(&lot.status)),
    ])];
    let cd = countdown(lot, ctx.now, meta.frozen_left_ms);
    let mut when = if lot.status == LotStatus::Scheduled {
        vec![Span::raw(format!(
            "{} Astana",
            astana_datetime(lot.opens_at)
        ))]
    } else {
        vec![Span::raw(format!(
            "{} Astana",
            astana_datetime(lot.closes_at)
        ))]
    };
    let cd_text = cd.text();
    if !cd_text.is_empty() {
        when.push(Span::styled(
            format!("  {cd_text}"),
            t.urgency(cd.urgency()),
        ));
    }
    if let Some(b) = cd.badge() {
        when.push(Span::styled(format!(" {b}"), t.warn));
    }
    bidding.push(row(
        if lot.status == LotStatus::Scheduled {
            "Opens"
        } else {
            "Closes"
        },
        when,
    ));
    match &lot.high_bid {
        Some(h) => {
            let mut v = money(h.amount);
            if let Some(p) = h.amount.uplift_percent(lot.starting_bonus) {
                v.push(Span::styled(format!("  ↑ +{p:.1}%"), t.good));
            }
            bidding.push(row("High bid", v));
            bidding.push(row(
                "",
                text(format!(
                    "by {} at {} · {} bids",
                    h.bidder,
                    h.at.astana_hms(),
                    lot.bid_count
                )),
            ));
        }
        None => bidding.push(row(
            "High bid",
            vec![Span::styled("no bids yet".to_string(), t.dim)],
        )),
    }
    if matches!(
        lot.status,
        LotStatus::Open | LotStatus::Scheduled | LotStatus::Suspended
    ) {
        bidding.push(row("Next min bid", money(next_min_bid(lot))));
    }
    if let Some(r) = &lot.result {
        let mut v = vec![Span::styled(format!("{} ", r.winner), t.good)];
        v.append(&mut money(r.amount));
        bidding.push(row("Won by", v));
    }
    bidding.push(row("Start bonus", money(lot.starting_bonus)));
    bidding.push(row("Increment", money(lot.min_increment)));
    bidding.push(row("Guarantee", money(lot.guarantee)));
    bidding.push(row("Fee", money(lot.participation_fee)));

    // The licence and its terms.
    let mut terms = Vec::new();
    let short = lot.participants < lot.min_participants;
    terms.push(row(
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
    terms.push(row("Region", text(lot.region.clone())));
    terms.push(row("Minerals", text(lot.minerals.join(", "))));
    let size = match (lot.license.area_km2, lot.license.blocks) {
        (Some(a), _) => format!(" · {} km²", a.normalize()),
        (None, Some(b)) => format!(" · {b} blocks"),
        (None, None) => String::new(),
    };
    terms.push(row(
        "Licence",
        text(format!(
            "{} · {} years{size}",
            lot.license.kind.as_str(),
            lot.license.term_years
        )),
    ));
    if !lot.reserves.is_empty() {
        terms.push(row("Reserves", text(lot.reserves.clone())));
    }
    if lot.status != LotStatus::Scheduled {
        terms.push(row(
            "Opened",
            text(format!("{} Astana", astana_datetime(lot.opens_at))),
        ));
    }
    let sc = lot.soft_close;
    let cap = sc
        .max_extensions
        .map(|m| format!(" of max {m}"))
        .unwrap_or_default();
    terms.push(row(
        "Soft close",
        text(format!("{}s window, +{}s", sc.window_s, sc.extend_s)),
    ));
    terms.push(row(
        "Extensions",
        vec![Span::styled(
            format!("{}{cap}", lot.extensions),
            if lot.extensions > 0 { t.warn } else { t.dim },
        )],
    ));

    if inner.width >= 100 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(inner);
        frame.render_widget(Paragraph::new(bidding), l);
        frame.render_widget(Paragraph::new(terms), r);
    } else {
        bidding.append(&mut terms);
        frame.render_widget(Paragraph::new(bidding), inner);
    }
}
