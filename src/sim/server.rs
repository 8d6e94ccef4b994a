//! The simulator's HTTP server.

use crate::cli::ServeArgs;

pub fn run_cli(_args: ServeArgs) -> anyhow::Result<()> {
    anyhow::bail!("the simulator server is not built yet")
}
