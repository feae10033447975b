//! `spacewarden run` (the default): the daemon. Starts the scheduler, the alert
//! delivery worker and the HTTP server under one cancellation token, stops them on
//! SIGTERM or Ctrl-C, and reports which part stopped and why. On Postgres it is one
//! of several replicas: it serves HTTP always, and runs the leader's parts only while
//! it leads (`replica`).

#[cfg(unix)]
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::EXIT_OK;
use super::duties::LeaderDuties;
use super::reload::Reloader;
use crate::app::{App, BuildError, Purpose};
use crate::replica::Role;
use crate::supervise::{Part, Restart, Stopped, supervised};
use crate::view::Warmth;
use crate::web::{SampleBook, SharedListener, WebState};

/// What the daemon holds besides its `App` once its startup checks passed.
struct Daemon {
    #[cfg(unix)]
    hangup: Signal,
    listener: SharedListener,
    samples: SampleBook,
}

/// The startup checks, in order; an error is the one line to print (exit 2).
async fn start_up() -> Result<(App, Daemon), BuildError> {
    let config = super::watched_config()?;
    // SIGHUP is answered from now on (by default it ends the process): a reload asked
    // for before the signal part runs is not lost.
    #[cfg(unix)]
    let hangup = signal(SignalKind::hangup()).map_err(BuildError::Signal)?;
    let samples = SampleBook::default();
    let purpose = Purpose::Daemon {
        samples: samples.clone(),
    };
    let app = App::build(config, purpose).await?;
    // Bound before anything starts, so a taken port is a startup error, not a part
    // that dies later.
    let port = app.config.port;
    let listener = SharedListener::bind(port)
        .await
        .map_err(|source| BuildError::Listen { port, source })?;
    let daemon = Daemon {
        #[cfg(unix)]
        hangup,
        listener,
        samples,
    };
    Ok((app, daemon))
}

pub async fn run(args: super::RunArgs) -> u8 {
    let (app, daemon) = match start_up().await {
        Ok(started) => started,
        Err(e) => return e.report(),
    };
    tracing::info!(
        spaces = app.config.watch.len(),
        schedule = app.config.check_schedule.as_str(),
        destinations = ?app.monitor.outbox().destinations(),
        role = app.replica.role().as_str(),
        "spacewarden starting"
    );
    let cancel = CancellationToken::new();
    let mut parts: JoinSet<Stopped> = JoinSet::new();
    start_parts(&mut parts, &app, daemon, args.bench_cycles, &cancel);
    let status = wait_for_parts(&mut parts, &cancel).await;
    // Deliveries in flight were cut; what is still pending is sent on the next start.
    // The WAL is folded back into the database file, so the file alone is complete.
    app.close().await;
    tracing::info!("spacewarden stopped");
    status
}

/// Starts every part supervised: a panic or an error is logged, counted in /metrics
/// and restarted with backoff. Every replica builds its read model and serves HTTP;
/// only the one that acts runs the leader's parts (`LeaderDuties`).
fn start_parts(
    parts: &mut JoinSet<Stopped>,
    app: &App,
    daemon: Daemon,
    bench_cycles: Option<u64>,
    cancel: &CancellationToken,
) {
    let supervisor = app.monitor.supervisor().clone();
    let warmth = start_read_model(parts, app, cancel);
    let web = WebState::new(app.monitor.clone(), app.scheduler.status())
        .with_core(app.core.clone())
        .with_replica(app.replica.clone())
        .with_meters(app.meters.clone())
        .with_samples(daemon.samples)
        .with_warmth(warmth);
    let listener = daemon.listener;
    let ahead = web.clone();
    supervised(
        parts,
        &supervisor,
        cancel,
        Part::Metrics,
        Restart::Always,
        Box::new(move |cancel| Box::pin(crate::web::render_ahead(ahead.clone(), cancel))),
    );
    supervised(
        parts,
        &supervisor,
        cancel,
        Part::HttpServer,
        Restart::Always,
        Box::new(move |cancel| {
            let (listener, web) = (listener.handle(), web.clone());
            Box::pin(async move { crate::web::serve(listener?, web, cancel).await })
        }),
    );
    if app.replica.role() == Role::Follower {
        let (replica, store) = (app.replica.clone(), app.store.clone());
        supervised(
            parts,
            &supervisor,
            cancel,
            Part::Leadership,
            Restart::Always,
            Box::new(move |cancel| {
                let (replica, store) = (replica.clone(), store.clone());
                Box::pin(async move { replica.campaign(store, cancel).await })
            }),
        );
    }
    let duties = LeaderDuties {
        monitor: app.monitor.clone(),
        scheduler: app.scheduler.clone(),
        core: app.core.clone(),
        replica: app.replica.clone(),
        telegram: app.telegram.clone(),
        bench_cycles,
        main: cancel.clone(),
    };
    // Supervised like every part: a panic restarts it (its parts stop with it); a
    // final error (a benchmark's scheduler) stops the daemon as before.
    let part_supervisor = supervisor.clone();
    supervised(
        parts,
        &supervisor,
        cancel,
        Part::LeaderDuties,
        Restart::OnPanic,
        Box::new(move |cancel| {
            let (duties, supervisor) = (duties.clone(), part_supervisor.clone());
            Box::pin(async move { duties.run(&supervisor, cancel).await })
        }),
    );
    let reloader = Reloader::new(app.monitor.clone(), app.config.clone());
    let cancel = cancel.clone();
    #[cfg(unix)]
    parts.spawn(async move {
        let ended = wait_for_signal(cancel, daemon.hangup, reloader).await;
        (Part::SignalHandler, ended)
    });
    #[cfg(not(unix))]
    parts.spawn(async move { (Part::SignalHandler, wait_for_signal(cancel, reloader).await) });
}

/// Starts the read model's part (`view::keep_current`) on every replica: it is built
/// here, not by the first request, and requests wait on the returned phase a short
/// while (`web::starting`).
fn start_read_model(parts: &mut JoinSet<Stopped>, app: &App, cancel: &CancellationToken) -> Warmth {
    let warmth = Warmth::default();
    let (monitor, replica, building) = (app.monitor.clone(), app.replica.clone(), warmth.clone());
    supervised(
        parts,
        app.monitor.supervisor(),
        cancel,
        Part::ReadModel,
        Restart::Always,
        Box::new(move |cancel| {
            let (monitor, replica, warmth) = (monitor.clone(), replica.clone(), building.clone());
            Box::pin(crate::view::keep_current(monitor, replica, warmth, cancel))
        }),
    );
    warmth
}

/// Waits for every part to stop (the first to stop stops the rest); the exit status.
async fn wait_for_parts(parts: &mut JoinSet<Stopped>, cancel: &CancellationToken) -> u8 {
    let mut status = EXIT_OK;
    while let Some(joined) = parts.join_next().await {
        let (stopped, result) = match joined {
            Ok((part, result)) => (Some(part), result),
            // The task around a supervised part: which one is unknown.
            Err(e) => (None, Err(format!("panicked: {e}").into())),
        };
        let part = stopped.map_or("a task", Part::as_str);
        match (&result, cancel.is_cancelled()) {
            // A chat front that cannot run was logged by its supervisor; the rest runs on.
            (Err(_), false) if stopped.is_some_and(Part::is_optional) => continue,
            (Ok(()), _) if stopped == Some(Part::SignalHandler) => tracing::info!(part, "stopped"),
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
) -> crate::supervise::PartResult {
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
async fn wait_for_signal(
    cancel: CancellationToken,
    _reloader: Reloader,
) -> crate::supervise::PartResult {
    tokio::select! {
        () = cancel.cancelled() => return Ok(()),
        _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C received; shutting down"),
    }
    cancel.cancel();
    Ok(())
}
