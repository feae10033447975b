//! The delivery worker: takes the oldest pending outbox row of each destination, hands
//! it to its notifier, and records the outcome. Order is kept per destination (a row
//! being retried holds back the rows after it); destinations do not hold each other up.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use tokio_util::sync::CancellationToken;

use super::{Alert, DeliveryError, Outbox};
use crate::clock::Clock;
use crate::store::{DestinationState, OutboxRow, Store, StoreError};

/// Retry pacing.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Wait after the first failure; doubles with each attempt.
    pub base: Duration,
    /// Longest wait between attempts.
    pub max: Duration,
    /// Longest a notifier may take for one alert.
    pub timeout: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            base: Duration::from_secs(1),
            max: Duration::from_secs(300),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Runs until cancelled. Store errors are logged and retried: a locked or full disk
/// must not stop deliveries for good.
pub async fn run_delivery(
    store: Store,
    outbox: Outbox,
    clock: Arc<dyn Clock>,
    settings: DeliverySettings,
    cancel: CancellationToken,
) {
    loop {
        let wait = match deliver_due(&store, &outbox, clock.as_ref(), &settings).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::error!(error = %e, "alert delivery: store error");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            () = cancel.cancelled() => return,
            () = outbox.signal().notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Delivers every row that is due, head by head, until nothing is due. Returns how
/// long until the next row is due (at most a second, so new rows are never missed
/// for long even without a signal).
pub async fn deliver_due(
    store: &Store,
    outbox: &Outbox,
    clock: &dyn Clock,
    settings: &DeliverySettings,
) -> Result<Duration, StoreError> {
    loop {
        let now = clock.now();
        let heads = store.outbox_heads().await?;
        let (due, later): (Vec<OutboxRow>, Vec<OutboxRow>) = heads
            .into_iter()
            .partition(|row| row.next_attempt_ms <= now.timestamp_millis());
        if due.is_empty() {
            let soonest = later
                .iter()
                .map(|row| row.next_attempt_ms - now.timestamp_millis())
                .min()
                .unwrap_or(1000);
            return Ok(Duration::from_millis(soonest.clamp(10, 1000) as u64));
        }
        // Each destination's outcome is recorded as soon as its own attempt returns: a
        // slow destination (teloxide waits 10 s after a 5xx) must not keep alerts the
        // others already accepted "pending", where a crash would send them twice.
        let recorded = join_all(due.iter().map(|row| async move {
            let result = attempt(outbox, row, settings).await;
            record(store, outbox, clock, settings, row, result).await
        }))
        .await;
        recorded
            .into_iter()
            .collect::<Result<Vec<()>, StoreError>>()?;
    }
}

async fn attempt(
    outbox: &Outbox,
    row: &OutboxRow,
    settings: &DeliverySettings,
) -> Result<(), DeliveryError> {
    let Some(notifier) = outbox.notifier_for(&row.destination) else {
        return Err(DeliveryError::Permanent(
            "destination no longer configured".into(),
        ));
    };
    let alert: Alert = serde_json::from_str(&row.payload)
        .map_err(|e| DeliveryError::Permanent(format!("unreadable alert: {e}")))?;
    match tokio::time::timeout(settings.timeout, notifier.deliver(&row.destination, &alert)).await {
        Ok(result) => result,
        Err(_) => Err(DeliveryError::Retry {
            after: None,
            reason: format!("no answer within {}s", settings.timeout.as_secs()),
        }),
    }
}

async fn record(
    store: &Store,
    outbox: &Outbox,
    clock: &dyn Clock,
    settings: &DeliverySettings,
    row: &OutboxRow,
    result: Result<(), DeliveryError>,
) -> Result<(), StoreError> {
    let now = clock.now();
    match result {
        Ok(()) => {
            tracing::debug!(id = row.id, destination = %row.destination, "alert delivered");
            store.mark_sent(row.id, now).await
        }
        Err(DeliveryError::Retry { after, reason }) => {
            let backoff = settings
                .base
                .saturating_mul(
                    2u32.saturating_pow(u32::try_from(row.attempts).unwrap_or(u32::MAX)),
                )
                .min(settings.max);
            let wait = after.unwrap_or(backoff).max(settings.base.min(backoff));
            tracing::warn!(
                id = row.id,
                destination = %row.destination,
                attempt = row.attempts + 1,
                retry_in_ms = wait.as_millis() as u64,
                "alert delivery failed: {reason}"
            );
            let next = crate::domain::time::after(now, wait);
            store.mark_retry(row.id, next, &reason).await
        }
        Err(DeliveryError::Permanent(reason)) => {
            tracing::error!(id = row.id, destination = %row.destination, "alert dropped for good: {reason}");
            store.mark_dead(row.id, &reason).await
        }
        Err(DeliveryError::Moved { to }) => {
            tracing::warn!(from = %row.destination, to = %to, "destination moved; resending there");
            let state = DestinationState::Moved { to: to.clone() };
            store
                .set_destination_state(&row.destination, &state, now)
                .await?;
            outbox.record_change(&row.destination, state);
            store
                .redirect_destination(&row.destination, &to)
                .await
                .map(|_| ())
        }
        Err(DeliveryError::Gone(reason)) => {
            tracing::error!(destination = %row.destination, "destination gone, no more alerts go there: {reason}");
            let state = DestinationState::Dead {
                reason: reason.clone(),
            };
            store
                .set_destination_state(&row.destination, &state, now)
                .await?;
            outbox.record_change(&row.destination, state);
            store
                .kill_destination_rows(&row.destination, &reason)
                .await
                .map(|_| ())
        }
    }
}
