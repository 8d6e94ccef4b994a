//! The poller of a web-site source (sauda.e-qazyna.kz): every `poll` it reads
//! the list of both subsoil object types to the pager's end, one request in
//! flight, and a lot's page when the lot is first seen or its card changed
//! (otherwise not more often than `page_every`). Each snapshot is compared
//! with the one before, and the differences reach the app as the feed's
//! messages, read by the one change model (`domain::change::events_between`):
//! a lot that appears or changes terms (`lot`), a status change along an
//! allowed step (`status`, with the sale price as the result and the site's
//! words for the status), a moved trading start (`lot`). Errors back off with the engine's `Backoff`; a page not
//! understood is the link's cause while the last good lots stay.
//!
//! Requests per poll: one per list page of each object type (⌈N/20⌉, at
//! least 1 each, so 2 for a quiet day of under 20 lots a type), plus one per
//! new or changed lot, plus at most one lot page per lot every `page_every`;
//! the client spaces them `site_gap` apart (`platform::http::page`).
//!
//! A page that fails mid-read (5xx, timeout, a body cut short, the
//! maintenance or error page) is tried again `page_retries` times with a
//! doubling wait before the read fails; a throttle (429, the throttling
//! page) is never tried again at once: the poll's loop waits what the site
//! asked, and a one-shot read (`read_once`) waits it out within its
//! `Patience`. Every failure names its page in words (`list page 3 of 7`).

use super::seam::{LinkPolicy, Seam, SeamConfig, Source};
use super::{SyncCmd, SyncHandle, SyncMsg};
use crate::domain::SitePage;
use crate::domain::clock::wall_now;
use crate::domain::{Auction, AuctionStatus, Event, EventKind, Lot, Timestamp, change};
use crate::platform::client::{Cached, Client};
use crate::platform::error::PlatformError;
use crate::platform::http::Validators;
use crate::platform::sauda::{self, Card, LotPage, SiteDown, SiteLang, SiteUrls};
use crate::rates::RatesConfig;
use reqwest::Url;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// Shortest interval between two reads of the list.
pub const MIN_POLL: Duration = Duration::from_secs(15);
/// Ctrl-R is honoured no sooner than this after the last read.
const MIN_REFRESH: Duration = Duration::from_secs(5);
/// Lots held at most (the site's subsoil lists hold a few hundred).
const MAX_LOTS: usize = 5000;

/// How the poller behaves.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub lang: SiteLang,
    /// Interval between list reads (at least `MIN_POLL` outside tests).
    pub poll: Duration,
    /// A lot page is re-read at most this often unless its card changed.
    pub page_every: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub offline_after_attempts: u32,
    pub channel_size: usize,
    pub rates: Option<RatesConfig>,
    /// A page that failed mid-read is tried again this many times.
    pub page_retries: u32,
    /// The first wait before trying a page again (doubling after).
    pub retry_base: Duration,
    /// What a throttle that names no wait (a 429 without `Retry-After`, the
    /// throttling page) stands for.
    pub throttle_wait: Duration,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            lang: SiteLang::Ru,
            poll: Duration::from_secs(60),
            page_every: Duration::from_secs(600),
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(300),
            offline_after_attempts: 3,
            channel_size: 1024,
            rates: None,
            page_retries: 2,
            retry_base: Duration::from_secs(2),
            throttle_wait: sauda::THROTTLE_WAIT,
        }
    }
}

/// Told each wait of a one-shot read before it starts: how long, and why.
pub type OnWait = Box<dyn FnMut(Duration, &PlatformError) + Send + Sync>;

/// How a one-shot read (`snapshot`, and `watch` before its first read)
/// bears a throttle: it waits what the site asked, at most `tries` tries
/// of a page in all and `budget` of waiting, and says so through `on_wait`.
pub struct Patience {
    pub tries: u32,
    pub budget: Duration,
    pub on_wait: OnWait,
}

impl Patience {
    /// 3 tries, 2 minutes of waiting.
    pub fn one_shot(on_wait: OnWait) -> Patience {
        Patience {
            tries: 3,
            budget: Duration::from_secs(120),
            on_wait,
        }
    }
}

struct Known {
    card: Card,
    page: Option<LotPage>,
    page_at: Option<Instant>,
}

struct Poller {
    client: Client,
    urls: SiteUrls,
    cfg: SiteConfig,
    /// Messages, commands, the clock, the rates and the link.
    seam: Seam,
    known: HashMap<String, Known>,
    /// The lots as last sent, by id.
    sent: Option<HashMap<String, Lot>>,
    seq: u64,
    list_validators: HashMap<(String, u32), (Validators, Vec<Card>, u32)>,
    /// Set for a one-shot read; with the waits spent so far.
    patience: Option<(Patience, u32, Duration)>,
}

/// Starts the poller (and the rates refresher) on the current runtime.
pub fn spawn(client: Client, cfg: SiteConfig) -> SyncHandle {
    let seam_cfg = SeamConfig {
        channel_size: cfg.channel_size,
        rates: cfg.rates.clone(),
        link: LinkPolicy {
            backoff_base: cfg.backoff_base,
            backoff_cap: cfg.backoff_cap,
            backoff_floor: Duration::ZERO,
            offline_after_attempts: cfg.offline_after_attempts,
            offline_after: Duration::MAX,
        },
        what: "site read",
    };
    super::seam::spawn(
        SiteSource {
            client: client.clone(),
            cfg,
        },
        &client,
        seam_cfg,
    )
}

/// A web site as a source.
struct SiteSource {
    client: Client,
    cfg: SiteConfig,
}

impl Source for SiteSource {
    async fn run(self, seam: Seam) {
        let urls = SiteUrls::new(self.client.base_url(), self.cfg.lang);
        // The site has no feed positions: events are numbered from the start
        // time in ms, so a journal kept across runs (unique by seq) never sees
        // a seq twice, and each run's seqs follow the last run's.
        let seq = u64::try_from(wall_now().0).unwrap_or(0);
        Poller {
            client: self.client,
            urls,
            cfg: self.cfg,
            seam,
            known: HashMap::new(),
            sent: None,
            seq,
            list_validators: HashMap::new(),
            patience: None,
        }
        .run()
        .await
    }
}

/// Reads the whole list once, and the pages of its lots, with `client` (for
/// `snapshot --source sauda`), bearing throttles as `patience` says.
pub async fn read_once(
    client: &Client,
    cfg: SiteConfig,
    patience: Patience,
) -> Result<(Vec<Lot>, Option<Timestamp>), PlatformError> {
    let mut p = Poller {
        client: client.clone(),
        urls: SiteUrls::new(client.base_url(), cfg.lang),
        cfg,
        seam: Seam::detached(),
        known: HashMap::new(),
        sent: None,
        seq: 0,
        list_validators: HashMap::new(),
        patience: Some((patience, 0, Duration::ZERO)),
    };
    let lots = p.read_all().await?;
    Ok((lots, p.clock_now()))
}

impl Poller {
    async fn run(mut self) {
        let auction = Auction {
            id: crate::domain::lot::site_auction_id(&self.urls.host_label()),
            title: format!("{} · subsoil lots", self.urls.host_label()),
            venue: self.urls.host_label(),
            timezone: crate::domain::time::PLATFORM_TZ.into(),
            currency: "KZT".into(),
            starts_at: wall_now(),
            ends_at: wall_now(),
            status: AuctionStatus::Running,
        };
        if self.seam.send(SyncMsg::Auction(auction)).await.is_err() {
            return;
        }
        loop {
            let delay = match self.read_all().await {
                Ok(lots) => {
                    if self.publish(lots).await.is_err() {
                        return;
                    }
                    self.cfg.poll
                }
                Err(e) => match self.seam.failed(&e).await {
                    // What the site asked is waited whole; our own backoff
                    // never outlasts a poll.
                    Ok(d) => match e.retry_after() {
                        Some(_) => d,
                        None => d.min(self.cfg.poll.max(self.cfg.backoff_base)),
                    },
                    Err(_) => return,
                },
            };
            let until = Instant::now() + delay;
            // Ctrl-R reads now, but never sooner than `MIN_REFRESH` after
            // the last read ended: the site is slow and shared.
            let earliest = Instant::now() + MIN_REFRESH;
            let mut refresh = false;
            loop {
                let wake = if refresh { earliest.min(until) } else { until };
                tokio::select! {
                    _ = tokio::time::sleep_until(wake) => break,
                    c = self.seam.cmds.recv() => match c {
                        None => return,
                        Some(SyncCmd::RefreshNow) => {
                            refresh = true;
                            self.seam.refresh_rates();
                        }
                        Some(_) => {}
                    },
                }
            }
        }
    }

    fn clock_now(&self) -> Option<Timestamp> {
        self.seam.clock_now()
    }

    async fn observe(&self, f: Option<crate::domain::clock::ClockSample>) {
        if let Some(s) = f {
            self.seam.note_clock(s);
        }
    }

    /// Every list page of both object types, then the lot pages due.
    async fn read_all(&mut self) -> Result<Vec<Lot>, PlatformError> {
        let mut cards: Vec<Card> = Vec::new();
        for ot in sauda::OBJECT_TYPES {
            let mut page = 1;
            let mut pages = 1;
            while page <= pages && page <= sauda::MAX_PAGES {
                let what = SitePage::List {
                    hydrocarbons: ot == "Hydrocarbon",
                    page,
                    of: (page > 1).then_some(pages),
                };
                let (got, last) = self
                    .list_page(ot, page)
                    .await
                    .map_err(|e| e.on_page(what))?;
                pages = last;
                for c in got {
                    if !cards.iter().any(|k| k.id == c.id) && cards.len() < MAX_LOTS {
                        cards.push(c);
                    }
                }
                page += 1;
            }
        }
        let now = Instant::now();
        let mut lots = Vec::with_capacity(cards.len());
        let read_at = self.clock_now().unwrap_or_else(wall_now);
        for card in cards {
            let due = match self.known.get(&card.id) {
                None => true,
                Some(k) => {
                    k.card != card
                        || k.page.is_none()
                        || k.page_at
                            .is_none_or(|t| now.duration_since(t) >= self.cfg.page_every)
                }
            };
            if due {
                let url = self.urls.lot(&card.id);
                let read = self
                    .fetch(url, &Validators::default(), sauda::parse_lot_page)
                    .await;
                let page = match read {
                    Ok((Cached::Fresh(p), _)) => Some(p),
                    Ok((Cached::NotModified, _)) => {
                        self.known.get(&card.id).and_then(|k| k.page.clone())
                    }
                    // Gone between the list and its page: the card alone
                    // until the next read.
                    Err(PlatformError::NotFound) => None,
                    Err(e) => {
                        return Err(e.on_page(SitePage::Lot {
                            number: card.number.clone(),
                        }));
                    }
                };
                self.known.insert(
                    card.id.clone(),
                    Known {
                        card: card.clone(),
                        page,
                        page_at: Some(now),
                    },
                );
            }
            if let Some(k) = self.known.get(&card.id) {
                let url = self.urls.lot(&card.id).to_string();
                lots.push(sauda::lot_from(&card, k.page.as_ref(), url, read_at));
            }
        }
        Ok(lots)
    }

    /// One list page (its ETag sent back; a 304 keeps the cards held).
    async fn list_page(&mut self, ot: &str, page: u32) -> Result<(Vec<Card>, u32), PlatformError> {
        let key = (ot.to_string(), page);
        let known = self
            .list_validators
            .get(&key)
            .map(|v| v.0.clone())
            .unwrap_or_default();
        let url = self.urls.list(ot, page);
        let read = self
            .fetch(url, &known, sauda::parse_list)
            .await
            .map_err(|e| match e {
                // The list is the one page every site serves: a wrong URL.
                PlatformError::NotFound => PlatformError::Layout {
                    page: String::new(),
                    what: "the list page answered 404 (not the sauda site? check --url)".into(),
                },
                e => e,
            })?;
        match read {
            (Cached::NotModified, _) => Ok(self
                .list_validators
                .get(&key)
                .map(|(_, c, l)| (c.clone(), *l))
                .unwrap_or_default()),
            (Cached::Fresh(parsed), validators) => {
                let last = parsed.pages();
                if validators != Validators::default() {
                    self.list_validators
                        .insert(key, (validators, parsed.cards.clone(), last));
                }
                Ok((parsed.cards, last))
            }
        }
    }

    /// One page, read and parsed, with its retries: a transient failure is
    /// tried again `page_retries` times (waits of `retry_base`, doubling);
    /// a throttle is waited out here only by a patient (one-shot) read.
    async fn fetch<T>(
        &mut self,
        url: Url,
        known: &Validators,
        parse: fn(&str, &str) -> Result<T, PlatformError>,
    ) -> Result<(Cached<T>, Validators), PlatformError> {
        let mut retries = 0u32;
        loop {
            let read = match self.client.page(url.clone(), known).await {
                Ok(f) => {
                    self.observe(f.clock).await;
                    match f.value {
                        Cached::NotModified => Ok((Cached::NotModified, Validators::default())),
                        Cached::Fresh(p) => {
                            parse(&p.body, &p.path).map(|t| (Cached::Fresh(t), p.validators))
                        }
                    }
                }
                Err(e) => Err(e),
            };
            let e = match read {
                Ok(v) => return Ok(v),
                Err(e) => throttle_as_429(e, self.cfg.throttle_wait),
            };
            if transient(&e) && retries < self.cfg.page_retries {
                let wait = self.cfg.retry_base.saturating_mul(1 << retries.min(8));
                retries += 1;
                tracing::info!(retry = retries, "trying the page again in {wait:?}: {e}");
                tokio::time::sleep(wait).await;
                continue;
            }
            if let (
                PlatformError::RateLimited {
                    retry_after: Some(d),
                },
                Some((p, waits, waited)),
            ) = (&e, self.patience.as_mut())
                && *waits + 1 < p.tries
                && *waited + *d <= p.budget
            {
                *waits += 1;
                *waited += *d;
                (p.on_wait)(*d, &e);
                tokio::time::sleep(*d).await;
                continue;
            }
            return Err(e);
        }
    }

    /// The first read as a snapshot; then the differences as events.
    async fn publish(&mut self, mut lots: Vec<Lot>) -> Result<(), ()> {
        self.seam.succeeded(true).await.map_err(drop)?;
        let at = self.clock_now().unwrap_or_else(wall_now);
        let Some(before) = self.sent.as_mut() else {
            self.sent = Some(lots.iter().map(|l| (l.id.clone(), l.clone())).collect());
            return self
                .seam
                .send(SyncMsg::Snapshot {
                    seq: self.seq,
                    lots,
                    rejected: Vec::new(),
                })
                .await
                .map_err(drop);
        };
        let mut events = Vec::new();
        for lot in &mut lots {
            if let Some(old) = before.get(&lot.id) {
                keep_read_times(old, lot);
            }
            let lot = &*lot;
            let kinds = match before.get(&lot.id) {
                None => vec![EventKind::Lot(Box::new(lot.clone()))],
                Some(old) => change::events_between(old, lot),
            };
            if kinds.is_empty() {
                continue;
            }
            for kind in kinds {
                self.seq += 1;
                events.push(Event {
                    seq: self.seq,
                    at,
                    lot_id: Some(lot.id.clone()),
                    kind,
                });
            }
            before.insert(lot.id.clone(), lot.clone());
        }
        // An empty batch still tells the app the data is fresh.
        self.seam.send(SyncMsg::Events(events)).await.map_err(drop)
    }
}

/// A throttle as a 429 with its wait: the throttling page (whatever its
/// status) and a 429 that names no wait stand for `default`.
fn throttle_as_429(e: PlatformError, default: Duration) -> PlatformError {
    match e {
        PlatformError::SiteDown {
            kind: SiteDown::Throttled,
            ..
        }
        | PlatformError::RateLimited { retry_after: None } => PlatformError::RateLimited {
            retry_after: Some(default),
        },
        e => e,
    }
}

/// A failure that another try of the same page may not meet: the server's
/// error, no answer in time, a body cut short, the maintenance or error
/// page. Not a throttle, a 4xx, or a page not understood.
fn transient(e: &PlatformError) -> bool {
    match e {
        PlatformError::Http { status, .. } => *status >= 500,
        PlatformError::Unavailable { retry_after } => retry_after.is_none(),
        PlatformError::Timeout { .. }
        | PlatformError::Body(_)
        | PlatformError::Connect(_)
        | PlatformError::SiteDown {
            kind: SiteDown::Maintenance | SiteDown::Failed,
            ..
        } => true,
        _ => false,
    }
}

/// What the read's time stands in for (a sale's protocol time, a start the
/// page did not show as a date) stays as first seen: only the site's own
/// changes make an event.
fn keep_read_times(old: &Lot, new: &mut Lot) {
    if let (Some(o), Some(n)) = (&old.result, &mut new.result)
        && o.amount == n.amount
    {
        n.protocol_at = o.protocol_at;
    }
    if new.field_invalid("opens_at") && old.field_invalid("opens_at") {
        new.opens_at = old.opens_at;
        new.closes_at = old.closes_at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LotResult, LotStatus, Money, SiteLot};

    fn site_lot(status: LotStatus) -> Lot {
        let mut l = crate::testing::test_lot();
        l.status = status;
        l.site = Some(Box::new(SiteLot {
            url: "http://127.0.0.1/ru/list/1".into(),
            ..SiteLot::default()
        }));
        l
    }

    fn diff(old: &Lot, new: &Lot) -> EventKind {
        let mut kinds = change::events_between(old, new);
        assert_eq!(kinds.len(), 1, "{kinds:?}");
        kinds.remove(0)
    }

    #[test]
    fn a_step_the_rules_allow_is_a_status_event_anything_else_the_lot() {
        let old = site_lot(LotStatus::Scheduled);
        let mut open = old.clone();
        open.status = LotStatus::Open;
        if let Some(s) = open.site.as_deref_mut() {
            s.status_text = "Идет прием заявок".into();
        }
        let ev = diff(&old, &open);
        assert!(matches!(
            &ev,
            EventKind::Status {
                status: LotStatus::Open,
                status_text: Some(t),
                ..
            } if t == "Идет прием заявок"
        ));
        // The app, applying the event, holds the lot as the site shows it.
        let mut applied = old.clone();
        applied.apply(&Event {
            seq: 1,
            at: Timestamp(0),
            lot_id: Some(old.id.clone()),
            kind: ev,
        });
        assert_eq!(applied, open);
        // Open to sold skips `closed`: the poll did not see it, so the lot.
        let mut sold = open.clone();
        sold.status = LotStatus::Sold;
        sold.result = Some(LotResult {
            winner: String::new(),
            amount: Money::from_tenge(55_380_000),
            protocol_at: Timestamp(1),
        });
        assert!(matches!(diff(&open, &sold), EventKind::Lot(l) if l.status == LotStatus::Sold));
        // A moved start is the whole lot.
        let mut moved = old.clone();
        moved.opens_at = old.opens_at.plus_secs(3600);
        assert!(matches!(diff(&old, &moved), EventKind::Lot(_)));
    }

    #[test]
    fn read_times_stay_as_first_seen() {
        let mut a = site_lot(LotStatus::Sold);
        a.result = Some(LotResult {
            winner: String::new(),
            amount: Money::from_tenge(10),
            protocol_at: Timestamp(1),
        });
        let mut b = a.clone();
        if let Some(r) = b.result.as_mut() {
            r.protocol_at = Timestamp(2);
        }
        keep_read_times(&a, &mut b);
        assert_eq!(a, b);
        // A new price is news.
        if let Some(r) = b.result.as_mut() {
            r.amount = Money::from_tenge(11);
            r.protocol_at = Timestamp(3);
        }
        keep_read_times(&a, &mut b);
        assert_ne!(a, b);
    }
}
