//! The view: draws the app state into a ratatui frame, a pure function of the
//! state, the key bindings and the monotonic clock reading passed in (turned
//! into server time by the app's clock). It does no I/O and its cost follows
//! the rows on screen, not the number of lots.

mod anomalies;
mod bids;
mod detail;
mod detail_site;
mod events;
mod fit;
mod fmt;
mod header;
mod help;
pub mod i18n;
mod keybar;
pub mod keys;
pub mod keyspec;
pub mod layout;
pub mod links;
mod lots;
mod paint;
pub mod plain;
pub use lots::sort_key_at;
pub mod mouse;
mod summary;
pub mod theme;
mod wallboard;

use crate::app::{App, Pane};
use crate::domain::Timestamp;
use crate::domain::clock::Mono;
use crate::ui::i18n::{Lang, Texts};
use keys::Keymap;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{BorderType, Paragraph, Wrap};
use theme::Theme;

/// What every pane draws from.
pub(crate) struct Ctx<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    pub keys: &'a Keymap,
    /// The interface language and its texts.
    pub lang: Lang,
    pub tx: &'static Texts,
    /// Server time now; None before the first clock sample.
    pub now: Option<Timestamp>,
    /// The monotonic reading the frame is drawn for (row flashes).
    pub mono: Mono,
}

/// What the view draws with besides the state: the key bindings (shown in
/// the help and the key bar), the theme and the interface language.
#[derive(Clone, Debug)]
pub struct View {
    pub keys: Keymap,
    pub theme: Theme,
    pub lang: Lang,
}

impl Default for View {
    /// The default bindings, the terminal's own colours, English.
    fn default() -> Self {
        View::in_lang(Lang::En)
    }
}

impl View {
    /// The defaults in another language.
    pub fn in_lang(lang: Lang) -> View {
        View {
            keys: Keymap::default(),
            theme: Theme::terminal(),
            lang,
        }
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, now: Mono, view: &View) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let (keys, theme, lang) = (&view.keys, &view.theme, view.lang);
    if !layout::big_enough(area.width, area.height) {
        too_small(frame, area, theme, lang.texts());
        return;
    }
    let ctx = Ctx {
        app,
        theme,
        keys,
        lang,
        tx: lang.texts(),
        now: app.server_now(now),
        mono: now,
    };
    if app.layouts().current().arrangement == crate::app::screens::Arrangement::Wallboard {
        wallboard::draw(frame, area, &ctx);
        if app.help {
            help::draw(frame, area, &ctx);
        }
        return;
    }
    let plan = layout::plan_for(area, app);
    header::draw(frame, plan.header, &ctx);
    if !plan.lots.is_empty() {
        lots::draw(frame, plan.lots, &ctx);
    }
    if let Some(r) = plan.detail {
        detail::draw(frame, r, &ctx);
    }
    if let Some(r) = plan.bids {
        bids::draw(frame, r, &ctx);
    }
    if let Some(r) = plan.events {
        events::draw(frame, r, &ctx);
    }
    if let Some(r) = plan.summary {
        summary::draw(frame, r, &ctx);
    }
    if let Some(r) = plan.anomalies {
        anomalies::draw(frame, r, &ctx);
    }
    keybar::draw(frame, plan.keybar, &ctx);
    if let Some(note) = app.config_note() {
        // In the key bar's place until the file is fixed.
        paint::put_str(
            frame.buffer_mut(),
            plan.keybar.x,
            plan.keybar.y,
            plan.keybar.right(),
            &" ".repeat(usize::from(plan.keybar.width)),
            theme.bad,
        );
        paint::put_str(
            frame.buffer_mut(),
            plan.keybar.x,
            plan.keybar.y,
            plan.keybar.right(),
            &format!(" {note}"),
            theme.bad,
        );
    }
    if app.help {
        help::draw(frame, area, &ctx);
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme, tx: &Texts) {
    let msg = vec![
        Line::from(Span::styled(tx.too_small, theme.title)),
        Line::from((tx.needs_size)(layout::MIN_W, layout::MIN_H)),
        Line::from((tx.now_size)(area.width, area.height)),
    ];
    let h = (msg.len() as u16).min(area.height);
    let y = area.y + (area.height - h) / 2;
    let r = Rect::new(area.x, y, area.width, h);
    frame.render_widget(
        Paragraph::new(msg)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

/// The frame of a pane: the focused one has a thick, coloured border and an
/// inverted title with a ▶ marker, so it is unmistakable without colour too.
/// `extra` follows the pane's name in the title. Returns the area inside.
pub(crate) fn pane(frame: &mut Frame, area: Rect, pane: Pane, ctx: &Ctx<'_>, extra: &str) -> Rect {
    let focused = ctx.app.focus == pane;
    let (num, name) = (pane.number(), (ctx.tx.pane)(pane));
    let mut title = if focused {
        vec![Span::styled(
            format!("▶ {num} {name} "),
            ctx.theme.focus_title,
        )]
    } else {
        vec![Span::styled(format!(" {num} {name} "), ctx.theme.title)]
    };
    if !extra.is_empty() {
        title.push(Span::styled(format!(" {extra} "), ctx.theme.dim));
    }
    let (kind, style) = if focused {
        (BorderType::Thick, ctx.theme.focus_border)
    } else {
        (BorderType::Plain, ctx.theme.border)
    };
    paint::bordered(frame.buffer_mut(), area, kind, style, &Line::from(title))
}
