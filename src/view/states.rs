//! Every Space's stored state, kept by the read model (issue 25, finding 2). The store
//! memoized `space_states` on SQLite and cleared the memo at every commit (a sign-in
//! or a delivered alert too), so the first page after any write read `spaces` whole;
//! on Postgres every request did. Here the states are one `Arc` shared by readers and
//! replaced, never copied:
//!
//! - after a stored cycle the cycle itself reads them again (`Monitor::tick`, through
//!   `view::refresh`), as it moved the change marker;
//! - any other write of this process (a mute, a repair's recovery, a wake) names the
//!   Spaces it wrote (`Store::take_touched`), and only their rows are read again;
//! - a follower replica, which writes nothing, reads them whole when the leader's
//!   marker moves: at most one cycle stale, like its uptime figures.
//!
//! A reader that finds a refresh under way is served the states before it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use crate::store::{SpaceState, Store, StoreError};

/// The states at one moment, sorted by key.
#[derive(Debug, Default)]
pub struct States {
    /// The change marker they were read at.
    counter: i64,
    all: Vec<Arc<SpaceState>>,
    /// Position in `all` by `SpaceId::key`.
    index: HashMap<String, usize>,
}

impl States {
    fn new(counter: i64, mut all: Vec<Arc<SpaceState>>) -> States {
        all.sort_by_cached_key(|state| state.space.key());
        let index = all
            .iter()
            .enumerate()
            .map(|(i, state)| (state.space.key(), i))
            .collect();
        States {
            counter,
            all,
            index,
        }
    }

    /// Every Space's state, by key.
    pub fn all(&self) -> &[Arc<SpaceState>] {
        &self.all
    }

    /// One Space's state, by `SpaceId::key`.
    pub fn get(&self, key: &str) -> Option<&Arc<SpaceState>> {
        self.index.get(key).map(|&i| &self.all[i])
    }

    /// These states with the rows of `keys` replaced by `read` (a key not read has no
    /// row any more).
    fn with(&self, keys: &HashSet<String>, read: Vec<SpaceState>) -> States {
        let mut all: Vec<Arc<SpaceState>> = self
            .all
            .iter()
            .filter(|state| !keys.contains(&state.space.key()))
            .cloned()
            .collect();
        all.extend(read.into_iter().map(Arc::new));
        States::new(self.counter, all)
    }
}

/// The kept states; one per process, inside `Aggregates`.
#[derive(Debug, Default)]
pub(super) struct KeptStates {
    current: RwLock<Option<Arc<States>>>,
    refresh: tokio::sync::Mutex<()>,
}

impl KeptStates {
    /// The states as last read, if any; reads nothing.
    pub(super) fn standing(&self) -> Option<Arc<States>> {
        self.current()
    }

    fn current(&self) -> Option<Arc<States>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The states as of now: the standing ones when nothing was written since, else
    /// brought up to date (or the standing ones while another caller does).
    pub(super) async fn get(&self, store: &Store) -> Result<Arc<States>, StoreError> {
        let counter = store.read_counter().await?;
        let standing = self.current();
        if let Some(states) = &standing
            && states.counter == counter
            && !store.touched_any()
        {
            return Ok(Arc::clone(states));
        }
        let _refreshing = match (self.refresh.try_lock(), standing) {
            (Ok(guard), _) => guard,
            (Err(_), Some(standing)) => return Ok(standing),
            (Err(_), None) => self.refresh.lock().await,
        };
        // Taken before reading, so a write committed later is read on a later look.
        let keys = store.take_touched();
        let read = match self.current() {
            Some(states) if states.counter == counter && keys.is_empty() => return Ok(states),
            Some(states) if states.counter == counter => {
                let wanted: Vec<String> = keys.iter().cloned().collect();
                store
                    .space_states_of(&wanted)
                    .await
                    .map(|read| states.with(&keys, read))
            }
            _ => store
                .space_states()
                .await
                .map(|all| States::new(counter, all.into_iter().map(Arc::new).collect())),
        };
        let next = match read {
            Ok(next) => Arc::new(next),
            Err(e) => {
                store.untake_touched(keys);
                return Err(e);
            }
        };
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&next));
        Ok(next)
    }
}
