//! A test alert (`spacewarden test-alert`, the chat command `/testalert`): one clearly
//! marked notice written to the outbox for each chosen destination and sent right
//! away, so the user sees at once which destination works and why another does not.
//!
//! Each row is recorded like any alert's (sent, or dead with the reason) so the outbox
//! and `/metrics` tell the same story; a failed test is *not* retried: its purpose is
//! the answer now. Reasons are the destinations' own, which name a host at most.

use std::time::Duration;

use futures_util::future::join_all;

use crate::alerts::{Alert, DeliveryError, NoticeKind, Outbox};
use crate::clock::Clock;
use crate::store::{Store, StoreError};

/// What happened at one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub destination: String,
    /// `Err(reason)` when it was not delivered.
    pub result: Result<(), String>,
}

/// Why no test was sent.
#[derive(Debug, thiserror::Error)]
pub enum TestAlertError {
    #[error("no destination named {asked:?}; configured: {configured}")]
    Unknown { asked: String, configured: String },
    #[error("no alert destination is configured besides the log")]
    NoneConfigured,
    #[error("the store: {0}")]
    Store(#[from] StoreError),
}

/// The configured destinations a test goes to: `only`, or every one but the log.
pub fn chosen(outbox: &Outbox, only: Option<&str>) -> Result<Vec<String>, TestAlertError> {
    let all = outbox.destinations();
    match only {
        Some(asked) if all.iter().any(|d| d == asked) => Ok(vec![asked.to_owned()]),
        Some(asked) => Err(TestAlertError::Unknown {
            asked: crate::domain::text::clean_line(asked)
                .chars()
                .take(60)
                .collect(),
            configured: all.join(", "),
        }),
        None => {
            let all: Vec<String> = all.into_iter().filter(|d| d != "log").collect();
            if all.is_empty() {
                return Err(TestAlertError::NoneConfigured);
            }
            Ok(all)
        }
    }
}

/// Sends one test alert to each of `destinations` (from [`chosen`]) through the outbox,
/// each bounded by `timeout`, and reports each outcome in order.
pub async fn send(
    store: &Store,
    outbox: &Outbox,
    destinations: &[String],
    clock: &dyn Clock,
    timeout: Duration,
) -> Result<Vec<TestOutcome>, TestAlertError> {
    let now = clock.now();
    let alert = Alert::notice(
        now,
        NoticeKind::Test,
        "sent on request to check this destination; nothing is wrong",
    );
    // Serializing strings and enums cannot fail.
    let payload = serde_json::to_string(&alert).unwrap_or_default();
    let mut rows = Vec::with_capacity(destinations.len());
    for destination in destinations {
        rows.push((
            destination,
            store.enqueue(destination, &payload, now).await?,
        ));
    }
    let sends = rows.iter().map(|(destination, id)| {
        let alert = &alert;
        async move {
            let result = match outbox.notifier_for(destination) {
                None => Err("destination no longer configured".to_owned()),
                Some(notifier) => {
                    match tokio::time::timeout(timeout, notifier.deliver(destination, alert)).await
                    {
                        Ok(Ok(())) => Ok(()),
                        Ok(Err(e)) => Err(reason(e)),
                        Err(_) => Err(format!("no answer within {}s", timeout.as_secs())),
                    }
                }
            };
            let recorded = match &result {
                Ok(()) => store.mark_sent(*id, clock.now()).await,
                Err(why) => store.mark_dead(*id, &format!("test alert: {why}")).await,
            };
            if let Err(e) = recorded {
                tracing::warn!(error = %e, %destination, "cannot record the test alert's outcome");
            }
            TestOutcome {
                destination: (*destination).clone(),
                result,
            }
        }
    });
    Ok(join_all(sends).await)
}

fn reason(error: DeliveryError) -> String {
    match error {
        DeliveryError::Retry { reason, .. } => format!("{reason} (would be retried)"),
        DeliveryError::Permanent(reason) | DeliveryError::Gone(reason) => reason,
        DeliveryError::Moved { to } => format!("moved to {to}"),
    }
}
