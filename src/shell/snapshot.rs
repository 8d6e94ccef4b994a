//! `lotwatch snapshot`: read the platform once (`/auction`, `/lots`) with the
//! real client and print the lots as a table, JSON or CSV, for scripts and
//! cron, all three from the one output model of a lot (`platform::output`).
//! Text has been sanitized by the client's decoder; money is printed exactly
//! as wire decimal strings, an amount the source showed in words as
//! `unreadable`.

use crate::domain::{Auction, Lot, Timestamp};
use crate::platform::output::{LOT_COLUMNS, LotOut};
use crate::platform::{Cached, Client, ClientConfig, PlatformError, Token};
use crate::shell::cli::{SnapshotArgs, SnapshotFormat};
use crate::shell::cli_lang;
use crate::ui::i18n::Lang;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

/// Exit codes, as `--help` documents them.
pub const EXIT_OK: u8 = 0;
const EXIT_PLATFORM: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
const EXIT_DATA: u8 = 3;

/// What one read of the platform gave.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub server_time: Option<Timestamp>,
    pub seq: u64,
    pub auction: Auction,
    pub lots: Vec<Lot>,
}

/// Runs the command; prints to stdout, errors to stderr.
pub fn run_cli(args: &SnapshotArgs, token: Option<Token>, lang: Lang) -> ExitCode {
    let Some(url) = crate::shell::source::url_for(args.source, args.url.as_ref()) else {
        eprintln!(
            "lotwatch snapshot: {}",
            cli_lang::tool(lang, cli_lang::Tool::SnapshotNeedsUrl)
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
    crate::shell::source::adjust_client(args.source, &mut cfg, args.site_gap);
    let (source, site_lang) = (args.source, args.site_lang.lang());
    let result = rt.block_on(async {
        let client = Client::new(cfg)?;
        match source {
            crate::shell::source::SourceArg::Api => fetch(&client).await,
            crate::shell::source::SourceArg::Site => {
                let site = crate::sync::site::SiteConfig {
                    lang: site_lang,
                    ..Default::default()
                };
                fetch_site(&client, site, Box::new(say_wait("lotwatch snapshot", lang))).await
            }
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
            let gave_up = match e.root() {
                PlatformError::RateLimited { .. } => cli_lang::tool(lang, cli_lang::Tool::GaveUp),
                _ => String::new(),
            };
            eprintln!(
                "lotwatch snapshot: {}{gave_up}",
                cli_lang::link_cause(lang, &crate::sync::LinkCause::from(&e))
            );
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

/// What a one-shot command prints on stderr before it waits out a throttle:
/// `waiting 3 s: the site asked to slow down (429)`.
fn wait_line(wait: std::time::Duration, e: &PlatformError, lang: Lang) -> String {
    let cause = match e.root() {
        PlatformError::RateLimited { .. } => None,
        other => Some(cli_lang::link_cause(
            lang,
            &crate::sync::LinkCause::from(other),
        )),
    };
    let secs = wait.as_secs_f64().ceil() as u64;
    cli_lang::tool(lang, cli_lang::Tool::Waiting { secs, cause })
}

/// Says each wait on stderr, once, as `prefix: waiting …`.
fn say_wait(
    prefix: &'static str,
    lang: Lang,
) -> impl FnMut(std::time::Duration, &PlatformError) + Send + Sync {
    move |wait, e| eprintln!("{prefix}: {}", wait_line(wait, e, lang))
}

/// Reads the site's lists of both subsoil object types to the pager's end
/// and every lot's page once, waiting out a throttle within 3 tries and 2
/// minutes (each wait told to `on_wait`).
async fn fetch_site(
    client: &Client,
    site: crate::sync::site::SiteConfig,
    on_wait: crate::sync::site::OnWait,
) -> Result<Snapshot, PlatformError> {
    let lang = site.lang;
    let patience = crate::sync::site::Patience::one_shot(on_wait);
    let (lots, server_time) = crate::sync::site::read_once(client, site, patience).await?;
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

fn json(snap: &Snapshot) -> String {
    let lots: Vec<LotOut> = snap.lots.iter().map(LotOut::from).collect();
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
    let mut ok = w.write_record(LOT_COLUMNS).is_ok();
    for l in &snap.lots {
        ok &= w.write_record(LotOut::from(l).csv_cells()).is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    debug_assert!(ok, "writing CSV to memory cannot fail");
    String::from_utf8(bytes).unwrap_or_default()
}

/// The widest a text cell gets in the table.
const MAX_CELL: usize = 40;

fn table(snap: &Snapshot) -> String {
    // A site's lots add their sale price (an API lot's is its high bid).
    let site = snap.lots.iter().any(|l| l.site.is_some());
    let cols: &[usize] = if site {
        &[0, 2, 3, 5, 6, 7, 8, 9, 11, 13]
    } else {
        &[0, 2, 3, 5, 6, 7, 8, 9, 11]
    };
    let rows: Vec<Vec<String>> = snap
        .lots
        .iter()
        .map(|l| {
            let r = LotOut::from(l).cells();
            cols.iter().map(|&i| fit(&r[i], MAX_CELL)).collect()
        })
        .collect();
    let header: Vec<String> = cols.iter().map(|&i| LOT_COLUMNS[i].to_string()).collect();
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

/// A snapshot of `lots` in an auction `id`, for the tests.
#[cfg(test)]
fn test_snapshot(id: &str, lots: Vec<crate::domain::Lot>) -> Snapshot {
    Snapshot {
        server_time: None,
        seq: 1,
        auction: crate::domain::Auction {
            id: id.into(),
            title: "t".into(),
            venue: "v".into(),
            timezone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            starts_at: crate::domain::Timestamp(0),
            ends_at: crate::domain::Timestamp(0),
            status: crate::domain::AuctionStatus::Running,
        },
        lots,
    }
}

#[cfg(test)]
mod tests {
    use super::fit;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        let mut lot = crate::testing::test_lot();
        lot.name = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
        lot.region = "@SUM(A1)".into();
        lot.number = "-1+1".into();
        lot.minerals = vec!["+gold".into()];
        lot.high_bid = Some(crate::domain::HighBid {
            amount: crate::domain::Money::from_tenge(5),
            bidder: "\tP-01".into(),
            at: crate::domain::Timestamp(0),
            seq: 1,
        });
        let snap = super::test_snapshot("a", vec![lot]);
        let out = super::render(&snap, crate::shell::cli::SnapshotFormat::Csv);
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let row = r.records().next().expect("a row").expect("valid CSV");
        let cells: Vec<&str> = row.iter().collect();
        assert_eq!(cells[1], "'-1+1");
        assert_eq!(cells[2], "'=HYPERLINK(\"http://evil.example\",\"x\")");
        assert_eq!(cells[3], "'@SUM(A1)");
        assert_eq!(cells[4], "'+gold");
        assert_eq!(cells[8], "'\tP-01");
        assert_eq!(cells[7], "5.00");
    }

    #[test]
    fn an_unreadable_starting_bonus_is_said_never_zero_in_every_format() {
        let mut lot = crate::testing::test_lot();
        lot.starting_bonus = crate::domain::Amount::Unreadable;
        let snap = super::test_snapshot("a", vec![lot]);
        use crate::shell::cli::SnapshotFormat;
        let json: serde_json::Value =
            serde_json::from_str(&super::render(&snap, SnapshotFormat::Json)).expect("JSON");
        assert_eq!(json["lots"][0]["starting_bonus"], "unreadable");
        for f in [SnapshotFormat::Csv, SnapshotFormat::Table] {
            let out = super::render(&snap, f);
            assert!(
                out.contains("unreadable") && !out.contains("0.00,"),
                "{out}"
            );
        }
    }

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("short", 10), "short");
        let cut = fit("金矿金矿金矿金矿", 7);
        assert!(cut.width() <= 7, "{cut}");
        assert!(cut.ends_with('…'));
    }
}

#[cfg(test)]
mod site_tests {
    use super::*;
    use crate::domain::{LicenseKind, SiteLot};

    #[test]
    fn an_unknown_license_is_null_and_the_description_is_the_sites() {
        let mut lot = crate::testing::test_lot();
        lot.license.kind = LicenseKind::Unknown(String::new());
        lot.site = Some(Box::new(SiteLot {
            description: "Добыча. По контуру отвода.".into(),
            ..SiteLot::default()
        }));
        let snap = super::test_snapshot(crate::domain::lot::SITE_AUCTION_ID, vec![lot]);
        let v: serde_json::Value =
            serde_json::from_str(&render(&snap, SnapshotFormat::Json)).expect("JSON");
        let l = &v["lots"][0];
        assert!(l["license_kind"].is_null(), "{l}");
        assert_eq!(l["description"], "Добыча. По контуру отвода.");
        assert_eq!(l["site"]["description"], "Добыча. По контуру отвода.");
    }

    /// Issue 28.10: CSV and the table carry a site lot's sale price as JSON
    /// does; an API lot's cell is empty and its table has no such column.
    #[test]
    fn csv_and_table_carry_the_sale_price_of_a_site_lot() {
        let mut lot = crate::testing::test_lot();
        lot.status = crate::domain::LotStatus::Sold;
        lot.result = Some(crate::domain::LotResult {
            winner: String::new(),
            amount: crate::domain::Money::parse("123456789.00").expect("money"),
            protocol_at: Timestamp(0),
        });
        let api = lot.clone();
        lot.site = Some(Box::new(SiteLot::default()));
        let mut snap = super::test_snapshot(crate::domain::lot::SITE_AUCTION_ID, vec![lot]);
        let csv = render(&snap, SnapshotFormat::Csv);
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .is_some_and(|h| h.ends_with(",sale_price,source")),
            "{csv}"
        );
        assert!(
            lines
                .next()
                .is_some_and(|r| r.ends_with(",123456789.00,sauda")),
            "{csv}"
        );
        let table = render(&snap, SnapshotFormat::Table);
        let mut lines = table.lines().skip(1);
        assert!(
            lines.next().is_some_and(|h| h.ends_with("sale_price")),
            "{table}"
        );
        assert!(
            lines.next().is_some_and(|r| r.ends_with("123456789.00")),
            "{table}"
        );
        snap.lots = vec![api];
        let csv = render(&snap, SnapshotFormat::Csv);
        assert!(
            csv.lines().nth(1).is_some_and(|r| r.ends_with(",,api")),
            "{csv}"
        );
        assert!(!render(&snap, SnapshotFormat::Table).contains("sale_price"));
    }

    #[test]
    fn the_wait_line_says_the_seconds_and_why() {
        let e = PlatformError::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(3)),
        }
        .on_page(crate::domain::SitePage::List {
            hydrocarbons: false,
            page: 2,
            of: Some(3),
        });
        let wait = std::time::Duration::from_millis(2500);
        assert_eq!(
            wait_line(wait, &e, Lang::En),
            "waiting 3 s: the site asked to slow down (429)"
        );
        assert_eq!(
            wait_line(wait, &e, Lang::Ru),
            "ожидание 3 с: сайт просит реже обращаться к нему (429)"
        );
        let down = PlatformError::Refused;
        assert_eq!(
            wait_line(wait, &down, Lang::Kk),
            "3 с күту: қосылу мүмкін емес: қосылудан бас тартылды (URL мен платформаның жұмысын тексеріңіз)"
        );
    }
}
