//! The shell, on top of every layer: the command line, the configuration,
//! the terminal, the modes the binary runs in (monitor, replay, snapshot,
//! serve, export, protocol, verify, watch), logging, the user's alert command, terminal
//! notifications and the metrics endpoint. Everything below
//! takes plain config structs; only the shell knows about clap and the
//! environment.

mod alert_cmd;
#[cfg(test)]
mod alert_cmd_tests;
mod cli;
mod cli_lang;
mod config;
mod deliver;
mod engine_config;
mod entry;
mod export;
mod follow_mode;
mod hyperlinks;
mod info;
mod journal_name;
mod journal_sink;
mod logging;
#[cfg(test)]
mod logging_canary_tests;
mod malloc;
mod man;
mod metrics;
mod monitor;
mod notify;
#[cfg(test)]
mod notify_vt_tests;
mod protocol;
mod records;
pub(crate) mod replay_mode;
#[cfg(test)]
mod replay_mode_tests;
mod screen;
mod secrets;
mod serve;
mod snapshot;
mod source;
mod terminal;
mod verify;
mod watch;

pub use entry::main;
