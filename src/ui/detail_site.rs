//! The detail pane for a lot of a web-site source: what the site publishes
//! (terms, trading start, deadline, status in its words, sale price, the
//! lot's page) and nothing it does not (bids, leader, close). A field the
//! page showed as something other than a number says so, never zero.

use super::fmt::{fx, status};
use super::{Ctx, paint};
use crate::app::countdown::countdown;
use crate::domain::{Amount, LicenseKind, Lot, SiteLot};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

const LABEL_W: usize = 19;

pub(super) fn draw(
    frame: &mut Frame,
    inner: Rect,
    ctx: &Ctx<'_>,
    lot: &Lot,
    frozen_left_ms: Option<i64>,
    site: &SiteLot,
) {
    let t = ctx.theme;
    let (tx, lang) = (ctx.tx, ctx.lang);
    let st = lang.site();
    let row = |label: &str, mut value: Vec<Span<'static>>| -> Line<'static> {
        let mut spans = vec![Span::styled(format!("{label:<LABEL_W$}"), t.dim)];
        spans.append(&mut value);
        Line::from(spans)
    };
    let money = |a: Amount, needs_page: bool| -> Vec<Span<'static>> {
        let Some(m) = a.known() else {
            return vec![Span::styled(st.invalid.to_string(), t.bad)];
        };
        if needs_page && !site.page_read {
            return vec![Span::styled(st.page_not_read.to_string(), t.dim)];
        }
        let mut v = vec![Span::raw(lang.money(m))];
        if let Some(c) = fx(ctx.app, m) {
            v.push(Span::styled(format!("  {}", lang.converted(&c)), t.dim));
        }
        v
    };
    let mut left = vec![Line::from(vec![
        Span::styled(lot.name.clone(), t.title),
        Span::raw("  "),
        Span::styled(status(&lot.status, tx), t.status(&lot.status)),
    ])];
    // The page's address on a line of its own (the lots pane links it).
    left.push(Line::from(Span::styled(site.url.clone(), t.key)));
    let cd = countdown(lot, ctx.now, frozen_left_ms);
    let mut when = if lot.field_invalid("opens_at") {
        vec![Span::styled(st.invalid.to_string(), t.bad)]
    } else {
        vec![Span::raw(format!(
            "{} {}",
            lang.datetime(lot.opens_at),
            tx.astana
        ))]
    };
    let passed = ctx.now.is_some_and(|now| lot.start_passed(now));
    if passed {
        when.push(Span::styled(format!("  {}", st.start_passed), t.warn));
    } else if lot.status == crate::domain::LotStatus::Scheduled {
        let cd_text = cd.text_in(tx.opens_in, tx.closing, tx.days_short);
        if !cd_text.is_empty() {
            when.push(Span::styled(
                format!("  {cd_text}"),
                t.urgency(cd.urgency()),
            ));
        }
    }
    left.push(row(st.starts, when));
    if passed {
        left.push(row(
            "",
            vec![Span::styled(st.not_updated.to_string(), t.warn)],
        ));
    }
    if let Some(d) = site.deadline {
        let mut v = vec![Span::raw(format!("{} {}", lang.datetime(d), tx.astana))];
        // The bidder's actionable time: how long applications stay open.
        if lot.status == crate::domain::LotStatus::Scheduled
            && let Some(now) = ctx.now
        {
            if now < d {
                let left = crate::app::countdown::Countdown::Opens {
                    in_ms: now.until(d).max(0) as u64,
                };
                v.push(Span::styled(
                    format!(
                        "  {}",
                        (st.deadline_left)(&left.text_in("", "", tx.days_short))
                    ),
                    t.urgency(crate::app::countdown::Urgency::Normal),
                ));
            } else {
                v.push(Span::styled(format!("  {}", st.deadline_over), t.dim));
            }
        }
        left.push(row(st.deadline, v));
    }
    left.push(row(tx.start_bonus, money(lot.starting_bonus, false)));
    left.push(row(tx.guarantee, money(lot.guarantee, true)));
    left.push(row(tx.fee, money(lot.participation_fee, true)));
    if let Some(r) = &lot.result {
        left.push(row(st.sale_price, money(r.amount.into(), false)));
    } else if lot.field_invalid("sale_price") {
        left.push(row(
            st.sale_price,
            vec![Span::styled(st.invalid.to_string(), t.bad)],
        ));
    }
    left.push(row(
        tx.high_bid,
        vec![Span::styled(st.bids_not_published.to_string(), t.dim)],
    ));

    let mut right = Vec::new();
    if !site.status_text.is_empty() {
        right.push(row(st.on_site, vec![Span::raw(site.status_text.clone())]));
    }
    right.push(row(
        st.auction_type,
        vec![Span::raw(site.auction_type.clone())],
    ));
    let lang = ctx.lang;
    right.push(row(
        tx.region,
        vec![Span::raw(lang.region(&lot.region).to_string())],
    ));
    let minerals: Vec<&str> = lot.minerals.iter().map(|m| lang.mineral(m)).collect();
    right.push(row(tx.minerals, vec![Span::raw(minerals.join(", "))]));
    let kind = match &lot.license.kind {
        LicenseKind::Exploration => tx.license_long[0],
        LicenseKind::Production => tx.license_long[1],
        LicenseKind::Unknown(s) if s.is_empty() => "—",
        LicenseKind::Unknown(s) => s.as_str(),
    };
    let size = match (lot.license.area_km2, lot.license.blocks) {
        (Some(a), Some(b)) => format!(" · {} {} · {}", lang.decimal(a), tx.km2, (tx.blocks)(b)),
        (Some(a), None) => format!(" · {} {}", lang.decimal(a), tx.km2),
        (None, Some(b)) => format!(" · {}", (tx.blocks)(b)),
        (None, None) => String::new(),
    };
    right.push(row(tx.license, vec![Span::raw(format!("{kind}{size}"))]));
    if !site.description.is_empty() {
        right.push(row(
            st.description,
            vec![Span::raw(site.description.clone())],
        ));
    }

    if inner.width >= 100 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        paint::put_lines(frame.buffer_mut(), l, &left);
        paint::put_lines(frame.buffer_mut(), r, &right);
    } else {
        left.append(&mut right);
        paint::put_lines(frame.buffer_mut(), inner, &left);
    }
}
