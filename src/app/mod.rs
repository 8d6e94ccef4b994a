//! The application state: a model updated only by messages (sync results,
//! keys, ticks); alerts and anomalies are derived here. It knows nothing of
//! the terminal or the network.
