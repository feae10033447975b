//! The scheduler: runs a cycle on every `CHECK_SCHEDULE` tick (or when asked to check
//! now), never two at once: a tick that arrives while a cycle still runs is skipped
//! and logged. Each cycle runs as a task of its own; one that fails or panics is
//! logged with its cause and counted, and the next tick runs as usual. Whether a cycle
//! is running is read from its JoinHandle, so no flag can be left set.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::Monitor;
use crate::config::CheckSchedule;
use crate::domain::WatchTarget;
use crate::supervise::panic_message;

/// Schedule intervals without a completed cycle before the checks count as stalled.
const STALL_INTERVALS: usize = 3;
/// Slack on top, for a cycle that is still running (a slow Hub, many owners).
const STALL_GRACE: chrono::Duration = chrono::Duration::seconds(60);

/// What the scheduler has done so far, for `/readyz`, `/metrics` and `/status`.
#[derive(Debug, Clone, Default)]
pub struct SchedulerSnapshot {
    pub started: Option<DateTime<Utc>>,
    /// When the last cycle that stored its results ended.
    pub last_cycle_end: Option<DateTime<Utc>>,
    pub next_tick: Option<DateTime<Utc>>,
    /// Cycles that completed (stored their results).
    pub cycles: u64,
    /// Cycles that ended in an error (e.g. the store refused the results).
    pub failed_cycles: u64,
    /// Cycles that panicked.
    pub panicked_cycles: u64,
    pub last_failure: Option<String>,
    pub skipped_ticks: u64,
    pub running: bool,
    /// How long the last cycle took, and all cycles together (for `/metrics`).
    pub last_cycle_duration: Option<Duration>,
    pub cycle_seconds_total: f64,
}

/// Shared view of the scheduler's progress.
#[derive(Debug, Clone)]
pub struct SchedulerStatus {
    snapshot: Arc<Mutex<SchedulerSnapshot>>,
    schedule: CheckSchedule,
}

impl SchedulerStatus {
    pub fn new(schedule: CheckSchedule) -> SchedulerStatus {
        SchedulerStatus {
            snapshot: Arc::default(),
            schedule,
        }
    }

    pub fn snapshot(&self) -> SchedulerSnapshot {
        self.snapshot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// This replica starts (again) to lead: the stall clock counts from now, not from
    /// a cycle it ran before it last stepped down.
    pub fn lead_from(&self, now: DateTime<Utc>) {
        self.update(|s| {
            s.started = Some(now);
            s.last_cycle_end = None;
            s.next_tick = None;
        });
    }

    fn update(&self, f: impl FnOnce(&mut SchedulerSnapshot)) {
        f(&mut self.snapshot.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// `Some(since)` when no cycle completed within three schedule intervals (plus a
    /// grace for a running cycle) of `since`: the last completed cycle, or the start.
    /// `None` while the checks keep up, and before the scheduler started.
    pub fn stalled(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let s = self.snapshot();
        let since = s.last_cycle_end.or(s.started)?;
        let mut deadline = since;
        for _ in 0..STALL_INTERVALS {
            deadline = self.schedule.next_after(deadline)?;
        }
        let deadline = deadline.checked_add_signed(STALL_GRACE)?;
        (now > deadline).then_some(since)
    }
}

pub struct Scheduler {
    monitor: Monitor,
    schedule: CheckSchedule,
    targets: Vec<WatchTarget>,
    status: SchedulerStatus,
    check_now: Arc<Notify>,
}

impl Scheduler {
    pub fn new(monitor: Monitor, targets: Vec<WatchTarget>) -> Scheduler {
        let schedule = monitor.config().check_schedule.clone();
        Scheduler {
            status: SchedulerStatus::new(schedule.clone()),
            schedule,
            monitor,
            targets,
            check_now: Arc::new(Notify::new()),
        }
    }

    pub fn status(&self) -> SchedulerStatus {
        self.status.clone()
    }

    /// Notify this to run a cycle now (the `/check` command).
    pub fn check_now(&self) -> Arc<Notify> {
        self.check_now.clone()
    }

    pub async fn run(&self, cancel: CancellationToken) -> crate::supervise::PartResult {
        let mut current: Option<JoinHandle<()>> = None;
        self.status.update(|s| {
            s.started.get_or_insert(self.monitor.now());
        });
        loop {
            let now = self.monitor.now();
            let Some(next) = self.schedule.next_after(now) else {
                return Err(format!(
                    "CHECK_SCHEDULE \"{}\" has no next tick",
                    self.schedule.as_str()
                )
                .into());
            };
            self.status.update(|s| s.next_tick = Some(next));
            let wait = crate::domain::time::elapsed(now, next);
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
                () = self.check_now.notified() => tracing::info!("check requested"),
            }
            if current.as_ref().is_some_and(|cycle| !cycle.is_finished()) {
                self.status.update(|s| s.skipped_ticks += 1);
                tracing::warn!(tick = %next, "tick skipped: the previous check cycle is still running");
                continue;
            }
            current = Some(tokio::spawn(supervised_cycle(
                self.monitor.clone(),
                self.targets.clone(),
                self.status.clone(),
            )));
        }
        // A running cycle stops now: over thousands of Spaces it takes minutes, and
        // shutdown must not wait for it. Nothing it leaves is half-written: its one write
        // transaction rolls back when dropped, and an action row it committed before its
        // repair started is resumed by polling on the next start, like repairs in flight.
        if let Some(handle) = current
            && !handle.is_finished()
        {
            tracing::info!("stopping the running check cycle");
            handle.abort();
            handle.await.ok();
        }
        self.monitor.abort_tasks();
        Ok(())
    }

    /// `n` cycles back to back, no schedule (benchmarks, soak tests).
    pub async fn run_back_to_back(&self, n: u64) -> crate::supervise::PartResult {
        for _ in 0..n {
            self.monitor
                .tick(&self.targets)
                .await
                .map_err(|e| e.to_string())?;
            self.status.update(|s| s.cycles += 1);
        }
        self.monitor.settle().await;
        Ok(())
    }
}

/// One cycle, with its end recorded whatever happens: completed, failed or panicked.
async fn supervised_cycle(monitor: Monitor, targets: Vec<WatchTarget>, status: SchedulerStatus) {
    status.update(|s| s.running = true);
    // Clears `running` even if this task is aborted mid-cycle.
    let _running = RunningGuard(status.clone());
    let started = Instant::now();
    let ended = AssertUnwindSafe(monitor.tick(&targets))
        .catch_unwind()
        .await;
    let took = started.elapsed();
    let end = monitor.now();
    match ended {
        Ok(Ok(_)) => status.update(|s| {
            s.cycles += 1;
            s.last_cycle_end = Some(end);
            s.last_cycle_duration = Some(took);
            s.cycle_seconds_total += took.as_secs_f64();
        }),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "check cycle failed; the next tick runs as usual");
            status.update(|s| {
                s.failed_cycles += 1;
                s.last_failure = Some(e.to_string());
            });
        }
        Err(panic) => {
            let why = panic_message(panic);
            tracing::error!("check cycle panicked: {why}; the next tick runs as usual");
            status.update(|s| {
                s.panicked_cycles += 1;
                s.last_failure = Some(format!("panicked: {why}"));
            });
        }
    }
}

struct RunningGuard(SchedulerStatus);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.update(|s| s.running = false);
    }
}
