//! The chain part of a protocol built from a shared journal in PostgreSQL:
//! its verdict comes from the database (`journal::pg::chain`), the heads
//! of the platform chains (one per auction) and the record count are those
//! of the events, whichever monitor stored them.

use super::model::ChainPart;
use crate::journal::pg::{Remote, chain};

/// The verdict of the shared journal's chains, as a protocol shows it.
pub fn chain_part(remote: &Remote) -> ChainPart {
    let (records, head, problem) = match chain::verify_blocking(remote) {
        Ok(Ok(v)) => {
            let records = v.platform.iter().map(|(_, n, _)| n).sum();
            let heads: Vec<String> = v.platform.iter().map(|(_, _, h)| h.clone()).collect();
            (records, (!heads.is_empty()).then(|| heads.join(" ")), None)
        }
        Ok(Err(f)) => (0, None, Some(f.to_string())),
        Err(e) => (0, None, Some(e.to_string())),
    };
    ChainPart {
        records,
        head,
        verified: problem.is_none(),
        problem,
        migrated: false,
        rows_before: 0,
        covered_from_record: None,
        covered_from_message: None,
        started_at: None,
    }
}
