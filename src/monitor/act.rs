//! Acting on a cycle's observations, in one transaction per cycle: store them, run the
//! alert state machine, open and close incidents, decide repairs and wakes (recording
//! each attempt before anything is called), and write the cycle's alert (one grouped
//! message however many Spaces changed). Repairs and wakes then run as tasks.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;

use super::Monitor;
use super::cycle::CycleError;
use super::repair::RepairJob;
use crate::alerts::{Alert, AlertEvent, EventKind};
use crate::domain::{
    AlertMemory, Health, Observation, RepairContext, RepairDecision, RepairStep, SpaceId, Stage,
    Transition, Verdict, decide, observe,
};
use crate::hub::LogKind;
use crate::store::{NewAction, SpaceState, StoreTx};

/// Log lines attached to a "down" alert for a Space in an error stage.
const ALERT_LOG_LINES: usize = 10;

/// The actor recorded for what spacewarden does by itself.
pub const SELF_ACTOR: &str = "spacewarden";

/// Work decided in the transaction, started after it committed.
enum Planned {
    Repair(RepairJob),
    Wake {
        action_id: i64,
        space: SpaceId,
        via_restart: bool,
    },
}

impl Monitor {
    pub(super) async fn act(&self, observations: &[Observation]) -> Result<(), CycleError> {
        let guard = self.inner.state_lock.lock().await;
        let now = self.inner.clock.now();
        let states: HashMap<String, SpaceState> = self.inner.store.space_state_map().await?;
        let mut tx = self.inner.store.begin().await?;
        tx.note_cycle(now, self.inner.config.check_schedule.gap_deadline(now))
            .await?;
        let mut events = Vec::new();
        let mut planned = Vec::new();
        for obs in observations {
            tx.record_observation(obs).await?;
            let Some(space) = &obs.space else { continue };
            let state = states.get(&space.key());
            self.act_on(&mut tx, space, obs, state, now, &mut events, &mut planned)
                .await?;
        }
        self.attach_logs(&mut events).await;
        self.inner
            .outbox
            .enqueue(&mut tx, &Alert { at: now, events }, now)
            .await?;
        tx.commit().await?;
        drop(guard);
        self.inner.outbox.wake();
        for work in planned {
            match work {
                Planned::Repair(job) => self.start_repair(job),
                Planned::Wake {
                    action_id,
                    space,
                    via_restart,
                } => self.start_wake(action_id, space, via_restart),
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn act_on(
        &self,
        tx: &mut StoreTx,
        space: &SpaceId,
        obs: &Observation,
        state: Option<&SpaceState>,
        now: DateTime<Utc>,
        events: &mut Vec<AlertEvent>,
        planned: &mut Vec<Planned>,
    ) -> Result<(), CycleError> {
        // A repair or wake in flight owns this Space's alert lifecycle until it ends.
        if self.is_in_flight(&space.key()) {
            return Ok(());
        }
        let policy = self.inner.config.space_settings.policy(space);
        let in_maintenance = policy.in_maintenance(now);
        let quiet = in_maintenance || state.is_some_and(|s| s.muted(now));
        let memory = state.map(|s| s.memory.clone()).unwrap_or_default();
        let (next, transition) = observe(&memory, obs.verdict, now, &policy.alerts, quiet);
        tx.save_memory(space, &next).await?;

        let mut gave_up = state.is_some_and(|s| s.gave_up);
        let mut incident = state.and_then(|s| s.incident_id);
        // Incidents follow the state machine, muted or not: opened when a "down" is
        // raised, closed when it resolves.
        if memory.alerted.is_none() && next.alerted.is_some() && incident.is_none() {
            let opened = next.bad_since.unwrap_or(now);
            let stage = obs.stage.as_ref().map(Stage::as_str);
            incident = Some(
                tx.open_incident(
                    space,
                    opened,
                    obs.verdict.as_str(),
                    stage,
                    obs.error.as_deref(),
                )
                .await?,
            );
        }
        if memory.alerted.is_some() && next.alerted.is_none() {
            let resolution = format!("back to {}", obs.verdict);
            tx.close_incident(space, now, &resolution).await?;
            incident = None;
        }
        if Health::of(obs.verdict) == Health::Good && gave_up {
            tx.set_gave_up(space, false).await?;
            gave_up = false;
        }
        if let Some(transition) = transition {
            events.push(event_for(space, obs, &transition));
        }

        let recent = self
            .inner
            .store
            .auto_repairs_since(
                space,
                now - window(&self.inner.config.space_settings.repair.limits.window),
            )
            .await?;
        let decision = decide(
            &RepairContext {
                verdict: obs.verdict,
                bad_streak: next.bad_streak,
                degraded_failures: policy.alerts.degraded_failures,
                auto_repair: policy.auto_repair,
                in_maintenance,
                in_flight: false,
                gave_up,
                recent_repairs: recent,
                now,
            },
            &self.inner.config.space_settings.repair.limits,
        );
        match decision {
            RepairDecision::Nothing => {}
            RepairDecision::GiveUp => {
                tx.set_gave_up(space, true).await?;
                let mut event =
                    AlertEvent::new(space.to_string(), EventKind::GaveUp, obs.verdict.as_str());
                event.stage = obs.stage.as_ref().map(|s| s.as_str().to_owned());
                event.detail = Some(format!(
                    "{} automatic repairs in the last {} did not keep it up",
                    self.inner
                        .config
                        .space_settings
                        .repair
                        .limits
                        .max_per_window,
                    crate::domain::format_duration(
                        self.inner.config.space_settings.repair.limits.window
                    )
                ));
                if !quiet {
                    events.push(event);
                }
            }
            RepairDecision::Start(step) => {
                // The global cap: without a free slot the repair waits for a later cycle.
                let Ok(permit) = self.inner.repair_slots.clone().try_acquire_owned() else {
                    tracing::info!(space = %space, "repair deferred: too many repairs in flight");
                    return Ok(());
                };
                if !self.claim(&space.key()) {
                    return Ok(());
                }
                let action_id = tx
                    .start_action(&NewAction {
                        space,
                        kind: step.as_str(),
                        trigger: "auto",
                        actor: SELF_ACTOR,
                        at: now,
                        incident_id: incident,
                    })
                    .await?;
                if !quiet {
                    let mut event = AlertEvent::new(
                        space.to_string(),
                        EventKind::Repairing,
                        obs.verdict.as_str(),
                    );
                    event.step = Some(step.as_str().to_owned());
                    events.push(event);
                }
                planned.push(Planned::Repair(RepairJob {
                    action_id,
                    space: space.clone(),
                    step,
                    manual: None,
                    resume: false,
                    _slot: permit,
                }));
            }
        }
        self.plan_wake(
            tx,
            space,
            obs,
            policy.keep_alive,
            policy.wake_paused,
            now,
            planned,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn plan_wake(
        &self,
        tx: &mut StoreTx,
        space: &SpaceId,
        obs: &Observation,
        keep_alive: bool,
        wake_paused: bool,
        now: DateTime<Utc>,
        planned: &mut Vec<Planned>,
    ) -> Result<(), CycleError> {
        let wakeable = match obs.verdict {
            Verdict::Sleeping => keep_alive,
            Verdict::Paused => wake_paused && obs.stage == Some(Stage::Paused),
            _ => false,
        };
        if !wakeable || self.is_in_flight(&space.key()) {
            return Ok(());
        }
        // Wakes share the repair cap, so a Space that will not wake is not hammered.
        let limits = &self.inner.config.space_settings.repair.limits;
        let recent = self.inner.store.actions(space, 20).await?;
        let wakes = recent
            .iter()
            .filter(|a| a.kind == "wake" && now - a.started() < window(&limits.window))
            .count();
        if wakes as u32 >= limits.max_per_window || !self.claim(&space.key()) {
            return Ok(());
        }
        let action_id = tx
            .start_action(&NewAction {
                space,
                kind: "wake",
                trigger: "auto",
                actor: SELF_ACTOR,
                at: now,
                incident_id: None,
            })
            .await?;
        planned.push(Planned::Wake {
            action_id,
            space: space.clone(),
            via_restart: obs.verdict == Verdict::Paused,
        });
        Ok(())
    }

    /// Adds the last log lines to "down" events of Spaces in an error stage: the root
    /// cause is usually there. A failure to read them only leaves them out.
    async fn attach_logs(&self, events: &mut [AlertEvent]) {
        let wanted: Vec<(usize, SpaceId, LogKind)> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EventKind::Down)
            .filter_map(|(i, e)| {
                let kind = match e.stage.as_deref()? {
                    "BUILD_ERROR" => LogKind::Build,
                    "RUNTIME_ERROR" => LogKind::Run,
                    _ => return None,
                };
                Some((i, SpaceId::parse(&e.space).ok()?, kind))
            })
            .collect();
        let fetched = join_all(wanted.iter().map(|(_, space, kind)| async move {
            let token = self.inner.config.token_for(space.owner());
            self.inner
                .hub
                .logs(space, *kind, ALERT_LOG_LINES, token)
                .await
        }))
        .await;
        for ((index, space, _), result) in wanted.into_iter().zip(fetched) {
            match result {
                Ok(lines) => events[index].logs = lines.into_iter().map(|l| l.text).collect(),
                Err(e) => tracing::debug!(space = %space, error = %e, "no logs for the alert"),
            }
        }
    }
}

fn window(duration: &std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(*duration).unwrap_or(chrono::Duration::MAX)
}

fn event_for(space: &SpaceId, obs: &Observation, transition: &Transition) -> AlertEvent {
    let (kind, verdict, down_for) = match transition {
        Transition::Down { verdict, .. } => (EventKind::Down, *verdict, None),
        Transition::StillDown { verdict, .. } => (EventKind::StillDown, *verdict, None),
        Transition::Recovered { now, down_for } => {
            (EventKind::Recovered, *now, Some(down_for.as_secs()))
        }
    };
    let mut event = AlertEvent::new(space.to_string(), kind, verdict.as_str());
    event.stage = obs.stage.as_ref().map(|s| s.as_str().to_owned());
    if kind != EventKind::Recovered {
        event.error = obs.error.clone();
    }
    event.down_for_secs = down_for;
    event
}

/// The memory after a repair or wake brought a Space back.
pub(super) fn resolved_memory() -> AlertMemory {
    AlertMemory {
        good_streak: 1,
        ..AlertMemory::default()
    }
}

/// What a repair step is called in events.
pub(super) fn step_name(step: RepairStep) -> String {
    step.as_str().to_owned()
}
