//! How the commands that act (`run`, `check --repair`) build their monitor: the Hub
//! client and the probe reporting to the `/metrics` counters, live-metrics samples
//! kept for the pages, and the alert destinations from the configuration. Building a
//! notifier starts nothing: the chat bots (polling, gateway) are `run`'s business.

use std::sync::Arc;

use crate::alerts::{Notifier, Outbox};
use crate::chat::discord::DiscordNotifier;
use crate::chat::telegram::{TelegramNotifier, TgBot};
use crate::config::Config;
use crate::hub::{HttpProbe, HubClient};
use crate::monitor::MonitorParts;
use crate::store::Store;
use crate::web::{MeteredProbe, Meters, RecordingHub, SampleBook};
use crate::webhook::WebhookNotifier;

/// Whether chat alerts carry Restart / Rebuild / Mute / Logs buttons: only when a bot
/// runs to answer them (the daemon), not from a one-shot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Buttons {
    Answered,
    None,
}

/// The parts of the monitor, with every configured alert destination: `console` (the
/// `log` destination: stdout for the daemon, the progress display for a one-shot
/// run), `ALERT_WEBHOOK_URL`, the Telegram chats and the Discord channels.
pub(super) fn monitor_parts(
    config: Arc<Config>,
    store: Store,
    meters: &Meters,
    samples: &SampleBook,
    telegram: Option<TgBot>,
    console: Arc<dyn Notifier>,
    buttons: Buttons,
) -> Result<MonitorParts, String> {
    let hub = HubClient::for_config(&config)
        .map_err(|e| e.to_string())?
        .with_observer(meters.hub_observer());
    let hub = RecordingHub::new(Arc::new(hub), samples.clone());
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
