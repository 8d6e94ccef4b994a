//! Whole screens with their styles (every cell's colours and modifiers, as
//! ratatui's `Buffer` debug output lists them): the text snapshots of the
//! other `ui_*` tests do not see styles, so a change in how a pane is drawn
//! (e.g. the lots rows written straight into the buffer) must leave these
//! byte-identical too.

use crate::support::screens;

use lotwatch::app::{Action, App, Msg};
use lotwatch::domain::clock::Mono;
use lotwatch::sync::{LinkState, SyncMsg};
use lotwatch::ui::View;
use lotwatch::ui::i18n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use screens::*;

fn styled(app: &mut App, w: u16, h: u16, later_ms: u64) -> String {
    styled_in(app, Lang::En, w, h, later_ms)
}

fn styled_in(app: &mut App, lang: Lang, w: u16, h: u16, later_ms: u64) -> String {
    let now = Mono(NOW.0 + later_ms);
    app.update(Msg::Resize { w, h }, now);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lotwatch::ui::draw(f, app, now, &View::in_lang(lang)))
        .expect("draw");
    format!("{:?}", term.backend().buffer())
}

#[test]
fn live_lots_selected_watched_and_sorted() {
    let mut app = live(false);
    select(&mut app, "401102");
    act(&mut app, Action::ToggleWatched);
    act(&mut app, Action::SortNext);
    act(&mut app, Action::SortReverse);
    insta::assert_snapshot!("styles_live_200x50", styled(&mut app, 200, 50, 0));
    insta::assert_snapshot!("styles_live_100x30", styled(&mut app, 100, 30, 0));
}

#[test]
fn offline_in_dollars_with_ages_in_russian() {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Link(LinkState::Offline {
            since: ts(5),
            cause: lotwatch::sync::LinkCause::Refused,
        }),
    );
    act(&mut app, Action::CycleCurrency);
    insta::assert_snapshot!(
        "styles_offline_usd_ru_200x50",
        styled_in(&mut app, Lang::Ru, 200, 50, 95_000)
    );
}

#[test]
fn demo_focused_lots_pane_narrow() {
    let mut app = live(true);
    act(&mut app, Action::FocusPane(1));
    insta::assert_snapshot!("styles_demo_80x24", styled(&mut app, 80, 24, 0));
}
