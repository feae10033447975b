//! Supervision: every long-lived part of the daemon (scheduler, delivery worker, bots,
//! web server, read model, housekeeping, keep-alive, watchdog) runs under `run_part`, and every
//! one-off task (a repair, a wake) under `catch`. A panic or an error is logged with
//! its cause and counted, and a part restarts with backoff; nothing dies silently.
//! `/metrics` and `/readyz` read the counts from the shared `Supervisor`. `supervised`
//! starts a part under it in a `JoinSet` (the daemon's and the leader's parts alike).
//!
//! No adapter types here: the parts are plain futures.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// The daemon's long-lived parts. Each is started once under `supervised`; its name
/// (`as_str`) is the `part` label of `/metrics` and of the log, and must not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    HttpServer,
    /// A follower replica's campaign for leadership (Postgres).
    Leadership,
    /// The parts only the acting process runs (`cli::duties`), as one part.
    LeaderDuties,
    SignalHandler,
    Telegram,
    Discord,
    Scheduler,
    AlertDelivery,
    Housekeeping,
    KeepAlive,
    MemorySampler,
    Watchdog,
    /// The leader's service of requests followers hand over (Postgres).
    Requests,
    /// The read model built at start, and kept current on a follower
    /// (`view::keep_current`).
    ReadModel,
    /// `/metrics` rendered after each cycle while scrapes come (`web::render_ahead`).
    Metrics,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::HttpServer => "HTTP server",
            Part::Leadership => "leadership",
            Part::LeaderDuties => "leader duties",
            Part::SignalHandler => "signal handler",
            Part::Telegram => "telegram",
            Part::Discord => "discord",
            Part::Scheduler => "scheduler",
            Part::AlertDelivery => "alert delivery",
            Part::Housekeeping => "housekeeping",
            Part::KeepAlive => "keep-alive",
            Part::MemorySampler => "memory sampler",
            Part::Watchdog => "watchdog",
            Part::Requests => "requests",
            Part::ReadModel => "read model",
            Part::Metrics => "metrics",
        }
    }

    /// A part whose final error does not stop the daemon: a chat front whose token
    /// is refused stops alone, logged, and the rest keeps running.
    pub fn is_optional(self) -> bool {
        matches!(self, Part::Telegram | Part::Discord)
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a part stopped: a message for the log and `/metrics`, which is all a supervisor
/// does with it (it restarts the part or, under [`Restart::OnPanic`], leaves it stopped),
/// so no caller branches on a finer type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PartFailure(pub String);

impl From<String> for PartFailure {
    fn from(why: String) -> PartFailure {
        PartFailure(why)
    }
}

impl From<&str> for PartFailure {
    fn from(why: &str) -> PartFailure {
        PartFailure(why.to_owned())
    }
}

/// How a part's run ended.
pub type PartResult = Result<(), PartFailure>;

/// A part of the daemon and how it ended.
pub type Stopped = (Part, PartResult);

/// A part's future, as the supervisor starts it.
pub type PartFuture = std::pin::Pin<Box<dyn std::future::Future<Output = PartResult> + Send>>;
/// What (re)starts a part, given the token that stops it.
pub type PartStart = Box<dyn FnMut(CancellationToken) -> PartFuture + Send>;

/// Starts `part` in `parts` under `supervisor` (`Supervisor::run_part`): it ends, with
/// its name, when `cancel` stops it or with its final error.
pub fn supervised(
    parts: &mut JoinSet<Stopped>,
    supervisor: &Supervisor,
    cancel: &CancellationToken,
    part: Part,
    policy: Restart,
    mut start: PartStart,
) {
    let (supervisor, cancel) = (supervisor.clone(), cancel.clone());
    parts.spawn(async move {
        let token = cancel.clone();
        let ended = supervisor
            .run_part(part.as_str(), policy, cancel, || start(token.clone()))
            .await;
        (part, ended)
    });
}

/// First wait before a restart; doubles up to `BACKOFF_MAX`.
const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// A part that ran this long before failing starts its backoff afresh.
const HEALTHY_RUN: Duration = Duration::from_secs(300);

/// What is known about one part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartState {
    pub running: bool,
    /// Restarts after a panic, an error or an unexpected end.
    pub restarts: u64,
    pub panics: u64,
    /// Stopped and not restarted (a chat front whose token was refused).
    pub stopped: Option<String>,
    pub last_error: Option<String>,
}

/// The shared record of every part and one-off task (by name: a one-off task, a
/// repair or a wake, is named where it is spawned); cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Supervisor {
    parts: Arc<Mutex<BTreeMap<&'static str, PartState>>>,
}

/// When a part's failure leads to a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    /// Restart after a panic, an error or an unexpected end.
    Always,
    /// Restart after a panic; an error is final (a refused token will be refused
    /// again) and leaves the part stopped, logged and visible in `/metrics`.
    OnPanic,
}

impl Supervisor {
    pub fn snapshot(&self) -> BTreeMap<&'static str, PartState> {
        self.parts.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, part: &'static str, f: impl FnOnce(&mut PartState)) {
        let mut parts = self.parts.lock().unwrap_or_else(|p| p.into_inner());
        f(parts.entry(part).or_default());
    }

    /// Runs `start()` as a task until `cancel`, restarting it as `policy` says.
    /// Returns `Err` only for a final error under `Restart::OnPanic`.
    pub async fn run_part<F, Fut>(
        &self,
        part: &'static str,
        policy: Restart,
        cancel: CancellationToken,
        mut start: F,
    ) -> PartResult
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = PartResult> + Send + 'static,
    {
        let mut backoff = BACKOFF_START;
        loop {
            self.update(part, |s| s.running = true);
            let began = Instant::now();
            // A task of its own, so a panic ends that task and not the supervisor.
            let ended = tokio::spawn(start()).await;
            self.update(part, |s| s.running = false);
            if cancel.is_cancelled() {
                return Ok(());
            }
            let why = match ended {
                Ok(Ok(())) => "stopped unexpectedly".to_owned(),
                Ok(Err(why)) if policy == Restart::OnPanic => {
                    tracing::error!(part, "stopped: {why}; the rest keeps running");
                    self.update(part, |s| {
                        s.stopped = Some(why.0.clone());
                        s.last_error = Some(why.0.clone());
                    });
                    return Err(why);
                }
                Ok(Err(why)) => why.0,
                Err(join) if join.is_panic() => {
                    let why = format!("panicked: {}", panic_message(join.into_panic()));
                    self.update(part, |s| s.panics += 1);
                    why
                }
                Err(_) => "was cancelled".to_owned(),
            };
            if began.elapsed() >= HEALTHY_RUN {
                backoff = BACKOFF_START;
            }
            tracing::error!(
                part,
                restart_in_ms = backoff.as_millis() as u64,
                "{why}; restarting"
            );
            self.update(part, |s| {
                s.restarts += 1;
                s.last_error = Some(why);
            });
            tokio::select! {
                () = cancel.cancelled() => return Ok(()),
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(BACKOFF_MAX);
        }
    }

    /// Runs a one-off task (a repair, a wake); a panic is logged and counted under
    /// `what` instead of vanishing with the task. Whatever the task held (its claim on
    /// a Space, its slot) is released by drop guards as the panic unwinds.
    pub async fn catch(&self, what: &'static str, task: impl Future<Output = ()>) {
        if let Err(panic) = AssertUnwindSafe(task).catch_unwind().await {
            let why = panic_message(panic);
            tracing::error!(task = what, "panicked: {why}");
            self.update(what, |s| {
                s.panics += 1;
                s.last_error = Some(format!("panicked: {why}"));
            });
        }
    }
}

/// The text a panic carried, when it carried one.
pub fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_panicking_part_is_restarted_with_backoff_and_counted() {
        let supervisor = Supervisor::default();
        let cancel = CancellationToken::new();
        let runs = Arc::new(AtomicU32::new(0));
        let handle = {
            let (supervisor, cancel, runs) = (supervisor.clone(), cancel.clone(), runs.clone());
            tokio::spawn(async move {
                supervisor
                    .run_part("worker", Restart::Always, cancel.clone(), move || {
                        let (runs, cancel) = (runs.clone(), cancel.clone());
                        async move {
                            if runs.fetch_add(1, Ordering::SeqCst) < 3 {
                                panic!("boom");
                            }
                            cancel.cancelled().await;
                            Ok(())
                        }
                    })
                    .await
            })
        };
        while runs.load(Ordering::SeqCst) < 4 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let state = supervisor.snapshot()["worker"].clone();
        assert_eq!((state.panics, state.restarts), (3, 3));
        assert!(state.running);
        assert_eq!(state.last_error.as_deref(), Some("panicked: boom"));
        cancel.cancel();
        assert_eq!(handle.await.unwrap(), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_final_error_stops_an_on_panic_part() {
        let supervisor = Supervisor::default();
        let ended = supervisor
            .run_part(
                "telegram",
                Restart::OnPanic,
                CancellationToken::new(),
                || async { Err("token refused".into()) },
            )
            .await;
        assert_eq!(ended, Err("token refused".into()));
        let state = supervisor.snapshot()["telegram"].clone();
        assert_eq!(state.stopped.as_deref(), Some("token refused"));
        assert_eq!(state.restarts, 0);
    }

    #[test]
    fn part_names_are_the_metrics_and_log_labels() {
        let names = [
            Part::HttpServer,
            Part::Leadership,
            Part::LeaderDuties,
            Part::SignalHandler,
            Part::Telegram,
            Part::Discord,
            Part::Scheduler,
            Part::AlertDelivery,
            Part::Housekeeping,
            Part::KeepAlive,
            Part::MemorySampler,
            Part::Watchdog,
            Part::Requests,
            Part::ReadModel,
            Part::Metrics,
        ]
        .map(Part::as_str);
        assert_eq!(
            names,
            [
                "HTTP server",
                "leadership",
                "leader duties",
                "signal handler",
                "telegram",
                "discord",
                "scheduler",
                "alert delivery",
                "housekeeping",
                "keep-alive",
                "memory sampler",
                "watchdog",
                "requests",
                "read model",
                "metrics",
            ]
        );
        assert!(Part::Telegram.is_optional() && !Part::Scheduler.is_optional());
    }

    #[tokio::test]
    async fn a_panicking_task_is_counted() {
        let supervisor = Supervisor::default();
        supervisor
            .catch("repair", async { panic!("ladder broke") })
            .await;
        assert_eq!(supervisor.snapshot()["repair"].panics, 1);
    }
}
