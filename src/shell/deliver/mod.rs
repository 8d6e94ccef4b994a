//! Alerts off the screen: each `[[rule]]` alert (and today's alerts as the
//! default rule's) goes to the `[notify_to]` channels, one task per channel
//! with its own bounded outbox (`MAX_OUTBOX`), retried with backoff from
//! 1 s doubling to 30 s. The journal keeps every alert queued and every
//! delivery, so a restart loses nothing and sends nothing twice. A failing
//! channel is reported with its cause and the count waiting (for the screen
//! and the log); quitting says on stderr what was not delivered.

pub mod mail;
#[cfg(test)]
mod mail_tests;
pub mod outgoing;
pub mod target;
pub mod webhook;

use crate::app::alerts::Alert;
use crate::app::rules::{ChannelTrouble, DeliveryStatus, RuleAlert};
use crate::domain::Timestamp;
use crate::journal::JournalRecord;
use crate::ui::i18n::Lang;
pub use outgoing::Outgoing;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
pub use target::NotifyTo;
use tokio::sync::mpsc;

/// Alerts waiting per channel at most; beyond it the oldest is dropped
/// (and said in the log).
const MAX_OUTBOX: usize = 1000;
/// The first retry's delay, doubled after each failure up to `BACKOFF_CAP`.
const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// What a channel's task tells the loop.
#[derive(Debug)]
pub enum Report {
    Delivered {
        id: String,
        channel: String,
    },
    Failed {
        channel: String,
        cause: String,
        waiting: usize,
    },
    Recovered {
        channel: String,
    },
    Dropped {
        id: String,
        channel: String,
    },
}

enum Sender {
    Mail(mail::Mailer),
    Webhook(webhook::Webhook),
}

impl Sender {
    async fn send(&self, o: &Outgoing) -> Result<(), String> {
        match self {
            Sender::Mail(m) => m.send(o).await,
            Sender::Webhook(w) => w.send(o).await,
        }
    }
}

struct Channel {
    /// How the journal names it (`mail`, `webhook <masked URL>`).
    id: String,
    /// How the screen names it (`mail`, `webhook ntfy.sh`).
    label: String,
    tx: mpsc::UnboundedSender<Arc<Outgoing>>,
    /// Where the task sends; replaced in place when a reloaded config file
    /// changes the channel's settings (its outbox stays with the task).
    sender: tokio::sync::watch::Sender<Arc<Sender>>,
    waiting: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
    /// Why it failed last, while it fails.
    failing: Option<String>,
}

/// The delivery side of the loop: queues alerts to the channels' tasks,
/// turns their reports into journal records and the screen's status.
pub struct Courier {
    lang: Lang,
    channels: Vec<Channel>,
    reports: mpsc::UnboundedReceiver<Report>,
    report_tx: mpsc::UnboundedSender<Report>,
    /// Default-rule keys already sent (the app checks the rules' own).
    sent_default: HashSet<String>,
    /// Rule and event of each alert queued, for the counts.
    of_id: BTreeMap<String, (String, String)>,
    status: DeliveryStatus,
    restored: bool,
}

impl Courier {
    /// The channels `cfg` names (none without it: alerts are then only
    /// journaled, so that they still alert once).
    pub fn start(
        cfg: Option<&NotifyTo>,
        lang: Lang,
        ca_cert: Option<&Path>,
    ) -> Result<Courier, String> {
        let (report_tx, reports) = mpsc::unbounded_channel();
        let mut c = Courier {
            lang,
            channels: Vec::new(),
            reports,
            report_tx,
            sent_default: HashSet::new(),
            of_id: BTreeMap::new(),
            status: DeliveryStatus::default(),
            restored: false,
        };
        for (id, label, sender) in senders(cfg, ca_cert)? {
            c.add(id, label, sender);
        }
        Ok(c)
    }

    /// A reloaded config file's `[notify_to]` (and language): a channel it
    /// still names keeps its outbox and takes the new settings for its next
    /// try (at once, if it is waiting out a failure); a new channel gets the
    /// alerts from now on; a channel no longer named stops, and what it had
    /// not delivered stays in the journal, undelivered, for a start that
    /// names it again. Nothing changes when the table is invalid.
    pub fn retarget(
        &mut self,
        cfg: Option<&NotifyTo>,
        lang: Lang,
        ca_cert: Option<&Path>,
    ) -> Result<(), String> {
        let new = senders(cfg, ca_cert)?;
        self.lang = lang;
        let mut old = std::mem::take(&mut self.channels);
        for (id, label, sender) in new {
            match old.iter().position(|c| c.id == id) {
                Some(i) => {
                    let mut ch = old.swap_remove(i);
                    ch.label = label;
                    ch.sender.send_replace(Arc::new(sender));
                    self.channels.push(ch);
                }
                None => {
                    tracing::info!("alerts: {id}: a new channel");
                    self.add(id, label, sender);
                }
            }
        }
        for ch in old {
            let n = ch.waiting.load(Ordering::Relaxed);
            tracing::info!(
                "alerts: {}: no longer in [notify_to]; {n} not delivered stay in the journal",
                ch.id
            );
            ch.task.abort();
        }
        Ok(())
    }

    fn add(&mut self, id: String, label: String, sender: Sender) {
        let (tx, rx) = mpsc::unbounded_channel();
        let waiting = Arc::new(AtomicUsize::new(0));
        let (sender, sender_rx) = tokio::sync::watch::channel(Arc::new(sender));
        let task = tokio::spawn(run_channel(
            id.clone(),
            sender_rx,
            rx,
            waiting.clone(),
            self.report_tx.clone(),
        ));
        self.channels.push(Channel {
            id,
            label,
            tx,
            sender,
            waiting,
            task,
            failing: None,
        });
    }

    pub fn has_channels(&self) -> bool {
        !self.channels.is_empty()
    }

    /// Alerts the journal holds: returns the keys already sent (for
    /// `App::mark_alerts_sent`) and queues what a channel did not deliver.
    /// Once per run; later calls do nothing.
    pub fn restore<'a>(
        &mut self,
        rows: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<String> {
        if std::mem::replace(&mut self.restored, true) {
            return Vec::new();
        }
        let r = outgoing::restore(rows);
        let mut requeued = 0usize;
        for (o, done) in r.alerts {
            self.sent_default.extend(o.keys.iter().cloned());
            let o = Arc::new(o);
            for ch in self.channels.iter().filter(|c| !done.contains(&c.id)) {
                ch.waiting.fetch_add(1, Ordering::Relaxed);
                let _ = ch.tx.send(o.clone());
                requeued += 1;
            }
            self.of_id
                .insert(o.id.clone(), (o.rule.clone(), o.event.clone()));
        }
        if requeued > 0 {
            tracing::info!("alerts: {requeued} deliveries not done before restart queued again");
        }
        r.keys
    }

    /// Queues a rule's alert; the record is for the journal.
    pub fn rule_alert(&mut self, a: &RuleAlert) -> JournalRecord {
        let o = Outgoing::of_rule(a, self.lang);
        self.queue(o, a.server_time)
    }

    /// Queues one of today's alerts as the default rule's; None when the
    /// journal says it was sent before.
    pub fn default_alert(
        &mut self,
        a: &Alert,
        server_time: Option<Timestamp>,
    ) -> Option<JournalRecord> {
        let o = Outgoing::of_default(a, server_time, self.lang);
        if o.keys.iter().any(|k| !self.sent_default.insert(k.clone())) {
            return None;
        }
        Some(self.queue(o, server_time))
    }

    fn queue(&mut self, o: Outgoing, server_time: Option<Timestamp>) -> JournalRecord {
        let record = o.queued_record(server_time);
        self.of_id
            .insert(o.id.clone(), (o.rule.clone(), o.event.clone()));
        let o = Arc::new(o);
        for ch in &self.channels {
            ch.waiting.fetch_add(1, Ordering::Relaxed);
            let _ = ch.tx.send(o.clone());
        }
        record
    }

    fn count(&mut self, rule: &str, event: &str, state: &str) {
        *self
            .status
            .counts
            .entry((rule.to_string(), event.to_string(), state.to_string()))
            .or_default() += 1;
    }

    /// The next report of a channel's task (cancel-safe).
    pub async fn next(&mut self) -> Option<Report> {
        self.reports.recv().await
    }

    /// Takes a report: the journal record it makes, if any, and the status
    /// for the screen and the metrics.
    pub fn on_report(
        &mut self,
        r: Report,
        server_at: Option<Timestamp>,
    ) -> (Option<JournalRecord>, DeliveryStatus) {
        let of = |c: &Courier, id: &str| c.of_id.get(id).cloned().unwrap_or_default();
        let record = match r {
            Report::Delivered { id, channel } => {
                let (rule, event) = of(self, &id);
                self.count(&rule, &event, "delivered");
                Some(outgoing::delivered_record(&id, &channel, server_at))
            }
            Report::Failed {
                channel,
                cause,
                waiting,
            } => {
                tracing::warn!("alerts: {channel}: {cause} · {waiting} waiting");
                if let Some(ch) = self.channels.iter_mut().find(|c| c.id == channel) {
                    ch.failing = Some(cause);
                }
                None
            }
            Report::Recovered { channel } => {
                tracing::info!("alerts: {channel} delivers again");
                if let Some(ch) = self.channels.iter_mut().find(|c| c.id == channel) {
                    ch.failing = None;
                }
                None
            }
            Report::Dropped { id, channel } => {
                let (rule, event) = of(self, &id);
                tracing::error!(
                    "alerts: {channel}: outbox full ({MAX_OUTBOX}): the oldest alert {id} dropped"
                );
                self.count(&rule, &event, "dropped");
                None
            }
        };
        self.status.troubles = self
            .channels
            .iter()
            .filter_map(|c| {
                c.failing.as_ref().map(|cause| ChannelTrouble {
                    channel: c.label.clone(),
                    cause: cause.clone(),
                    waiting: c.waiting.load(Ordering::Relaxed),
                })
            })
            .collect();
        (record, self.status.clone())
    }

    /// Whether the journal's alerts were read (or there is no journal).
    pub fn restored(&self) -> bool {
        self.restored
    }

    /// Stops the channels' tasks (a send under way is given `wait`):
    /// the line for stderr that says what was not delivered, and the
    /// journal's records of what was delivered meanwhile.
    pub async fn close_within(
        mut self,
        wait: Duration,
        server_at: Option<Timestamp>,
    ) -> (Option<String>, Vec<JournalRecord>) {
        let deadline = tokio::time::Instant::now() + wait;
        let mut lines = Vec::new();
        let channels = std::mem::take(&mut self.channels);
        let mut records = Vec::new();
        for ch in channels {
            drop(ch.tx);
            let mut task = ch.task;
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                task.abort();
            }
            let n = ch.waiting.load(Ordering::Relaxed);
            if n > 0 {
                let why = ch.failing.map(|c| format!(" ({c})")).unwrap_or_default();
                lines.push(format!("{n} by {}{why}", ch.label));
            }
        }
        while let Ok(r) = self.reports.try_recv() {
            if let (Some(rec), _) = self.on_report(r, server_at) {
                records.push(rec);
            }
        }
        let line = (!lines.is_empty()).then(|| {
            format!(
                "lotwatch: alerts not delivered: {}; the journal keeps them for the next start",
                lines.join(", ")
            )
        });
        (line, records)
    }
}

/// The channels `cfg` names: (journal id, screen label, sender).
fn senders(
    cfg: Option<&NotifyTo>,
    ca_cert: Option<&Path>,
) -> Result<Vec<(String, String, Sender)>, String> {
    let Some(cfg) = cfg else {
        return Ok(Vec::new());
    };
    cfg.check()?;
    let ca = cfg.ca_cert.as_deref().or(ca_cert);
    let mut out = Vec::new();
    if let Some(m) = mail::Mailer::new(cfg, ca)? {
        out.push(("mail".into(), "mail".into(), Sender::Mail(m)));
    }
    for w in &cfg.webhook {
        let w = webhook::Webhook::new(w, ca)?;
        out.push((
            format!("webhook {}", w.shown),
            w.label(),
            Sender::Webhook(w),
        ));
    }
    Ok(out)
}

/// The journal's alert records of `auction`, as (kind, evidence).
pub fn journal_rows(
    j: &crate::journal::Journal,
    auction: &str,
) -> Result<Vec<(String, String)>, String> {
    Ok(j.anomalies()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|a| a.auction == auction && a.kind.starts_with(outgoing::QUEUED))
        .map(|a| (a.kind, a.evidence))
        .collect())
}

/// One channel's task: delivers its outbox in order, retrying the head
/// with backoff; ends when the sender is dropped and the queue is empty,
/// or at once when the sender is dropped while the channel fails.
async fn run_channel(
    id: String,
    mut sender: tokio::sync::watch::Receiver<Arc<Sender>>,
    mut rx: mpsc::UnboundedReceiver<Arc<Outgoing>>,
    waiting: Arc<AtomicUsize>,
    reports: mpsc::UnboundedSender<Report>,
) {
    let mut queue: VecDeque<Arc<Outgoing>> = VecDeque::new();
    let mut delay = BACKOFF_START;
    let mut failing = false;
    let mut open = true;
    let push = |queue: &mut VecDeque<Arc<Outgoing>>, o: Arc<Outgoing>| {
        if queue.len() >= MAX_OUTBOX
            && let Some(old) = queue.pop_front()
        {
            waiting.fetch_sub(1, Ordering::Relaxed);
            let _ = reports.send(Report::Dropped {
                id: old.id.clone(),
                channel: id.clone(),
            });
        }
        queue.push_back(o);
    };
    loop {
        while let Ok(o) = rx.try_recv() {
            push(&mut queue, o);
        }
        let Some(head) = queue.front().cloned() else {
            if !open {
                return;
            }
            match rx.recv().await {
                Some(o) => push(&mut queue, o),
                None => return,
            }
            continue;
        };
        let to = sender.borrow_and_update().clone();
        match to.send(&head).await {
            Ok(()) => {
                queue.pop_front();
                waiting.fetch_sub(1, Ordering::Relaxed);
                let _ = reports.send(Report::Delivered {
                    id: head.id.clone(),
                    channel: id.clone(),
                });
                if std::mem::replace(&mut failing, false) {
                    let _ = reports.send(Report::Recovered {
                        channel: id.clone(),
                    });
                }
                delay = BACKOFF_START;
            }
            Err(cause) => {
                failing = true;
                let _ = reports.send(Report::Failed {
                    channel: id.clone(),
                    cause,
                    waiting: waiting.load(Ordering::Relaxed),
                });
                if !open {
                    return;
                }
                let until = tokio::time::Instant::now() + delay;
                delay = (delay * 2).min(BACKOFF_CAP);
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep_until(until) => break,
                        // New settings from the config file: try them now.
                        Ok(()) = sender.changed() => {
                            delay = BACKOFF_START;
                            break;
                        }
                        o = rx.recv() => match o {
                            Some(o) => push(&mut queue, o),
                            None => return,
                        },
                    }
                }
            }
        }
        if rx.is_closed() && rx.is_empty() {
            open = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(i: usize) -> Outgoing {
        Outgoing {
            id: format!("a{i}"),
            keys: vec![format!("k{i}")],
            rule: "r".into(),
            event: "new".into(),
            lot_id: None,
            subject: "s".into(),
            text: "t".into(),
            json: serde_json::Value::Null,
            priority: 3,
        }
    }

    #[test]
    fn a_full_outbox_drops_the_oldest_and_says_so() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async {
            // Port 1 on loopback: refused at once, so the channel fails.
            let cfg = NotifyTo {
                webhook: vec!["http://127.0.0.1:1/topic".into()],
                ..NotifyTo::default()
            };
            let mut c = Courier::start(Some(&cfg), Lang::En, None).expect("a courier");
            c.restore(std::iter::empty());
            for i in 0..MAX_OUTBOX + 5 {
                c.queue(alert(i), None);
            }
            let mut dropped = Vec::new();
            let mut status = DeliveryStatus::default();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while dropped.len() < 5 || status.troubles.is_empty() {
                let r = tokio::time::timeout_at(deadline, c.next())
                    .await
                    .expect("the reports in time")
                    .expect("a report");
                if let Report::Dropped { id, .. } = &r {
                    dropped.push(id.clone());
                }
                status = c.on_report(r, None).1;
            }
            assert_eq!(dropped, ["a0", "a1", "a2", "a3", "a4"]);
            assert_eq!(
                status.counts.get(&("r".into(), "new".into(), "dropped".into())),
                Some(&5)
            );
            let t = &status.troubles[0];
            assert_eq!(t.channel, "webhook 127.0.0.1");
            assert_eq!(t.cause, "connection refused");
            assert_eq!(t.waiting, MAX_OUTBOX);
            let (line, _) = c.close_within(Duration::from_millis(100), None).await;
            assert_eq!(
                line.as_deref(),
                Some(
                    "lotwatch: alerts not delivered: 1000 by webhook 127.0.0.1 (connection refused); the journal keeps them for the next start"
                )
            );
        });
    }
}
