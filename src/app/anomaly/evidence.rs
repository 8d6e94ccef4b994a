//! What an anomaly found, as data: the view words it in the interface
//! language, and its English `Display` is the evidence the journal records
//! (wire amounts, RFC 3339 times), the same whatever the screen shows.

use crate::domain::{LotStatus, Money, Timestamp};
use std::fmt;

/// How a change was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Snapshot,
    /// A status event with this seq.
    StatusEvent(u64),
}

/// Where a low bid stands against the high bid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgainstHigh {
    /// Below it: the high bid falls.
    Below(Money),
    /// Equal to it.
    Equal(Money),
    /// Above it (but under the minimum increment).
    Above(Money),
    /// No high bid: the minimum is the starting bonus.
    NoHigh,
}

/// Why a sold lot's result is not its last high bid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    NoResult,
    NoHighBid {
        winner: String,
        amount: Money,
    },
    Differs {
        amount: Money,
        winner: String,
        high: Money,
        bidder: String,
        high_seq: u64,
    },
}

/// The evidence of one anomaly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Text from elsewhere (the sync engine's seq-gap report), kept as is.
    Text(String),
    ClockSkew {
        offset_ms: i64,
        threshold_ms: u64,
    },
    /// The journal stopped writing, and why.
    JournalFailing {
        cause: crate::domain::journal_health::JournalCause,
    },
    /// The journal writes again after failing since `since`; `lost_events`
    /// did not fit in memory meanwhile.
    JournalWriting {
        cause: crate::domain::journal_health::JournalCause,
        since: Timestamp,
        lost_events: u64,
    },
    Unreachable {
        since: Timestamp,
        down_s: i64,
        threshold_s: u64,
        /// The last failure's cause.
        cause: Option<crate::domain::LinkCause>,
    },
    HighVanished {
        old: Option<Money>,
    },
    HighFell {
        old: Money,
        new: Money,
        seen: Seen,
    },
    Forbidden {
        from: LotStatus,
        to: LotStatus,
        seen: Seen,
    },
    /// Over `max_extensions`: from an event (with its seq) or a snapshot.
    TooManyExtensions {
        extensions: u32,
        max: u32,
        seq: Option<u64>,
    },
    Result {
        why: Mismatch,
        /// The event that made it so, when it came from the feed.
        seq: Option<u64>,
    },
    BidNotOpen {
        amount: Money,
        bidder: String,
        seq: u64,
        status: LotStatus,
    },
    BidBelowMinimum {
        amount: Money,
        bidder: String,
        seq: u64,
        min: Money,
        high: AgainstHigh,
    },
    BidAfterClose {
        amount: Money,
        bidder: String,
        seq: u64,
        at: Timestamp,
        closes_at: Timestamp,
        status: LotStatus,
    },
}

impl fmt::Display for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seen::Snapshot => f.write_str("snapshot"),
            Seen::StatusEvent(seq) => write!(f, "status event seq {seq}"),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::NoResult => f.write_str("sold without a result"),
            Mismatch::NoHighBid { winner, amount } => write!(
                f,
                "sold to {winner} for {} without any high bid",
                amount.to_wire()
            ),
            Mismatch::Differs {
                amount,
                winner,
                high,
                bidder,
                high_seq,
            } => write!(
                f,
                "result {} to {winner} but the last high bid is {} by {bidder} (seq {high_seq})",
                amount.to_wire(),
                high.to_wire()
            ),
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evidence::Text(t) => f.write_str(t),
            Evidence::JournalFailing { cause } => write!(
                f,
                "the journal cannot write ({cause}): records are held in memory and written when it can"
            ),
            Evidence::JournalWriting {
                cause,
                since,
                lost_events,
            } => {
                write!(
                    f,
                    "the journal writes again after failing since {} ({cause})",
                    since.to_rfc3339()
                )?;
                match lost_events {
                    0 => f.write_str(": nothing was lost"),
                    n => write!(f, ": {n} events were lost"),
                }
            }
            Evidence::ClockSkew {
                offset_ms,
                threshold_ms,
            } => {
                let side = if *offset_ms > 0 { "ahead of" } else { "behind" };
                write!(
                    f,
                    "server clock {:+.3} s {side} this machine (threshold {:.3} s)",
                    *offset_ms as f64 / 1000.0,
                    *threshold_ms as f64 / 1000.0
                )
            }
            Evidence::Unreachable {
                since,
                down_s,
                threshold_s,
                cause,
            } => {
                write!(
                    f,
                    "no answer from the platform since {} ({down_s} s, threshold {threshold_s} s)",
                    since.to_rfc3339()
                )?;
                match cause {
                    Some(c) => write!(f, ": {c}"),
                    None => Ok(()),
                }
            }
            Evidence::HighVanished { old } => write!(
                f,
                "high bid {} vanished in a snapshot",
                old.map_or(String::new(), Money::to_wire)
            ),
            Evidence::HighFell { old, new, seen } => write!(
                f,
                "high bid fell from {} to {} ({seen})",
                old.to_wire(),
                new.to_wire()
            ),
            Evidence::Forbidden { from, to, seen } => {
                write!(f, "status {} -> {} ({seen})", from.as_str(), to.as_str())
            }
            Evidence::TooManyExtensions {
                extensions,
                max,
                seq: Some(seq),
            } => write!(
                f,
                "extension {extensions} (seq {seq}) past max_extensions {max}"
            ),
            Evidence::TooManyExtensions {
                extensions,
                max,
                seq: None,
            } => write!(f, "{extensions} extensions, max_extensions {max}"),
            Evidence::Result { why, seq: Some(s) } => write!(f, "{why} (seq {s})"),
            Evidence::Result { why, seq: None } => write!(f, "{why}"),
            Evidence::BidNotOpen {
                amount,
                bidder,
                seq,
                status,
            } => write!(
                f,
                "bid {} by {bidder} (seq {seq}) while the lot is {}",
                amount.to_wire(),
                status.as_str()
            ),
            Evidence::BidBelowMinimum {
                amount,
                bidder,
                seq,
                min,
                high,
            } => {
                write!(
                    f,
                    "bid {} by {bidder} (seq {seq}) below the minimum {}",
                    amount.to_wire(),
                    min.to_wire()
                )?;
                match high {
                    AgainstHigh::Below(h) => {
                        write!(f, ", below the high bid {}, which falls", h.to_wire())
                    }
                    AgainstHigh::Equal(h) => write!(f, ", not above the high bid {}", h.to_wire()),
                    AgainstHigh::Above(h) => write!(f, " (high bid {})", h.to_wire()),
                    AgainstHigh::NoHigh => f.write_str(" (the starting bonus)"),
                }
            }
            Evidence::BidAfterClose {
                amount,
                bidder,
                seq,
                at,
                closes_at,
                status,
            } => write!(
                f,
                "bid {} by {bidder} (seq {seq}) at {}, the lot closed at {} ({})",
                amount.to_wire(),
                at.to_rfc3339(),
                closes_at.to_rfc3339(),
                status.as_str()
            ),
        }
    }
}
