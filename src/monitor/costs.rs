//! What the watched Spaces cost: billed time from the store priced with the settings'
//! table, over a window, and this month's projection. Served by the API (`/costs`),
//! the `/costs` command and the page.

use chrono::{DateTime, Datelike, TimeZone, Utc};

use super::Monitor;
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
        let usage = self.inner.store.usage_since(since).await?;
        let watched = usage
            .into_iter()
            .filter(|row| SpaceId::parse(&row.space).is_ok_and(|id| self.watches(&id)));
        Ok(self
            .inner
            .config
            .space_settings
            .prices
            .costs(watched.map(|row| (row.space, row.hardware, row.billed_ms))))
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
