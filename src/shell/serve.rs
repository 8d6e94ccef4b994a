//! `lotwatch serve`: the simulator from the command line, until Ctrl-C or
//! SIGTERM.

use crate::shell::cli::ServeArgs;
use crate::sim::scenario::Scenario;
use crate::sim::server::{SimOptions, start};

/// `lotwatch serve`: serves until Ctrl-C or SIGTERM, logging requests.
pub fn run_cli(args: ServeArgs) -> anyhow::Result<()> {
    if let Some(t) = &args.token {
        crate::shell::secrets::register(t);
    }
    let scenario = match (&args.scenario, args.lots) {
        // `generated:N` plays a generated day of N lots (performance work).
        (Some(path), _) => match path.to_str().and_then(|p| p.strip_prefix("generated:")) {
            Some(n) => {
                let n: usize = n.parse().map_err(|_| {
                    anyhow::anyhow!("generated:N needs a number of lots, not {n:?}")
                })?;
                if !(1..=100_000).contains(&n) {
                    anyhow::bail!("generated:N takes 1 to 100000 lots, not {n}");
                }
                Scenario::generated(n, args.seed)
            }
            None => Scenario::load(path)?,
        },
        (None, Some(n)) => Scenario::generated(n as usize, args.seed),
        (None, None) => Scenario::june_2025(),
    };
    let opts = SimOptions {
        scenario,
        seed: args.seed,
        speed: args.speed,
        token: args.token.clone(),
        clock_offset_s: args.clock_offset,
        addr: args.addr,
        log_requests: true,
        feed: !args.no_feed,
        stream: !args.no_stream,
        history: args.history as usize,
        lead_ms: args.lead_ms,
        site: args.site.map(|_| crate::sim::site::SiteSim {
            maintenance: args.site_maintenance.map(|(a, b)| {
                (
                    std::time::Duration::from_secs(a),
                    std::time::Duration::from_secs(b),
                )
            }),
            ..Default::default()
        }),
        ..SimOptions::demo()
    };
    if !args.addr.ip().is_loopback() && opts.token.is_none() {
        eprintln!(
            "lotwatch: warning: serving on {} without a token",
            args.addr
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let sim = start(opts).await?;
        println!(
            "lotwatch simulator serving {} (speed {}x, seed {}); Ctrl-C to stop",
            sim.url(),
            args.speed,
            args.seed
        );
        // On stderr: a reader of the banner may close stdout after its
        // first line.
        if args.site.is_some() {
            eprintln!(
                "the sauda site's pages at {}/ru/list (lotwatch --source sauda --url {})",
                sim.url(),
                sim.url()
            );
        }
        wait_for_signal().await;
        eprintln!("lotwatch: shutting down");
        sim.shutdown().await;
        anyhow::Ok(())
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
