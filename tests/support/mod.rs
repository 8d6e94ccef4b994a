//! Helpers shared by the integration tests.
pub mod hostile;
pub mod http;
pub mod server;
pub mod tmux;
