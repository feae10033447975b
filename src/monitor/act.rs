//! Acting on a cycle's observations: decide (pure, `plan`), fetch what the alerts need
//! from the Hub (log tails), then write everything in one short transaction (checks,
//! alert memory, incidents, action rows, the cycle's one grouped alert) and start the
//! repairs and wakes. No network call and no pool access happens while the write
//! transaction is open: a slow Hub must never hold SQLite's write lock.

use std::collections::HashMap;

use super::attempt::Admitted;
use super::cycle::CycleError;
use super::diagnose::{Tails, log_kind};
use super::plan::{IncidentOpen, LastSwitch, Plan, SpaceFacts, Switch, Work, plan};
use super::platform::suspects;
use super::{Claim, Monitor};
use crate::alerts::{Alert, EventKind};
use crate::domain::{
    ActionActor, ActionKind, ActionTrigger, AlertMemory, Cause, Ladder, Observation,
    PlatformIncident, PlatformPlan, RepairHistory, SpaceCheck, SpaceId, Stage, assess, time,
};
use crate::store::{Drift, NewAction, SpaceState, StoreError, StoreTx};

/// Log lines attached to a "down" alert for a Space in an error stage.
const ALERT_LOG_LINES: usize = 10;

/// The last `ALERT_LOG_LINES` of the Space's log tail, on its "down" alerts.
fn attach_logs(plan: &mut Plan, lines: Option<&Vec<String>>) {
    let Some(lines) = lines else {
        return;
    };
    for event in &mut plan.events {
        if event.kind == EventKind::Down {
            let skip = lines.len().saturating_sub(ALERT_LOG_LINES);
            event.logs = lines[skip..].to_vec();
        }
    }
}

/// What the decisions of one cycle read from the store, before any transaction.
pub(super) struct Facts {
    pub states: HashMap<String, SpaceState>,
    pub history: HashMap<String, RepairHistory>,
    pub platform: Vec<PlatformIncident>,
    /// The last switch each Space's awake windows made, by key.
    pub switches: HashMap<String, LastSwitch>,
    /// The settings this cycle decides with (a SIGHUP mid-cycle applies to the next).
    pub settings: std::sync::Arc<crate::config::SpaceSettings>,
}

impl Monitor {
    /// Acts on a cycle's diagnosed observations; `tails` are the log tails the
    /// diagnosis read (reused for the alerts).
    pub(super) async fn act(
        &self,
        observations: &[Observation],
        tails: &Tails,
    ) -> Result<(), CycleError> {
        // 1. Decide once without the lock, only to learn which alerts want log lines,
        //    and fetch those: network, outside any lock or transaction.
        let logs = self.fetch_alert_logs(observations, tails).await?;
        // 2. Under the state lock: read, decide for real, claim, write, commit.
        let guard = self.inner.state_lock.lock().await;
        let now = self.inner.clock.now();
        let facts = self.read_facts(now).await?;
        let platform = self.assess_platform(observations, &facts);
        let mut plans = Vec::new();
        for obs in observations.iter().filter_map(Observation::checked) {
            cooperate().await;
            let space = &obs.space;
            let ladder = self.ladder_for(obs);
            let mut plan = plan(&self.facts_for(space, obs, &facts, &platform, &ladder, now));
            attach_logs(&mut plan, logs.get(&space.key()));
            // Claims and cap slots are taken before the transaction; if it fails, the
            // guards drop and release them.
            let admitted = plan.work.as_ref().and_then(|p| self.admit(space, &p.work));
            if admitted.is_none() {
                plan.work = None;
            }
            plans.push((space, obs, plan, admitted));
        }
        let platform_events =
            super::platform::events(&platform, &facts.platform, observations, now);
        let mut tx = self.inner.store.begin().await?;
        tx.note_cycle(now, self.inner.config.check_schedule.gap_deadline(now))
            .await?;
        tx.record_observations(observations).await?;
        super::platform::apply(&mut tx, &platform, now).await?;
        let mut events = Vec::new();
        let mut started = Vec::new();
        let mut rows = RowWrites::default();
        for (space, obs, plan, admitted) in plans {
            cooperate().await;
            let state = facts.states.get(&space.key());
            rows.add(space, &plan);
            let action = apply(&mut tx, space, state, &plan, &self.inner.actor, now).await?;
            events.extend(plan.events);
            if let (Some(planned), Some(admitted), Some(action_id)) = (plan.work, admitted, action)
            {
                events.extend(planned.event);
                started.push((
                    space.clone(),
                    obs.cause.clone(),
                    planned.work,
                    admitted,
                    action_id,
                ));
            }
        }
        rows.write(&mut tx).await?;
        let mut alert = Alert::of(now, events);
        alert.platform = platform_events;
        self.inner.outbox.enqueue(&mut tx, &alert, now).await?;
        tx.commit().await?;
        drop(guard);
        self.inner.outbox.wake();
        for (space, cause, work, admitted, action_id) in started {
            self.start_work(space, cause, work, admitted, action_id);
        }
        Ok(())
    }

    /// `act` on observations made elsewhere, without log tails: the statement count
    /// of a daemon's cycle (`tests/statements.rs`).
    #[cfg(any(test, feature = "testkit"))]
    pub async fn act_on(&self, observations: &[Observation]) -> Result<(), CycleError> {
        self.act(observations, &Tails::new()).await
    }

    /// Starts work whose action row is committed.
    fn start_work(
        &self,
        space: SpaceId,
        cause: Option<Cause>,
        work: Work,
        admitted: Admitted,
        action_id: i64,
    ) {
        match work {
            Work::Repair(step) => self.start_ladder(space, step, cause, action_id, admitted),
            Work::Wake { via_restart } => {
                self.start_wake(space, action_id, via_restart, admitted.claim)
            }
            Work::Scheduled(Switch::Wake) => {
                self.start_scheduled_wake(space, action_id, admitted.claim)
            }
            Work::Scheduled(Switch::Pause) => {
                self.start_scheduled_pause(space, action_id, admitted.claim)
            }
        }
    }

    pub(super) async fn read_facts(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Facts, StoreError> {
        let window = self.settings().repair.limits.window;
        Ok(Facts {
            settings: self.settings(),
            states: self.inner.store.space_state_map().await?,
            history: self
                .inner
                .store
                .repair_history(time::before(now, window))
                .await?,
            platform: self.inner.store.open_platform_incidents().await?,
            switches: self
                .inner
                .store
                .last_switches()
                .await?
                .into_iter()
                .filter_map(|(space, (kind, at))| {
                    let switch = Switch::of(&kind)?;
                    Some((space, LastSwitch { switch, at }))
                })
                .collect(),
        })
    }

    fn assess_platform(&self, observations: &[Observation], facts: &Facts) -> PlatformPlan {
        assess(
            &facts.platform,
            &suspects(observations, &facts.states),
            &self.settings().repair.platform,
        )
    }

    /// The ladder for the Space's cause, from the settings (built-in rows and
    /// overrides).
    pub(super) fn ladder_for(&self, obs: &SpaceCheck) -> Ladder {
        self.settings()
            .causes
            .ladders
            .for_cause(obs.cause.as_ref().map(|c| c.code))
    }

    fn facts_for<'a>(
        &'a self,
        space: &'a SpaceId,
        obs: &'a SpaceCheck,
        facts: &'a Facts,
        platform: &PlatformPlan,
        ladder: &'a Ladder,
        now: chrono::DateTime<chrono::Utc>,
    ) -> SpaceFacts<'a> {
        static NO_HISTORY: std::sync::LazyLock<RepairHistory> =
            std::sync::LazyLock::new(RepairHistory::default);
        let settings = &facts.settings;
        SpaceFacts {
            space,
            obs,
            state: facts.states.get(&space.key()),
            policy: settings.policy(space),
            limits: &settings.repair.limits,
            history: facts.history.get(&space.key()).unwrap_or(&NO_HISTORY),
            in_flight: self.is_in_flight(space),
            ladder,
            advice: obs
                .cause
                .as_ref()
                .map(|c| settings.causes.table.advice(c.code)),
            held: platform.holds(space),
            last_switch: facts.switches.get(&space.key()).copied(),
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
            Work::Wake { .. } | Work::Scheduled(_) => None,
        };
        let claim: Claim = self.claim(space)?;
        Some(Admitted { claim, slot })
    }

    /// The run or build log tails that this cycle's "down" alerts will carry (the root
    /// cause is usually there): the ones the diagnosis read, and the others read now.
    /// A failure to read one only leaves it out.
    async fn fetch_alert_logs(
        &self,
        observations: &[Observation],
        tails: &Tails,
    ) -> Result<Tails, StoreError> {
        let now = self.inner.clock.now();
        let facts = self.read_facts(now).await?;
        let platform = self.assess_platform(observations, &facts);
        let mut logs = Tails::new();
        let mut wanted = Vec::new();
        for obs in observations.iter().filter_map(Observation::checked) {
            cooperate().await;
            let (space, Some(stage)) = (&obs.space, &obs.stage) else {
                continue;
            };
            let Some(kind) = log_kind(stage)
                .filter(|_| matches!(stage, Stage::BuildError | Stage::RuntimeError))
            else {
                continue;
            };
            let ladder = self.ladder_for(obs);
            let plan = plan(&self.facts_for(space, obs, &facts, &platform, &ladder, now));
            if !announces_down(&plan) {
                continue;
            }
            match tails.get(&space.key()) {
                Some(lines) => {
                    logs.insert(space.key(), lines.clone());
                }
                None => wanted.push((space.clone(), kind)),
            }
        }
        logs.extend(self.read_tails(wanted, ALERT_LOG_LINES).await);
        Ok(logs)
    }
}

fn announces_down(plan: &Plan) -> bool {
    plan.events.iter().any(|e| e.kind == EventKind::Down)
}

/// The columns of `spaces` a cycle's plans set, written in batches after the loop
/// (`StoreTx::save_memories`): the memory changes for every Space checked, each cycle
/// (issue 25: one statement per Space was the cycle's largest per-Space cost).
#[derive(Default)]
struct RowWrites<'a> {
    memory: Vec<(&'a SpaceId, AlertMemory)>,
    drift: Vec<(&'a SpaceId, Drift)>,
    gave_up: Vec<(&'a SpaceId, bool)>,
}

impl<'a> RowWrites<'a> {
    fn add(&mut self, space: &'a SpaceId, plan: &Plan) {
        if let Some(memory) = &plan.memory {
            self.memory.push((space, memory.clone()));
        }
        if let Some(gave_up) = plan.set_gave_up {
            self.gave_up.push((space, gave_up));
        }
        if let Some(drift) = plan.set_drift {
            self.drift.push((space, drift));
        }
    }

    async fn write(&self, tx: &mut StoreTx) -> Result<(), StoreError> {
        tx.save_memories(&self.memory).await?;
        tx.set_gave_ups(&self.gave_up).await?;
        tx.set_drifts(&self.drift).await
    }
}

/// Writes one Space's incident and work (its row's columns go through `RowWrites`);
/// returns the action row of its work, if it has work, recorded as done by `actor`.
async fn apply(
    tx: &mut StoreTx,
    space: &SpaceId,
    state: Option<&SpaceState>,
    plan: &Plan,
    actor: &ActionActor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>, StoreError> {
    let mut incident = state.and_then(|s| s.incident_id);
    if let Some(IncidentOpen {
        opened,
        verdict,
        stage,
        error,
        cause,
    }) = &plan.open_incident
    {
        let stage = stage.as_ref().map(Stage::as_str);
        incident = Some(
            tx.open_incident(
                space,
                *opened,
                verdict.as_str(),
                stage,
                error.as_deref(),
                cause.as_ref(),
            )
            .await?,
        );
    }
    if let Some(resolution) = &plan.close_incident {
        tx.close_incident(space, now, resolution).await?;
        incident = None;
    }
    let Some(planned) = &plan.work else {
        return Ok(None);
    };
    let (kind, trigger, actor) = match &planned.work {
        Work::Repair(step) => (ActionKind::from(*step), ActionTrigger::Auto, actor.clone()),
        Work::Wake { .. } => (ActionKind::Wake, ActionTrigger::Auto, actor.clone()),
        Work::Scheduled(switch) => (
            ActionKind::from(*switch),
            ActionTrigger::Schedule,
            ActionActor::Schedule,
        ),
    };
    let action_id = tx
        .start_action(&NewAction {
            space,
            kind,
            trigger,
            actor,
            at: now,
            incident_id: matches!(planned.work, Work::Repair(_))
                .then_some(incident)
                .flatten(),
        })
        .await?;
    Ok(Some(action_id))
}

/// A yield point in a loop over every Space: the runtime gets its worker back once the
/// task's budget is spent. Deciding for 10,000 Spaces is about a second of work with
/// no await that yields, and a page request queued behind it on the same worker waited
/// that long once a cycle (`cargo bench --bench scale`, answers over 300 ms).
async fn cooperate() {
    tokio::task::coop::consume_budget().await;
}
