//! The hourly chores, each a supervised part of its own so a failure in one never
//! stops the checks: pruning history beyond its windows (then an incremental vacuum),
//! and the keep-alive's visits (watched Spaces near their sleep timer, and
//! spacewarden's own Space when it runs on one).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Monitor;
use crate::domain::time;

/// How often the chores run. The first run comes right after start.
const EVERY: Duration = Duration::from_secs(3600);
/// Hourly roll-ups serve the 24 h figures and day pages: 90 days is plenty.
const HOURLY_KEPT: Duration = Duration::from_secs(90 * 86_400);

impl Monitor {
    /// Prunes history on a timer until `cancel`.
    pub async fn run_housekeeping(
        &self,
        cancel: CancellationToken,
    ) -> crate::supervise::PartResult {
        every(EVERY, cancel, || self.prune_history()).await;
        Ok(())
    }

    /// Keep-alive visits on a timer until `cancel`.
    pub async fn run_keep_alive(&self, cancel: CancellationToken) -> crate::supervise::PartResult {
        every(EVERY, cancel, || async {
            self.keep_alive_visits().await;
            self.visit_self().await;
            self.daily_savings().await;
        })
        .await;
        Ok(())
    }

    /// Prunes raw checks, roll-ups, incidents and actions beyond their windows.
    pub async fn prune_history(&self) {
        let history = &self.settings().history;
        let now = self.now();
        let hourly = history.retention.min(HOURLY_KEPT).max(history.raw);
        let store = &self.inner.store;
        match store
            .prune(
                time::before(now, history.raw),
                time::before(now, hourly),
                time::before(now, history.retention),
            )
            .await
        {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(rows = n, "pruned raw checks beyond the history window");
                if let Err(e) = store.vacuum().await {
                    tracing::warn!(error = %e, "incremental vacuum failed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
    }

    /// Both chores once (tests, benchmarks).
    pub async fn housekeeping(&self) {
        self.prune_history().await;
        self.keep_alive_visits().await;
        self.visit_self().await;
    }
}

/// Runs `chore` every `period` until `cancel`; a chore cannot fail (it logs what went
/// wrong and tries again next time).
async fn every<F, Fut>(period: Duration, cancel: CancellationToken, mut chore: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = ticks.tick() => {}
        }
        // A chore loops over every Space (a visit each, a prune of every table): it is
        // dropped at shutdown rather than awaited. What it leaves is safe: a visit not
        // recorded is made again, and an open transaction rolls back when dropped.
        tokio::select! {
            () = cancel.cancelled() => return,
            () = chore() => {}
        }
    }
}
