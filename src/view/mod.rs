//! The read model: what every reader shows of the watched Spaces, built once from the
//! store. Chat (`/status`, `/spaces`, `/history`, Discord's autocomplete), the pages,
//! the JSON API, `/metrics`, the live overview and the static report all read through
//! here, so the watch-list rule (`Config::watches`: a Space removed from `SPACES` is
//! shown nowhere, `owner/*` covers every Space of its owner) is applied in one place.
//!
//! - [`watched_states`]: the stored state of every watched Space.
//! - [`watched_rows`]: each watched Space with its uptime and open incident, including
//!   those named in `SPACES` but not checked yet.
//! - [`space_detail`]: one watched Space's row, or `None` when it is not watched.
//! - [`overview`]: everything the status page aggregates (rows, bars, recent
//!   incidents and actions, costs).
//! - [`history`]: one Space's incidents, actions and checks.
//! - [`ago`] and [`absolute`]: the one way times are written for people. They live in
//!   `domain::time` (pure), because alert texts, below this layer, use them too.
//!
//! - [`aggregates`]: every Space's uptime and 90-day bar, kept current per stored
//!   cycle and shared as one `Arc` snapshot (`aggregates.rs`), with the billed time of
//!   the cost windows (`aggregates/usage.rs`).
//! - [`states`]: every Space's stored state, kept the same way (`states.rs`).
//! - [`refresh`]: what a stored cycle calls after its commit, so that no request
//!   recomputes what the commit changed (issue 25).
//! - [`keep_current`]: the daemon's part that builds the read model at start (the
//!   [`Warmth`] requests wait on) and takes a leader's cycles in on a follower
//!   (`warm.rs`).

mod aggregates;
mod history;
mod overview;
mod states;
#[cfg(test)]
mod tests;
mod warm;

use std::collections::HashMap;
use std::sync::Arc;

pub use self::aggregates::{Aggregates, Bars, Snapshot};
pub use self::history::{History, Reach, history};
pub use self::overview::{BAR_DAYS, COST_DAYS, Overview, overview, uptime_bar};
pub use self::states::States;
pub use self::warm::{POLL, Phase, Warmth, keep_current};
pub use crate::domain::time::{absolute, ago};

use crate::domain::{SpaceId, WatchTarget};
use crate::monitor::Monitor;
use crate::store::{IncidentRow, SpaceState, StoreError, Uptime};

/// One watched Space as the readers show it.
#[derive(Debug, Clone)]
pub struct SpaceRow {
    pub id: SpaceId,
    /// `None` until the first check of the Space. Shared with the kept states, never
    /// copied: a page at 10,000 Spaces used to clone every one per request.
    pub state: Option<Arc<SpaceState>>,
    pub uptime: Uptime,
    pub incident: Option<IncidentRow>,
}

/// The aggregates (uptime, bars) as of now: shared, never copied.
pub async fn aggregates(monitor: &Monitor) -> Result<Arc<Snapshot>, StoreError> {
    monitor
        .aggregates()
        .snapshot(monitor.store(), monitor.now())
        .await
}

/// Every Space's stored state as of now: kept, shared, never copied.
pub async fn states(monitor: &Monitor) -> Result<Arc<States>, StoreError> {
    monitor.aggregates().states(monitor.store()).await
}

/// Takes a stored cycle in (uptime, bars, states) and works out the cost windows the
/// page, the API and `/costs` ask for (a day, a week, `COST_DAYS`, the month), in the
/// cycle's time: the requests that follow find them ready.
pub async fn refresh(monitor: &Monitor) -> Result<(), StoreError> {
    let kept = monitor.aggregates();
    kept.take_in(monitor.store(), monitor.now()).await?;
    kept.take_in_states(monitor.store()).await?;
    for days in [1, 7, COST_DAYS] {
        monitor.costs(days).await?;
    }
    monitor.month_projection().await?;
    Ok(())
}

/// Billed time per Space and flavor since `since` (as `Store::usage_since`, counted
/// from the first whole hour), from the kept sums.
pub async fn usage_since(
    monitor: &Monitor,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Arc<Vec<crate::store::UsageRow>>, StoreError> {
    let since_ms = since.timestamp_millis();
    let mut first = since_ms.div_euclid(3_600_000).saturating_mul(3_600_000);
    if first < since_ms {
        first = first.saturating_add(3_600_000);
    }
    monitor
        .aggregates()
        .usage_since(monitor.store(), monitor.now(), first)
        .await
}

/// The stored state of every watched Space, by key (a Space no longer watched is left
/// out; the store keeps its rows for its history).
pub async fn watched_states(monitor: &Monitor) -> Result<Vec<Arc<SpaceState>>, StoreError> {
    let states = states(monitor).await?;
    Ok(watched_in(monitor, &states).cloned().collect())
}

/// The watched ones of `states`, in key order.
fn watched_in<'a>(
    monitor: &'a Monitor,
    states: &'a States,
) -> impl Iterator<Item = &'a Arc<SpaceState>> {
    states
        .all()
        .iter()
        .filter(|state| monitor.watches(&state.space))
}

/// Every watched Space: those with an open incident first, then by id. Spaces named
/// in the watch list but not checked yet are included without a state.
pub async fn watched_rows(monitor: &Monitor) -> Result<Vec<SpaceRow>, StoreError> {
    rows_with(monitor, &*aggregates(monitor).await?).await
}

/// `watched_rows` with the uptime of `figures` (the page takes its bars from the same
/// snapshot, read once).
async fn rows_with(monitor: &Monitor, figures: &Snapshot) -> Result<Vec<SpaceRow>, StoreError> {
    let store = monitor.store();
    let states = states(monitor).await?;
    let mut incidents: HashMap<String, IncidentRow> = store
        .open_incidents()
        .await?
        .into_iter()
        .map(|incident| (incident.space_id.to_ascii_lowercase(), incident))
        .collect();
    // In key order, as the states are kept.
    let mut rows: Vec<SpaceRow> = watched_in(monitor, &states)
        .map(|state| {
            let key = state.space.key();
            SpaceRow {
                id: state.space.clone(),
                uptime: figures.uptime.get(&key).copied().unwrap_or_default(),
                incident: incidents.remove(&key),
                state: Some(Arc::clone(state)),
            }
        })
        .collect();
    let mut unchecked: Vec<SpaceRow> = monitor
        .config()
        .watch
        .iter()
        .filter_map(|target| match target {
            WatchTarget::Space(id) if states.get(&id.key()).is_none() => Some(SpaceRow {
                id: id.clone(),
                state: None,
                uptime: Uptime::default(),
                incident: None,
            }),
            _ => None,
        })
        .collect();
    if !unchecked.is_empty() {
        rows.append(&mut unchecked);
        rows.sort_by_cached_key(|row| row.id.key());
    }
    // Stable: the open incidents move first, each part stays in key order.
    rows.sort_by_key(|row| row.incident.is_none());
    Ok(rows)
}

/// One watched Space, or `None` when it is not on the watch list (`Monitor::watches`,
/// the rule every entrance shares).
pub async fn space_detail(monitor: &Monitor, id: &SpaceId) -> Result<Option<SpaceRow>, StoreError> {
    if !monitor.watches(id) {
        return Ok(None);
    }
    let store = monitor.store();
    let state = store.space_state(id).await?.map(Arc::new);
    let incident = match state.as_ref().and_then(|s| s.incident_id) {
        Some(_) => store.incidents(id, 1).await?.into_iter().next(),
        None => None,
    }
    .filter(|incident| incident.closed_ms.is_none());
    Ok(Some(SpaceRow {
        // The spelling the Hub uses, once we have seen it.
        id: state
            .as_ref()
            .map_or_else(|| id.clone(), |s| s.space.clone()),
        uptime: aggregates(monitor)
            .await?
            .uptime
            .get(&id.key())
            .copied()
            .unwrap_or_default(),
        incident,
        state,
    }))
}
