//! The lots as the journal knows them (its newest snapshot plus the events
//! stored after it): each writer keeps one, to tell which changes in the
//! next snapshot no event explained. Shared by both backends.

use super::codec;
use crate::domain::change::{LotChange, diff};
use crate::domain::{Event, EventKind, Lot};

/// The journal's view of the lots at feed position `seq`.
#[derive(Clone, Debug)]
pub(super) struct View {
    pub seq: u64,
    pub lots: Vec<Lot>,
}

impl View {
    /// Applies the events past `seq`, in the order given (seq order).
    pub fn apply(&mut self, events: &[Event]) {
        for e in events {
            if e.seq <= self.seq {
                continue;
            }
            match (&e.kind, &e.lot_id) {
                (EventKind::Lot(l), _) if !self.lots.iter().any(|x| x.id == l.id) => {
                    self.lots.push((**l).clone())
                }
                (_, Some(id)) => {
                    if let Some(l) = self.lots.iter_mut().find(|l| &l.id == id) {
                        l.apply(e);
                    }
                }
                _ => {}
            }
            self.seq = e.seq;
        }
    }

    /// The view after a record of `events` (in any order).
    pub fn after_events(view: &Option<View>, events: &[Event]) -> Option<View> {
        let mut next = view.clone();
        if let Some(v) = next.as_mut() {
            let mut sorted = events.to_vec();
            sorted.sort_by_key(|e| e.seq);
            v.apply(&sorted);
        }
        next
    }

    /// A newly stored snapshot at `seq`: the changes no event explained
    /// (none for the first snapshot, or one not newer than the view), and the
    /// view after it.
    pub fn after_snapshot(
        view: &Option<View>,
        seq: u64,
        lots: &[Lot],
    ) -> (Vec<LotChange>, Option<View>) {
        let fresh = || View {
            seq,
            lots: lots.to_vec(),
        };
        match view {
            Some(v) if v.seq < seq => (diff(&v.lots, lots), Some(fresh())),
            Some(v) => (Vec::new(), Some(v.clone())),
            None => (Vec::new(), Some(fresh())),
        }
    }

    /// The view from stored JSON: the snapshot's seq and lots, and the events
    /// stored after it in seq order.
    pub fn from_stored(seq: i64, lots: &[String], events: &[String]) -> Result<View, String> {
        let lots = lots
            .iter()
            .map(|b| codec::decode_lot(b))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let events = events
            .iter()
            .map(|b| codec::decode_event(b))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let mut v = View {
            seq: u64::try_from(seq).unwrap_or(0),
            lots,
        };
        v.apply(&events);
        Ok(v)
    }
}
