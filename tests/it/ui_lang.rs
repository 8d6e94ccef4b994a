//! The interface in each language: whole-screen snapshots of the main screen
//! (and of the panes with the most words) in English, Russian and Kazakh,
//! and checks that lot data stays as the platform sent it while every word
//! around it is translated.

use crate::support::screens;

use lotwatch::app::{Action, App, ReplayStatus};
use lotwatch::domain::{Event, EventKind, Money};
use lotwatch::sync::{LinkState, SyncMsg};
use lotwatch::ui::i18n::Lang;
use screens::*;

fn name(lang: Lang) -> &'static str {
    lang.code()
}

/// A screen with a few anomalies and an alert, so that their panes and the
/// header badge have something to say.
fn busy() -> App {
    let mut app = live(false);
    let seq = app.feed_seq();
    send(
        &mut app,
        SyncMsg::Events(vec![Event {
            seq: seq + 1,
            at: ts(-10),
            lot_id: Some("401102".into()),
            kind: EventKind::Bid {
                amount: Money::from_tenge(40_000_000),
                bidder: "P-09".into(),
                closes_at: ts(1500),
            },
        }]),
    );
    app
}

#[test]
fn main_screen_120x40_in_each_language() {
    for lang in Lang::ALL {
        let mut app = live(false);
        insta::assert_snapshot!(
            format!("main_{}_120x40", name(lang)),
            render_in(&mut app, lang, 120, 40)
        );
    }
}

#[test]
fn main_screen_80x24_in_russian_and_kazakh() {
    // Russian is the longest: every column and badge must still fit.
    for lang in [Lang::Ru, Lang::Kk] {
        let mut app = live(true);
        act(&mut app, Action::CycleCurrency);
        insta::assert_snapshot!(
            format!("main_usd_{}_80x24", name(lang)),
            render_in(&mut app, lang, 80, 24)
        );
    }
}

#[test]
fn detail_bids_events_200x50_in_russian_and_kazakh() {
    for lang in [Lang::Ru, Lang::Kk] {
        let mut app = busy();
        act(&mut app, Action::CycleCurrency);
        act(&mut app, Action::FocusPane(2));
        insta::assert_snapshot!(
            format!("detail_{}_200x50", name(lang)),
            render_in(&mut app, lang, 200, 50)
        );
    }
}

#[test]
fn summary_anomalies_help_in_russian_and_kazakh() {
    for lang in [Lang::Ru, Lang::Kk] {
        let mut app = busy();
        act(&mut app, Action::FocusPane(6));
        insta::assert_snapshot!(
            format!("summary_{}_120x40", name(lang)),
            render_in(&mut app, lang, 120, 40)
        );
        act(&mut app, Action::FocusPane(5));
        insta::assert_snapshot!(
            format!("anomalies_{}_120x40", name(lang)),
            render_in(&mut app, lang, 120, 40)
        );
        act(&mut app, Action::Help);
        insta::assert_snapshot!(
            format!("help_{}_120x40", name(lang)),
            render_in(&mut app, lang, 120, 40)
        );
    }
}

#[test]
fn badges_and_small_terminal_in_russian_and_kazakh() {
    for lang in [Lang::Ru, Lang::Kk] {
        let mut app = live(true);
        app.update(
            lotwatch::app::Msg::Sync(SyncMsg::Link(LinkState::Offline {
                since: ts(-90),
                cause: lotwatch::sync::LinkCause::Refused,
            })),
            NOW,
        );
        let screen = render_in(&mut app, lang, 160, 30);
        let header: String = screen.lines().take(2).collect::<Vec<_>>().join("\n");
        insta::assert_snapshot!(format!("header_offline_{}_160x30", name(lang)), header);
        app.set_replay(ReplayStatus {
            position: 412,
            total: 1830,
            server_at: Some(ts(-30)),
            speed: 8.0,
            paused: true,
        });
        let screen = render_in(&mut app, lang, 160, 30);
        let header: String = screen.lines().take(2).collect::<Vec<_>>().join("\n");
        insta::assert_snapshot!(format!("header_replay_{}_160x30", name(lang)), header);
        insta::assert_snapshot!(
            format!("too_small_{}_59x15", name(lang)),
            render_in(&mut app, lang, 59, 15)
        );
    }
}

#[test]
fn lot_data_is_shown_as_sent_and_no_english_words_remain() {
    // Words of the English interface that must not appear in the others.
    let english = [
        "Lots",
        "Lot detail",
        "Bids",
        "Events",
        "Status",
        "High bid",
        "Time left",
        "sort",
        "open",
        "scheduled",
        "suspended",
        "sold",
        "Closes",
        "Start bonus",
        "Participants",
        "Astana",
        "LIVE",
        "Currency",
        "help",
        "quit",
        "filter",
        "expl",
        "prod",
        "opens in",
        "closing…",
        "BID",
        "STA",
        "ago",
    ];
    for lang in [Lang::Ru, Lang::Kk] {
        let mut app = busy();
        act(&mut app, Action::FocusPane(2));
        let screen = render_in(&mut app, lang, 200, 50);
        for w in english {
            let found = if w.contains(' ') {
                screen.contains(w)
            } else {
                screen
                    .split(|c: char| !c.is_alphanumeric() && c != '…')
                    .any(|tok| tok == w)
            };
            assert!(!found, "{lang:?}: English {w:?} on screen:\n{screen}");
        }
        // Names exactly as the platform sent them, in any language; regions
        // and minerals of the closed list in the interface language.
        let (region, minerals) = match lang {
            Lang::Ru => ("Актюбинская", "золото,медь"),
            _ => ("Ақтөбе", "алтын,мыс"),
        };
        for sent in ["Сарлы Южное крыло", "Бестау учаскесі", region, minerals]
        {
            assert!(
                screen.contains(sent),
                "{lang:?}: {sent:?} missing:\n{screen}"
            );
        }
        for english in ["Aktobe", "gold", "Karaganda", "tungsten"] {
            assert!(
                !screen.contains(english),
                "{lang:?}: {english:?} on screen:\n{screen}"
            );
        }
    }
}

#[test]
fn english_is_the_default_whatever_the_locale() {
    // The view's defaults never read the environment: only the CLI/config layer does.
    assert_eq!(lotwatch::ui::View::default().lang, Lang::En);
}
