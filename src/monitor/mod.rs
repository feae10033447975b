//! The monitor: check cycles (observe every watched Space through the Hub and its app,
//! conclude, store), and what the daemon does with them: the alert state machine,
//! incidents, the repair ladder, keep-alive, and the scheduler that drives it all.
//! Talks to the outside only through the `Hub` and `AppProbe` traits, the `Store` and
//! the alert `Outbox`.

mod act;
mod app;
mod attempt;
mod costs;
mod cycle;
mod diagnose;
mod housekeeping;
mod keepalive;
mod memory;
mod owners;
mod plan;
mod platform;
mod repair;
mod resolution;
mod scheduler;
mod tokens;
mod watchdog;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::alerts::Outbox;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, SpaceSettings};
use crate::domain::SpaceId;
use crate::hub::{AppProbe, Hub};
use crate::store::Store;
use crate::supervise::Supervisor;

pub use attempt::{ActionRefused, CallFailed};
pub use cycle::CycleError;
pub use memory::SamplerFigures;
pub use plan::{Plan, Planned, SpaceFacts, Work, plan};
pub use repair::{RepairOutcome, Started};
pub use resolution::resolution_in;
pub use scheduler::{Scheduler, SchedulerSnapshot, SchedulerStatus};
pub use tokens::{Severity, TokenProblem, TokenVerdict};
pub use watchdog::run_watchdog;

/// Knobs that are not part of the public configuration.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Owners listed at once. Each listing is one request (a page per 500 Spaces), and
    /// probing starts as each arrives; the Hub's pacing (`hub::ratelimit`) still
    /// holds every request once a reply says the budget is spent.
    pub owner_concurrency: usize,
    /// App probes in flight at once.
    pub probe_concurrency: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            owner_concurrency: 16,
            probe_concurrency: 32,
        }
    }
}

/// What a `Monitor` is built from.
pub struct MonitorParts {
    pub config: Arc<Config>,
    pub hub: Arc<dyn Hub>,
    pub probe: Arc<dyn AppProbe>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub outbox: Outbox,
    pub tuning: Tuning,
    pub supervisor: Supervisor,
    /// Who the automatic repairs and wakes are recorded as: `spacewarden` for the
    /// daemon, `cli` for `spacewarden check --repair`. Same policy, caps and path.
    pub actor: crate::domain::ActionActor,
}

impl MonitorParts {
    /// The usual parts: system clock, no alert destinations, default tuning.
    pub fn new(
        config: Arc<Config>,
        hub: Arc<dyn Hub>,
        probe: Arc<dyn AppProbe>,
        store: Store,
    ) -> MonitorParts {
        MonitorParts {
            config,
            hub,
            probe,
            store,
            clock: Arc::new(SystemClock),
            outbox: Outbox::default(),
            tuning: Tuning::default(),
            supervisor: Supervisor::default(),
            actor: crate::domain::ActionActor::Warden,
        }
    }
}

/// Everything a check cycle needs, shared by the CLI, the scheduler, the bots and the
/// HTTP API. Cheap to clone.
#[derive(Clone)]
pub struct Monitor {
    inner: Arc<Inner>,
}

struct Inner {
    /// The configuration as started. Its `space_settings` are those at start: the live
    /// ones are in `settings`.
    config: Arc<Config>,
    /// `SPACEWARDEN_CONFIG`'s settings now: replaced whole on SIGHUP (`reload_settings`),
    /// read whole by each step, so a step never mixes two files.
    settings: std::sync::RwLock<Arc<SpaceSettings>>,
    hub: Arc<dyn Hub>,
    probe: Arc<dyn AppProbe>,
    store: Store,
    clock: Arc<dyn Clock>,
    outbox: Outbox,
    tuning: Tuning,
    supervisor: Supervisor,
    /// The actor of automatic actions (`MonitorParts::actor`).
    actor: crate::domain::ActionActor,
    /// Serializes read-decide-write of a Space's alert and repair state between the
    /// cycle and the repair tasks, so one recovery is never announced twice. Never
    /// held across a network call.
    state_lock: tokio::sync::Mutex<()>,
    /// The global cap on automatic repairs in flight (an admin's request bypasses it).
    repair_slots: Arc<Semaphore>,
    /// Spaces (by key) with a repair, wake or pause in flight.
    in_flight: Arc<Mutex<HashSet<String>>>,
    /// Repair and wake tasks; awaited by `settle`, aborted on shutdown (their rows stay
    /// unfinished and are resumed by polling on the next start).
    tasks: Mutex<JoinSet<()>>,
    /// What the memory sampler remembers between reads.
    sampler: memory::SamplerState,
    /// What the token self-test at startup found.
    token_problems: Mutex<Vec<TokenProblem>>,
    /// Owners (lowercased) whose `owner/*` listing was checked against the config's
    /// `[spaces."…"]` blocks: each is warned about once, after its first listing.
    owners_listed: Mutex<HashSet<String>>,
    /// The read model's aggregates (uptime, bars), kept current per stored cycle.
    aggregates: crate::view::Aggregates,
}

impl Monitor {
    pub fn new(parts: MonitorParts) -> Monitor {
        let slots = parts.config.space_settings.repair.max_in_flight.max(1);
        Monitor {
            inner: Arc::new(Inner {
                settings: std::sync::RwLock::new(Arc::new(parts.config.space_settings.clone())),
                config: parts.config,
                hub: parts.hub,
                probe: parts.probe,
                store: parts.store,
                clock: parts.clock,
                outbox: parts.outbox,
                tuning: parts.tuning,
                supervisor: parts.supervisor,
                actor: parts.actor,
                state_lock: tokio::sync::Mutex::new(()),
                repair_slots: Arc::new(Semaphore::new(slots)),
                in_flight: Arc::default(),
                tasks: Mutex::new(JoinSet::new()),
                sampler: memory::SamplerState::default(),
                token_problems: Mutex::default(),
                owners_listed: Mutex::default(),
                aggregates: crate::view::Aggregates::default(),
            }),
        }
    }

    /// The read model's aggregates (`view::aggregates` reads them).
    pub fn aggregates(&self) -> &crate::view::Aggregates {
        &self.inner.aggregates
    }

    /// Takes a stored cycle into the read model now (uptime, bars, states, the cost
    /// windows), so the next reader finds them current (the cycle's time, not a
    /// request's, pays for it).
    pub(crate) async fn refresh_aggregates(&self) {
        if let Err(e) = crate::view::refresh(self).await {
            tracing::warn!(error = %e, "cannot bring the uptime figures up to date");
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The per-Space settings, thresholds and schedules in force now (SIGHUP reloads
    /// them); take them once per step and read that.
    pub fn settings(&self) -> Arc<SpaceSettings> {
        self.inner
            .settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Puts `settings` in force: steps that start from now on read them. A step under
    /// way finishes with the settings it started with.
    pub fn reload_settings(&self, settings: SpaceSettings) {
        *self
            .inner
            .settings
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Arc::new(settings);
    }

    pub fn hub(&self) -> &Arc<dyn Hub> {
        &self.inner.hub
    }

    pub fn outbox(&self) -> &Outbox {
        &self.inner.outbox
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// The clock `now` reads, for work that reads it more than once.
    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// Waits until every repair and wake started so far has finished (tests, benches,
    /// `check --repair`); returns how many it waited for. Dropping the future aborts
    /// the tasks it holds (their rows stay unfinished and are resumed by polling).
    pub async fn settle(&self) -> usize {
        let mut waited = 0;
        loop {
            let next = {
                let mut tasks = self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner());
                std::mem::take(&mut *tasks)
            };
            if next.is_empty() {
                return waited;
            }
            waited += next.len();
            next.join_all().await;
        }
    }

    /// Stops repairs and wakes in flight (shutdown); they are resumed on the next start.
    pub fn abort_tasks(&self) {
        let mut tasks = self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.abort_all();
    }

    pub fn supervisor(&self) -> &Supervisor {
        &self.inner.supervisor
    }

    /// Whether `id` is on the watch list (DESIGN.md "Watching": `owner/name`, or a
    /// match of `owner/*`). The one rule for every entrance: chat, API, page, CLI.
    pub fn watches(&self, id: &SpaceId) -> bool {
        self.inner.config.watches(id)
    }

    /// Runs a repair or wake in the background; a panic is logged and counted.
    /// Runs a one-off task under the monitor's supervision (awaited by `settle`).
    pub fn spawn_task(
        &self,
        what: &'static str,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        self.spawn(what, task);
    }

    fn spawn(
        &self,
        what: &'static str,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        let supervisor = self.inner.supervisor.clone();
        let mut tasks = self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner());
        // Reap finished tasks so the set does not grow over months.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move { supervisor.catch(what, task).await });
    }

    /// Takes the one-action-per-Space claim; `None` while another holds it. The claim
    /// is released when the guard drops, also when its task panics.
    fn claim(&self, id: &SpaceId) -> Option<Claim> {
        let key = id.key();
        let mut in_flight = self
            .inner
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        in_flight.insert(key.clone()).then(|| Claim {
            set: self.inner.in_flight.clone(),
            key,
        })
    }

    fn is_in_flight(&self, id: &SpaceId) -> bool {
        let in_flight = self
            .inner
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        in_flight.contains(&id.key())
    }
}

/// A Space's claim: one repair, wake or pause at a time.
pub(crate) struct Claim {
    set: Arc<Mutex<HashSet<String>>>,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut set = self.set.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.key);
    }
}
