//! Colours and text styles, in one place so that other themes (light, high
//! contrast, NO_COLOR) can be added. The default uses the terminal's own
//! named palette colours, never RGB, so it follows the user's scheme.

use crate::app::countdown::Urgency;
use crate::app::log::LogKind;
use crate::domain::LotStatus;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub focus_border: Style,
    pub focus_title: Style,
    pub table_header: Style,
    pub selected: Style,
    pub good: Style,
    pub warn: Style,
    pub bad: Style,
    pub info: Style,
    pub demo: Style,
    pub key: Style,
    pub chart: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::terminal()
    }
}

impl Theme {
    /// The default: the terminal's palette.
    pub fn terminal() -> Theme {
        let fg = |c: Color| Style::new().fg(c);
        Theme {
            text: Style::new(),
            dim: Style::new().add_modifier(Modifier::DIM),
            title: Style::new().add_modifier(Modifier::BOLD),
            border: fg(Color::DarkGray),
            focus_border: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            focus_title: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            table_header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            good: fg(Color::Green),
            warn: fg(Color::Yellow),
            bad: fg(Color::Red).add_modifier(Modifier::BOLD),
            info: fg(Color::Blue),
            demo: Style::new()
                .fg(Color::Black)
                .bg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            chart: fg(Color::Cyan),
        }
    }

    pub fn urgency(&self, u: Urgency) -> Style {
        match u {
            Urgency::Calm => self.dim,
            Urgency::Normal => self.text,
            Urgency::Window => self.warn,
            Urgency::LastMinute => self.bad,
        }
    }

    pub fn status(&self, s: &LotStatus) -> Style {
        match s {
            LotStatus::Open => self.good,
            LotStatus::Suspended => self.warn,
            LotStatus::Scheduled => self.info,
            LotStatus::Sold => self.good.add_modifier(Modifier::BOLD),
            LotStatus::Closed | LotStatus::Unsold | LotStatus::Cancelled => self.dim,
            LotStatus::Unknown(_) => self.warn,
        }
    }

    pub fn log_kind(&self, k: LogKind) -> Style {
        match k {
            LogKind::Bid => self.good,
            LogKind::Extended => self.warn,
            LogKind::Status => self.info,
            LogKind::Lot => self.text,
            LogKind::Notice => Style::new().fg(Color::Magenta),
            LogKind::Unknown => self.dim,
            LogKind::Issue => self.bad,
            LogKind::Alert => self.bad.add_modifier(ratatui::style::Modifier::BOLD),
        }
    }
}
