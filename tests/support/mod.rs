//! Helpers shared by the integration tests.
pub mod history;
pub mod hostile;
pub mod http;
pub mod process;
pub mod server;
pub mod tmpfs;
pub mod tmux;
