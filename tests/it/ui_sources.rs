//! Several sources in one monitor (issue 23.2): the API's lots and the
//! sauda site's, which share lot ids (401102), side by side with a Source
//! column; one link badge per source in the header; a source that fails
//! keeps its lots with their age while the other stays live; `source:` in
//! the filter. With one source the screen has none of this (the other
//! snapshots stay as they were).

use crate::support::screens;

use lotwatch::app::{Action, App, Msg};
use lotwatch::domain::source::SourceName;
use lotwatch::domain::{LinkCause, Lot, SourceId, Timestamp};
use lotwatch::platform::sauda::{lot_from, parse_list};
use lotwatch::sync::{LinkState, SyncMsg};
use screens::*;

const LIST: &str = include_str!("../fixtures/sauda/list-solid-minerals.html");
const SITE: SourceId = SourceId(1);

/// The site fixture's first lots, a year later (they open after the test
/// clock's June 2025).
fn site_lots() -> Vec<Lot> {
    let list = LIST.replace(".2024 ", ".2025 ");
    let page = parse_list(&list, "/ru/list").expect("fixture parses");
    page.cards
        .iter()
        .take(4)
        .map(|c| {
            let url = format!("https://sauda.e-qazyna.kz/ru/list/{}", c.id);
            lot_from(c, None, url, Timestamp(SERVER_NOW))
        })
        .collect()
}

fn from_site(app: &mut App, m: SyncMsg) {
    app.update(Msg::Source(SITE, m), NOW);
}

/// The demo's API lots and the site's, both live.
fn two_sources() -> App {
    let mut app = live(false);
    app.set_sources(SourceName::label_all(&[
        ("api".into(), "platform.example".into()),
        ("sauda".into(), "sauda.e-qazyna.kz".into()),
    ]));
    app.update(Msg::Sync(SyncMsg::Link(LinkState::Live)), NOW);
    from_site(&mut app, SyncMsg::Link(LinkState::Live));
    from_site(
        &mut app,
        SyncMsg::Snapshot {
            seq: 1,
            lots: site_lots(),
            rejected: vec![],
        },
    );
    app
}

fn filter(app: &mut App, text: &str) {
    act(app, Action::StartFilter);
    for c in text.chars() {
        act(app, Action::FilterInput(c));
    }
    act(app, Action::FilterCommit);
}

#[test]
fn the_lots_of_two_sources_side_by_side() {
    let mut app = two_sources();
    let screen = render(&mut app, 160, 40);
    // 401102 twice: the API's and the site's.
    assert!(
        screen.contains("401102   api") && screen.contains("401102   sauda"),
        "{screen}"
    );
    assert!(
        screen.contains("api ● LIVE") && screen.contains("sauda ● LIVE"),
        "{screen}"
    );
    insta::assert_snapshot!("sources_two_live_160x40", screen);
}

#[test]
fn a_failing_source_keeps_its_lots_with_their_age_while_the_other_stays_live() {
    let mut app = two_sources();
    from_site(
        &mut app,
        SyncMsg::Link(LinkState::Offline {
            since: ts(0),
            cause: LinkCause::Refused,
        }),
    );
    // Two minutes on: the site's lots are still there, two minutes old;
    // the API's are live (no age).
    let screen = render_after(&mut app, 160, 40, 120_000);
    assert!(
        screen.contains("401102   api") && screen.contains("401102   sauda"),
        "{screen}"
    );
    assert!(screen.contains("api ● LIVE"), "{screen}");
    assert!(
        screen.contains("sauda: "),
        "the cause is named by its source: {screen}"
    );
    insta::assert_snapshot!("sources_site_offline_160x40", screen);
    assert_eq!(app.sources()[0].link, LinkState::Live);
}

#[test]
fn the_filter_picks_a_source() {
    let mut app = two_sources();
    filter(&mut app, "source:sauda");
    assert_eq!(app.lots().view_len(), site_lots().len());
    let screen = render(&mut app, 160, 40);
    insta::assert_snapshot!("sources_filter_sauda_160x40", screen);
    let mut app = two_sources();
    filter(&mut app, "source:api");
    assert_eq!(app.lots().view_len(), app.lots().len() - site_lots().len());
    // In Russian and Kazakh too.
    let mut app = two_sources();
    filter(&mut app, "источник:sauda");
    assert_eq!(app.lots().view_len(), site_lots().len());
    let mut app = two_sources();
    filter(&mut app, "дереккөз:api");
    assert_eq!(app.lots().view_len(), app.lots().len() - site_lots().len());
}

/// Each source's auction has its own journal: the badge shows the worst
/// of them, named by its source, and how many others are bad too; the
/// anomaly is the site's.
#[test]
fn the_journal_badge_is_the_worst_sources_journal() {
    use lotwatch::app::Effect;
    use lotwatch::journal::{JournalCause, JournalFailure, JournalHealth};
    let mut app = two_sources();
    let disk_full = JournalHealth {
        failing: Some(JournalFailure {
            cause: JournalCause::DiskFull,
            since: ts(0),
        }),
        unwritten_records: 7,
        unwritten_events: 7,
        ..JournalHealth::default()
    };
    let up = app.update(Msg::JournalOf(SITE, disk_full), NOW);
    let anomaly = up.effects.iter().find_map(|e| match e {
        Effect::Anomaly(a) => Some(a.source),
        _ => None,
    });
    assert_eq!(anomaly, Some(SITE), "the failure is the site's journal's");
    let screen = render(&mut app, 160, 40);
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("sauda JOURNAL ✖ disk full"), "{header}");
    insta::assert_snapshot!("sources_site_journal_failing_160x40", screen);
    // The API's journal lost records too: the failing one stays shown,
    // with one more bad beside it.
    app.update(
        Msg::Journal(JournalHealth {
            lost_records: 2,
            lost_events: 2,
            ..JournalHealth::default()
        }),
        NOW,
    );
    let screen = render(&mut app, 160, 40);
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("sauda JOURNAL ✖ disk full"), "{header}");
    assert!(header.contains(" +1"), "{header}");
    // The site's writes again: the API's loss is what is left.
    app.update(Msg::JournalOf(SITE, JournalHealth::default()), NOW);
    let screen = render(&mut app, 160, 40);
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("api JOURNAL ✖ 2"), "{header}");
}

/// The summary (key 6) and the wall-board count each source's lots: the
/// totals say they sum the sources (401102 read from both counts at each),
/// and the summary gives each source's high bids on a line of its own.
#[test]
fn the_summary_and_the_wallboard_say_they_sum_the_sources() {
    use lotwatch::app::screens::Layouts;
    let mut app = two_sources();
    act(&mut app, Action::FocusPane(6));
    let total = app.lots().len();
    let api = total - site_lots().len();
    let screen = render(&mut app, 160, 40);
    let sum = format!("{total} lots = api {api} + sauda {}", site_lots().len());
    assert!(screen.contains(&sum), "{sum}: {screen}");
    assert!(
        screen.lines().any(|l| l.contains("  api "))
            && screen.lines().any(|l| l.contains("  sauda ")),
        "{screen}"
    );
    insta::assert_snapshot!("sources_summary_160x40", screen);
    let mut wall = two_sources();
    wall.set_layouts(Layouts::new(Vec::new(), Some("wallboard")).expect("built in"));
    let screen = render(&mut wall, 160, 40);
    assert!(screen.contains(&sum), "{sum}: {screen}");
    insta::assert_snapshot!("sources_wallboard_160x40", screen);
}
