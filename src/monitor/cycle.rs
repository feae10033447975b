//! One check cycle: list each owner once, probe the apps that serve, conclude a
//! verdict per Space, store everything in one transaction.

use std::collections::HashMap;

use futures_util::{StreamExt, stream};

use super::Monitor;
use super::owners::{Seen, SeenSpace, group_by_owner};
use crate::domain::{Observation, SpaceCheck, VerdictInput, WatchTarget, verdict};
use crate::store::{SpaceState, StoreError};

/// Logged once a cycle's results are stored (tests and benchmarks wait for it).
fn cycle_done(observations: &[Observation], started: std::time::Instant) {
    tracing::info!(
        spaces = observations.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "check cycle done"
    );
}

#[derive(Debug, thiserror::Error)]
pub enum CycleError {
    #[error("cannot store the results: {0}")]
    Store(#[from] StoreError),
}

impl Monitor {
    /// Checks `targets` once and stores the observations (what `spacewarden check`
    /// does: no alerts, no repairs). Returns them sorted by Space.
    pub async fn run_cycle(&self, targets: &[WatchTarget]) -> Result<Vec<Observation>, CycleError> {
        let started = std::time::Instant::now();
        let observations = self.check_unstored(targets).await?;
        self.inner.store.record(&observations).await?;
        let now = self.inner.clock.now();
        self.inner
            .store
            .note_cycle(now, self.inner.config.check_schedule.gap_deadline(now))
            .await?;
        cycle_done(&observations, started);
        Ok(observations)
    }

    /// What `run_cycle` finds, without storing it: `check` beside a daemon, which must
    /// see every change first (a change stored by `check` is one it never alerts on).
    pub async fn check_unstored(
        &self,
        targets: &[WatchTarget],
    ) -> Result<Vec<Observation>, CycleError> {
        let mut observations = self.observe(targets).await?;
        // `check` diagnoses afresh: it is run by hand or by cron to learn why.
        self.diagnose(&mut observations, None).await;
        Ok(observations)
    }

    /// One cycle of the daemon: observe, store, and act on what changed (alerts,
    /// incidents, repairs, wakes).
    pub async fn tick(&self, targets: &[WatchTarget]) -> Result<Vec<Observation>, CycleError> {
        let started = std::time::Instant::now();
        // Read once for the cycle's hints (the decisions read again, under the lock).
        let states = self.inner.store.space_state_map().await?;
        let mut observations = self.observe_with(targets, &states).await?;
        let tails = self.diagnose(&mut observations, Some(&states)).await;
        // From here to its take-in, readers get the figures of the cycle before.
        let in_cycle = self.aggregates().in_cycle();
        self.act(&observations, &tails).await?;
        self.refresh_aggregates().await;
        drop(in_cycle);
        cycle_done(&observations, started);
        Ok(observations)
    }

    /// Asks the Hub and probes the apps; stores nothing. Listing and probing overlap:
    /// each owner's Spaces go to the probes as soon as its list arrives, so one slow
    /// owner delays only its own Spaces (issue 25). Both halves run in this task, the
    /// listing half handing over through a channel, so neither waits for the other's
    /// buffer to drain.
    pub async fn observe(&self, targets: &[WatchTarget]) -> Result<Vec<Observation>, CycleError> {
        let states: HashMap<String, SpaceState> = self.inner.store.space_state_map().await?;
        self.observe_with(targets, &states).await
    }

    /// `observe` with the states already read (how long each Space is in its stage).
    async fn observe_with(
        &self,
        targets: &[WatchTarget],
        states: &HashMap<String, SpaceState>,
    ) -> Result<Vec<Observation>, CycleError> {
        let started = std::time::Instant::now();
        let (listed, arrived) = tokio::sync::mpsc::unbounded_channel::<Seen>();
        let list = async move {
            stream::iter(group_by_owner(targets))
                .map(|group| self.observe_owner(group))
                .buffer_unordered(self.inner.tuning.owner_concurrency.max(1))
                .for_each(|seen| {
                    for one in seen {
                        // The receiver lives until every sender is gone: never fails.
                        let _ = listed.send(one);
                    }
                    std::future::ready(())
                })
                .await;
            // Dropping the sender ends the probes' stream once it is drained.
            drop(listed);
        };
        let arrived = stream::unfold(arrived, |mut rx| async move {
            rx.recv().await.map(|seen| (seen, rx))
        });
        let probe = arrived
            .map(|seen| self.conclude(seen, states))
            .buffer_unordered(self.inner.tuning.probe_concurrency.max(1))
            .collect::<Vec<Observation>>();
        let ((), mut observations) = futures_util::future::join(list, probe).await;
        observations.sort_by_key(Observation::label);
        tracing::debug!(
            spaces = observations.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "observed"
        );
        Ok(observations)
    }

    /// Probes the app when the stage says it serves, then applies the verdict table.
    async fn conclude(&self, seen: Seen, states: &HashMap<String, SpaceState>) -> Observation {
        let now = self.inner.clock.now();
        let (space, result) = match seen {
            Seen::Space { space, result } => (space, result),
            Seen::Unlisted { owner, error } => {
                return Observation::unlisted(owner, now, (&error).into());
            }
        };
        let seen_space = match result {
            Ok(seen_space) => seen_space,
            Err(error) => return SpaceCheck::unread(space, now, (&error).into()).into(),
        };
        let SeenSpace {
            runtime,
            subdomain,
            private,
            revision,
        } = seen_space;
        let subdomain = subdomain.or_else(|| Some(space.derived_subdomain()));
        // Sleeping, paused and broken Spaces are not probed: a GET would wake a
        // sleeping Space, and waking is the keep-alive's decision, not the check's.
        let probe = match &subdomain {
            Some(subdomain) if runtime.stage.is_serving() => Some(
                self.probe_app(&space, subdomain, private == Some(true))
                    .await,
            ),
            _ => None,
        };
        let in_stage_for = states
            .get(&space.key())
            .filter(|state| state.stage.as_ref() == Some(&runtime.stage))
            .and_then(|state| state.stage_since)
            .and_then(|since| (now - since).to_std().ok())
            .unwrap_or_default();
        let verdict = verdict(VerdictInput {
            stage: Some(&runtime.stage),
            probe_ok: probe.as_ref().map(|p| p.ok),
            in_stage_for,
            start_grace: self.settings().repair.start_grace,
        });
        let probe_failure = probe.as_ref().and_then(|p| p.failure.clone());
        SpaceCheck {
            hardware: runtime.hardware,
            requested_hardware: runtime.requested_hardware,
            error: runtime.error_message.or(probe_failure),
            probe,
            subdomain,
            gc_timeout: runtime.gc_timeout,
            private,
            revision,
            ..SpaceCheck::new(space, now, runtime.stage, verdict)
        }
        .into()
    }
}
