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
use crate::store::{StoreError, WriteStatus};

/// How often the watchdog looks.
const EVERY: Duration = Duration::from_secs(5);
/// How long a notice sent around the store may take.
const DIRECT_TIMEOUT: Duration = Duration::from_secs(10);

fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What the watchdog has announced: each condition once when it starts and once
/// when it ends, however often it looks.
#[derive(Debug, Default)]
pub struct Watch {
    stalled: bool,
    store_failing: bool,
}

/// What one look found to announce.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub kind: NoticeKind,
    pub detail: String,
    /// Since when, and the failure: the detail as data, for people in their language
    /// and `TZ`.
    pub since: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// Around the store, to the destinations that do not need it.
    pub direct: bool,
}

impl Watch {
    /// One look: the stall (`Some(since)` while no cycle completed in time, with the
    /// last failure if any) and the store's write health.
    pub fn look(
        &mut self,
        stall: Option<(DateTime<Utc>, Option<String>)>,
        write: &WriteStatus,
    ) -> Vec<Announcement> {
        let mut out = Vec::new();
        match (stall, self.stalled) {
            (Some((since, last)), false) => {
                self.stalled = true;
                let mut detail = format!("no completed check since {}", at(since));
                let last = last.filter(|l| !l.is_empty());
                if let Some(last) = &last {
                    detail.push_str(&format!("; last failure: {last}"));
                }
                out.push(Announcement {
                    kind: NoticeKind::ChecksStalled,
                    detail,
                    since: Some(since),
                    reason: last,
                    direct: false,
                });
            }
            (None, true) => {
                self.stalled = false;
                out.push(Announcement {
                    kind: NoticeKind::ChecksResumed,
                    detail: "check cycles complete again".into(),
                    since: None,
                    reason: None,
                    direct: false,
                });
            }
            _ => {}
        }
        match (&write.failing, self.store_failing) {
            (Some((since, reason)), false) => {
                self.store_failing = true;
                out.push(Announcement {
                    kind: NoticeKind::StoreFailing,
                    detail: format!("writes fail since {}: {reason}", at(*since)),
                    since: Some(*since),
                    reason: Some(reason.clone()),
                    direct: true,
                });
            }
            (None, true) => {
                self.store_failing = false;
                out.push(Announcement {
                    kind: NoticeKind::StoreRecovered,
                    detail: "writes go through again".into(),
                    since: None,
                    reason: None,
                    direct: true,
                });
            }
            _ => {}
        }
        out
    }
}

/// Watches the scheduler and the store until `cancel`.
pub async fn run_watchdog(
    monitor: Monitor,
    scheduler: SchedulerStatus,
    cancel: CancellationToken,
) -> crate::supervise::PartResult {
    let mut watch = Watch::default();
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = tokio::time::sleep(EVERY) => {}
        }
        // An announcement around the store may wait on a slow webhook: shutdown does
        // not wait for it (it is made again on the next start if the cause remains).
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = look_once(&monitor, &scheduler, &mut watch) => {}
        }
    }
}

/// One look: the stall, the database file, the write health; what changed is announced.
async fn look_once(monitor: &Monitor, scheduler: &SchedulerStatus, watch: &mut Watch) {
    let now = monitor.now();
    let stall = scheduler
        .stalled(now)
        .map(|since| (since, scheduler.snapshot().last_failure));
    // A deleted database file fails no write (they go to the unlinked file): its
    // identity is looked at here, and counts as failing writes.
    monitor.store().look_at_file();
    let write = monitor.store().write_health().status();
    for announcement in watch.look(stall, &write) {
        if announcement.kind == NoticeKind::ChecksStalled {
            tracing::error!("{}", announcement.detail);
        }
        let mut alert = Alert::notice(now, announcement.kind, announcement.detail);
        if let Some(notice) = alert.notices.first_mut() {
            notice.since = announcement.since;
            notice.reason = announcement.reason;
        }
        if announcement.direct {
            monitor
                .outbox()
                .deliver_direct(&alert, DIRECT_TIMEOUT)
                .await;
        } else {
            monitor.notify(alert).await;
        }
    }
}

impl Monitor {
    /// Queues `alert` for every destination in a transaction of its own and wakes the
    /// delivery worker.
    pub(super) async fn queue_alert(&self, alert: &Alert) -> Result<(), StoreError> {
        let mut tx = self.inner.store.begin().await?;
        self.inner.outbox.enqueue(&mut tx, alert, alert.at).await?;
        tx.commit().await?;
        self.inner.outbox.wake();
        Ok(())
    }

    /// A notice to every destination through the outbox; straight to the store-free
    /// destinations when the outbox cannot take it.
    async fn notify(&self, alert: Alert) {
        match self.queue_alert(&alert).await {
            Ok(()) => {}
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn each_condition_is_announced_once_when_it_starts_and_once_when_it_ends() {
        let since = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let mut watch = Watch::default();
        let fine = WriteStatus::default();
        let full = WriteStatus {
            failing: Some((since, "database or disk is full".into())),
            failures: 3,
        };
        let kinds =
            |found: Vec<Announcement>| found.into_iter().map(|a| a.kind).collect::<Vec<_>>();
        assert!(watch.look(None, &fine).is_empty());
        let stalled = watch.look(Some((since, Some("panicked: boom".into()))), &fine);
        assert_eq!(
            stalled[0].detail,
            "no completed check since 2026-11-30T12:00:00Z; last failure: panicked: boom"
        );
        assert!(!stalled[0].direct);
        for _ in 0..5 {
            assert!(
                watch.look(Some((since, None)), &fine).is_empty(),
                "once only"
            );
        }
        assert_eq!(
            kinds(watch.look(Some((since, None)), &full)),
            [NoticeKind::StoreFailing]
        );
        assert!(watch.look(Some((since, None)), &full).is_empty());
        assert_eq!(
            kinds(watch.look(None, &fine)),
            [NoticeKind::ChecksResumed, NoticeKind::StoreRecovered]
        );
        assert!(watch.look(None, &fine).is_empty());
    }
}
