//! The scheduler: runs a cycle on every `CHECK_SCHEDULE` tick (or when asked to check
//! now), never two at once: a tick that arrives while a cycle still runs is skipped
//! and logged. Also runs the hourly housekeeping (pruning history, self keep-alive).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Monitor;
use crate::config::CheckSchedule;
use crate::domain::WatchTarget;

/// How long a running cycle may take to finish after shutdown was asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3600);

/// What the scheduler has done so far, for `/readyz` and `/status`.
#[derive(Debug, Clone, Default)]
pub struct SchedulerSnapshot {
    pub started: Option<DateTime<Utc>>,
    pub last_cycle_end: Option<DateTime<Utc>>,
    pub next_tick: Option<DateTime<Utc>>,
    pub cycles: u64,
    pub skipped_ticks: u64,
    pub running: bool,
    /// How long the last cycle took, and all cycles together (for `/metrics`).
    pub last_cycle_duration: Option<Duration>,
    pub cycle_seconds_total: f64,
}

/// Shared view of the scheduler's progress.
#[derive(Debug, Clone, Default)]
pub struct SchedulerStatus(Arc<Mutex<SchedulerSnapshot>>);

impl SchedulerStatus {
    pub fn snapshot(&self) -> SchedulerSnapshot {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, f: impl FnOnce(&mut SchedulerSnapshot)) {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
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
        Scheduler {
            schedule: monitor.config().check_schedule.clone(),
            monitor,
            targets,
            status: SchedulerStatus::default(),
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

    pub async fn run(self, cancel: CancellationToken) -> Result<(), String> {
        let busy = Arc::new(AtomicBool::new(false));
        let mut current: Option<tokio::task::JoinHandle<()>> = None;
        let mut last_housekeeping: Option<Instant> = None;
        self.status.update(|s| s.started = Some(self.monitor.now()));
        loop {
            let now = self.monitor.now();
            let Some(next) = self.schedule.next_after(now) else {
                return Err(format!(
                    "CHECK_SCHEDULE \"{}\" has no next tick",
                    self.schedule.as_str()
                ));
            };
            self.status.update(|s| s.next_tick = Some(next));
            let wait = (next - now).to_std().unwrap_or_default();
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
                () = self.check_now.notified() => tracing::info!("check requested"),
            }
            if busy.swap(true, Ordering::SeqCst) {
                self.status.update(|s| s.skipped_ticks += 1);
                tracing::warn!(tick = %next, "tick skipped: the previous check cycle is still running");
                continue;
            }
            let housekeeping =
                last_housekeeping.is_none_or(|at| at.elapsed() >= HOUSEKEEPING_EVERY);
            if housekeeping {
                last_housekeeping = Some(Instant::now());
            }
            let monitor = self.monitor.clone();
            let targets = self.targets.clone();
            let status = self.status.clone();
            let busy = busy.clone();
            status.update(|s| s.running = true);
            current = Some(tokio::spawn(async move {
                let started = Instant::now();
                if let Err(e) = monitor.tick(&targets).await {
                    tracing::error!(error = %e, "check cycle failed");
                }
                let took = started.elapsed();
                if housekeeping {
                    monitor.housekeeping().await;
                }
                let end = monitor.now();
                status.update(|s| {
                    s.running = false;
                    s.cycles += 1;
                    s.last_cycle_end = Some(end);
                    s.last_cycle_duration = Some(took);
                    s.cycle_seconds_total += took.as_secs_f64();
                });
                busy.store(false, Ordering::SeqCst);
            }));
        }
        // Let a running cycle finish its writes; repairs in flight stop and are resumed
        // by polling on the next start.
        if let Some(handle) = current
            && !handle.is_finished()
        {
            tracing::info!("waiting for the running check cycle to finish");
            let abort = handle.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, handle).await.is_err() {
                abort.abort();
            }
        }
        self.monitor.abort_tasks();
        Ok(())
    }
}

impl Scheduler {
    /// `n` cycles back to back, no schedule (benchmarks, soak tests).
    pub async fn run_back_to_back(self, n: u64) -> Result<(), String> {
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

impl Monitor {
    /// Hourly: prune history beyond its windows, keep our own Space awake.
    pub async fn housekeeping(&self) {
        let history = &self.inner.config.space_settings.history;
        let now = self.now();
        let ago =
            |d: Duration| now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        // Hourly roll-ups serve the 24 h figures and day pages: 90 days is plenty.
        let hourly = history
            .retention
            .min(Duration::from_secs(90 * 86_400))
            .max(history.raw);
        match self
            .inner
            .store
            .prune(ago(history.raw), ago(hourly), ago(history.retention))
            .await
        {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(rows = n, "pruned raw checks beyond the history window");
                if let Err(e) = self.inner.store.vacuum().await {
                    tracing::warn!(error = %e, "incremental vacuum failed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
        self.keep_alive_visits().await;
        self.visit_self().await;
    }
}
