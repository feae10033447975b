//! How the commands that act (`run`, `check --repair`) build their monitor: the Hub
//! client and the probe reporting to the `/metrics` counters, live-metrics samples
//! kept for the pages, and the alert destinations from the configuration (built in
//! `alerts::destinations::from_config`).

use std::sync::Arc;

use crate::alerts::destinations::{self, Chats};
use crate::alerts::{Notifier, Outbox};
use crate::chat::telegram::TgBot;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::hub::{HttpProbe, HubClient, HubObserver};
use crate::monitor::MonitorParts;
use crate::store::Store;
use crate::web::{MeteredProbe, Meters, SampleBook};

pub(super) use crate::alerts::destinations::Buttons;

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
    let chats = Chats { telegram, buttons };
    let notifiers =
        destinations::from_config(&config, &store, chats, console).map_err(|e| e.to_string())?;
    let mut parts = MonitorParts::new(config, Arc::new(hub), Arc::new(probe), store);
    parts.outbox = Outbox::new(notifiers);
    Ok(parts)
}
