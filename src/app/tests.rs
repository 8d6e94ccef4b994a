//! Unit tests of `App::update`: messages in, state and effects out.

use super::*;
use crate::domain::clock::ClockSample;
use crate::domain::{Event, EventKind, HighBid, LotStatus, Money, Rate};
use crate::rates::RateSource;
use crate::testing::test_lot;
use std::collections::BTreeMap;

const T0: i64 = 1_750_741_200_000; // 2025-06-24T05:00:00Z

fn lot(id: &str, name: &str) -> Lot {
    let mut l = test_lot();
    l.id = id.into();
    l.number = id.into();
    l.name = name.into();
    l.opens_at = Timestamp(T0);
    l.closes_at = Timestamp(T0 + 30 * 60_000);
    l
}

/// An app at server time T0 (= Mono(1000)), 120x40, holding `lots`.
pub(super) fn app_with(lots: Vec<Lot>) -> App {
    let mut app = App::new(AppOptions::default());
    app.update(
        Msg::Sync(SyncMsg::Clock(ClockSample {
            server: Timestamp(T0),
            sent: Mono(1000),
            received: Mono(1000),
            local_wall: Timestamp(T0),
            from_date_header: false,
        })),
        Mono(1000),
    );
    app.update(Msg::Resize { w: 120, h: 40 }, Mono(1000));
    app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 10,
            lots,
            rejected: vec![],
        }),
        Mono(1000),
    );
    app
}

pub(super) fn act(app: &mut App, a: Action) -> Update {
    app.update(Msg::Action(a), Mono(1000))
}

fn bid(seq: u64, id: &str, tenge: i64, bidder: &str) -> Event {
    Event {
        seq,
        at: Timestamp(T0 + 60_000),
        lot_id: Some(id.into()),
        kind: EventKind::Bid {
            amount: Money::from_tenge(tenge),
            bidder: bidder.into(),
            closes_at: Timestamp(T0 + 30 * 60_000),
        },
    }
}

fn rates(codes: &[(Currency, &str)]) -> RateTable {
    RateTable {
        source: RateSource::Nbk,
        date: Some(jiff::civil::date(2025, 6, 24)),
        rates: codes
            .iter()
            .map(|(c, r)| (*c, Rate(r.parse().expect("test rate"))))
            .collect::<BTreeMap<_, _>>(),
        fetched_at: Timestamp(T0),
        fallback: None,
    }
}

#[test]
fn snapshot_selects_the_first_lot_and_asks_for_its_bids() {
    let mut app = App::new(AppOptions::default());
    let up = app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 5,
            lots: vec![lot("B", "b"), lot("A", "a")],
            rejected: vec![],
        }),
        Mono(0),
    );
    assert!(up.redraw);
    assert_eq!(
        up.effects,
        vec![Effect::Sync(SyncCmd::SelectLot(Some("A".into())))]
    );
    assert_eq!(app.selected_lot().map(|l| l.id.as_str()), Some("A"));
    assert_eq!(app.feed_seq(), 5);
}

#[test]
fn events_apply_in_order_and_duplicates_are_skipped() {
    let mut app = app_with(vec![lot("A", "a")]);
    app.update(
        Msg::Sync(SyncMsg::Events(vec![
            bid(11, "A", 1000, "P-01"),
            bid(12, "A", 1010, "P-02"),
        ])),
        Mono(1000),
    );
    // seq 12 again (a replayed page) must not count twice
    app.update(
        Msg::Sync(SyncMsg::Events(vec![bid(12, "A", 1010, "P-02")])),
        Mono(1000),
    );
    let l = app.selected_lot().expect("test input is valid");
    assert_eq!(l.bid_count, 2);
    assert_eq!(
        l.high_bid.as_ref().map(|h| h.amount),
        Some(Money::from_tenge(1010))
    );
    assert_eq!(app.feed_seq(), 12);
    assert_eq!(app.log().len(), 2);
    assert_eq!(
        app.log().newest(0).map(|e| &e.text),
        Some(&crate::app::log::LogText::Bid {
            amount: Money::from_tenge(1010),
            bidder: "P-02".into()
        })
    );
}

#[test]
fn focus_cycles_and_jumps_and_esc_goes_back() {
    let mut app = app_with(vec![lot("A", "a")]);
    assert_eq!(app.focus(), Pane::Lots);
    act(&mut app, Action::FocusNext);
    assert_eq!(app.focus(), Pane::Detail);
    act(&mut app, Action::FocusPrev);
    act(&mut app, Action::FocusPrev);
    assert_eq!(app.focus(), Pane::Summary);
    act(&mut app, Action::FocusPrev);
    assert_eq!(app.focus(), Pane::Anomalies);
    act(&mut app, Action::FocusPrev);
    assert_eq!(app.focus(), Pane::Events);
    act(&mut app, Action::FocusPane(6));
    assert_eq!(app.focus(), Pane::Summary);
    act(&mut app, Action::FocusPane(5));
    assert_eq!(app.focus(), Pane::Anomalies);
    act(&mut app, Action::FocusPane(3));
    assert_eq!(app.focus(), Pane::Bids);
    assert!(!act(&mut app, Action::FocusPane(9)).redraw);
    act(&mut app, Action::Close);
    assert_eq!(app.focus(), Pane::Lots);
    act(&mut app, Action::OpenDetail);
    assert_eq!(app.focus(), Pane::Detail);
}

#[test]
fn moving_selection_changes_the_watched_lot_once() {
    let mut app = app_with((0..30).map(|i| lot(&format!("L{i:02}"), "x")).collect());
    let up = act(&mut app, Action::Down);
    assert_eq!(
        up.effects,
        vec![Effect::Sync(SyncCmd::SelectLot(Some("L01".into())))]
    );
    let up = act(&mut app, Action::Top);
    assert_eq!(app.selected_row(), Some(0));
    assert_eq!(up.effects.len(), 1);
    assert!(act(&mut app, Action::Up).effects.is_empty());
    act(&mut app, Action::Bottom);
    assert_eq!(app.selected_row(), Some(29));
    // the selected row stays on screen
    let rows = crate::app::viewport::lots_rows((120, 40), Pane::Lots);
    assert!(app.lots_top <= 29 && 29 < app.lots_top + rows);
    act(&mut app, Action::PageUp);
    assert_eq!(app.selected_row(), Some(29 - rows));
}

#[test]
fn filter_typing_is_live_cancel_restores_commit_keeps() {
    let mut app = app_with(vec![
        lot("A", "Сарлы"),
        lot("B", "Жаркамыс"),
        lot("C", "Сарыарка"),
    ]);
    act(&mut app, Action::StartFilter);
    assert_eq!(app.mode(), Mode::Filter);
    for c in "сар".chars() {
        act(&mut app, Action::FilterInput(c));
    }
    assert_eq!(app.lots().view_len(), 2);
    act(&mut app, Action::FilterCancel);
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(app.lots().view_len(), 3);
    act(&mut app, Action::StartFilter);
    for c in "жар".chars() {
        act(&mut app, Action::FilterInput(c));
    }
    act(&mut app, Action::FilterBackspace);
    act(&mut app, Action::FilterInput('р'));
    act(&mut app, Action::FilterCommit);
    assert_eq!(app.filter_text(), "жар");
    assert_eq!(app.lots().view_len(), 1);
    assert_eq!(app.selected_lot().map(|l| l.id.as_str()), Some("B"));
    // Esc outside typing: first back to the lots pane, then clear the filter
    act(&mut app, Action::FocusPane(4));
    act(&mut app, Action::Close);
    assert_eq!(app.lots().view_len(), 1);
    act(&mut app, Action::Close);
    assert_eq!(app.filter_text(), "");
    assert_eq!(app.lots().view_len(), 3);
}

#[test]
fn watch_and_watched_only() {
    let mut app = app_with(vec![lot("A", "a"), lot("B", "b")]);
    act(&mut app, Action::Down);
    act(&mut app, Action::ToggleWatched);
    act(&mut app, Action::ToggleWatchedOnly);
    assert_eq!(app.lots().view_len(), 1);
    assert_eq!(app.selected_lot().map(|l| l.id.as_str()), Some("B"));
    act(&mut app, Action::ToggleWatched);
    assert_eq!(app.lots().view_len(), 0);
    act(&mut app, Action::ToggleWatchedOnly);
    assert_eq!(app.lots().view_len(), 2);
}

#[test]
fn sort_cycles_and_reverses_keeping_the_selection() {
    let mut a = lot("A", "a");
    a.high_bid = Some(HighBid {
        amount: Money::from_tenge(5000),
        bidder: "P-01".into(),
        at: Timestamp(T0),
        seq: 1,
    });
    let mut b = lot("B", "b");
    b.high_bid = Some(HighBid {
        amount: Money::from_tenge(1000),
        bidder: "P-02".into(),
        at: Timestamp(T0),
        seq: 2,
    });
    let mut app = app_with(vec![a, b]);
    act(&mut app, Action::SortNext);
    assert_eq!(app.sort(), (SortKey::Name, false));
    // Screen order: region, minerals, licence, status, then the high bid.
    for _ in 0..5 {
        act(&mut app, Action::SortNext);
    }
    assert_eq!(app.sort(), (SortKey::HighBid, false));
    assert_eq!(app.selected_row(), Some(1)); // A has the higher bid, still selected
    act(&mut app, Action::SortReverse);
    assert_eq!(app.selected_row(), Some(0));
}

#[test]
fn currency_cycles_only_through_currencies_with_a_rate() {
    let mut app = app_with(vec![lot("A", "a")]);
    act(&mut app, Action::CycleCurrency);
    assert_eq!(app.currency(), Currency::Kzt, "no rates: stays on tenge");
    app.update(
        Msg::Sync(SyncMsg::Rates(rates(&[
            (Currency::Usd, "519.53"),
            (Currency::Cny, "72.31"),
        ]))),
        Mono(1000),
    );
    act(&mut app, Action::CycleCurrency);
    assert_eq!(app.currency(), Currency::Usd);
    act(&mut app, Action::CycleCurrency);
    assert_eq!(app.currency(), Currency::Cny);
    act(&mut app, Action::CycleCurrency);
    assert_eq!(app.currency(), Currency::Kzt);
}

#[test]
fn effects_for_quit_refresh_suspend() {
    let mut app = app_with(vec![]);
    assert_eq!(act(&mut app, Action::Quit).effects, vec![Effect::Quit]);
    assert_eq!(
        act(&mut app, Action::Refresh).effects,
        vec![Effect::Sync(SyncCmd::RefreshNow)]
    );
    assert_eq!(
        act(&mut app, Action::Suspend).effects,
        vec![Effect::Suspend]
    );
    act(&mut app, Action::Help);
    assert_eq!(app.mode(), Mode::Help);
    act(&mut app, Action::Close);
    assert_eq!(app.mode(), Mode::Normal);
}

#[test]
fn outbid_rings_the_bell_for_me() {
    let mut app = App::new(AppOptions {
        me: Some("P-07".into()),
        ..AppOptions::default()
    });
    app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 0,
            lots: vec![lot("A", "a")],
            rejected: vec![],
        }),
        Mono(0),
    );
    let up = app.update(
        Msg::Sync(SyncMsg::Events(vec![bid(1, "A", 1000, "P-07")])),
        Mono(0),
    );
    assert!(!up.effects.contains(&Effect::Bell));
    let up = app.update(
        Msg::Sync(SyncMsg::Events(vec![bid(2, "A", 1010, "P-01")])),
        Mono(0),
    );
    assert!(up.effects.contains(&Effect::Bell));
}

#[test]
fn bids_for_the_lot_in_view_only_and_feed_bids_extend_them() {
    let mut app = app_with(vec![lot("A", "a"), lot("B", "b")]);
    let b = |seq, tenge| Bid {
        seq,
        at: Timestamp(T0),
        amount: Money::from_tenge(tenge),
        bidder: "P-01".into(),
    };
    let up = app.update(
        Msg::Sync(SyncMsg::Bids {
            lot_id: "B".into(),
            bids: vec![b(1, 1000)],
        }),
        Mono(1000),
    );
    assert!(!up.redraw, "answer for a lot no longer in view is dropped");
    assert!(!app.bid_history().loaded);
    app.update(
        Msg::Sync(SyncMsg::Bids {
            lot_id: "A".into(),
            bids: vec![b(3, 1010), b(2, 1000)],
        }),
        Mono(1000),
    );
    assert_eq!(
        app.bid_history()
            .bids
            .iter()
            .map(|b| b.seq)
            .collect::<Vec<_>>(),
        [2, 3]
    );
    app.update(
        Msg::Sync(SyncMsg::Events(vec![bid(11, "A", 1020, "P-02")])),
        Mono(1000),
    );
    assert_eq!(app.bid_history().bids.back().map(|b| b.seq), Some(11));
    act(&mut app, Action::Down);
    assert_eq!(app.bid_history().lot_id.as_deref(), Some("B"));
    assert!(app.bid_history().bids.is_empty());
}

#[test]
fn next_tick_follows_the_server_second_and_countdowns() {
    let mut l = lot("A", "a");
    l.closes_at = Timestamp(T0 + 10_250); // closes 10.25 s after T0
    let app = app_with(vec![l]);
    // at T0 + 0.5 s the countdown shows 10 s and changes at T0 + 1.25 s; the
    // header clock changes first, at T0 + 1 s
    assert_eq!(app.next_tick(Mono(1500)), Some(Mono(2000)));
    // at T0 + 1.1 s the countdown (9.15 s left -> shows 10) changes at +1.25 s
    assert_eq!(app.next_tick(Mono(2100)), Some(Mono(2250)));
    let no_clock = App::new(AppOptions::default());
    assert_eq!(
        no_clock.next_tick(Mono(0)),
        None,
        "nothing on screen depends on time"
    );
}

#[test]
fn tick_redraws_only_with_time_on_screen() {
    let mut app = App::new(AppOptions::default());
    assert!(!app.update(Msg::Tick, Mono(0)).redraw);
    let mut app2 = app_with(vec![lot("A", "a")]);
    assert!(app2.update(Msg::Tick, Mono(2000)).redraw);
    app2.update(Msg::Resize { w: 30, h: 10 }, Mono(2000));
    assert!(
        !app2.update(Msg::Tick, Mono(3000)).redraw,
        "too small: only a static message"
    );
    assert_eq!(app2.next_tick(Mono(3000)), None);
}

#[test]
fn link_changes_redraw_only_when_different() {
    let mut app = app_with(vec![]);
    assert!(
        app.update(Msg::Sync(SyncMsg::Link(LinkState::Live)), Mono(1000))
            .redraw
    );
    assert!(
        !app.update(Msg::Sync(SyncMsg::Link(LinkState::Live)), Mono(1000))
            .redraw
    );
}

#[test]
fn data_issues_are_bounded_and_logged() {
    let mut app = app_with(vec![]);
    for i in 0..(MAX_ISSUES + 5) {
        let issue = DataIssue {
            lot_id: Some(format!("L{i}")),
            field: "high_bid".into(),
            problem: "bad".into(),
        };
        app.update(Msg::Sync(SyncMsg::DataIssue(issue)), Mono(1000));
    }
    assert_eq!(app.issues().count(), MAX_ISSUES);
    assert_eq!(app.log().newest(0).map(|e| e.kind), Some(LogKind::Issue));
}

#[test]
fn suspended_lot_in_a_snapshot_freezes_at_receipt() {
    let mut l = lot("A", "a");
    l.status = LotStatus::Suspended;
    let app = app_with(vec![l]);
    let (_, meta) = app
        .lots()
        .get(SourceId::FIRST, "A")
        .expect("test input is valid");
    assert_eq!(meta.frozen_left_ms, Some(30 * 60_000));
}

#[test]
fn watchlist_option_watches_lots_from_the_start() {
    let app = App::new(AppOptions {
        watchlist: vec!["401102".into(), "401102".into(), "9".into()],
        ..AppOptions::default()
    });
    assert!(
        app.lots.is_watched("401102"),
        "a duplicate id must not toggle it off"
    );
    assert!(app.lots.is_watched("9"));
    assert_eq!(app.lots.watched_count(), 2);
}

#[test]
fn summary_refreshes_on_a_scheduled_tick_not_on_every_event() {
    let mut app = app_with(vec![lot("A", "a")]);
    act(&mut app, Action::FocusPane(6));
    assert_eq!(app.summary.get().high_sum, Money::ZERO);
    app.update(
        Msg::Sync(SyncMsg::Events(vec![bid(11, "A", 1000, "P-01")])),
        Mono(1100),
    );
    // Recomputed at 1000: the next refresh waits for its slot.
    assert_eq!(app.summary.get().high_sum, Money::ZERO);
    let at = app.next_tick(Mono(1100)).expect("a tick");
    assert!(at <= Mono(1000 + summary::REFRESH_MS), "{at:?}");
    app.update(Msg::Tick, Mono(1000 + summary::REFRESH_MS));
    assert_eq!(app.summary.get().high_sum, Money::from_tenge(1000));
}

#[test]
fn mouse_select_row_and_sort_by() {
    let mut app = app_with((0..30).map(|i| lot(&format!("L{i:02}"), "x")).collect());
    let up = act(&mut app, Action::SelectRow(7));
    assert_eq!(app.selected_row(), Some(7));
    assert_eq!(
        up.effects,
        vec![Effect::Sync(SyncCmd::SelectLot(Some("L07".into())))]
    );
    assert_eq!(app.focus(), Pane::Lots);
    // A row that is not there (the view shrank since the frame): nothing.
    let up = act(&mut app, Action::SelectRow(30));
    assert!(!up.redraw && up.effects.is_empty());
    assert_eq!(app.selected_row(), Some(7));
    act(&mut app, Action::SortReverse);
    act(&mut app, Action::SortBy(SortKey::Name));
    assert_eq!(app.sort(), (SortKey::Name, false), "SortBy sorts ascending");
    assert_eq!(app.selected_lot().map(|l| l.id.as_str()), Some("L07"));
}

#[test]
fn wheel_scrolls_the_lots_rows_and_keeps_the_selection_on_screen() {
    let mut app = app_with((0..100).map(|i| lot(&format!("L{i:02}"), "x")).collect());
    let rows = crate::app::viewport::lots_rows((120, 40), Pane::Lots);
    act(&mut app, Action::SelectRow(5));
    act(&mut app, Action::Scroll(Pane::Lots, 3));
    assert_eq!(app.lots_top, 3);
    assert_eq!(app.selected_row(), Some(5), "still on screen: kept");
    act(&mut app, Action::Scroll(Pane::Lots, 3));
    assert_eq!(app.selected_row(), Some(6), "dragged to the top row");
    act(&mut app, Action::Scroll(Pane::Lots, 1000));
    assert_eq!(app.lots_top, 100 - rows, "stops at the last page");
    assert_eq!(app.selected_row(), Some(100 - rows));
    act(&mut app, Action::Scroll(Pane::Lots, -1000));
    assert_eq!(app.lots_top, 0);
    assert_eq!(
        app.selected_row(),
        Some(rows - 1),
        "dragged to the bottom row"
    );
}

#[test]
fn wheel_scrolls_a_pane_without_focusing_it() {
    let mut app = app_with(vec![lot("A", "a"), lot("B", "b")]);
    let evs: Vec<Event> = (11..31)
        .map(|s| bid(s, "A", 2000 + s as i64, "P-01"))
        .collect();
    app.update(Msg::Sync(SyncMsg::Events(evs)), Mono(1000));
    act(&mut app, Action::Scroll(Pane::Events, 3));
    assert_eq!((app.events_scroll, app.focus()), (3, Pane::Lots));
    act(&mut app, Action::Scroll(Pane::Events, -10));
    assert_eq!(app.events_scroll, 0);
    // The detail pane follows the selection, one lot per notch.
    act(&mut app, Action::Scroll(Pane::Detail, 3));
    assert_eq!(app.selected_row(), Some(1));
    assert!(!act(&mut app, Action::Scroll(Pane::Summary, 3)).redraw);
}

#[test]
fn toggle_mouse_flips_the_state_and_asks_the_loop() {
    let mut app = App::new(AppOptions {
        mouse: false,
        ..AppOptions::default()
    });
    assert!(!app.mouse());
    let up = act(&mut app, Action::ToggleMouse);
    assert!(app.mouse() && up.redraw);
    assert_eq!(up.effects, vec![Effect::MouseCapture(true)]);
    let up = act(&mut app, Action::ToggleMouse);
    assert_eq!(up.effects, vec![Effect::MouseCapture(false)]);
    assert_eq!(Action::from_name("toggle_mouse"), Some(Action::ToggleMouse));
}

#[test]
fn without_a_feed_the_changes_between_two_snapshots_are_events() {
    let mut a = test_lot();
    a.id = "A".into();
    a.number = "A-1".into();
    let mut b = test_lot();
    b.id = "B".into();
    let mut app = app_with(vec![a.clone(), b.clone()]);
    assert!(app.seen().is_empty(), "the first snapshot is no change");
    let before = app.log().len();
    a.high_bid = Some(HighBid {
        amount: Money::from_tenge(1200),
        bidder: "P-03".into(),
        at: Timestamp(T0 + 5_000),
        seq: 12,
    });
    a.bid_count = 1;
    b.status = LotStatus::Suspended;
    app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 14,
            lots: vec![a.clone(), b.clone()],
            rejected: vec![],
        }),
        Mono(2000),
    );
    let seen: Vec<_> = app
        .seen()
        .iter()
        .map(|e| (e.lot_id.as_deref().unwrap_or(""), e.kind.type_name(), e.seq))
        .collect();
    assert_eq!(seen, [("A", "bid", 12), ("B", "status", 14)]);
    assert_eq!(app.log().len(), before + 2, "both in the Events pane");
    let newest = app.log().newest(0).expect("an entry");
    assert!(
        matches!(newest.text, log::LogText::Status { .. }),
        "{newest:?}"
    );
    // The same snapshot again, or an older one, shows nothing new.
    app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 14,
            lots: vec![a, b],
            rejected: vec![],
        }),
        Mono(3000),
    );
    assert!(app.seen().is_empty());
    assert_eq!(app.log().len(), before + 2);
}

/// Two sources (the API and the site) that share lot ids.
fn two_sources() -> App {
    let mut app = app_with(vec![lot("401102", "Api lot")]);
    app.set_sources(crate::domain::source::SourceName::label_all(&[
        ("api".into(), "platform.example".into()),
        ("sauda".into(), "sauda.e-qazyna.kz".into()),
    ]));
    let sauda = SourceId(1);
    app.update(
        Msg::Source(
            sauda,
            SyncMsg::Snapshot {
                seq: 1,
                lots: vec![lot("401102", "Site lot"), lot("402009", "Site only")],
                rejected: vec![],
            },
        ),
        Mono(1000),
    );
    app
}

#[test]
fn the_same_lot_id_from_two_sources_is_two_rows() {
    let mut app = two_sources();
    assert_eq!(app.lots().view_len(), 3);
    let rows: Vec<(u8, String)> = (0..3)
        .filter_map(|p| app.lots().row(p))
        .map(|(l, m)| (m.source.0, l.name.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "Api lot".to_string()),
            (1, "Site lot".to_string()),
            (1, "Site only".to_string())
        ]
    );
    // A bid from the API moves the API's lot only.
    app.update(
        Msg::Sync(SyncMsg::Events(vec![bid(11, "401102", 500_000, "P-01")])),
        Mono(1000),
    );
    let api = app.lots().get(SourceId::FIRST, "401102").expect("held");
    let site = app.lots().get(SourceId(1), "401102").expect("held");
    assert!(api.0.high_bid.is_some());
    assert!(site.0.high_bid.is_none());
    // The site's next read replaces its own lots only, with its own feed
    // position (1 -> 2, while the API's stands at 11).
    app.update(
        Msg::Source(
            SourceId(1),
            SyncMsg::Snapshot {
                seq: 2,
                lots: vec![lot("401102", "Site lot")],
                rejected: vec![],
            },
        ),
        Mono(1000),
    );
    assert_eq!(app.lots().view_len(), 2);
    assert_eq!(app.feed_seq(), 11);
    assert_eq!(app.sources()[1].feed_seq, 2);
    // Selecting the second row selects the site's lot, not the API's.
    act(&mut app, Action::SelectRow(1));
    assert_eq!(
        app.selected_lot().map(|l| l.name.as_str()),
        Some("Site lot")
    );
}

#[test]
fn each_source_has_its_own_link_and_the_filter_knows_them() {
    let mut app = two_sources();
    let down = LinkState::Retrying {
        attempt: 1,
        cause: crate::domain::LinkCause::Refused,
    };
    app.update(
        Msg::Source(SourceId(1), SyncMsg::Link(down.clone())),
        Mono(1000),
    );
    app.update(Msg::Sync(SyncMsg::Link(LinkState::Live)), Mono(1000));
    assert_eq!(app.sources()[0].link, LinkState::Live);
    assert_eq!(app.sources()[1].link, down);
    assert_eq!(*app.link(), LinkState::Live);
    // The failing source keeps its lots.
    assert_eq!(app.lots().view_len(), 3);
    for (text, n) in [
        ("source:sauda", 2),
        ("source:api", 1),
        ("source:platform.example", 1),
        ("-source:sauda", 1),
        ("source:elsewhere", 0),
    ] {
        act(&mut app, Action::StartFilter);
        for _ in 0..40 {
            act(&mut app, Action::FilterBackspace);
        }
        for c in text.chars() {
            act(&mut app, Action::FilterInput(c));
        }
        act(&mut app, Action::FilterCommit);
        assert_eq!(app.lots().view_len(), n, "{text}");
    }
}

#[test]
fn a_source_down_too_long_is_an_anomaly_of_that_source() {
    let mut app = two_sources();
    let down = LinkState::Offline {
        since: Timestamp(T0),
        cause: crate::domain::LinkCause::Refused,
    };
    app.update(Msg::Source(SourceId(1), SyncMsg::Link(down)), Mono(1000));
    // Past `unreachable_after` (60 s by default) on the server's clock.
    let up = app.update(Msg::Tick, Mono(1000 + 61_000));
    let raised: Vec<&Anomaly> = up
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Anomaly(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0].kind, AnomalyKind::Unreachable);
    assert_eq!(raised[0].source, SourceId(1), "the site's, not the API's");
    // The API's link did not fail: nothing of its own.
    assert!(app.anomalies().all(|a| a.source == SourceId(1)));
}
