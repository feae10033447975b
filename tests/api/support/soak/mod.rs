//! The fault soak of issue 9, shared by `cargo bench --bench faults` (10 minutes by
//! default) and the 30-second `soak` test: the real `spacewarden run` against the
//! fake Hub, the fake Telegram and Discord and a webhook receiver, while the Hub
//! fails in every way it can (500, 502, 503, 429 with `RateLimit`, timeout, garbage,
//! 401, a dropped connection), the chats and the webhook go down for a while,
//! spacewarden gets a `kill -9` and a restart every couple of minutes, and Spaces
//! break and recover on a script (`plan`). Afterwards it counts what must be zero:
//! false `down` alerts, lost and duplicated alerts per destination, duplicate
//! restarts, requests inside a 429 window, `/healthz` failures (`tally`, `deliveries`, `report`).
//!
//! The run is a timeline, so the harness waits for instants of the script; everything
//! it then asserts on is a count, never a duration.

mod daemon;
mod deliveries;
mod gate;
mod plan;
mod report;
mod script;
mod tally;
mod world;

use std::time::{Duration, Instant};

use spacewarden::store::Store;

use daemon::Generations;
pub use plan::{Action, Plan, ROTATION};
pub use report::Report;
use world::World;

/// How long and how fast.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    pub duration: Duration,
    /// `CHECK_SCHEDULE` (six fields, seconds first).
    pub schedule: String,
    /// How long the run may take to settle afterwards (outbox empty, repairs done).
    pub drain: Duration,
    /// `DATABASE_URL` for the binary (a fresh Postgres database); SQLite in the
    /// run's directory when `None`.
    pub database: Option<String>,
}

impl SoakConfig {
    /// Checks every two seconds; up to half the run (at least 30 s, at most 330 s:
    /// longer than the outbox's longest back-off) to settle.
    pub fn new(duration: Duration) -> SoakConfig {
        SoakConfig {
            duration,
            schedule: "*/2 * * * * *".into(),
            drain: (duration / 2).clamp(Duration::from_secs(30), Duration::from_secs(330)),
            database: None,
        }
    }
}

pub async fn run(config: &SoakConfig) -> Report {
    let world = World::start().await;
    let plan = Plan::new(config.duration);
    let mut app = world.app(&config.schedule);
    if let Some(database) = &config.database {
        app = app.env("DATABASE_URL", database);
    }
    let mut procs = Generations::new(app);
    procs.start().await;
    procs.wait_for_cycle().await;
    let rss_start_kib = procs.rss_kib();
    let store = procs.app().store().await;
    let health = procs.poll_health();

    let origin = Instant::now();
    let record = script::play(&world, &mut procs, &plan).await;
    world.calm();
    let drained = drain(&world, &store, config.drain).await;
    let last_start = procs.kills.last().copied().unwrap_or(origin);
    let last_uptime = last_start.elapsed();
    let rss_end_kib = procs.rss_kib();
    let (healthz_polls, healthz_failures) = health.stop();
    procs.stop().await;

    let log = world.hub.requests();
    let mut report = Report {
        duration: config.duration,
        kills: procs.kills.len(),
        faults: tally::fault_counts(&record.faults, &log),
        outages: record.outages.len(),
        breaks: record.breaks.len(),
        false_down: tally::false_downs(&store).await,
        deliveries: deliveries::deliveries(&world, &store, origin).await,
        healthz_polls,
        healthz_failures,
        rss_start_kib,
        rss_end_kib,
        last_uptime,
        drained,
        logs: procs.outputs(),
        kill_times: procs
            .kills
            .iter()
            .map(|k| k.saturating_duration_since(origin))
            .collect(),
        ..Report::default()
    };
    tally::hub_figures(&mut report, &log, &record.breaks, &procs.kills, origin);
    report
}

/// Waits until nothing is left to do: no pending alert, no unfinished repair, every
/// scripted Space serving again; twice, two cycles apart, so a late alert is seen.
async fn drain(world: &World, store: &Store, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    let mut settled_once = false;
    while Instant::now() < deadline {
        if settled(world, store).await {
            if settled_once {
                return true;
            }
            settled_once = true;
            tokio::time::sleep(Duration::from_secs(4)).await;
        } else {
            settled_once = false;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    false
}

async fn settled(world: &World, store: &Store) -> bool {
    let pending = store
        .outbox_counts()
        .await
        .map(|counts| counts.iter().any(|(_, state, _)| state == "pending"))
        .unwrap_or(true);
    let unfinished = store
        .unfinished_actions()
        .await
        .map(|rows| !rows.is_empty())
        .unwrap_or(true);
    let broken = plan::CRASHERS
        .into_iter()
        .chain([plan::FLAPPER])
        .any(|id| world.hub.stage(id) != "RUNNING" || !world.hub.pending_stages(id).is_empty());
    !pending && !unfinished && !broken
}
