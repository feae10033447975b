//! The repair ladder: run a step (restart or factory rebuild) through the attempt
//! lifecycle, then record the result and either announce the recovery, climb to the
//! next rung, or give up. The same path serves automatic repairs, admins' `/restart`
//! and `/rebuild` (chat, buttons, API, page, CLI), and attempts resumed after a
//! restart of spacewarden (by polling only).

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::attempt::{ActionRefused, Admitted, Call, Settled};
use super::{Claim, Monitor};
use crate::alerts::{Advice, AlertEvent, EventKind, Note};
use crate::domain::{
    ActionActor, ActionKind, ActionTrigger, AlertMemory, Cause, Ladder, RepairStep, SpaceId,
    Verdict, WhenExhausted, next_step, time,
};
use crate::store::{NewAction, SpaceState, StoreError, StoreTx};

/// One rung to run.
struct Job {
    action_id: i64,
    space: SpaceId,
    step: RepairStep,
    /// The cause's ladder and how many of its steps came before this one.
    ladder: Ladder,
    done: usize,
    /// Why the Space is down, for the advice in the final alert.
    cause: Option<Cause>,
    /// `Some(actor)` for someone's request: one step, no ladder.
    manual: Option<ActionActor>,
    /// Resumed after a restart of spacewarden: poll only, never call the Hub again.
    resume: bool,
    /// The claim (and, for automatic repairs, a slot of the cap), held for the whole
    /// ladder and released on drop.
    _claim: Claim,
    _slot: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// How a repair ended, for whoever asked for it.
#[derive(Debug, Clone, PartialEq)]
pub enum RepairOutcome {
    Recovered { step: RepairStep, took: Duration },
    StillBroken { step: RepairStep, why: String },
    Failed { step: RepairStep, why: String },
}

/// An action someone asked for, recorded and running.
pub struct Started<T> {
    pub action_id: i64,
    /// Resolves when it ends (dropped when spacewarden stops first).
    pub outcome: oneshot::Receiver<T>,
}

/// What one step saw.
enum StepResult {
    Recovered,
    StillBroken(String),
    CallFailed(String),
}

/// A step that did not recover the Space: why, and whether the Hub call itself failed.
struct Failed {
    why: String,
    call_failed: bool,
}

/// The memory after a repair or wake brought a Space back.
pub(super) fn resolved_memory() -> AlertMemory {
    AlertMemory {
        good_streak: 1,
        ..AlertMemory::default()
    }
}

impl Monitor {
    /// Starts the ladder of an automatic repair whose action row is written.
    pub(super) fn start_ladder(
        &self,
        space: SpaceId,
        step: RepairStep,
        cause: Option<Cause>,
        action_id: i64,
        admitted: Admitted,
    ) {
        let ladder = self
            .settings()
            .causes
            .ladders
            .for_cause(cause.as_ref().map(|c| c.code));
        let done = position(&ladder, step);
        self.run_job(
            Job {
                action_id,
                space,
                step,
                ladder,
                done,
                cause,
                manual: None,
                resume: false,
                _claim: admitted.claim,
                _slot: admitted.slot,
            },
            None,
        );
    }

    fn run_job(&self, job: Job, done: Option<oneshot::Sender<RepairOutcome>>) {
        let monitor = self.clone();
        self.spawn("repair", async move {
            let space = job.space.clone();
            match monitor.run_ladder(job).await {
                Ok(outcome) => {
                    if let Some(done) = done {
                        let _ = done.send(outcome);
                    }
                }
                Err(e) => tracing::error!(
                    space = %space,
                    error = %e,
                    "repair: store error; the attempt is resumed on the next start"
                ),
            }
        });
    }

    /// Someone's restart or rebuild (chat, button, API, page, CLI): recorded and
    /// audited with the actor, then run in the background like an automatic repair.
    /// Only the one-repair-per-Space rule applies, never the global cap. The receiver
    /// gets the outcome.
    pub async fn request_repair(
        &self,
        space: &SpaceId,
        step: RepairStep,
        actor: &ActionActor,
    ) -> Result<Started<RepairOutcome>, ActionRefused> {
        let note = Note::RequestedBy {
            actor: actor.to_string(),
        };
        let (action_id, claim) = self
            .record_manual(space, step.into(), actor, |state| {
                // The verdict the Space has now: a restart of a Space that is up is
                // not a repair of a "down" one.
                let verdict = state.map_or(Verdict::Down, |s| s.verdict);
                vec![
                    AlertEvent::new(space.clone(), EventKind::Repairing, verdict)
                        .with_step(step)
                        .with_note(note),
                ]
            })
            .await?;
        let (done, receiver) = oneshot::channel();
        self.run_job(
            Job {
                action_id,
                space: space.clone(),
                step,
                ladder: Ladder::standard(),
                done: 0,
                cause: None,
                manual: Some(actor.clone()),
                resume: false,
                _claim: claim,
                _slot: None,
            },
            Some(done),
        );
        Ok(Started {
            action_id,
            outcome: receiver,
        })
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
            let Some(claim) = self.claim(&space) else {
                continue;
            };
            let step = match action.kind {
                ActionKind::Wake => {
                    self.resume_wake(space, action.id, claim);
                    resumed += 1;
                    continue;
                }
                ActionKind::Restart => RepairStep::Restart,
                ActionKind::Rebuild => RepairStep::FactoryRebuild,
                // Pauses and sleep times have nothing to poll; another version's
                // kinds are its own to resume.
                ActionKind::Pause | ActionKind::SleepTime | ActionKind::Other(_) => continue,
            };
            tracing::info!(space = %space, action = action.id, step = step.as_str(), "resuming an unfinished repair by polling");
            let manual = (action.trigger == ActionTrigger::Manual).then_some(action.actor);
            // Resumed work was admitted before; it takes a slot of the cap when one
            // is free and runs without one otherwise.
            let slot = match manual {
                Some(_) => None,
                None => self.inner.repair_slots.clone().try_acquire_owned().ok(),
            };
            // The ladder of the cause stored when it went down.
            let cause = self
                .inner
                .store
                .space_state(&space)
                .await?
                .and_then(|s| s.cause);
            let ladder = self
                .settings()
                .causes
                .ladders
                .for_cause(cause.as_ref().map(|c| c.code));
            let done = position(&ladder, step);
            self.run_job(
                Job {
                    action_id: action.id,
                    space,
                    step,
                    ladder,
                    done,
                    cause,
                    manual,
                    resume: true,
                    _claim: claim,
                    _slot: slot,
                },
                None,
            );
            resumed += 1;
        }
        Ok(resumed)
    }

    async fn run_ladder(&self, mut job: Job) -> Result<RepairOutcome, StoreError> {
        let started = tokio::time::Instant::now();
        loop {
            let result = self.run_step(&job).await;
            let _guard = self.inner.state_lock.lock().await;
            let now = self.inner.clock.now();
            // Reads first: nothing touches the pool once the transaction is open.
            let state = self.inner.store.space_state(&job.space).await?;
            let (why, call_failed) = match result {
                StepResult::Recovered => {
                    self.record_recovery(&job, state.as_ref(), now).await?;
                    return Ok(RepairOutcome::Recovered {
                        step: job.step,
                        took: started.elapsed(),
                    });
                }
                StepResult::StillBroken(why) => (why, false),
                StepResult::CallFailed(why) => (why, true),
            };
            let failed = Failed { why, call_failed };
            if let Some((action_id, step)) = self
                .record_failure(&job, state.as_ref(), now, &failed)
                .await?
            {
                job.action_id = action_id;
                job.step = step;
                job.done += 1;
                job.resume = false;
                continue;
            }
            let (step, why) = (job.step, failed.why);
            return Ok(if failed.call_failed {
                RepairOutcome::Failed { step, why }
            } else {
                RepairOutcome::StillBroken { step, why }
            });
        }
    }

    /// The step worked: the action, the incident and the memory close in one
    /// transaction, with a `Recovered` event when the outage was announced (or asked for).
    async fn record_recovery(
        &self,
        job: &Job,
        state: Option<&SpaceState>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let space = &job.space;
        let mut tx = self.inner.store.begin().await?;
        tx.finish_action(job.action_id, now, "recovered", None)
            .await?;
        let closed = tx
            .close_incident(space, now, &super::resolution::fixed_by(job.step))
            .await?;
        let down_since = closed
            .as_ref()
            .map(|i| i.opened())
            .or(state.and_then(|s| s.memory.bad_since));
        // A person's request is always answered, even for a Space no check has stored
        // yet (a workflow's `spacewarden restart` on a fresh database): they saw the
        // "repairing" alert and wait for its end.
        let announced = job.manual.is_some() || state.is_some_and(|s| s.memory.announced);
        tx.save_memory(space, &resolved_memory()).await?;
        tx.set_gave_up(space, false).await?;
        let mut events = Vec::new();
        if announced {
            let mut event = AlertEvent::new(space.clone(), EventKind::Recovered, Verdict::Up)
                .with_step(job.step);
            event.down_for_secs = down_since.map(|since| time::elapsed(since, now).as_secs());
            events.push(event);
        }
        self.enqueue_unless_quiet(&mut tx, space, state, events, now)
            .await?;
        tx.commit().await?;
        self.inner.outbox.wake();
        Ok(())
    }

    /// The step failed: the action closes, then the ladder climbs to its next rung
    /// (returned: the new action and its step), or ends (gives up unless it was a
    /// request or the ladder retries later). One transaction either way.
    async fn record_failure(
        &self,
        job: &Job,
        state: Option<&SpaceState>,
        now: DateTime<Utc>,
        failed: &Failed,
    ) -> Result<Option<(i64, RepairStep)>, StoreError> {
        let limits = &self.settings().repair.limits;
        let recent = self
            .inner
            .store
            .auto_repairs_since(&job.space, time::before(now, limits.window))
            .await?;
        let next = match job.manual {
            Some(_) => None,
            None => next_step(&job.ladder, job.done + 1, &recent, now, limits),
        };
        let retry_later =
            next.is_none() && job.manual.is_none() && job.ladder.then == WhenExhausted::RetryLater;
        let advice = job
            .cause
            .as_ref()
            .map(|c| Advice::of(&self.settings().causes.table, c.code));
        let mut tx = self.inner.store.begin().await?;
        let why = &failed.why;
        let result_name = if failed.call_failed {
            "failed"
        } else {
            "still_broken"
        };
        tx.finish_action(job.action_id, now, result_name, Some(why))
            .await?;
        let failed_note = Note::Failed {
            why: why.clone(),
            tried: None,
            advice: advice.clone().filter(|_| retry_later),
        };
        let mut events = vec![
            AlertEvent::new(job.space.clone(), EventKind::RepairFailed, Verdict::Down)
                .with_step(job.step)
                .with_cause(job.cause.clone())
                .with_note(failed_note),
        ];
        let climbed = match next {
            Some(step) => Some((
                self.climb(&mut tx, job, state, now, step, &mut events)
                    .await?,
                step,
            )),
            None => {
                if job.manual.is_none() && !retry_later {
                    tx.set_gave_up(&job.space, true).await?;
                    events.push(gave_up(job, why, advice));
                }
                None
            }
        };
        self.enqueue_unless_quiet(&mut tx, &job.space, state, events, now)
            .await?;
        tx.commit().await?;
        self.inner.outbox.wake();
        Ok(climbed)
    }

    /// The next rung's action row and its `Repairing` event, in the failure's transaction.
    async fn climb(
        &self,
        tx: &mut StoreTx,
        job: &Job,
        state: Option<&SpaceState>,
        now: DateTime<Utc>,
        step: RepairStep,
        events: &mut Vec<AlertEvent>,
    ) -> Result<i64, StoreError> {
        let action_id = tx
            .start_action(&NewAction {
                space: &job.space,
                kind: step.into(),
                trigger: ActionTrigger::Auto,
                actor: self.inner.actor.clone(),
                at: now,
                incident_id: state.and_then(|s| s.incident_id),
            })
            .await?;
        events.push(
            AlertEvent::new(job.space.clone(), EventKind::Repairing, Verdict::Down).with_step(step),
        );
        Ok(action_id)
    }

    /// Calls the Hub (unless resuming), waits for the runtime to settle, verifies.
    async fn run_step(&self, job: &Job) -> StepResult {
        if !job.resume {
            let factory = job.step == RepairStep::FactoryRebuild;
            if let Err(why) = self
                .call(&job.space, job.action_id, Call::Restart { factory })
                .await
            {
                return StepResult::CallFailed(why.to_string());
            }
        }
        match self.await_settled(&job.space).await {
            Settled::Recovered => StepResult::Recovered,
            Settled::StillBroken(why) => StepResult::StillBroken(why),
        }
    }
}

/// The `GaveUp` event once the ladder is exhausted: what was tried, the last failure
/// and the cause's advice.
fn gave_up(job: &Job, why: &str, advice: Option<Advice>) -> AlertEvent {
    AlertEvent::new(job.space.clone(), EventKind::GaveUp, Verdict::Down)
        .with_cause(job.cause.clone())
        .with_note(Note::Failed {
            why: why.to_owned(),
            tried: Some(job.ladder.steps.clone()),
            advice,
        })
}

/// How many steps of `ladder` come before `step` (its length when the ladder has no
/// such step: then nothing follows it).
fn position(ladder: &Ladder, step: RepairStep) -> usize {
    ladder
        .steps
        .iter()
        .position(|s| *s == step)
        .unwrap_or(ladder.steps.len())
}
