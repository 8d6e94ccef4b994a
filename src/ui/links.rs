//! Hyperlinks of a frame: the cells of each lot number on screen whose lot
//! has a page (a web-site source), with that page's URL. The view itself
//! draws plain text; the shell wraps these cells in OSC 8 after the frame,
//! where the terminal is known to support it (`shell/hyperlinks.rs`).

use super::layout;
use super::lots::Geometry;
use crate::app::{App, Mode, Pane};
use crate::ui::i18n::Lang;
use ratatui::layout::Rect;

/// Hyperlinks a frame shows at most (a pane's rows).
const MAX_LINKS: usize = 512;

/// A run of cells on screen that links to `url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hyperlink {
    pub area: Rect,
    pub url: String,
}

/// The hyperlinks of the frame drawn in `area` (the whole screen).
pub fn hyperlinks(app: &App, area: Rect, lang: Lang) -> Vec<Hyperlink> {
    if !layout::big_enough(area.width, area.height) || app.mode() == Mode::Help {
        return Vec::new();
    }
    let plan = layout::plan_for(area, app);
    let Some(r) = plan.rect(Pane::Lots) else {
        return Vec::new();
    };
    let Some(g) = Geometry::of(app, r, lang) else {
        return Vec::new();
    };
    g.number_cells(app)
        .into_iter()
        .filter_map(|(area, lot)| {
            let url = &lot.site.as_deref()?.url;
            // Only web addresses, printable, short: the URL was built by
            // the client from the user's base URL and a digits-only id.
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 512
                && url.bytes().all(|b| (0x21..0x7f).contains(&b));
            ok.then(|| Hyperlink {
                area,
                url: url.clone(),
            })
        })
        .take(MAX_LINKS)
        .collect()
}
