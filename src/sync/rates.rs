//! Reading rates with fallback, and the task that keeps them fresh.
//!
//! Fallback order: the chosen source, then the other source, then the fixed
//! rates if any were given, then the last good table. A table from anywhere
//! but the chosen source says why in `RateTable::fallback`.

use crate::domain::clock::{ServerClock, mono_now, wall_now};
use crate::domain::{Currency, Timestamp};
use crate::platform::PlatformError;
use crate::platform::client::{Cached, Client};
use crate::platform::sanitize::clean;
use crate::rates::nbk::parse_nbk;
use crate::rates::{
    Fallback, FallbackTo, RateSource, RateTable, RatesConfig, RatesMode, nbk_url_for,
};
use crate::sync::SyncMsg;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

/// What the refresher remembers between rounds.
#[derive(Debug, Default)]
pub struct RatesState {
    platform_etag: Option<String>,
    platform_cached: Option<RateTable>,
    /// The newest table read from a real source (platform or NBK).
    pub last_good: Option<RateTable>,
}

/// Why one source gave no table this round.
#[derive(Debug, thiserror::Error)]
enum RatesError {
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error("304 without a cached table")]
    NotModifiedUncached,
    #[error("no usable rate in the answer")]
    NoUsableRate,
    /// The NBK feed did not parse (its message sanitized).
    #[error("{0}")]
    Feed(String),
    #[error("the feed has none of USD, EUR, CNY")]
    NoCurrency,
    #[error("not a fetched source")]
    NotFetched,
}

async fn from_platform(
    client: &Client,
    st: &mut RatesState,
    now: Timestamp,
) -> Result<RateTable, RatesError> {
    let etag = st.platform_cached.as_ref().and(st.platform_etag.as_deref());
    let f = client.rates(etag).await?;
    let table = match f.value {
        Cached::NotModified => {
            let mut t = st
                .platform_cached
                .clone()
                .ok_or(RatesError::NotModifiedUncached)?;
            t.fetched_at = now;
            t
        }
        Cached::Fresh(r) => {
            for i in &r.issues {
                tracing::warn!(field = %i.field, problem = %i.problem, "platform rates");
            }
            RateTable {
                source: RateSource::Platform,
                date: Some(r.date),
                rates: r.rates,
                fetched_at: now,
                fallback: None,
            }
        }
    };
    if table.rates.is_empty() {
        return Err(RatesError::NoUsableRate);
    }
    st.platform_etag = f.etag;
    st.platform_cached = Some(table.clone());
    Ok(table)
}

async fn from_nbk(
    client: &Client,
    cfg: &RatesConfig,
    date: jiff::civil::Date,
    now: Timestamp,
) -> Result<RateTable, RatesError> {
    let url = nbk_url_for(&cfg.nbk_url, date);
    let f = client.fetch_public_text(&url).await?;
    let parsed = parse_nbk(&f.value).map_err(|e| RatesError::Feed(clean(&e.to_string(), 200)))?;
    let rates: std::collections::BTreeMap<_, _> = parsed
        .rates
        .into_iter()
        .filter(|(c, _)| *c != Currency::Kzt)
        .collect();
    if rates.is_empty() {
        return Err(RatesError::NoCurrency);
    }
    Ok(RateTable {
        source: RateSource::Nbk,
        date: Some(parsed.date),
        rates,
        fetched_at: now,
        fallback: None,
    })
}

async fn from_source(
    client: &Client,
    cfg: &RatesConfig,
    st: &mut RatesState,
    src: &RateSource,
    date: jiff::civil::Date,
    now: Timestamp,
) -> Result<RateTable, RatesError> {
    match src {
        RateSource::Platform => from_platform(client, st, now).await,
        RateSource::Nbk => from_nbk(client, cfg, date, now).await,
        RateSource::Fixed => Err(RatesError::NotFetched),
    }
}

fn fixed_table(cfg: &RatesConfig, now: Timestamp, fallback: Option<Fallback>) -> RateTable {
    RateTable {
        source: RateSource::Fixed,
        date: None,
        rates: cfg.fixed.clone(),
        fetched_at: now,
        fallback,
    }
}

/// One round: the best table available now, or None when there is nothing
/// at all to show. `date` is the server's Astana date, `now` its time.
pub async fn fetch_with_fallback(
    client: &Client,
    cfg: &RatesConfig,
    st: &mut RatesState,
    date: jiff::civil::Date,
    now: Timestamp,
) -> Option<RateTable> {
    let order = match cfg.mode {
        RatesMode::Platform => [RateSource::Platform, RateSource::Nbk],
        RatesMode::Nbk => [RateSource::Nbk, RateSource::Platform],
        RatesMode::Fixed => return Some(fixed_table(cfg, now, None)),
    };
    let mut failures: Vec<(RateSource, String)> = Vec::new();
    for src in &order {
        match from_source(client, cfg, st, src, date, now).await {
            Ok(mut t) => {
                if !failures.is_empty() {
                    t.fallback = Some(Fallback {
                        failed: failures,
                        using: FallbackTo::Source(src.clone()),
                    });
                }
                st.last_good = Some(t.clone());
                return Some(t);
            }
            Err(e) => {
                tracing::warn!(source = src.label(), error = %e, "rates");
                failures.push((src.clone(), e.to_string()));
            }
        }
    }
    if !cfg.fixed.is_empty() {
        let why = Fallback {
            failed: failures,
            using: FallbackTo::Fixed,
        };
        return Some(fixed_table(cfg, now, Some(why)));
    }
    st.last_good.clone().map(|mut t| {
        t.fallback = Some(Fallback {
            failed: failures,
            using: FallbackTo::LastGood,
        });
        t
    })
}

/// Keeps rates fresh: at start, every `cfg.refresh`, when the server's Astana
/// date changes, and on `refresh_now`; sooner after a failure. Ends when the
/// receiver of `out` is gone.
pub async fn run(
    client: Client,
    cfg: RatesConfig,
    clock: Arc<Mutex<ServerClock>>,
    out: mpsc::Sender<SyncMsg>,
    refresh_now: Arc<Notify>,
) {
    let started = Instant::now();
    let mut st = RatesState::default();
    let mut last_date = None;
    let mut due = Instant::now();
    let mut retry = cfg.retry;
    loop {
        let est = clock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .now(mono_now());
        // Wait briefly for the server's clock (its date picks the NBK file);
        // without it after a while, use the local clock.
        let server_now = match est {
            Some(t) => t,
            None if started.elapsed() < Duration::from_secs(10) => {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    _ = out.closed() => return,
                }
                continue;
            }
            None => wall_now(),
        };
        let date = server_now
            .astana_date()
            .unwrap_or_else(|| jiff::civil::date(1970, 1, 1));
        if Instant::now() >= due || last_date != Some(date) {
            let table = fetch_with_fallback(&client, &cfg, &mut st, date, server_now).await;
            let ok = table.as_ref().is_some_and(|t| t.fallback.is_none());
            if let Some(t) = table
                && out.send(SyncMsg::Rates(t)).await.is_err()
            {
                return;
            }
            if cfg.mode == RatesMode::Fixed {
                return;
            }
            last_date = Some(date);
            if ok {
                due = Instant::now() + cfg.refresh;
                retry = cfg.retry;
            } else {
                due = Instant::now() + retry;
                retry = (retry * 2).min(cfg.refresh);
            }
        }
        // Wake now and then to notice a change of date.
        let nap = due
            .saturating_duration_since(Instant::now())
            .min(cfg.date_check.max(Duration::from_millis(50)));
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            _ = refresh_now.notified() => due = Instant::now(),
            _ = out.closed() => return,
        }
    }
}
