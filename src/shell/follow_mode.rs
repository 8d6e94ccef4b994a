//! `lotwatch --follow JOURNAL`: the monitor's screen fed by a journal (a
//! shared one in PostgreSQL, or a file) instead of the platform. The
//! follower (`journal::follow`) stands where the sync engine would; no
//! client is made, so no request reaches the platform. The header says
//! `FOLLOWING journal · last record 2 s ago · written by 3 monitors`, and
//! STALE when no writer wrote for [`STALE_AFTER`].

use crate::app::{App, Effect, FollowStatus, Msg, Update};
use crate::domain::clock::mono_now;
use crate::journal::follow::{self, FollowOptions, Freshness};
use crate::shell::alert_cmd::AlertCommand;
use crate::shell::screen::{Driver, Screen};
use crate::sync::{LinkState, SyncCmd, SyncMsg};
use tokio::sync::mpsc;

/// No record for this long: the journal's writers are taken to be gone.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

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
    let mut app = App::new(settings.app_options(false));
    if let Some((key, desc)) = settings.sort {
        app.set_sort(key, desc);
    }
    settings.screen_into(&mut app);
    let notifier = settings.notifier(&|k: &str| std::env::var(k).ok());
    let mut screen = Screen::enter(app, settings.view(), notifier)?;
    screen.watch_config(settings);
    let mut driver = FollowDriver {
        msgs: follower.msgs,
        auctions: Vec::new(),
        freshness: follower.freshness,
        on_alert,
        caught_up: false,
        view: follower.view,
        views: 0,
    };
    screen.run(&mut driver).await
}

/// The follower's part of the loop: the journal's records as messages, the
/// freshness badge, and the alert command. The lot in view goes to the
/// follower, which answers with its bids from the journal; no engine takes
/// the screen's other commands (refresh), and the anomalies it raises are
/// the writers' to record: both are dropped.
struct FollowDriver<'a> {
    msgs: mpsc::Receiver<crate::journal::follow::Followed>,
    /// The journal's auctions in the order they appeared: each is a source.
    auctions: Vec<String>,
    freshness: tokio::sync::watch::Receiver<Freshness>,
    on_alert: Option<&'a AlertCommand>,
    /// The follower has sent the journal's history (its first read).
    caught_up: bool,
    /// Where the lot in view is told to the follower, and how many times.
    view: tokio::sync::watch::Sender<(u64, Option<String>)>,
    views: u64,
}

impl FollowDriver<'_> {
    /// One record's message through the app. The follower says the link is
    /// live once it has sent the history: alerts from then on are news.
    fn apply(&mut self, (auction, msg): crate::journal::follow::Followed, app: &mut App) -> Update {
        let live = matches!(msg, SyncMsg::Link(LinkState::Live));
        let msg = self.tagged(&auction, msg, app);
        let up = app.update(msg, mono_now());
        self.caught_up |= live;
        up
    }
}

impl FollowDriver<'_> {
    /// The message as the app takes it: of its auction's source (a journal
    /// of several sources holds each as its own auction); the follower's
    /// own (no auction) are the first's.
    fn tagged(&mut self, auction: &str, msg: SyncMsg, app: &mut App) -> Msg {
        if auction.is_empty() {
            return Msg::Sync(msg);
        }
        let i = match self.auctions.iter().position(|a| a == auction) {
            Some(i) => i,
            None => {
                self.auctions.push(auction.to_string());
                let all: Vec<&str> = self.auctions.iter().map(String::as_str).collect();
                app.set_sources(crate::journal::replay::source_names(&all));
                self.auctions.len() - 1
            }
        };
        match crate::domain::SourceId::nth(i) {
            Some(crate::domain::SourceId::FIRST) | None => Msg::Sync(msg),
            Some(src) => Msg::Source(src, msg),
        }
    }
}

impl Driver for FollowDriver<'_> {
    type Wake = crate::journal::follow::Followed;

    async fn wait(&mut self, _app: &App) -> anyhow::Result<Self::Wake> {
        self.msgs.recv().await.ok_or_else(|| {
            anyhow::anyhow!("the journal's follower stopped unexpectedly; see the log file")
        })
    }

    async fn handle(&mut self, msg: Self::Wake, app: &mut App) -> anyhow::Result<Update> {
        Ok(self.apply(msg, app))
    }

    async fn ready(&mut self, app: &mut App) -> anyhow::Result<Option<Update>> {
        Ok(self.msgs.try_recv().ok().map(|msg| self.apply(msg, app)))
    }

    fn announces(&self) -> bool {
        self.caught_up
    }

    async fn effect(&mut self, effect: Effect, _app: &App) -> anyhow::Result<()> {
        match (effect, self.on_alert) {
            (Effect::Alert(alert), Some(cmd)) => {
                // Fire and forget: bounded and timed out inside.
                let _ = cmd.spawn(&alert);
            }
            // The follower answers with the lot's bids from the journal.
            (Effect::Sync(SyncCmd::SelectLot(lot)), _) => {
                self.views += 1;
                self.view.send_replace((self.views, lot));
            }
            _ => {}
        }
        Ok(())
    }

    fn idle(&mut self, app: &mut App) -> bool {
        show(app, &self.freshness.borrow())
    }
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
    let mut redraw = app.set_following(status).redraw;
    if app.journal().unencrypted != f.unencrypted {
        let health = crate::domain::journal_health::JournalHealth {
            unencrypted: f.unencrypted,
            ..app.journal().clone()
        };
        app.update(
            crate::app::Msg::Journal(health),
            crate::domain::clock::mono_now(),
        );
        redraw = true;
    }
    redraw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::AppOptions;
    use crate::domain::Timestamp;

    #[test]
    fn the_badge_goes_stale_when_no_writer_wrote_for_a_while() {
        let mut app = App::new(AppOptions::default());
        let now = crate::journal::Receipt::now(None).local.0;
        let fresh = |ago_ms: i64, writers| Freshness {
            last_record: Some(Timestamp(now - ago_ms)),
            writers,
            failing: None,
            unencrypted: false,
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

    /// Issue 27.3: a follower reading a shared journal in plain text over
    /// the network says `UNENCRYPTED` as a writer does, until it is not.
    #[test]
    fn a_plain_text_follower_is_unencrypted_in_the_header() {
        let mut app = App::new(AppOptions::default());
        let mut f = Freshness {
            writers: 1,
            unencrypted: true,
            ..Freshness::default()
        };
        assert!(show(&mut app, &f));
        assert!(app.journal().unencrypted);
        f.unencrypted = false;
        show(&mut app, &f);
        assert!(!app.journal().unencrypted);
    }
}
