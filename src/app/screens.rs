//! The screen each user chooses: the layouts (built in, and the user's own
//! `[layout.NAME]` tables) and the lots pane's columns. The state holds the
//! choice because paging needs the height of each pane (`viewport`), and the
//! mouse and the view compute their geometry from the state alone; the view
//! draws from it (`ui::layout`, `ui::lots`, `ui::wallboard`).

use super::Pane;
use super::viewport::{HEADER_H, KEYBAR_H, lots_height};

/// The built-in layouts, in the order the layout key cycles through them
/// (the user's own follow, by name).
pub const BUILT_IN: [&str; 4] = ["default", "bidder", "official", "wallboard"];

/// A lower pane narrower than this is not shown beside the others: the
/// focused one (else the first) takes the room.
pub const MIN_LOWER_W: u16 = 48;

/// The smallest and largest share of the height the top pane takes.
const TOP_SHARE: std::ops::RangeInclusive<u16> = 10..=90;

/// How a layout places the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arrangement {
    /// The screen lotwatch always had: lots over detail, bids and events,
    /// the summary and anomalies in the lower area while focused.
    Standard,
    /// The first pane across the top, the others side by side below it.
    Panes(PaneSpec),
    /// The supervision room's big screen: no key bar, the lots closing
    /// soonest in big digits, the others paged.
    Wallboard,
}

/// The panes of a layout with their sizes: the first pane's size is its
/// percent of the height; the others' are their relative widths below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaneSpec {
    pub panes: Vec<(Pane, u16)>,
}

impl PaneSpec {
    pub fn has(&self, p: Pane) -> bool {
        self.panes.iter().any(|(q, _)| *q == p)
    }

    /// The heights of the top pane and of the area below it, in a body of
    /// `body_h` rows, with `focus` focused (a focused pane the layout does
    /// not name takes the lower area).
    pub fn heights(&self, body_h: u16, focus: Pane) -> (u16, u16) {
        let share = match self.panes.first() {
            Some(&(_, s)) if self.panes.len() > 1 => s,
            _ if !self.has(focus) => 50,
            _ => 100,
        };
        let top = (u32::from(body_h) * u32::from(share) / 100) as u16;
        let top = top.max(6).min(body_h);
        (top, body_h - top)
    }

    /// The height of pane `p` (0: not on screen).
    fn height_of(&self, p: Pane, body_h: u16, focus: Pane) -> u16 {
        let (top, lower) = self.heights(body_h, focus);
        match self.panes.first() {
            Some(&(q, _)) if q == p => top,
            _ if self.has(p) || p == focus => lower,
            _ => 0,
        }
    }
}

/// One layout the user can pick by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub name: String,
    pub arrangement: Arrangement,
}

impl Layout {
    /// A built-in layout by name.
    pub fn built_in(name: &str) -> Option<Layout> {
        use Pane::*;
        let arrangement = match name {
            "default" => Arrangement::Standard,
            "bidder" => Arrangement::Panes(PaneSpec {
                panes: vec![(Lots, 60), (Detail, 55), (Bids, 45)],
            }),
            "official" => Arrangement::Panes(PaneSpec {
                panes: vec![(Lots, 50), (Summary, 50), (Anomalies, 25), (Events, 25)],
            }),
            "wallboard" => Arrangement::Wallboard,
            _ => return None,
        };
        Some(Layout {
            name: name.to_string(),
            arrangement,
        })
    }

    /// A user's `[layout.NAME]`: its panes by name, top first, and one size
    /// for each (the first: percent of the height; the others: relative
    /// widths). The error says what is wrong and what is expected.
    pub fn user(name: &str, panes: &[String], sizes: &[u16]) -> Result<Layout, String> {
        if BUILT_IN.contains(&name) {
            return Err(format!(
                "layout {name:?} is built in: give yours another name"
            ));
        }
        if panes.is_empty() {
            return Err(format!(
                "layout {name:?} has no panes: expected some of {}",
                pane_names().join(", ")
            ));
        }
        if panes.len() != sizes.len() {
            return Err(format!(
                "layout {name:?} has {} panes but {} sizes: give one size per pane",
                panes.len(),
                sizes.len()
            ));
        }
        let mut out: Vec<(Pane, u16)> = Vec::with_capacity(panes.len());
        for (i, (p, &s)) in panes.iter().zip(sizes).enumerate() {
            let pane = pane_by_name(p).ok_or_else(|| {
                format!(
                    "layout {name:?}: unknown pane {p:?}, expected one of {}",
                    pane_names().join(", ")
                )
            })?;
            if out.iter().any(|(q, _)| *q == pane) {
                return Err(format!("layout {name:?}: pane {p:?} is named twice"));
            }
            if i == 0 && panes.len() > 1 && !TOP_SHARE.contains(&s) {
                return Err(format!(
                    "layout {name:?}: the first size ({s}) is the top pane's percent of the height: expected {} to {}",
                    TOP_SHARE.start(),
                    TOP_SHARE.end()
                ));
            }
            if s == 0 || s > 100 {
                return Err(format!(
                    "layout {name:?}: size {s} of {p:?}: expected 1 to 100"
                ));
            }
            out.push((pane, s));
        }
        Ok(Layout {
            name: name.to_string(),
            arrangement: Arrangement::Panes(PaneSpec { panes: out }),
        })
    }
}

/// The pane names of layouts, in `Pane::ALL` order.
fn pane_names() -> Vec<&'static str> {
    Pane::ALL.iter().map(|&p| pane_name(p)).collect()
}

fn pane_name(p: Pane) -> &'static str {
    match p {
        Pane::Lots => "lots",
        Pane::Detail => "detail",
        Pane::Bids => "bids",
        Pane::Events => "events",
        Pane::Anomalies => "anomalies",
        Pane::Summary => "summary",
    }
}

fn pane_by_name(s: &str) -> Option<Pane> {
    Pane::ALL.into_iter().find(|&p| pane_name(p) == s)
}

/// The layouts to cycle through and the one in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layouts {
    list: Vec<Layout>,
    at: usize,
}

impl Default for Layouts {
    fn default() -> Self {
        Layouts {
            list: BUILT_IN
                .iter()
                .filter_map(|n| Layout::built_in(n))
                .collect(),
            at: 0,
        }
    }
}

impl Layouts {
    /// The built-in layouts and the user's (in that order), with `chosen`
    /// in force (None: the default one). An unknown name is an error that
    /// lists the known ones.
    pub fn new(user: Vec<Layout>, chosen: Option<&str>) -> Result<Layouts, String> {
        let mut l = Layouts::default();
        l.list.extend(user);
        if let Some(name) = chosen {
            l.at = l.position(name).ok_or_else(|| {
                format!(
                    "unknown layout {name:?}, expected one of {}",
                    l.names().join(", ")
                )
            })?;
        }
        Ok(l)
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|l| l.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.list.iter().map(|l| l.name.as_str()).collect()
    }

    pub fn current(&self) -> &Layout {
        // `list` always holds the built-in ones.
        &self.list[self.at.min(self.list.len() - 1)]
    }

    /// The next layout (after the last, the first).
    pub fn cycle(&mut self) {
        self.at = (self.at + 1) % self.list.len().max(1);
    }
}

/// The heights of the scrolling panes for a terminal size: the numbers
/// paging uses, and the view's plan agrees with (its tests check it).
pub fn pane_height(arr: &Arrangement, (_w, h): (u16, u16), p: Pane, focus: Pane) -> u16 {
    let body = h.saturating_sub(HEADER_H + KEYBAR_H);
    match arr {
        Arrangement::Standard | Arrangement::Wallboard => match p {
            Pane::Lots => lots_height(body, focus),
            _ => body.saturating_sub(lots_height(body, focus)),
        },
        Arrangement::Panes(spec) => spec.height_of(p, body, focus),
    }
}

/// The lots pane's columns the user can name (`[columns] lots = [...]`):
/// the sort names and the columns only shown. The cursor and marks column
/// always comes first and is not named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Number,
    Name,
    Region,
    Minerals,
    License,
    Status,
    HighBid,
    /// The high bid in the display currency (`c` cycles it).
    HighFx,
    /// The high bid in US dollars, whatever the display currency.
    HighUsd,
    NextMin,
    Bids,
    Leader,
    TimeLeft,
    Extensions,
    /// When the lot closes (server time, Astana).
    Deadline,
    StartBonus,
    Guarantee,
    Participants,
    /// Which source the lot came from (shown by itself with several).
    Source,
}

impl Column {
    pub const ALL: [Column; 19] = [
        Column::Number,
        Column::Name,
        Column::Region,
        Column::Minerals,
        Column::License,
        Column::Status,
        Column::HighBid,
        Column::HighFx,
        Column::HighUsd,
        Column::NextMin,
        Column::Bids,
        Column::Leader,
        Column::TimeLeft,
        Column::Extensions,
        Column::Deadline,
        Column::StartBonus,
        Column::Guarantee,
        Column::Participants,
        Column::Source,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Number => "number",
            Column::Name => "name",
            Column::Region => "region",
            Column::Minerals => "minerals",
            Column::License => "licence",
            Column::Status => "status",
            Column::HighBid => "high_bid",
            Column::HighFx => "high_fx",
            Column::HighUsd => "high_usd",
            Column::NextMin => "next_min",
            Column::Bids => "bids",
            Column::Leader => "leader",
            Column::TimeLeft => "time_left",
            Column::Extensions => "extensions",
            Column::Deadline => "deadline",
            Column::StartBonus => "start_bonus",
            Column::Guarantee => "guarantee",
            Column::Participants => "participants",
            Column::Source => "source",
        }
    }

    /// The column named `s` (the sort names' short forms too).
    pub fn parse(s: &str) -> Option<Column> {
        let s = s.trim().to_lowercase();
        let alias = match s.as_str() {
            "bid" => "high_bid",
            "next" => "next_min",
            "time" => "time_left",
            other => other,
        };
        Column::ALL.into_iter().find(|c| c.name() == alias)
    }

    /// Checks a user's column list: each name known, none twice, at least
    /// one. The error names the culprit and lists the valid names.
    pub fn parse_list(names: &[String]) -> Result<Vec<Column>, String> {
        if names.is_empty() {
            return Err(format!(
                "no columns: expected some of {}",
                Column::names().join(", ")
            ));
        }
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            let c = Column::parse(n).ok_or_else(|| {
                format!(
                    "unknown column {n:?}, expected one of {}",
                    Column::names().join(", ")
                )
            })?;
            if out.contains(&c) {
                return Err(format!("column {n:?} is named twice"));
            }
            out.push(c);
        }
        Ok(out)
    }

    pub fn names() -> Vec<&'static str> {
        Column::ALL.iter().map(|c| c.name()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn column_lists_are_checked_and_name_the_culprit() {
        assert_eq!(
            Column::parse_list(&s(&["number", "time", "high_bid", "name"])),
            Ok(vec![
                Column::Number,
                Column::TimeLeft,
                Column::HighBid,
                Column::Name
            ])
        );
        let e = Column::parse_list(&s(&["number", "hihg_bid"])).unwrap_err();
        assert!(e.contains("\"hihg_bid\""), "{e}");
        assert!(e.contains("high_bid, high_fx, high_usd"), "{e}");
        assert!(e.contains("deadline") && e.contains("guarantee"), "{e}");
        let e = Column::parse_list(&s(&["name", "bids", "name"])).unwrap_err();
        assert!(e.contains("\"name\" is named twice"), "{e}");
        assert!(Column::parse_list(&[]).is_err());
        for c in Column::ALL {
            assert_eq!(Column::parse(c.name()), Some(c));
        }
    }

    #[test]
    fn layouts_are_checked_and_name_the_culprit() {
        let ok = Layout::user("mine", &s(&["lots", "bids"]), &[70, 100]).unwrap();
        assert_eq!(
            ok.arrangement,
            Arrangement::Panes(PaneSpec {
                panes: vec![(Pane::Lots, 70), (Pane::Bids, 100)]
            })
        );
        let bad = |p: &[&str], sz: &[u16]| Layout::user("x", &s(p), sz).unwrap_err();
        assert!(bad(&["lots", "chart"], &[50, 50]).contains("unknown pane \"chart\""));
        assert!(bad(&["lots", "chart"], &[50, 50]).contains("lots, detail, bids"));
        assert!(bad(&["lots"], &[50, 50]).contains("1 panes but 2 sizes"));
        assert!(bad(&["lots", "lots"], &[50, 50]).contains("named twice"));
        assert!(bad(&["lots", "bids"], &[95, 50]).contains("10 to 90"));
        assert!(bad(&["lots", "bids"], &[50, 0]).contains("1 to 100"));
        assert!(bad(&[], &[]).contains("no panes"));
        assert!(Layout::user("bidder", &s(&["lots"]), &[100]).is_err());
        // One pane alone may take the whole height.
        assert!(Layout::user("solo", &s(&["lots"]), &[100]).is_ok());
    }

    #[test]
    fn a_layout_is_chosen_by_name_and_the_key_cycles_through_all() {
        let mine = Layout::user("mine", &s(&["events"]), &[100]).unwrap();
        let mut l = Layouts::new(vec![mine], Some("official")).unwrap();
        assert_eq!(l.current().name, "official");
        let mut seen = Vec::new();
        for _ in 0..5 {
            l.cycle();
            seen.push(l.current().name.clone());
        }
        assert_eq!(seen, ["wallboard", "mine", "default", "bidder", "official"]);
        let e = Layouts::new(Vec::new(), Some("nope")).unwrap_err();
        assert!(e.contains("default, bidder, official, wallboard"), "{e}");
        assert_eq!(
            Layouts::default().current().arrangement,
            Arrangement::Standard
        );
    }

    #[test]
    fn heights_fill_the_body_and_a_foreign_focus_takes_the_lower_area() {
        let Some(Layout {
            arrangement: Arrangement::Panes(spec),
            ..
        }) = Layout::built_in("bidder")
        else {
            panic!("bidder is a pane layout")
        };
        for body in [13u16, 21, 42, 200] {
            let (t, l) = spec.heights(body, Pane::Lots);
            assert_eq!(t + l, body);
            assert_eq!(spec.height_of(Pane::Events, body, Pane::Lots), 0);
            assert_eq!(spec.height_of(Pane::Events, body, Pane::Events), l);
        }
        let solo = PaneSpec {
            panes: vec![(Pane::Lots, 100)],
        };
        assert_eq!(solo.heights(20, Pane::Lots), (20, 0));
        assert_eq!(solo.heights(20, Pane::Bids), (10, 10));
    }
}
