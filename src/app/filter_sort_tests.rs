//! App-level tests of the filter line (errors shown, last valid filter kept,
//! time terms following the clock) and of sorting by a column.

use super::tests::{act, app_with};
use super::*;
use crate::domain::{HighBid, LotStatus, Money};
use crate::testing::test_lot;

const T0: i64 = 1_750_741_200_000;
const MIN: i64 = 60_000;

fn lot(id: &str, status: LotStatus, closes_min: i64) -> Lot {
    let mut l = test_lot();
    l.id = id.into();
    l.number = id.into();
    l.name = format!("Lot {id}");
    l.status = status;
    l.opens_at = Timestamp(T0);
    l.closes_at = Timestamp(T0 + closes_min * MIN);
    l
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        act(app, Action::FilterInput(c));
    }
}

fn shown(app: &App) -> Vec<String> {
    (0..app.lots().view_len())
        .filter_map(|p| app.lots().row(p))
        .map(|(l, _)| l.id.clone())
        .collect()
}

#[test]
fn while_typing_the_lots_keep_the_filter_from_before_slash_until_the_new_one_parses() {
    let mut app = app_with(vec![
        lot("A", LotStatus::Open, 30),
        lot("B", LotStatus::Cancelled, 30),
        lot("C", LotStatus::Open, 30),
    ]);
    act(&mut app, Action::StartFilter);
    type_text(&mut app, "-status:cancelled");
    assert_eq!(app.filter_error(), None);
    assert_eq!(shown(&app), ["A", "C"]);
    act(&mut app, Action::FilterCommit);
    // A new filter being typed: neither a half-typed key (`clos`, which
    // would search names) nor an error empties the list.
    act(&mut app, Action::StartFilter);
    type_text(&mut app, " clos");
    assert_eq!(app.filter_error(), None);
    assert_eq!(shown(&app), ["A", "C"], "a key half typed is no filter yet");
    type_text(&mut app, "ing<");
    assert!(app.filter_error().is_some());
    assert_eq!(shown(&app), ["A", "C"], "the filter from before / stays");
    act(&mut app, Action::FilterCancel);
    act(&mut app, Action::StartFilter);
    type_text(&mut app, " \"");
    let err = app.filter_error().expect("an open quote");
    assert_eq!((err.term, err.column), (2, 18));
    assert_eq!(shown(&app), ["A", "C"], "the filter from before / stays");
    act(&mut app, Action::FilterBackspace);
    type_text(&mut app, "bid>1x");
    let err = app.filter_error().expect("1x is not an amount");
    assert_eq!((err.term, err.column), (2, 22));
    assert_eq!(shown(&app), ["A", "C"], "not the prefix `bid>1`");
    // Enter on an invalid filter keeps it in the line for editing.
    act(&mut app, Action::FilterCommit);
    assert_eq!(app.mode(), Mode::Filter);
    assert_eq!(app.filter_text(), "-status:cancelled bid>1x");
    act(&mut app, Action::FilterBackspace);
    assert_eq!(app.filter_error(), None);
    assert!(shown(&app).is_empty(), "`bid>1` parses: no lot has a bid");
    act(&mut app, Action::FilterCommit);
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(app.filter_text(), "-status:cancelled bid>1");
    assert!(shown(&app).is_empty(), "no lot has a bid");
    // Typing an error then cancelling goes back to the committed filter.
    act(&mut app, Action::StartFilter);
    type_text(&mut app, " status:");
    assert!(app.filter_error().is_some());
    act(&mut app, Action::FilterCancel);
    assert_eq!(app.filter_error(), None);
    assert_eq!(app.filter_text(), "-status:cancelled bid>1");
}

#[test]
fn a_time_term_follows_the_server_clock() {
    let mut app = app_with(vec![
        lot("A", LotStatus::Open, 30),
        lot("B", LotStatus::Open, 60),
        lot("S", LotStatus::Scheduled, 90),
    ]);
    act(&mut app, Action::StartFilter);
    type_text(&mut app, "closing<20m");
    act(&mut app, Action::FilterCommit);
    assert!(shown(&app).is_empty());
    // A enters its last 20 minutes 10 min (and 1 ms) after T0: the loop is
    // woken then, not before.
    let due = Mono(1000 + 10 * MIN as u64 + 1);
    assert!(app.next_tick(Mono(1000)).is_some_and(|t| t <= due));
    let up = app.update(Msg::Tick, Mono(due.0 - 1));
    assert!(shown(&app).is_empty(), "{up:?}");
    let up = app.update(Msg::Tick, due);
    assert!(up.redraw);
    assert_eq!(shown(&app), ["A"]);
    assert_eq!(app.selected_lot().map(|l| l.id.as_str()), Some("A"));
    app.update(Msg::Tick, Mono(1000 + 40 * MIN as u64 + 1));
    assert_eq!(shown(&app), ["A", "B"]);
    // Without a time term nothing is scheduled for the filter.
    act(&mut app, Action::StartFilter);
    for _ in 0.."closing<20m".len() {
        act(&mut app, Action::FilterBackspace);
    }
    type_text(&mut app, "status:open");
    act(&mut app, Action::FilterCommit);
    assert_eq!(app.lots().filter_due(), None);
}

#[test]
fn is_flags_follow_me_and_the_watchlist() {
    let mut a = lot("A", LotStatus::Open, 30);
    a.high_bid = Some(HighBid {
        amount: Money::from_tenge(5000),
        bidder: "P-07".into(),
        at: Timestamp(T0),
        seq: 1,
    });
    let mut app = App::new(AppOptions {
        me: Some("P-07".into()),
        watchlist: vec!["B".into()],
        ..AppOptions::default()
    });
    app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 1,
            lots: vec![a, lot("B", LotStatus::Open, 30)],
            rejected: vec![],
        }),
        Mono(0),
    );
    act(&mut app, Action::StartFilter);
    type_text(&mut app, "is:leading");
    assert_eq!(shown(&app), ["A"]);
    act(&mut app, Action::FilterCancel);
    act(&mut app, Action::StartFilter);
    type_text(&mut app, "is:watched");
    act(&mut app, Action::FilterCommit);
    assert_eq!(shown(&app), ["B"]);
    // Watching another lot shows it at once.
    act(&mut app, Action::Top);
    app.selected = Some((SourceId::FIRST, "A".into()));
    act(&mut app, Action::ToggleWatched);
    assert_eq!(shown(&app), ["A", "B"]);
}

#[test]
fn sort_by_a_column_then_the_same_column_reverses() {
    let mut app = app_with(vec![
        lot("A", LotStatus::Open, 30),
        lot("B", LotStatus::Open, 10),
    ]);
    act(&mut app, Action::SortBy(SortKey::TimeLeft));
    assert_eq!(app.sort(), (SortKey::TimeLeft, false));
    assert_eq!(shown(&app), ["B", "A"]);
    act(&mut app, Action::SortBy(SortKey::TimeLeft));
    assert_eq!(app.sort(), (SortKey::TimeLeft, true));
    assert_eq!(shown(&app), ["A", "B"]);
    act(&mut app, Action::SortBy(SortKey::Number));
    assert_eq!(app.sort(), (SortKey::Number, false));
}

#[test]
fn names_regions_and_minerals_sort_in_the_interface_languages_alphabet() {
    use crate::domain::collate::Collation;
    let named = |id: &str, name: &str, region: &str, mineral: &str| {
        let mut l = lot(id, LotStatus::Open, 30);
        l.name = name.into();
        l.region = region.into();
        l.minerals = vec![mineral.into()];
        l
    };
    let lots = vec![
        named("A", "Ащысай", "Turkistan", "lead"),
        named("B", "Ақбақай-Батыс", "Jambyl", "gold"),
        named("C", "Ёлкинское", "Карагандинская область", "уголь"),
        named("D", "Ежовое", "Қостанай облысы", "copper"),
    ];
    let app_in = |c: Collation| {
        let mut app = App::new(AppOptions {
            collation: c,
            ..AppOptions::default()
        });
        app.update(
            Msg::Sync(SyncMsg::Snapshot {
                seq: 1,
                lots: lots.clone(),
                rejected: vec![],
            }),
            Mono(0),
        );
        app
    };
    let sorted = |c: Collation, key: SortKey| {
        let mut app = app_in(c);
        act(&mut app, Action::SortBy(key));
        shown(&app)
    };
    // Kazakh: қ is the letter after к, so Ақбақай before Ащысай; ё after е.
    assert_eq!(sorted(Collation::Kk, SortKey::Name), ["B", "A", "D", "C"]);
    // Russian: ё with е (Ежовое, Ёлкинское by their next letters).
    assert_eq!(sorted(Collation::Ru, SortKey::Name), ["B", "A", "D", "C"]);
    assert_eq!(
        Collation::Ru.cmp("Ёлкинское", "Ежовое"),
        std::cmp::Ordering::Greater
    );
    // Regions by the names shown: Жамбыл, Қарағанды, Қостанай, Түркістан in
    // Kazakh; Жамбылская, Карагандинская, Костанайская, Туркестанская in
    // Russian; Jambyl, Karaganda, Kostanay, Turkistan in English.
    assert_eq!(sorted(Collation::Kk, SortKey::Region), ["B", "C", "D", "A"]);
    assert_eq!(sorted(Collation::Ru, SortKey::Region), ["B", "C", "D", "A"]);
    // Minerals: алтын, көмір, қорғасын, мыс in Kazakh; золото, медь,
    // свинец, уголь in Russian; coal, copper, gold, lead in English.
    assert_eq!(
        sorted(Collation::Kk, SortKey::Minerals),
        ["B", "C", "A", "D"]
    );
    assert_eq!(
        sorted(Collation::Ru, SortKey::Minerals),
        ["B", "D", "A", "C"]
    );
    assert_eq!(
        sorted(Collation::En, SortKey::Minerals),
        ["C", "D", "B", "A"]
    );
}
