//! lotwatch: a terminal monitor for live online auctions of subsoil-use rights.
//!
//! Data flows one way, and the folders follow it (`docs/architecture.md`;
//! `tests/it/layers.rs` keeps it true):
//!
//! ```text
//! domain      the auction's vocabulary: money, time, lots, events, clock
//! platform    the platform's API: client, decoding, sanitizing (sim serves it)
//! rates       exchange-rate tables and the National Bank's feed format
//! sync        the engine: what to ask and when; reports SyncMsg messages
//! journal     beside the messages: records them, reads them back
//! app         the state, updated by messages and actions
//! ui          the view: a pure function of the state, with its languages
//! shell       main's helpers: command line, config, terminal, modes
//! ```

pub mod app;
pub mod domain;
pub mod journal;
pub mod platform;
pub mod protocol;
pub mod rates;
mod shell;
pub mod sim;
pub mod sync;
#[doc(hidden)]
pub mod testing;
pub mod ui;

/// The binary's whole work (`src/main.rs` calls it): the command line, the
/// configuration and the commands are the shell's, private to the crate.
pub use shell::main;

/// A replay's delivery of a journal's recorded messages to the state, for
/// the end-to-end test that plays a journal written by the real binary
/// (the shell's one item outside it; nothing else is reachable).
#[doc(hidden)]
pub use shell::replay_mode::deliver as replay_deliver;

// The tests moved in from tests/ and the helpers they share with the
// integration tests (tests/support/) name the crate `lotwatch::`.
#[cfg(test)]
extern crate self as lotwatch;
