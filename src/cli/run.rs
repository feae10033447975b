//! `spacewarden run` (the default): the daemon. Starts the scheduler, the alert
//! delivery worker and the HTTP server under one cancellation token, stops them on
//! SIGTERM or Ctrl-C, and reports which part stopped and why.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{EXIT_CONFIG, EXIT_OK};
use crate::alerts::destinations::{LogNotifier, WebhookNotifier};
use crate::alerts::{DeliverySettings, Notifier, Outbox, run_delivery};
use crate::chat::discord::{DiscordNotifier, run_discord};
use crate::chat::telegram::{self, TelegramNotifier, TgBot, run_telegram};
use crate::clock::SystemClock;
use crate::commands::{Access, CommandCore};
use crate::config::Config;
use crate::hub::{HttpProbe, HubClient};
use crate::monitor::{Monitor, MonitorParts, Scheduler};
use crate::store::Store;
use crate::web::{MeteredProbe, Meters, RecordingHub, SampleBook, WebState};

/// A part of the daemon and how it ended.
type Stopped = (&'static str, Result<(), String>);

/// Parts whose end does not stop the daemon.
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
    let listener = match crate::web::bind(config.port).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: PORT: cannot listen on port {}: {e}", config.port);
            return EXIT_CONFIG;
        }
    };
    let (meters, samples) = (Meters::default(), SampleBook::default());
    let telegram_bot = config.telegram.as_ref().map(telegram::client);
    let monitor = match build_monitor(
        config.clone(),
        store.clone(),
        &meters,
        &samples,
        telegram_bot.clone(),
    ) {
        Ok(monitor) => monitor,
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

    if let Err(e) = monitor.outbox().load_changes(&store).await {
        tracing::error!(error = %e, "cannot read moved or dead chat destinations");
    }

    let cancel = CancellationToken::new();
    let mut parts: JoinSet<Stopped> = JoinSet::new();
    let scheduler = Scheduler::new(monitor.clone(), config.watch.clone());
    let core = CommandCore::new(
        monitor.clone(),
        Access::from_config(&config),
        Some(scheduler.check_now()),
    );
    if let Some(bot) = telegram_bot {
        let (core, cancel) = (core.clone(), cancel.clone());
        parts.spawn(async move { ("telegram", run_telegram(bot, core, cancel).await) });
    }
    if let Some(discord) = config.discord.clone() {
        let (core, cancel) = (core.clone(), cancel.clone());
        parts.spawn(async move { ("discord", run_discord(discord, core, cancel).await) });
    }
    let web = WebState::new(monitor.clone(), scheduler.status())
        .with_meters(meters)
        .with_samples(samples);
    {
        let cancel = cancel.clone();
        match args.bench_cycles {
            None => parts.spawn(async move { ("scheduler", scheduler.run(cancel).await) }),
            Some(n) => parts.spawn(async move {
                let result = scheduler.run_back_to_back(n).await;
                cancel.cancel();
                ("scheduler", result)
            }),
        };
    }
    {
        let (store, outbox, cancel) = (store.clone(), monitor.outbox().clone(), cancel.clone());
        parts.spawn(async move {
            run_delivery(
                store,
                outbox,
                Arc::new(SystemClock),
                DeliverySettings::default(),
                cancel,
            )
            .await;
            ("alert delivery", Ok(()))
        });
    }
    {
        let cancel = cancel.clone();
        parts.spawn(async move {
            (
                "HTTP server",
                crate::web::serve(listener, web, cancel).await,
            )
        });
    }
    {
        let cancel = cancel.clone();
        parts.spawn(async move { ("signal handler", wait_for_signal(cancel).await) });
    }

    let mut status = EXIT_OK;
    let mut first = true;
    while let Some(joined) = parts.join_next().await {
        let (part, result) = joined.unwrap_or_else(|e| ("a task", Err(format!("panicked: {e}"))));
        // A chat front that cannot run (a refused token) is reported and the rest of
        // spacewarden keeps checking, repairing and alerting.
        if OPTIONAL.contains(&part) && !cancel.is_cancelled() {
            match &result {
                Ok(()) => tracing::warn!(part, "stopped"),
                Err(why) => tracing::error!(part, "stopped: {why}; the rest keeps running"),
            }
            continue;
        }
        match &result {
            Ok(()) if cancel.is_cancelled() || part == "signal handler" => {
                tracing::info!(part, "stopped")
            }
            Ok(()) => tracing::error!(part, "stopped unexpectedly"),
            Err(why) => tracing::error!(part, "stopped: {why}"),
        }
        // The first part to stop decides: after a signal everything stops on purpose.
        if first && !cancel.is_cancelled() {
            status = 1;
        }
        first = false;
        cancel.cancel();
    }
    // Deliveries in flight were cut; what is still pending is sent on the next start.
    tokio::time::timeout(Duration::from_secs(5), store.close())
        .await
        .ok();
    tracing::info!("spacewarden stopped");
    status
}

/// The monitor as the daemon runs it: the Hub client and the probe report to the
/// `/metrics` counters, and live-metrics samples read through the Hub are kept for the
/// status page.
fn build_monitor(
    config: Arc<Config>,
    store: Store,
    meters: &Meters,
    samples: &SampleBook,
    telegram: Option<TgBot>,
) -> Result<Monitor, String> {
    let hub = HubClient::for_config(&config)
        .map_err(|e| e.to_string())?
        .with_observer(meters.hub_observer());
    let hub = RecordingHub::new(Arc::new(hub), samples.clone());
    let probe = HttpProbe::new().map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let probe = MeteredProbe::new(Arc::new(probe), meters.clone());
    let mut notifiers: Vec<Arc<dyn Notifier>> = vec![Arc::new(LogNotifier)];
    if let Some(url) = &config.alert_webhook_url {
        let webhook = WebhookNotifier::new(url.clone())
            .map_err(|e| format!("ALERT_WEBHOOK_URL: cannot build the HTTP client: {e}"))?;
        notifiers.push(Arc::new(webhook));
    }
    if let (Some(bot), Some(settings)) = (telegram, &config.telegram) {
        notifiers.push(Arc::new(TelegramNotifier::new(
            bot,
            settings.chat_ids.clone(),
            store.clone(),
        )));
    }
    if let Some(settings) = &config.discord {
        notifiers.push(Arc::new(DiscordNotifier::new(settings, store.clone())?));
    }
    let mut parts = MonitorParts::new(config, Arc::new(hub), Arc::new(probe), store);
    parts.outbox = Outbox::new(notifiers);
    Ok(Monitor::new(parts))
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
