//! lotwatch: a terminal monitor for live online auctions of subsoil-use rights.
//!
//! Data flows one way:
//!
//! ```text
//! platform (HTTP) -> sync engine -> messages -> app state -> view
//!      ^                                                       |
//!  simulator                                          terminal (ratatui)
//! ```

pub mod alert_cmd;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod journal;
pub mod logging;
pub mod monitor;
pub mod platform;
pub mod protocol;
pub mod rates;
pub mod replay_mode;
pub mod sim;
pub mod snapshot;
pub mod sync;
pub mod terminal;
pub mod ui;
