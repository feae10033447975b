//! What the pages, the API and `/metrics` show of the watch list, loaded once per
//! request: each watched Space with its last known state (none before its first
//! check), uptime figures and open incident.

use std::collections::HashMap;

use crate::domain::{SpaceId, WatchTarget};
use crate::monitor::Monitor;
use crate::store::{IncidentRow, SpaceState, StoreError, Uptime};

/// One watched Space as the HTTP side shows it.
#[derive(Debug, Clone)]
pub(super) struct SpaceRow {
    pub id: SpaceId,
    /// `None` until the first check of the Space.
    pub state: Option<SpaceState>,
    pub uptime: Uptime,
    pub incident: Option<IncidentRow>,
}

/// The stored state of every watched Space (a Space no longer watched is left out).
pub(super) async fn watched_states(monitor: &Monitor) -> Result<Vec<SpaceState>, StoreError> {
    let states = monitor.store().space_states().await?;
    Ok(states
        .into_iter()
        .filter(|state| monitor.watches(&state.space))
        .collect())
}

/// Every watched Space: those with an open incident first, then by id. Spaces named
/// in the watch list but not checked yet are included without a state.
pub(super) async fn overview(monitor: &Monitor) -> Result<Vec<SpaceRow>, StoreError> {
    let store = monitor.store();
    let now = monitor.now();
    let mut uptime: HashMap<String, Uptime> = store
        .uptime_all(now)
        .await?
        .into_iter()
        .map(|(space, uptime)| (space.to_ascii_lowercase(), uptime))
        .collect();
    let mut incidents: HashMap<String, IncidentRow> = store
        .open_incidents()
        .await?
        .into_iter()
        .map(|incident| (incident.space_id.to_ascii_lowercase(), incident))
        .collect();
    let mut rows: Vec<SpaceRow> = watched_states(monitor)
        .await?
        .into_iter()
        .map(|state| {
            let key = state.space.key();
            SpaceRow {
                id: state.space.clone(),
                uptime: uptime.remove(&key).unwrap_or_default(),
                incident: incidents.remove(&key),
                state: Some(state),
            }
        })
        .collect();
    for target in &monitor.config().watch {
        if let WatchTarget::Space(id) = target
            && !rows.iter().any(|row| row.id.key() == id.key())
        {
            rows.push(SpaceRow {
                id: id.clone(),
                state: None,
                uptime: Uptime::default(),
                incident: None,
            });
        }
    }
    rows.sort_by_key(|row| (row.incident.is_none(), row.id.key()));
    Ok(rows)
}

/// One watched Space, or `None` when it is not on the watch list (`Monitor::watches`,
/// the rule every entrance shares).
pub(super) async fn space_row(
    monitor: &Monitor,
    id: &SpaceId,
) -> Result<Option<SpaceRow>, StoreError> {
    if !monitor.watches(id) {
        return Ok(None);
    }
    let store = monitor.store();
    let state = store.space_state(id).await?;
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
        uptime: store.uptime(id, monitor.now()).await?,
        incident,
        state,
    }))
}
