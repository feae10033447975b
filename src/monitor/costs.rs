//! What the watched Spaces cost: billed time from the store priced with the settings'
//! table, over a window, and this month's projection. Served by the API (`/costs`),
//! the `/costs` command and the page.

use chrono::{DateTime, Datelike, TimeZone, Utc};

use super::Monitor;
use crate::alerts::{Alert, AlertEvent, EventKind, Note};
use crate::domain::{Costs, SpaceId, time};
use crate::store::StoreError;

impl Monitor {
    /// Costs of the watched Spaces over the last `days` days.
    pub async fn costs(&self, days: u32) -> Result<Costs, StoreError> {
        let since = time::before(
            self.now(),
            std::time::Duration::from_secs(u64::from(days) * 86_400),
        );
        self.costs_since(since).await
    }

    async fn costs_since(&self, since: DateTime<Utc>) -> Result<Costs, StoreError> {
        let usage = crate::view::usage_since(self, since).await?;
        let watched = usage
            .iter()
            .filter(|row| SpaceId::parse(&row.space).is_ok_and(|id| self.watches(&id)));
        Ok(self
            .settings()
            .prices
            .costs(watched.map(|row| (row.space.clone(), row.hardware.clone(), row.billed_ms))))
    }

    /// This calendar month's cost so far, run out to the whole month at the same
    /// pace; `None` in the first hour of a month (too little to go on).
    pub async fn month_projection(&self) -> Result<Option<f64>, StoreError> {
        let now = self.now();
        let Some(start) = Utc
            .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
            .single()
        else {
            return Ok(None);
        };
        let next = if now.month() == 12 {
            Utc.with_ymd_and_hms(now.year() + 1, 1, 1, 0, 0, 0)
        } else {
            Utc.with_ymd_and_hms(now.year(), now.month() + 1, 1, 0, 0, 0)
        };
        let Some(next) = next.single() else {
            return Ok(None);
        };
        let elapsed = time::elapsed(start, now).as_secs_f64();
        if elapsed < 3600.0 {
            return Ok(None);
        }
        let so_far = self.costs_since(start).await?.total_usd;
        let month = time::elapsed(start, next).as_secs_f64();
        Ok(Some(so_far * month / elapsed))
    }
}

const DAY: std::time::Duration = std::time::Duration::from_secs(86_400);
const SAVINGS_DAY: &str = "savings_day";

impl Monitor {
    /// Once a day, one line per Space its awake windows kept paused: "paused for 14 h,
    /// saved ≈ $5.60" (the hardware's hourly price over the hours outside its windows
    /// in the last 24 h). Sent once per UTC day, also across restarts.
    pub async fn daily_savings(&self) {
        let now = self.now();
        let today = now.date_naive().to_string();
        let store = &self.inner.store;
        if store.meta(SAVINGS_DAY).await.ok().flatten().as_deref() == Some(today.as_str()) {
            return;
        }
        let states = match store.space_states().await {
            Ok(states) => states,
            Err(e) => return tracing::warn!(error = %e, "savings: cannot read the Spaces"),
        };
        let settings = &self.settings();
        let mut events = Vec::new();
        for state in states.into_iter().filter(|s| self.watches(&s.space)) {
            let policy = settings.policy(&state.space);
            let hours = paused_hours(policy, now);
            if hours <= 0.0 {
                continue;
            }
            let flavor = state.requested_hardware.or(state.hardware);
            let price = flavor.as_deref().and_then(|f| settings.prices.hourly(f));
            events.push(
                AlertEvent::new(state.space, EventKind::Saved, state.verdict).with_note(
                    Note::Saved {
                        hours,
                        saved_usd: price.map(|price| hours * price),
                        hardware: flavor,
                    },
                ),
            );
        }
        // Claimed before sending: a restart (or a second replica) never sends it twice.
        match store.set_meta_once(SAVINGS_DAY, &today).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return tracing::warn!(error = %e, "savings: cannot record the day"),
        }
        if events.is_empty() {
            return;
        }
        if let Err(e) = self.queue_alert(&Alert::of(now, events)).await {
            tracing::warn!(error = %e, "savings: cannot queue the daily line");
        }
    }
}

/// Hours of the last 24 h outside every awake window (0 without windows): the day
/// minus the union of the windows that overlapped it, walked start by start so that a
/// window of seconds every minute counts as exactly as one of hours every night.
pub(crate) fn paused_hours(policy: &crate::config::SpacePolicy, now: DateTime<Utc>) -> f64 {
    if policy.awake.is_empty() {
        return 0.0;
    }
    let from = time::before(now, DAY);
    let mut awake: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for window in &policy.awake {
        let mut cursor = time::before(from, window.duration);
        // A cron fires at most once a second: a day holds at most this many starts.
        for _ in 0..=DAY.as_secs() {
            let Some(start) = window.start.next_after(cursor).filter(|s| *s <= now) else {
                break;
            };
            let end = time::after(start, window.duration).min(now);
            awake.push((start.max(from), end));
            cursor = start;
        }
    }
    awake.sort();
    let mut covered = chrono::TimeDelta::zero();
    let mut reach = from;
    for (start, end) in awake {
        let start = start.max(reach);
        if end > start {
            covered += end - start;
            reach = end;
        }
    }
    let paused = (now - from) - covered;
    paused.num_milliseconds().max(0) as f64 / 3_600_000.0
}
