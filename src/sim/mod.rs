//! The auction simulator: a pure, seeded engine (rules, bidding agents, a
//! clock passed in), the scenarios it plays, the rates it serves, and a thin
//! HTTP server around it that speaks the platform API.

pub mod agents;
mod api;
pub mod engine;
pub mod rates;
pub mod scenario;
pub mod server;
pub mod site;

pub use engine::{Engine, Gone};
pub use scenario::{Scenario, ScenarioError};
