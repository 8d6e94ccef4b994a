//! Export (todo)
