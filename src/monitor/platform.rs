//! Platform incidents in the cycle: who is a suspect (bad now, and why), the
//! grouped alerts for incidents that start or end, and their rows. The decision
//! itself is the pure `domain::assess`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::alerts::{PlatformEvent, PlatformEventKind};
use crate::domain::{
    CheckFailure, Health, Observation, PlatformIncident, PlatformPlan, PlatformReason, SpaceId,
    Suspect, Verdict, time,
};
use crate::store::{SpaceState, StoreError, StoreTx};

/// Each observed Space as the incident decision sees it.
pub(super) fn suspects(
    observations: &[Observation],
    states: &HashMap<String, SpaceState>,
) -> Vec<Suspect> {
    observations
        .iter()
        .filter_map(|obs| {
            let obs = obs.checked()?;
            let space = obs.space.clone();
            let before = states.get(&space.key()).map(|s| s.verdict);
            let hub_down = obs.verdict == Verdict::Unreachable
                && obs.failure == Some(CheckFailure::HubUnavailable);
            let reason = if hub_down {
                Some(PlatformReason::HubUnavailable)
            } else {
                obs.cause.as_ref().map(|c| PlatformReason::Cause(c.code))
            };
            // Fine at the previous check (a Space never seen before is not counted:
            // a first start among broken Spaces is not an incident).
            let newly_bad = match reason {
                Some(PlatformReason::HubUnavailable) => {
                    before.is_some_and(|v| v != Verdict::Unreachable)
                }
                Some(PlatformReason::Cause(_)) => {
                    before.is_some_and(|v| Health::of(v) != Health::Bad)
                }
                None => false,
            };
            Some(Suspect {
                space,
                bad: hub_down || Health::of(obs.verdict) == Health::Bad,
                reason,
                newly_bad,
            })
        })
        .collect()
}

fn owners(spaces: &[SpaceId]) -> u32 {
    let owners: HashSet<String> = spaces
        .iter()
        .map(|s| s.owner().to_ascii_lowercase())
        .collect();
    u32::try_from(owners.len()).unwrap_or(u32::MAX)
}

/// The grouped alerts: one per incident that starts, one per incident that ends.
pub(super) fn events(
    plan: &PlatformPlan,
    active: &[PlatformIncident],
    observations: &[Observation],
    now: DateTime<Utc>,
) -> Vec<PlatformEvent> {
    let evidence = |spaces: &[SpaceId]| {
        spaces.iter().find_map(|space| {
            let obs = observations
                .iter()
                .filter_map(Observation::checked)
                .find(|o| o.space.key() == space.key())?;
            obs.cause
                .as_ref()
                .map(|c| c.evidence.clone())
                .filter(|e| !e.is_empty())
                .or_else(|| obs.error.clone())
        })
    };
    let mut out: Vec<PlatformEvent> = plan
        .open
        .iter()
        .map(|o| PlatformEvent {
            kind: PlatformEventKind::Started,
            reason: o.reason,
            owners: u32::try_from(o.owners).unwrap_or(u32::MAX),
            evidence: evidence(&o.spaces),
            spaces: o.spaces.clone(),
            lasted_secs: None,
            still_failing: Vec::new(),
        })
        .collect();
    for closing in &plan.close {
        let spaces: Vec<SpaceId> = active
            .iter()
            .find(|i| i.id == closing.id)
            .map_or_else(Vec::new, |i| i.spaces.clone());
        out.push(PlatformEvent {
            kind: PlatformEventKind::Ended,
            reason: closing.reason,
            owners: owners(&spaces),
            spaces,
            evidence: None,
            lasted_secs: Some(time::elapsed(closing.opened, now).as_secs()),
            still_failing: closing.still_bad.clone(),
        });
    }
    out
}

/// Writes the incidents that start, grow and end.
pub(super) async fn apply(
    tx: &mut StoreTx,
    plan: &PlatformPlan,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for opening in &plan.open {
        let id = tx
            .open_platform_incident(opening.reason, now, &opening.spaces)
            .await?;
        tracing::warn!(
            incident = id,
            reason = opening.reason.as_str(),
            spaces = opening.spaces.len(),
            "platform incident: automatic repairs of its Spaces hold"
        );
    }
    for (id, spaces) in &plan.grow {
        tx.set_platform_spaces(*id, spaces).await?;
    }
    for closing in &plan.close {
        tx.close_platform_incident(closing.id, now).await?;
        tracing::info!(incident = closing.id, "platform incident over");
    }
    Ok(())
}
