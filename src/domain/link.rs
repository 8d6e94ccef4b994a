//! How the connection to the platform stands: reported by the sync engine,
//! held in the app's model, shown by the view.

use super::time::Timestamp;

/// How the connection to the platform stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Live,
    /// Failing; `attempt` counts consecutive failures.
    Retrying {
        attempt: u32,
        error: String,
    },
    /// Failing for long enough to say so, since this server time.
    Offline {
        since: Timestamp,
        error: String,
    },
}
