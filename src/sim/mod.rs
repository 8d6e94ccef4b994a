//! The auction simulator: a pure, seeded engine (rules, bidding agents, a
//! clock passed in), the scenarios it plays, and a thin HTTP server around it
//! that speaks the platform API.

pub mod server;
