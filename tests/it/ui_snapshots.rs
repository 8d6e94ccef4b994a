//! Whole-screen snapshots of the monitor at 80x24, 120x40 and 200x50, from a
//! realistic auction moment built through `App::update` with a fake clock.

use crate::support::screens;

use lotwatch::app::Action;
use lotwatch::domain::Timestamp;
use lotwatch::rates::RateSource;
use lotwatch::sync::{LinkState, SyncMsg};
use screens::*;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

fn snap_all(name: &str, mut app: lotwatch::app::App) {
    for (w, h) in SIZES {
        let screen = render(&mut app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

#[test]
fn connecting_before_any_data() {
    let mut app = empty(false);
    insta::assert_snapshot!("connecting_80x24", render(&mut app, 80, 24));
}

#[test]
fn demo_start() {
    snap_all("demo_start", live(true));
}

#[test]
fn each_pane_focused() {
    for (n, name) in [(2, "focus_detail"), (3, "focus_bids"), (4, "focus_events")] {
        let mut app = live(false);
        act(&mut app, Action::FocusPane(n));
        snap_all(name, app);
    }
}

#[test]
fn help_open() {
    let mut app = live(false);
    act(&mut app, Action::Help);
    snap_all("help", app);
}

#[test]
fn filter_applied_and_typing() {
    let mut app = live(false);
    act(&mut app, Action::StartFilter);
    for c in "gold".chars() {
        act(&mut app, Action::FilterInput(c));
    }
    insta::assert_snapshot!("filter_typing_80x24", render(&mut app, 80, 24));
    act(&mut app, Action::FilterCommit);
    snap_all("filter_applied", app);
}

#[test]
fn soft_close_window_and_extended_lot_in_detail() {
    let mut app = live(false);
    select(&mut app, "401125");
    act(&mut app, Action::OpenDetail);
    snap_all("extended_detail", app);
}

#[test]
fn offline_with_usd() {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Link(LinkState::Offline {
            since: ts(5),
            cause: lotwatch::sync::LinkCause::Refused,
        }),
    );
    act(&mut app, Action::CycleCurrency);
    // Seen 95 s after the last good answer: every row says how old it is.
    for (w, h) in SIZES {
        let screen = render_after(&mut app, w, h, 95_000);
        assert!(screen.contains("⌛1m"), "{screen}");
        insta::assert_snapshot!(format!("offline_usd_{w}x{h}"), screen);
    }
}

#[test]
fn retrying_badge_and_clock_skew() {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Link(LinkState::Retrying {
            attempt: 3,
            cause: lotwatch::sync::LinkCause::Unavailable { wait_s: 2 },
        }),
    );
    send(&mut app, SyncMsg::Clock(clock_sample(3_600_000)));
    insta::assert_snapshot!("retrying_skew_120x40", render(&mut app, 120, 40));
}

#[test]
fn scheduled_lot_counting_down_to_its_opening() {
    let mut app = live(false);
    // `s` steps in screen order: name, region, minerals, licence, status.
    for _ in 0..5 {
        act(&mut app, Action::SortNext);
    }
    select(&mut app, "401140");
    act(&mut app, Action::OpenDetail);
    snap_all("scheduled_detail", app);
}

#[test]
fn sorted_by_time_left_reversed_watched_only() {
    let mut app = live(false);
    // `s` steps in screen order: time left is the tenth column.
    for _ in 0..10 {
        act(&mut app, Action::SortNext);
    }
    select(&mut app, "401131");
    act(&mut app, Action::ToggleWatched);
    select(&mut app, "401102");
    act(&mut app, Action::ToggleWatched);
    insta::assert_snapshot!("sorted_time_left_120x40", render(&mut app, 120, 40));
    act(&mut app, Action::ToggleWatchedOnly);
    act(&mut app, Action::SortReverse);
    insta::assert_snapshot!("watched_only_reversed_120x40", render(&mut app, 120, 40));
}

#[test]
fn too_small_says_how_large() {
    let mut app = live(false);
    insta::assert_snapshot!("too_small_59x15", render(&mut app, 59, 15));
}

#[test]
fn stale_rates_and_fallback() {
    let mut app = live(false);
    let mut r = rates();
    r.date = Some(jiff::civil::date(2025, 6, 21));
    r.fallback = Some(lotwatch::rates::Fallback {
        failed: vec![(RateSource::Platform, "HTTP 500".into())],
        using: lotwatch::rates::FallbackTo::Source(RateSource::Nbk),
    });
    r.fetched_at = Timestamp(ts(0).0 - 3 * 3_600_000);
    send(&mut app, SyncMsg::Rates(r));
    act(&mut app, Action::CycleCurrency);
    act(&mut app, Action::CycleCurrency);
    insta::assert_snapshot!("stale_rates_eur_120x40", render(&mut app, 120, 40));
    // The fallback note in the interface language.
    for (lang, note) in [
        (
            lotwatch::ui::i18n::Lang::Ru,
            "резерв: курсы платформы не получены",
        ),
        (
            lotwatch::ui::i18n::Lang::Kk,
            "резерв: платформа бағамдары алынбады",
        ),
    ] {
        let screen = render_in(&mut app, lang, 200, 40);
        assert!(screen.contains(note), "{screen}");
    }
}
