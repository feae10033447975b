//! `spacewarden run` (the default): the daemon. Starts the scheduler, the alert
//! delivery worker and the HTTP server under one cancellation token, stops them on
//! SIGTERM or Ctrl-C, and reports which part stopped and why. On Postgres it is one
//! of several replicas: it serves HTTP always, and runs the leader's parts only while
//! it leads (`replica`).

use std::sync::Arc;
use std::time::Duration;

#[cfg(unix)]
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::build::{Buttons, monitor_parts};
use super::duties::{LeaderDuties, OPTIONAL};
use super::reload::Reloader;
use super::{EXIT_CONFIG, EXIT_OK};
use crate::alerts::destinations;
use crate::chat::telegram;
use crate::commands::{Access, CommandCore};
use crate::config::Config;
use crate::monitor::{Monitor, Scheduler};
use crate::replica::{Replica, Role};
use crate::store::{Backend, Store};
use crate::supervise::{Restart, Stopped, supervised};
use crate::web::{Meters, SampleBook, WebState};

/// What the daemon holds once its startup checks passed.
struct Started {
    config: Arc<Config>,
    #[cfg(unix)]
    hangup: Signal,
    /// Held for the process's life (see `lock`).
    db_lock: Option<super::lock::DbLock>,
    store: Store,
    replica: Replica,
    listener: crate::web::SharedListener,
}

/// The startup checks, in order; an error is the one line to print (exit 2).
async fn start_up() -> Result<Started, String> {
    let config = Arc::new(Config::from_env().map_err(|e| e.to_string())?);
    if config.watch.is_empty() {
        return Err("SPACES: nothing to watch; set SPACES (owner/name or owner/*)".to_owned());
    }
    // SIGHUP is answered from now on (by default it ends the process): a reload asked
    // for before the signal part runs is not lost.
    #[cfg(unix)]
    let hangup =
        signal(SignalKind::hangup()).map_err(|e| format!("cannot listen for SIGHUP: {e}"))?;
    let db_lock = super::lock::acquire(&config.database_url).map_err(|e| match e {
        super::lock::LockError::Held { .. } => format!(
            "DATABASE_URL: {e}; two daemons on one database would both repair and alert: stop \
             the other one, or give this one a DATABASE_URL of its own"
        ),
        _ => format!("DATABASE_URL: {e}"),
    })?;
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|e| format!("DATABASE_URL: {e}"))?;
    // SQLite: this process is alone and acts. Postgres: it campaigns, and its action
    // and alert writes are fenced by the leader epoch it holds (none yet).
    let (replica, store) = match store.backend() {
        Backend::Sqlite => (Replica::single(), store),
        Backend::Postgres => {
            let replica = Replica::campaigning();
            let store = store.fenced(replica.fence());
            (replica, store)
        }
    };
    // Bound before anything starts, so a taken port is a startup error, not a part
    // that dies later.
    let listener = crate::web::SharedListener::bind(config.port)
        .await
        .map_err(|e| format!("PORT: cannot listen on port {}: {e}", config.port))?;
    Ok(Started {
        config,
        #[cfg(unix)]
        hangup,
        db_lock,
        store,
        replica,
        listener,
    })
}

pub async fn run(args: super::RunArgs) -> u8 {
    let started = match start_up().await {
        Ok(started) => started,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    let Started {
        config,
        #[cfg(unix)]
        hangup,
        db_lock: _db_lock,
        store,
        replica,
        listener,
    } = started;
    let (meters, samples) = (Meters::default(), SampleBook::default());
    let telegram_bot = config.telegram.as_ref().map(telegram::client);
    let monitor = match monitor_parts(
        config.clone(),
        store.clone(),
        &meters,
        &samples,
        telegram_bot.clone(),
        destinations::log(),
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
        role = replica.role().as_str(),
        "spacewarden starting"
    );
    let cancel = CancellationToken::new();
    let supervisor = monitor.supervisor().clone();
    let mut parts: JoinSet<Stopped> = JoinSet::new();
    let scheduler = Arc::new(Scheduler::new(monitor.clone(), config.watch.clone()));
    let core = CommandCore::new(
        monitor.clone(),
        Access::from_config(&config),
        Some(scheduler.check_now()),
    )
    .with_replica(replica.clone());
    let web = WebState::new(monitor.clone(), scheduler.status())
        .with_core(core.clone())
        .with_replica(replica.clone())
        .with_meters(meters)
        .with_samples(samples);
    let duties = LeaderDuties {
        monitor: monitor.clone(),
        scheduler: scheduler.clone(),
        core: core.clone(),
        replica: replica.clone(),
        telegram: telegram_bot,
        bench_cycles: args.bench_cycles,
        main: cancel.clone(),
    };

    // Every part runs supervised: a panic or an error is logged, counted in /metrics
    // and restarted with backoff. Every replica serves HTTP; only the one that acts
    // runs the leader's parts (`LeaderDuties`).
    {
        let cancel = cancel.clone();
        supervised(
            &mut parts,
            &supervisor,
            &cancel,
            "HTTP server",
            Restart::Always,
            Box::new(move |cancel| {
                let (listener, web) = (listener.handle(), web.clone());
                Box::pin(async move { crate::web::serve(listener?, web, cancel).await })
            }),
        );
    }
    if replica.role() == Role::Follower {
        let (replica, store) = (replica.clone(), store.clone());
        supervised(
            &mut parts,
            &supervisor,
            &cancel,
            "leadership",
            Restart::Always,
            Box::new(move |cancel| {
                let (replica, store) = (replica.clone(), store.clone());
                Box::pin(async move { replica.campaign(store, cancel).await })
            }),
        );
    }
    {
        // Supervised like every part: a panic restarts it (its parts stop with it); a
        // final error (a benchmark's scheduler) stops the daemon as before.
        let part_supervisor = supervisor.clone();
        supervised(
            &mut parts,
            &supervisor,
            &cancel,
            "leader duties",
            Restart::OnPanic,
            Box::new(move |cancel| {
                let (duties, supervisor) = (duties.clone(), part_supervisor.clone());
                Box::pin(async move { duties.run(&supervisor, cancel).await })
            }),
        );
    }
    {
        let cancel = cancel.clone();
        let reloader = Reloader::new(monitor.clone(), config.clone());
        #[cfg(unix)]
        parts.spawn(async move {
            let ended = wait_for_signal(cancel, hangup, reloader).await;
            ("signal handler", ended)
        });
        #[cfg(not(unix))]
        parts.spawn(async move { ("signal handler", wait_for_signal(cancel, reloader).await) });
    }

    let status = wait_for_parts(&mut parts, &cancel).await;
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

/// Waits for every part to stop (the first to stop stops the rest); the exit status.
async fn wait_for_parts(parts: &mut JoinSet<Stopped>, cancel: &CancellationToken) -> u8 {
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
    status
}

/// Ends with `Ok` on SIGTERM (what Hugging Face and Docker send) or Ctrl-C; reloads
/// the configuration on SIGHUP (`reload`) and goes on.
#[cfg(unix)]
async fn wait_for_signal(
    cancel: CancellationToken,
    mut hangup: Signal,
    reloader: Reloader,
) -> Result<(), String> {
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            _ = term.recv() => {
                tracing::info!("SIGTERM received; shutting down");
                break;
            }
            _ = &mut ctrl_c => {
                tracing::info!("Ctrl-C received; shutting down");
                break;
            }
            Some(()) = hangup.recv() => {
                tracing::info!("SIGHUP received; reloading the configuration");
                // A reload that panics is logged; the daemon keeps its settings and runs on.
                let reload = std::panic::AssertUnwindSafe(|| reloader.reload());
                if let Err(panic) = std::panic::catch_unwind(reload) {
                    tracing::error!(
                        "configuration reload panicked: {}",
                        crate::supervise::panic_message(panic)
                    );
                }
            }
        }
    }
    cancel.cancel();
    Ok(())
}

/// Ends with `Ok` on Ctrl-C.
#[cfg(not(unix))]
async fn wait_for_signal(cancel: CancellationToken, _reloader: Reloader) -> Result<(), String> {
    tokio::select! {
        () = cancel.cancelled() => return Ok(()),
        _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C received; shutting down"),
    }
    cancel.cancel();
    Ok(())
}
