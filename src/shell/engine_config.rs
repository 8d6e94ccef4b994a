//! The platform client's and the sync engine's settings from the monitor's
//! command line (after the config file and the environment are merged in).

use crate::platform::{ClientConfig, Token};
use crate::rates::{FixedRateError, NBK_DEFAULT_URL, RatesConfig, RatesMode, parse_fixed_rates};
use crate::shell::cli::{MonitorArgs, RatesArg};
use crate::shell::source::SourceArg;
use crate::sync::SyncConfig;

/// Why the command line's rate options do not make a configuration.
#[derive(Debug, thiserror::Error)]
pub enum EngineConfigError {
    #[error(transparent)]
    Rate(#[from] FixedRateError),
    #[error("--rates fixed needs at least one --rate CUR=RATE")]
    FixedWithoutRate,
}

/// The client and engine settings for the monitor's command line, for a
/// source of `kind` at `url`. `token` is the value of `LOTWATCH_TOKEN` (or
/// the config file), read by the caller.
pub fn configs_from_args(
    args: &MonitorArgs,
    kind: SourceArg,
    url: &str,
    token: Option<Token>,
) -> Result<(ClientConfig, SyncConfig), EngineConfigError> {
    let mut client = ClientConfig::new(url);
    client.token = token;
    client.ca_cert = args.ca_cert.clone();
    client.insecure = args.insecure;
    crate::shell::source::adjust_client(kind, &mut client, args.site_gap);
    let fixed = parse_fixed_rates(&args.fixed_rates)?;
    let mode = match args.rates {
        // The site serves no rates: the National Bank's feed instead.
        RatesArg::Platform if kind == SourceArg::Site => RatesMode::Nbk,
        RatesArg::Platform => RatesMode::Platform,
        RatesArg::Nbk => RatesMode::Nbk,
        RatesArg::Fixed if fixed.is_empty() => {
            return Err(EngineConfigError::FixedWithoutRate);
        }
        RatesArg::Fixed => RatesMode::Fixed,
    };
    // The simulator's pages (`serve --site sauda` on loopback) come with
    // its own National Bank feed: offline, the real one is unreachable and
    // its fallback would alarm for nothing.
    let site_sim = kind == SourceArg::Site
        && reqwest::Url::parse(url).is_ok_and(|u| crate::platform::client::is_loopback(&u));
    let nbk_default = if site_sim {
        format!(
            "{}/nbk/rss/get_rates.cfm?fdate={{date}}",
            url.trim_end_matches('/')
        )
    } else {
        NBK_DEFAULT_URL.to_string()
    };
    let rates = RatesConfig {
        mode,
        nbk_url: args.rates_url.clone().unwrap_or(nbk_default),
        fixed,
        ..RatesConfig::default()
    };
    let sync = SyncConfig {
        poll: std::time::Duration::from_millis(args.poll.max(250)),
        rates: Some(rates),
        backfill: args.backfill,
        ..SyncConfig::default()
    };
    Ok((client, sync))
}
