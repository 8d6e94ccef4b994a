//! A [`Snapshot`] in the Prometheus text exposition format (0.0.4), through
//! `prometheus-client`: a `Collector` over the snapshot's plain data,
//! registered in a registry with the `lotwatch` prefix.

use super::{LotSample, Snapshot};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;
use rust_decimal::prelude::ToPrimitive;
use std::sync::Arc;
use std::time::Instant;

/// The `Content-Type` of the answer.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Encodes `snap` as seen at `at` (times to close count on from the
/// snapshot to `at`).
pub fn encode(snap: &Snapshot, at: Instant) -> String {
    let mut registry = Registry::with_prefix("lotwatch");
    registry.register_collector(Box::new(SnapshotCollector {
        snap: Arc::new(snap.clone()),
        at,
    }));
    let mut out = String::with_capacity(256 + snap.lots.len() * 600);
    // Writing into a String cannot fail; the collector below never errs.
    let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &registry);
    out
}

#[derive(Debug)]
struct SnapshotCollector {
    snap: Arc<Snapshot>,
    at: Instant,
}

type Fmt = Result<(), std::fmt::Error>;

fn lot_labels(l: &LotSample) -> [(&'static str, &str); 4] {
    [
        ("lot", l.id.as_str()),
        ("number", l.number.as_str()),
        ("status", l.status.as_str()),
        ("source", l.source.as_str()),
    ]
}

/// One per-lot gauge family: a series for each lot `value` gives a number.
fn per_lot(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    lots: &[LotSample],
    value: impl Fn(&LotSample) -> Option<f64>,
) -> Fmt {
    let mut m = enc.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for l in lots {
        if let Some(v) = value(l) {
            let labels = lot_labels(l);
            ConstGauge::new(v).encode(m.encode_family(&labels)?)?;
        }
    }
    Ok(())
}

fn gauge(enc: &mut DescriptorEncoder, name: &str, help: &str, v: Option<f64>) -> Fmt {
    if let Some(v) = v {
        let m = enc.encode_descriptor(name, help, None, MetricType::Gauge)?;
        ConstGauge::new(v).encode(m)?;
    }
    Ok(())
}

fn counter(enc: &mut DescriptorEncoder, name: &str, help: &str, v: u64) -> Fmt {
    let m = enc.encode_descriptor(name, help, None, MetricType::Counter)?;
    ConstCounter::new(v).encode(m)
}

impl Collector for SnapshotCollector {
    fn encode(&self, mut enc: DescriptorEncoder) -> Fmt {
        let s = &*self.snap;
        let server_now = s.server_time_at(self.at);
        per_lot(
            &mut enc,
            "lot_high_bid_kzt",
            "High bid of the lot (a sold lot's result), in tenge.",
            &s.lots,
            |l| l.high_bid.and_then(|m| m.as_decimal().to_f64()),
        )?;
        per_lot(
            &mut enc,
            "lot_starting_bonus_kzt",
            "Starting bonus of the lot, in tenge (none where the source showed it unreadable).",
            &s.lots,
            |l| {
                l.starting_bonus
                    .known()
                    .and_then(|m| m.as_decimal().to_f64())
            },
        )?;
        per_lot(
            &mut enc,
            "lot_seconds_to_close",
            "Seconds until the lot closes on the server's clock (open and scheduled lots; a suspended lot's frozen time left).",
            &s.lots,
            |l| match (l.closes_at, l.frozen_left_ms, server_now) {
                (Some(c), _, Some(now)) => Some((c.0 - now.0).max(0) as f64 / 1000.0),
                (None, Some(left), _) => Some(left.max(0) as f64 / 1000.0),
                _ => None,
            },
        )?;
        per_lot(
            &mut enc,
            "lot_extensions",
            "Soft-close extensions of the lot so far.",
            &s.lots,
            |l| Some(f64::from(l.extensions)),
        )?;
        per_lot(
            &mut enc,
            "lot_bids",
            "Accepted bids on the lot.",
            &s.lots,
            |l| Some(f64::from(l.bids)),
        )?;
        per_lot(
            &mut enc,
            "lot_watched",
            "1 for each lot on the watchlist.",
            &s.lots,
            |l| l.watched.then_some(1.0),
        )?;
        per_lot(
            &mut enc,
            "lot_leading",
            "With --me: 1 where we hold the high bid, else 0.",
            &s.lots,
            |l| l.leading.map(|b| if b { 1.0 } else { 0.0 }),
        )?;
        gauge(
            &mut enc,
            "lots",
            "Lots the monitor holds.",
            Some(s.lots_total as f64),
        )?;
        gauge(
            &mut enc,
            "lots_omitted",
            "Lots left without per-lot series (over the 10 000-lot bound).",
            Some(s.lots_total.saturating_sub(s.lots.len()) as f64),
        )?;
        gauge(
            &mut enc,
            "lots_starting_bonus_unreadable",
            "Lots whose starting bonus the source showed in words, not a number (never counted as zero).",
            Some(
                s.lots
                    .iter()
                    .filter(|l| l.starting_bonus.is_unreadable())
                    .count() as f64,
            ),
        )?;
        gauge(
            &mut enc,
            "link_up",
            "1 while the platform answers (LIVE), else 0.",
            Some(if s.link_up { 1.0 } else { 0.0 }),
        )?;
        gauge(
            &mut enc,
            "clock_offset_seconds",
            "Server clock minus this machine's clock, estimated.",
            s.clock_offset_ms.map(|ms| ms as f64 / 1000.0),
        )?;
        gauge(
            &mut enc,
            "clock_uncertainty_seconds",
            "Uncertainty of the server-clock estimate.",
            s.clock_uncertainty_ms.map(|ms| ms as f64 / 1000.0),
        )?;
        gauge(
            &mut enc,
            "data_age_seconds",
            "Seconds since the newest data from the platform, on the server's clock.",
            match (s.data_at, server_now) {
                (Some(d), Some(now)) => Some((now.0 - d.0).max(0) as f64 / 1000.0),
                _ => None,
            },
        )?;
        gauge(
            &mut enc,
            "feed_seq",
            "The feed position the monitor holds.",
            Some(s.feed_seq as f64),
        )?;
        {
            let mut m = enc.encode_descriptor(
                "requests",
                "Requests to the platform by route and HTTP status (or timeout, connect_error, error).",
                None,
                MetricType::Counter,
            )?;
            for (path, status, n) in &s.requests {
                let labels = [("path", *path), ("status", status.as_str())];
                ConstCounter::new(*n).encode(m.encode_family(&labels)?)?;
            }
        }
        counter(
            &mut enc,
            "journal_records",
            "Records (transactions) the journal committed.",
            s.journal_records,
        )?;
        counter(
            &mut enc,
            "journal_failures",
            "Journal records given up after every attempt failed.",
            s.journal_failures,
        )?;
        let mut m = enc.encode_descriptor(
            "anomalies",
            "Anomalies raised since start, by kind (docs/anomalies.md).",
            None,
            MetricType::Counter,
        )?;
        for (kind, n) in &s.anomalies {
            let labels = [("kind", *kind)];
            ConstCounter::new(*n).encode(m.encode_family(&labels)?)?;
        }
        if !s.alerts.is_empty() {
            let mut m = enc.encode_descriptor(
                "alerts",
                "Alerts since start by rule, event and delivery state (raised; delivered per channel; dropped from a full outbox).",
                None,
                MetricType::Counter,
            )?;
            for (rule, event, state, n) in &s.alerts {
                let labels = [
                    ("rule", rule.as_str()),
                    ("event", event.as_str()),
                    ("state", state.as_str()),
                ];
                ConstCounter::new(*n).encode(m.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Money, Timestamp};

    fn sample(id: &str, status: &str, bid: Option<&str>) -> LotSample {
        LotSample {
            id: id.into(),
            source: "api".into(),
            number: format!("N{id}"),
            status: status.into(),
            high_bid: bid.map(|b| Money::parse(b).expect("money")),
            starting_bonus: if id == "a" {
                Money::from_tenge(1_000).into()
            } else {
                crate::domain::Amount::Unreadable
            },
            closes_at: Some(Timestamp(1_000_000)),
            frozen_left_ms: None,
            extensions: 2,
            bids: 3,
            watched: id == "a",
            leading: None,
        }
    }

    #[test]
    fn every_family_is_typed_and_values_are_exact() {
        let mut s = Snapshot::empty();
        s.server_at = Some(Timestamp(940_000));
        s.lots = vec![
            sample("a", "open", Some("36920000.50")),
            sample("b\"\\\n", "open", None),
        ];
        s.lots_total = 2;
        s.requests = vec![("/api/v1/events", "200".into(), 7)];
        s.alerts = vec![
            ("gold".into(), "new".into(), "raised".into(), 2),
            ("gold".into(), "new".into(), "delivered".into(), 4),
        ];
        let text = encode(&s, s.taken);
        for line in [
            "# TYPE lotwatch_lot_high_bid_kzt gauge",
            "lotwatch_lot_high_bid_kzt{lot=\"a\",number=\"Na\",status=\"open\",source=\"api\"} 36920000.5",
            "lotwatch_lot_seconds_to_close{lot=\"a\",number=\"Na\",status=\"open\",source=\"api\"} 60.0",
            "lotwatch_lot_watched{lot=\"a\",number=\"Na\",status=\"open\",source=\"api\"} 1.0",
            "# TYPE lotwatch_requests_total counter",
            "lotwatch_requests_total{path=\"/api/v1/events\",status=\"200\"} 7",
            "lotwatch_anomalies_total{kind=\"seq_gap\"} 0",
            "lotwatch_link_up 0.0",
            "lotwatch_lot_starting_bonus_kzt{lot=\"a\",number=\"Na\",status=\"open\",source=\"api\"} 1000.0",
            "lotwatch_lots_starting_bonus_unreadable 1.0",
            "lotwatch_journal_failures_total 0",
            "# TYPE lotwatch_alerts_total counter",
            "lotwatch_alerts_total{rule=\"gold\",event=\"new\",state=\"raised\"} 2",
            "lotwatch_alerts_total{rule=\"gold\",event=\"new\",state=\"delivered\"} 4",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        // The label with a quote, a backslash and a newline is escaped.
        assert!(text.contains("lot=\"b\\\"\\\\\\n\""), "{text}");
        assert!(
            !text.contains("lotwatch_lot_high_bid_kzt{lot=\"b"),
            "{text}"
        );
    }
}
