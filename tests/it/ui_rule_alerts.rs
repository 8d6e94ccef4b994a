//! `[[rule]]` alerts in the monitor: the lots of the first read never
//! alert as new; a lot that appears later does; the changes of one lot in
//! one read make one alert listing them all, shown in the events pane with
//! the rule's name; each alerts once; a failing delivery channel is named
//! in the header with its cause and the count waiting.

use crate::support::screens;

use lotwatch::app::rules::{ChannelTrouble, DeliveryStatus, Rule, RuleChange, RuleEvent};
use lotwatch::app::{Effect, Msg};
use lotwatch::domain::{Event, EventKind, LotStatus};
use lotwatch::sync::SyncMsg;
use screens::*;

fn rules() -> Vec<Rule> {
    vec![
        Rule {
            name: "gold, Aktobe".into(),
            filter: "mineral:gold region:Aktobe".into(),
            on: vec![RuleEvent::New, RuleEvent::Changed, RuleEvent::Result],
            deadline_hours: 24,
        },
        Rule {
            name: "everything new".into(),
            filter: String::new(),
            on: vec![RuleEvent::New],
            deadline_hours: 24,
        },
    ]
}

fn rule_alerts(fx: &[Effect]) -> Vec<(String, String, Vec<RuleChange>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::RuleAlert(a) => Some((a.rule.clone(), a.lot.number.clone(), a.changes.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn new_lots_and_changes_alert_once_with_the_rules_name() {
    let mut app = live(false);
    // Loaded after the first read (a reloaded config): still not `new`.
    app.set_rules(&rules());
    let existing = app.lots().find("401102").unwrap().0.clone();
    let mut added = existing.clone();
    added.id = "409999".into();
    added.number = "409999".into();
    added.name = "Новый участок".into();
    let mut changed = existing.clone();
    changed.opens_at = changed.opens_at.plus_secs(3600);
    changed.status = LotStatus::Suspended;
    let ev = |seq, lot: &lotwatch::domain::Lot| Event {
        seq,
        at: ts(0),
        lot_id: Some(lot.id.clone()),
        kind: EventKind::Lot(Box::new(lot.clone())),
    };
    let up = app.update(
        Msg::Sync(SyncMsg::Events(vec![ev(5001, &added), ev(5002, &changed)])),
        NOW,
    );
    let got = rule_alerts(&up.effects);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.contains(&(
        "gold, Aktobe".into(),
        "409999".into(),
        vec![RuleChange::New]
    )));
    assert!(got.contains(&(
        "everything new".into(),
        "409999".into(),
        vec![RuleChange::New]
    )));
    let (_, _, both) = got
        .iter()
        .find(|(r, n, _)| r == "gold, Aktobe" && n == "401102")
        .unwrap();
    assert_eq!(
        both.len(),
        2,
        "one alert lists all the lot's changes: {both:?}"
    );
    assert!(up.effects.contains(&Effect::Bell));

    // The same again (a re-snapshot with the same values): nothing.
    let lots: Vec<_> = app.lots().iter().cloned().collect();
    let up = app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 5002,
            lots,
            rejected: vec![],
        }),
        NOW,
    );
    assert!(rule_alerts(&up.effects).is_empty());

    app.update(
        Msg::Delivery(DeliveryStatus {
            troubles: vec![ChannelTrouble {
                channel: "mail".into(),
                cause: "connection refused".into(),
                waiting: 3,
            }],
            ..DeliveryStatus::default()
        }),
        NOW,
    );
    let screen = render(&mut app, 140, 32);
    assert!(
        screen.contains("✉ mail: connection refused · 3 waiting"),
        "{screen}"
    );
    assert!(
        screen.contains("[gold, Aktobe] Новый участок: new lot"),
        "{screen}"
    );
    insta::assert_snapshot!("rule_alerts_140x32", screen);
    let ru = render_in(&mut app, lotwatch::ui::i18n::Lang::Ru, 140, 32);
    assert!(
        ru.contains("mail: connection refused · 3 ждут отправки"),
        "{ru}"
    );
    assert!(ru.contains("[gold, Aktobe] Новый участок: новый"), "{ru}");
}

#[test]
fn the_first_read_never_alerts_as_new() {
    let mut app = empty(false);
    app.set_rules(&rules());
    let live = live(false);
    let lots: Vec<_> = live.lots().iter().cloned().collect();
    let up = app.update(
        Msg::Sync(SyncMsg::Snapshot {
            seq: 1,
            lots,
            rejected: vec![],
        }),
        NOW,
    );
    assert!(rule_alerts(&up.effects).is_empty());
}

#[test]
fn a_deadline_within_the_rules_hours_alerts_once() {
    let mut app = live(false);
    app.set_rules(&[
        Rule {
            name: "a day ahead".into(),
            filter: String::new(),
            on: vec![RuleEvent::Deadline, RuleEvent::Changed],
            deadline_hours: 24,
        },
        Rule {
            name: "an hour ahead".into(),
            filter: String::new(),
            on: vec![RuleEvent::Deadline],
            deadline_hours: 1,
        },
    ]);
    let mut lot = app.lots().find("401140").unwrap().0.clone();
    lot.site = Some(Box::new(lotwatch::domain::SiteLot {
        url: "https://sauda.example/ru/list/401140".into(),
        deadline: Some(ts(5 * 3600)),
        page_read: true,
        ..Default::default()
    }));
    // The lot's page adds the deadline: learned, not changed.
    let up = app.update(
        Msg::Sync(SyncMsg::Events(vec![Event {
            seq: 6001,
            at: ts(0),
            lot_id: Some(lot.id.clone()),
            kind: EventKind::Lot(Box::new(lot.clone())),
        }])),
        NOW,
    );
    let got = rule_alerts(&up.effects);
    assert_eq!(
        got,
        vec![(
            "a day ahead".into(),
            "401140".into(),
            vec![RuleChange::DeadlineSoon {
                deadline: ts(5 * 3600)
            }]
        )],
        "five hours ahead: the day-ahead rule only, and no `changed`"
    );
    for later in [1_000, 5_000, 60_000] {
        let up = app.update(Msg::Tick, lotwatch::domain::clock::Mono(NOW.0 + later));
        assert!(rule_alerts(&up.effects).is_empty(), "once");
    }
}
