//! The platform's HTTP API from the client side: requests, timeouts, ETags,
//! the token, size caps, decoding the wire JSON into domain values and
//! sanitizing every piece of server text where it enters.

pub mod sanitize;
pub mod wire;
