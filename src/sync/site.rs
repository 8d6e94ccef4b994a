//! The poller of a web-site source (sauda.e-qazyna.kz): every `poll` it reads
//! the list of both subsoil object types to the pager's end, one request in
//! flight, and a lot's page when the lot is first seen or its card changed
//! (otherwise not more often than `page_every`). Each snapshot is compared
//! with the one before, and the differences reach the app as the feed's
//! messages: a lot that appears or changes terms (`lot`), a status change
//! (`status`, with the sale price as the result), a moved trading start
//! (`lot`). Errors back off with the engine's `Backoff`; a page not
//! understood is the link's cause while the last good lots stay.
//!
//! Requests per poll: one per list page of each object type (⌈N/20⌉, at
//! least 1 each, so 2 for a quiet day of under 20 lots a type), plus one per
//! new or changed lot, plus at most one lot page per lot every `page_every`.

use super::seam::{LinkPolicy, Seam, SeamConfig, Source};
use super::{SyncCmd, SyncHandle, SyncMsg};
use crate::domain::clock::wall_now;
use crate::domain::{Auction, AuctionStatus, Event, EventKind, Lot, Timestamp, rules};
use crate::platform::client::{Cached, Client};
use crate::platform::error::PlatformError;
use crate::platform::http::Validators;
use crate::platform::sauda::{self, Card, LotPage, SiteLang, SiteUrls};
use crate::rates::RatesConfig;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// Shortest interval between two reads of the list.
pub const MIN_POLL: Duration = Duration::from_secs(15);
/// Ctrl-R is honoured no sooner than this after the last read.
pub const MIN_REFRESH: Duration = Duration::from_secs(5);
/// Lots held at most (the site's subsoil lists hold a few hundred).
pub const MAX_LOTS: usize = 5000;

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
        }
        .run()
        .await
    }
}

/// Reads the whole list once, and the pages of its lots, with `client` (for
/// `snapshot --source sauda`).
pub async fn read_once(
    client: &Client,
    lang: SiteLang,
) -> Result<(Vec<Lot>, Option<Timestamp>), PlatformError> {
    let mut p = Poller {
        client: client.clone(),
        urls: SiteUrls::new(client.base_url(), lang),
        cfg: SiteConfig::default(),
        seam: Seam::detached(),
        known: HashMap::new(),
        sent: None,
        seq: 0,
        list_validators: HashMap::new(),
    };
    let lots = p.read_all().await?;
    Ok((lots, p.clock_now()))
}

impl Poller {
    async fn run(mut self) {
        let auction = Auction {
            id: crate::domain::lot::SITE_AUCTION_ID.into(),
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
                    Ok(d) => d.min(self.cfg.poll.max(self.cfg.backoff_base)),
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
                let (got, last) = self.list_page(ot, page).await?;
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
                let page = match self.client.page(url, &Validators::default()).await {
                    Ok(f) => {
                        self.observe(f.clock).await;
                        match f.value {
                            Cached::Fresh(p) => Some(sauda::parse_lot_page(&p.body, &p.path)?),
                            Cached::NotModified => {
                                self.known.get(&card.id).and_then(|k| k.page.clone())
                            }
                        }
                    }
                    // Gone between the list and its page: the card alone
                    // until the next read.
                    Err(PlatformError::NotFound) => None,
                    Err(e) => return Err(e),
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
        let path = format!("{}?{}", url.path(), url.query().unwrap_or(""));
        let f = self.client.page(url, &known).await.map_err(|e| match e {
            // The list is the one page every site serves: a wrong URL.
            PlatformError::NotFound => PlatformError::Layout {
                page: crate::platform::sanitize::clean(&path, 200),
                what: "the list page answered 404 (not the sauda site? check --url)".into(),
            },
            e => e,
        })?;
        self.observe(f.clock).await;
        match f.value {
            Cached::NotModified => Ok(self
                .list_validators
                .get(&key)
                .map(|(_, c, l)| (c.clone(), *l))
                .unwrap_or_default()),
            Cached::Fresh(p) => {
                let parsed = sauda::parse_list(&p.body, &p.path)?;
                let last = parsed.pages();
                if p.validators != Validators::default() {
                    self.list_validators
                        .insert(key, (p.validators, parsed.cards.clone(), last));
                }
                Ok((parsed.cards, last))
            }
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
            let kind = match before.get(&lot.id) {
                None => Some(EventKind::Lot(Box::new(lot.clone()))),
                Some(old) if old == lot => None,
                Some(old) => Some(diff(old, lot)),
            };
            if let Some(kind) = kind {
                self.seq += 1;
                events.push(Event {
                    seq: self.seq,
                    at,
                    lot_id: Some(lot.id.clone()),
                    kind,
                });
                before.insert(lot.id.clone(), lot.clone());
            }
        }
        // An empty batch still tells the app the data is fresh.
        self.seam.send(SyncMsg::Events(events)).await.map_err(drop)
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

/// The event for a lot that changed: a status event when only the status
/// (and its result) moved along an allowed step, else the whole lot (a
/// moved start, new terms, or a status reached by steps the poll missed).
fn diff(old: &Lot, new: &Lot) -> EventKind {
    let mut same = new.clone();
    same.status = old.status.clone();
    same.result = old.result.clone();
    same.site = old.site.clone();
    if same == *old
        && old.status != new.status
        && rules::transition_allowed(&old.status, &new.status)
    {
        EventKind::Status {
            status: new.status.clone(),
            closes_at: new.closes_at,
            result: new.result.clone(),
        }
    } else {
        EventKind::Lot(Box::new(new.clone()))
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

    #[test]
    fn a_step_the_rules_allow_is_a_status_event_anything_else_the_lot() {
        let old = site_lot(LotStatus::Scheduled);
        let mut open = old.clone();
        open.status = LotStatus::Open;
        assert!(matches!(
            diff(&old, &open),
            EventKind::Status {
                status: LotStatus::Open,
                ..
            }
        ));
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
