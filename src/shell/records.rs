//! What the app raises, as the journal records it: the one place where the
//! state's types meet the journal's (neither layer imports the other).

use crate::app::Anomaly;
use crate::journal::JournalRecord;

impl From<Anomaly> for JournalRecord {
    fn from(a: Anomaly) -> Self {
        JournalRecord::Anomaly {
            lot_id: a.lot_id,
            server_at: Some(a.server_at),
            kind: a.kind.as_str().to_string(),
            evidence: a.evidence,
        }
    }
}
