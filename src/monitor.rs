//! `lotwatch` itself: wires the platform client, the sync engine, the app
//! state and the view around one event loop.

use crate::cli::MonitorArgs;

pub fn run(_args: MonitorArgs) -> anyhow::Result<()> {
    anyhow::bail!("the monitor is not built yet")
}
