//! Which Spaces' rows this process wrote since the read model last looked (issue 25,
//! finding 2). The read model keeps every Space's state; instead of reading `spaces`
//! whole after any commit (as the memo did), it re-reads only the rows named here. A
//! write transaction collects the keys it touched and hands them over when it commits
//! (a rolled-back write changed nothing); a single autocommitted write hands them over
//! once it is done. Writes by another process (a Postgres leader, seen from a
//! follower) are not here: those come with the change marker, and the read model reads
//! `spaces` whole when the marker moves.

use std::collections::HashSet;
use std::sync::Mutex;

/// The keys written and not yet taken, shared by the store's clones.
#[derive(Debug, Default)]
pub(super) struct Touched {
    keys: Mutex<HashSet<String>>,
}

impl Touched {
    pub(super) fn add(&self, keys: impl IntoIterator<Item = String>) {
        self.keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(keys);
    }

    fn any(&self) -> bool {
        !self
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
    }

    fn take(&self) -> HashSet<String> {
        std::mem::take(&mut *self.keys.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl super::Store {
    /// The Spaces (by `SpaceId::key`) whose rows this process wrote since the last
    /// call. One taker: the read model (`view::states`); what it takes it must apply,
    /// or give back (`untake_touched`) when it cannot.
    pub fn take_touched(&self) -> HashSet<String> {
        self.touched.take()
    }

    /// Whether any Space was written since the last `take_touched`.
    pub fn touched_any(&self) -> bool {
        self.touched.any()
    }

    /// Gives keys back (a re-read that failed): the next look reads them again.
    pub fn untake_touched(&self, keys: HashSet<String>) {
        self.touched.add(keys);
    }
}

impl super::StoreTx {
    /// Notes keys of Spaces this transaction wrote; handed over at its commit.
    pub(super) fn touch(&mut self, keys: impl IntoIterator<Item = String>) {
        self.touched.extend(keys);
    }
}
