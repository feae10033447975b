//! `spacewarden run` (the default): the daemon. Starts the scheduler, the alert
//! delivery worker and the HTTP server under one cancellation token, stops them on
//! SIGTERM or Ctrl-C, and reports which part stopped and why.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::build::{Buttons, monitor_parts};
use super::{EXIT_CONFIG, EXIT_OK};
use crate::alerts::LogNotifier;
use crate::alerts::{DeliverySettings, run_delivery};
use crate::chat::discord::run_discord;
use crate::chat::telegram::{self, run_telegram};
use crate::clock::SystemClock;
use crate::commands::{Access, CommandCore};
use crate::config::Config;
use crate::monitor::{Monitor, Scheduler, run_watchdog};
use crate::store::Store;
use crate::supervise::{Restart, Supervisor};
use crate::web::{Meters, SampleBook, WebState};

/// A part of the daemon and how it ended.
type Stopped = (&'static str, Result<(), String>);

/// Parts whose final error does not stop the daemon.
const OPTIONAL: [&str; 2] = ["telegram", "discord"];

pub async fn run(args: super::RunArgs) -> u8 {
    let config = match Config::from_env() {
        Ok(config) => Arc::new(config),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    if config.watch.is_empty() {
        eprintln!("error: SPACES: nothing to watch; set SPACES (owner/name or owner/*)");
        return EXIT_CONFIG;
    }
    let store = match Store::connect(&config.database_url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: DATABASE_URL: {e}");
            return EXIT_CONFIG;
        }
    };
    // Bound before anything starts, so a taken port is a startup error, not a part
    // that dies later.
    let listener = match crate::web::SharedListener::bind(config.port).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: PORT: cannot listen on port {}: {e}", config.port);
            return EXIT_CONFIG;
        }
    };
    let (meters, samples) = (Meters::default(), SampleBook::default());
    let telegram_bot = config.telegram.as_ref().map(telegram::client);
    let monitor = match monitor_parts(
        config.clone(),
        store.clone(),
        &meters,
        &samples,
        telegram_bot.clone(),
        Arc::new(LogNotifier),
        Buttons::Answered,
    ) {
        Ok(parts) => Monitor::new(parts),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    tracing::info!(
        spaces = config.watch.len(),
        schedule = config.check_schedule.as_str(),
        destinations = ?monitor.outbox().destinations(),
        "spacewarden starting"
    );
    match monitor.resume_unfinished().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "resumed unfinished repairs by polling"),
        Err(e) => tracing::error!(error = %e, "cannot read unfinished repairs"),
    }

    // The token self-test runs beside the first cycle: a Hub slow to answer whoami
    // never holds the start back.
    {
        let monitor2 = monitor.clone();
        monitor.spawn_task("token self-test", async move {
            monitor2.check_tokens().await;
        });
    }
    if let Err(e) = monitor.outbox().load_changes(&store).await {
        tracing::error!(error = %e, "cannot read moved or dead chat destinations");
    }

    let cancel = CancellationToken::new();
    let supervisor = monitor.supervisor().clone();
    let mut parts: JoinSet<Stopped> = JoinSet::new();
    let scheduler = Arc::new(Scheduler::new(monitor.clone(), config.watch.clone()));
    let core = CommandCore::new(
        monitor.clone(),
        Access::from_config(&config),
        Some(scheduler.check_now()),
    );
    // Every part runs supervised: a panic or an error is logged, counted in /metrics
    // and restarted with backoff. A chat front whose token is refused stops alone
    // (Restart::OnPanic) and the rest keeps checking, repairing and alerting.
    let mut spawn = |part: &'static str, policy: Restart, start: PartStart| {
        supervised(&mut parts, &supervisor, &cancel, part, policy, start)
    };
    if let Some(bot) = telegram_bot {
        let (core, cancel) = (core.clone(), cancel.clone());
        spawn(
            "telegram",
            Restart::OnPanic,
            Box::new(move || {
                let (bot, core, cancel) = (bot.clone(), core.clone(), cancel.clone());
                Box::pin(async move { run_telegram(bot, core, cancel).await })
            }),
        );
    }
    if let Some(discord) = config.discord.clone() {
        let (core, cancel) = (core.clone(), cancel.clone());
        spawn(
            "discord",
            Restart::OnPanic,
            Box::new(move || {
                let (discord, core, cancel) = (discord.clone(), core.clone(), cancel.clone());
                Box::pin(async move { run_discord(discord, core, cancel).await })
            }),
        );
    }
    let web = WebState::new(monitor.clone(), scheduler.status())
        .with_core(core.clone())
        .with_meters(meters)
        .with_samples(samples);
    match args.bench_cycles {
        None => {
            let (scheduler, cancel) = (scheduler.clone(), cancel.clone());
            spawn(
                "scheduler",
                Restart::Always,
                Box::new(move || {
                    let (scheduler, cancel) = (scheduler.clone(), cancel.clone());
                    Box::pin(async move { scheduler.run(cancel).await })
                }),
            );
        }
        Some(n) => {
            let (scheduler, cancel) = (scheduler.clone(), cancel.clone());
            spawn(
                "scheduler",
                Restart::OnPanic,
                Box::new(move || {
                    let (scheduler, cancel) = (scheduler.clone(), cancel.clone());
                    Box::pin(async move {
                        let result = scheduler.run_back_to_back(n).await;
                        cancel.cancel();
                        result
                    })
                }),
            );
        }
    }
    {
        let (monitor, cancel) = (monitor.clone(), cancel.clone());
        spawn(
            "alert delivery",
            Restart::Always,
            Box::new(move || {
                let (store, outbox, cancel) = (
                    monitor.store().clone(),
                    monitor.outbox().clone(),
                    cancel.clone(),
                );
                Box::pin(async move {
                    run_delivery(
                        store,
                        outbox,
                        Arc::new(SystemClock),
                        DeliverySettings::default(),
                        cancel,
                    )
                    .await;
                    Ok(())
                })
            }),
        );
    }
    for (part, chore) in [
        ("housekeeping", Chore::Prune),
        ("keep-alive", Chore::Visits),
        ("memory sampler", Chore::Memory),
    ] {
        let (monitor, cancel) = (monitor.clone(), cancel.clone());
        spawn(
            part,
            Restart::Always,
            Box::new(move || {
                let (monitor, cancel) = (monitor.clone(), cancel.clone());
                Box::pin(async move {
                    match chore {
                        Chore::Prune => monitor.run_housekeeping(cancel).await,
                        Chore::Visits => monitor.run_keep_alive(cancel).await,
                        Chore::Memory => monitor.run_memory_sampler(cancel).await,
                    }
                })
            }),
        );
    }
    {
        let (monitor, status, cancel) = (monitor.clone(), scheduler.status(), cancel.clone());
        spawn(
            "watchdog",
            Restart::Always,
            Box::new(move || {
                Box::pin(run_watchdog(
                    monitor.clone(),
                    status.clone(),
                    cancel.clone(),
                ))
            }),
        );
    }
    {
        let cancel = cancel.clone();
        spawn(
            "HTTP server",
            Restart::Always,
            Box::new(move || {
                let (listener, web, cancel) = (listener.handle(), web.clone(), cancel.clone());
                Box::pin(async move { crate::web::serve(listener?, web, cancel).await })
            }),
        );
    }

    {
        let cancel = cancel.clone();
        parts.spawn(async move { ("signal handler", wait_for_signal(cancel).await) });
    }

    let mut status = EXIT_OK;
    while let Some(joined) = parts.join_next().await {
        let (part, result) = joined.unwrap_or_else(|e| ("a task", Err(format!("panicked: {e}"))));
        match (&result, cancel.is_cancelled()) {
            // A chat front that cannot run was logged by its supervisor; the rest runs on.
            (Err(_), false) if OPTIONAL.contains(&part) => continue,
            (Ok(()), _) if part == "signal handler" => tracing::info!(part, "stopped"),
            (Ok(()), true) => tracing::info!(part, "stopped"),
            (Ok(()), false) => {
                tracing::error!(part, "stopped unexpectedly");
                status = 1;
            }
            (Err(why), _) => {
                tracing::error!(part, "stopped: {why}");
                if !cancel.is_cancelled() {
                    status = 1;
                }
            }
        }
        cancel.cancel();
    }
    // Deliveries in flight were cut; what is still pending is sent on the next start.
    // The WAL is folded back into the database file, so the file alone is complete.
    if let Err(e) = store.checkpoint().await {
        tracing::warn!(error = %e, "cannot checkpoint the database on exit");
    }
    tokio::time::timeout(Duration::from_secs(5), store.close())
        .await
        .ok();
    tracing::info!("spacewarden stopped");
    status
}

/// A part's future, as the supervisor starts it.
type PartFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;
/// What (re)starts a part.
type PartStart = Box<dyn FnMut() -> PartFuture + Send>;

fn supervised(
    parts: &mut JoinSet<Stopped>,
    supervisor: &Supervisor,
    cancel: &CancellationToken,
    part: &'static str,
    policy: Restart,
    mut start: PartStart,
) {
    let (supervisor, cancel) = (supervisor.clone(), cancel.clone());
    parts.spawn(async move {
        let ended = supervisor.run_part(part, policy, cancel, &mut start).await;
        (part, ended)
    });
}

#[derive(Clone, Copy)]
enum Chore {
    Prune,
    Visits,
    Memory,
}

/// Ends with `Ok` on SIGTERM (what Hugging Face and Docker send) or Ctrl-C.
async fn wait_for_signal(cancel: CancellationToken) -> Result<(), String> {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            _ = term.recv() => tracing::info!("SIGTERM received; shutting down"),
            _ = ctrl_c => tracing::info!("Ctrl-C received; shutting down"),
        }
    }
    #[cfg(not(unix))]
    tokio::select! {
        () = cancel.cancelled() => return Ok(()),
        _ = ctrl_c => tracing::info!("Ctrl-C received; shutting down"),
    }
    cancel.cancel();
    Ok(())
}
