//! Every failure says why: for each cause of a failed link, the whole screen
//! (the header when it fits, the empty lots pane always, the line under the
//! table when lots are shown), and the cause's words in English, Russian and
//! Kazakh.

use crate::support::screens;

use lotwatch::platform::TlsProblem;
use lotwatch::sync::{LinkCause, LinkState, SyncMsg};
use lotwatch::ui::i18n::Lang;
use screens::*;

fn causes() -> Vec<(&'static str, LinkCause)> {
    vec![
        ("unauthorized", LinkCause::Unauthorized),
        ("refused", LinkCause::Refused),
        ("name_not_found", LinkCause::NameNotFound),
        (
            "tls_unknown_issuer",
            LinkCause::Tls(TlsProblem::UnknownIssuer),
        ),
        ("tls_expired", LinkCause::Tls(TlsProblem::Expired)),
        ("timeout", LinkCause::Timeout { secs: 15 }),
        (
            "server_502",
            LinkCause::Server {
                status: 502,
                message: Some("upstream database is down".into()),
            },
        ),
        ("rate_limited", LinkCause::RateLimited { wait_s: 30 }),
        ("unavailable", LinkCause::Unavailable { wait_s: 5 }),
        (
            "not_platform",
            LinkCause::NotPlatform {
                path: "/api/v1/auction".into(),
                status: 404,
            },
        ),
        (
            "html",
            LinkCause::Html {
                path: "/api/v1/auction".into(),
            },
        ),
    ]
}

fn offline(cause: LinkCause) -> SyncMsg {
    SyncMsg::Link(LinkState::Offline {
        since: ts(-30),
        cause,
    })
}

#[test]
fn each_cause_on_the_screen_before_any_lot() {
    for (name, cause) in causes() {
        let mut app = empty(false);
        send(&mut app, offline(cause.clone()));
        let screen = render(&mut app, 100, 24);
        let text = cause.to_string();
        let unwrapped: String = screen
            .split_whitespace()
            .collect::<String>()
            .replace('┃', "");
        let want: String = text.split_whitespace().collect();
        assert!(
            unwrapped.contains(&want),
            "the lots pane gives the whole cause {text:?}:\n{screen}"
        );
        insta::assert_snapshot!(format!("cause_{name}_100x24"), screen);
    }
}

#[test]
fn the_cause_goes_under_the_table_when_lots_are_shown() {
    let mut app = live(false);
    send(
        &mut app,
        SyncMsg::Link(LinkState::Retrying {
            attempt: 2,
            cause: LinkCause::Unauthorized,
        }),
    );
    let screen = render(&mut app, 120, 30);
    insta::assert_snapshot!("cause_under_table_120x30", screen);
    // At 80 columns the header has no room for it; the line under the table does.
    let narrow = render(&mut app, 80, 24);
    assert!(!narrow.lines().next().unwrap_or("").contains("401"));
    assert!(narrow.contains("✖ not authorized (401)"), "{narrow}");
}

#[test]
fn each_cause_in_russian_and_kazakh() {
    for lang in [Lang::Ru, Lang::Kk] {
        let mut app = empty(false);
        send(&mut app, offline(LinkCause::Unauthorized));
        insta::assert_snapshot!(
            format!("cause_unauthorized_{}_100x24", lang.code()),
            render_in(&mut app, lang, 100, 24)
        );
        for (name, cause) in causes() {
            let en = (Lang::En.texts().link_cause)(&cause);
            let t = (lang.texts().link_cause)(&cause);
            assert_ne!(t, en, "{name} is not translated to {}", lang.code());
            assert!(
                !t.is_ascii(),
                "{name} in {}: {t:?} is still English",
                lang.code()
            );
            // What the user acts on is kept as is: numbers, names, paths.
            for keep in [
                "401",
                "LOTWATCH_TOKEN",
                "15",
                "502",
                "30",
                "/api/v1/auction",
                "--ca-cert",
                "upstream database is down",
            ] {
                if en.contains(keep) {
                    assert!(
                        t.contains(keep),
                        "{name} in {} lost {keep:?}: {t}",
                        lang.code()
                    );
                }
            }
        }
    }
}

/// Issue 28.5: a follower's link is its FOLLOWING badge. The follower's
/// link goes live once it has read the journal's history; a `● LIVE` dot
/// beside `STALE` would say two things at once.
#[test]
fn a_follower_shows_its_badge_and_no_live_dot() {
    let mut app = live(false);
    send(&mut app, SyncMsg::Link(LinkState::Live));
    let head = |app: &mut lotwatch::app::App| {
        render(app, 160, 45)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(head(&mut app).contains("LIVE"), "a monitor's own link");
    app.set_following(lotwatch::app::FollowStatus {
        age_s: Some(95),
        writers: 1,
        stale: true,
    });
    let line = head(&mut app);
    assert!(
        line.contains("FOLLOWING") && line.contains("STALE") && !line.contains("LIVE"),
        "{line}"
    );
}
