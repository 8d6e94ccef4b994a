//! The platform's HTTP API from the client side: requests, timeouts, ETags,
//! the token, size caps, decoding the wire JSON into domain values and
//! sanitizing every piece of server text where it enters.

pub mod client;
pub mod decode;
pub mod error;
pub mod http;
pub mod issue;
pub mod output;
pub mod requests;
pub mod sanitize;
pub mod sauda;
pub mod wire;

pub use crate::domain::TlsProblem;
pub use client::{Cached, Client, ClientConfig, Fetched, Token};
pub use error::PlatformError;
pub use issue::DataIssue;
