//! Helpers shared by the integration tests.
pub mod common;
pub mod history;
pub mod hostile;
pub mod http;
pub mod journal_day;
pub mod pg;
pub mod process;
pub mod screens;
pub mod server;
pub mod sinks;
pub mod tmpfs;
pub mod tmux;
