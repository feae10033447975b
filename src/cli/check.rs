//! `spacewarden check`: one cycle, printed as a table or JSON, stored, and turned
//! into an exit status. With `--repair`, the daemon's work in one run (`oneshot`).

use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::{EXIT_CONFIG, EXIT_UNCHECKED, exit_status};
use super::{close_store, lock, oneshot, render};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, MAX_RUN_TIMEOUT};
use crate::domain::{SpaceIdError, WatchTarget};
use crate::hub::{HttpProbe, HubClient};
use crate::monitor::{Monitor, MonitorParts};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print one JSON array (an object per Space) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Check this Space (owner/name, or owner/* for all of an owner's Spaces) instead
    /// of the configured watch list. Repeat for several.
    #[arg(long = "space", value_name = "OWNER/NAME", value_parser = parse_target)]
    pub spaces: Vec<WatchTarget>,

    /// Then repair what is broken as the daemon does (restart, factory rebuild, give up
    /// and alert; the same caps; recorded as done by `cli`), wake sleeping Spaces with
    /// keep-alive on, wait for the outcomes, deliver the alerts raised (ALERT lines on
    /// stderr, ALERT_WEBHOOK_URL, Telegram, Discord: sending only, no bot is started),
    /// and print and exit on the final state. Progress goes to stderr.
    #[arg(long)]
    pub repair: bool,

    /// How long `--repair` may take in all, alert delivery included (e.g. 30m, 1h30m,
    /// 900). Repairs still running then are resumed by the next run; undelivered
    /// alerts stay queued for it. [default: GLOBAL_TIMEOUT_SECONDS, else 30m]
    #[arg(long, value_name = "DURATION", requires = "repair", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

/// The default `--timeout` when neither the flag nor `GLOBAL_TIMEOUT_SECONDS` is set.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(30 * 60);

fn parse_target(text: &str) -> Result<WatchTarget, SpaceIdError> {
    WatchTarget::parse(text)
}

/// A `--timeout` that is not a duration from 1s to 24h.
#[derive(Debug, thiserror::Error)]
#[error("\"{0}\" is not a duration from 1s to 24h (e.g. 30m)")]
struct BadTimeout(String);

fn parse_timeout(text: &str) -> Result<Duration, BadTimeout> {
    crate::domain::parse_duration(text)
        .ok()
        .filter(|d| !d.is_zero() && *d <= MAX_RUN_TIMEOUT)
        .ok_or_else(|| BadTimeout(text.to_owned()))
}

pub async fn run(args: CheckArgs) -> u8 {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    let targets = if args.spaces.is_empty() {
        config.watch.clone()
    } else {
        args.spaces
    };
    if targets.is_empty() {
        eprintln!(
            "error: SPACES: nothing to watch; set SPACES (owner/name or owner/*) or pass --space"
        );
        return EXIT_CONFIG;
    }
    // `--repair` acts, so it holds the database like a daemon does; a plain check beside
    // a daemon runs without storing.
    let (_db_lock, stored) = match lock_for(&config.database_url, args.repair) {
        Ok(held) => held,
        Err(refusal) => {
            eprintln!("error: DATABASE_URL: {refusal}");
            return EXIT_CONFIG;
        }
    };
    let store = match Store::connect(&config.database_url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: DATABASE_URL: {e}");
            return EXIT_CONFIG;
        }
    };
    if args.repair
        && let Some(refusal) = leader_acting(&store).await
    {
        eprintln!("error: {refusal}");
        close_store(&store).await;
        return EXIT_CONFIG;
    }
    let status = if args.repair {
        let timeout = args
            .timeout
            .or(config.run_timeout)
            .unwrap_or(DEFAULT_RUN_TIMEOUT);
        oneshot::run(
            Arc::new(config),
            store.clone(),
            &targets,
            args.json,
            timeout,
        )
        .await
    } else {
        check_once(config, store.clone(), &targets, args.json, stored).await
    };
    // The database file alone is complete afterwards, for a job cache to carry. Beside
    // a daemon it is the daemon's to fold.
    if stored {
        close_store(&store).await;
    } else {
        tokio::time::timeout(Duration::from_secs(5), store.close())
            .await
            .ok();
    }
    status
}

/// `--repair`: the lock, held until the run ends, or a refusal while another process
/// holds it. Plain `check`: no lock, and whether to store (not while one is held).
fn lock_for(url: &str, repair: bool) -> Result<(Option<lock::DbLock>, bool), String> {
    if repair {
        return match lock::acquire(url) {
            Ok(held) => Ok((held, true)),
            Err(e @ lock::LockError::Held { .. }) => Err(format!(
                "{e}: it repairs what is broken; run `check` without --repair, or ask it: \
                 POST /api/v1/spaces/<owner>/<name>/restart"
            )),
            Err(e) => Err(e.to_string()),
        };
    }
    match lock::holder(url) {
        None => Ok((None, true)),
        Some(holder) => {
            eprintln!(
                "note: DATABASE_URL: a running spacewarden holds this database ({holder}); \
                 this check is not stored, so the daemon sees every change first"
            );
            Ok((None, false))
        }
    }
}

/// Replicas on Postgres: while a leader is alive (a heartbeat within the last 15 s),
/// a one-shot repair would act beside it, unfenced; it is refused with what to do.
async fn leader_acting(store: &Store) -> Option<String> {
    let leader = store.leader().await.ok()??;
    // Edge: the heartbeat is another process's real time (replica.rs), so the age is
    // measured with the real clock.
    let age_ms = SystemClock
        .now()
        .timestamp_millis()
        .checked_sub(leader.heartbeat_ms)?;
    (leader.epoch > 0 && (0..15_000).contains(&age_ms)).then(|| {
        format!(
            "check --repair: replica {} leads on this database (heartbeat {} s ago) and repairs \
             what is broken; run `check` without --repair, or ask it: POST /api/v1/spaces/<owner>/<name>/restart",
            leader.holder,
            age_ms / 1000
        )
    })
}

/// One cycle, stored unless `stored` is false; no alerts, no repairs.
async fn check_once(
    config: Config,
    store: Store,
    targets: &[WatchTarget],
    json: bool,
    stored: bool,
) -> u8 {
    let (hub, probe) = match (HubClient::for_config(&config), HttpProbe::new()) {
        (Ok(hub), Ok(probe)) => (hub, probe),
        (Err(e), _) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
        (_, Err(e)) => {
            eprintln!("error: cannot build the HTTP client: {e}");
            return EXIT_CONFIG;
        }
    };
    let monitor = Monitor::new(MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(probe),
        store,
    ));
    let cycle = if stored {
        monitor.run_cycle(targets).await
    } else {
        monitor.check_unstored(targets).await
    };
    let observations = match cycle {
        Ok(observations) => observations,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_UNCHECKED;
        }
    };
    if json {
        println!("{}", render::json(&observations));
    } else {
        print!("{}", render::table(&observations));
    }
    exit_status(&observations)
}
