//! The summary pane (officials): lots by status, totals and uplift in tenge
//! and the display currency, lots closing within ten minutes, open lots
//! without a bid, and the breakdowns by mineral and region. It only reads the
//! summary the app computed in `update`.

use super::fmt::{fx, status_word};
use super::{Ctx, paint, pane};
use crate::app::Pane;
use crate::app::summary::{Group, MAX_GROUPS, OTHER};
use crate::domain::Money;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let (tx, lang) = (ctx.tx, ctx.lang);
    let s = app.summary.get();
    let title = match sources_sum(ctx) {
        Some(sum) => format!("{} = {sum}", (tx.lots_n)(s.total)),
        None => (tx.lots_n)(s.total),
    };
    let inner = pane(frame, area, Pane::Summary, ctx, &title);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let [left, mid, right] = Layout::horizontal([
        Constraint::Percentage(40),
        Constraint::Percentage(30),
        Constraint::Percentage(30),
    ])
    .areas(inner);

    // Tenge on the line, the display currency (if any) on the next; an
    // amount too wide for the column in full is abbreviated (`5,66 млрд ₸`),
    // and one too wide even so goes under its label: never cut.
    // Labels 22 wide, or as wide as the language's longest, so that an
    // amount after them has room (the amounts' labels alone: `lw`).
    let width_of = |labels: &[&str]| {
        labels
            .iter()
            .map(|l| l.chars().count() + 1)
            .max()
            .unwrap_or(22)
            .min(22)
    };
    let lw = width_of(&[tx.high_bids, tx.start_bonuses, tx.uplift]);
    let cw = width_of(&[tx.closing_10, tx.open_no_bid]).max(lw);
    // A blank column before the next breakdown.
    let room = usize::from(left.width).saturating_sub(lw + 1);
    let money = |label: &str, m: Money, suffix: String| -> Vec<Line<'static>> {
        // In full, else abbreviated, else without the percentage.
        let fits = |s: &String| s.chars().count() <= room;
        let amount = [
            format!("{}{suffix}", lang.money(m)),
            format!("{}{suffix}", lang.money_compact(m)),
            lang.money_compact(m),
        ]
        .into_iter()
        .find(fits);
        let (mut v, indent) = match amount {
            Some(a) => (
                vec![Line::from(vec![
                    Span::styled(format!("{label:<lw$}"), t.dim),
                    Span::raw(a),
                ])],
                lw,
            ),
            None => (
                vec![
                    Line::from(Span::styled(label.to_string(), t.dim)),
                    Line::from(format!("  {}", lang.money_compact(m))),
                ],
                2,
            ),
        };
        if let Some(c) = fx(app, m) {
            let mut conv = lang.converted(&c);
            if conv.chars().count() > usize::from(left.width).saturating_sub(indent + 1) {
                conv = lang.converted_compact(&c);
            }
            v.push(Line::from(format!("{:indent$}{conv}", "")));
        }
        v
    };
    let mut lines = vec![Line::from(Span::styled(tx.by_status, t.title))];
    let word_w = s
        .by_status
        .iter()
        .map(|(st, _)| status_word(st, tx).chars().count())
        .max()
        .unwrap_or(10)
        .max(10);
    for (status, n) in &s.by_status {
        let word = status_word(status, tx);
        lines.push(Line::from(format!("  {word:<word_w$} {n:>6}")));
    }
    lines.push(Line::from(""));
    lines.extend(money(tx.high_bids, s.high_sum, String::new()));
    lines.extend(money(tx.start_bonuses, s.start_sum, String::new()));
    let pct = s
        .uplift_percent()
        .map(|p| format!("  {}", lang.percent(&format!("{p:+}"))))
        .unwrap_or_default();
    lines.extend(money(tx.uplift, s.uplift(), pct));
    // Several sources: what each adds to the high bids (they sum them).
    for (i, g) in s.by_source.iter().enumerate() {
        let label = crate::domain::SourceId::nth(i).map_or("", |src| app.lots.source_label(src));
        lines.extend(money(&format!("  {label}"), g.high, String::new()));
    }
    if s.start_unknown > 0 {
        lines.push(Line::from(Span::styled(
            (tx.start_unknown)(s.start_unknown),
            t.warn,
        )));
    }
    lines.push(Line::from(""));
    let soon = ctx
        .now
        .map(|n| s.closing_soon(n).to_string())
        .unwrap_or_else(|| "—".into());
    lines.push(Line::from(vec![
        Span::styled(format!("{:<cw$}", tx.closing_10), t.dim),
        Span::styled(soon, t.warn),
    ]));
    lines.push(Line::from(vec![
        Span::styled(format!("{:<cw$}", tx.open_no_bid), t.dim),
        Span::raw(s.open_no_bid.to_string()),
    ]));
    paint::put_lines(frame.buffer_mut(), left, &lines);
    let buf = frame.buffer_mut();
    let mineral = |m: &str| lang.mineral(m).to_string();
    let region = |r: &str| lang.region_short(r).to_string();
    paint::put_lines(
        buf,
        mid,
        &breakdown(tx.by_mineral, &s.by_mineral, mid, ctx, &mineral),
    );
    paint::put_lines(
        buf,
        right,
        &breakdown(tx.by_region, &s.by_region, right, ctx, &region),
    );
}

/// Several sources: how the lot count sums them (`api 16 + sauda 4`);
/// None with one source.
pub(super) fn sources_sum(ctx: &Ctx<'_>) -> Option<String> {
    let s = ctx.app.summary.get();
    (s.by_source.len() > 1).then(|| {
        s.by_source
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let src = crate::domain::SourceId::nth(i)?;
                Some(format!("{} {}", ctx.app.lots.source_label(src), g.lots))
            })
            .collect::<Vec<_>>()
            .join(" + ")
    })
}

/// A breakdown's rows, names in the interface language (`name`).
fn breakdown<'a>(
    title: &'a str,
    rows: &[(String, Group)],
    area: Rect,
    ctx: &Ctx<'_>,
    name: &dyn Fn(&str) -> String,
) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(Span::styled(title, ctx.theme.title))];
    let high_w = 10 + usize::from(ctx.lang.compact_extra());
    let name_w = usize::from(area.width)
        .saturating_sub(8 + high_w)
        .clamp(4, 24);
    for (i, (key, g)) in rows
        .iter()
        .enumerate()
        .take(usize::from(area.height).saturating_sub(1))
    {
        // The folded row is the last of a full table.
        let folded = i + 1 == MAX_GROUPS && key == OTHER;
        let name = if folded {
            ctx.tx.other.to_string()
        } else {
            name(key)
        };
        let name: String = name.chars().take(name_w).collect();
        lines.push(Line::from(format!(
            "{name:<name_w$} {:>4} {:>high_w$}",
            g.lots,
            ctx.lang.money_compact(g.high)
        )));
    }
    lines
}
