//! The key bar at the bottom: the keys of the focused pane (or of the filter
//! line / help), dropping items from the end as the terminal narrows, and at
//! the right the mouse key with the capture state.

use super::Ctx;
use super::keys::{bar_actions, fixed_label};
use super::paint;
use crate::app::{Action, Mode};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let mode = ctx.app.mode();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0usize;
    let mut width = usize::from(area.width);
    let mouse = match (mode, ctx.keys.short_label(Action::ToggleMouse)) {
        (Mode::Normal, Some(key)) => {
            let (desc, style) = if ctx.app.mouse() {
                (ctx.tx.mouse_on, t.dim)
            } else {
                (ctx.tx.mouse_off, t.warn)
            };
            let spans = vec![
                Span::styled(format!(" {key}"), t.key),
                Span::styled(format!(" {desc} "), style),
            ];
            let w = key.chars().count() + desc.chars().count() + 3;
            (w <= width).then_some((spans, w))
        }
        _ => None,
    };
    if let Some((_, w)) = &mouse {
        width -= w;
    }
    if mode == Mode::Filter {
        let lead = format!(" {} ", ctx.tx.type_to_filter);
        used += lead.chars().count();
        spans.push(Span::styled(lead, t.dim));
    }
    for &a in bar_actions(ctx.app.focus, mode) {
        let key = match mode {
            Mode::Normal => ctx.keys.short_label(a),
            _ => fixed_label(a),
        };
        let Some(key) = key else { continue };
        let desc = (ctx.tx.action)(a);
        let item_w = key.chars().count() + desc.chars().count() + 3;
        if used + item_w > width {
            break;
        }
        used += item_w;
        spans.push(Span::styled(format!(" {key}"), t.key));
        spans.push(Span::styled(format!(" {desc} "), t.dim));
    }
    let Some((mouse, w)) = mouse else {
        paint::put_line(
            frame.buffer_mut(),
            area,
            &Line::from(spans),
            Alignment::Left,
        );
        return;
    };
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(w as u16)]).areas(area);
    paint::put_line(
        frame.buffer_mut(),
        left,
        &Line::from(spans),
        Alignment::Left,
    );
    paint::put_line(
        frame.buffer_mut(),
        right,
        &Line::from(mouse),
        Alignment::Left,
    );
}
