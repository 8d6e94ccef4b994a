//! The second source: the public e-auction site sauda.e-qazyna.kz, which
//! serves server-rendered HTML only. Its list pages (`list`), its lot pages
//! (`lot_page`), its numbers and dates (`amount`), its URLs and the rebasing
//! of every link onto the URL the user gave (`urls`), and the mapping of a
//! card and a page onto the domain's `Lot` (`map`). The structure read here
//! is the one `docs/sources.md` describes; what the site does not publish
//! (bids, bidders, the close) is not invented.
//!
//! Every text is decoded by the HTML parser (html5ever: numeric references
//! included) and then passes `platform::sanitize::clean` where it is read, so
//! a `&#x1B;` in a lot name cannot reach the terminal. A page whose layout is
//! not understood is a `PlatformError::Layout` naming what was missing and
//! where, never an empty list.

pub mod amount;
mod guard;
pub mod list;
pub mod lot_page;
pub mod map;
mod text;
pub mod urls;

pub use crate::domain::SiteDown;
pub use guard::is_throttle_page;
pub use list::{Card, ListPage, parse_list};
pub use lot_page::{LotPage, parse_lot_page};
pub use map::{lot_from, map_status};
pub use urls::{SiteLang, SiteUrls};

/// Lots on one list page (the site's page size).
pub const PAGE_SIZE: u32 = 20;
/// Cards read from one list page at most (the site shows 20).
pub const MAX_CARDS: usize = 200;
/// List pages followed at most per poll and object-type filter.
pub const MAX_PAGES: u32 = 50;
/// Body cap for one page of the site: a list page of 20 cards is about
/// 250 KB, a lot page less; eight times that is room for a heavier layout,
/// not for a page built to be slow.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Elements nested deeper than this refuse the page before the HTML parser
/// runs (the site's pages nest about 30 deep): parsing and selecting stay
/// linear in the page's size (`guard`).
pub const MAX_DEPTH: usize = 256;
/// The wait a throttling page («Превышен лимит запросов») stands for when
/// the answer gives no `Retry-After`.
pub const THROTTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);
/// The site's object types lotwatch reads: the subsoil ones.
pub const OBJECT_TYPES: [&str; 2] = ["SolidMinerals", "Hydrocarbon"];
/// Every status filter value of the site.
pub const STATUSES: [&str; 7] = [
    "ApplicationsAccept",
    "Pending",
    "Running",
    "SuccessProtocolSigned",
    "FailureProtocolSigned",
    "NullifyResultProtocolSigned",
    "CancelBeforeStart",
];
