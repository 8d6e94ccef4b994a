//! Each lot's part of the protocol (its timeline of steps, its anomalies,
//! holes and cross-check) and the day's totals.

use super::*;

#[derive(Default)]
pub(super) struct TotalsAcc {
    lots: usize,
    by_status: BTreeMap<String, usize>,
    starting: Money,
    results: Money,
    sold_starting: Money,
    /// Results of the sold lots whose start is known (the uplift's base).
    sold_results: Money,
    starting_unreadable: usize,
}

impl TotalsAcc {
    pub(super) fn add(&mut self, l: &Lot) {
        self.lots += 1;
        *self
            .by_status
            .entry(l.status.as_str().to_string())
            .or_default() += 1;
        // An unreadable start is left out of every sum and counted.
        let start = l.starting_bonus.known();
        match start {
            Some(s) => self.starting = self.starting.saturating_add(s),
            None => self.starting_unreadable += 1,
        }
        if l.status == LotStatus::Sold
            && let Some(r) = &l.result
        {
            self.results = self.results.saturating_add(r.amount);
            if let Some(s) = start {
                self.sold_starting = self.sold_starting.saturating_add(s);
                self.sold_results = self.sold_results.saturating_add(r.amount);
            }
        }
    }

    pub(super) fn finish(self, rate: Option<Rate>) -> Totals {
        let uplift = self.sold_results.saturating_sub(self.sold_starting);
        Totals {
            lots: self.lots,
            by_status: self.by_status,
            starting_kzt: self.starting.to_wire(),
            results_kzt: self.results.to_wire(),
            sold_starting_kzt: self.sold_starting.to_wire(),
            uplift_kzt: uplift.to_wire(),
            uplift_pct: self
                .sold_results
                .uplift_percent(self.sold_starting)
                .map(|p| format!("{p:.1}")),
            starting_usd: usd(self.starting, rate),
            results_usd: usd(self.results, rate),
            uplift_usd: usd(uplift, rate),
            starting_unreadable: self.starting_unreadable,
        }
    }
}

pub(super) fn step(r: &Recorded, kind: &str, rate: Option<Rate>) -> Step {
    let mut s = Step {
        seq: r.seq,
        at: rfc(r.event.at),
        kind: kind.to_string(),
        status: None,
        bidder: None,
        amount_kzt: None,
        amount_usd: None,
        closes_at: None,
        extensions: None,
        message: None,
    };
    match &r.event.kind {
        EventKind::Bid {
            amount,
            bidder,
            closes_at,
        } => {
            s.bidder = Some(bidder.clone());
            s.amount_kzt = Some(amount.to_wire());
            s.amount_usd = usd(*amount, rate);
            s.closes_at = Some(rfc(*closes_at));
        }
        EventKind::Extended {
            closes_at,
            extensions,
        } => {
            s.closes_at = Some(rfc(*closes_at));
            s.extensions = Some(*extensions);
        }
        EventKind::Status {
            status_text: _,
            status,
            closes_at,
            result,
        } => {
            s.status = Some(status.as_str().to_string());
            s.closes_at = Some(rfc(*closes_at));
            if let Some(res) = result {
                s.bidder = Some(res.winner.clone());
                s.amount_kzt = Some(res.amount.to_wire());
                s.amount_usd = usd(res.amount, rate);
            }
        }
        EventKind::Notice { message } => s.message = Some(message.clone()),
        EventKind::Lot(l) => s.message = Some(l.name.clone()),
        EventKind::Unknown { type_name } => s.message = Some(type_name.clone()),
    }
    s
}

pub(super) fn lot_part(
    l: &Lot,
    recs: &[&Recorded],
    first_status: Option<&LotStatus>,
    rate: Option<Rate>,
    anomalies: Vec<AnomalyPart>,
    holes: Vec<Hole>,
) -> LotPart {
    let mut timeline = Vec::with_capacity(recs.len());
    let mut bids = Vec::new();
    let mut prev = first_status.cloned();
    let mut last_bid: Option<(&Recorded, Money, &str)> = None;
    for r in recs {
        let kind = match &r.event.kind {
            EventKind::Bid { amount, bidder, .. } => {
                last_bid = Some((r, *amount, bidder.as_str()));
                "bid"
            }
            EventKind::Extended { .. } => "extended",
            EventKind::Status { status, .. } => {
                let k = match status {
                    LotStatus::Open if prev == Some(LotStatus::Suspended) => "resumed",
                    LotStatus::Open => "opened",
                    LotStatus::Suspended => "suspended",
                    LotStatus::Closed => "closed",
                    LotStatus::Sold => "sold",
                    LotStatus::Unsold => "unsold",
                    LotStatus::Cancelled => "cancelled",
                    LotStatus::Scheduled => "scheduled",
                    LotStatus::Unknown(_) => "status",
                };
                prev = Some(status.clone());
                k
            }
            EventKind::Lot(_) => "terms",
            EventKind::Notice { .. } => "notice",
            EventKind::Unknown { .. } => "unknown",
        };
        let s = step(r, kind, rate);
        if kind == "bid" {
            bids.push(BidPart {
                seq: s.seq,
                at: s.at.clone(),
                bidder: s.bidder.clone().unwrap_or_default(),
                amount_kzt: s.amount_kzt.clone().unwrap_or_default(),
                amount_usd: s.amount_usd.clone(),
                closes_at: s.closes_at.clone().unwrap_or_default(),
            });
        }
        timeline.push(s);
    }
    let result = l.result.as_ref().filter(|_| l.status == LotStatus::Sold);
    let final_amount = result
        .map(|r| r.amount)
        .or(l.high_bid.as_ref().map(|h| h.amount));
    // The last high bid the monitor saw: its newest bid event, or the high
    // bid a snapshot showed when that is newer.
    let seen = match (&last_bid, &l.high_bid) {
        (Some((r, a, b)), Some(h)) if h.seq <= r.seq => Some((Some(r.seq), *a, b.to_string())),
        (_, Some(h)) => Some((Some(h.seq), h.amount, h.bidder.clone())),
        (Some((r, a, b)), None) => Some((Some(r.seq), *a, b.to_string())),
        (None, None) => None,
    };
    let cross_check = {
        let (outcome, diff) = match (result, &seen) {
            (Some(r), Some((_, a, b))) if r.amount == *a && &r.winner == b => ("match", None),
            (Some(r), Some((_, a, _))) => (
                "mismatch",
                (r.amount != *a).then(|| {
                    let d = r.amount.tiyn() - a.tiyn();
                    let m = Money::from_tiyn(d.abs()).to_wire();
                    if d < 0 { format!("-{m}") } else { m }
                }),
            ),
            (Some(_), None) => ("no_bid_seen", None),
            (None, Some(_)) => ("no_result", None),
            (None, None) => ("none", None),
        };
        CrossCheck {
            outcome: outcome.into(),
            result_kzt: result.map(|r| r.amount.to_wire()),
            winner: result.map(|r| r.winner.clone()),
            last_high_kzt: seen.as_ref().map(|s| s.1.to_wire()),
            last_bidder: seen.as_ref().map(|s| s.2.clone()),
            last_seq: seen.as_ref().and_then(|s| s.0),
            difference_kzt: diff,
        }
    };
    LotPart {
        id: l.id.clone(),
        number: l.number.clone(),
        name: l.name.clone(),
        region: l.region.clone(),
        minerals: l.minerals.clone(),
        license: LicensePart {
            kind: l.license.kind.as_str().to_string(),
            term_years: l.license.term_years,
            area_km2: l.license.area_km2.map(|a| a.to_string()),
            blocks: l.license.blocks,
        },
        reserves: l.reserves.clone(),
        status: l.status.as_str().to_string(),
        starting_bonus_kzt: l.starting_bonus.to_wire(),
        starting_bonus_usd: l.starting_bonus.known().and_then(|s| usd(s, rate)),
        min_increment_kzt: l.min_increment.to_wire(),
        guarantee_kzt: l.guarantee.to_wire(),
        participation_fee_kzt: l.participation_fee.to_wire(),
        participants: l.participants,
        min_participants: l.min_participants,
        opens_at: rfc(l.opens_at),
        closes_at: rfc(l.closes_at),
        soft_close: SoftClosePart {
            window_s: l.soft_close.window_s,
            extend_s: l.soft_close.extend_s,
            max_extensions: l.soft_close.max_extensions,
        },
        bid_count: l.bid_count,
        bids_seen: bids.len(),
        final_kzt: final_amount.map(Money::to_wire),
        final_usd: final_amount.and_then(|m| usd(m, rate)),
        result: result.map(|r| ResultPart {
            winner: r.winner.clone(),
            amount_kzt: r.amount.to_wire(),
            amount_usd: usd(r.amount, rate),
            protocol_at: rfc(r.protocol_at),
        }),
        bids,
        extensions: l.extensions,
        timeline,
        anomalies,
        holes,
        cross_check,
    }
}
