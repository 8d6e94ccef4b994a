//! `lotwatch protocol`: the officials' report of an auction day, built from
//! the journal: the auction, the rate, the totals, and lot by lot the terms,
//! the timeline of bids, extensions and status changes, the result and its
//! cross-check, the anomalies and the holes in what the monitor saw; with
//! the journal's hash chain head and record count, so that a printed
//! protocol can be matched against its file. Markdown, HTML or JSON
//! (`docs/protocol.md`), in English, Russian or Kazakh.

pub mod build;
pub mod doc;
pub mod html;
pub mod labels;
mod markdown;
pub mod model;
pub mod shared;

pub use build::{BuildError, BuildOptions, build};
pub use model::Protocol;

use crate::journal::Journal;
use crate::ui::i18n::Lang;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Markdown,
    Html,
    Json,
}

/// What `lotwatch protocol` is asked to do (the command line's plain form).
#[derive(Clone, Debug, Default)]
pub struct ProtocolOptions {
    pub journal: PathBuf,
    pub format: Format,
    pub lot: Option<String>,
    pub auction: Option<String>,
    /// Write here instead of standard output.
    pub out: Option<PathBuf>,
    pub lang: Lang,
}

/// The protocol in `format` and `lang`.
pub fn render(p: &Protocol, format: Format, lang: Lang) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(p).expect("the model always serializes");
            s.push('\n');
            s
        }
        Format::Markdown => {
            let mut s = markdown::render(&doc::layout(p, &labels::Words::of(lang)));
            s.push('\n');
            s
        }
        Format::Html => html::render(&doc::layout(p, &labels::Words::of(lang)), lang),
    }
}

/// Reads the journal and renders its protocol.
pub fn protocol_text(opts: &ProtocolOptions) -> Result<String, BuildError> {
    let journal = Journal::open_existing(&opts.journal)?;
    let p = build(
        &journal,
        &BuildOptions {
            auction: opts.auction.clone(),
            lot: opts.lot.clone(),
        },
    )?;
    Ok(render(&p, opts.format, opts.lang))
}
