//! The view: draws the app state into a ratatui frame, a pure function of the
//! state and the clock reading passed in.
