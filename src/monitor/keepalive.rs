//! Keep-alive: waking Spaces that fell asleep (a GET of the app URL, which is what
//! wakes a Space for a visitor; a restart for a paused Space when `wake_paused` is on),
//! verifying the wake by polling the runtime, and keeping spacewarden's own Space awake
//! when it runs on one (`SPACE_HOST`).
//!
//! Free cpu-basic Spaces sleep after 48 h without visitors. Every check probes a
//! serving app, which is a visit, so a watched serving Space does not fall asleep;
//! a Space that is already asleep is woken here.

use super::Monitor;
use super::act::resolved_memory;
use super::repair::StepResultView;
use crate::alerts::{AlertEvent, EventKind};
use crate::domain::SpaceId;
use crate::hub::ProbeRequest;
use crate::store::StoreError;

impl Monitor {
    pub(super) fn start_wake(&self, action_id: i64, space: SpaceId, via_restart: bool) {
        let monitor = self.clone();
        self.spawn(async move {
            let key = space.key();
            if let Err(e) = monitor
                .run_wake(action_id, &space, via_restart, false)
                .await
            {
                tracing::error!(space = %space, error = %e, "wake: store error");
            }
            monitor.release(&key);
        });
    }

    /// An admin's `/wake`: recorded with the actor, run like the keep-alive's wake.
    pub async fn request_wake(
        &self,
        space: &SpaceId,
        actor: &str,
    ) -> Result<(), super::RepairRefused> {
        if !self.claim(&space.key()) {
            return Err(super::RepairRefused::InFlight(space.to_string()));
        }
        let state = self.inner.store.space_state(space).await.ok().flatten();
        let via_restart = state.and_then(|s| s.stage) == Some(crate::domain::Stage::Paused);
        let action = crate::store::NewAction {
            space,
            kind: "wake",
            trigger: "manual",
            actor,
            at: self.inner.clock.now(),
            incident_id: None,
        };
        match self.inner.store.start_action(&action).await {
            Ok(action_id) => {
                self.start_wake(action_id, space.clone(), via_restart);
                Ok(())
            }
            Err(e) => {
                self.release(&space.key());
                Err(super::RepairRefused::Store(e.to_string()))
            }
        }
    }

    pub(super) fn start_wake_resumed(&self, action_id: i64, space: SpaceId) {
        let monitor = self.clone();
        self.spawn(async move {
            let key = space.key();
            if let Err(e) = monitor.run_wake(action_id, &space, false, true).await {
                tracing::error!(space = %space, error = %e, "wake: store error");
            }
            monitor.release(&key);
        });
    }

    async fn run_wake(
        &self,
        action_id: i64,
        space: &SpaceId,
        via_restart: bool,
        resume: bool,
    ) -> Result<(), StoreError> {
        let token = self.inner.config.token_for(space.owner());
        if !resume {
            let called = if via_restart {
                self.inner
                    .hub
                    .restart(space, false, token)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            } else {
                self.visit(space).await
            };
            match called {
                Ok(()) => self.inner.store.mark_called(action_id).await?,
                Err(why) => {
                    tracing::info!(space = %space, "wake request failed: {why}; checking the runtime anyway")
                }
            }
        }
        let settled = self.await_settled(space).await;
        let _guard = self.inner.state_lock.lock().await;
        let now = self.inner.clock.now();
        let mut tx = self.inner.store.begin().await?;
        let state = tx.space_state(space).await?;
        let (kind, result, detail) = match settled.view() {
            StepResultView::Recovered => (EventKind::Woken, "woken", None),
            StepResultView::Failed(why) => (EventKind::WakeFailed, "failed", Some(why)),
        };
        tx.finish_action(action_id, now, result, detail.as_deref())
            .await?;
        if kind == EventKind::Woken {
            tx.save_memory(space, &resolved_memory()).await?;
        }
        let policy = self.inner.config.space_settings.policy(space);
        let quiet = policy.in_maintenance(now) || state.as_ref().is_some_and(|s| s.muted(now));
        if !quiet {
            let mut event = AlertEvent::new(
                space.to_string(),
                kind,
                if kind == EventKind::Woken {
                    "up"
                } else {
                    "sleeping"
                },
            );
            event.detail = detail;
            self.inner
                .outbox
                .enqueue_events(&mut tx, vec![event], now)
                .await?;
        }
        tx.commit().await?;
        self.inner.outbox.wake();
        Ok(())
    }

    /// A GET of the app's front page, as a visitor would.
    async fn visit(&self, space: &SpaceId) -> Result<(), String> {
        let state = self.inner.store.space_state(space).await.ok().flatten();
        let subdomain = state
            .as_ref()
            .and_then(|s| s.subdomain.clone())
            .unwrap_or_else(|| space.derived_subdomain());
        let private = state.as_ref().and_then(|s| s.private) == Some(true);
        let request = ProbeRequest {
            url: format!(
                "{}/",
                self.inner.config.app_url_template.url_for(&subdomain)
            ),
            // Any answer means the request reached the Space; a sleeping one says 503.
            expected_status: (100..=599).collect(),
            keyword: None,
            timeout: std::time::Duration::from_secs(30),
        };
        let token = if private {
            self.inner.config.token_for(space.owner())
        } else {
            None
        };
        let outcome = self.inner.probe.probe(&request, token).await;
        match outcome.status {
            Some(_) => Ok(()),
            None => Err(outcome.failure.unwrap_or_else(|| "no answer".into())),
        }
    }

    /// Visits serving Spaces that have a sleep timer and were not visited for a quarter
    /// of it (12 h of the free tier's 48 h). Every check probes serving apps, so this
    /// only matters with a sparse `CHECK_SCHEDULE` or a failing probe path.
    pub async fn keep_alive_visits(&self) {
        let now = self.inner.clock.now();
        let states = match self.inner.store.space_states().await {
            Ok(states) => states,
            Err(e) => return tracing::warn!(error = %e, "keep-alive: cannot read Spaces"),
        };
        for state in states {
            let Some(timer) = state.gc_timeout else {
                continue;
            };
            let serving = state.stage.as_ref().is_some_and(|s| s.is_serving());
            let policy = self.inner.config.space_settings.policy(&state.space);
            let due = state.last_visit.is_none_or(|at| {
                (now - at).num_seconds() >= i64::try_from(timer / 4).unwrap_or(i64::MAX)
            });
            if !serving || !policy.keep_alive || !due {
                continue;
            }
            match self.visit(&state.space).await {
                Ok(()) => {
                    tracing::debug!(space = %state.space, "keep-alive visit");
                    if let Err(e) = self.inner.store.set_last_visit(&state.space, now).await {
                        tracing::warn!(error = %e, "keep-alive: cannot record the visit");
                    }
                }
                Err(why) => tracing::info!(space = %state.space, "keep-alive visit failed: {why}"),
            }
        }
    }

    /// When spacewarden itself runs on a Space (`SPACE_HOST`), a request to its own
    /// public URL counts as a visit and keeps it awake.
    pub async fn visit_self(&self) {
        let Some(host) = &self.inner.config.space_host else {
            return;
        };
        let request = ProbeRequest {
            url: format!("https://{host}/healthz"),
            expected_status: Vec::new(),
            keyword: None,
            timeout: std::time::Duration::from_secs(30),
        };
        let outcome = self.inner.probe.probe(&request, None).await;
        match outcome.status {
            Some(status) => tracing::debug!(status, "self keep-alive visit"),
            None => tracing::warn!(
                "self keep-alive visit failed: {}",
                outcome.failure.unwrap_or_default()
            ),
        }
    }
}
