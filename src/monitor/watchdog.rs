//! spacewarden watching itself: when no check cycle completed within three schedule
//! intervals, one alert "spacewarden's own checks have stalled" goes to every
//! destination (and one when they run again); when the store refuses writes, one
//! alert goes straight to the destinations that do not need the store (the log, the
//! webhook), and one when it writes again. `/readyz` reads the same two conditions.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio_util::sync::CancellationToken;

use super::{Monitor, SchedulerStatus};
use crate::alerts::{Alert, NoticeKind};

/// How often the watchdog looks.
const EVERY: Duration = Duration::from_secs(5);
/// How long a notice sent around the store may take.
const DIRECT_TIMEOUT: Duration = Duration::from_secs(10);

fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Watches the scheduler and the store until `cancel`.
pub async fn run_watchdog(
    monitor: Monitor,
    scheduler: SchedulerStatus,
    cancel: CancellationToken,
) -> Result<(), String> {
    let mut stalled = false;
    let mut store_failing = false;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = tokio::time::sleep(EVERY) => {}
        }
        let now = monitor.now();
        match (scheduler.stalled(now), stalled) {
            (Some(since), false) => {
                stalled = true;
                let last = scheduler.snapshot().last_failure.unwrap_or_default();
                let detail = if last.is_empty() {
                    format!("no completed check since {}", at(since))
                } else {
                    format!(
                        "no completed check since {}; last failure: {last}",
                        at(since)
                    )
                };
                tracing::error!("{detail}");
                monitor.notify(NoticeKind::ChecksStalled, detail).await;
            }
            (None, true) => {
                stalled = false;
                monitor
                    .notify(
                        NoticeKind::ChecksResumed,
                        "check cycles complete again".into(),
                    )
                    .await;
            }
            _ => {}
        }
        let write = monitor.store().write_health().status();
        match (&write.failing, store_failing) {
            (Some((since, reason)), false) => {
                store_failing = true;
                let detail = format!("writes fail since {}: {reason}", at(*since));
                let alert = Alert::notice(now, NoticeKind::StoreFailing, detail);
                monitor
                    .outbox()
                    .deliver_direct(&alert, DIRECT_TIMEOUT)
                    .await;
            }
            (None, true) => {
                store_failing = false;
                let alert =
                    Alert::notice(now, NoticeKind::StoreRecovered, "writes go through again");
                monitor
                    .outbox()
                    .deliver_direct(&alert, DIRECT_TIMEOUT)
                    .await;
            }
            _ => {}
        }
    }
}

impl Monitor {
    /// A notice to every destination through the outbox; straight to the store-free
    /// destinations when the outbox cannot take it.
    async fn notify(&self, kind: NoticeKind, detail: String) {
        let now = self.now();
        let alert = Alert::notice(now, kind, detail);
        let queued = async {
            let mut tx = self.inner.store.begin().await?;
            self.inner.outbox.enqueue(&mut tx, &alert, now).await?;
            tx.commit().await
        }
        .await;
        match queued {
            Ok(()) => self.inner.outbox.wake(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot queue a notice; sending it around the store");
                self.inner
                    .outbox
                    .deliver_direct(&alert, DIRECT_TIMEOUT)
                    .await;
            }
        }
    }
}
