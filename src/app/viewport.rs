//! How many rows each scrolling pane shows for a terminal size: the pure
//! arithmetic the state needs for paging and keeping the selection in view.
//! The view's drawing plan (`ui::layout`) is built from the same numbers, and
//! its tests check that the two agree.

use super::Pane;

/// Below this the monitor shows only a message asking for a larger terminal.
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 16;

pub const HEADER_H: u16 = 2;
pub const KEYBAR_H: u16 = 1;

pub fn big_enough(w: u16, h: u16) -> bool {
    w >= MIN_W && h >= MIN_H
}

/// Height of the lots pane for a body of `body_h` rows: a bit over half, and
/// about a third when one of the lower panes has the focus.
pub fn lots_height(body_h: u16, focus: Pane) -> u16 {
    let share = if focus == Pane::Lots { 11 } else { 7 };
    (body_h * share / 20).max(6).min(body_h)
}

fn body_height(h: u16) -> u16 {
    h.saturating_sub(HEADER_H + KEYBAR_H)
}

/// Lot rows visible in the lots pane (inside the borders, below the header row).
pub fn lots_rows((_w, h): (u16, u16), focus: Pane) -> usize {
    usize::from(lots_height(body_height(h), focus).saturating_sub(3))
}

/// Entries visible in the events pane.
pub fn events_rows((_w, h): (u16, u16), focus: Pane) -> usize {
    let body = body_height(h);
    usize::from(
        body.saturating_sub(lots_height(body, focus))
            .saturating_sub(2),
    )
}
