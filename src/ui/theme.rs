//! Colours and text styles, in one place so that other themes (light, high
//! contrast, NO_COLOR) can be added. The default uses the terminal's own
//! named palette colours, never RGB, so it follows the user's scheme.

use crate::app::countdown::Urgency;
use crate::app::log::LogKind;
use crate::domain::LotStatus;
use ratatui::style::{Color, Modifier, Style};

/// The themes a user can choose by name (`--theme`, `theme = "..."`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// The terminal's own named palette.
    #[default]
    Terminal,
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Terminal => "terminal",
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }
}

/// True when the `NO_COLOR` convention asks for no colour: the variable is
/// set to a non-empty value.
pub fn no_color_requested(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[derive(Clone, Copy, Debug, PartialEq)]
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
    pub notice: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::terminal()
    }
}

impl Theme {
    /// The theme called `name`; with `no_color`, the same theme stripped of
    /// every colour (modifiers and symbols still carry the meaning).
    pub fn named(name: ThemeName, no_color: bool) -> Theme {
        let t = match name {
            ThemeName::Terminal => Theme::terminal(),
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::HighContrast => Theme::high_contrast(),
        };
        if no_color { t.without_color() } else { t }
    }

    /// Fixed RGB colours chosen for a dark background.
    pub fn dark() -> Theme {
        let fg = |r, g, b| Style::new().fg(Color::Rgb(r, g, b));
        Theme {
            text: fg(0xd8, 0xde, 0xe9),
            dim: fg(0x7b, 0x84, 0x96),
            border: fg(0x4c, 0x56, 0x6a),
            focus_border: fg(0x88, 0xc0, 0xd0).add_modifier(Modifier::BOLD),
            focus_title: Style::new()
                .fg(Color::Rgb(0x2e, 0x34, 0x40))
                .bg(Color::Rgb(0x88, 0xc0, 0xd0))
                .add_modifier(Modifier::BOLD),
            good: fg(0xa3, 0xbe, 0x8c),
            warn: fg(0xeb, 0xcb, 0x8b),
            bad: fg(0xbf, 0x61, 0x6a).add_modifier(Modifier::BOLD),
            info: fg(0x81, 0xa1, 0xc1),
            key: fg(0x88, 0xc0, 0xd0).add_modifier(Modifier::BOLD),
            chart: fg(0x88, 0xc0, 0xd0),
            notice: fg(0xb4, 0x8e, 0xad),
            ..Theme::terminal()
        }
    }

    /// Fixed RGB colours chosen for a light background.
    pub fn light() -> Theme {
        let fg = |r, g, b| Style::new().fg(Color::Rgb(r, g, b));
        Theme {
            text: fg(0x20, 0x20, 0x20),
            dim: fg(0x6a, 0x6a, 0x6a),
            border: fg(0xa0, 0xa0, 0xa0),
            focus_border: fg(0x00, 0x5f, 0x87).add_modifier(Modifier::BOLD),
            focus_title: Style::new()
                .fg(Color::Rgb(0xff, 0xff, 0xff))
                .bg(Color::Rgb(0x00, 0x5f, 0x87))
                .add_modifier(Modifier::BOLD),
            good: fg(0x00, 0x6b, 0x2e),
            warn: fg(0x8a, 0x5a, 0x00),
            bad: fg(0xb0, 0x00, 0x20).add_modifier(Modifier::BOLD),
            info: fg(0x1f, 0x4f, 0xb0),
            key: fg(0x00, 0x5f, 0x87).add_modifier(Modifier::BOLD),
            chart: fg(0x00, 0x5f, 0x87),
            notice: fg(0x7a, 0x1f, 0x8f),
            ..Theme::terminal()
        }
    }

    /// Bright named colours and bold text: the strongest contrast a
    /// terminal offers.
    fn high_contrast() -> Theme {
        let b = |c: Color| Style::new().fg(c).add_modifier(Modifier::BOLD);
        Theme {
            text: Style::new().fg(Color::White),
            dim: Style::new().fg(Color::Gray),
            border: Style::new().fg(Color::White),
            focus_border: b(Color::LightYellow),
            focus_title: Style::new()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
            good: b(Color::LightGreen),
            warn: b(Color::LightYellow),
            bad: b(Color::LightRed).add_modifier(Modifier::REVERSED),
            info: b(Color::LightCyan),
            key: b(Color::LightYellow),
            chart: b(Color::White),
            notice: b(Color::LightMagenta),
            ..Theme::terminal()
        }
    }

    /// The theme with every fg/bg colour removed; styles that were told
    /// apart only by colour get a modifier instead.
    fn without_color(self) -> Theme {
        let strip = |s: Style| {
            let mut s = s;
            s.fg = None;
            s.bg = None;
            s.underline_color = None;
            s
        };
        Theme {
            text: strip(self.text),
            dim: strip(self.dim).add_modifier(Modifier::DIM),
            title: strip(self.title),
            border: strip(self.border),
            focus_border: strip(self.focus_border).add_modifier(Modifier::BOLD),
            focus_title: strip(self.focus_title).add_modifier(Modifier::REVERSED),
            table_header: strip(self.table_header),
            selected: strip(self.selected).add_modifier(Modifier::REVERSED),
            good: strip(self.good),
            warn: strip(self.warn).add_modifier(Modifier::BOLD),
            bad: strip(self.bad).add_modifier(Modifier::BOLD),
            info: strip(self.info),
            demo: strip(self.demo).add_modifier(Modifier::REVERSED),
            key: strip(self.key).add_modifier(Modifier::BOLD),
            chart: strip(self.chart),
            notice: strip(self.notice).add_modifier(Modifier::ITALIC),
        }
    }

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
            notice: fg(Color::Magenta),
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
            LogKind::Notice => self.notice,
            LogKind::Unknown => self.dim,
            LogKind::Issue => self.bad,
            LogKind::Alert => self.bad.add_modifier(ratatui::style::Modifier::BOLD),
        }
    }
}
