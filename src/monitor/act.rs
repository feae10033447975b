//! Acting on a cycle's observations: decide (pure, `plan`), fetch what the alerts need
//! from the Hub (log tails), then write everything in one short transaction (checks,
//! alert memory, incidents, action rows, the cycle's one grouped alert) and start the
//! repairs and wakes. No network call and no pool access happens while the write
//! transaction is open: a slow Hub must never hold SQLite's write lock.

use std::collections::HashMap;

use futures_util::{StreamExt, stream};

use super::attempt::Admitted;
use super::cycle::CycleError;
use super::plan::{IncidentOpen, Plan, SpaceFacts, Work, plan};
use super::{Claim, Monitor};
use crate::alerts::{Alert, EventKind};
use crate::domain::{Observation, RepairHistory, SpaceId, Stage, time};
use crate::hub::LogKind;
use crate::store::{NewAction, SpaceState, StoreError, StoreTx};

/// Log lines attached to a "down" alert for a Space in an error stage.
const ALERT_LOG_LINES: usize = 10;
/// Log tails fetched at once for one cycle's alerts.
const LOG_CONCURRENCY: usize = 8;

/// What the decisions of one cycle read from the store, before any transaction.
struct Facts {
    states: HashMap<String, SpaceState>,
    history: HashMap<String, RepairHistory>,
}

impl Monitor {
    pub(super) async fn act(&self, observations: &[Observation]) -> Result<(), CycleError> {
        // 1. Decide once without the lock, only to learn which alerts want log lines,
        //    and fetch those: network, outside any lock or transaction.
        let logs = self.fetch_alert_logs(observations).await?;
        // 2. Under the state lock: read, decide for real, claim, write, commit.
        let guard = self.inner.state_lock.lock().await;
        let now = self.inner.clock.now();
        let facts = self.read_facts(now).await?;
        let mut plans = Vec::new();
        for obs in observations {
            let Some(space) = &obs.space else { continue };
            let mut plan = plan(&self.facts_for(space, obs, &facts, now));
            for event in &mut plan.events {
                if event.kind == EventKind::Down
                    && let Some(lines) = logs.get(&space.key())
                {
                    event.logs = lines.clone();
                }
            }
            // Claims and cap slots are taken before the transaction; if it fails, the
            // guards drop and release them.
            let admitted = plan.work.as_ref().and_then(|p| self.admit(space, &p.work));
            if admitted.is_none() {
                plan.work = None;
            }
            plans.push((space, plan, admitted));
        }
        let mut tx = self.inner.store.begin().await?;
        tx.note_cycle(now, self.inner.config.check_schedule.gap_deadline(now))
            .await?;
        for obs in observations {
            tx.record_observation(obs).await?;
        }
        let mut events = Vec::new();
        let mut started = Vec::new();
        for (space, plan, admitted) in plans {
            let state = facts.states.get(&space.key());
            let action = apply(&mut tx, space, state, &plan, &self.inner.actor, now).await?;
            events.extend(plan.events);
            if let (Some(planned), Some(admitted), Some(action_id)) = (plan.work, admitted, action)
            {
                events.extend(planned.event);
                started.push((space.clone(), planned.work, admitted, action_id));
            }
        }
        self.inner
            .outbox
            .enqueue(&mut tx, &Alert::of(now, events), now)
            .await?;
        tx.commit().await?;
        drop(guard);
        self.inner.outbox.wake();
        for (space, work, admitted, action_id) in started {
            match work {
                Work::Repair(step) => self.start_ladder(space, step, action_id, admitted),
                Work::Wake { via_restart } => {
                    self.start_wake(space, action_id, via_restart, admitted.claim)
                }
            }
        }
        Ok(())
    }

    async fn read_facts(&self, now: chrono::DateTime<chrono::Utc>) -> Result<Facts, StoreError> {
        let window = self.inner.config.space_settings.repair.limits.window;
        Ok(Facts {
            states: self.inner.store.space_state_map().await?,
            history: self
                .inner
                .store
                .repair_history(time::before(now, window))
                .await?,
        })
    }

    fn facts_for<'a>(
        &'a self,
        space: &'a SpaceId,
        obs: &'a Observation,
        facts: &'a Facts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> SpaceFacts<'a> {
        static NO_HISTORY: std::sync::LazyLock<RepairHistory> =
            std::sync::LazyLock::new(RepairHistory::default);
        let settings = &self.inner.config.space_settings;
        SpaceFacts {
            space,
            obs,
            state: facts.states.get(&space.key()),
            policy: settings.policy(space),
            limits: &settings.repair.limits,
            history: facts.history.get(&space.key()).unwrap_or(&NO_HISTORY),
            in_flight: self.is_in_flight(space),
            now,
        }
    }

    /// Claims the Space, and a slot of the global cap for an automatic repair.
    /// `None` defers the work to a later cycle.
    fn admit(&self, space: &SpaceId, work: &Work) -> Option<Admitted> {
        let slot = match work {
            Work::Repair(_) => match self.inner.repair_slots.clone().try_acquire_owned() {
                Ok(slot) => Some(slot),
                Err(_) => {
                    tracing::info!(space = %space, "repair deferred: too many repairs in flight");
                    return None;
                }
            },
            Work::Wake { .. } => None,
        };
        let claim: Claim = self.claim(space)?;
        Some(Admitted { claim, slot })
    }

    /// The run or build log tails that this cycle's "down" alerts will carry (the root
    /// cause is usually there). A failure to read them only leaves them out.
    async fn fetch_alert_logs(
        &self,
        observations: &[Observation],
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let now = self.inner.clock.now();
        let facts = self.read_facts(now).await?;
        let wanted: Vec<(SpaceId, LogKind)> = observations
            .iter()
            .filter_map(|obs| {
                let space = obs.space.as_ref()?;
                let kind = log_kind(obs.stage.as_ref()?)?;
                let plan = plan(&self.facts_for(space, obs, &facts, now));
                announces_down(&plan).then(|| (space.clone(), kind))
            })
            .collect();
        let fetched: Vec<(String, Vec<String>)> = stream::iter(wanted)
            .map(|(space, kind)| async move {
                let token = self.inner.config.token_for(space.owner());
                match self
                    .inner
                    .hub
                    .logs(&space, kind, ALERT_LOG_LINES, token)
                    .await
                {
                    Ok(lines) => Some((space.key(), lines.into_iter().map(|l| l.text).collect())),
                    Err(e) => {
                        tracing::debug!(space = %space, error = %e, "no logs for the alert");
                        None
                    }
                }
            })
            .buffer_unordered(LOG_CONCURRENCY)
            .filter_map(|found| async move { found })
            .collect()
            .await;
        Ok(fetched.into_iter().collect())
    }
}

fn announces_down(plan: &Plan) -> bool {
    plan.events.iter().any(|e| e.kind == EventKind::Down)
}

/// Which log explains a Space in this stage.
fn log_kind(stage: &Stage) -> Option<LogKind> {
    match stage {
        Stage::BuildError => Some(LogKind::Build),
        Stage::RuntimeError => Some(LogKind::Run),
        _ => None,
    }
}

/// Writes one Space's plan; returns the action row of its work, if it has work,
/// recorded as done by `actor`.
async fn apply(
    tx: &mut StoreTx,
    space: &SpaceId,
    state: Option<&SpaceState>,
    plan: &Plan,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>, StoreError> {
    if let Some(memory) = &plan.memory {
        tx.save_memory(space, memory).await?;
    }
    let mut incident = state.and_then(|s| s.incident_id);
    if let Some(IncidentOpen {
        opened,
        verdict,
        stage,
        error,
    }) = &plan.open_incident
    {
        let stage = stage.as_ref().map(Stage::as_str);
        incident = Some(
            tx.open_incident(space, *opened, verdict.as_str(), stage, error.as_deref())
                .await?,
        );
    }
    if let Some(resolution) = &plan.close_incident {
        tx.close_incident(space, now, resolution).await?;
        incident = None;
    }
    if let Some(gave_up) = plan.set_gave_up {
        tx.set_gave_up(space, gave_up).await?;
    }
    let Some(planned) = &plan.work else {
        return Ok(None);
    };
    let kind = match &planned.work {
        Work::Repair(step) => step.as_str(),
        Work::Wake { .. } => "wake",
    };
    let action_id = tx
        .start_action(&NewAction {
            space,
            kind,
            trigger: "auto",
            actor,
            at: now,
            incident_id: if kind == "wake" { None } else { incident },
        })
        .await?;
    Ok(Some(action_id))
}
