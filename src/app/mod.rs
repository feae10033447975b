//! The composition, written once: configuration → database lock → store → Hub client
//! and probe → `Monitor` → `CommandCore`. Every subcommand (`run`, `check`,
//! `check --repair`, `report`, `restart`, `rebuild`) builds its `App` here and says
//! only what differs (`Purpose`); a startup problem is one `BuildError`, printed once
//! with its exit status by the caller.
//!
//! This is the one place besides `cli` that imports every layer: it composes. The core
//! must not import it.

mod error;
pub mod lock;

use std::sync::Arc;
use std::time::Duration;

use crate::alerts::destinations::{self, Buttons, Chats};
use crate::alerts::{Notifier, Outbox};
use crate::chat::telegram::{self, TgBot};
use crate::clock::{Clock, SystemClock};
use crate::commands::{Access, CommandCore};
use crate::config::Config;
use crate::domain::ActionActor;
use crate::hub::{AppProbe, HttpProbe, HubClient, HubObserver};
use crate::monitor::{Monitor, MonitorParts, Scheduler};
use crate::replica::Replica;
use crate::store::{Backend, Store};
use crate::web::{MeteredProbe, Meters, SampleBook};

pub use error::{Advice, BuildError, EXIT_CONFIG};
use lock::{DbLock, LockError};

/// What a subcommand builds the application for; the rest is the same for all.
pub enum Purpose {
    /// `run`: holds the lock as the one daemon, campaigns on Postgres, alerts to the
    /// log, answers chat buttons, keeps live-metrics samples for the pages.
    Daemon { samples: SampleBook },
    /// `check`: observes and prints; beside a daemon it stores nothing.
    Check,
    /// Acts once as `cli` (`check --repair`, `restart`, `rebuild`): holds the lock,
    /// refused beside a daemon or a live Postgres leader. `command` names it and
    /// `advice` says what to do instead in a refusal; alerts go to `console` and the
    /// configured destinations, sending only.
    OneShot {
        command: &'static str,
        advice: Advice,
        observer: Arc<dyn HubObserver>,
        console: Arc<dyn Notifier>,
    },
    /// `report`: reads the store; no lock, no Hub call.
    Report,
}

/// Everything a subcommand runs on. The Hub client, the probe and the alert
/// destinations are inside `monitor`; `core` is the one command entrance.
pub struct App {
    pub config: Arc<Config>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub monitor: Monitor,
    pub core: CommandCore,
    /// The `/metrics` counters the Hub client and the probe report to.
    pub meters: Meters,
    /// `Replica::single()` except for a daemon on Postgres (`campaigning`).
    pub replica: Replica,
    /// The scheduler over the watch list; only `run` starts it, and only the
    /// daemon's core rings its `/check` bell.
    pub scheduler: Arc<Scheduler>,
    /// The Telegram client, shared by the bot and its alert destination.
    pub telegram: Option<TgBot>,
    /// False for a `check` beside a running daemon: nothing is stored.
    pub stored: bool,
    /// Held for the application's life (see `lock`).
    _lock: Option<DbLock>,
}

impl App {
    /// Builds the application `purpose` needs from `config`, in the startup order:
    /// the lock, the store, the Hub client and probe, the destinations, the core.
    pub async fn build(config: Config, purpose: Purpose) -> Result<App, BuildError> {
        let config = Arc::new(config);
        let (lock, stored) = take_lock(&config.database_url, &purpose)?;
        let store = Store::connect(&config.database_url).await?;
        if let Purpose::OneShot {
            command, advice, ..
        } = &purpose
            && let Some(refusal) = leader_acting(&store, command, *advice).await
        {
            close(&store, false).await;
            return Err(refusal);
        }
        // SQLite: this process is alone and acts. Postgres: a daemon campaigns, and its
        // action and alert writes are fenced by the leader epoch it holds (none yet).
        let (replica, store) = match (&purpose, store.backend()) {
            (Purpose::Daemon { .. }, Backend::Postgres) => {
                let replica = Replica::campaigning();
                let store = store.fenced(replica.fence());
                (replica, store)
            }
            _ => (Replica::single(), store),
        };
        let meters = Meters::default();
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let telegram = match purpose {
            Purpose::Daemon { .. } | Purpose::OneShot { .. } => {
                config.telegram.as_ref().map(telegram::client)
            }
            Purpose::Check | Purpose::Report => None,
        };
        let daemon = matches!(purpose, Purpose::Daemon { .. });
        let parts = monitor_parts(&config, &store, &meters, &clock, telegram.clone(), purpose)?;
        let monitor = Monitor::new(parts);
        let scheduler = Arc::new(Scheduler::new(monitor.clone(), config.watch.to_vec()));
        let mut core = CommandCore::new(
            monitor.clone(),
            Access::from_config(&config),
            daemon.then(|| scheduler.check_now()),
        );
        if daemon {
            core = core.with_replica(replica.clone());
        }
        Ok(App {
            config,
            store,
            clock,
            monitor,
            core,
            meters,
            replica,
            scheduler,
            telegram,
            stored,
            _lock: lock,
        })
    }

    /// Closes the store. When this process stored, the write-ahead log is folded into
    /// the database file first, so the `.db` file alone is complete (a job cache or a
    /// commit carries only that file); beside a daemon it is the daemon's to fold.
    pub async fn close(&self) {
        close(&self.store, self.stored).await;
    }
}

async fn close(store: &Store, stored: bool) {
    if stored && let Err(e) = store.checkpoint().await {
        tracing::warn!(error = %e, "cannot checkpoint the database on exit");
    }
    tokio::time::timeout(Duration::from_secs(5), store.close())
        .await
        .ok();
}

/// The monitor's parts for `purpose`. A daemon and a one-shot get every configured
/// alert destination (`console` is the `log` destination: stdout for the daemon, the
/// progress display for a one-shot) and a Hub client that tells the `/metrics`
/// counters and `observer` of its calls; `check` and `report` get neither: they never
/// alert.
fn monitor_parts(
    config: &Arc<Config>,
    store: &Store,
    meters: &Meters,
    clock: &Arc<dyn Clock>,
    telegram: Option<TgBot>,
    purpose: Purpose,
) -> Result<MonitorParts, BuildError> {
    let hub = HubClient::for_config(config)?;
    let probe = HttpProbe::new().map_err(BuildError::HttpClient)?;
    let (observer, console, buttons, actor) = match purpose {
        Purpose::Check | Purpose::Report => {
            return Ok(bare_parts(config, hub, Arc::new(probe), store, clock));
        }
        Purpose::Daemon { samples } => (
            samples.hub_observer(clock.clone()),
            destinations::log(config.locale),
            Buttons::Answered,
            ActionActor::Warden,
        ),
        Purpose::OneShot {
            observer, console, ..
        } => (observer, console, Buttons::None, ActionActor::Cli),
    };
    let hub = hub
        .with_observer(meters.hub_observer())
        .with_observer(observer);
    let probe = MeteredProbe::new(Arc::new(probe), meters.clone());
    let chats = Chats { telegram, buttons };
    let notifiers = destinations::from_config(config, store, chats, console)?;
    let mut parts = bare_parts(config, hub, Arc::new(probe), store, clock);
    parts.outbox = Outbox::new(notifiers);
    parts.actor = actor;
    Ok(parts)
}

/// The parts every purpose shares: the Hub, the probe, the store and the clock.
fn bare_parts(
    config: &Arc<Config>,
    hub: HubClient,
    probe: Arc<dyn AppProbe>,
    store: &Store,
    clock: &Arc<dyn Clock>,
) -> MonitorParts {
    let mut parts = MonitorParts::new(config.clone(), Arc::new(hub), probe, store.clone());
    parts.clock = clock.clone();
    parts
}

/// The database lock `purpose` needs, and whether this process stores. A daemon and
/// a one-shot act, so each holds the lock (refused while another process holds it); a
/// plain `check` beside a holder runs without storing; `report` only reads.
fn take_lock(url: &str, purpose: &Purpose) -> Result<(Option<DbLock>, bool), BuildError> {
    let advice = match purpose {
        Purpose::Report => return Ok((None, true)),
        Purpose::Check => return Ok((None, beside_daemon(url))),
        Purpose::Daemon { .. } => None,
        Purpose::OneShot { advice, .. } => Some(*advice),
    };
    match lock::acquire(url) {
        Ok(held) => Ok((held, true)),
        Err(error @ LockError::Held { .. }) => Err(BuildError::Locked { error, advice }),
        Err(error) => Err(BuildError::LockFile(error)),
    }
}

/// Plain `check`: whether to store (not while a daemon holds the database, which must
/// see every change first).
fn beside_daemon(url: &str) -> bool {
    match lock::holder(url) {
        None => true,
        Some(holder) => {
            let lang = crate::config::Locale::from_process_env().lang;
            let note = crate::t!(lang, "build-note-beside-daemon", holder = holder);
            eprintln!("note: DATABASE_URL: {note}");
            false
        }
    }
}

/// Replicas on Postgres: while a leader is alive (a heartbeat within the last 15 s),
/// a one-shot would act beside it, unfenced; it is refused with what to do.
async fn leader_acting(store: &Store, command: &'static str, advice: Advice) -> Option<BuildError> {
    let leader = store.leader().await.ok()??;
    // Edge: the heartbeat is another process's real time (replica.rs), so the age is
    // measured with the real clock.
    let age_ms = SystemClock
        .now()
        .timestamp_millis()
        .checked_sub(leader.heartbeat_ms)?;
    (leader.epoch > 0 && (0..15_000).contains(&age_ms)).then(|| BuildError::LeaderActing {
        command,
        holder: leader.holder,
        age_s: age_ms / 1000,
        advice,
    })
}
