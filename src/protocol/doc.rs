//! The protocol laid out as a document (headings, key-value tables, tables,
//! paragraphs, warnings) in one language, once for both Markdown and HTML:
//! each renderer only escapes and marks it up. Text in a block is plain,
//! untrusted text; the renderers escape it.

use super::labels::Words;
use super::model::{Hole, LotPart, Protocol, Step};

/// A piece of text, and how to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    /// A hash or a command: monospace.
    pub code: bool,
    /// Something that needs the reader's attention.
    pub warn: bool,
    /// Data from the platform (names, labels): a formula-like start is
    /// neutralized where the output may be pasted into a spreadsheet.
    pub data: bool,
}

impl Text {
    pub fn plain(s: impl Into<String>) -> Text {
        Text {
            text: s.into(),
            code: false,
            warn: false,
            data: false,
        }
    }
    pub fn data(s: impl Into<String>) -> Text {
        Text {
            data: true,
            ..Text::plain(s)
        }
    }
    pub fn code(s: impl Into<String>) -> Text {
        Text {
            code: true,
            ..Text::plain(s)
        }
    }
    pub fn warn(s: impl Into<String>) -> Text {
        Text {
            warn: true,
            ..Text::plain(s)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The document's title (level 1) or a section (2) or a subsection (3).
    Heading(u8, Vec<Text>),
    /// A warning at the top of the document.
    Banner(String),
    Paragraph(Vec<Text>),
    /// Two columns: label, value(s).
    Fields(Vec<(String, Vec<Text>)>),
    Table {
        head: Vec<String>,
        rows: Vec<Row>,
    },
    List(Vec<Vec<Text>>),
    /// A lot begins (a new page when printed).
    LotStart,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Text>,
    /// A hole in the timeline: one cell across the table.
    pub hole: bool,
}

fn hole_text(w: &Words, h: &Hole) -> String {
    let l = w.l;
    let seq = |s: Option<u64>| s.map(|v| v.to_string()).unwrap_or_default();
    let t = |s: &Option<String>| s.as_deref().map(|x| w.datetime(x));
    match h.kind.as_str() {
        "missing" => {
            let stands = h
                .stands_for
                .as_ref()
                .map(|s| (s.snapshot_seq.to_string(), w.datetime(&s.at)));
            (l.hole_missing)(
                &seq(h.from_seq),
                &seq(h.to_seq),
                stands.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            )
        }
        "offline" => (l.hole_offline)(
            t(&h.from).as_deref(),
            &t(&h.to).unwrap_or_default(),
            &seq(h.from_seq),
            &seq(h.to_seq),
        ),
        _ => {
            let (seq, at) = h
                .stands_for
                .as_ref()
                .map(|s| (s.snapshot_seq.to_string(), w.datetime(&s.at)))
                .unwrap_or_default();
            (l.hole_snapshot)(&at, &seq, h.detail.as_deref().unwrap_or(""))
        }
    }
}

fn step_cells(w: &Words, s: &Step) -> Vec<Text> {
    // A step that names a status uses the monitor's word for it (one word
    // per status across the monitor, `watch` and the protocol).
    let mut event = match s.kind.as_str() {
        "suspended" | "closed" | "sold" | "unsold" | "cancelled" | "scheduled" => w.status(&s.kind),
        k => (w.l.step)(k).to_string(),
    };
    if let Some(n) = s.extensions {
        event = format!("{event} ({})", (w.l.extension_n)(n));
    }
    let mut what = vec![Text::plain(event)];
    if let Some(m) = &s.message {
        what.push(Text::data(m.clone()));
    }
    let amount = s
        .amount_kzt
        .as_deref()
        .map(|a| w.kzt_usd(a, s.amount_usd.as_deref()))
        .unwrap_or_default();
    let closes = match s.kind.as_str() {
        "bid" | "extended" => s.closes_at.as_deref().map(|c| w.time(c)),
        _ => None,
    };
    vec![
        Text::plain(w.time(&s.at)),
        Text::plain(s.seq.to_string()),
        Text {
            text: what
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(": "),
            data: what.len() > 1,
            code: false,
            warn: matches!(s.kind.as_str(), "suspended" | "cancelled"),
        },
        Text::data(s.bidder.clone().unwrap_or_default()),
        Text::plain(amount),
        Text::plain(closes.unwrap_or_default()),
    ]
}

fn lot_blocks(w: &Words, lot: &LotPart, out: &mut Vec<Block>) {
    let l = w.l;
    out.push(Block::LotStart);
    out.push(Block::Heading(
        2,
        vec![
            Text::plain(format!("{} {} — ", l.lot, lot.number)),
            Text::data(lot.name.clone()),
        ],
    ));
    let money = |k: &str| Text::plain(w.kzt(k));
    let mut terms = vec![
        (l.number.to_string(), vec![Text::data(lot.number.clone())]),
        (l.name.to_string(), vec![Text::data(lot.name.clone())]),
        (l.region.to_string(), vec![Text::data(lot.region.clone())]),
        (
            l.minerals.to_string(),
            vec![Text::data(lot.minerals.join(", "))],
        ),
        (
            l.license.to_string(),
            vec![Text::plain(
                w.license(&lot.license.kind, lot.license.term_years),
            )],
        ),
        (
            l.area.to_string(),
            vec![Text::plain(
                w.area(lot.license.area_km2.as_deref(), lot.license.blocks),
            )],
        ),
    ];
    if !lot.reserves.is_empty() {
        terms.push((
            l.reserves.to_string(),
            vec![Text::data(lot.reserves.clone())],
        ));
    }
    terms.extend([
        (
            l.starting_bonus.to_string(),
            vec![Text::plain(w.kzt_usd(
                &lot.starting_bonus_kzt,
                lot.starting_bonus_usd.as_deref(),
            ))],
        ),
        (
            l.min_increment.to_string(),
            vec![money(&lot.min_increment_kzt)],
        ),
        (l.guarantee.to_string(), vec![money(&lot.guarantee_kzt)]),
        (
            l.participation_fee.to_string(),
            vec![money(&lot.participation_fee_kzt)],
        ),
        (
            l.participants.to_string(),
            vec![Text::plain((l.participants_text)(
                lot.participants,
                lot.min_participants,
            ))],
        ),
        (
            l.schedule.to_string(),
            vec![Text::plain((l.schedule_text)(
                &w.datetime(&lot.opens_at),
                &w.datetime(&lot.closes_at),
            ))],
        ),
        (
            l.soft_close.to_string(),
            vec![Text::plain(w.soft_close(
                lot.soft_close.window_s,
                lot.soft_close.extend_s,
                lot.soft_close.max_extensions,
            ))],
        ),
    ]);
    out.push(Block::Fields(terms));

    out.push(Block::Heading(3, vec![Text::plain(l.timeline)]));
    if lot.timeline.is_empty() && lot.holes.is_empty() {
        out.push(Block::Paragraph(vec![Text::plain(l.no_steps)]));
    } else {
        let mut rows = Vec::with_capacity(lot.timeline.len() + lot.holes.len());
        let mut holes = lot.holes.iter().peekable();
        for s in &lot.timeline {
            while let Some(h) = holes.next_if(|h| h.at_seq <= s.seq) {
                rows.push(hole_row(w, h));
            }
            rows.push(Row {
                cells: step_cells(w, s),
                hole: false,
            });
        }
        rows.extend(holes.map(|h| hole_row(w, h)));
        out.push(Block::Table {
            head: [
                l.col_time,
                l.col_seq,
                l.col_event,
                l.col_bidder,
                l.col_amount,
                l.col_closes,
            ]
            .map(String::from)
            .to_vec(),
            rows,
        });
    }

    out.push(Block::Heading(3, vec![Text::plain(l.result)]));
    let result = match &lot.result {
        Some(r) => vec![Text::data((l.sold_to)(
            &r.winner,
            &w.kzt_usd(&r.amount_kzt, r.amount_usd.as_deref()),
            &w.datetime(&r.protocol_at),
        ))],
        None => vec![Text::plain((l.no_result)(&w.status(&lot.status)))],
    };
    let final_amount = lot
        .final_kzt
        .as_deref()
        .map(|k| w.kzt_usd(k, lot.final_usd.as_deref()))
        .unwrap_or_else(|| "—".into());
    let cc = &lot.cross_check;
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let cross = match cc.outcome.as_str() {
        "match" => Text::data((l.cc_match)(
            &w.kzt(&o(&cc.last_high_kzt)),
            &o(&cc.last_bidder),
            &cc.last_seq.map(|s| s.to_string()).unwrap_or_default(),
        )),
        "mismatch" => Text {
            warn: true,
            ..Text::data((l.cc_mismatch)(
                &w.kzt(&o(&cc.result_kzt)),
                &o(&cc.winner),
                &w.kzt(&o(&cc.last_high_kzt)),
                &o(&cc.last_bidder),
            ))
        },
        "no_bid_seen" => Text::warn(l.cc_no_bid_seen),
        "no_result" => Text::plain(l.cc_no_result),
        _ => Text::plain(l.cc_none),
    };
    out.push(Block::Fields(vec![
        (w.l.result.to_string(), result),
        (
            l.bids.to_string(),
            vec![Text::plain((l.bids_line)(lot.bid_count, lot.bids_seen))],
        ),
        (l.final_amount.to_string(), vec![Text::plain(final_amount)]),
        (l.cross_check.to_string(), vec![cross]),
    ]));

    out.push(Block::Heading(3, vec![Text::plain(l.anomalies)]));
    if lot.anomalies.is_empty() {
        out.push(Block::Paragraph(vec![Text::plain(l.none)]));
    } else {
        out.push(Block::List(
            lot.anomalies
                .iter()
                .map(|a| {
                    vec![
                        Text::warn(format!(
                            "{}{}: ",
                            a.at.as_deref()
                                .map(|t| format!("{} ", w.time(t)))
                                .unwrap_or_default(),
                            w.anomaly(&a.kind)
                        )),
                        Text::data(a.evidence.clone()),
                    ]
                })
                .collect(),
        ));
    }
}

fn hole_row(w: &Words, h: &Hole) -> Row {
    Row {
        cells: vec![Text::warn(format!("⚠ {}: {}", w.l.hole, hole_text(w, h)))],
        hole: true,
    }
}

/// The document of a protocol in `w`'s language.
pub fn layout(p: &Protocol, w: &Words) -> Vec<Block> {
    let l = w.l;
    let mut out = Vec::new();
    let title = p
        .auction
        .title
        .clone()
        .unwrap_or_else(|| p.auction.id.clone());
    out.push(Block::Heading(
        1,
        vec![Text::plain(format!("{}: ", l.title)), Text::data(title)],
    ));
    if let Some(problem) = &p.chain.problem {
        out.push(Block::Banner((l.failed)(problem)));
    }
    out.push(Block::Paragraph(vec![Text::plain(l.independent)]));

    let span = match (&p.span.first_event_at, &p.span.last_event_at) {
        (Some(a), Some(b)) => (l.span_text)(
            &w.datetime(a),
            &w.datetime(b),
            p.span.first_seq.unwrap_or(0),
            p.span.last_seq.unwrap_or(0),
            &w.int(p.span.events),
        ),
        _ => l.no_events.to_string(),
    };
    let rate = match &p.rate {
        Some(r) => {
            let mut t = (l.rate_text)(
                &w.rate(&r.usd),
                (l.source)(&r.source),
                &date_only(w, &r.date),
            );
            if !r.auction_day {
                t = format!("{t} — {}", l.rate_not_of_day);
            }
            vec![Text {
                warn: !r.auction_day,
                ..Text::plain(t)
            }]
        }
        None => vec![Text::warn(l.no_rate)],
    };
    let chain = match (&p.chain.head, p.chain.verified) {
        (Some(h), true) => vec![
            Text::plain((l.chain_text)(&w.int(p.chain.records), "")),
            Text::code(h.clone()),
            Text::plain(format!(" — {}", l.verified)),
        ],
        (Some(h), false) => vec![
            Text::plain((l.chain_text)(&w.int(p.chain.records), "")),
            Text::code(h.clone()),
            Text::warn(format!(" — {}", l.not_verified)),
        ],
        (None, _) => vec![Text::warn(l.not_verified)],
    };
    let mut fields = vec![
        (
            l.auction_id.to_string(),
            vec![Text::data(p.auction.id.clone())],
        ),
        (
            l.venue.to_string(),
            vec![Text::data(p.auction.venue.clone().unwrap_or_default())],
        ),
        (l.span.to_string(), vec![Text::plain(span)]),
        (
            l.journal_file.to_string(),
            vec![Text::data(p.journal.clone())],
        ),
        (l.rate.to_string(), rate),
        (l.chain.to_string(), chain),
    ];
    if p.chain.verified {
        let started = p
            .chain
            .started_at
            .as_deref()
            .map(|t| w.datetime(t))
            .unwrap_or_default();
        let covers = if p.chain.migrated {
            (l.covers_migrated)(
                &started,
                &p.chain
                    .covered_from_record
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "—".into()),
                &p.chain
                    .covered_from_message
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "—".into()),
                &w.int(p.chain.rows_before),
            )
        } else {
            (l.covers_all)(&started)
        };
        fields.push((String::new(), vec![Text::plain(covers)]));
    }
    out.push(Block::Fields(fields));

    out.push(Block::Heading(2, vec![Text::plain(l.totals)]));
    let t = &p.totals;
    let by_status = t
        .by_status
        .iter()
        .map(|(s, n)| format!("{} {}", w.status(s), w.int(*n as u64)))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut uplift = w.kzt_usd(&t.uplift_kzt, t.uplift_usd.as_deref());
    if let Some(p) = &t.uplift_pct {
        uplift = format!("{uplift} · {}", w.percent(p));
    }
    out.push(Block::Fields(vec![
        (l.lots.to_string(), vec![Text::plain(w.int(t.lots as u64))]),
        (l.by_status.to_string(), vec![Text::plain(by_status)]),
        (
            l.starting_sum.to_string(),
            vec![Text::plain(
                w.kzt_usd(&t.starting_kzt, t.starting_usd.as_deref()),
            )],
        ),
        (
            l.results_sum.to_string(),
            vec![Text::plain(
                w.kzt_usd(&t.results_kzt, t.results_usd.as_deref()),
            )],
        ),
        (l.uplift.to_string(), vec![Text::plain(uplift)]),
    ]));
    if t.starting_unreadable > 0
        && let Some(Block::Fields(f)) = out.last_mut()
    {
        f.push((
            l.starting_unreadable.to_string(),
            vec![Text::warn(w.int(t.starting_unreadable as u64))],
        ));
    }

    out.push(Block::Heading(2, vec![Text::plain(l.holes)]));
    if p.holes.is_empty() {
        out.push(Block::Paragraph(vec![Text::plain(l.no_holes)]));
    } else {
        out.push(Block::List(
            p.holes
                .iter()
                .map(|h| vec![Text::warn(hole_text(w, h))])
                .collect(),
        ));
    }
    if !p.anomalies.is_empty() {
        out.push(Block::Heading(2, vec![Text::plain(l.day_anomalies)]));
        out.push(Block::List(
            p.anomalies
                .iter()
                .map(|a| {
                    vec![
                        Text::warn(format!(
                            "{}{}: ",
                            a.at.as_deref()
                                .map(|t| format!("{} ", w.datetime(t)))
                                .unwrap_or_default(),
                            w.anomaly(&a.kind)
                        )),
                        Text::data(a.evidence.clone()),
                    ]
                })
                .collect(),
        ));
    }
    if !p.notices.is_empty() {
        out.push(Block::Heading(2, vec![Text::plain(l.notices)]));
        out.push(Block::List(
            p.notices
                .iter()
                .map(|n| {
                    vec![
                        Text::plain(format!("{} (seq {}): ", w.datetime(&n.at), n.seq)),
                        Text::data(n.message.clone().unwrap_or_default()),
                    ]
                })
                .collect(),
        ));
    }

    for lot in &p.lots {
        lot_blocks(w, lot, &mut out);
    }

    if let Some(h) = &p.chain.head {
        out.push(Block::Paragraph(vec![
            Text::plain((l.chain_text)(&w.int(p.chain.records), "")),
            Text::code(h.clone()),
            Text::plain(format!(". {} ", l.check_line)),
            Text::code(format!(
                "lotwatch verify --journal {} --head {h}",
                p.journal
            )),
        ]));
    }
    out.push(Block::Paragraph(vec![Text::plain((l.generated)(
        &p.generated_by,
    ))]));
    out
}

fn date_only(w: &Words, date: &str) -> String {
    date.parse::<jiff::civil::Date>()
        .map_or_else(|_| date.to_string(), |d| w.lang.date(d))
}
