//! OSC 8 hyperlinks on the lot numbers of a web-site source, where the
//! terminal is known to show them. The view draws plain text; after each
//! frame the cells `ui::links::hyperlinks` names are written again, with
//! the same symbols and styles, between `ESC ] 8 ; ; URL ESC \` and
//! `ESC ] 8 ; ; ESC \`, so ratatui's buffer never holds an escape. Off under
//! `NO_COLOR`, on a dumb or unknown terminal, and inside tmux or screen
//! unless `LOTWATCH_HYPERLINKS=1` says the outer terminal shows them
//! (`LOTWATCH_HYPERLINKS=0` turns them off anywhere).

use crate::ui::links::Hyperlink;
use ratatui::backend::IntoCrossterm;
use ratatui::buffer::Buffer;
use ratatui::crossterm::cursor::MoveTo;
use ratatui::crossterm::style::{
    Attribute, Print, SetAttribute, SetBackgroundColor, SetForegroundColor,
};
use ratatui::crossterm::{QueueableCommand, queue};
use std::io::{self, Write};

/// Whether the terminal the environment describes shows OSC 8 links.
pub fn supported(env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    match set("LOTWATCH_HYPERLINKS").as_deref() {
        Some("0") => return false,
        Some("1") => return true,
        _ => {}
    }
    if set("NO_COLOR").is_some() {
        return false;
    }
    let term = set("TERM").unwrap_or_default();
    if term.is_empty() || term == "dumb" {
        return false;
    }
    if set("TMUX").is_some() || term.starts_with("screen") || term.starts_with("tmux") {
        return false;
    }
    let program = set("TERM_PROGRAM").unwrap_or_default();
    if ["iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper"].contains(&program.as_str()) {
        return true;
    }
    if set("VTE_VERSION")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|v| v >= 5000)
    {
        return true;
    }
    if set("KITTY_WINDOW_ID").is_some() || set("WT_SESSION").is_some() {
        return true;
    }
    [
        "xterm-kitty",
        "foot",
        "foot-extra",
        "alacritty",
        "xterm-ghostty",
        "wezterm",
    ]
    .contains(&term.as_str())
}

/// Writes each link's cells again, as `buf` holds them, inside OSC 8.
pub fn write(out: &mut impl Write, buf: &Buffer, links: &[Hyperlink]) -> io::Result<()> {
    for link in links {
        let area = link.area.intersection(buf.area);
        if area.is_empty() {
            continue;
        }
        out.queue(MoveTo(area.x, area.y))?;
        out.queue(Print(format!("\x1b]8;;{}\x1b\\", link.url)))?;
        for x in area.left()..area.right() {
            let Some(cell) = buf.cell((x, area.y)) else {
                continue;
            };
            queue!(
                out,
                SetAttribute(Attribute::Reset),
                SetForegroundColor(cell.fg.into_crossterm()),
                SetBackgroundColor(cell.bg.into_crossterm()),
            )?;
            let style: ratatui::crossterm::style::ContentStyle = cell.style().into_crossterm();
            for a in Attribute::iterator() {
                if style.attributes.has(a) {
                    out.queue(SetAttribute(a))?;
                }
            }
            out.queue(Print(cell.symbol()))?;
        }
        out.queue(Print("\x1b]8;;\x1b\\"))?;
        queue!(
            out,
            SetAttribute(Attribute::Reset),
            SetForegroundColor(ratatui::crossterm::style::Color::Reset),
            SetBackgroundColor(ratatui::crossterm::style::Color::Reset),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn only_known_terminals() {
        assert!(supported(&env(&[("TERM", "xterm-kitty")])));
        assert!(supported(&env(&[
            ("TERM", "xterm-256color"),
            ("VTE_VERSION", "7200")
        ])));
        assert!(supported(&env(&[
            ("TERM", "xterm-256color"),
            ("TERM_PROGRAM", "WezTerm")
        ])));
        assert!(!supported(&env(&[("TERM", "xterm-256color")])), "unknown");
        assert!(!supported(&env(&[])), "no TERM");
        assert!(!supported(&env(&[
            ("TERM", "dumb"),
            ("VTE_VERSION", "7200")
        ])));
        assert!(!supported(&env(&[
            ("TERM", "xterm-kitty"),
            ("NO_COLOR", "1")
        ])));
        assert!(!supported(&env(&[
            ("TERM", "xterm-kitty"),
            ("TMUX", "/tmp/t,1,0")
        ])));
        assert!(supported(&env(&[
            ("TERM", "screen"),
            ("LOTWATCH_HYPERLINKS", "1")
        ])));
        assert!(!supported(&env(&[
            ("TERM", "xterm-kitty"),
            ("LOTWATCH_HYPERLINKS", "0")
        ])));
    }

    #[test]
    fn the_cells_are_written_again_inside_osc_8() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        buf.set_string(2, 1, "401102", ratatui::style::Style::new());
        let links = [Hyperlink {
            area: Rect::new(2, 1, 6, 1),
            url: "https://sauda.e-qazyna.kz/ru/list/274460904013000000".into(),
        }];
        let mut out = Vec::new();
        write(&mut out, &buf, &links).expect("writes");
        let s = String::from_utf8(out).expect("utf-8");
        let open = "\x1b]8;;https://sauda.e-qazyna.kz/ru/list/274460904013000000\x1b\\";
        let at = s.find(open).expect("opened");
        let close = s.find("\x1b]8;;\x1b\\").expect("closed");
        assert!(at < close);
        let inside = &s[at + open.len()..close];
        let text: String = inside
            .split('\x1b')
            .map(|p| p.trim_start_matches(|c: char| c == '[' || c.is_ascii_digit() || c == ';'))
            .map(|p| p.strip_prefix('m').unwrap_or(p))
            .collect();
        assert_eq!(text, "401102");
        assert!(s.starts_with("\x1b[2;3H"), "{s:?}");
    }
}
