//! `spacewarden check --repair`: the daemon's work in one run, for cron and scheduled
//! CI jobs. It is built from the daemon's own parts, so the policy, the caps, the
//! incidents and the audit are the same (recorded with the actor `cli`): a cycle
//! (`Monitor::tick`: observe, plan, one short write, then the repair ladders and wakes
//! as supervised tasks), a wait for them (`Monitor::settle`), and again while the last
//! cycle started work (a Space the global cap deferred, a wake to verify), then the
//! final state as `check` prints it. Alerts are delivered by `deliver_due`, the daemon
//! worker's own step, while the repairs run and after them.
//!
//! One deadline bounds it all. Repairs still running at `--timeout` are stopped (their
//! action rows stay unfinished and the next run resumes them by polling, as the daemon
//! does after a restart); alerts still undelivered stay in the outbox for the next run.

use std::convert::Infallible;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::lang::lang;
use super::progress::{Progress, Repairing};
use super::{EXIT_CONFIG, EXIT_UNCHECKED, exit_status, render};
use crate::alerts::{DeliverySettings, deliver_due};
use crate::app::{Advice, App, Purpose};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::{Observation, WatchTarget};
use crate::monitor::{CycleError, Monitor};
use crate::store::Store;
use crate::t;

/// Cycles in one run at most: each one after the first only follows up on work the
/// previous one started; the per-Space caps end the chain long before this.
const MAX_CYCLES: usize = 10;
/// The share of the timeout kept for delivering the alerts the last repairs raised,
/// at most a minute.
const DELIVERY_SHARE: u32 = 10;
const DELIVERY_RESERVE_MAX: Duration = Duration::from_secs(60);

/// How the repairs ended.
struct Worked {
    observations: Vec<Observation>,
    /// Repairs were still running at the deadline (stopped; resumed next run).
    cut: bool,
}

pub(super) async fn run(
    config: Config,
    targets: &[WatchTarget],
    json: bool,
    timeout: Duration,
) -> u8 {
    let advice = Advice::CheckRepair;
    let (app, progress) = match start("check --repair", advice, config, json, timeout).await {
        Ok(started) => started,
        Err(status) => return status,
    };
    let status = repair_all(&app, &progress, targets, json, timeout).await;
    // The database file alone is complete afterwards, for a job cache to carry.
    app.close().await;
    status
}

/// A one-shot's app (`Purpose::OneShot`: the lock held, recorded as `cli`), with the
/// progress display as its console and Hub observer, and the chat destinations that
/// moved or died since the last run read. The error is the exit status, printed.
pub(super) async fn start(
    command: &'static str,
    advice: Advice,
    config: Config,
    json: bool,
    timeout: Duration,
) -> Result<(App, Progress), u8> {
    let live = !json && std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let progress = Progress::new(live, timeout);
    let purpose = Purpose::OneShot {
        command,
        advice,
        observer: Arc::new(progress.clone()),
        console: Arc::new(progress.console()),
    };
    let app = match App::build(config, purpose).await {
        Ok(app) => app,
        Err(e) => {
            progress.clear();
            return Err(e.report());
        }
    };
    if let Err(e) = app.monitor.outbox().load_changes(&app.store).await {
        tracing::error!(error = %e, "cannot read moved or dead chat destinations");
    }
    Ok((app, progress))
}

/// `timeout` is at most a day (`parse_timeout`, `MAX_RUN_TIMEOUT`): the deadline and
/// the share kept for delivering the last alerts.
pub(super) fn deadlines(timeout: Duration) -> Option<(Instant, Instant)> {
    let deadline = Instant::now().checked_add(timeout)?;
    let reserve = (timeout / DELIVERY_SHARE).min(DELIVERY_RESERVE_MAX);
    Some((deadline, deadline.checked_sub(reserve).unwrap_or(deadline)))
}

/// Repairs while the alerts go out, then prints the final state.
async fn repair_all(
    app: &App,
    progress: &Progress,
    targets: &[WatchTarget],
    json: bool,
    timeout: Duration,
) -> u8 {
    let monitor = &app.monitor;
    let Some((deadline, repairs_until)) = deadlines(timeout) else {
        progress.clear();
        eprintln!("{}", t!(lang(), "cli-timeout-too-long"));
        return EXIT_CONFIG;
    };
    let (done, done_rx) = watch::channel(false);
    let work = async {
        let worked = tokio::select! {
            worked = repair(monitor, targets, progress, repairs_until) => worked,
            never = show_repairs(monitor, progress) => match never {},
        };
        let _ = done.send(true);
        worked
    };
    let (worked, left) = tokio::join!(work, deliver(monitor, progress, deadline, done_rx));
    say_undelivered(progress, left);
    progress.clear();
    let worked = match worked {
        Ok(worked) => worked,
        Err(e) => {
            eprintln!("{}", t!(lang(), "cli-error", error = e.to_string()));
            return EXIT_UNCHECKED;
        }
    };
    if worked.cut {
        let after = crate::domain::format_duration(timeout);
        eprintln!("{}", t!(lang(), "cli-repair-timed-out", after = after));
    }
    if json {
        println!("{}", render::json(&worked.observations));
    } else {
        print!(
            "{}",
            render::table(&worked.observations, super::lang::locale())
        );
    }
    exit_status(&worked.observations)
}

/// How many alerts are left for the next run, when any are.
pub(super) fn say_undelivered(progress: &Progress, left: usize) {
    match left {
        0 => {}
        n => progress.say(&t!(lang(), "cli-alerts-left", count = n)),
    }
}

/// Why `check --repair` has no result to print (exit 3).
#[derive(Debug, thiserror::Error)]
enum Unchecked {
    #[error("{0}")]
    Cycle(#[from] CycleError),
    #[error("the check did not finish within the timeout")]
    TimedOut,
}

/// Cycles and repairs until a cycle starts no work, or `until`.
async fn repair(
    monitor: &Monitor,
    targets: &[WatchTarget],
    progress: &Progress,
    until: Instant,
) -> Result<Worked, Unchecked> {
    match monitor.resume_unfinished().await {
        Ok(0) => {}
        Ok(n) => progress.say(&t!(lang(), "cli-resuming", count = n)),
        Err(e) => tracing::error!(error = %e, "cannot read unfinished repairs"),
    }
    let mut last: Option<Vec<Observation>> = None;
    for _ in 0..MAX_CYCLES {
        progress.phase("checking");
        let observations = match tokio::time::timeout_at(until, monitor.tick(targets)).await {
            Ok(Ok(observations)) => observations,
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {
                monitor.abort_tasks();
                return match last {
                    Some(observations) => Ok(Worked {
                        observations,
                        cut: true,
                    }),
                    None => Err(Unchecked::TimedOut),
                };
            }
        };
        let summary = render::summary(&observations, lang());
        progress.say(&t!(lang(), "cli-checked", summary = summary));
        progress.phase("repairing");
        let waited = tokio::select! {
            waited = monitor.settle() => Some(waited),
            () = tokio::time::sleep_until(until) => None,
        };
        match waited {
            // Dropping `settle` stopped the tasks it held; none start after it.
            None => {
                monitor.abort_tasks();
                return Ok(Worked {
                    observations,
                    cut: true,
                });
            }
            Some(0) => {
                return Ok(Worked {
                    observations,
                    cut: false,
                });
            }
            Some(_) => last = Some(observations),
        }
    }
    tracing::warn!(
        cycles = MAX_CYCLES,
        "still starting repairs after every cycle; stopping here"
    );
    Ok(Worked {
        observations: last.unwrap_or_default(),
        cut: false,
    })
}

/// Reports what is being repaired (from the action rows: the same truth the page and
/// the API show), until dropped.
async fn show_repairs(monitor: &Monitor, progress: &Progress) -> Infallible {
    let mut every = tokio::time::interval(progress.refresh());
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match monitor.store().unfinished_actions().await {
            Ok(actions) => {
                let now: Vec<Repairing> = actions
                    .into_iter()
                    .map(|a| Repairing {
                        space: a.space_id,
                        step: a.kind.to_string(),
                    })
                    .collect();
                progress.repairing(&now);
            }
            Err(e) => tracing::debug!(error = %e, "cannot read the repairs in progress"),
        }
    }
}

/// Delivers the outbox as rows become due, until the work is done and nothing is
/// pending, or `deadline`. Returns how many alerts are left for the next run.
pub(super) async fn deliver(
    monitor: &Monitor,
    progress: &Progress,
    deadline: Instant,
    mut done: watch::Receiver<bool>,
) -> usize {
    let (store, outbox) = (monitor.store(), monitor.outbox());
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let settings = DeliverySettings {
            timeout: remaining.min(DeliverySettings::default().timeout),
            ..DeliverySettings::default()
        };
        let next = tokio::time::timeout_at(
            deadline,
            deliver_due(store, outbox, &SystemClock, &settings),
        )
        .await;
        let wait = match next {
            Ok(Ok(wait)) => wait,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "alert delivery: store error");
                Duration::from_secs(1)
            }
            Err(_) => break,
        };
        let finished = *done.borrow();
        if finished {
            progress.phase("delivering alerts");
            if pending(store).await == 0 {
                return 0;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = outbox.signal().notified() => {}
            _ = done.changed(), if !finished => {}
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    pending(store).await
}

/// Alerts still waiting in the outbox, over every destination.
async fn pending(store: &Store) -> usize {
    match store.outbox_counts().await {
        Ok(counts) => counts
            .iter()
            .filter(|(_, state, _)| state == "pending")
            .map(|(_, _, n)| usize::try_from(*n).unwrap_or(0))
            .sum(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot count the alerts still to deliver");
            0
        }
    }
}
