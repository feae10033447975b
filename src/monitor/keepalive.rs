//! Keep-alive and the owner's switches: waking Spaces that fell asleep (a GET of the
//! app URL, which is what wakes a Space for a visitor; a restart for a paused Space
//! when `wake_paused` is on), verifying the wake by polling the runtime, periodic
//! visits, and an admin's `/wake` and `/pause`. Every one of them goes through the
//! attempt lifecycle: claim, action row, call, settle.
//!
//! Free cpu-basic Spaces sleep after 48 h without visitors. Every check probes a
//! serving app, which is a visit, so a watched serving Space does not fall asleep;
//! a Space that is already asleep is woken here.

use super::attempt::{ActionRefused, Call, CallFailed, Settled};
use super::repair::resolved_memory;
use super::{Claim, Monitor};
use crate::alerts::{AlertEvent, EventKind, Note};
use crate::domain::{ActionActor, ActionKind, SpaceId, Stage, Verdict};
use crate::hub::SpaceRuntime;
use crate::store::StoreError;

/// Which outcomes of a wake are alerted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announce {
    Always,
    Failure,
}

impl Monitor {
    pub(super) fn start_wake(
        &self,
        space: SpaceId,
        action_id: i64,
        via_restart: bool,
        claim: Claim,
    ) {
        let call = if via_restart {
            Call::Restart { factory: false }
        } else {
            Call::Visit
        };
        self.spawn_wake(space, action_id, Some(call), claim, Announce::Always);
    }

    /// The restart an awake window asks for at its start: verified like any wake, but
    /// a success is what the owner scheduled, so only a failure is announced.
    pub(super) fn start_scheduled_wake(&self, space: SpaceId, action_id: i64, claim: Claim) {
        let call = Call::Restart { factory: false };
        self.spawn_wake(space, action_id, Some(call), claim, Announce::Failure);
    }

    /// A wake a previous run left unfinished: poll only.
    pub(super) fn resume_wake(&self, space: SpaceId, action_id: i64, claim: Claim) {
        self.spawn_wake(space, action_id, None, claim, Announce::Always);
    }

    fn spawn_wake(
        &self,
        space: SpaceId,
        action_id: i64,
        call: Option<Call>,
        claim: Claim,
        announce: Announce,
    ) {
        let monitor = self.clone();
        self.spawn("wake", async move {
            let _claim = claim;
            if let Err(e) = monitor.run_wake(&space, action_id, call, announce).await {
                tracing::error!(space = %space, error = %e, "wake: store error");
            }
        });
    }

    /// An admin's `/wake`: recorded with the actor, run like the keep-alive's wake.
    pub async fn request_wake(
        &self,
        space: &SpaceId,
        actor: &ActionActor,
    ) -> Result<i64, ActionRefused> {
        // A pause of ours since the last check (an awake window's, an admin's) is not in
        // the stored stage yet: it needs a restart, not a visit.
        let paused_by_us = self
            .inner
            .store
            .last_switch_of(space)
            .await
            .ok()
            .flatten()
            .is_some_and(|kind| kind == ActionKind::Pause);
        let mut paused = paused_by_us;
        let (action_id, claim) = self
            .record_manual(space, ActionKind::Wake, actor, |state| {
                paused |= state.and_then(|s| s.stage.as_ref()) == Some(&Stage::Paused);
                Vec::new()
            })
            .await?;
        self.start_wake(space.clone(), action_id, paused, claim);
        Ok(action_id)
    }

    /// An admin's `/pause`: under the Space's claim like every action, so it never
    /// races a repair. Returns the stage the Hub reports, or a sentence for users.
    pub async fn request_pause(
        &self,
        space: &SpaceId,
        actor: &ActionActor,
    ) -> Result<(i64, Result<Stage, CallFailed>), ActionRefused> {
        let (action_id, _claim) = self
            .record_manual(space, ActionKind::Pause, actor, |_| Vec::new())
            .await?;
        let called = self.call_and_record(space, action_id, Call::Pause).await;
        Ok((
            action_id,
            called.map(|runtime| runtime.map_or(Stage::Paused, |r| r.stage)),
        ))
    }

    /// The pause an awake window asks for (outside every window): the action row is
    /// written; call, then record the result.
    pub(super) fn start_scheduled_pause(&self, space: SpaceId, action_id: i64, claim: Claim) {
        let monitor = self.clone();
        self.spawn("pause", async move {
            let _claim = claim;
            let called = monitor
                .call_and_record(&space, action_id, Call::Pause)
                .await;
            if let Err(why) = &called {
                tracing::warn!(space = %space, "scheduled pause failed: {why}");
            }
        });
    }

    /// One Hub call for the action row `action_id`, then the row finished with its
    /// result (`done` or `failed` with the reason): pause and sleep time, which have
    /// nothing to poll afterwards.
    async fn call_and_record(
        &self,
        space: &SpaceId,
        action_id: i64,
        call: Call,
    ) -> Result<Option<SpaceRuntime>, CallFailed> {
        let what = match &call {
            Call::Pause => "pause",
            Call::SleepTime(_) => "sleep time",
            _ => "action",
        };
        let called = self.call(space, action_id, call).await;
        let (result, detail) = match &called {
            Ok(_) => ("done", None),
            Err(why) => ("failed", Some(why.to_string())),
        };
        let now = self.inner.clock.now();
        if let Err(e) = self
            .inner
            .store
            .finish_action(action_id, now, result, detail.as_deref())
            .await
        {
            tracing::error!(space = %space, error = %e, "cannot record the {what}");
        }
        called
    }

    /// An admin's `/sleeptime`: idle this long before sleeping (`None`: never), under
    /// the Space's claim. On cpu-basic the Hub fixes it at 48 h: refused before asking.
    pub async fn request_sleep_time(
        &self,
        space: &SpaceId,
        after: Option<std::time::Duration>,
        actor: &ActionActor,
    ) -> Result<(i64, Result<Option<u64>, CallFailed>), ActionRefused> {
        let hardware = self
            .inner
            .store
            .space_state(space)
            .await
            .ok()
            .flatten()
            .and_then(|s| s.hardware);
        if hardware.as_deref() == Some("cpu-basic") {
            return Err(ActionRefused::Unsupported(format!(
                "{space} runs on cpu-basic, where Hugging Face fixes the sleep time at 48 h; \
                 upgrade its hardware to change it."
            )));
        }
        let seconds = after.map_or(-1, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let (action_id, _claim) = self
            .record_manual(space, ActionKind::SleepTime, actor, |_| Vec::new())
            .await?;
        let called = self
            .call_and_record(space, action_id, Call::SleepTime(seconds))
            .await;
        Ok((
            action_id,
            called.map(|runtime| runtime.and_then(|r| r.gc_timeout)),
        ))
    }

    async fn run_wake(
        &self,
        space: &SpaceId,
        action_id: i64,
        call: Option<Call>,
        announce: Announce,
    ) -> Result<(), StoreError> {
        if let Some(call) = call
            && let Err(why) = self.call(space, action_id, call).await
        {
            tracing::info!(space = %space, "wake request failed: {why}; checking the runtime anyway");
        }
        let settled = self.await_settled(space).await;
        let _guard = self.inner.state_lock.lock().await;
        let now = self.inner.clock.now();
        let state = self.inner.store.space_state(space).await?;
        let mut tx = self.inner.store.begin().await?;
        let event = match settled {
            Settled::Recovered => {
                tx.finish_action(action_id, now, "woken", None).await?;
                tx.save_memory(space, &resolved_memory()).await?;
                AlertEvent::new(space.clone(), EventKind::Woken, Verdict::Up)
            }
            Settled::StillBroken(why) => {
                tx.finish_action(action_id, now, "failed", Some(&why))
                    .await?;
                AlertEvent::new(space.clone(), EventKind::WakeFailed, Verdict::Sleeping).with_note(
                    Note::Failed {
                        why,
                        tried: None,
                        advice: None,
                    },
                )
            }
        };
        let events = match (announce, event.kind) {
            (Announce::Failure, EventKind::Woken) => Vec::new(),
            _ => vec![event],
        };
        self.enqueue_unless_quiet(&mut tx, space, state.as_ref(), events, now)
            .await?;
        tx.commit().await?;
        self.inner.outbox.wake();
        Ok(())
    }

    /// Visits serving Spaces that have a sleep timer and were not visited for a quarter
    /// of it (12 h of the free tier's 48 h). Every check probes serving apps, so this
    /// only matters with a sparse `CHECK_SCHEDULE` or a failing probe path. The visits
    /// are recorded together at the end, a statement per 100 Spaces (issue 25).
    pub async fn keep_alive_visits(&self) {
        let now = self.inner.clock.now();
        let states = match self.inner.store.space_states().await {
            Ok(states) => states,
            Err(e) => return tracing::warn!(error = %e, "keep-alive: cannot read Spaces"),
        };
        let settings = self.settings();
        let mut visited = Vec::new();
        for state in states {
            let Some(timer) = state.gc_timeout else {
                continue;
            };
            let serving = state.stage.as_ref().is_some_and(|s| s.is_serving());
            let policy = settings.policy(&state.space);
            let due = state
                .last_visit
                .is_none_or(|at| crate::domain::time::elapsed(at, now).as_secs() >= timer / 4);
            if !serving || !policy.keep_alive || !due || !self.watches(&state.space) {
                continue;
            }
            match self.visit(&state.space).await {
                Ok(()) => {
                    tracing::debug!(space = %state.space, "keep-alive visit");
                    visited.push(state.space);
                }
                Err(why) => tracing::info!(space = %state.space, "keep-alive visit failed: {why}"),
            }
        }
        if let Err(e) = self.inner.store.set_last_visits(&visited, now).await {
            tracing::warn!(error = %e, "keep-alive: cannot record the visits");
        }
    }
}
