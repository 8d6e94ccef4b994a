//! Terminal notifications for alerts: which escape the terminal understands
//! (OSC 9, OSC 777, or only the bell), whether the monitor's window has the
//! focus, and the bytes to write for one alert. Pure: the monitor's loop
//! writes what this returns, through the terminal it owns.
//!
//! - **OSC 9** (`ESC ] 9 ; text BEL`): iTerm2, WezTerm, Windows Terminal,
//!   foot, ghostty, ConEmu.
//! - **OSC 777** (`ESC ] 777 ; notify ; title ; body BEL`): rxvt-unicode and
//!   VTE terminals (GNOME Terminal, Tilix...) that carry the notify patch.
//! - **Inside tmux** the escape is wrapped for passthrough (`ESC P tmux ;`
//!   with every `ESC` doubled, then `ESC \`): tmux hands it to the outer
//!   terminal only with `set -g allow-passthrough on`.
//! - With focus reporting (crossterm's `FocusGained` / `FocusLost`) a
//!   notification is sent only while the window is not focused, unless
//!   `notify_always`; while it is focused the bell rings instead. A terminal
//!   that never reports focus counts as not focused.
//!
//! The text is the alert's (built by the app from sanitized platform text),
//! cleaned again here and cut to [`MAX_NOTIFY_TEXT`] characters, so no control
//! character can end or extend the escape.

use crate::app::alerts::Alert;
use crate::platform::sanitize::clean;

/// Longest notification text, in characters (title and body together).
pub const MAX_NOTIFY_TEXT: usize = 180;
const TITLE: &str = "lotwatch";

/// What the user asked for (`notify = ...`, `--notify`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum NotifyMode {
    /// Detect the terminal from TERM_PROGRAM, TERM and LC_TERMINAL.
    #[default]
    Auto,
    Osc9,
    Osc777,
    /// The terminal bell only.
    Bell,
    /// Nothing, not even the bell.
    Off,
}

impl NotifyMode {
    pub fn parse(s: &str) -> Result<NotifyMode, String> {
        <NotifyMode as clap::ValueEnum>::from_str(s.trim(), true)
            .map_err(|_| format!("{s:?}: expected auto, osc9, osc777, bell or off"))
    }
}

/// How alerts reach the user in this terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Osc9,
    Osc777,
    Bell,
    Off,
}

/// Which escape the terminal in `env` understands, from `TERM_PROGRAM`,
/// `TERM`, `LC_TERMINAL` (iTerm2 sets it, and it survives ssh and tmux),
/// `WT_SESSION` (Windows Terminal) and `VTE_VERSION`. Unknown: the bell.
pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Channel {
    let var = |k: &str| env(k).unwrap_or_default();
    let program = var("TERM_PROGRAM").to_ascii_lowercase();
    let term = var("TERM").to_ascii_lowercase();
    if var("LC_TERMINAL").eq_ignore_ascii_case("iterm2") {
        return Channel::Osc9;
    }
    match program.as_str() {
        "iterm.app" | "wezterm" | "ghostty" => return Channel::Osc9,
        _ => {}
    }
    if !var("WT_SESSION").is_empty() || !var("ConEmuPID").is_empty() {
        return Channel::Osc9;
    }
    if term.starts_with("foot") || term == "xterm-ghostty" || term == "wezterm" {
        return Channel::Osc9;
    }
    if term.starts_with("rxvt-unicode") || term.starts_with("urxvt") {
        return Channel::Osc777;
    }
    if !var("VTE_VERSION").is_empty() {
        return Channel::Osc777;
    }
    Channel::Bell
}

/// Decides, per alert, what to write to the terminal.
#[derive(Clone, Debug)]
pub struct Notifier {
    channel: Channel,
    /// Running inside tmux: wrap escapes for passthrough.
    tmux: bool,
    /// Notify even while the window is focused.
    always: bool,
    /// None until the terminal reports focus (if it ever does).
    focused: Option<bool>,
}

impl Notifier {
    /// The notifier for `mode` in the environment `env` (`TMUX` set means
    /// inside tmux).
    pub fn new(mode: NotifyMode, always: bool, env: &dyn Fn(&str) -> Option<String>) -> Notifier {
        let channel = match mode {
            NotifyMode::Auto => detect(env),
            NotifyMode::Osc9 => Channel::Osc9,
            NotifyMode::Osc777 => Channel::Osc777,
            NotifyMode::Bell => Channel::Bell,
            NotifyMode::Off => Channel::Off,
        };
        Notifier {
            channel,
            tmux: env("TMUX").is_some_and(|v| !v.is_empty()),
            always,
            focused: None,
        }
    }

    /// No notifications and no bell.
    pub fn off() -> Notifier {
        Notifier::new(NotifyMode::Off, false, &|_| None)
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    pub fn in_tmux(&self) -> bool {
        self.tmux
    }

    /// This notifier, knowing what `old` knew of the focus (a reloaded
    /// config file's notifier replacing the one in use).
    pub fn with_focus_of(mut self, old: &Notifier) -> Notifier {
        self.focused = old.focused;
        self
    }

    /// The terminal reported focus gained (true) or lost (false).
    pub fn set_focus(&mut self, focused: bool) {
        self.focused = Some(focused);
    }

    fn notifies_now(&self) -> bool {
        self.always || self.focused != Some(true)
    }

    /// What to write for the app's bell (one per update that raised alerts):
    /// the bell, unless notifications are off or an OSC notification goes
    /// out instead.
    pub fn bell(&self) -> Option<&'static [u8]> {
        match self.channel {
            Channel::Off => None,
            Channel::Bell => Some(b"\x07"),
            Channel::Osc9 | Channel::Osc777 if self.notifies_now() => None,
            Channel::Osc9 | Channel::Osc777 => Some(b"\x07"),
        }
    }

    /// The notification escape for `alert`, if one is due now.
    pub fn notification(&self, alert: &Alert) -> Option<Vec<u8>> {
        if !matches!(self.channel, Channel::Osc9 | Channel::Osc777) || !self.notifies_now() {
            return None;
        }
        let body = body(alert);
        let osc = match self.channel {
            Channel::Osc9 => format!("\x1b]9;{TITLE}: {body}\x07"),
            _ => {
                let title = format!("{TITLE}: {}", alert.kind.as_str());
                format!("\x1b]777;notify;{title};{}\x07", body.replace(';', ","))
            }
        };
        Some(if self.tmux {
            tmux_wrap(osc.as_bytes())
        } else {
            osc.into_bytes()
        })
    }
}

/// The notification's text: kind, lot number and the alert's message,
/// cleaned again (no control character survives) and bounded.
pub fn body(alert: &Alert) -> String {
    let raw = if alert.lot_number.is_empty() {
        format!("{} · {}", alert.kind.as_str(), alert.message)
    } else {
        format!(
            "{} · {} · {}",
            alert.kind.as_str(),
            alert.lot_number,
            alert.message
        )
    };
    // `clean` turns line breaks into spaces and every other control into
    // U+FFFD; the filter is a second guard, for any future change there.
    clean(&raw, MAX_NOTIFY_TEXT - TITLE.len() - 2)
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// tmux's passthrough wrapper: `ESC P tmux ;` + the sequence with each
/// `ESC` doubled + `ESC \`.
fn tmux_wrap(seq: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(seq.len() + 16);
    out.extend_from_slice(b"\x1bPtmux;");
    for &b in seq {
        if b == 0x1b {
            out.push(0x1b);
        }
        out.push(b);
    }
    out.extend_from_slice(b"\x1b\\");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::alerts::AlertKind;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| v.iter().find(|(n, _)| n == k).map(|(_, x)| x.clone())
    }

    fn alert(msg: &str) -> Alert {
        Alert {
            kind: AlertKind::Outbid,
            lot_id: "L1".into(),
            lot_number: "401102".into(),
            what: None,
            message: msg.into(),
        }
    }

    #[test]
    fn terminals_are_detected_from_the_environment() {
        for (pairs, want) in [
            (vec![("TERM_PROGRAM", "iTerm.app")], Channel::Osc9),
            (vec![("TERM_PROGRAM", "WezTerm")], Channel::Osc9),
            (vec![("TERM_PROGRAM", "ghostty")], Channel::Osc9),
            (vec![("TERM", "xterm-ghostty")], Channel::Osc9),
            (vec![("TERM", "foot")], Channel::Osc9),
            (vec![("TERM", "foot-extra")], Channel::Osc9),
            (vec![("WT_SESSION", "abc")], Channel::Osc9),
            (vec![("TERM", "rxvt-unicode-256color")], Channel::Osc777),
            (vec![("VTE_VERSION", "7600")], Channel::Osc777),
            (
                vec![("TERM_PROGRAM", "tmux"), ("LC_TERMINAL", "iTerm2")],
                Channel::Osc9,
            ),
            (vec![("TERM", "xterm-256color")], Channel::Bell),
            (vec![], Channel::Bell),
        ] {
            assert_eq!(detect(&env_of(&pairs)), want, "{pairs:?}");
        }
    }

    #[test]
    fn forced_modes_win_over_detection() {
        let env = env_of(&[("TERM_PROGRAM", "iTerm.app")]);
        assert_eq!(
            Notifier::new(NotifyMode::Osc777, false, &env).channel(),
            Channel::Osc777
        );
        assert_eq!(
            Notifier::new(NotifyMode::Bell, false, &env).channel(),
            Channel::Bell
        );
        assert_eq!(
            Notifier::new(NotifyMode::Off, false, &env).channel(),
            Channel::Off
        );
        assert_eq!(NotifyMode::parse("OSC9"), Ok(NotifyMode::Osc9));
        assert!(NotifyMode::parse("osc8").is_err());
    }

    #[test]
    fn focus_decides_between_the_notification_and_the_bell() {
        let mut n = Notifier::new(NotifyMode::Osc9, false, &|_| None);
        // Never reported: counts as not focused.
        assert!(n.notification(&alert("x")).is_some());
        assert_eq!(n.bell(), None);
        n.set_focus(true);
        assert!(n.notification(&alert("x")).is_none());
        assert_eq!(n.bell(), Some(&b"\x07"[..]));
        n.set_focus(false);
        assert!(n.notification(&alert("x")).is_some());
        let mut always = Notifier::new(NotifyMode::Osc9, true, &|_| None);
        always.set_focus(true);
        assert!(always.notification(&alert("x")).is_some());
        let off = Notifier::off();
        assert_eq!((off.bell(), off.notification(&alert("x"))), (None, None));
        let bell = Notifier::new(NotifyMode::Bell, true, &|_| None);
        assert_eq!(bell.bell(), Some(&b"\x07"[..]));
        assert!(bell.notification(&alert("x")).is_none());
    }

    #[test]
    fn the_escape_has_the_documented_shape_and_a_bounded_clean_text() {
        let n = Notifier::new(NotifyMode::Osc9, false, &|_| None);
        let b = n
            .notification(&alert("Сарлы: outbid by P-07"))
            .expect("due");
        assert_eq!(
            String::from_utf8(b).expect("utf8"),
            "\x1b]9;lotwatch: outbid · 401102 · Сарлы: outbid by P-07\x07"
        );
        let n = Notifier::new(NotifyMode::Osc777, false, &|_| None);
        let b = n.notification(&alert("a;b\x07\x1b]0;x")).expect("due");
        let s = String::from_utf8(b).expect("utf8");
        assert!(s.starts_with("\x1b]777;notify;lotwatch: outbid;"), "{s:?}");
        let inner = &s[2..s.len() - 1];
        assert!(!inner.contains(['\x07', '\x1b']), "{s:?}");
        assert_eq!(inner.matches(';').count(), 3, "{s:?}");
        let long = alert(&"Ж".repeat(5000));
        assert!(body(&long).chars().count() <= MAX_NOTIFY_TEXT);
    }

    #[test]
    fn tmux_passthrough_doubles_every_escape() {
        assert_eq!(
            tmux_wrap(b"\x1b]9;hi\x07"),
            b"\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\".to_vec()
        );
        let n = Notifier::new(NotifyMode::Osc9, false, &env_of(&[("TMUX", "/tmp/t,1,0")]));
        assert!(n.in_tmux());
        let b = n.notification(&alert("x")).expect("due");
        assert!(b.starts_with(b"\x1bPtmux;\x1b\x1b]9;"));
        assert!(b.ends_with(b"\x07\x1b\\"));
    }
}
