//! The shell, on top of every layer: the command line, the configuration,
//! the terminal, the modes the binary runs in (monitor, replay, snapshot,
//! serve, export, protocol, verify, watch), logging, the user's alert command, terminal
//! notifications and the metrics endpoint. Everything below
//! takes plain config structs; only the shell knows about clap and the
//! environment.

pub mod alert_cmd;
pub mod cli;
pub mod cli_lang;
pub mod config;
pub mod deliver;
pub mod engine_config;
pub mod export;
pub mod follow_mode;
pub mod hyperlinks;
pub mod info;
pub mod journal_name;
pub(crate) mod journal_sink;
pub mod logging;
pub mod man;
pub mod metrics;
pub mod monitor;
pub mod notify;
pub mod protocol;
pub mod records;
pub mod replay_mode;
pub(crate) mod screen;
pub mod secrets;
pub mod serve;
pub mod snapshot;
pub mod source;
pub mod terminal;
pub mod verify;
pub mod watch;
