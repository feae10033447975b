//! How the commands that act (`run`, `check --repair`) build their monitor: the Hub
//! client and the probe reporting to the `/metrics` counters, live-metrics samples
//! kept for the pages, and the alert destinations from the configuration. Building a
//! notifier starts nothing: the chat bots (polling, gateway) are `run`'s business.

use std::sync::Arc;

use crate::alerts::{Notifier, Outbox};
use crate::chat::discord::DiscordNotifier;
use crate::chat::telegram::{TelegramNotifier, TgBot};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::hub::{HttpProbe, HubClient, HubObserver};
use crate::monitor::MonitorParts;
use crate::store::Store;
use crate::web::{MeteredProbe, Meters, SampleBook};
use crate::webhook::WebhookNotifier;

/// Whether chat alerts carry Restart / Rebuild / Mute / Logs buttons: only when a bot
/// runs to answer them (the daemon), not from a one-shot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Buttons {
    Answered,
    None,
}

/// The daemon's monitor parts (`observed_parts`), its Hub reads of live metrics kept
/// in `samples` for the pages.
pub(super) fn monitor_parts(
    config: Arc<Config>,
    store: Store,
    meters: &Meters,
    samples: &SampleBook,
    telegram: Option<TgBot>,
    console: Arc<dyn Notifier>,
    buttons: Buttons,
) -> Result<MonitorParts, String> {
    let observer = samples.hub_observer(Arc::new(SystemClock));
    observed_parts(config, store, meters, observer, telegram, console, buttons)
}

/// The parts of the monitor, with every configured alert destination: `console` (the
/// `log` destination: stdout for the daemon, the progress display for a one-shot
/// run), `ALERT_WEBHOOK_URL`, the Telegram chats and the Discord channels. The Hub
/// client tells `meters` and `observer` of its calls.
pub(super) fn observed_parts(
    config: Arc<Config>,
    store: Store,
    meters: &Meters,
    observer: Arc<dyn HubObserver>,
    telegram: Option<TgBot>,
    console: Arc<dyn Notifier>,
    buttons: Buttons,
) -> Result<MonitorParts, String> {
    let hub = HubClient::for_config(&config)
        .map_err(|e| e.to_string())?
        .with_observer(meters.hub_observer())
        .with_observer(observer);
    let probe = HttpProbe::new().map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let probe = MeteredProbe::new(Arc::new(probe), meters.clone());
    let mut notifiers: Vec<Arc<dyn Notifier>> = vec![console];
    if let Some(url) = &config.alert_webhook_url {
        let webhook = WebhookNotifier::new(url.clone())
            .map_err(|e| format!("ALERT_WEBHOOK_URL: cannot build the HTTP client: {e}"))?;
        notifiers.push(Arc::new(webhook));
    }
    if let (Some(bot), Some(settings)) = (telegram, &config.telegram) {
        let mut notifier = TelegramNotifier::new(bot, settings.chat_ids.clone(), store.clone());
        if buttons == Buttons::None {
            notifier = notifier.without_buttons();
        }
        notifiers.push(Arc::new(notifier));
    }
    if let Some(settings) = &config.discord {
        let mut notifier = DiscordNotifier::new(settings, store.clone())?;
        if buttons == Buttons::None {
            notifier = notifier.without_buttons();
        }
        notifiers.push(Arc::new(notifier));
    }
    let mut parts = MonitorParts::new(config, Arc::new(hub), Arc::new(probe), store);
    parts.outbox = Outbox::new(notifiers);
    Ok(parts)
}
