//! Reads a platform's feed history, page by page, to compare a journal with
//! what the server holds.

#![allow(dead_code)]

use lotwatch::domain::Event;
use lotwatch::platform::{Client, PlatformError};

/// The feed's events with `after < seq <= until`, oldest first.
pub async fn read_history(
    client: &Client,
    after: u64,
    until: u64,
) -> Result<Vec<Event>, PlatformError> {
    let mut out: Vec<Event> = Vec::new();
    let mut cursor = after;
    while cursor < until {
        let page = client.events(cursor, 0, 1000).await?.value;
        let Some(last) = page.events.last().map(|e| e.seq) else {
            break;
        };
        out.extend(
            page.events
                .into_iter()
                .filter(|e| e.seq > cursor && e.seq <= until),
        );
        if last <= cursor {
            break;
        }
        cursor = last;
    }
    Ok(out)
}
