//! The journal fails loudly on screen: a header badge with the cause and
//! what is at stake while it fails (`JOURNAL ✖ disk full · 132 events not
//! recorded since 10:32`), a badge for what was lost once it writes again,
//! and an anomaly when the failure starts and when it ends, in English,
//! Russian and Kazakh.

use crate::support::screens;

use lotwatch::app::{Effect, Msg};
use lotwatch::journal::{JournalCause, JournalFailure, JournalHealth};
use lotwatch::ui::i18n::Lang;
use screens::*;

fn failing(cause: JournalCause, events: u64) -> JournalHealth {
    JournalHealth {
        failing: Some(JournalFailure {
            cause,
            // 10:32 in Astana.
            since: lotwatch::domain::Timestamp(T0 + 32 * 60_000),
        }),
        unwritten_records: events,
        unwritten_events: events,
        lost_records: 0,
        lost_events: 0,
        connecting: false,
        unencrypted: false,
    }
}

/// Issue 27.3: a shared journal reached in plain text over the network
/// says `UNENCRYPTED` in the header the whole time, in every language, and
/// beside a failure too.
#[test]
fn a_plain_text_journal_database_is_unencrypted_on_the_badge() {
    for lang in [Lang::En, Lang::Ru, Lang::Kk] {
        let mut app = live(false);
        journal(
            &mut app,
            JournalHealth {
                unencrypted: true,
                ..JournalHealth::default()
            },
        );
        let screen = render_in(&mut app, lang, 120, 30);
        let header = screen.lines().next().unwrap_or("");
        assert!(header.contains("UNENCRYPTED"), "{lang:?}: {header}");
        let mut bad = failing(JournalCause::Io("database: connection refused".into()), 3);
        bad.unencrypted = true;
        journal(&mut app, bad);
        let screen = render_in(&mut app, lang, 160, 30);
        let header = screen.lines().next().unwrap_or("");
        assert!(header.contains("UNENCRYPTED"), "{lang:?}: {header}");
        // Encrypted again: the badge goes.
        journal(&mut app, JournalHealth::default());
        let screen = render_in(&mut app, lang, 120, 30);
        assert!(!screen.contains("UNENCRYPTED"), "{lang:?}");
    }
}

fn journal(app: &mut lotwatch::app::App, h: JournalHealth) -> Vec<Effect> {
    app.update(Msg::Journal(h), NOW).effects
}

#[test]
fn the_badge_says_the_cause_and_what_is_at_stake() {
    let mut app = live(false);
    let fx = journal(&mut app, failing(JournalCause::DiskFull, 132));
    let screen = render(&mut app, 120, 30);
    let header = screen.lines().next().unwrap_or("");
    assert!(
        header.contains("JOURNAL ✖ disk full · 132 events not recorded since 10:32"),
        "{header}"
    );
    insta::assert_snapshot!("journal_disk_full_120x30", screen);
    // The failure's start is an anomaly, journaled once the journal can.
    let started: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Anomaly(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].kind.as_str(), "journal_failure");
    assert!(
        started[0].evidence.contains("disk full"),
        "{}",
        started[0].evidence
    );

    // More waits: the count follows, with no new anomaly.
    let fx = journal(&mut app, failing(JournalCause::DiskFull, 500));
    assert!(fx.iter().all(|e| !matches!(e, Effect::Anomaly(_))));
    assert!(render(&mut app, 120, 30).contains("500 events not recorded"));

    // At 80 columns the badge stays; the clock gives way.
    let narrow = render(&mut app, 80, 24);
    assert!(
        narrow
            .lines()
            .next()
            .unwrap_or("")
            .contains("JOURNAL ✖ disk full · 500 events"),
        "{narrow}"
    );

    // Written again, 40 events lost on the way: an anomaly, and the loss stays shown.
    let fx = journal(
        &mut app,
        JournalHealth {
            lost_records: 40,
            lost_events: 40,
            ..JournalHealth::default()
        },
    );
    let ended: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Anomaly(a) => Some(a.evidence.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 1);
    assert!(
        ended[0].contains("writes again") && ended[0].contains("40 events were lost"),
        "{ended:?}"
    );
    let screen = render(&mut app, 120, 30);
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or("")
            .contains("JOURNAL ✖ 40 events lost"),
        "{screen}"
    );
    // Nothing lost: no badge at all.
    journal(&mut app, JournalHealth::default());
    assert!(!render(&mut app, 120, 30).contains("JOURNAL"));
}

#[test]
fn each_cause_in_each_language() {
    for lang in Lang::ALL {
        let mut app = live(false);
        journal(&mut app, failing(JournalCause::ReadOnly, 7));
        let screen = render_in(&mut app, lang, 160, 30);
        let header: String = screen.lines().take(2).collect::<Vec<_>>().join("\n");
        insta::assert_snapshot!(format!("journal_read_only_{}_160x30", lang.code()), header);
        let tx = lang.texts();
        let mut seen = std::collections::HashSet::new();
        for c in [
            JournalCause::DiskFull,
            JournalCause::ReadOnly,
            JournalCause::Deleted,
            JournalCause::Io("disk I/O error".into()),
        ] {
            let t = (tx.journal_cause)(&c);
            assert!(seen.insert(t.clone()), "{t} twice in {}", lang.code());
            if lang != Lang::En {
                assert!(!t.is_ascii(), "{t:?} untranslated in {}", lang.code());
            }
        }
        let b = (tx.journal_failing)("x", 132, 132, "10:32");
        assert!(b.contains("132") && b.contains("10:32"), "{b}");
        let b = (tx.journal_failing)("x", 0, 3, "10:32");
        assert!(
            b.contains('3') && !b.contains(" 0 "),
            "records when no events: {b}"
        );
        assert!((tx.journal_lost)(40, 40).contains("40"));
    }
}

#[test]
fn a_journal_still_connecting_says_so_and_the_lots_show_meanwhile() {
    for lang in Lang::ALL {
        let mut app = live(false);
        journal(
            &mut app,
            JournalHealth {
                connecting: true,
                ..JournalHealth::default()
            },
        );
        let screen = render_in(&mut app, lang, 160, 30);
        let header = screen.lines().next().unwrap_or("");
        assert!(
            header.contains(lang.texts().journal_connecting),
            "{}: {header}",
            lang.code()
        );
        assert!(
            !header.contains('✖'),
            "connecting is not a failure: {header}"
        );
        // The lots are there all the same.
        let plain = render_in(&mut live(false), lang, 160, 30);
        let rows = |s: &str| s.lines().skip(2).collect::<Vec<_>>().join("\n");
        assert_eq!(rows(&screen), rows(&plain), "{}", lang.code());
    }
}
