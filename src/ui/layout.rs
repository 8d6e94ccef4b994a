//! Where each pane goes for a terminal size: the drawing plan. The row
//! counts it must agree with are the app's (`app::viewport`).

use crate::app::Pane;
use crate::app::viewport::{HEADER_H, KEYBAR_H, lots_height};
pub use crate::app::viewport::{MIN_H, MIN_W, big_enough, events_rows, lots_rows};
use ratatui::layout::{Constraint, Layout, Rect};

/// The rectangles of one frame. A pane that does not fit at this width is
/// None (narrow terminals show one of the lower panes at a time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub header: Rect,
    pub lots: Rect,
    pub detail: Option<Rect>,
    pub bids: Option<Rect>,
    pub events: Option<Rect>,
    /// The summary takes the whole lower area while it has the focus.
    pub summary: Option<Rect>,
    /// In the events pane's place while the anomalies pane has the focus.
    pub anomalies: Option<Rect>,
    pub keybar: Rect,
}

impl Plan {
    pub fn rect(&self, p: Pane) -> Option<Rect> {
        match p {
            Pane::Lots => Some(self.lots),
            Pane::Detail => self.detail,
            Pane::Bids => self.bids,
            Pane::Events => self.events,
            Pane::Summary => self.summary,
            Pane::Anomalies => self.anomalies,
        }
    }
}

/// How many lower panes fit side by side at this width.
fn slots(w: u16) -> usize {
    if w >= 150 {
        3
    } else if w >= 100 {
        2
    } else {
        1
    }
}

/// Lays out the screen. `side` is the one of detail/bids shown when only one
/// fits; a focused lower pane is always shown.
pub fn plan(area: Rect, focus: Pane, side: Pane) -> Plan {
    if focus == Pane::Anomalies {
        let p = plan(area, Pane::Events, side);
        return Plan {
            events: None,
            anomalies: p.events,
            ..p
        };
    }
    let [header, body, keybar] = Layout::vertical([
        Constraint::Length(HEADER_H),
        Constraint::Min(0),
        Constraint::Length(KEYBAR_H),
    ])
    .areas(area);
    let [lots, lower] = Layout::vertical([
        Constraint::Length(lots_height(body.height, focus)),
        Constraint::Min(0),
    ])
    .areas(body);
    if focus == Pane::Summary {
        return Plan {
            header,
            lots,
            detail: None,
            bids: None,
            events: None,
            anomalies: None,
            summary: Some(lower),
            keybar,
        };
    }
    let side = match focus {
        Pane::Detail | Pane::Bids => focus,
        _ => side,
    };
    let (detail, bids, events) = match slots(area.width) {
        3 => {
            let [d, b, e] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(lower);
            (Some(d), Some(b), Some(e))
        }
        2 => {
            let [s, e] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(lower);
            if side == Pane::Bids {
                (None, Some(s), Some(e))
            } else {
                (Some(s), None, Some(e))
            }
        }
        _ => match if focus == Pane::Events {
            Pane::Events
        } else {
            side
        } {
            Pane::Events => (None, None, Some(lower)),
            Pane::Bids => (None, Some(lower), None),
            _ => (Some(lower), None, None),
        },
    };
    Plan {
        header,
        lots,
        detail,
        bids,
        events,
        summary: None,
        anomalies: None,
        keybar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pane_inside_the_screen_and_disjoint() {
        for (w, h) in [(60, 16), (80, 24), (120, 40), (200, 50), (400, 120)] {
            for focus in Pane::ALL {
                let area = Rect::new(0, 0, w, h);
                let p = plan(area, focus, Pane::Detail);
                let rects: Vec<Rect> = Pane::ALL.iter().filter_map(|&q| p.rect(q)).collect();
                assert!(
                    p.rect(focus).is_some(),
                    "{w}x{h} hides the focused {focus:?}"
                );
                for (i, a) in rects.iter().enumerate() {
                    assert!(area.contains(a.as_position()) && a.right() <= w && a.bottom() <= h);
                    for b in &rects[i + 1..] {
                        assert!(!a.intersects(*b), "{w}x{h}: {a:?} overlaps {b:?}");
                    }
                }
                assert_eq!(
                    usize::from(p.lots.height.saturating_sub(3)),
                    lots_rows((w, h), focus)
                );
                if let Some(e) = p.events {
                    assert_eq!(
                        usize::from(e.height.saturating_sub(2)),
                        events_rows((w, h), focus)
                    );
                }
            }
        }
    }
}
