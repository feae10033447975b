//! Executing the repair ladder: call the Hub (the attempt is already recorded), poll
//! the runtime until it leaves the intermediate stages, verify the app, then record the
//! result and either announce the recovery, climb to the next rung, or give up.
//! The same path serves automatic repairs, admins' `/restart` and `/rebuild`, the JSON
//! API, and attempts resumed after a restart of spacewarden (by polling only).

use std::time::{Duration, Instant};

use tokio::sync::OwnedSemaphorePermit;

use super::Monitor;
use super::act::{SELF_ACTOR, resolved_memory, step_name};
use crate::alerts::{Alert, AlertEvent, EventKind};
use crate::domain::{RepairStep, SpaceId, next_step};
use crate::store::{NewAction, StoreError};

/// One rung to run.
pub(super) struct RepairJob {
    pub action_id: i64,
    pub space: SpaceId,
    pub step: RepairStep,
    /// `Some(actor)` for an admin's request: one step, no ladder.
    pub manual: Option<String>,
    /// Resumed after a restart of spacewarden: poll only, never call the Hub again.
    pub resume: bool,
    /// A slot of the global cap, held for the whole ladder; dropping it frees it.
    pub _slot: OwnedSemaphorePermit,
}

/// How a repair ended, for whoever asked for it.
#[derive(Debug, Clone, PartialEq)]
pub enum RepairOutcome {
    Recovered { step: RepairStep, took: Duration },
    StillBroken { step: RepairStep, why: String },
    Failed { step: RepairStep, why: String },
}

/// Why a requested repair was not started.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RepairRefused {
    #[error("a repair of {0} is already running")]
    InFlight(String),
    #[error("too many repairs are running; try again in a minute")]
    Busy,
    #[error("cannot record the repair: {0}")]
    Store(String),
}

/// What one step saw.
pub(super) enum StepResult {
    Recovered,
    StillBroken(String),
    CallFailed(String),
}

/// A step's result as the keep-alive needs it: back, or not and why.
pub(super) enum StepResultView {
    Recovered,
    Failed(String),
}

impl StepResult {
    pub(super) fn view(self) -> StepResultView {
        match self {
            StepResult::Recovered => StepResultView::Recovered,
            StepResult::StillBroken(why) | StepResult::CallFailed(why) => {
                StepResultView::Failed(why)
            }
        }
    }
}

impl Monitor {
    pub(super) fn start_repair(&self, job: RepairJob) {
        let monitor = self.clone();
        self.spawn(async move {
            let key = job.space.key();
            let outcome = monitor.run_ladder(job).await;
            monitor.release(&key);
            if let Err(e) = outcome {
                tracing::error!(error = %e, "repair: store error; the attempt is resumed on the next start");
            }
        });
    }

    /// An admin's (or the API's) restart or rebuild: recorded and audited with the
    /// actor, then run in the background like an automatic repair. The receiver gets
    /// the outcome.
    pub async fn request_repair(
        &self,
        space: &SpaceId,
        step: RepairStep,
        actor: &str,
    ) -> Result<tokio::sync::oneshot::Receiver<RepairOutcome>, RepairRefused> {
        let permit = self
            .inner
            .repair_slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| RepairRefused::Busy)?;
        if !self.claim(&space.key()) {
            return Err(RepairRefused::InFlight(space.to_string()));
        }
        let now = self.inner.clock.now();
        let recorded = async {
            let _guard = self.inner.state_lock.lock().await;
            let mut tx = self.inner.store.begin().await?;
            let incident = tx.space_state(space).await?.and_then(|s| s.incident_id);
            let action_id = tx
                .start_action(&NewAction {
                    space,
                    kind: step.as_str(),
                    trigger: "manual",
                    actor,
                    at: now,
                    incident_id: incident,
                })
                .await?;
            let mut event = AlertEvent::new(space.to_string(), EventKind::Repairing, "down");
            event.step = Some(step_name(step));
            event.detail = Some(format!("requested by {actor}"));
            self.inner
                .outbox
                .enqueue_events(&mut tx, vec![event], now)
                .await?;
            tx.commit().await?;
            Ok::<i64, StoreError>(action_id)
        }
        .await;
        let action_id = match recorded {
            Ok(id) => id,
            Err(e) => {
                self.release(&space.key());
                return Err(RepairRefused::Store(e.to_string()));
            }
        };
        self.inner.outbox.wake();
        let (done, receiver) = tokio::sync::oneshot::channel();
        let monitor = self.clone();
        let job = RepairJob {
            action_id,
            space: space.clone(),
            step,
            manual: Some(actor.to_owned()),
            resume: false,
            _slot: permit,
        };
        self.spawn(async move {
            let key = job.space.key();
            let result = monitor.run_ladder(job).await;
            monitor.release(&key);
            match result {
                Ok(outcome) => {
                    let _ = done.send(outcome);
                }
                Err(e) => tracing::error!(error = %e, "repair: store error"),
            }
        });
        Ok(receiver)
    }

    /// Resumes attempts a previous run left unfinished: by polling, never by calling
    /// the Hub again (the call may have gone through before the crash).
    pub async fn resume_unfinished(&self) -> Result<usize, StoreError> {
        let unfinished = self.inner.store.unfinished_actions().await?;
        let mut resumed = 0;
        for action in unfinished {
            let Ok(space) = SpaceId::parse(&action.space_id) else {
                continue;
            };
            if action.kind == "wake" {
                if self.claim(&space.key()) {
                    self.start_wake_resumed(action.id, space);
                    resumed += 1;
                }
                continue;
            }
            let Some(step) = RepairStep::parse(&action.kind) else {
                continue;
            };
            // Resumed work may exceed the cap for a moment: it was admitted before.
            let permit = match self.inner.repair_slots.clone().try_acquire_owned() {
                Ok(permit) => permit,
                Err(_) => self
                    .inner
                    .repair_slots
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| StoreError::Query(sqlx::Error::PoolClosed))?,
            };
            if !self.claim(&space.key()) {
                continue;
            }
            tracing::info!(space = %space, action = action.id, step = step.as_str(), "resuming an unfinished repair by polling");
            self.start_repair(RepairJob {
                action_id: action.id,
                space,
                step,
                manual: (action.trigger == "manual").then(|| action.actor.clone()),
                resume: true,
                _slot: permit,
            });
            resumed += 1;
        }
        Ok(resumed)
    }

    async fn run_ladder(&self, mut job: RepairJob) -> Result<RepairOutcome, StoreError> {
        let started = Instant::now();
        loop {
            let result = self.run_step(&job).await;
            let _guard = self.inner.state_lock.lock().await;
            let now = self.inner.clock.now();
            let mut tx = self.inner.store.begin().await?;
            let state = tx.space_state(&job.space).await?;
            let space = job.space.to_string();
            let mut events = Vec::new();
            let failure = match result {
                StepResult::Recovered => None,
                StepResult::StillBroken(why) => Some((why, false)),
                StepResult::CallFailed(why) => Some((why, true)),
            };
            let outcome = match failure {
                None => {
                    tx.finish_action(job.action_id, now, "recovered", None)
                        .await?;
                    let closed = tx
                        .close_incident(&job.space, now, &format!("fixed by {}", job.step.as_str()))
                        .await?;
                    let down_since = closed
                        .as_ref()
                        .map(|i| i.opened())
                        .or(state.as_ref().and_then(|s| s.memory.bad_since));
                    let announced = state
                        .as_ref()
                        .is_some_and(|s| s.memory.announced || job.manual.is_some());
                    tx.save_memory(&job.space, &resolved_memory()).await?;
                    tx.set_gave_up(&job.space, false).await?;
                    let mut event = AlertEvent::new(space.clone(), EventKind::Recovered, "up");
                    event.step = Some(step_name(job.step));
                    event.down_for_secs =
                        down_since.map(|since| (now - since).num_seconds().max(0) as u64);
                    if announced {
                        events.push(event);
                    }
                    RepairOutcome::Recovered {
                        step: job.step,
                        took: started.elapsed(),
                    }
                }
                Some((why, call_failed)) => {
                    let result_name = if call_failed {
                        "failed"
                    } else {
                        "still_broken"
                    };
                    tx.finish_action(job.action_id, now, result_name, Some(&why))
                        .await?;
                    let mut failed =
                        AlertEvent::new(space.clone(), EventKind::RepairFailed, "down");
                    failed.step = Some(step_name(job.step));
                    failed.detail = Some(why.clone());
                    events.push(failed);
                    let limits = &self.inner.config.space_settings.repair.limits;
                    let window =
                        chrono::Duration::from_std(limits.window).unwrap_or(chrono::Duration::MAX);
                    let recent = self
                        .inner
                        .store
                        .auto_repairs_since(&job.space, now - window)
                        .await?;
                    let next = match job.manual {
                        Some(_) => None,
                        None => next_step(job.step, &recent, now, limits),
                    };
                    match next {
                        Some(step) => {
                            let incident = state.as_ref().and_then(|s| s.incident_id);
                            let action_id = tx
                                .start_action(&NewAction {
                                    space: &job.space,
                                    kind: step.as_str(),
                                    trigger: "auto",
                                    actor: SELF_ACTOR,
                                    at: now,
                                    incident_id: incident,
                                })
                                .await?;
                            let mut repairing =
                                AlertEvent::new(space.clone(), EventKind::Repairing, "down");
                            repairing.step = Some(step_name(step));
                            events.push(repairing);
                            self.enqueue_unless_quiet(
                                &mut tx,
                                &job.space,
                                state.as_ref(),
                                events,
                                now,
                            )
                            .await?;
                            tx.commit().await?;
                            self.inner.outbox.wake();
                            job.action_id = action_id;
                            job.step = step;
                            job.resume = false;
                            continue;
                        }
                        None if job.manual.is_none() => {
                            tx.set_gave_up(&job.space, true).await?;
                            let mut gave_up =
                                AlertEvent::new(space.clone(), EventKind::GaveUp, "down");
                            gave_up.detail =
                                Some(format!("tried up to a factory rebuild; last: {why}"));
                            events.push(gave_up);
                        }
                        None => {}
                    }
                    if call_failed {
                        RepairOutcome::Failed {
                            step: job.step,
                            why,
                        }
                    } else {
                        RepairOutcome::StillBroken {
                            step: job.step,
                            why,
                        }
                    }
                }
            };
            self.enqueue_unless_quiet(&mut tx, &job.space, state.as_ref(), events, now)
                .await?;
            tx.commit().await?;
            self.inner.outbox.wake();
            return Ok(outcome);
        }
    }

    async fn enqueue_unless_quiet(
        &self,
        tx: &mut crate::store::StoreTx,
        space: &SpaceId,
        state: Option<&crate::store::SpaceState>,
        events: Vec<AlertEvent>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let policy = self.inner.config.space_settings.policy(space);
        let quiet = policy.in_maintenance(now) || state.is_some_and(|s| s.muted(now));
        if quiet {
            return Ok(());
        }
        self.inner
            .outbox
            .enqueue(tx, &Alert { at: now, events }, now)
            .await
    }

    /// Calls the Hub (unless resuming), waits for the runtime to settle, verifies.
    async fn run_step(&self, job: &RepairJob) -> StepResult {
        let token = self.inner.config.token_for(job.space.owner());
        if !job.resume {
            let factory = job.step == RepairStep::FactoryRebuild;
            match self.inner.hub.restart(&job.space, factory, token).await {
                Ok(_) => {
                    if let Err(e) = self.inner.store.mark_called(job.action_id).await {
                        tracing::warn!(error = %e, "cannot mark the repair as called");
                    }
                }
                Err(e) => return StepResult::CallFailed(e.to_string()),
            }
        }
        self.await_settled(&job.space).await
    }

    /// Polls the runtime until it leaves the intermediate stages (or the timeout), then
    /// probes the app: RUNNING with a failing app is not a recovery.
    pub(super) async fn await_settled(&self, space: &SpaceId) -> StepResult {
        let settings = &self.inner.config.space_settings.repair;
        let token = self.inner.config.token_for(space.owner());
        let deadline = Instant::now() + settings.timeout;
        let mut last = String::from("no runtime read yet");
        while Instant::now() < deadline {
            tokio::time::sleep(settings.poll_interval).await;
            let runtime = match self.inner.hub.runtime(space, token).await {
                Ok(runtime) => runtime,
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            if runtime.stage.is_intermediate() {
                last = format!("still {}", runtime.stage);
                continue;
            }
            if !runtime.stage.is_serving() {
                let error = runtime
                    .error_message
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                return StepResult::StillBroken(format!("now {}{error}", runtime.stage));
            }
            let state = self.inner.store.space_state(space).await.ok().flatten();
            let subdomain = runtime
                .domains
                .iter()
                .find_map(|d| d.strip_suffix(".hf.space").map(str::to_owned))
                .or(state.as_ref().and_then(|s| s.subdomain.clone()))
                .unwrap_or_else(|| space.derived_subdomain());
            let private = state.as_ref().and_then(|s| s.private) == Some(true);
            let probe = self.probe_app(space, &subdomain, private).await;
            if probe.ok {
                return StepResult::Recovered;
            }
            last = format!(
                "{} but {}",
                runtime.stage,
                probe
                    .failure
                    .unwrap_or_else(|| "the app does not answer".into())
            );
        }
        StepResult::StillBroken(format!(
            "not back within {}: {last}",
            crate::domain::format_duration(settings.timeout)
        ))
    }
}
