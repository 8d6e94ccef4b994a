//! The lots the app holds and the sorted, filtered index the lots pane shows.
//! An event changes one lot and moves only that lot's row (binary search,
//! remove, insert); a snapshot, a new sort or a new filter rebuilds the index.

use super::filter::{Filter, MatchEnv};
use crate::domain::collate::Collation;
use crate::domain::places;
use crate::domain::rules::next_min_bid;
use crate::domain::source::SourceName;
use crate::domain::{Event, EventKind, Lot, LotStatus, SourceId, Timestamp};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// A column the lots can be sorted by (`s` cycles through them in this order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    #[default]
    Number,
    Name,
    Status,
    HighBid,
    NextMin,
    Bids,
    TimeLeft,
    Region,
    Minerals,
    License,
    Leader,
    Extensions,
}

impl SortKey {
    pub const ALL: [SortKey; 12] = [
        SortKey::Number,
        SortKey::Name,
        SortKey::Status,
        SortKey::HighBid,
        SortKey::NextMin,
        SortKey::Bids,
        SortKey::TimeLeft,
        SortKey::Region,
        SortKey::Minerals,
        SortKey::License,
        SortKey::Leader,
        SortKey::Extensions,
    ];

    /// The keys in the order of their columns on screen, left to right
    /// (the extension count is the time-left cell's badge).
    pub const SCREEN_ORDER: [SortKey; 12] = [
        SortKey::Number,
        SortKey::Name,
        SortKey::Region,
        SortKey::Minerals,
        SortKey::License,
        SortKey::Status,
        SortKey::HighBid,
        SortKey::NextMin,
        SortKey::Bids,
        SortKey::Leader,
        SortKey::TimeLeft,
        SortKey::Extensions,
    ];

    /// The next column to the right on screen (`s`), back to the first.
    pub fn next(self) -> SortKey {
        let order = SortKey::SCREEN_ORDER;
        let i = order.iter().position(|k| *k == self).unwrap_or(0);
        order[(i + 1) % order.len()]
    }

    /// The stable name in configuration (`sort = "high_bid desc"`, action
    /// `sort_by_high_bid`).
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Number => "number",
            SortKey::Name => "name",
            SortKey::Status => "status",
            SortKey::HighBid => "high_bid",
            SortKey::NextMin => "next_min",
            SortKey::Bids => "bids",
            SortKey::TimeLeft => "time_left",
            SortKey::Region => "region",
            SortKey::Minerals => "minerals",
            SortKey::License => "licence",
            SortKey::Leader => "leader",
            SortKey::Extensions => "extensions",
        }
    }

    /// A sort spec as configured: a column name (or an alias: `bid`, `next`,
    /// `time`, `close`, `lot`) and optionally `asc` or `desc`; the bool is
    /// "descending".
    pub fn parse_spec(spec: &str) -> Option<(SortKey, bool)> {
        let mut words = spec.split_whitespace();
        let key = words.next()?.to_lowercase();
        let key = match key.as_str() {
            "bid" | "high" => SortKey::HighBid,
            "next" => SortKey::NextMin,
            "time" | "close" | "closing" | "closes" => SortKey::TimeLeft,
            "lot" | "no" => SortKey::Number,
            "mineral" => SortKey::Minerals,
            "license" => SortKey::License,
            k => *SortKey::ALL.iter().find(|s| s.name() == k)?,
        };
        let desc = match words.next().map(str::to_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => return None,
        };
        words.next().is_none().then_some((key, desc))
    }
}

/// What the app knows about a lot beyond the platform's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LotMeta {
    /// Time left when the lot was suspended (frozen clock), in ms.
    pub frozen_left_ms: Option<i64>,
    /// `--me` has bid on this lot (seen in the feed or leading a snapshot).
    pub me_bid: bool,
    /// The source it came from (the API and the site share lot ids).
    pub source: SourceId,
}

/// Where `--me` stands on a lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeState {
    Leading,
    Outbid,
}

/// What applying one event did, for the app to react to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The event changed a lot the app holds.
    pub changed: bool,
    /// `--me` lost the lead on a lot.
    pub me_outbid: bool,
}

#[derive(Clone, Debug, Default)]
pub struct LotStore {
    lots: Vec<Lot>,
    meta: Vec<LotMeta>,
    /// foldhash (randomly seeded per process) rather than SipHash: several
    /// lookups per feed event, on ids capped by `MAX_LOTS_HELD`.
    /// By source (`SourceId` index), then lot id.
    by_id: Vec<HashMap<String, usize, foldhash::fast::RandomState>>,
    /// The configured sources' names, by `SourceId` (the filter's
    /// `source:`); empty: the sources are not named.
    sources: Vec<SourceName>,
    /// Indices into `lots`, sorted and filtered: the rows of the lots pane.
    view: Vec<usize>,
    /// The row of each lot in `view` (`NO_ROW` when hidden): an event finds
    /// its row without a binary search of string compares.
    rows: Vec<usize>,
    sort: SortKey,
    reverse: bool,
    /// Whose alphabet names, regions and minerals sort in.
    collation: Collation,
    filter: Filter,
    watched_only: bool,
    watched: HashSet<String>,
    /// `--me`, for the filter's `is:mine/leading/outbid`.
    me: Option<String>,
    /// Server time the filter's time terms are judged at.
    now: Option<Timestamp>,
    /// When a time term next changes its answer for some lot: the view is
    /// rebuilt then. None without time terms.
    filter_due: Option<Timestamp>,
}

/// One source's lots in the store, where that source's anomaly detector
/// reads them.
pub struct SourceLots<'a> {
    pub store: &'a LotStore,
    pub src: SourceId,
}

impl super::anomaly::SeenLots for SourceLots<'_> {
    fn seen(&self, id: &str) -> Option<&Lot> {
        self.store.get(self.src, id).map(|(lot, _)| lot)
    }
}

/// Upper bound on lots held, whatever the platform sends.
const MAX_LOTS_HELD: usize = 100_000;

/// `LotStore::rows` of a lot the view does not show.
const NO_ROW: usize = usize::MAX;

impl LotStore {
    pub fn len(&self) -> usize {
        self.lots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lots.is_empty()
    }

    /// The lot `id` of source `src`.
    pub fn get(&self, src: SourceId, id: &str) -> Option<(&Lot, &LotMeta)> {
        let &i = self.by_id.get(src.index())?.get(id)?;
        Some((self.lots.get(i)?, self.meta.get(i)?))
    }

    /// The lot `id` of the first source that has one (what a lot id alone
    /// names: the watchlist, an alert).
    pub fn find(&self, id: &str) -> Option<(&Lot, &LotMeta)> {
        let &i = self.by_id.iter().find_map(|m| m.get(id))?;
        Some((self.lots.get(i)?, self.meta.get(i)?))
    }

    /// The names of the configured sources, by `SourceId`.
    pub fn set_sources(&mut self, names: Vec<SourceName>) {
        self.sources = names;
        self.rebuild_view();
    }

    pub fn sources(&self) -> &[SourceName] {
        &self.sources
    }

    /// The Source column's text for a lot of `src`.
    pub fn source_label(&self, src: SourceId) -> &str {
        self.sources
            .get(src.index())
            .map_or("", |n| n.label.as_str())
    }

    /// Rows shown (after the filter).
    pub fn view_len(&self) -> usize {
        self.view.len()
    }

    /// The lot on row `pos` of the pane.
    pub fn row(&self, pos: usize) -> Option<(&Lot, &LotMeta)> {
        let &i = self.view.get(pos)?;
        Some((self.lots.get(i)?, self.meta.get(i)?))
    }

    /// The row a lot is on, if the filter shows it.
    pub fn position_of(&self, src: SourceId, id: &str) -> Option<usize> {
        let &i = self.by_id.get(src.index())?.get(id)?;
        self.rows.get(i).copied().filter(|&p| p != NO_ROW)
    }

    pub fn sort(&self) -> (SortKey, bool) {
        (self.sort, self.reverse)
    }

    /// Sorts names in `c`'s alphabet (the interface language's).
    pub fn set_collation(&mut self, c: Collation) {
        if c != self.collation {
            self.collation = c;
            self.rebuild_view();
        }
    }

    pub fn set_sort(&mut self, key: SortKey, reverse: bool) {
        self.sort = key;
        self.reverse = reverse;
        self.rebuild_view();
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn set_filter(&mut self, filter: Filter) {
        if filter != self.filter {
            self.filter = filter;
            self.rebuild_view();
        }
    }

    pub fn set_me(&mut self, me: Option<String>) {
        if me != self.me {
            self.me = me;
            self.rebuild_view();
        }
    }

    /// Server time moved on. Only when the filter has time terms and one
    /// of them changes its answer is the view rebuilt; returns whether it was.
    pub fn set_now(&mut self, now: Timestamp) -> bool {
        let before = self.now.replace(now);
        if !self.filter.has_time_terms() {
            return false;
        }
        // The first clock reading, or the clock corrected backwards: the
        // answers were given at another time.
        let stale = before.is_none_or(|b| now < b);
        if stale || self.filter_due.is_some_and(|due| now >= due) {
            self.rebuild_view();
            true
        } else {
            false
        }
    }

    /// When the filter's answer next changes by time alone (server time).
    pub fn filter_due(&self) -> Option<Timestamp> {
        self.filter_due
    }

    pub fn watched_only(&self) -> bool {
        self.watched_only
    }

    pub fn set_watched_only(&mut self, on: bool) {
        self.watched_only = on;
        self.rebuild_view();
    }

    pub fn is_watched(&self, id: &str) -> bool {
        self.watched.contains(id)
    }

    /// The watched lots' ids, for matching a filter outside the store.
    pub fn watched_set(&self) -> &HashSet<String> {
        &self.watched
    }

    /// Ids of the watched lots.
    pub fn watched(&self) -> impl Iterator<Item = &str> {
        self.watched.iter().map(String::as_str)
    }

    /// Every lot held, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Lot> {
        self.lots.iter()
    }

    /// Every lot held with what the app knows of it, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&Lot, &LotMeta)> {
        self.lots.iter().zip(self.meta.iter())
    }

    pub fn watched_count(&self) -> usize {
        self.watched.len()
    }

    /// Watches or unwatches a lot; returns whether it is watched now.
    pub fn toggle_watched(&mut self, id: &str) -> bool {
        let now = if self.watched.remove(id) {
            false
        } else {
            self.watched.insert(id.to_string());
            true
        };
        // `is:watched` in the filter depends on the watchlist too.
        if self.watched_only || !self.filter.is_empty() {
            self.rebuild_view();
        }
        now
    }

    /// Replaces every lot of source `src` (its snapshot); the other
    /// sources' lots stay as they were. Frozen clocks of lots still
    /// suspended are kept; a lot first seen suspended freezes at its time
    /// left `now`. Lots are held in source order. When no other source
    /// holds lots, the snapshot's own vector becomes the store's (10 000
    /// lots are never held twice).
    pub fn replace(
        &mut self,
        src: SourceId,
        mut lots: Vec<Lot>,
        now: Option<Timestamp>,
        me: Option<&str>,
    ) {
        let mut old_meta: HashMap<String, LotMeta> = HashMap::new();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        let held = std::mem::take(&mut self.lots)
            .into_iter()
            .zip(std::mem::take(&mut self.meta));
        for (lot, meta) in held {
            match meta.source.cmp(&src) {
                Ordering::Equal => {
                    old_meta.insert(lot.id, meta);
                }
                Ordering::Less => before.push((lot, meta)),
                Ordering::Greater => after.push((lot, meta)),
            }
        }
        self.by_id.iter_mut().for_each(HashMap::clear);
        let mut fresh = |lot: &Lot| {
            let mut meta = old_meta.remove(&lot.id).unwrap_or_default();
            meta.source = src;
            if lot.status == LotStatus::Suspended {
                if meta.frozen_left_ms.is_none() {
                    meta.frozen_left_ms = now.map(|n| n.until(lot.closes_at).max(0));
                }
            } else {
                meta.frozen_left_ms = None;
            }
            if me.is_some() && lot.high_bid.as_ref().map(|h| h.bidder.as_str()) == me {
                meta.me_bid = true;
            }
            meta
        };
        if before.is_empty() && after.is_empty() {
            lots.truncate(MAX_LOTS_HELD);
            let ids = self.ids_of(src);
            lots.retain(|lot| {
                let first = !ids.contains_key(&lot.id);
                if first {
                    ids.insert(lot.id.clone(), ids.len());
                }
                first
            });
            self.meta = lots.iter().map(&mut fresh).collect();
            self.lots = lots;
        } else {
            for (lot, meta) in before {
                self.hold(lot, meta);
            }
            for lot in lots {
                let meta = fresh(&lot);
                self.hold(lot, meta);
            }
            for (lot, meta) in after {
                self.hold(lot, meta);
            }
        }
        self.rebuild_view();
    }

    /// Adds a lot to those held (not to the view), unless its source
    /// already has one of its id or the store is full.
    fn hold(&mut self, lot: Lot, meta: LotMeta) {
        if self.lots.len() >= MAX_LOTS_HELD || self.index_of(meta.source, &lot.id).is_some() {
            return;
        }
        let i = self.lots.len();
        self.ids_of(meta.source).insert(lot.id.clone(), i);
        self.lots.push(lot);
        self.meta.push(meta);
    }

    /// Applies one feed event of source `src`, moving only the affected row.
    pub fn apply(&mut self, src: SourceId, ev: &Event, me: Option<&str>) -> Applied {
        let idx = match (&ev.kind, ev.lot_id.as_deref()) {
            (EventKind::Lot(lot), _) => match self.index_of(src, &lot.id) {
                Some(i) => i,
                None => return self.insert_new(src, (**lot).clone()),
            },
            (EventKind::Notice { .. } | EventKind::Unknown { .. }, _) => return Applied::default(),
            (_, Some(id)) => match self.index_of(src, id) {
                Some(i) => i,
                None => return Applied::default(),
            },
            (_, None) => return Applied::default(),
        };
        let old_pos = self.rows.get(idx).copied().filter(|&p| p != NO_ROW);
        let mut out = Applied {
            changed: true,
            me_outbid: false,
        };
        let (Some(lot), Some(meta)) = (self.lots.get_mut(idx), self.meta.get_mut(idx)) else {
            return Applied::default();
        };
        let led_before = me.is_some() && lot.high_bid.as_ref().map(|h| h.bidder.as_str()) == me;
        let was_suspended = lot.status == LotStatus::Suspended;
        lot.apply(ev);
        if let EventKind::Bid { bidder, .. } = &ev.kind {
            if Some(bidder.as_str()) == me {
                meta.me_bid = true;
            } else if led_before {
                out.me_outbid = true;
            }
        }
        match (was_suspended, lot.status == LotStatus::Suspended) {
            (false, true) => meta.frozen_left_ms = Some(ev.at.until(lot.closes_at).max(0)),
            (_, false) => meta.frozen_left_ms = None,
            (true, true) => {}
        }
        if self.filter.has_time_terms() {
            self.note_due(idx);
        }
        let shown = self.shows(idx);
        match old_pos {
            // Most events leave the row where it was (always so when sorted
            // by number): skip the two O(n) shifts of `view`.
            Some(pos) if shown && self.in_order_at(pos) => {}
            Some(pos) => {
                self.view.remove(pos);
                if let Some(r) = self.rows.get_mut(idx) {
                    *r = NO_ROW;
                }
                self.renumber_from(pos);
                if shown {
                    self.insert_row(idx);
                }
            }
            None if shown => self.insert_row(idx),
            None => {}
        }
        out
    }

    /// Whether the row at `pos` still sorts between its neighbours.
    fn in_order_at(&self, pos: usize) -> bool {
        let (lots, sort, rev) = (&self.lots, (self.sort, self.collation), self.reverse);
        let Some(&idx) = self.view.get(pos) else {
            return false;
        };
        let after_prev = pos == 0
            || self
                .view
                .get(pos - 1)
                .is_some_and(|&p| compare(lots, sort, rev, p, idx) == Ordering::Less);
        let before_next = self
            .view
            .get(pos + 1)
            .is_none_or(|&n| compare(lots, sort, rev, idx, n) == Ordering::Less);
        after_prev && before_next
    }

    fn index_of(&self, src: SourceId, id: &str) -> Option<usize> {
        self.by_id.get(src.index())?.get(id).copied()
    }

    /// The ids of source `src`'s lots (made on its first lot).
    fn ids_of(
        &mut self,
        src: SourceId,
    ) -> &mut HashMap<String, usize, foldhash::fast::RandomState> {
        let i = src.index();
        if self.by_id.len() <= i {
            self.by_id.resize_with(i + 1, HashMap::default);
        }
        &mut self.by_id[i]
    }

    fn insert_new(&mut self, src: SourceId, lot: Lot) -> Applied {
        if self.lots.len() >= MAX_LOTS_HELD {
            return Applied::default();
        }
        let idx = self.lots.len();
        self.ids_of(src).insert(lot.id.clone(), idx);
        self.lots.push(lot);
        self.meta.push(LotMeta {
            source: src,
            ..LotMeta::default()
        });
        self.rows.push(NO_ROW);
        if self.filter.has_time_terms() {
            self.note_due(idx);
        }
        if self.shows(idx) {
            self.insert_row(idx);
        }
        Applied {
            changed: true,
            me_outbid: false,
        }
    }

    fn insert_row(&mut self, idx: usize) {
        let (lots, sort, rev) = (&self.lots, (self.sort, self.collation), self.reverse);
        if let Err(pos) = self
            .view
            .binary_search_by(|&j| compare(lots, sort, rev, j, idx))
        {
            self.view.insert(pos, idx);
            self.renumber_from(pos);
        }
    }

    /// Brings `rows` up to date for the rows from `from` on (they moved).
    fn renumber_from(&mut self, from: usize) {
        for (p, &i) in self.view.iter().enumerate().skip(from) {
            if let Some(r) = self.rows.get_mut(i) {
                *r = p;
            }
        }
    }

    fn shows(&self, idx: usize) -> bool {
        let Some(lot) = self.lots.get(idx) else {
            return false;
        };
        if self.watched_only && !self.watched.contains(&lot.id) {
            return false;
        }
        if self.filter.is_empty() {
            return true;
        }
        let Some(meta) = self.meta.get(idx) else {
            return false;
        };
        let env = MatchEnv {
            now: self.now,
            me: self.me.as_deref(),
            watched: &self.watched,
            sources: &self.sources,
        };
        self.filter.matches(lot, meta, &env)
    }

    /// The next time-term change of one lot, folded into `filter_due`.
    fn note_due(&mut self, idx: usize) {
        if let (Some(now), Some(lot)) = (self.now, self.lots.get(idx))
            && let Some(t) = self.filter.next_change(lot, now)
        {
            self.filter_due = Some(self.filter_due.map_or(t, |d| d.min(t)));
        }
    }

    fn rebuild_view(&mut self) {
        self.filter_due = None;
        if self.filter.has_time_terms() {
            for i in 0..self.lots.len() {
                self.note_due(i);
            }
        }
        let mut view: Vec<usize> = (0..self.lots.len()).filter(|&i| self.shows(i)).collect();
        let (lots, sort, rev) = (&self.lots, (self.sort, self.collation), self.reverse);
        view.sort_unstable_by(|&a, &b| compare(lots, sort, rev, a, b));
        self.view = view;
        self.rows = vec![NO_ROW; self.lots.len()];
        self.renumber_from(0);
    }

    /// Where `me` stands on a lot it has bid on.
    pub fn me_state(lot: &Lot, meta: &LotMeta, me: Option<&str>) -> Option<MeState> {
        let me = me?;
        if lot.high_bid.as_ref().is_some_and(|h| h.bidder == me) {
            Some(MeState::Leading)
        } else if meta.me_bid {
            Some(MeState::Outbid)
        } else {
            None
        }
    }
}

fn status_rank(s: &LotStatus) -> u8 {
    match s {
        LotStatus::Open => 0,
        LotStatus::Suspended => 1,
        LotStatus::Scheduled => 2,
        LotStatus::Closed => 3,
        LotStatus::Sold => 4,
        LotStatus::Unsold => 5,
        LotStatus::Cancelled => 6,
        LotStatus::Unknown(_) => 7,
    }
}

/// Total order of rows: the sort column, then the lot number, then the id
/// (unique), so binary search finds exactly one row per lot.
fn shown_region(r: &str, coll: Collation) -> &str {
    places::region(r).map_or(r, |p| p.short[coll.index()])
}

fn shown_mineral(m: &str, coll: Collation) -> &str {
    places::mineral(m).map_or(m, |p| p.names[coll.index()])
}

/// Names sort in the interface language's alphabet (`coll`); regions and
/// minerals by the names the lots pane shows in that language.
fn compare(
    lots: &[Lot],
    (key, coll): (SortKey, Collation),
    reverse: bool,
    a: usize,
    b: usize,
) -> Ordering {
    let (Some(x), Some(y)) = (lots.get(a), lots.get(b)) else {
        return a.cmp(&b);
    };
    let region = |r| shown_region(r, coll);
    let mineral = |m| shown_mineral(m, coll);
    // Rows whose cell shows `—` go last, whichever the direction.
    match (blank_cell(x, key), blank_cell(y, key)) {
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let primary = match key {
        SortKey::Number => Ordering::Equal,
        SortKey::Name => coll.cmp(&x.name, &y.name),
        SortKey::Status => status_rank(&x.status).cmp(&status_rank(&y.status)),
        SortKey::HighBid => x
            .high_bid
            .as_ref()
            .map(|h| h.amount)
            .cmp(&y.high_bid.as_ref().map(|h| h.amount)),
        SortKey::NextMin => next_min_bid(x).cmp(&next_min_bid(y)),
        SortKey::Bids => x.bid_count.cmp(&y.bid_count),
        SortKey::TimeLeft => time_key(x).cmp(&time_key(y)),
        SortKey::Region => coll.cmp(region(&x.region), region(&y.region)),
        SortKey::Minerals => {
            let mut ys = y.minerals.iter();
            x.minerals
                .iter()
                .find_map(|m| match ys.next() {
                    None => Some(Ordering::Greater),
                    Some(n) => Some(coll.cmp(mineral(m), mineral(n))).filter(|o| o.is_ne()),
                })
                .unwrap_or_else(|| {
                    if ys.next().is_some() {
                        Ordering::Less
                    } else {
                        Ordering::Equal
                    }
                })
        }
        SortKey::License => license_key(x).cmp(&license_key(y)),
        SortKey::Leader => x
            .high_bid
            .as_ref()
            .map(|h| h.bidder.as_str())
            .cmp(&y.high_bid.as_ref().map(|h| h.bidder.as_str())),
        SortKey::Extensions => x.extensions.cmp(&y.extensions),
    };
    // Two sources' lots of one id: in source order, which is the order
    // they are held in.
    let ord = primary
        .then_with(|| x.number.cmp(&y.number))
        .then_with(|| x.id.cmp(&y.id))
        .then_with(|| a.cmp(&b));
    if reverse { ord.reverse() } else { ord }
}

/// Whether the lot's cell in the column of `key` shows `—` (no high bid;
/// no next minimum once the lot is no longer open or scheduled).
fn blank_cell(l: &Lot, key: SortKey) -> bool {
    match key {
        SortKey::HighBid | SortKey::Leader => l.high_bid.is_none(),
        SortKey::NextMin => !matches!(l.status, LotStatus::Open | LotStatus::Scheduled),
        // A web site publishes no bid counts.
        SortKey::Bids => l.site.is_some(),
        _ => false,
    }
}

/// Exploration before production, then the term.
fn license_key(l: &Lot) -> (u8, &str, u32) {
    use crate::domain::LicenseKind;
    match &l.license.kind {
        LicenseKind::Exploration => (0, "", l.license.term_years),
        LicenseKind::Production => (1, "", l.license.term_years),
        LicenseKind::Unknown(s) => (2, s.as_str(), l.license.term_years),
    }
}

/// Running lots by close time first, then suspended, then scheduled by
/// opening, then the finished ones.
fn time_key(l: &Lot) -> (u8, i64) {
    match l.status {
        LotStatus::Open => (0, l.closes_at.0),
        LotStatus::Suspended => (1, l.closes_at.0),
        LotStatus::Scheduled => (2, l.opens_at.0),
        _ => (3 + status_rank(&l.status), l.closes_at.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::testing::test_lot;
    use proptest::prelude::*;

    fn lot(id: &str, bid: Option<i64>) -> Lot {
        let mut l = test_lot();
        l.id = id.into();
        l.number = id.into();
        l.high_bid = bid.map(|t| crate::domain::HighBid {
            amount: Money::from_tenge(t),
            bidder: "P-01".into(),
            at: Timestamp(0),
            seq: 1,
        });
        l
    }

    fn bid(seq: u64, id: &str, amount: i64, bidder: &str) -> Event {
        Event {
            seq,
            at: Timestamp(1000),
            lot_id: Some(id.into()),
            kind: EventKind::Bid {
                amount: Money::from_tenge(amount),
                bidder: bidder.into(),
                closes_at: Timestamp(30 * 60 * 1000),
            },
        }
    }

    fn ids(s: &LotStore) -> Vec<String> {
        (0..s.view_len())
            .filter_map(|p| s.row(p))
            .map(|(l, _)| l.id.clone())
            .collect()
    }

    #[test]
    fn rows_showing_a_dash_sort_last_both_ways() {
        let mut s = LotStore::default();
        let mut sold = lot("S", Some(900));
        sold.status = LotStatus::Sold;
        let mut open = lot("O", Some(100));
        open.status = LotStatus::Open;
        let mut open2 = lot("P", Some(300));
        open2.status = LotStatus::Open;
        s.replace(
            SourceId::FIRST,
            vec![sold, open, open2, lot("N", None)],
            None,
            None,
        );
        // The sold lot has no next minimum on screen.
        s.set_sort(SortKey::NextMin, false);
        assert_eq!(ids(&s).last().map(String::as_str), Some("S"));
        s.set_sort(SortKey::NextMin, true);
        assert_eq!(ids(&s).last().map(String::as_str), Some("S"));
        s.set_sort(SortKey::HighBid, false);
        assert_eq!(ids(&s), ["O", "P", "S", "N"]);
        s.set_sort(SortKey::HighBid, true);
        assert_eq!(ids(&s), ["S", "P", "O", "N"]);
    }

    #[test]
    fn s_steps_through_the_columns_in_screen_order() {
        let mut k = SortKey::Number;
        let mut seen = vec![k];
        for _ in 0..11 {
            k = k.next();
            seen.push(k);
        }
        assert_eq!(seen, SortKey::SCREEN_ORDER);
        assert_eq!(k.next(), SortKey::Number);
        assert_eq!(
            &seen[1..4],
            [SortKey::Name, SortKey::Region, SortKey::Minerals]
        );
    }

    #[test]
    fn a_bid_moves_only_its_row_in_sort_order() {
        let mut s = LotStore::default();
        s.replace(
            SourceId::FIRST,
            vec![lot("A", Some(100)), lot("B", Some(200)), lot("C", None)],
            None,
            None,
        );
        s.set_sort(SortKey::HighBid, true);
        assert_eq!(ids(&s), ["B", "A", "C"]);
        s.apply(SourceId::FIRST, &bid(1, "C", 300, "P-02"), None);
        assert_eq!(ids(&s), ["C", "B", "A"]);
        assert_eq!(s.position_of(SourceId::FIRST, "A"), Some(2));
    }

    #[test]
    fn suspension_freezes_the_clock_at_the_event_time() {
        let mut s = LotStore::default();
        s.replace(SourceId::FIRST, vec![lot("A", None)], None, None);
        let close = Timestamp(30 * 60 * 1000);
        let ev = Event {
            seq: 1,
            at: close.plus_secs(-190),
            lot_id: Some("A".into()),
            kind: EventKind::Status {
                status_text: None,
                status: LotStatus::Suspended,
                closes_at: close,
                result: None,
            },
        };
        s.apply(SourceId::FIRST, &ev, None);
        assert_eq!(
            s.get(SourceId::FIRST, "A").map(|(_, m)| m.frozen_left_ms),
            Some(Some(190_000))
        );
    }

    #[test]
    fn outbid_is_reported_once_for_me() {
        let mut s = LotStore::default();
        s.replace(SourceId::FIRST, vec![lot("A", None)], None, Some("P-07"));
        assert!(
            !s.apply(SourceId::FIRST, &bid(1, "A", 100, "P-07"), Some("P-07"))
                .me_outbid
        );
        let (l, m) = s.get(SourceId::FIRST, "A").expect("test input is valid");
        assert_eq!(
            LotStore::me_state(l, m, Some("P-07")),
            Some(MeState::Leading)
        );
        assert!(
            s.apply(SourceId::FIRST, &bid(2, "A", 200, "P-03"), Some("P-07"))
                .me_outbid
        );
        assert!(
            !s.apply(SourceId::FIRST, &bid(3, "A", 300, "P-04"), Some("P-07"))
                .me_outbid
        );
        let (l, m) = s.get(SourceId::FIRST, "A").expect("test input is valid");
        assert_eq!(
            LotStore::me_state(l, m, Some("P-07")),
            Some(MeState::Outbid)
        );
    }

    /// Four lots whose order differs per column, with a tie in each.
    fn sort_fixture() -> Vec<Lot> {
        use crate::domain::{LicenseKind, LotStatus as S};
        type Row = (&'static str, &'static str, S, Option<(i64, &'static str)>);
        let rows: [Row; 4] = [
            ("delta", "Karaganda", S::Open, None),
            ("Alpha", "Almaty", S::Sold, Some((300, "P-02"))),
            ("charlie", "Karaganda", S::Scheduled, Some((100, "P-01"))),
            ("alpha", "Turkistan", S::Open, Some((300, "P-02"))),
        ];
        let minerals: [&[&str]; 4] = [&["gold"], &["copper", "gold"], &["coal"], &["gold"]];
        let licenses = [
            (LicenseKind::Production, 25),
            (LicenseKind::Exploration, 6),
            (LicenseKind::Production, 10),
            (LicenseKind::Exploration, 6),
        ];
        let counts = [5, 0, 2, 2];
        let extensions = [2, 0, 1, 0];
        let closes = [2000, 500, 3000, 1000];
        (0..4)
            .map(|i| {
                let (name, region, status, high) = rows[i].clone();
                let mut l = lot(&format!("L{}", i + 1), high.map(|(a, _)| a));
                if let (Some(h), Some((_, who))) = (l.high_bid.as_mut(), high) {
                    h.bidder = who.into();
                }
                l.name = name.into();
                l.region = region.into();
                l.status = status;
                l.minerals = minerals[i].iter().map(|m| m.to_string()).collect();
                l.license.kind = licenses[i].0.clone();
                l.license.term_years = licenses[i].1;
                l.bid_count = counts[i];
                l.extensions = extensions[i];
                l.closes_at = Timestamp(closes[i]);
                l
            })
            .collect()
    }

    #[test]
    fn every_column_sorts_both_ways_with_ties_by_number() {
        let expected: [(SortKey, [&str; 4]); 12] = [
            (SortKey::Number, ["L1", "L2", "L3", "L4"]),
            (SortKey::Name, ["L2", "L4", "L3", "L1"]),
            (SortKey::Region, ["L2", "L1", "L3", "L4"]),
            (SortKey::Minerals, ["L3", "L2", "L1", "L4"]),
            (SortKey::License, ["L2", "L4", "L3", "L1"]),
            (SortKey::Status, ["L1", "L4", "L3", "L2"]),
            (SortKey::HighBid, ["L1", "L3", "L2", "L4"]),
            (SortKey::NextMin, ["L3", "L2", "L4", "L1"]),
            (SortKey::Bids, ["L2", "L3", "L4", "L1"]),
            (SortKey::Leader, ["L1", "L3", "L2", "L4"]),
            (SortKey::TimeLeft, ["L4", "L1", "L3", "L2"]),
            (SortKey::Extensions, ["L2", "L4", "L3", "L1"]),
        ];
        assert!(
            SortKey::ALL
                .iter()
                .all(|k| expected.iter().any(|(e, _)| e == k))
        );
        let mut s = LotStore::default();
        let lots = sort_fixture();
        s.replace(SourceId::FIRST, lots.clone(), None, None);
        for (key, order) in expected {
            // A cell that shows `—` sorts last both ways.
            let blank = |id: &&str| lots.iter().any(|l| l.id == *id && blank_cell(l, key));
            let (blanks, values): (Vec<&str>, Vec<&str>) = order.iter().copied().partition(blank);
            s.set_sort(key, false);
            let asc: Vec<&str> = values.iter().chain(&blanks).copied().collect();
            assert_eq!(ids(&s), asc, "{key:?} ascending");
            s.set_sort(key, true);
            let desc: Vec<&str> = values
                .iter()
                .rev()
                .chain(blanks.iter().rev())
                .copied()
                .collect();
            assert_eq!(ids(&s), desc, "{key:?} descending");
        }
    }

    #[test]
    fn time_terms_are_judged_again_when_the_clock_arrives_or_goes_back() {
        let mut s = LotStore::default();
        s.replace(SourceId::FIRST, vec![lot("A", None)], None, None); // closes at 30 min
        s.set_filter(Filter::parse("closing<10m").expect("valid"));
        assert_eq!(s.view_len(), 0, "no clock yet");
        assert!(s.set_now(Timestamp(25 * 60_000)));
        assert_eq!(s.view_len(), 1);
        assert!(!s.set_now(Timestamp(26 * 60_000)), "nothing changed");
        assert!(s.set_now(Timestamp(10 * 60_000)), "clock corrected back");
        assert_eq!(s.view_len(), 0);
        // without a time term the clock never rebuilds anything
        s.set_filter(Filter::parse("gold").expect("valid"));
        assert!(!s.set_now(Timestamp(0)));
    }

    #[test]
    fn sort_specs_parse() {
        assert_eq!(
            SortKey::parse_spec("bid desc"),
            Some((SortKey::HighBid, true))
        );
        assert_eq!(
            SortKey::parse_spec("time_left"),
            Some((SortKey::TimeLeft, false))
        );
        assert_eq!(
            SortKey::parse_spec("Region ASC"),
            Some((SortKey::Region, false))
        );
        for k in SortKey::ALL {
            assert_eq!(SortKey::parse_spec(k.name()), Some((k, false)));
        }
        assert_eq!(SortKey::parse_spec("bid down"), None);
        assert_eq!(SortKey::parse_spec("price"), None);
        assert_eq!(SortKey::parse_spec("bid desc x"), None);
        assert_eq!(SortKey::parse_spec(""), None);
    }

    proptest! {
        /// Incremental row moves leave the index exactly as a full rebuild would.
        #[test]
        fn incremental_equals_rebuild(
            bids in proptest::collection::vec((0usize..8, 1i64..1000), 0..60),
            key in 0usize..12, rev: bool, watched_only: bool,
            filter in prop_oneof![
                "[0-9]?",
                Just("closing<20m".to_string()),
                Just("bid>300 closing>=25m".to_string()),
                Just("-bid>500 is:watched".to_string()),
            ],
        ) {
            let mut s = LotStore::default();
            let lots = (0..8)
                .map(|i| {
                    let mut l = lot(&format!("L{i}"), None);
                    l.closes_at = Timestamp(i * 5 * 60_000);
                    l
                })
                .collect();
            s.replace(SourceId::FIRST, lots, None, None);
            s.set_now(Timestamp(0));
            s.toggle_watched("L3");
            s.toggle_watched("L5");
            s.set_watched_only(watched_only);
            s.set_filter(Filter::parse(&filter).expect("a valid filter"));
            s.set_sort(SortKey::ALL[key], rev);
            for (n, (i, amt)) in bids.iter().enumerate() {
                // The clock moves on between events, as in the monitor.
                s.set_now(Timestamp(n as i64 * 20_000));
                s.apply(SourceId::FIRST, &bid(n as u64 + 1, &format!("L{i}"), *amt, "P-01"), None);
            }
            let incremental = (ids(&s), s.rows.clone());
            s.rebuild_view();
            prop_assert_eq!(incremental, (ids(&s), s.rows.clone()));
        }
    }
}
