//! The lot detail pane: every term of the selected lot, the uplift over the
//! starting bonus, the next minimum bid and conversions. The bidding state
//! comes first so that it stays visible in a short pane; wide panes show the
//! licence terms in a second column.

use super::fmt::{fx, status};
use super::{Ctx, paint, pane};
use crate::app::Pane;
use crate::app::countdown::countdown;
use crate::domain::rules::next_min_bid;
use crate::domain::{Amount, LicenseKind, LotStatus, Money};
use crate::ui::i18n::Texts;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

const LABEL_W: usize = 13;

/// The label column: 13, or wider where the language's legal terms are
/// longer (`Гарантийный взнос`), so that a label never runs into its value.
fn label_w(tx: &Texts) -> usize {
    [
        tx.opens,
        tx.closes,
        tx.high_bid,
        tx.next_min,
        tx.won_by,
        tx.start_bonus,
        tx.increment,
        tx.guarantee,
        tx.fee,
        tx.participants,
        tx.region,
        tx.minerals,
        tx.license,
        tx.reserves,
        tx.opened,
        tx.soft_close,
        tx.extensions,
    ]
    .iter()
    .map(|l| l.chars().count() + 1)
    .max()
    .unwrap_or(LABEL_W)
    .max(LABEL_W)
}

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let (tx, lang) = (ctx.tx, ctx.lang);
    let Some((lot, meta)) = app.selected_entry() else {
        let inner = pane(frame, area, Pane::Detail, ctx, "");
        paint::message(frame.buffer_mut(), inner, tx.no_lot, t.dim);
        return;
    };
    let inner = pane(frame, area, Pane::Detail, ctx, &lot.number);
    if let Some(site) = lot.site.as_deref() {
        super::detail_site::draw(frame, inner, ctx, lot, meta.frozen_left_ms, site);
        return;
    }

    let money = |m: Money| -> Vec<Span<'static>> {
        let mut v = vec![Span::raw(lang.money(m))];
        if let Some(c) = fx(app, m) {
            v.push(Span::styled(format!("  {}", lang.converted(&c)), t.dim));
        }
        v
    };
    let label_w = label_w(tx);
    // A source's words where a number belongs, said so (never a zero).
    let amount = |a: Amount| match a.known() {
        Some(m) => money(m),
        None => vec![Span::styled(lang.site().invalid.to_string(), t.bad)],
    };
    let row = |label: &str, mut value: Vec<Span<'static>>| -> Line<'static> {
        let mut spans = vec![Span::styled(format!("{label:<label_w$}"), t.dim)];
        spans.append(&mut value);
        Line::from(spans)
    };
    let text = |s: String| vec![Span::raw(s)];

    // The bidding state.
    let mut bidding = vec![Line::from(vec![
        Span::styled(lot.name.clone(), t.title),
        Span::raw("  "),
        Span::styled(status(&lot.status, tx), t.status(&lot.status)),
    ])];
    let cd = countdown(lot, ctx.now, meta.frozen_left_ms);
    let shown_at = if lot.status == LotStatus::Scheduled {
        lot.opens_at
    } else {
        lot.closes_at
    };
    let mut when = vec![Span::raw(format!(
        "{} {}",
        lang.datetime(shown_at),
        tx.astana
    ))];
    let cd_text = cd.text_in(tx.opens_in, tx.closing, tx.days_short);
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
            tx.opens
        } else {
            tx.closes
        },
        when,
    ));
    match &lot.high_bid {
        Some(h) => {
            let mut v = money(h.amount);
            if let Some(p) = lot
                .starting_bonus
                .known()
                .and_then(|s| h.amount.uplift_percent(s))
            {
                let pct = lang.percent(&format!("+{p:.1}"));
                v.push(Span::styled(format!("  ↑ {pct}"), t.good));
            }
            bidding.push(row(tx.high_bid, v));
            bidding.push(row(
                "",
                text((tx.by_at_bids)(
                    &h.bidder,
                    &h.at.astana_hms(),
                    lot.bid_count,
                )),
            ));
        }
        None => bidding.push(row(
            tx.high_bid,
            vec![Span::styled(tx.no_bids_yet.to_string(), t.dim)],
        )),
    }
    if matches!(
        lot.status,
        LotStatus::Open | LotStatus::Scheduled | LotStatus::Suspended
    ) {
        let next = next_min_bid(lot).map_or(Amount::Unreadable, Amount::Known);
        bidding.push(row(tx.next_min, amount(next)));
    }
    if let Some(r) = &lot.result {
        let mut v = vec![Span::styled(format!("{} ", r.winner), t.good)];
        v.append(&mut money(r.amount));
        bidding.push(row(tx.won_by, v));
    }
    bidding.push(row(tx.start_bonus, amount(lot.starting_bonus)));
    bidding.push(row(tx.increment, money(lot.min_increment)));
    bidding.push(row(tx.guarantee, amount(lot.guarantee)));
    bidding.push(row(tx.fee, amount(lot.participation_fee)));

    // The licence and its terms.
    let mut terms = Vec::new();
    let short = lot.participants < lot.min_participants;
    terms.push(row(
        tx.participants,
        vec![Span::styled(
            (tx.participants_min)(lot.participants, lot.min_participants, short),
            if short { t.warn } else { t.text },
        )],
    ));
    terms.push(row(tx.region, text(lang.region(&lot.region).to_string())));
    let minerals: Vec<&str> = lot.minerals.iter().map(|m| lang.mineral(m)).collect();
    terms.push(row(tx.minerals, text(minerals.join(", "))));
    let size = match (lot.license.area_km2, lot.license.blocks) {
        (Some(a), _) => format!(" · {} {}", lang.decimal(a), tx.km2),
        (None, Some(b)) => format!(" · {}", (tx.blocks)(b)),
        (None, None) => String::new(),
    };
    let kind = match &lot.license.kind {
        LicenseKind::Exploration => tx.license_long[0],
        LicenseKind::Production => tx.license_long[1],
        LicenseKind::Unknown(s) if s.is_empty() => "—",
        LicenseKind::Unknown(s) => s.as_str(),
    };
    terms.push(row(
        tx.license,
        text(format!(
            "{kind} · {}{size}",
            (tx.years)(lot.license.term_years)
        )),
    ));
    if !lot.reserves.is_empty() {
        terms.push(row(tx.reserves, text(lot.reserves.clone())));
    }
    if lot.status != LotStatus::Scheduled {
        terms.push(row(
            tx.opened,
            text(format!("{} {}", lang.datetime(lot.opens_at), tx.astana)),
        ));
    }
    let sc = lot.soft_close;
    let cap = sc.max_extensions.map(tx.of_max).unwrap_or_default();
    terms.push(row(
        tx.soft_close,
        text((tx.soft_close_terms)(sc.window_s, sc.extend_s)),
    ));
    terms.push(row(
        tx.extensions,
        vec![Span::styled(
            format!("{}{cap}", lot.extensions),
            if lot.extensions > 0 { t.warn } else { t.dim },
        )],
    ));

    if inner.width >= 100 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(inner);
        paint::put_lines(frame.buffer_mut(), l, &wrap(bidding, l.width));
        paint::put_lines(frame.buffer_mut(), r, &wrap(terms, r.width));
    } else {
        bidding.append(&mut terms);
        paint::put_lines(frame.buffer_mut(), inner, &wrap(bidding, inner.width));
    }
}

/// Lines too wide for the pane go on below their label (issue 28.13): a
/// value is broken between its parts (the amount, its conversion, the
/// uplift...), a part wider than the pane between its words, so that no
/// figure is cut at the border.
fn wrap(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if width <= LABEL_W + 8 {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let mut cur: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        for piece in pieces(line.spans, width - LABEL_W) {
            let w = piece.width();
            if used + w > width && cur.len() > 1 {
                out.push(Line::from(std::mem::take(&mut cur)));
                let piece = Span::styled(piece.content.trim_start().to_string(), piece.style);
                used = LABEL_W + piece.width();
                cur = vec![Span::raw(" ".repeat(LABEL_W)), piece];
            } else {
                used += w;
                cur.push(piece);
            }
        }
        out.push(Line::from(cur));
    }
    out
}

/// The spans, those wider than `max` split between words (each keeps its
/// style and the space before it).
fn pieces(spans: Vec<Span<'static>>, max: usize) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        if s.width() <= max {
            out.push(s);
            continue;
        }
        let mut word = String::new();
        for c in s.content.chars() {
            if c == ' ' && !word.trim().is_empty() {
                out.push(Span::styled(std::mem::take(&mut word), s.style));
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(Span::styled(word, s.style));
        }
    }
    out
}
