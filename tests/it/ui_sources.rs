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
