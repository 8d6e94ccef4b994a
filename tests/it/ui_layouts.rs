//! The screens each user chooses: every built-in layout at 80x24 and
//! 160x45, a user's layout, the user's columns (dropping from the right on
//! a narrow terminal), the layout key, and the configuration's note.

use crate::support::screens;

use lotwatch::app::Action;
use lotwatch::app::Pane;
use lotwatch::app::screens::{Column, Layout, Layouts};
use screens::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

fn in_layout(name: &str) -> lotwatch::app::App {
    let mut app = live(false);
    app.set_layouts(Layouts::new(Vec::new(), Some(name)).expect("built in"));
    app
}

#[test]
fn each_built_in_layout_at_both_sizes() {
    for name in ["default", "bidder", "official", "wallboard"] {
        for (w, h) in SIZES {
            let mut app = in_layout(name);
            insta::assert_snapshot!(format!("layout_{name}_{w}x{h}"), render(&mut app, w, h));
        }
    }
}

#[test]
fn the_default_layout_is_the_screen_lotwatch_always_had() {
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut app = in_layout("default");
        let mut plain = live(false);
        assert_eq!(render(&mut app, w, h), render(&mut plain, w, h));
    }
}

#[test]
fn the_layout_key_cycles_and_tab_stays_in_the_layout() {
    let mut app = live(false);
    let mut seen = Vec::new();
    for _ in 0..4 {
        act(&mut app, Action::CycleLayout);
        seen.push(app.layouts().current().name.clone());
    }
    assert_eq!(seen, ["bidder", "official", "wallboard", "default"]);
    let mut app = in_layout("official");
    let mut order = Vec::new();
    for _ in 0..4 {
        act(&mut app, Action::FocusNext);
        order.push(app.focus());
    }
    assert_eq!(
        order,
        [Pane::Summary, Pane::Anomalies, Pane::Events, Pane::Lots]
    );
    // The help lists the key.
    act(&mut app, Action::Help);
    let screen = render(&mut app, 160, 45);
    assert!(screen.contains("next layout"), "{screen}");
}

#[test]
fn a_users_layout_and_a_pane_it_does_not_name() {
    let mine = Layout::user("mine", &["bids".into(), "lots".into()], &[30, 1]).expect("valid");
    let mut app = live(false);
    app.set_layouts(Layouts::new(vec![mine], Some("mine")).expect("known"));
    insta::assert_snapshot!("layout_user_bids_over_lots_80x24", render(&mut app, 80, 24));
    // Pane 4 (events) is not in it: focused, it takes the lower area.
    act(&mut app, Action::FocusPane(4));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("4 Events"), "{screen}");
}

#[test]
fn the_users_columns_in_their_order_dropping_from_the_right() {
    let cols = Column::parse_list(&[
        "number".into(),
        "time_left".into(),
        "high_bid".into(),
        "deadline".into(),
        "start_bonus".into(),
        "guarantee".into(),
        "high_usd".into(),
        "extensions".into(),
        "participants".into(),
        "name".into(),
    ])
    .expect("valid");
    let mut app = live(false);
    app.set_columns(Some(cols));
    insta::assert_snapshot!("columns_user_160x45", render(&mut app, 160, 45));
    let narrow = render(&mut app, 80, 24);
    insta::assert_snapshot!("columns_user_80x24", narrow);
    let header = narrow.lines().nth(3).unwrap_or_default().to_string();
    // The user's order; what does not fit goes from the right of the list.
    let at = |s: &str| header.find(s);
    assert!(
        at("No.") < at("Time left") && at("Time left") < at("High bid"),
        "{header}"
    );
    assert!(
        at("Name").is_none() && at("Participants").is_none(),
        "{header}"
    );
}

#[test]
fn a_configuration_error_shows_in_the_key_bars_place() {
    let mut app = live(false);
    app.set_config_note(Some(
        "config: line 3: key `theme`: unknown variant `neon`".into(),
    ));
    let screen = render(&mut app, 80, 24);
    let last = screen.lines().last().unwrap_or_default();
    assert!(last.starts_with(" config: line 3: key `theme`"), "{last}");
    let mut wall = in_layout("wallboard");
    wall.set_config_note(Some("config: line 3: oops".into()));
    assert!(render(&mut wall, 160, 45).contains("config: line 3: oops"));
}

#[test]
fn an_alert_flashes_on_the_wallboard_too() {
    use lotwatch::domain::{Event, EventKind, Money};
    use lotwatch::sync::SyncMsg;
    let mut app = in_layout("wallboard");
    let lot = app.lots().row(1).map(|(l, _)| l.clone()).expect("a lot");
    let seq = app.feed_seq();
    let high = lot
        .high_bid
        .as_ref()
        .map(|h| h.amount)
        .or(lot.starting_bonus.known())
        .expect("the demo lot's starting bonus is known");
    let bid = |seq, tenge: i64, who: &str| Event {
        seq,
        at: ts(-1),
        lot_id: Some(lot.id.clone()),
        kind: EventKind::Bid {
            amount: high.saturating_add(Money::from_tenge(tenge)),
            bidder: who.into(),
            closes_at: lot.closes_at,
        },
    };
    send(
        &mut app,
        SyncMsg::Events(vec![
            bid(seq + 1, 5_000_000, "P-07"),
            bid(seq + 2, 10_000_000, "P-02"),
        ]),
    );
    let screen = render(&mut app, 160, 45);
    let line = screen.lines().nth(3).unwrap_or_default();
    assert!(
        line.starts_with(&format!(" ! {} OUTBID", lot.number)),
        "the alert line under the day's line:\n{screen}"
    );
    // The flash ends: the line goes.
    let later = render_after(&mut app, 160, 45, 10_000);
    assert!(!later.contains("OUTBID"), "{later}");
}

#[test]
fn the_wallboard_ticks_for_every_open_lots_countdown() {
    use lotwatch::app::countdown::countdown;
    use lotwatch::domain::LotStatus;
    let mut app = in_layout("wallboard");
    app.update(lotwatch::app::Msg::Resize { w: 160, h: 45 }, NOW);
    let server = app.server_now(NOW).expect("a clock");
    let soonest_change = app
        .lots()
        .iter()
        .filter(|l| l.status == LotStatus::Open)
        .filter_map(|l| countdown(l, Some(server), None).next_change_ms())
        .min()
        .expect("open lots");
    let tick = app.next_tick(NOW).expect("a tick");
    assert!(
        tick.0 <= NOW.0 + soonest_change,
        "{tick:?} vs +{soonest_change}"
    );
}

#[test]
fn the_mouse_hits_the_panes_of_the_layout_in_force() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    use lotwatch::ui::i18n::Lang;
    use ratatui::layout::Rect;
    let mut app = in_layout("official");
    let screen = render(&mut app, 160, 45);
    // The events pane is the lower right one in the official layout.
    let y = screen
        .lines()
        .position(|l| l.contains("4 Events"))
        .expect("the events pane") as u16
        + 2;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 150,
        row: y,
        modifiers: KeyModifiers::NONE,
    };
    let area = Rect::new(0, 0, 160, 45);
    let actions = lotwatch::ui::mouse::actions(&app, area, &click, Lang::En);
    assert_eq!(actions.first(), Some(&Action::FocusPane(4)), "{actions:?}");
    // The wall-board has no panes: a click means nothing.
    let wall = in_layout("wallboard");
    assert!(lotwatch::ui::mouse::actions(&wall, area, &click, Lang::En).is_empty());
}
