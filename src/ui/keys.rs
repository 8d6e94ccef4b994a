//! Key bindings: which crossterm key means which named `Action`, depending on
//! the app's mode. The help overlay and the key bar are generated from the
//! same table, so they cannot drift from what the keys do.

use crate::app::lots::SortKey;
use crate::app::{Action, Mode, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One key with its modifiers (Shift is implied by an upper-case char).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    pub const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// The key as the help shows it: `j`, `Ctrl-R`, `PgDn`, `↑`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl || ev.modifiers.contains(KeyModifiers::ALT) {
            return false;
        }
        match (self.code, ev.code) {
            // Terminals differ on whether Ctrl-letters arrive upper- or lower-case.
            (KeyCode::Char(a), KeyCode::Char(b)) if self.ctrl => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        }
    }
}

/// The bindings of normal mode, in force until the configuration changes them.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let k = Key::plain;
        let c = Key::ch;
        let bindings = vec![
            (c('?'), Action::Help),
            (c('q'), Action::Quit),
            (Key::ctrl('c'), Action::Quit),
            (Key::ctrl('z'), Action::Suspend),
            (Key::ctrl('r'), Action::Refresh),
            (k(Tab), Action::FocusNext),
            (c('l'), Action::FocusNext),
            (k(Right), Action::FocusNext),
            (k(BackTab), Action::FocusPrev),
            (c('h'), Action::FocusPrev),
            (k(Left), Action::FocusPrev),
            (c('1'), Action::FocusPane(1)),
            (c('2'), Action::FocusPane(2)),
            (c('3'), Action::FocusPane(3)),
            (c('4'), Action::FocusPane(4)),
            (c('5'), Action::FocusPane(5)),
            (c('6'), Action::FocusPane(6)),
            (c('k'), Action::Up),
            (k(Up), Action::Up),
            (c('j'), Action::Down),
            (k(Down), Action::Down),
            (k(PageUp), Action::PageUp),
            (k(PageDown), Action::PageDown),
            (c('g'), Action::Top),
            (k(Home), Action::Top),
            (c('G'), Action::Bottom),
            (k(End), Action::Bottom),
            (k(Enter), Action::OpenDetail),
            (k(Esc), Action::Close),
            (c('c'), Action::CycleCurrency),
            (c('/'), Action::StartFilter),
            (c('w'), Action::ToggleWatched),
            (c('W'), Action::ToggleWatchedOnly),
            (c('s'), Action::SortNext),
            (c('S'), Action::SortReverse),
            // Sort by a column: mnemonic capitals (and # for the number, $
            // for the high bid); the same key again reverses.
            (c('#'), Action::SortBy(SortKey::Number)),
            (c('N'), Action::SortBy(SortKey::Name)),
            (c('R'), Action::SortBy(SortKey::Region)),
            (c('M'), Action::SortBy(SortKey::Minerals)),
            (c('L'), Action::SortBy(SortKey::License)),
            (c('O'), Action::SortBy(SortKey::Status)),
            (c('$'), Action::SortBy(SortKey::HighBid)),
            (c('X'), Action::SortBy(SortKey::NextMin)),
            (c('B'), Action::SortBy(SortKey::Bids)),
            (c('P'), Action::SortBy(SortKey::Leader)),
            (c('T'), Action::SortBy(SortKey::TimeLeft)),
            (c('E'), Action::SortBy(SortKey::Extensions)),
            (c('m'), Action::ToggleMouse),
            (c('v'), Action::CycleLayout),
        ];
        Keymap { bindings }
    }
}

/// Keys that work the same whatever the configuration: text entry in the
/// filter line, and leaving the help overlay.
const FILTER_KEYS: [(Key, Action); 4] = [
    (Key::plain(KeyCode::Enter), Action::FilterCommit),
    (Key::plain(KeyCode::Esc), Action::FilterCancel),
    (Key::plain(KeyCode::Backspace), Action::FilterBackspace),
    (Key::ctrl('c'), Action::Quit),
];
const HELP_KEYS: [(Key, Action); 4] = [
    (Key::plain(KeyCode::Esc), Action::Close),
    (Key::ch('?'), Action::Help),
    (Key::ch('q'), Action::Close),
    (Key::ctrl('c'), Action::Quit),
];

impl Keymap {
    /// Replaces the keys of `action` (an empty list unbinds it).
    pub fn bind(&mut self, action: Action, keys: &[Key]) {
        self.bindings
            .retain(|(k, a)| *a != action && !keys.contains(k));
        self.bindings.extend(keys.iter().map(|k| (*k, action)));
    }

    /// The map of a replay: no Ctrl-R (there is no server to ask), and the
    /// replay's own keys (space, ← →, + = -) left to the replay, so no key
    /// means two things (← → change panes live; Tab and the other pane keys
    /// still do here).
    pub fn for_replay(&mut self) {
        self.bindings.retain(|(k, a)| {
            let replays = !k.ctrl
                && matches!(
                    k.code,
                    KeyCode::Left
                        | KeyCode::Right
                        | KeyCode::Char(' ')
                        | KeyCode::Char('+')
                        | KeyCode::Char('=')
                        | KeyCode::Char('-')
                );
            *a != Action::Refresh && !replays
        });
    }

    /// The action a key press means in `mode`; None for key releases and
    /// unbound keys.
    pub fn action(&self, ev: &KeyEvent, mode: Mode) -> Option<Action> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        match mode {
            // Ctrl-C quits whatever the configuration rebinds.
            Mode::Normal if Key::ctrl('c').matches(ev) => Some(Action::Quit),
            Mode::Normal => self
                .bindings
                .iter()
                .find(|(k, _)| k.matches(ev))
                .map(|(_, a)| *a),
            Mode::Help => HELP_KEYS
                .iter()
                .find(|(k, _)| k.matches(ev))
                .map(|(_, a)| *a),
            Mode::Filter => {
                if let Some((_, a)) = FILTER_KEYS.iter().find(|(k, _)| k.matches(ev)) {
                    return Some(*a);
                }
                match ev.code {
                    KeyCode::Char(c)
                        if !ev
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                    {
                        Some(Action::FilterInput(c))
                    }
                    _ => None,
                }
            }
        }
    }

    pub fn keys_for(&self, action: Action) -> impl Iterator<Item = &Key> {
        self.bindings
            .iter()
            .filter(move |(_, a)| *a == action)
            .map(|(k, _)| k)
    }

    /// All keys of an action for the help: `j/↓`; None when unbound.
    pub fn label(&self, action: Action) -> Option<String> {
        let labels: Vec<String> = self.keys_for(action).map(Key::label).collect();
        if labels.is_empty() {
            None
        } else {
            Some(labels.join("/"))
        }
    }

    /// The first key of an action, for the key bar.
    pub fn short_label(&self, action: Action) -> Option<String> {
        self.keys_for(action).next().map(Key::label)
    }

    /// The sort-by-column keys in force, for the help's sort legend (they
    /// are not in `help_entries`: twelve lines would crowd out the rest).
    pub fn sort_legend(&self) -> Vec<(String, SortKey)> {
        // In the order of the columns on screen, as `BINDABLE` lists them.
        Action::BINDABLE
            .iter()
            .filter_map(|&a| match a {
                Action::SortBy(k) => self.label(a).map(|l| (l, k)),
                _ => None,
            })
            .collect()
    }

    /// Help lines: (keys, description) for every bound action but the
    /// sort-by-column ones, plus the fixed keys of the filter line.
    pub fn help_entries(&self) -> Vec<(String, &'static str)> {
        self.help_entries_in(crate::ui::i18n::Lang::En.texts())
    }

    /// `help_entries` in the language of `tx`.
    pub fn help_entries_in(&self, tx: &crate::ui::i18n::Texts) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Action::BINDABLE
            .iter()
            .filter(|a| !matches!(a, Action::SortBy(_)))
            .filter_map(|&a| self.label(a).map(|l| (l, (tx.action)(a))))
            .collect();
        out.extend(
            FILTER_KEYS
                .iter()
                .take(3)
                .map(|(k, a)| (format!("{} ({})", k.label(), tx.filter), (tx.action)(*a))),
        );
        out
    }
}

/// What the key bar offers, most important first, for the focused pane and
/// mode; items drop from the end as the terminal narrows.
pub fn bar_actions(focus: Pane, mode: Mode) -> &'static [Action] {
    use Action::*;
    match mode {
        Mode::Help => &[Close],
        Mode::Filter => &[FilterCommit, FilterCancel, FilterBackspace],
        Mode::Normal => match focus {
            Pane::Lots => &[
                Help,
                Quit,
                OpenDetail,
                StartFilter,
                SortNext,
                SortReverse,
                ToggleWatched,
                ToggleWatchedOnly,
                CycleCurrency,
                FocusNext,
                Refresh,
            ],
            Pane::Detail => &[
                Help,
                Quit,
                Close,
                Down,
                Up,
                FocusPane(3),
                CycleCurrency,
                ToggleWatched,
                FocusNext,
            ],
            Pane::Bids => &[Help, Quit, Close, Down, Up, CycleCurrency, FocusNext],
            Pane::Events | Pane::Anomalies => &[
                Help, Quit, Close, Down, Up, PageDown, Top, Bottom, FocusNext,
            ],
            Pane::Summary => &[Help, Quit, Close, CycleCurrency, FocusNext],
        },
    }
}

/// The label of a fixed filter-mode key, for the key bar.
pub fn fixed_label(action: Action) -> Option<String> {
    FILTER_KEYS
        .iter()
        .chain(HELP_KEYS.iter())
        .find(|(_, a)| *a == action)
        .map(|(k, _)| k.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn normal_mode_keys() {
        let km = Keymap::default();
        let n = |code, mods| km.action(&key(code, mods), Mode::Normal);
        assert_eq!(n(KeyCode::Tab, KeyModifiers::NONE), Some(Action::FocusNext));
        assert_eq!(
            n(KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Action::FocusPrev)
        );
        assert_eq!(
            n(KeyCode::Char('3'), KeyModifiers::NONE),
            Some(Action::FocusPane(3))
        );
        assert_eq!(
            n(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Action::Down)
        );
        assert_eq!(
            n(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(
            n(KeyCode::Char('S'), KeyModifiers::SHIFT),
            Some(Action::SortReverse)
        );
        assert_eq!(
            n(KeyCode::Char('r'), KeyModifiers::CONTROL),
            Some(Action::Refresh)
        );
        assert_eq!(
            n(KeyCode::Char('R'), KeyModifiers::CONTROL),
            Some(Action::Refresh)
        );
        assert_eq!(
            n(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(
            n(KeyCode::Char('c'), KeyModifiers::NONE),
            Some(Action::CycleCurrency)
        );
        assert_eq!(
            n(KeyCode::Char('z'), KeyModifiers::CONTROL),
            Some(Action::Suspend)
        );
        assert_eq!(n(KeyCode::Char('x'), KeyModifiers::NONE), None);
        assert_eq!(n(KeyCode::Char('q'), KeyModifiers::ALT), None);
        let mut release = key(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(km.action(&release, Mode::Normal), None);
    }

    #[test]
    fn filter_mode_takes_text_and_help_mode_only_closes() {
        let km = Keymap::default();
        let f = |code, mods| km.action(&key(code, mods), Mode::Filter);
        assert_eq!(
            f(KeyCode::Char('q'), KeyModifiers::NONE),
            Some(Action::FilterInput('q'))
        );
        assert_eq!(
            f(KeyCode::Char('Ж'), KeyModifiers::SHIFT),
            Some(Action::FilterInput('Ж'))
        );
        assert_eq!(
            f(KeyCode::Enter, KeyModifiers::NONE),
            Some(Action::FilterCommit)
        );
        assert_eq!(
            f(KeyCode::Esc, KeyModifiers::NONE),
            Some(Action::FilterCancel)
        );
        assert_eq!(
            f(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        let h = |code, mods| km.action(&key(code, mods), Mode::Help);
        assert_eq!(h(KeyCode::Esc, KeyModifiers::NONE), Some(Action::Close));
        assert_eq!(h(KeyCode::Char('j'), KeyModifiers::NONE), None);
    }

    #[test]
    fn every_bindable_action_has_a_key_and_help_lists_it() {
        let km = Keymap::default();
        let help = km.help_entries();
        for a in Action::BINDABLE {
            if matches!(
                a,
                Action::FilterBackspace | Action::FilterCommit | Action::FilterCancel
            ) {
                continue; // fixed keys of the filter line
            }
            if let Action::SortBy(k) = a {
                let label = km.label(a).expect("every column has a sort key");
                assert!(km.sort_legend().contains(&(label, k)), "{}", a.name());
                continue;
            }
            let label = km
                .label(a)
                .unwrap_or_else(|| panic!("{} unbound", a.name()));
            assert!(
                help.iter().any(
                    |(l, d)| *l == label && *d == (crate::ui::i18n::Lang::En.texts().action)(a)
                ),
                "{}",
                a.name()
            );
        }
    }

    #[test]
    fn rebinding_moves_the_key_and_unbinding_removes_it() {
        let mut km = Keymap::default();
        km.bind(Action::Quit, &[Key::ch('x')]);
        assert_eq!(
            km.action(&key(KeyCode::Char('x'), KeyModifiers::NONE), Mode::Normal),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&key(KeyCode::Char('q'), KeyModifiers::NONE), Mode::Normal),
            None
        );
        km.bind(Action::Help, &[]);
        assert_eq!(km.label(Action::Help), None);
        assert!(!km.help_entries().iter().any(|(_, d)| *d == "help"));
    }

    #[test]
    fn ctrl_c_quits_whatever_quit_is_rebound_to() {
        let mut km = Keymap::default();
        km.bind(Action::Quit, &[Key::ch('x')]);
        km.bind(Action::Help, &[Key::ctrl('c')]);
        assert_eq!(
            km.action(
                &key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Mode::Normal
            ),
            Some(Action::Quit)
        );
    }

    #[test]
    fn a_replay_has_no_refresh_and_leaves_its_keys_to_the_replay() {
        let mut km = Keymap::default();
        km.bind(Action::Help, &[Key::ch('?'), Key::ch(' ')]);
        km.for_replay();
        let n = |code| km.action(&key(code, KeyModifiers::NONE), Mode::Normal);
        assert_eq!(km.label(Action::Refresh), None);
        assert_eq!(n(KeyCode::Right), None);
        assert_eq!(n(KeyCode::Left), None);
        assert_eq!(n(KeyCode::Char(' ')), None);
        assert_eq!(n(KeyCode::Tab), Some(Action::FocusNext));
        assert_eq!(km.label(Action::FocusNext).as_deref(), Some("Tab/l"));
        assert_eq!(km.label(Action::Help).as_deref(), Some("?"));
        assert!(
            !km.help_entries().iter().any(|(k, _)| k.contains("Ctrl-R")),
            "{:?}",
            km.help_entries()
        );
    }
}
