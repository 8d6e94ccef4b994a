//! The one owner of the terminal: raw mode, alternate screen, and restoring
//! them on every exit path (return, panic, signals).
