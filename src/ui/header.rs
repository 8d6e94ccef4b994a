//! The header: auction title and venue, the connection badge, server time in
//! Astana, the display currency and the rate in use (source, date, age,
//! staleness, fallback), and the clock skew when it is large.

use super::Ctx;
use super::paint;
use crate::domain::Currency;
use crate::domain::LinkState;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Columns the title keeps before the link's cause goes in the header.
const MIN_TITLE: usize = 24;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let app = ctx.app;
    let tx = ctx.tx;
    let rows = [
        Rect { height: 1, ..area },
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1).min(1),
            ..area
        },
    ];

    // Line 1: badges and clock on the right, title on the left in what remains.
    let mut right: Vec<Span> = Vec::new();
    if app.opts.insecure {
        right.push(Span::styled(format!(" {} ", tx.insecure), t.bad));
        right.push(Span::raw(" "));
    }
    if app.journal().unencrypted {
        right.push(Span::styled(format!(" {} ", tx.journal_unencrypted), t.bad));
        right.push(Span::raw(" "));
    }
    if app.opts.demo {
        right.push(Span::styled(format!(" {} ", tx.demo), t.demo));
        right.push(Span::raw(" "));
    }
    if let Some(r) = &app.replay {
        let at = r
            .server_at
            .map(|a| ctx.lang.datetime(a))
            .unwrap_or_else(|| "—".into());
        let state = if r.paused {
            format!(" ⏸ {}", tx.paused)
        } else {
            String::new()
        };
        right.push(Span::styled(
            format!(
                " {} {}/{} · {at} · ×{}{state} ",
                tx.replay, r.position, r.total, r.speed
            ),
            t.demo,
        ));
        right.push(Span::raw(" "));
    }
    if let Some(f) = &app.following {
        let [label, last, ago, _, _, stale] = tx.following;
        let age = f
            .age_s
            .map(|s| format!(" · {last} {s} s {ago}"))
            .unwrap_or_default();
        let state = if f.stale {
            format!(" · {stale}")
        } else {
            String::new()
        };
        right.push(Span::styled(
            format!(" {label}{age} · {}{state} ", (tx.writers_n)(f.writers)),
            if f.stale { t.bad } else { t.demo },
        ));
        right.push(Span::raw(" "));
    }
    // The journal failing (or having lost records) is never silent.
    if let Some(badge) = journal_badge(app, tx) {
        right.push(Span::styled(
            format!(" {badge} "),
            t.bad.add_modifier(ratatui::style::Modifier::REVERSED),
        ));
        right.push(Span::raw(" "));
    } else if app.journal().connecting {
        right.push(Span::styled(format!(" {} ", tx.journal_connecting), t.info));
        right.push(Span::raw(" "));
    }
    // A replay has no link to show; a follower's is its FOLLOWING badge
    // (a live dot beside STALE would contradict it).
    // Several sources: one badge each, named by the Source column's label.
    let several = app.sources().len() > 1;
    if app.replay.is_none() && app.following.is_none() && several {
        for (i, s) in app.sources().iter().enumerate() {
            if i > 0 {
                right.push(Span::raw(" "));
            }
            let (badge, style) = link_badge(&s.link, t, tx);
            right.push(Span::styled(format!(" {} {badge} ", s.name.label), style));
        }
    } else if app.replay.is_none() && app.following.is_none() {
        let (badge, style) = link_badge(&app.link, t, tx);
        right.push(Span::styled(format!(" {badge} "), style));
    }
    let clock = ctx
        .now
        .map(|n| n.astana_hms())
        .unwrap_or_else(|| "--:--:--".into());
    right.push(Span::raw(" "));
    right.push(Span::styled(clock, t.title));
    right.push(Span::styled(format!(" {} ", tx.astana), t.dim));
    // Why the link failed, beside its badge when that leaves the title
    // some room (the lots pane always says it).
    let causes: Vec<String> = if several {
        app.sources()
            .iter()
            .filter_map(|s| {
                let c = s.link.cause()?;
                Some(format!(" {}: {} ", s.name.label, (tx.link_cause)(c)))
            })
            .collect()
    } else {
        app.link
            .cause()
            .map(|c| format!(" {} ", (tx.link_cause)(c)))
            .into_iter()
            .collect()
    };
    if app.replay.is_none() && app.following.is_none() {
        for text in causes {
            let used: usize = right.iter().map(|s| s.width()).sum();
            if used + unicode_width::UnicodeWidthStr::width(text.as_str()) + MIN_TITLE
                <= usize::from(area.width)
            {
                let at = right.len() - 3;
                right.insert(at, Span::styled(text, t.bad));
            }
        }
    }
    // Too wide (a journal badge on a narrow terminal): the clock gives way.
    let width: usize = right.iter().map(|s| s.width()).sum();
    if width > usize::from(area.width) && right.len() > 3 {
        right.truncate(right.len() - 3);
    }
    let right = Line::from(right);
    let rw = (right.width() as u16).min(area.width);
    let left = match &app.auction {
        Some(a) if crate::domain::lot::is_site_auction(&a.id) => {
            let st = ctx.lang.site();
            let age = match (ctx.now, app.data_at()) {
                (Some(now), Some(at)) => (st.list_read)(&ctx.lang.age(at.until(now))),
                _ => st.list_not_read.to_string(),
            };
            Line::from(vec![
                Span::styled(format!(" {}", a.venue), t.title),
                Span::styled(format!(" · {age}"), t.dim),
            ])
        }
        Some(a) => Line::from(vec![
            Span::styled(format!(" {}", a.title), t.title),
            Span::styled(format!(" · {}", ctx.lang.venue(&a.venue)), t.dim),
        ]),
        None => Line::from(Span::styled(format!(" {}", tx.waiting_auction), t.dim)),
    };
    let [l, r] = split_right(rows[0], rw);
    paint::put_line(frame.buffer_mut(), l, &left, Alignment::Left);
    paint::put_line(frame.buffer_mut(), r, &right, Alignment::Right);

    // Line 2: currency and rate on the left; skew, issues and feed position right.
    let mut left: Vec<Span> = vec![Span::styled(format!(" {} ", tx.currency), t.dim)];
    left.push(Span::styled(
        if app.currency == Currency::Kzt {
            "₸ KZT".to_string()
        } else {
            format!("₸ + {}", app.currency.code())
        },
        t.key,
    ));
    left.extend(rate_spans(ctx));
    let mut right: Vec<Span> = Vec::new();
    if let (Some(skew), Some(unc)) = (app.clock.offset_ms(), app.clock.uncertainty_ms())
        && skew.unsigned_abs() > app.opts.skew_threshold_ms
    {
        right.push(Span::styled(
            format!(
                " {} {} ±{}",
                tx.clock_skew,
                ctx.lang.seconds(skew, 1, true),
                ctx.lang.seconds(unc as i64, 2, false)
            ),
            t.warn,
        ));
    }
    // A delivery channel failing: `✉ mail: connection refused · 3 waiting`.
    for d in &app.delivery().troubles {
        right.push(Span::styled(
            format!(" ✉ {}", crate::ui::i18n::alerts::trouble(ctx.lang, d)),
            t.bad,
        ));
    }
    if app.anomaly_count > 0 {
        let n = app.anomaly_count;
        right.push(Span::styled(format!(" {}", (tx.anomalies_n)(n)), t.bad));
    }
    if !app.issues.is_empty() {
        right.push(Span::styled(
            format!(" {}", (tx.data_issues_n)(app.issues.len())),
            t.bad,
        ));
    }
    // A web site has no feed position to show.
    if app
        .auction
        .as_ref()
        .is_none_or(|a| !crate::domain::lot::is_site_auction(&a.id))
    {
        right.push(Span::styled(
            format!(" {} {} ", tx.feed_seq, app.feed_seq),
            t.dim,
        ));
    }
    let right = Line::from(right);
    let rw = (right.width() as u16).min(area.width / 2);
    let [l, r] = split_right(rows[1], rw);
    paint::put_line(frame.buffer_mut(), l, &Line::from(left), Alignment::Left);
    paint::put_line(frame.buffer_mut(), r, &right, Alignment::Right);
}

fn split_right(area: Rect, right_w: u16) -> [Rect; 2] {
    let rw = right_w.min(area.width);
    [
        Rect {
            width: area.width - rw,
            ..area
        },
        Rect {
            x: area.x + area.width - rw,
            width: rw,
            ..area
        },
    ]
}

fn link_badge(
    link: &LinkState,
    t: &super::theme::Theme,
    tx: &crate::ui::i18n::Texts,
) -> (String, Style) {
    let inv = |s: Style| s.add_modifier(ratatui::style::Modifier::REVERSED);
    match link {
        LinkState::Connecting => (tx.connecting.into(), inv(t.info)),
        LinkState::Live => (tx.live.into(), inv(t.good)),
        LinkState::Retrying { attempt, .. } => (format!("{} {attempt}", tx.retrying), inv(t.warn)),
        LinkState::Offline { since, .. } => ((tx.offline)(&since.astana_hms()), inv(t.bad)),
    }
}

/// `JOURNAL ✖ disk full · 132 events not recorded since 10:32` while the
/// journal fails; `JOURNAL ✖ 40 events lost` after, when records were lost.
fn journal_badge(app: &crate::app::App, tx: &crate::ui::i18n::Texts) -> Option<String> {
    let h = app.journal();
    match &h.failing {
        Some(f) => {
            let hms = f.since.astana_hms();
            let since = hms.get(..5).unwrap_or(&hms);
            Some((tx.journal_failing)(
                &(tx.journal_cause)(&f.cause),
                h.events_at_stake(),
                h.records_at_stake(),
                since,
            ))
        }
        None if h.lost_records > 0 => Some((tx.journal_lost)(h.lost_events, h.lost_records)),
        None => None,
    }
}

fn rate_spans<'a>(ctx: &Ctx<'_>) -> Vec<Span<'a>> {
    let t = ctx.theme;
    let app = ctx.app;
    let (tx, lang) = (ctx.tx, ctx.lang);
    let Some(table) = &app.rates else {
        return vec![Span::styled(format!(" · {}", tx.no_rates), t.dim)];
    };
    let mut out = Vec::new();
    let shown = if app.currency == Currency::Kzt {
        table
            .rates
            .iter()
            .find(|(c, _)| **c != Currency::Kzt)
            .map(|(c, r)| (*c, *r))
    } else {
        table.get(app.currency).map(|r| (app.currency, r))
    };
    match shown {
        Some((c, r)) => out.push(Span::raw(format!(
            " · 1 {} = {} ₸",
            c.code(),
            lang.decimal(r.0)
        ))),
        None => out.push(Span::styled(
            format!(" · {}", (tx.no_rate)(app.currency.code())),
            t.warn,
        )),
    }
    let source = (tx.rate_source)(&table.source);
    let date = table
        .date
        .map(|d| lang.date(d))
        .unwrap_or_else(|| tx.no_date.into());
    out.push(Span::styled(format!(" · {source} {date}"), t.dim));
    if let Some(now) = ctx.now {
        out.push(Span::styled(
            format!(
                " · {}",
                (tx.read_ago)(&lang.age(table.fetched_at.until(now)))
            ),
            t.dim,
        ));
    }
    let auction_day = app.auction.as_ref().and_then(|a| a.starts_at.astana_date());
    if let (Some(d), Some(day)) = (table.date, auction_day)
        && d < day
    {
        out.push(Span::styled(format!(" {}", tx.stale), t.warn));
    }
    if let Some(why) = &table.fallback {
        let why = (tx.fallback_why)(why);
        out.push(Span::styled(format!(" · {}: {why}", tx.fallback), t.warn));
    }
    out
}
