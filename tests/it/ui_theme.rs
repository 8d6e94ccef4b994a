//! Themes and configured keys as the screen shows them: NO_COLOR leaves no
//! colour in any cell, the named themes really colour, and the help overlay
//! and key bar show the bindings in force.

use crate::support::screens;

use lotwatch::app::{Action, App, Msg};
use lotwatch::ui::keys::Keymap;
use lotwatch::ui::keyspec;
use lotwatch::ui::theme::{Theme, ThemeName};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use screens::*;

const THEMES: [ThemeName; 4] = [
    ThemeName::Terminal,
    ThemeName::Dark,
    ThemeName::Light,
    ThemeName::HighContrast,
];

fn draw(app: &mut App, w: u16, h: u16, keys: &Keymap, theme: &Theme) -> Buffer {
    app.update(Msg::Resize { w, h }, NOW);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let view = lotwatch::ui::View {
        keys: keys.clone(),
        theme: *theme,
        lang: lotwatch::ui::i18n::Lang::En,
    };
    term.draw(|f| lotwatch::ui::draw(f, app, NOW, &view))
        .expect("draw");
    term.backend().buffer().clone()
}

fn coloured_cells(buf: &Buffer) -> usize {
    buf.content()
        .iter()
        .filter(|c| {
            c.fg != Color::Reset || c.bg != Color::Reset || c.underline_color != Color::Reset
        })
        .count()
}

/// The screens most likely to use colour: live lots, each pane focused, the
/// detail with bids, the help overlay, the demo badge.
fn screens() -> Vec<App> {
    let mut out = vec![live(true), live(false)];
    for n in 2..=4 {
        let mut app = live(false);
        select(&mut app, "401102");
        act(&mut app, Action::FocusPane(n));
        out.push(app);
    }
    let mut help = live(false);
    act(&mut help, Action::Help);
    out.push(help);
    out
}

#[test]
fn no_color_leaves_no_colour_in_any_theme() {
    for name in THEMES {
        let theme = Theme::named(name, true);
        for mut app in screens() {
            for (w, h) in [(80, 24), (200, 50)] {
                let buf = draw(&mut app, w, h, &Keymap::default(), &theme);
                assert_eq!(coloured_cells(&buf), 0, "{name:?} at {w}x{h}");
            }
        }
    }
}

#[test]
fn the_named_themes_do_colour_and_differ() {
    let mut seen = Vec::new();
    for name in THEMES {
        let mut app = live(false);
        let buf = draw(
            &mut app,
            120,
            40,
            &Keymap::default(),
            &Theme::named(name, false),
        );
        assert!(coloured_cells(&buf) > 0, "{name:?}");
        seen.push(Theme::named(name, false));
    }
    for i in 0..seen.len() {
        for j in i + 1..seen.len() {
            assert_ne!(seen[i], seen[j], "{:?} = {:?}", THEMES[i], THEMES[j]);
        }
    }
}

#[test]
fn no_color_keeps_the_signals_as_symbols_and_modifiers() {
    let mut app = live(false);
    let plain = screen_text(&draw(
        &mut app,
        200,
        50,
        &Keymap::default(),
        &Theme::terminal(),
    ));
    let mono = screen_text(&draw(
        &mut app,
        200,
        50,
        &Keymap::default(),
        &Theme::named(ThemeName::Terminal, true),
    ));
    // The same characters: nothing was carried by colour alone.
    assert_eq!(plain, mono);
    let t = Theme::named(ThemeName::Dark, true);
    assert_ne!(t.selected, t.text, "the cursor row is still marked");
    assert_ne!(t.bad, t.good, "errors still stand out");
}

fn keymap(bind: &[(&str, &[&str])]) -> Keymap {
    let mut km = Keymap::default();
    for (name, keys) in bind {
        let action = Action::from_name(name).expect("known action");
        let keys: Vec<_> = keys
            .iter()
            .map(|k| keyspec::parse(k).expect("key"))
            .collect();
        km.bind(action, &keys);
    }
    km
}

#[test]
fn help_overlay_and_key_bar_show_the_bindings_in_force() {
    let km = keymap(&[("help", &["F1"]), ("quit", &[]), ("refresh", &["F5"])]);
    let mut app = live(false);
    let bar = screen_text(&draw(&mut app, 200, 50, &km, &Theme::terminal()));
    let last = bar.lines().last().unwrap_or("");
    assert!(last.contains("F1"), "key bar: {last}");
    assert!(!last.contains("?"), "key bar still shows ?: {last}");
    assert!(
        !last.contains((lotwatch::ui::i18n::Lang::En.texts().action)(Action::Quit)),
        "unbound quit in the key bar: {last}"
    );
    act(&mut app, Action::Help);
    let help = screen_text(&draw(&mut app, 200, 50, &km, &Theme::terminal()));
    assert!(help.contains("F5"), "{help}");
    assert!(!help.contains("Ctrl-R"), "{help}");
    assert!(!help.contains("Ctrl-C"), "{help}");
    let default_help = screen_text(&draw(
        &mut app,
        200,
        50,
        &Keymap::default(),
        &Theme::terminal(),
    ));
    assert!(default_help.contains("Ctrl-R"), "{default_help}");
}
