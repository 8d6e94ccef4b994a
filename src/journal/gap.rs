//! Filling the journal's gap before a snapshot: after a restart (or a feed
//! gap) the snapshot at seq S follows a journal cursor C < S, and the events
//! (C, S] are read from the feed so the journal still holds every event.

use crate::domain::Event;
use crate::platform::{Client, PlatformError};

/// Pages read at most for one gap (1000 events each).
const MAX_PAGES: usize = 1000;

/// The feed's events with `after < seq <= until`, oldest first. Fewer when
/// the feed stops short (it holds nothing more yet); a 410 from the feed
/// (history no longer kept) is returned as the error, and the snapshot then
/// stands for what is lost (the journal records its differences).
pub async fn fill_gap(
    client: &Client,
    after: u64,
    until: u64,
) -> Result<Vec<Event>, PlatformError> {
    let mut out = Vec::new();
    let mut cursor = after;
    for _ in 0..MAX_PAGES {
        if cursor >= until {
            break;
        }
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
