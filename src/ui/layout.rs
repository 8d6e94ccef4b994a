//! Where each pane goes for a terminal size: the drawing plan. The row
//! counts it must agree with are the app's (`app::viewport`).

use crate::app::screens::{Arrangement, MIN_LOWER_W, PaneSpec};
use crate::app::viewport::{HEADER_H, KEYBAR_H, lots_height};
pub use crate::app::viewport::{MIN_H, MIN_W, big_enough, events_rows, lots_rows};
use crate::app::{App, Pane};
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

    fn set(&mut self, p: Pane, r: Rect) {
        match p {
            Pane::Lots => self.lots = r,
            Pane::Detail => self.detail = Some(r),
            Pane::Bids => self.bids = Some(r),
            Pane::Events => self.events = Some(r),
            Pane::Summary => self.summary = Some(r),
            Pane::Anomalies => self.anomalies = Some(r),
        }
    }
}

/// The plan of the layout in force (the wall-board has no panes: its plan
/// is empty, so no click lands on one).
pub fn plan_for(area: Rect, app: &App) -> Plan {
    match &app.layouts().current().arrangement {
        Arrangement::Standard => plan(area, app.focus(), app.last_side),
        Arrangement::Panes(spec) => plan_panes(area, spec, app.focus()),
        Arrangement::Wallboard => Plan {
            header: Rect::default(),
            lots: Rect::default(),
            detail: None,
            bids: None,
            events: None,
            summary: None,
            anomalies: None,
            keybar: Rect::default(),
        },
    }
}

/// A pane layout: the first pane across the top, the others side by side
/// below it as many as fit `MIN_LOWER_W`, a window of them that holds the
/// focused one. A focused pane the layout does not name takes the lower area.
fn plan_panes(area: Rect, spec: &PaneSpec, focus: Pane) -> Plan {
    let [header, body, keybar] = Layout::vertical([
        Constraint::Length(HEADER_H),
        Constraint::Min(0),
        Constraint::Length(KEYBAR_H),
    ])
    .areas(area);
    let (top_h, _) = spec.heights(body.height, focus);
    let [top, lower] =
        Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(body);
    let mut plan = Plan {
        header,
        lots: Rect::default(),
        detail: None,
        bids: None,
        events: None,
        summary: None,
        anomalies: None,
        keybar,
    };
    if let Some(&(first, _)) = spec.panes.first() {
        plan.set(first, top);
    }
    if !spec.has(focus) {
        plan.set(focus, lower);
        return plan;
    }
    let rest = spec.panes.get(1..).unwrap_or(&[]);
    if rest.is_empty() || lower.height == 0 {
        return plan;
    }
    let fit = usize::from((lower.width / MIN_LOWER_W).max(1)).min(rest.len());
    let fi = rest.iter().position(|(p, _)| *p == focus).unwrap_or(0);
    let start = if fi < fit { 0 } else { fi + 1 - fit };
    let shown = &rest[start..start + fit];
    let rects = Layout::horizontal(shown.iter().map(|&(_, w)| Constraint::Fill(w))).split(lower);
    for (&(p, _), r) in shown.iter().zip(rects.iter()) {
        plan.set(p, *r);
    }
    plan
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
    fn pane_layouts_inside_the_screen_disjoint_and_agree_with_the_app() {
        use crate::app::screens::{Layout as L, pane_height};
        let mine = L::user("mine", &["bids".into(), "lots".into()], &[30, 1]).unwrap();
        let solo = L::user("solo", &["lots".into()], &[100]).unwrap();
        let layouts = ["bidder", "official"]
            .iter()
            .filter_map(|n| L::built_in(n))
            .chain([mine, solo]);
        for l in layouts {
            let Arrangement::Panes(spec) = &l.arrangement else {
                panic!("{} is a pane layout", l.name)
            };
            for (w, h) in [(60, 16), (80, 24), (120, 40), (160, 45), (400, 120)] {
                for focus in Pane::ALL {
                    let area = Rect::new(0, 0, w, h);
                    let p = plan_panes(area, spec, focus);
                    let rects: Vec<Rect> = Pane::ALL
                        .iter()
                        .filter_map(|&q| p.rect(q))
                        .filter(|r| !r.is_empty())
                        .collect();
                    assert!(
                        p.rect(focus).is_some_and(|r| !r.is_empty()),
                        "{}: {w}x{h} hides {focus:?}",
                        l.name
                    );
                    for (i, a) in rects.iter().enumerate() {
                        assert!(a.right() <= w && a.bottom() <= h);
                        for b in &rects[i + 1..] {
                            assert!(!a.intersects(*b), "{w}x{h}: {a:?} overlaps {b:?}");
                        }
                    }
                    for q in [Pane::Lots, Pane::Events, Pane::Anomalies] {
                        let drawn = p.rect(q).map_or(0, |r| r.height);
                        if drawn > 0 {
                            assert_eq!(
                                drawn,
                                pane_height(&l.arrangement, (w, h), q, focus),
                                "{} {q:?}",
                                l.name
                            );
                        }
                    }
                }
            }
        }
    }

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
