//! Key names as the configuration writes them (`ctrl-r`, `F5`, `shift-tab`,
//! `G`), parsed into `ui::keys::Key` and printed back.

use crate::ui::keys::Key;
use crossterm::event::KeyCode;

/// Parses one key name; the error says what is accepted.
pub fn parse(spec: &str) -> Result<Key, String> {
    let s = spec.trim();
    let (ctrl, base) = match strip_prefix_ci(s, "ctrl-") {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, s),
    };
    let lower = base.to_ascii_lowercase();
    let code = match lower.as_str() {
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        _ => {
            if let Some(n) = lower.strip_prefix('f').and_then(|d| d.parse::<u8>().ok()) {
                if (1..=12).contains(&n) {
                    KeyCode::F(n)
                } else {
                    return Err(bad(spec));
                }
            } else {
                let mut chars = base.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() && c != ' ' => {
                        if ctrl && !c.is_ascii_alphabetic() {
                            return Err(bad(spec));
                        }
                        KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
                    }
                    _ => return Err(bad(spec)),
                }
            }
        }
    };
    if ctrl && !matches!(code, KeyCode::Char(_)) {
        return Err(bad(spec));
    }
    Ok(Key { code, ctrl })
}

/// The configuration name of a key (the inverse of `parse`).
pub fn format(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageUp => "pgup".into(),
        KeyCode::PageDown => "pgdn".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "shift-tab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}").to_ascii_lowercase(),
    };
    if key.ctrl {
        format!("ctrl-{base}")
    } else {
        base
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn bad(spec: &str) -> String {
    format!(
        "unknown key {spec:?}: expected one character (`q`, `G`, `/`), `ctrl-<letter>`, F1-F12, or one of up, down, left, right, pgup, pgdn, home, end, enter, esc, tab, shift-tab, backspace, space"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::ui::keys::Keymap;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse("ctrl-r"), Ok(Key::ctrl('r')));
        assert_eq!(parse("Ctrl-R"), Ok(Key::ctrl('r')));
        assert_eq!(parse("F5"), Ok(Key::plain(KeyCode::F(5))));
        assert_eq!(parse("G"), Ok(Key::ch('G')));
        assert_eq!(parse("/"), Ok(Key::ch('/')));
        assert_eq!(parse("shift-tab"), Ok(Key::plain(KeyCode::BackTab)));
        assert_eq!(parse("space"), Ok(Key::ch(' ')));
        assert_eq!(parse("ж"), Ok(Key::ch('ж')));
        for bad in [
            "", "ctrl-", "ctrl-up", "F13", "F0", "qq", "hyper-x", "ctrl-1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn every_default_key_round_trips() {
        let km = Keymap::default();
        for a in Action::BINDABLE {
            for k in km.keys_for(a) {
                assert_eq!(parse(&format(k)).as_ref(), Ok(k), "{}", a.name());
            }
        }
    }
}
