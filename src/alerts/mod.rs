//! Alerts: the `Alert` value, the `Notifier` trait each destination implements, the
//! outbox that holds alerts until delivered, and the delivery worker. The destinations
//! themselves (log, webhook, Telegram, Discord) are in `destinations/`, one file each,
//! with the one function that builds them from the configuration; only there is a
//! client crate imported, never in the rest of `alerts/`.
//!
//! Flow: the monitor writes an alert into the outbox (one row per destination) in the
//! same transaction as the state change, then signals the worker; the worker delivers
//! rows in order per destination with retry and backoff and marks a row sent only after
//! the destination accepted it. Nothing here decides *whether* to alert: that is the
//! state machine in `domain`.

mod alert;
mod delivery;
pub mod destinations;
mod note;
pub mod render;
pub mod test_alert;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use std::collections::HashMap;

use crate::store::{DestinationState, Store, StoreError, StoreTx};

pub use alert::{
    Alert, AlertEvent, Deploy, EventKind, Notice, NoticeKind, PlatformEvent, PlatformEventKind,
};
pub use delivery::{DeliverySettings, deliver_due, run_delivery};
pub use note::{Advice, Note};

/// Why a delivery did not go through, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryError {
    /// Try again later (`after`: the destination said how long, e.g. a 429).
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    /// This destination will never accept this alert (e.g. a webhook answering 400).
    Permanent(String),
    /// The destination is gone for good (the bot was blocked or kicked, the channel
    /// deleted): nothing more is sent there.
    Gone(String),
    /// The destination moved (Telegram's `migrate_to_chat_id`): resend there.
    Moved { to: String },
}

/// One kind of destination (log, webhook, Telegram, Discord).
#[async_trait]
pub trait Notifier: Send + Sync {
    /// The destinations this notifier serves, e.g. `webhook` or `telegram:-100123`.
    fn destinations(&self) -> Vec<String>;

    /// Whether this notifier delivers to `destination` (a chat that moved keeps its
    /// notifier under a new id).
    fn serves(&self, destination: &str) -> bool {
        self.destinations().iter().any(|d| d == destination)
    }

    /// Delivers one alert to one of its destinations.
    async fn deliver(&self, destination: &str, alert: &Alert) -> Result<(), DeliveryError>;

    /// Whether delivering needs the store (chat notifiers remember button references
    /// and moved chats there). Notifiers that do not can still say that the store
    /// itself is failing.
    fn needs_store(&self) -> bool {
        true
    }
}

/// Every configured notifier, the destinations that moved or died, and the signal
/// that wakes the delivery worker.
#[derive(Clone, Default)]
pub struct Outbox {
    notifiers: Vec<Arc<dyn Notifier>>,
    signal: Arc<Notify>,
    changed: Arc<std::sync::RwLock<HashMap<String, DestinationState>>>,
}

impl Outbox {
    pub fn new(notifiers: Vec<Arc<dyn Notifier>>) -> Outbox {
        Outbox {
            notifiers,
            signal: Arc::new(Notify::new()),
            changed: Arc::default(),
        }
    }

    /// Loads what is known about moved and dead destinations (at startup).
    pub async fn load_changes(&self, store: &Store) -> Result<(), StoreError> {
        let states = store.destination_states().await?;
        let mut changed = self.changed.write().unwrap_or_else(|p| p.into_inner());
        changed.extend(states);
        Ok(())
    }

    pub(crate) fn record_change(&self, destination: &str, state: DestinationState) {
        let mut changed = self.changed.write().unwrap_or_else(|p| p.into_inner());
        changed.insert(destination.to_owned(), state);
    }

    /// Where alerts go now: configured destinations, following moves, without the dead.
    pub fn destinations(&self) -> Vec<String> {
        let changed = self.changed.read().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<String> = Vec::new();
        for configured in self.notifiers.iter().flat_map(|n| n.destinations()) {
            let mut destination = configured;
            // Follow a chain of moves (a group that migrated twice), with a bound.
            for _ in 0..8 {
                match changed.get(&destination) {
                    Some(DestinationState::Moved { to }) => destination = to.clone(),
                    _ => break,
                }
            }
            let dead = matches!(
                changed.get(&destination),
                Some(DestinationState::Dead { .. })
            );
            if dead || out.contains(&destination) {
                continue;
            }
            out.push(destination);
        }
        out
    }

    /// The notifier that serves `destination`.
    pub fn notifier_for(&self, destination: &str) -> Option<&Arc<dyn Notifier>> {
        self.notifiers.iter().find(|n| n.serves(destination))
    }

    /// Writes the alert for every destination inside `tx`; call `wake` after commit.
    pub async fn enqueue(
        &self,
        tx: &mut StoreTx,
        alert: &Alert,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if alert.is_empty() {
            return Ok(());
        }
        // Serializing strings, numbers and enums cannot fail.
        let payload = serde_json::to_string(alert).unwrap_or_default();
        for destination in self.destinations() {
            tx.enqueue(&destination, &payload, now).await?;
        }
        Ok(())
    }

    /// `enqueue` for events that happened together at `now`.
    pub async fn enqueue_events(
        &self,
        tx: &mut StoreTx,
        events: Vec<AlertEvent>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.enqueue(tx, &Alert::of(now, events), now).await
    }

    /// Sends `alert` now, without the outbox, through the notifiers that do not need
    /// the store (the log, the webhook): for when the store is what failed. Best
    /// effort and bounded: nothing is retried, failures are logged.
    pub async fn deliver_direct(&self, alert: &Alert, timeout: Duration) {
        let sends = self
            .notifiers
            .iter()
            .filter(|n| !n.needs_store())
            .flat_map(|n| n.destinations().into_iter().map(move |d| (n, d)))
            .map(|(notifier, destination)| async move {
                match tokio::time::timeout(timeout, notifier.deliver(&destination, alert)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        tracing::warn!(%destination, "direct alert not delivered: {e:?}")
                    }
                    Err(_) => tracing::warn!(%destination, "direct alert timed out"),
                }
            });
        futures_util::future::join_all(sends).await;
    }

    /// Tells the delivery worker there is something new.
    pub fn wake(&self) {
        self.signal.notify_one();
    }

    pub(crate) fn signal(&self) -> &Notify {
        &self.signal
    }
}
