//! Key presses through the key map into the app, as the terminal loop does
//! it: the mode decides what a key means (typing `q` into the filter does
//! not quit; Esc leaves the help before anything else).

use crate::support::screens;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lotwatch::app::{App, Effect, Mode, Msg, Pane, Update};
use lotwatch::ui::keys::Keymap;
use screens::*;

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Update {
    match Keymap::default().action(&KeyEvent::new(code, mods), app.mode()) {
        Some(a) => app.update(Msg::Action(a), NOW),
        None => Update::default(),
    }
}

fn typ(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c), KeyModifiers::NONE).effects)
        .collect()
}

#[test]
fn tab_j_slash_text_esc_help_quit() {
    let mut app = live(false);
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(app.focus(), Pane::Detail);
    press(&mut app, KeyCode::Char('1'), KeyModifiers::NONE);
    let before = app.selected_row();
    press(&mut app, KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(app.selected_row(), before.map(|r| r + 1));

    press(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    assert_eq!(app.mode(), Mode::Filter);
    let effects = typ(&mut app, "quit gold");
    assert!(
        effects.iter().all(|e| *e != Effect::Quit),
        "letters are text while filtering"
    );
    assert_eq!(app.filter_text(), "quit gold");
    assert_eq!(app.lots().view_len(), 0);
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(app.lots().view_len(), 12);

    press(&mut app, KeyCode::Char('?'), KeyModifiers::NONE);
    assert_eq!(app.mode(), Mode::Help);
    assert!(render(&mut app, 80, 24).contains("Help: keys"));
    // q in the help closes it rather than quitting
    assert!(
        press(&mut app, KeyCode::Char('q'), KeyModifiers::NONE)
            .effects
            .is_empty()
    );
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(
        press(&mut app, KeyCode::Char('q'), KeyModifiers::NONE).effects,
        vec![Effect::Quit]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL).effects,
        vec![Effect::Quit]
    );
}

#[test]
fn filter_by_cyrillic_text_then_commit() {
    let mut app = live(false);
    press(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    typ(&mut app, "учаск");
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.mode(), Mode::Normal);
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("Бестау учаскесі") && screen.contains("Майкаин учаскесі"),
        "{screen}"
    );
    assert!(!screen.contains("Коктас"), "{screen}");
    assert!(screen.contains("filter: учаск"), "{screen}");
}
