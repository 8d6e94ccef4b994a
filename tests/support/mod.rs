//! Helpers shared by the integration tests.
pub mod history;
pub mod server;
pub mod tmpfs;
pub mod tmux;
