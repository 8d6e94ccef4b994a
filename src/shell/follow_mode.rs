//! `lotwatch --follow JOURNAL`: the monitor's screen fed by a journal (a
//! shared one in PostgreSQL, or a file) instead of the platform. The
//! follower (`journal::follow`) stands where the sync engine would; no
//! client is made, so no request reaches the platform. The header says
//! `FOLLOWING journal · last record 2 s ago · written by 3 monitors`, and
//! STALE when no writer wrote for [`STALE_AFTER`].

use crate::app::{App, AppOptions, FollowStatus};
use crate::domain::Currency;
use crate::journal::follow::{self, FollowOptions, Freshness};
use crate::shell::alert_cmd::AlertCommand;
use crate::shell::monitor::{JournalSink, event_loop};
use crate::ui;
use tokio::sync::mpsc;

/// No record for this long: the journal's writers are taken to be gone.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs the follower's screen until the user quits.
pub(crate) async fn run(
    settings: &crate::shell::config::Settings,
    on_alert: Option<&AlertCommand>,
) -> anyhow::Result<()> {
    let args = &settings.args;
    let Some(target) = &args.follow else {
        anyhow::bail!("--follow needs a journal");
    };
    let follower = follow::start(target, FollowOptions::default()).map_err(|e| {
        anyhow::anyhow!(
            "cannot follow the journal {}: {e}",
            crate::journal::target::display(target)
        )
    })?;
    tracing::info!("following the journal {}", follower.shown);
    // No engine takes the screen's commands (refresh, fetch bids): they are
    // read and dropped, so that a send never waits.
    let (cmds, mut dropped) = mpsc::channel(64);
    tokio::spawn(async move { while dropped.recv().await.is_some() {} });
    let mut journal = JournalSink::Following(follower.freshness);
    let mut app = App::new(AppOptions {
        demo: false,
        insecure: false,
        me: args.me.clone(),
        currency: args.currency.unwrap_or(Currency::Kzt),
        watchlist: args.watchlist.clone(),
        skew_threshold_ms: args.skew_threshold,
        unreachable_after_ms: args.unreachable_after.saturating_mul(1000),
        alert_minutes: args.alert_minutes,
        mouse: !args.no_mouse,
    });
    if let Some((key, desc)) = settings.sort {
        app.set_sort(key, desc);
    }
    let env = |k: &str| std::env::var(k).ok();
    let notifier = crate::shell::notify::Notifier::new(
        args.notify.unwrap_or_default(),
        args.notify_always,
        &env,
    );
    event_loop(
        &mut app,
        &mut journal,
        follower.msgs,
        cmds,
        ui::View {
            keys: settings.keymap.clone(),
            theme: settings.theme(),
            lang: settings.lang,
        },
        on_alert,
        (notifier, None),
    )
    .await
}

/// Puts the journal's freshness in the header; true when that changed.
pub(crate) fn show(app: &mut App, f: &Freshness) -> bool {
    let now = crate::journal::Receipt::now(None).local.0;
    let age_ms = f.last_record.map(|t| now.saturating_sub(t.0).max(0));
    let status = FollowStatus {
        age_s: age_ms.map(|ms| u64::try_from(ms / 1000).unwrap_or(0)),
        writers: f.writers,
        stale: f.failing.is_some()
            || age_ms
                .is_none_or(|ms| ms > i64::try_from(STALE_AFTER.as_millis()).unwrap_or(i64::MAX)),
    };
    app.set_following(status).redraw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    #[test]
    fn the_badge_goes_stale_when_no_writer_wrote_for_a_while() {
        let mut app = App::new(AppOptions::default());
        let now = crate::journal::Receipt::now(None).local.0;
        let fresh = |ago_ms: i64, writers| Freshness {
            last_record: Some(Timestamp(now - ago_ms)),
            writers,
            failing: None,
        };
        assert!(show(&mut app, &fresh(2_000, 3)));
        let f = app.following().cloned().expect("shown");
        assert_eq!((f.age_s, f.writers, f.stale), (Some(2), 3, false));
        show(&mut app, &fresh(STALE_AFTER.as_millis() as i64 + 5_000, 3));
        assert!(app.following().is_some_and(|f| f.stale));
        // Nothing recorded yet, or the database unreadable: stale too.
        show(&mut app, &Freshness::default());
        assert!(
            app.following()
                .is_some_and(|f| f.stale && f.age_s.is_none())
        );
        let mut failing = fresh(1_000, 2);
        failing.failing = Some("connection refused".into());
        show(&mut app, &failing);
        assert!(app.following().is_some_and(|f| f.stale));
    }
}
