//! The named user actions. The app reacts to these, never to key codes; each
//! has a stable name so that key bindings can be configured by name.

use super::Pane;
use super::lots::SortKey;
use std::borrow::Cow;

/// One thing the user asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    FocusNext,
    FocusPrev,
    /// Jump to pane 1..=4 (lots, detail, bids, events).
    FocusPane(u8),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenDetail,
    /// Esc: close the help overlay, or go back to the lots pane.
    Close,
    CycleCurrency,
    Refresh,
    Quit,
    Help,
    StartFilter,
    FilterInput(char),
    FilterBackspace,
    FilterCommit,
    FilterCancel,
    ToggleWatched,
    ToggleWatchedOnly,
    SortNext,
    SortReverse,
    /// Sort by this column; the same column again reverses the direction
    /// (also what a click on a column header does).
    SortBy(SortKey),
    Suspend,
    /// Turn mouse capture off (the terminal's own text selection works) or on.
    ToggleMouse,
    /// The next layout (`--layout`, `[layout.NAME]`).
    CycleLayout,
    /// Mouse: select the lot on this row of the lots view.
    SelectRow(usize),
    /// Mouse wheel: scroll this pane by so many rows (negative: up), whatever
    /// pane has the focus.
    Scroll(Pane, i16),
}

impl Action {
    /// Every action a key can be bound to, in the order the help lists them.
    pub const BINDABLE: [Action; 43] = [
        Action::Help,
        Action::Quit,
        Action::Suspend,
        Action::Refresh,
        Action::FocusNext,
        Action::FocusPrev,
        Action::FocusPane(1),
        Action::FocusPane(2),
        Action::FocusPane(3),
        Action::FocusPane(4),
        Action::FocusPane(5),
        Action::FocusPane(6),
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::OpenDetail,
        Action::Close,
        Action::CycleCurrency,
        Action::StartFilter,
        Action::FilterBackspace,
        Action::FilterCommit,
        Action::FilterCancel,
        Action::ToggleWatched,
        Action::ToggleWatchedOnly,
        Action::SortNext,
        Action::SortReverse,
        Action::SortBy(SortKey::Number),
        Action::SortBy(SortKey::Name),
        Action::SortBy(SortKey::Region),
        Action::SortBy(SortKey::Minerals),
        Action::SortBy(SortKey::License),
        Action::SortBy(SortKey::Status),
        Action::SortBy(SortKey::HighBid),
        Action::SortBy(SortKey::NextMin),
        Action::SortBy(SortKey::Bids),
        Action::SortBy(SortKey::Leader),
        Action::SortBy(SortKey::TimeLeft),
        Action::SortBy(SortKey::Extensions),
        Action::ToggleMouse,
        Action::CycleLayout,
    ];

    /// The stable name used in configuration files.
    pub fn name(self) -> Cow<'static, str> {
        let s = match self {
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::FocusPane(n) => return Cow::Owned(format!("focus_pane_{n}")),
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::OpenDetail => "open_detail",
            Action::Close => "close",
            Action::CycleCurrency => "cycle_currency",
            Action::Refresh => "refresh",
            Action::Quit => "quit",
            Action::Help => "help",
            Action::StartFilter => "start_filter",
            Action::FilterInput(_) => "filter_input",
            Action::FilterBackspace => "filter_backspace",
            Action::FilterCommit => "filter_commit",
            Action::FilterCancel => "filter_cancel",
            Action::ToggleWatched => "toggle_watch",
            Action::ToggleWatchedOnly => "toggle_watched_only",
            Action::SortNext => "sort_next",
            Action::SortReverse => "sort_reverse",
            Action::SortBy(k) => return Cow::Owned(format!("sort_by_{}", k.name())),
            Action::Suspend => "suspend",
            Action::ToggleMouse => "toggle_mouse",
            Action::CycleLayout => "cycle_layout",
            Action::SelectRow(_) => "select_row",
            Action::Scroll(..) => "scroll",
        };
        Cow::Borrowed(s)
    }

    /// The action a configuration name stands for (bindable actions only).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::BINDABLE.into_iter().find(|a| a.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::BINDABLE {
            assert!(seen.insert(a.name()), "duplicate name {}", a.name());
            assert_eq!(Action::from_name(&a.name()), Some(a));
        }
        assert_eq!(Action::from_name("no_such_action"), None);
    }
}
