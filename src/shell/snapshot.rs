//! `lotwatch snapshot`: read the platform once (`/auction`, `/lots`) with the
//! real client and print the lots as a table, JSON or CSV, for scripts and
//! cron. Text has been sanitized by the client's decoder; money is printed
//! exactly as wire decimal strings.

use crate::domain::{Auction, Lot, Timestamp};
use crate::platform::{Cached, Client, ClientConfig, PlatformError, Token};
use crate::shell::cli::{SnapshotArgs, SnapshotFormat};
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

/// Exit codes, as `--help` documents them.
pub const EXIT_OK: u8 = 0;
pub const EXIT_PLATFORM: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_DATA: u8 = 3;

/// What one read of the platform gave.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub server_time: Option<Timestamp>,
    pub seq: u64,
    pub auction: Auction,
    pub lots: Vec<Lot>,
}

/// Runs the command; prints to stdout, errors to stderr.
pub fn run_cli(args: &SnapshotArgs, token: Option<Token>) -> ExitCode {
    let Some(url) = crate::shell::source::url_for(args.source, args.url.as_ref()) else {
        eprintln!(
            "lotwatch snapshot: --url URL is required (snapshot reads a real platform; run `lotwatch serve` for a simulator)"
        );
        return ExitCode::from(EXIT_USAGE);
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lotwatch snapshot: {e}");
            return ExitCode::from(EXIT_PLATFORM);
        }
    };
    let mut cfg = ClientConfig::new(url);
    cfg.token = token;
    cfg.ca_cert = args.ca_cert.clone();
    crate::shell::source::adjust_client(args.source, &mut cfg);
    let (source, lang) = (args.source, args.site_lang.lang());
    let result = rt.block_on(async {
        let client = Client::new(cfg)?;
        match source {
            crate::shell::source::SourceArg::Api => fetch(&client).await,
            crate::shell::source::SourceArg::Sauda => fetch_site(&client, lang).await,
        }
    });
    match result {
        Ok(snap) => {
            let out = render(&snap, args.format);
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return ExitCode::from(EXIT_PLATFORM);
            }
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            // The words the monitor shows for the same failure.
            eprintln!("lotwatch snapshot: {}", crate::sync::LinkCause::from(&e));
            ExitCode::from(exit_code(&e))
        }
    }
}

/// The exit code for a failed read.
pub fn exit_code(e: &PlatformError) -> u8 {
    match e {
        PlatformError::Decode(_) => EXIT_DATA,
        PlatformError::Config(_) => EXIT_USAGE,
        _ => EXIT_PLATFORM,
    }
}

/// Reads `/auction` and `/lots` once.
pub async fn fetch(client: &Client) -> Result<Snapshot, PlatformError> {
    let auction = client.auction().await?.value;
    let lots = client.lots(None).await?;
    match lots.value {
        Cached::Fresh(page) => Ok(Snapshot {
            server_time: page.server_time,
            seq: page.seq,
            auction,
            lots: page.lots,
        }),
        Cached::NotModified => Err(PlatformError::Decode(
            "304 to a request without If-None-Match".into(),
        )),
    }
}

/// Reads the site's lists of both subsoil object types to the pager's end
/// and every lot's page once.
pub async fn fetch_site(
    client: &Client,
    lang: crate::platform::sauda::SiteLang,
) -> Result<Snapshot, PlatformError> {
    let (lots, server_time) = crate::sync::site::read_once(client, lang).await?;
    let host = crate::platform::sauda::SiteUrls::new(client.base_url(), lang).host_label();
    Ok(Snapshot {
        server_time,
        seq: 0,
        auction: Auction {
            id: crate::domain::lot::site_auction_id(&host),
            title: format!("{host} · subsoil lots"),
            venue: host,
            timezone: crate::domain::time::PLATFORM_TZ.into(),
            currency: "KZT".into(),
            starts_at: server_time.unwrap_or_default(),
            ends_at: server_time.unwrap_or_default(),
            status: crate::domain::AuctionStatus::Running,
        },
        lots,
    })
}

/// The snapshot in `format`, ending with a newline.
pub fn render(snap: &Snapshot, format: SnapshotFormat) -> String {
    match format {
        SnapshotFormat::Json => json(snap),
        SnapshotFormat::Csv => csv(snap),
        SnapshotFormat::Table => table(snap),
    }
}

const COLUMNS: [&str; 13] = [
    "id",
    "number",
    "name",
    "region",
    "minerals",
    "status",
    "starting_bonus",
    "high_bid",
    "high_bidder",
    "bid_count",
    "participants",
    "closes_at",
    "extensions",
];

fn row(l: &Lot) -> [String; 13] {
    [
        l.id.clone(),
        l.number.clone(),
        l.name.clone(),
        l.region.clone(),
        l.minerals.join(" "),
        l.status.as_str().to_string(),
        // A site's amount that was not a number is said so, never 0.00.
        if l.field_invalid("starting_bonus") {
            "invalid".to_string()
        } else {
            l.starting_bonus.to_wire()
        },
        l.high_bid
            .as_ref()
            .map(|b| b.amount.to_wire())
            .unwrap_or_default(),
        l.high_bid
            .as_ref()
            .map(|b| b.bidder.clone())
            .unwrap_or_default(),
        l.bid_count.to_string(),
        l.participants.to_string(),
        l.closes_at.to_rfc3339(),
        l.extensions.to_string(),
    ]
}

fn json(snap: &Snapshot) -> String {
    let lots: Vec<serde_json::Value> = snap
        .lots
        .iter()
        .map(|l| {
            let mut v = serde_json::json!({
                "id": l.id,
                "number": l.number,
                "name": l.name,
                "region": l.region,
                "minerals": l.minerals,
                "status": l.status.as_str(),
                "starting_bonus": l.starting_bonus.to_wire(),
                "min_increment": l.min_increment.to_wire(),
                "high_bid": l.high_bid.as_ref().map(|b| b.amount.to_wire()),
                "high_bidder": l.high_bid.as_ref().map(|b| b.bidder.clone()),
                "bid_count": l.bid_count,
                "participants": l.participants,
                "min_participants": l.min_participants,
                "opens_at": l.opens_at.to_rfc3339(),
                "closes_at": l.closes_at.to_rfc3339(),
                "extensions": l.extensions,
                "winner": l.result.as_ref().map(|r| r.winner.clone()),
            });
            if let (Some(site), Some(o)) = (l.site.as_deref(), v.as_object_mut()) {
                let money = |field: &str, m: crate::domain::Money| {
                    if l.field_invalid(field) {
                        serde_json::Value::String("invalid".into())
                    } else {
                        serde_json::Value::String(m.to_wire())
                    }
                };
                o.insert(
                    "starting_bonus".into(),
                    money("starting_bonus", l.starting_bonus),
                );
                o.insert("guarantee".into(), money("guarantee", l.guarantee));
                o.insert(
                    "participation_fee".into(),
                    money("participation_fee", l.participation_fee),
                );
                o.insert(
                    "sale_price".into(),
                    l.result.as_ref().map(|r| r.amount.to_wire()).into(),
                );
                o.insert("license_kind".into(), l.license.kind.as_str().into());
                o.insert(
                    "area_km2".into(),
                    l.license.area_km2.map(|a| a.to_string()).into(),
                );
                o.insert("blocks".into(), l.license.blocks.into());
                o.insert("description".into(), l.reserves.clone().into());
                o.insert(
                    "site".into(),
                    serde_json::to_value(crate::platform::wire::WireSite::from(site))
                        .unwrap_or_default(),
                );
            }
            v
        })
        .collect();
    let v = serde_json::json!({
        "server_time": snap.server_time.map(Timestamp::to_rfc3339),
        "seq": snap.seq,
        "auction": {
            "id": snap.auction.id,
            "title": snap.auction.title,
            "status": snap.auction.status.as_str(),
        },
        "lots": lots,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn csv(snap: &Snapshot) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut ok = w.write_record(COLUMNS).is_ok();
    for l in &snap.lots {
        ok &= w.write_record(row(l)).is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    debug_assert!(ok, "writing CSV to memory cannot fail");
    String::from_utf8(bytes).unwrap_or_default()
}

/// The widest a text cell gets in the table.
const MAX_CELL: usize = 40;

fn table(snap: &Snapshot) -> String {
    let cols = [0usize, 2, 3, 5, 6, 7, 8, 9, 11];
    let rows: Vec<Vec<String>> = snap
        .lots
        .iter()
        .map(|l| {
            let r = row(l);
            cols.iter().map(|&i| fit(&r[i], MAX_CELL)).collect()
        })
        .collect();
    let header: Vec<String> = cols.iter().map(|&i| COLUMNS[i].to_string()).collect();
    let widths: Vec<usize> = (0..cols.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].width())
                .chain([header[c].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = format!(
        "{} ({}), {} lots, seq {}, server time {}\n",
        snap.auction.title,
        snap.auction.status.as_str(),
        snap.lots.len(),
        snap.seq,
        snap.server_time
            .map(Timestamp::to_rfc3339)
            .unwrap_or_else(|| "unknown".into())
    );
    for r in std::iter::once(&header).chain(rows.iter()) {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.width()))))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Cuts `s` to `max` display columns, with an ellipsis when cut.
fn fit(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) + 1 > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::fit;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("short", 10), "short");
        let cut = fit("金矿金矿金矿金矿", 7);
        assert!(cut.width() <= 7, "{cut}");
        assert!(cut.ends_with('…'));
    }
}
