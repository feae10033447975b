//! One attempt's lifecycle, shared by repairs, wakes and pauses: the claim on the
//! Space (one action per Space at a time), the action row written before the Hub is
//! called, the call (marked `called` once accepted), waiting for the runtime to
//! settle, and the quiet check that decides whether its outcome is announced.
//! The ladder (`repair`), the keep-alive (`keepalive`) and admins' requests use it.

use chrono::{DateTime, Utc};
use tokio::sync::OwnedSemaphorePermit;

use super::{Claim, Monitor};
use crate::alerts::{Alert, AlertEvent};
use crate::domain::{ActionActor, ActionKind, ActionTrigger, Reason, SpaceId, format_duration};
use crate::hub::{HubError, SpaceRuntime};
use crate::store::{NewAction, SpaceState, StoreError, StoreTx};
use crate::telemetry::ErrorRef;

/// Why an action someone asked for was not started.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActionRefused {
    #[error("{0} is already being repaired; wait for that to finish")]
    InFlight(SpaceId),
    /// The Hub would not do it for this Space; the sentence says why.
    #[error("{0}")]
    Unsupported(String),
    /// The store could not record it; the cause is in the log under the reference.
    #[error("{}", .0.sentence())]
    Internal(ErrorRef),
}

/// What an automatic attempt holds while it runs; both are released on drop, also
/// when its task panics.
pub(super) struct Admitted {
    pub claim: Claim,
    /// A slot of the global cap on automatic repairs (`None` for wakes).
    pub slot: Option<OwnedSemaphorePermit>,
}

/// The Hub call an attempt makes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Call {
    Restart {
        factory: bool,
    },
    Pause,
    /// `POST /sleeptime` with these seconds (-1: never).
    SleepTime(i64),
    /// A GET of the app, as a visitor.
    Visit,
}

/// Why an attempt's call failed, in words for users: the Hub's own text goes to the
/// log under the reference.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallFailed {
    /// The Hub refused or failed: its summary, and the reference of the full error.
    #[error("{summary} (ref {reference})")]
    Hub {
        summary: String,
        reference: ErrorRef,
    },
    /// A visit reached no app: the probe's reason.
    #[error("{0}")]
    Unreached(String),
}

/// What waiting for the runtime found.
pub(super) enum Settled {
    Recovered,
    StillBroken(String),
}

impl Monitor {
    /// Claims `space` and records an attempt someone asked for, with `events`, in one
    /// short transaction. No global cap: an admin's explicit request never waits
    /// behind automatic repairs (DESIGN.md "Supervision").
    pub(super) async fn record_manual(
        &self,
        space: &SpaceId,
        kind: ActionKind,
        actor: &ActionActor,
        events: impl FnOnce(Option<&SpaceState>) -> Vec<AlertEvent>,
    ) -> Result<(i64, Claim), ActionRefused> {
        let claim = self
            .claim(space)
            .ok_or_else(|| ActionRefused::InFlight(space.clone()))?;
        let _guard = self.inner.state_lock.lock().await;
        let now = self.inner.clock.now();
        let recorded = async {
            let state = self.inner.store.space_state(space).await?;
            let incident = state.as_ref().and_then(|s| s.incident_id);
            let events = events(state.as_ref());
            let mut tx = self.inner.store.begin().await?;
            let action_id = tx
                .start_action(&NewAction {
                    space,
                    kind: kind.clone(),
                    trigger: ActionTrigger::Manual,
                    actor: actor.clone(),
                    at: now,
                    incident_id: incident,
                })
                .await?;
            self.enqueue_unless_quiet(&mut tx, space, state.as_ref(), events, now)
                .await?;
            tx.commit().await?;
            Ok::<i64, StoreError>(action_id)
        }
        .await;
        match recorded {
            Ok(action_id) => {
                self.inner.outbox.wake();
                Ok((action_id, claim))
            }
            Err(e) => Err(ActionRefused::Internal(ErrorRef::log(
                &format!("cannot record the {kind} of {space} asked by {actor}"),
                &e,
            ))),
        }
    }

    /// Makes the call of an attempt whose row is written; marks the row `called` once
    /// the Hub accepted it. The error is a sentence for users (the Hub's own text
    /// goes to the log under its reference).
    pub(super) async fn call(
        &self,
        space: &SpaceId,
        action_id: i64,
        call: Call,
    ) -> Result<Option<SpaceRuntime>, CallFailed> {
        let token = self.inner.config.token_for(space.owner());
        let hub = &self.inner.hub;
        let result = match call {
            Call::Restart { factory } => hub.restart(space, factory, token).await,
            Call::Pause => hub.pause(space, token).await,
            Call::SleepTime(seconds) => hub.set_sleep_time(space, seconds, token).await,
            Call::Visit => return self.visit(space).await.map(|()| None),
        };
        match result {
            Ok(runtime) => {
                if let Err(e) = self.inner.store.mark_called(action_id).await {
                    tracing::warn!(space = %space, error = %e, "cannot mark the action as called");
                }
                Ok(Some(runtime))
            }
            Err(e) => Err(hub_failure(space, &e)),
        }
    }

    /// Polls the runtime until it leaves the intermediate stages (or the timeout),
    /// then probes the app: RUNNING with a failing app is not a recovery.
    pub(super) async fn await_settled(&self, space: &SpaceId) -> Settled {
        let settings = &self.settings().repair;
        let token = self.inner.config.token_for(space.owner());
        let deadline = tokio::time::Instant::now() + settings.timeout;
        // The reasons are stored as `Reason`'s English words and read back for people.
        let mut last = Reason::NoRuntimeYet;
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(settings.poll_interval).await;
            let runtime = match self.inner.hub.runtime(space, token).await {
                Ok(runtime) => runtime,
                Err(e) => {
                    last = Reason::Hub(e.trouble());
                    continue;
                }
            };
            if runtime.stage.is_intermediate() {
                last = Reason::Still(runtime.stage.to_string());
                continue;
            }
            if !runtime.stage.is_serving() {
                return Settled::StillBroken(
                    Reason::Now {
                        stage: runtime.stage.to_string(),
                        error: runtime.error_message,
                    }
                    .to_string(),
                );
            }
            let (subdomain, private) = self.app_of(space, runtime.subdomain()).await;
            let probe = self.probe_app(space, &subdomain, private).await;
            if probe.ok {
                return Settled::Recovered;
            }
            last = Reason::ServingBut {
                stage: runtime.stage.to_string(),
                probe: Box::new(
                    probe
                        .failure
                        .map_or(Reason::AppSilent, |f| Reason::parse(&f)),
                ),
            };
        }
        Settled::StillBroken(
            Reason::NotBackWithin {
                within: format_duration(settings.timeout),
                last: Box::new(last),
            }
            .to_string(),
        )
    }

    /// Whether alerts about `space` are held now: muted, or in a maintenance window.
    pub(super) fn is_quiet(
        &self,
        space: &SpaceId,
        state: Option<&SpaceState>,
        now: DateTime<Utc>,
    ) -> bool {
        let settings = self.settings();
        let policy = settings.policy(space);
        policy.in_maintenance(now) || state.is_some_and(|s| s.muted(now))
    }

    /// Writes `events` into the outbox unless the Space is quiet.
    pub(super) async fn enqueue_unless_quiet(
        &self,
        tx: &mut StoreTx,
        space: &SpaceId,
        state: Option<&SpaceState>,
        events: Vec<AlertEvent>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if self.is_quiet(space, state, now) {
            return Ok(());
        }
        self.inner
            .outbox
            .enqueue(tx, &Alert::of(now, events), now)
            .await
    }
}

/// A failed Hub call as users see it: our sentence and a reference; the whole error
/// in the log under that reference.
fn hub_failure(space: &SpaceId, error: &HubError) -> CallFailed {
    let reference = ErrorRef::log(&format!("Hub call for {space} failed"), error);
    CallFailed::Hub {
        summary: error.summary(),
        reference,
    }
}
