//! In-process daemon harness: a `Monitor` wired to the fake Hub with a collecting
//! alert destination and a manual clock, plus helpers to run cycles to completion.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use spacewarden::alerts::{
    Alert, DeliveryError, DeliverySettings, EventKind, Notifier, Outbox, deliver_due,
};
use spacewarden::clock::ManualClock;
use spacewarden::config::Config;
use spacewarden::hub::{HttpProbe, HubClient};
use spacewarden::monitor::{Monitor, MonitorParts};
use spacewarden::web::SampleBook;

use super::app::App;

/// Settings that make the ladder fast enough for tests.
pub const FAST_REPAIRS: &str = "[repair]\npoll_interval = \"20ms\"\ntimeout = \"3s\"\n";

/// An alert destination that keeps what it gets.
#[derive(Clone, Default)]
pub struct Collector {
    alerts: Arc<Mutex<Vec<Alert>>>,
}

impl Collector {
    pub fn alerts(&self) -> Vec<Alert> {
        self.alerts.lock().unwrap().clone()
    }

    /// Every event as `kind space` (e.g. `down alice/app`), in delivery order.
    pub fn events(&self) -> Vec<String> {
        self.alerts()
            .iter()
            .flat_map(|a| a.events.iter())
            .map(|e| format!("{} {}", kind_name(e.kind), e.space))
            .collect()
    }
}

pub fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Down => "down",
        EventKind::StillDown => "still_down",
        EventKind::Repairing => "repairing",
        EventKind::RepairFailed => "repair_failed",
        EventKind::GaveUp => "gave_up",
        EventKind::Recovered => "recovered",
        EventKind::Woken => "woken",
        EventKind::WakeFailed => "wake_failed",
        EventKind::HardwareDrift => "hardware_drift",
        EventKind::MemoryHigh => "memory_high",
        EventKind::Saved => "saved",
    }
}

#[async_trait]
impl Notifier for Collector {
    fn destinations(&self) -> Vec<String> {
        vec!["test".into()]
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        self.alerts.lock().unwrap().push(alert.clone());
        Ok(())
    }
}

/// A monitor as the daemon builds it, with a collector and a manual clock.
pub struct Daemon {
    pub monitor: Monitor,
    pub collector: Collector,
    /// What the monitor's Hub read of live metrics (observed like the daemon's).
    pub samples: SampleBook,
    pub clock: Arc<ManualClock>,
    outbox: Outbox,
    /// The app whose temporary directory holds the database, when the daemon owns it.
    _app: Option<App>,
}

impl Daemon {
    pub async fn new(app: &App) -> Daemon {
        let config = Config::from_lookup(|key| app.var(key)).expect("valid config");
        let collector = Collector::default();
        let outbox = Outbox::new(vec![Arc::new(collector.clone())]);
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        ));
        let samples = SampleBook::default();
        let hub = HubClient::for_config(&config)
            .expect("hub client")
            .with_observer(samples.hub_observer(clock.clone()));
        let mut parts = MonitorParts::new(
            Arc::new(config),
            Arc::new(hub),
            Arc::new(HttpProbe::new().expect("probe")),
            app.store().await,
        );
        parts.clock = clock.clone();
        parts.outbox = outbox.clone();
        Daemon {
            monitor: Monitor::new(parts),
            collector,
            samples,
            clock,
            outbox,
            _app: None,
        }
    }

    /// Keeps `app` (its temporary directory and database) alive as long as the daemon.
    pub fn owning(mut self, app: App) -> Daemon {
        self._app = Some(app);
        self
    }

    /// One cycle of the watch list, its repairs run to the end, alerts delivered; the
    /// clock then moves five minutes, like the default schedule.
    pub async fn cycle(&self) {
        let targets = self.monitor.config().watch.clone();
        self.monitor.tick(&targets).await.expect("cycle");
        self.monitor.settle().await;
        self.deliver().await;
        self.clock.advance(Duration::from_secs(300));
    }

    pub async fn deliver(&self) {
        deliver_due(
            self.monitor.store(),
            &self.outbox,
            self.clock.as_ref(),
            &DeliverySettings::default(),
        )
        .await
        .expect("deliver");
    }
}
